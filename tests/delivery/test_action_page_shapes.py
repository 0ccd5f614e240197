"""An action's page in its strategy's words: a two-level plan's deliverable shows no strategic ambition,
a three-level plan's action its objective; themes and places and other partners shown as text; overdue
as `Action.is_overdue` says."""

import datetime
from html import escape

import pytest
from django.utils import timezone

from accounts.models import Membership
from delivery.models import Action, Tag
from priorities.models import Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

HIDDEN_AMBITION = "Unseen ambition of a two-level plan"
HOSTILE_TAG = '<img src=x onerror="alert(2)">'
HOSTILE_PARTNERS = "<b>third sector</b> & “all reps”"


@pytest.fixture
def plans():
    """A two-level "Aim / Deliverable" plan and a three-level "Priority / Objective / Action" strategy in
    one partnership, an action in each."""
    three = StrategyFactory(ambition_word="Objective")
    partnership = three.partnership
    two = StrategyFactory(
        partnership=partnership,
        levels=Strategy.Levels.TWO,
        priority_word="Aim",
        ambition_word="Priority action",
        action_word="Deliverable",
    )
    hidden = StrategicAmbitionFactory(
        priority=PriorityFactory(strategy=two, order=1), order=1, title=HIDDEN_AMBITION
    )
    deliverable = ActionFactory(
        ambition=hidden,
        order=2,
        title="Commission refuge spaces",
        due_on=datetime.date(2099, 3, 31),
        other_partners=HOSTILE_PARTNERS,
    )
    deliverable.partner_organisations.add(
        OrganisationFactory(partnership=partnership, name="Probation Service")
    )
    deliverable.tags.add(
        Tag.objects.create(partnership=partnership, name="VAWG"),
        Tag.objects.create(partnership=partnership, name=HOSTILE_TAG),
    )
    objective = StrategicAmbitionFactory(
        priority=PriorityFactory(strategy=three, order=1), order=2, title="Reduce knife crime"
    )
    action = ActionFactory(ambition=objective, order=1, title="Knife crime sessions")
    return {"partnership": partnership, "deliverable": deliverable, "action": action}


@pytest.fixture
def reader(client, plans):
    client.force_login(
        MembershipFactory(partnership=plans["partnership"], role=Membership.Role.BOARD_MEMBER).user
    )
    return client


def action_page(client, action) -> str:
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_deliverable_of_a_two_level_plan_shows_no_strategic_ambition(reader, plans):
    html = action_page(reader, plans["deliverable"])

    assert "1.2 Commission refuge spaces</h1>" in html
    assert HIDDEN_AMBITION not in html
    assert "Priority action" not in html
    assert "Strategic ambition" not in html
    assert '<dt class="govuk-summary-list__key">Aim lead</dt>' in html


def test_an_action_of_a_three_level_plan_shows_its_objective(reader, plans):
    html = action_page(reader, plans["action"])

    assert '<dt class="govuk-summary-list__key">Objective</dt>' in html
    assert "1.2 Reduce knife crime" in html
    assert '<dt class="govuk-summary-list__key">Priority lead</dt>' in html
    assert "Other partners" not in html


def test_themes_places_and_other_partners_are_shown_as_text(reader, plans):
    html = action_page(reader, plans["deliverable"])

    assert '<dt class="govuk-summary-list__key">Themes and places</dt>' in html
    assert "VAWG" in html
    assert escape(HOSTILE_TAG) in html and HOSTILE_TAG not in html
    assert '<dt class="govuk-summary-list__key">Other partners</dt>' in html
    assert escape(HOSTILE_PARTNERS, quote=False) in html and "<b>third sector</b>" not in html
    assert "Probation Service" in html


def test_an_action_with_no_tags_says_so(reader, plans):
    html = action_page(reader, plans["action"])

    assert (
        '<dt class="govuk-summary-list__key">Themes and places</dt>\n    <dd class="govuk-summary-list__value">None</dd>'
        in html
    )


OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--orange">Overdue</strong>'


@pytest.mark.parametrize(
    ("changes", "is_overdue"),
    [
        ({"due_on": datetime.date(2025, 3, 31)}, True),
        ({"due_on": datetime.date(2099, 3, 31)}, False),
        (
            {
                "due_on": datetime.date(2025, 3, 31),
                "status": Action.Status.COMPLETED,
                "completed_on": datetime.date(2025, 3, 1),
            },
            False,
        ),
        ({"due_on": datetime.date(2025, 3, 31), "status": Action.Status.CANCELLED}, False),
    ],
)
def test_the_due_date_says_overdue_as_the_action_counts_it(reader, plans, changes, is_overdue):
    action = plans["action"]
    Action.objects.filter(pk=action.pk).update(**changes)
    action.refresh_from_db()
    assert action.is_overdue(timezone.localdate()) is is_overdue

    assert (OVERDUE_TAG in action_page(reader, action)) is is_overdue
