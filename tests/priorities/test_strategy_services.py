"""The writes behind strategy administration: ordering, lifecycle, adoption and sign-off."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from core.conflicts import EditConflict, save_if_unchanged, version_of
from priorities.models import Priority, SignOff, StrategicAmbition, Strategy
from priorities.services import (
    AdoptionRefused,
    ambition_create,
    ambition_move,
    priority_create,
    priority_move,
    sign_off_record,
    strategy_create,
    strategy_transition,
)
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.priorities.factories import (
    PriorityFactory,
    SignOffFactory,
    StrategicAmbitionFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

Status = Strategy.Status


@pytest.fixture
def administrator():
    return MembershipFactory(role=Membership.Role.ADMINISTRATOR).user


def strategy_with_priorities(*titles, **kwargs):
    strategy = StrategyFactory(**kwargs)
    for order, title in enumerate(titles, start=1):
        PriorityFactory(strategy=strategy, order=order, title=title)
    return strategy


def titles_in_order(strategy):
    return list(strategy.priorities.order_by("order").values_list("order", "title"))


# Ordering


def test_moving_a_priority_up_swaps_it_with_the_one_above():
    strategy = strategy_with_priorities("Prevention", "People", "Places")
    places = strategy.priorities.get(title="Places")

    moved = priority_move(priority=places, direction="up")

    assert moved.reference == "2"
    assert titles_in_order(strategy) == [(1, "Prevention"), (2, "Places"), (3, "People")]


def test_moving_a_priority_down_swaps_it_with_the_one_below_and_references_follow():
    strategy = strategy_with_priorities("Prevention", "People")
    prevention = strategy.priorities.get(title="Prevention")
    ambition = StrategicAmbitionFactory(priority=prevention, order=1)

    priority_move(priority=prevention, direction="down")

    assert titles_in_order(strategy) == [(1, "People"), (2, "Prevention")]
    assert StrategicAmbition.objects.get(pk=ambition.pk).reference == "2.1"


def test_the_first_cannot_move_up_nor_the_last_down_and_nothing_changes():
    strategy = strategy_with_priorities("Prevention", "People")

    with pytest.raises(ValidationError, match="already first"):
        priority_move(priority=strategy.priorities.get(title="Prevention"), direction="up")
    with pytest.raises(ValidationError, match="already last"):
        priority_move(priority=strategy.priorities.get(title="People"), direction="down")
    with pytest.raises(ValidationError, match="up or down"):
        priority_move(priority=strategy.priorities.get(title="People"), direction="sideways")

    assert titles_in_order(strategy) == [(1, "Prevention"), (2, "People")]


def test_a_move_numbers_the_priorities_1_2_3_without_gaps():
    strategy = StrategyFactory()
    for order, title in [(2, "Prevention"), (5, "People"), (9, "Places")]:
        PriorityFactory(strategy=strategy, order=order, title=title)

    priority_move(priority=strategy.priorities.get(title="Places"), direction="up")

    assert titles_in_order(strategy) == [(1, "Prevention"), (2, "Places"), (3, "People")]


def test_moves_keep_orders_unique_and_contiguous_through_many_moves():
    strategy = strategy_with_priorities("A", "B", "C", "D", "E")
    for title, direction in [("E", "up"), ("E", "up"), ("A", "down"), ("C", "down"), ("D", "up")]:
        priority_move(priority=strategy.priorities.get(title=title), direction=direction)
        orders = [order for order, _ in titles_in_order(strategy)]
        assert orders == [1, 2, 3, 4, 5]

    assert [title for _, title in titles_in_order(strategy)] == ["B", "A", "D", "E", "C"]


def test_a_move_is_kept_in_the_history_without_the_temporary_order():
    strategy = strategy_with_priorities("Prevention", "People")
    people = strategy.priorities.get(title="People")

    priority_move(priority=people, direction="up")

    latest = people.history.first()
    assert latest.order == 1
    assert latest.history_change_reason == "Moved to position 1"
    assert all(record.order in (1, 2) for record in Priority.history.all())


def test_moving_a_strategic_ambition_within_its_priority():
    priority = PriorityFactory()
    first = StrategicAmbitionFactory(priority=priority, order=1, title="First")
    second = StrategicAmbitionFactory(priority=priority, order=2, title="Second")
    elsewhere = StrategicAmbitionFactory(order=1)

    moved = ambition_move(ambition=second, direction="up")

    assert moved.reference == f"{priority.order}.1"
    first.refresh_from_db()
    elsewhere.refresh_from_db()
    assert first.order == 2
    assert elsewhere.order == 1
    with pytest.raises(ValidationError, match="already last"):
        ambition_move(ambition=first, direction="down")


def test_new_priorities_and_ambitions_go_to_the_end():
    strategy = strategy_with_priorities("Prevention", "People")
    priority = priority_create(strategy=strategy, title="Places")
    StrategicAmbitionFactory(priority=priority, order=4)

    ambition = ambition_create(priority=priority, title="Safer town centres", strategic_plan="Patrols.")

    assert priority.order == 3
    assert ambition.order == 5
    assert ambition.reference == "3.5"
    assert priority.history.first().history_change_reason == "Created"


def test_a_priority_lead_must_be_a_member_of_the_partnership():
    strategy = StrategyFactory()
    outsider = MembershipFactory().user

    with pytest.raises(ValidationError) as error:
        priority_create(strategy=strategy, title="Places", lead=outsider)

    assert "lead" in error.value.message_dict
    assert not strategy.priorities.exists()


# Creating and changing


def test_a_new_strategy_starts_as_a_draft():
    partnership = MembershipFactory().partnership

    strategy = strategy_create(
        partnership=partnership,
        title="Community Safety Strategy 2027-30",
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2030, 3, 31),
    )

    assert strategy.status == Status.DRAFT
    assert strategy.history.count() == 1


def test_a_strategy_must_start_before_it_ends():
    partnership = MembershipFactory().partnership

    with pytest.raises(ValidationError):
        strategy_create(
            partnership=partnership,
            title="Backwards",
            starts_on=datetime.date(2030, 4, 1),
            ends_on=datetime.date(2027, 3, 31),
        )

    assert not Strategy.objects.exists()


def test_a_change_saved_after_the_form_was_opened_is_not_overwritten():
    strategy = StrategyFactory(title="Original")
    opened = version_of(strategy)
    theirs = Strategy.objects.get(pk=strategy.pk)
    theirs.title = "Theirs"
    theirs.save()

    strategy.title = "Mine"
    with pytest.raises(EditConflict) as conflict:
        save_if_unchanged(strategy, version=opened)

    assert conflict.value.saved.title == "Theirs"
    assert Strategy.objects.get(pk=strategy.pk).title == "Theirs"
    strategy.title = "Mine"
    save_if_unchanged(strategy, version=version_of(conflict.value.saved))
    assert Strategy.objects.get(pk=strategy.pk).title == "Mine"


# Lifecycle


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.DRAFT, Status.CONSULTATION),
        (Status.CONSULTATION, Status.AWAITING_SIGN_OFF),
        (Status.CONSULTATION, Status.DRAFT),
        (Status.AWAITING_SIGN_OFF, Status.CONSULTATION),
        (Status.ADOPTED, Status.CLOSED),
    ],
)
def test_allowed_transitions(start, to, administrator):
    strategy = StrategyFactory(status=start)

    strategy_transition(strategy=strategy, to=to, by=administrator, reason="Agreed at the board")

    strategy.refresh_from_db()
    assert strategy.status == to
    record = strategy.history.first()
    assert record.history_user == administrator
    assert record.history_change_reason.endswith(": Agreed at the board")


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (Status.DRAFT, Status.ADOPTED, "it can move to consultation, not to adopted"),
        (Status.DRAFT, Status.AWAITING_SIGN_OFF, "not to awaiting sign-off"),
        (Status.CONSULTATION, Status.CLOSED, "awaiting sign-off or draft, not to closed"),
        (Status.ADOPTED, Status.DRAFT, "it can move to closed, not to draft"),
        (Status.ADOPTED, Status.AWAITING_SIGN_OFF, "not to awaiting sign-off"),
        (Status.CLOSED, Status.ADOPTED, "its status can no longer change"),
        (Status.CONSULTATION, Status.CONSULTATION, "already consultation"),
        (Status.DRAFT, "published", "not to that status"),
    ],
)
def test_refused_transitions_change_nothing(start, to, message, administrator):
    strategy = StrategyFactory(status=start)

    with pytest.raises(ValidationError) as error:
        strategy_transition(strategy=strategy, to=to, by=administrator)

    assert message in error.value.messages[0]
    strategy.refresh_from_db()
    assert strategy.status == start
    assert strategy.history.count() == 1


def test_awaiting_sign_off_creates_a_pending_sign_off_for_each_responsible_authority(administrator):
    strategy = StrategyFactory(status=Status.CONSULTATION)
    police = OrganisationFactory(partnership=strategy.partnership, name="Metropolitan Police Service")
    council = OrganisationFactory(partnership=strategy.partnership, name="London Borough of Bromley")
    OrganisationFactory(partnership=strategy.partnership, is_responsible_authority=False)
    OrganisationFactory()  # another partnership's
    agreed = SignOffFactory(
        strategy=strategy, organisation=council, decision="agreed", decided_on=datetime.date(2024, 3, 1)
    )

    strategy_transition(strategy=strategy, to=Status.AWAITING_SIGN_OFF, by=administrator)

    assert {(s.organisation, s.decision) for s in strategy.sign_offs.all()} == {
        (council, "agreed"),
        (police, "pending"),
    }
    agreed.refresh_from_db()
    assert agreed.decision == "agreed"


@pytest.fixture
def awaiting_sign_off():
    strategy = StrategyFactory(status=Status.AWAITING_SIGN_OFF)
    for name, short_name in [("London Fire Brigade", "LFB"), ("Metropolitan Police Service", "MPS")]:
        SignOffFactory(strategy=strategy, organisation__name=name, organisation__short_name=short_name)
    return strategy


def agree(strategy, name, decision="agreed"):
    strategy.sign_offs.filter(organisation__name=name).update(
        decision=decision, decided_on=datetime.date(2024, 3, 20), decided_by="Chief Executive"
    )


def test_adoption_is_refused_until_every_responsible_authority_has_agreed(awaiting_sign_off, administrator):
    strategy = awaiting_sign_off
    agree(strategy, "London Fire Brigade", "declined")
    OrganisationFactory(partnership=strategy.partnership, name="Probation Service")  # no sign-off yet

    with pytest.raises(AdoptionRefused) as refusal:
        strategy_transition(strategy=strategy, to=Status.ADOPTED, by=administrator)

    message = refusal.value.messages[0]
    assert "until every responsible authority has agreed it" in message
    assert "London Fire Brigade (declined)" in message
    assert "Metropolitan Police Service (pending)" in message
    assert "Probation Service (no decision recorded)" in message
    assert [row.organisation.name for row in refusal.value.not_agreed] == [
        "London Fire Brigade",
        "Metropolitan Police Service",
        "Probation Service",
    ]
    strategy.refresh_from_db()
    assert strategy.status == Status.AWAITING_SIGN_OFF


def test_adoption_goes_ahead_once_every_responsible_authority_has_agreed(awaiting_sign_off, administrator):
    strategy = awaiting_sign_off
    agree(strategy, "London Fire Brigade")
    agree(strategy, "Metropolitan Police Service")

    strategy_transition(strategy=strategy, to=Status.ADOPTED, by=administrator)

    strategy.refresh_from_db()
    assert strategy.status == Status.ADOPTED
    assert strategy.adoption_override_reason == ""
    assert strategy.history.first().history_change_reason == "Awaiting sign-off to adopted"


def test_adoption_with_an_override_reason_records_the_reason(awaiting_sign_off, administrator):
    strategy = awaiting_sign_off
    agree(strategy, "London Fire Brigade")
    reason = "The police agreed at the board on 29 February 2024; their letter is to follow. " * 2

    strategy_transition(strategy=strategy, to=Status.ADOPTED, by=administrator, reason=reason)

    strategy.refresh_from_db()
    assert strategy.status == Status.ADOPTED
    assert strategy.adoption_override_reason == reason.strip()
    record = strategy.history.first()
    assert record.adoption_override_reason == reason.strip()
    assert record.history_change_reason.startswith("Adopted without the agreement of MPS: The police agreed")
    assert len(record.history_change_reason) <= 100
    assert record.history_user == administrator


# Sign-off


def test_recording_a_responsible_authoritys_agreement(awaiting_sign_off, administrator):
    strategy = awaiting_sign_off
    sign_off = strategy.sign_offs.get(organisation__name="London Fire Brigade")

    sign_off_record(
        strategy=strategy,
        organisation=sign_off.organisation,
        decision="agreed",
        decided_on=datetime.date(2024, 3, 20),
        decided_by="Borough Commander",
        notes="Agreed by email.",
        version=version_of(sign_off),
        by=administrator,
    )

    sign_off.refresh_from_db()
    assert (sign_off.decision, sign_off.decided_on, sign_off.decided_by) == (
        "agreed",
        datetime.date(2024, 3, 20),
        "Borough Commander",
    )
    assert sign_off.history.first().history_user == administrator


def test_a_sign_off_can_be_recorded_for_an_authority_without_one(administrator):
    strategy = StrategyFactory(status=Status.ADOPTED)
    probation = OrganisationFactory(partnership=strategy.partnership)

    sign_off = sign_off_record(
        strategy=strategy,
        organisation=probation,
        decision="agreed",
        decided_on=datetime.date(2024, 5, 1),
        decided_by="Head of Service",
        by=administrator,
    )

    assert sign_off.pk is not None


def test_setting_a_sign_off_back_to_pending_clears_its_date(awaiting_sign_off, administrator):
    strategy = awaiting_sign_off
    agree(strategy, "London Fire Brigade")
    sign_off = strategy.sign_offs.get(organisation__name="London Fire Brigade")

    sign_off_record(
        strategy=strategy,
        organisation=sign_off.organisation,
        decision="pending",
        decided_on=datetime.date(2024, 3, 20),
        decided_by="Someone",
        version=version_of(sign_off),
        by=administrator,
    )

    sign_off.refresh_from_db()
    assert (sign_off.decision, sign_off.decided_on, sign_off.decided_by) == ("pending", None, "")


def test_sign_off_is_not_recorded_on_a_draft(administrator):
    strategy = StrategyFactory(status=Status.DRAFT)
    organisation = OrganisationFactory(partnership=strategy.partnership)

    with pytest.raises(ValidationError, match="once it is awaiting sign-off"):
        sign_off_record(
            strategy=strategy,
            organisation=organisation,
            decision="agreed",
            decided_on=datetime.date(2024, 3, 20),
            by=administrator,
        )

    assert not SignOff.objects.exists()


def test_a_sign_off_from_an_organisation_that_is_not_a_responsible_authority_is_refused(administrator):
    strategy = StrategyFactory(status=Status.AWAITING_SIGN_OFF)
    charity = OrganisationFactory(partnership=strategy.partnership, is_responsible_authority=False)

    with pytest.raises(ValidationError):
        sign_off_record(strategy=strategy, organisation=charity, decision="pending", by=administrator)

    assert not SignOff.objects.exists()


def test_a_sign_off_recorded_after_the_form_was_opened_is_not_overwritten(awaiting_sign_off, administrator):
    strategy = awaiting_sign_off
    sign_off = strategy.sign_offs.get(organisation__name="London Fire Brigade")
    opened = version_of(sign_off)
    agree(strategy, "London Fire Brigade")
    SignOff.objects.get(pk=sign_off.pk).save()  # a later save, as through the form

    with pytest.raises(EditConflict):
        sign_off_record(
            strategy=strategy,
            organisation=sign_off.organisation,
            decision="declined",
            decided_on=datetime.date(2024, 3, 21),
            decided_by="Someone else",
            version=opened,
            by=administrator,
        )

    sign_off.refresh_from_db()
    assert sign_off.decision == "agreed"
