"""When someone moves on, an administrator hands everything they lead or own to another member."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.handover import hand_over_kinds, person_hand_over, person_hand_over_items
from accounts.models import Membership
from delivery.models import Action
from meetings.models import BoardAction
from priorities.models import Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.meetings.factories import BoardActionFactory, MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy():
    return StrategyFactory()


@pytest.fixture
def partnership(strategy):
    return strategy.partnership


@pytest.fixture
def administrator(partnership):
    return MembershipFactory(
        partnership=partnership,
        role=Membership.Role.ADMINISTRATOR,
        user__first_name="Ada",
        user__last_name="Admin",
    ).user


@pytest.fixture
def leaver(partnership):
    return MembershipFactory(partnership=partnership, user__first_name="Lee", user__last_name="Leaver")


@pytest.fixture
def successor(partnership):
    return MembershipFactory(
        partnership=partnership, user__first_name="Sam", user__last_name="Successor"
    ).user


@pytest.fixture
def work(strategy, leaver):
    """Something of each kind the leaver leads or owns, and what must stay with them."""
    user = leaver.user
    priority = PriorityFactory(strategy=strategy, lead=user, title="Reducing re-offending")
    action = ActionFactory(ambition__priority=priority, owner=user, title="Run the knife crime sessions")
    on_hold = ActionFactory(
        ambition=action.ambition, owner=user, status=Action.Status.ON_HOLD, title="Paused"
    )
    completed = ActionFactory(
        ambition=action.ambition,
        owner=user,
        status=Action.Status.COMPLETED,
        completed_on=action.due_on,
        title="Finished already",
    )
    cancelled = ActionFactory(
        ambition=action.ambition, owner=user, status=Action.Status.CANCELLED, title="Called off"
    )
    delegated = ActionFactory(ambition=action.ambition, title="Someone else's action")
    delegated.delegates.add(user)
    meeting = MeetingFactory(partnership=strategy.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=user, description="Circulate the risk register")
    done = BoardActionFactory(
        meeting=meeting, owner=user, status=BoardAction.Status.DONE, description="Already done"
    )
    return {
        "priority": priority,
        "action": action,
        "on_hold": on_hold,
        "completed": completed,
        "cancelled": cancelled,
        "delegated": delegated,
        "board_action": board_action,
        "done": done,
    }


def url(partnership, membership):
    return reverse("accounts:person_hand_over", kwargs={"slug": partnership.slug, "pk": membership.pk})


def refreshed(objects):
    for obj in objects.values():
        obj.refresh_from_db()
    return objects


# The service ---------------------------------------------------------------------------------------


def test_hand_over_moves_each_kind_of_thing_and_leaves_closed_work(
    partnership, administrator, leaver, successor, work
):
    summary = person_hand_over(
        partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator
    )

    work = refreshed(work)
    assert work["priority"].lead == successor
    assert work["action"].owner == successor
    assert work["on_hold"].owner == successor
    assert work["completed"].owner == leaver.user
    assert work["cancelled"].owner == leaver.user
    assert list(work["delegated"].delegates.all()) == [successor]
    assert work["board_action"].owner == successor
    assert work["done"].owner == leaver.user
    assert (
        summary.describe() == "1 priority, 2 actions, 1 delegation, 1 board action and no nominated contacts"
    )


def test_each_item_records_the_hand_over_in_its_history(partnership, administrator, leaver, successor, work):
    person_hand_over(partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator)

    reason = "Handed over from Lee Leaver to Sam Successor by Ada Admin"
    for key in ("priority", "action", "on_hold", "delegated", "board_action"):
        assert work[key].history.first().history_change_reason == reason, key
    assert work["completed"].history.first().history_change_reason is None
    delegated_history = work["delegated"].history.first()
    assert [d.user_id for d in delegated_history.delegates.all()] == [successor.pk]


def test_a_hand_over_writes_one_history_record_per_action(
    partnership, administrator, leaver, successor, work
):
    # An action the successor helped with and now owns changes owner and delegates together.
    helped = ActionFactory(ambition=work["action"].ambition, owner=leaver.user, title="Helped with")
    helped.delegates.add(successor, MembershipFactory(partnership=partnership).user)
    finished = work["completed"]
    finished.delegates.add(MembershipFactory(partnership=partnership).user, leaver.user)
    actions = [work["action"], work["on_hold"], work["delegated"], helped, finished]
    before = [action.history.count() for action in actions]

    person_hand_over(partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator)

    assert [action.history.count() for action in actions] == [count + 1 for count in before]
    reason = "Handed over from Lee Leaver to Sam Successor by Ada Admin"
    assert [action.history.first().history_change_reason for action in actions] == [reason] * 5
    helped_record = helped.history.first()
    assert helped_record.owner_id == successor.pk
    assert successor.pk not in {d.user_id for d in helped_record.delegates.all()}
    assert [d.user_id for d in work["delegated"].history.first().delegates.all()] == [successor.pk]
    assert successor.pk in {d.user_id for d in finished.history.first().delegates.all()}


def test_a_delegation_is_not_doubled_when_the_successor_already_owns_or_helps(
    partnership, administrator, leaver, successor, work
):
    owned_by_successor = ActionFactory(ambition=work["action"].ambition, owner=successor)
    owned_by_successor.delegates.add(leaver.user)
    shared = work["delegated"]
    shared.delegates.add(successor)
    # The successor was a delegate on an action they are about to own.
    work["action"].delegates.add(successor)

    person_hand_over(partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator)

    assert not owned_by_successor.delegates.exists()
    assert list(shared.delegates.all()) == [successor]
    work["action"].refresh_from_db()
    assert work["action"].owner == successor
    assert not work["action"].delegates.exists()


def test_priorities_of_a_closed_strategy_keep_their_lead(partnership, administrator, leaver, successor):
    closed = StrategyFactory(partnership=partnership, status=Strategy.Status.CLOSED)
    old = PriorityFactory(strategy=closed, lead=leaver.user)

    summary = person_hand_over(
        partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator
    )

    old.refresh_from_db()
    assert old.lead == leaver.user
    assert summary.is_empty


def test_work_in_another_partnership_is_not_touched(partnership, administrator, leaver, successor):
    elsewhere = ActionFactory(owner=MembershipFactory(user=leaver.user).user)

    person_hand_over(partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator)

    elsewhere.refresh_from_db()
    assert elsewhere.owner == leaver.user


@pytest.mark.parametrize("who", ["member of another partnership", "inactive member", "the leaver"])
def test_hand_over_to_anyone_but_an_active_member_is_refused(partnership, administrator, leaver, work, who):
    if who == "member of another partnership":
        to_user = MembershipFactory().user
    elif who == "inactive member":
        to_user = MembershipFactory(partnership=partnership, is_active=False).user
    else:
        to_user = leaver.user

    with pytest.raises(ValidationError) as refused:
        person_hand_over(partnership=partnership, from_user=leaver.user, to_user=to_user, by=administrator)

    assert "to_user" in refused.value.error_dict
    assert refreshed(work)["action"].owner == leaver.user


def test_handing_over_from_a_person_of_another_partnership_is_refused(partnership, administrator, successor):
    outsider = MembershipFactory().user

    with pytest.raises(ValidationError, match="not a member of this partnership"):
        person_hand_over(partnership=partnership, from_user=outsider, to_user=successor, by=administrator)


# The page ------------------------------------------------------------------------------------------


def test_the_page_lists_what_will_move_then_hands_it_over(
    client, partnership, administrator, leaver, successor, work
):
    inactive = MembershipFactory(partnership=partnership, is_active=False, user__first_name="Ina").user
    outsider = MembershipFactory(user__first_name="Otto").user
    client.force_login(administrator)

    page = client.get(url(partnership, leaver))

    html = page.content.decode()
    assert "Priorities they lead: 1" in html
    assert "Reducing re-offending" in html
    assert "Actions they own: 2" in html
    assert "Run the knife crime sessions" in html
    assert "Paused" in html
    assert "Finished already" not in html
    assert "Called off" not in html
    assert "not completed or cancelled" in html
    assert "Actions they are a delegate on: 1" in html
    assert "Open board actions they own: 1" in html
    assert "Circulate the risk register" in html
    assert "Already done" not in html
    options = [str(u.pk) for u in page.context["form"].fields["to_user"].queryset]
    assert str(successor.pk) in options
    assert str(administrator.pk) in options
    assert str(leaver.user_id) not in options
    assert str(inactive.pk) not in options
    assert str(outsider.pk) not in options
    assert ">Hand over</button>" in html

    response = client.post(url(partnership, leaver), {"to_user": successor.pk}, follow=True)

    assert (
        "Handed over from Lee Leaver to Sam Successor: 1 priority, 2 actions, 1 delegation, 1 board action and no nominated contacts."
        in response.content.decode()
    )
    assert refreshed(work)["action"].owner == successor
    assert person_hand_over_items(partnership=partnership, from_user=leaver.user).is_empty
    assert "there is nothing to hand over" in client.get(url(partnership, leaver)).content.decode()


@pytest.mark.parametrize("choice", ["", "outsider", "inactive"])
def test_a_bad_choice_gets_a_clear_error_and_moves_nothing(
    client, partnership, administrator, leaver, work, choice
):
    people = {
        "": "",
        "outsider": MembershipFactory().user.pk,
        "inactive": MembershipFactory(partnership=partnership, is_active=False).user.pk,
    }
    client.force_login(administrator)

    response = client.post(url(partnership, leaver), {"to_user": people[choice]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert (
        "Choose who to hand over to" if choice == "" else "Choose an active member of this partnership"
    ) in html
    assert refreshed(work)["action"].owner == leaver.user


def test_an_inactive_members_work_can_be_handed_over(
    client, partnership, administrator, leaver, successor, work
):
    leaver.is_active = False
    leaver.save()
    client.force_login(administrator)

    client.post(url(partnership, leaver), {"to_user": successor.pk})

    assert refreshed(work)["priority"].lead == successor


@pytest.mark.parametrize(
    ("who", "expected"),
    [("officer", 403), ("board member", 403), ("administrator of another partnership", 404)],
)
def test_only_the_partnerships_administrators_may_hand_over(
    client, partnership, leaver, successor, work, who, expected
):
    if who == "officer":
        user = MembershipFactory(partnership=partnership).user
    elif who == "board member":
        user = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    else:
        user = MembershipFactory(role=Membership.Role.ADMINISTRATOR).user
    client.force_login(user)

    assert client.get(url(partnership, leaver)).status_code == expected
    assert client.post(url(partnership, leaver), {"to_user": successor.pk}).status_code == expected
    assert refreshed(work)["action"].owner == leaver.user


def test_the_page_makes_the_same_queries_for_1_and_20_items_of_each_kind(client, assert_same_queries):
    def make_rows(count):
        strategy = StrategyFactory()
        partnership = strategy.partnership
        admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
        leaver = MembershipFactory(partnership=partnership)
        priority = PriorityFactory(strategy=strategy, lead=leaver.user)
        PriorityFactory.create_batch(count - 1, strategy=strategy, lead=leaver.user)
        for _ in range(count):
            ActionFactory(ambition__priority=priority, owner=leaver.user)
            ActionFactory(ambition__priority=priority).delegates.add(leaver.user)
            BoardActionFactory(meeting__partnership=partnership, owner=leaver.user)
            OrganisationFactory(partnership=partnership, nominated_contact=leaver.user)
        client.force_login(admin)
        return url(partnership, leaver)

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


def test_each_app_contributes_what_it_hands_over_in_order():
    assert [kind.key for kind in hand_over_kinds()] == [
        "priorities",
        "actions",
        "delegations",
        "board_actions",
        "nominations",
    ]


def test_the_organisations_a_leaver_answered_for_get_the_successor_as_nominated_contact(
    partnership, administrator, leaver, successor
):
    organisation = OrganisationFactory(partnership=partnership, nominated_contact=leaver.user)
    other = OrganisationFactory(partnership=partnership, nominated_contact=administrator)
    elsewhere = OrganisationFactory(nominated_contact=leaver.user)
    unnamed = ActionFactory(
        ambition__priority__strategy=partnership.strategies.get(), owner=None, lead_organisation=organisation
    )

    summary = person_hand_over(
        partnership=partnership, from_user=leaver.user, to_user=successor, by=administrator
    )

    assert summary["nominations"] == [organisation]
    organisation.refresh_from_db(), other.refresh_from_db(), elsewhere.refresh_from_db()
    assert organisation.nominated_contact == successor
    assert other.nominated_contact == administrator
    assert elsewhere.nominated_contact == leaver.user  # another partnership's is not this one's to move
    assert unnamed.accountable == successor
    assert organisation.history.first().history_change_reason.startswith("Handed over from Lee Leaver")
