"""An action's change history: which records it lists and how the action page says what changed."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from delivery.history import action_changes
from delivery.models import Action
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import StrategicAmbitionFactory
from tests.test_query_counts import next_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    ambition = StrategicAmbitionFactory()
    owner = MembershipFactory(
        partnership=ambition.priority.strategy.partnership, user__first_name="Tom", user__last_name="Fletcher"
    ).user
    return ActionFactory(ambition=ambition, title="Knife crime sessions", owner=owner)


def lines_of(action):
    return [
        (c.reason, [(f.label, f.old.text, f.new.text) for f in c.changes]) for c in action_changes(action)
    ]


def test_the_creation_comes_last_and_saves_that_change_nothing_shown_are_left_out(action):
    action.save()  # only the bookkeeping changes
    delegate = MembershipFactory(
        partnership=action.partnership, user__first_name="Aisha", user__last_name="Morgan"
    ).user
    action.delegates.add(delegate)
    action.status = Action.Status.COMPLETED
    action.completed_on = datetime.date(2026, 9, 30)
    action.save()
    action._change_reason = "Progress update for Q2 2026/27"
    action.save()  # a reason, and nothing else

    changes = action_changes(action)

    assert lines_of(action) == [
        ("Progress update for Q2 2026/27", []),
        ("", [("status", "Not started", "Completed"), ("date completed", "Not set", "30 September 2026")]),
        ("", [("delegates", "None", "Aisha Morgan")]),
        ("", []),
    ]
    assert [c.is_earliest for c in changes] == [False, False, False, True]


def test_related_records_are_named_but_never_another_partnerships(action):
    priority = action.ambition.priority
    ambition = StrategicAmbitionFactory(
        priority=priority, order=next_order(priority.ambitions), title="Safer streets"
    )
    theirs = ActionFactory(title="Their secret action")
    old_ambition = str(action.ambition)
    action.ambition = ambition
    action.carried_over_from = theirs
    action.save()

    [(_, fields), _] = lines_of(action)

    assert fields == [
        ("ambition", old_ambition, f"{priority.order}.{ambition.order} Safer streets"),
        ("carried over from", "Not set", f"Deleted action ({theirs.pk})"),
    ]


def test_the_action_page_says_who_changed_what_in_a_sentence(client, action):
    new_owner = MembershipFactory(
        partnership=action.partnership, user__first_name="Sam", user__last_name="Obi"
    ).user
    action.owner = new_owner
    action.status = Action.Status.IN_PROGRESS
    action._history_user = new_owner
    action.save()
    client.force_login(new_owner)

    html = client.get(
        reverse("delivery:action_detail", kwargs={"slug": action.partnership.slug, "pk": action.pk})
    ).content.decode()
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))

    assert (
        ", Sam Obi: Lead officer changed from “Tom Fletcher” to “Sam Obi”; "
        "Status changed from “Not started” to “In progress”." in text
    )
    assert ", the system: created the action." in text
