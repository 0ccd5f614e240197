"""The delivery plan with a two-level and a three-level strategy in one partnership: each in its own
words, a two-level plan offering no ambitions, themes and places to filter by and shown as text, other
partners beside the lead, and a spreadsheet download of the strategy chosen."""

import datetime
import io
import re
from html import escape

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import Membership
from delivery.models import Action, Tag
from priorities.models import Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

HIDDEN_AMBITION = "Unseen ambition of the two-level plan"
HOSTILE_TAG = '<script>alert("tag")</script> \u041erpington'  # markup, and a look-alike: Cyrillic "O"


@pytest.fixture
def shapes():
    """The current three-level "Priority / Objective / Action" strategy and, beside it since 2025, a
    two-level "Aim / Deliverable" plan, one action in each; the deliverable has themes and places and
    partners as written."""
    three = StrategyFactory(title="Community Safety Strategy 2024-27", ambition_word="Objective")
    partnership = three.partnership
    two = StrategyFactory(
        partnership=partnership,
        title="Domestic Abuse Duty Action Plan",
        starts_on=datetime.date(2025, 4, 1),
        levels=Strategy.Levels.TWO,
        priority_word="Aim",
        ambition_word="Priority action",
        action_word="Deliverable",
    )
    aim = PriorityFactory(strategy=two, order=1, title="Victims are safer")
    deliverable = ActionFactory(
        ambition=StrategicAmbitionFactory(priority=aim, order=1, title=HIDDEN_AMBITION),
        order=3,
        title="Commission refuge spaces",
        other_partners="third sector, all reps",
    )
    deliverable.partner_organisations.add(
        OrganisationFactory(partnership=partnership, name="Probation Service", short_name="PS")
    )
    vawg = Tag.objects.create(partnership=partnership, name="VAWG")
    deliverable.tags.add(vawg, Tag.objects.create(partnership=partnership, name="Orpington"))
    objective = StrategicAmbitionFactory(
        priority=PriorityFactory(strategy=three, order=1, title="Prevention"),
        order=2,
        title="Less knife crime",
    )
    action = ActionFactory(ambition=objective, order=1, title="Knife crime sessions")
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    return {
        "partnership": partnership,
        "three": three,
        "two": two,
        "deliverable": deliverable,
        "action": action,
        "objective": objective,
        "vawg": vawg,
        "admin": admin,
    }


def plan(client, shapes, query=None, *, user=None):
    client.force_login(user or shapes["action"].owner)
    response = client.get(
        reverse("delivery:action_list", kwargs={"slug": shapes["partnership"].slug}), query or {}
    )
    assert response.status_code == 200
    return response.content.decode()


def label(html, field) -> str:
    return re.search(rf'<label class="govuk-label" for="id_{field}">([^<]*)</label>', html).group(1)


def select(html, field) -> str:
    return re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)


def column_headings(html) -> list[str]:
    return re.findall(r'<th scope="col" class="govuk-table__header">([^<]*)</th>', html)


def test_the_current_three_level_strategy_speaks_its_own_words(client, shapes):
    html = plan(client, shapes)

    assert "Knife crime sessions" in html and "Commission refuge spaces" not in html
    assert (label(html, "priority"), label(html, "ambition")) == ("Priority", "Objective")
    assert column_headings(html)[0] == "Action"
    assert f'value="{shapes["objective"].pk}"' in select(html, "ambition")
    assert HIDDEN_AMBITION not in html


def test_a_two_level_strategy_has_no_ambition_filter_and_its_own_words(client, shapes):
    html = plan(client, shapes, {"strategy": shapes["two"].pk})

    assert "1.3 Commission refuge spaces" in html and "Knife crime sessions" not in html
    assert label(html, "priority") == "Aim"
    assert 'name="ambition"' not in html
    assert column_headings(html)[0] == "Deliverable"
    assert "1 deliverable" in html
    assert HIDDEN_AMBITION not in html


def test_all_strategies_speak_neutral_words_and_never_offer_a_two_level_ambition(client, shapes):
    html = plan(client, shapes, {"strategy": "all"})

    assert "Knife crime sessions" in html and "Commission refuge spaces" in html
    assert (label(html, "priority"), label(html, "ambition")) == ("Priority", "Strategic ambition")
    assert column_headings(html)[0] == "Action"
    assert f'value="{shapes["objective"].pk}"' in select(html, "ambition")
    assert HIDDEN_AMBITION not in html


def test_a_two_level_ambition_in_the_address_is_refused(client, shapes):
    hidden = shapes["deliverable"].ambition

    html = plan(client, shapes, {"strategy": "all", "ambition": hidden.pk})

    assert "Select a valid choice" in html
    assert HIDDEN_AMBITION not in html


def test_the_plan_filters_by_a_theme_or_place_of_the_partnership(client, shapes):
    other = Tag.objects.create(partnership=OrganisationFactory().partnership, name="Elsewhere")

    by_tag = plan(client, shapes, {"strategy": "all", "tag": shapes["vawg"].pk})
    foreign = plan(client, shapes, {"strategy": "all", "tag": other.pk})

    assert "Commission refuge spaces" in by_tag and "Knife crime sessions" not in by_tag
    assert label(by_tag, "tag") == "Theme or place"
    assert f'<option value="{shapes["vawg"].pk}" selected>VAWG</option>' in select(by_tag, "tag")
    assert "Elsewhere" not in by_tag
    assert "Select a valid choice" in foreign and "Commission refuge spaces" not in foreign


def test_themes_places_and_partners_as_written_are_shown_in_the_list(client, shapes):
    deliverable = shapes["deliverable"]

    html = plan(client, shapes, {"strategy": shapes["two"].pk})

    assert "Themes and places: Orpington, VAWG" in html
    assert f'<td class="govuk-table__cell">{escape(deliverable.lead_in_words())}<br>' in html
    assert "With PS, third sector, all reps" in html


def test_hostile_tag_names_are_shown_as_text(client, shapes):
    shapes["deliverable"].tags.add(Tag.objects.create(partnership=shapes["partnership"], name=HOSTILE_TAG))

    html = plan(client, shapes, {"strategy": shapes["two"].pk})

    assert '<script>alert("tag")' not in html
    assert f">{escape(HOSTILE_TAG)}</option>" in select(html, "tag")
    assert f"Themes and places: {escape(HOSTILE_TAG)}, Orpington, VAWG" in html


def test_an_action_past_its_due_date_is_overdue_until_it_is_completed(client, shapes):
    late = ActionFactory(
        ambition=shapes["objective"], title="Late work", starts_on=None, due_on=datetime.date(2020, 3, 31)
    )
    ActionFactory(
        ambition=shapes["objective"],
        title="Done work",
        starts_on=None,
        due_on=datetime.date(2020, 3, 31),
        status=Action.Status.COMPLETED,
        completed_on=datetime.date(2020, 3, 1),
    )

    html = plan(client, shapes)

    rows = re.findall(r'<tr class="govuk-table__row">.*?</tr>', html, re.S)
    assert "Overdue" in next(row for row in rows if late.title in row)
    assert "Overdue" not in next(row for row in rows if "Done work" in row)


def export_link(html) -> str | None:
    found = re.search(r'href="([^"]*/actions/export/[^"]*)"', html)
    return found.group(1) if found else None


def test_the_download_carries_the_strategy_chosen_and_exports_it(client, shapes):
    html = plan(client, shapes, {"strategy": shapes["two"].pk}, user=shapes["admin"])

    link = export_link(html)
    assert link.endswith(f"?strategy={shapes['two'].pk}")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(link).content))
    cells = {str(cell.value) for row in workbook.worksheets[0].iter_rows() for cell in row}
    assert "Commission refuge spaces" in cells
    assert "Knife crime sessions" not in cells


def test_the_download_is_offered_for_one_strategy_to_administrators_only(client, shapes):
    everything = plan(client, shapes, {"strategy": "all"}, user=shapes["admin"])
    current = plan(client, shapes, user=shapes["admin"])
    as_officer = plan(client, shapes)

    assert export_link(everything) is None
    assert "Choose a strategy to download its delivery plan as a spreadsheet." in everything
    assert export_link(current).endswith(f"?strategy={shapes['three'].pk}")
    assert export_link(as_officer) is None
