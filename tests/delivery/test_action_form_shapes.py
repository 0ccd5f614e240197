"""The action form in the plan's shape: a two-level plan's form chooses the priority, in the plan's words;
published references, themes and places, and partners as written."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import version_of
from delivery.models import Action, Tag
from priorities.models import StrategicAmbition, Strategy
from priorities.services import actions_ambition_of
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

HOSTILE_TAG = '<img src=x onerror="alert(1)"> \u041erpington'  # markup, and a Cyrillic capital O


@pytest.fixture
def two_level():
    strategy = StrategyFactory(
        title="Domestic Abuse Duty Plan",
        levels=Strategy.Levels.TWO,
        priority_word="Aim",
        action_word="Deliverable",
    )
    PriorityFactory(strategy=strategy, order=1, title="Survivors are safe")
    PriorityFactory(strategy=strategy, order=2, title="Perpetrators are held to account")
    return strategy


@pytest.fixture
def three_level():
    strategy = StrategyFactory(title="Community Justice Plan", ambition_word="Objective")
    StrategicAmbitionFactory(priority__strategy=strategy, priority__order=1, order=1, title="Early help")
    return strategy


@pytest.fixture
def admin_of(client):
    def sign_in(strategy):
        client.force_login(
            MembershipFactory(partnership=strategy.partnership, role=Membership.Role.ADMINISTRATOR).user
        )
        return client

    return sign_in


def url(name, strategy, **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": strategy.partnership.slug, **kwargs})


def form_data(strategy, **changes):
    lead = OrganisationFactory(partnership=strategy.partnership)
    owner = MembershipFactory(partnership=strategy.partnership, organisation=lead).user
    return {
        "title": "Open a second refuge",
        "owner": str(owner.pk),
        "published_reference": "",
        "lead_organisation": str(lead.pk),
        "other_partners": "",
        "tag_names": "",
        "due": "Q3 2026/27",
        "status": "not_started",
        "version": "",
        **changes,
    }


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# Two levels ------------------------------------------------------------------------------------


def test_a_two_level_plans_form_chooses_the_aim_in_its_words(admin_of, two_level):
    second = two_level.priorities.get(order=2)

    page = main_of(
        admin_of(two_level).get(
            url("strategy_action_create", two_level, pk=two_level.pk) + f"?priority={second.pk}"
        )
    )

    assert '<h1 class="govuk-heading-l">Add a deliverable</h1>' in page
    assert re.search(r'<label for="id_priority" class="govuk-label">\s*Aim\s*</label>', page)
    assert f'<option value="{second.pk}" selected>2. Perpetrators are held to account</option>' in page
    assert "The deliverable goes at the end of the aim chosen." in page
    assert ">Add deliverable</button>" in page
    assert "mbition" not in page


def test_a_deliverable_is_added_under_the_aim_chosen(admin_of, two_level):
    aim = two_level.priorities.get(order=2)
    client = admin_of(two_level)
    add = url("strategy_action_create", two_level, pk=two_level.pk)

    first = client.post(
        add,
        form_data(
            two_level,
            priority=str(aim.pk),
            tag_names="VAWG,  town   centre , ,vawg",
            other_partners="third sector, Local Authorities",
        ),
    )
    second = client.post(add, form_data(two_level, priority=str(aim.pk), title="Train refuge staff"))

    assert first.status_code == second.status_code == 302
    deliverables = list(Action.objects.filter(ambition__priority=aim).order_by("order"))
    assert [d.reference for d in deliverables] == ["2.1", "2.2"]
    assert {d.ambition for d in deliverables} == {actions_ambition_of(aim)}
    assert StrategicAmbition.objects.filter(priority=aim).count() == 1
    assert sorted(tag.name for tag in deliverables[0].tags.all()) == ["VAWG", "town centre"]
    assert deliverables[0].other_partners == "third sector, Local Authorities"
    assert "Deliverable 2.1 added." in client.get(first["Location"]).content.decode()


def test_a_two_level_form_without_an_aim_is_refused(admin_of, two_level, three_level):
    elsewhere = three_level.priorities.get()
    client = admin_of(two_level)
    add = url("strategy_action_create", two_level, pk=two_level.pk)

    missing = client.post(add, form_data(two_level, tag_names="Brand new theme"))
    foreign = client.post(add, form_data(two_level, priority=str(elsewhere.pk)))

    assert "Choose the aim the deliverable comes under" in missing.content.decode()
    assert "Choose one of the strategy&#x27;s aims" in foreign.content.decode()
    assert not Action.objects.exists()
    assert not Tag.objects.filter(name="Brand new theme").exists()


def test_a_deliverable_is_edited_with_its_reference_and_themes_shown_back(admin_of, two_level):
    aim = two_level.priorities.get(order=1)
    deliverable = ActionFactory(ambition=actions_ambition_of(aim), order=1, title="Open a second refuge")
    deliverable.tags.set(
        [Tag.objects.create(partnership=two_level.partnership, name=name) for name in ("VAWG", "Orpington")]
    )
    client = admin_of(two_level)
    edit = url("action_edit", two_level, pk=deliverable.pk)

    page = main_of(client.get(edit))
    assert '<span class="govuk-caption-l">1. Survivors are safe</span>' in page
    assert 'value="Orpington, VAWG"' in page
    assert "Order within 1. Survivors are safe" in page
    assert "<strong>1.1 Open a second refuge</strong> (this deliverable)" in page
    assert "mbition" not in page

    response = client.post(
        edit,
        form_data(
            two_level,
            published_reference="2.1.10",
            tag_names="Orpington, Serious Violence Duty",
            due="31/03/2025",  # as it was
            version=version_of(deliverable),
        ),
    )

    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.reference == "2.1.10"
    assert sorted(tag.name for tag in deliverable.tags.all()) == ["Orpington", "Serious Violence Duty"]
    assert "Deliverable 2.1.10 updated." in client.get(response["Location"]).content.decode()


# Three levels ----------------------------------------------------------------------------------


def test_a_three_level_plans_form_speaks_its_words(admin_of, three_level):
    objective = StrategicAmbition.objects.get(priority__strategy=three_level)
    client = admin_of(three_level)

    page = main_of(client.get(url("action_create", three_level, ambition_pk=objective.pk)))
    assert '<span class="govuk-caption-l">1.1 Early help</span>' in page
    assert "The action goes at the end of objective 1.1, in Community Justice Plan." in page
    assert 'name="priority"' not in page and 'name="ambition"' not in page

    chooser = main_of(client.get(url("strategy_action_create", three_level, pk=three_level.pk)))
    assert f'<option value="{objective.pk}">1.1 Early help</option>' in chooser
    assert "The action goes at the end of the objective chosen." in chooser

    response = client.post(
        url("strategy_action_create", three_level, pk=three_level.pk),
        form_data(three_level, ambition=str(objective.pk), published_reference="A1"),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.ambition, action.reference) == (objective, "A1")


def test_an_action_added_where_the_address_says(admin_of, three_level):
    objective = StrategicAmbition.objects.get(priority__strategy=three_level)

    response = admin_of(three_level).post(
        url("action_create", three_level, ambition_pk=objective.pk), form_data(three_level)
    )

    assert response.status_code == 302
    assert Action.objects.get().reference == "1.1.1"


# Refusals and hostile text ----------------------------------------------------------------------


def test_themes_are_made_only_with_the_action(admin_of, three_level):
    """A refusal by the service, after the form had read the themes, leaves no new theme behind."""
    objective = StrategicAmbition.objects.get(priority__strategy=three_level)
    data = form_data(three_level, tag_names="A theme nobody has")
    data["lead_partners"] = [data["lead_organisation"]]

    response = admin_of(three_level).post(url("action_create", three_level, ambition_pk=objective.pk), data)

    assert response.status_code == 200
    assert "The lead organisation is already a lead" in response.content.decode()
    assert not Tag.objects.exists() and not Action.objects.exists()


def test_a_theme_too_long_is_refused_and_shown_back_as_text(admin_of, three_level):
    objective = StrategicAmbition.objects.get(priority__strategy=three_level)
    written = f"VAWG, <b>{'x' * 300}</b>"

    response = admin_of(three_level).post(
        url("action_create", three_level, ambition_pk=objective.pk), form_data(three_level, tag_names=written)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Each theme or place must be 60 characters or fewer: separate them with commas" in html
    assert f'value="{escape(written)}"' in html and "<b>xxx" not in html
    assert not Tag.objects.exists() and not Action.objects.exists()


def test_hostile_themes_and_partners_are_shown_back_as_text(admin_of, three_level):
    objective = StrategicAmbition.objects.get(priority__strategy=three_level)
    action = ActionFactory(ambition=objective, order=1, other_partners="<b>All reps</b>")
    action.tags.set([Tag.objects.create(partnership=three_level.partnership, name=HOSTILE_TAG)])

    html = admin_of(three_level).get(url("action_edit", three_level, pk=action.pk)).content.decode()

    assert f'value="{escape(HOSTILE_TAG)}"' in html and "<img" not in html
    assert f'value="{escape("<b>All reps</b>")}"' in html and "<b>All reps" not in html


@pytest.mark.parametrize("word", ['<img src=x onerror="alert(1)">', "D\u0435liverable", "D" * 40])
def test_hostile_words_are_shown_as_text_on_the_action_form(admin_of, two_level, word):
    two_level.priority_word = word
    two_level.action_word = word
    two_level.save()
    client = admin_of(two_level)

    html = client.get(url("strategy_action_create", two_level, pk=two_level.pk)).content.decode()

    assert "<img" not in html
    shown = escape(word if word[1:2].isupper() else word[:1].lower() + word[1:])
    assert f"Add {shown}</button>" in html.replace("\n", "")
    assert f"<title>Add a {shown}" in html
    assert f"Choose a {shown}</option>" in html
