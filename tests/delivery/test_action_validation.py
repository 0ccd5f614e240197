"""The one validator every write of an action goes through (delivery.action_validation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from delivery.models import Action, Tag
from delivery.services.actions import action_create, action_delegate_add, action_update
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambition():
    return StrategicAmbitionFactory()


@pytest.fixture
def partnership(ambition):
    return ambition.priority.strategy.partnership


def member(partnership, **kwargs):
    return MembershipFactory(partnership=partnership, **kwargs).user


def new_action(ambition, owner, **data):
    return action_create(
        ambition=ambition,
        data={
            "title": "Run weapon sweeps in parks",
            "owner": owner,
            "starts_on": datetime.date(2026, 4, 1),
            "due_on": datetime.date(2027, 3, 31),
            **data,
        },
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"delegates": "owner"}, "delegates", "The owner can already update the action"),
        ({"delegates": "inactive"}, "delegates", "Choose active members of this partnership"),
        ({"partner_organisations": "theirs"}, "partner_organisations", "Choose organisations of this"),
        ({"due_on": datetime.date(2026, 3, 31)}, "due_on", "The due date must be on or after the start"),
        ({"tags": "theirs"}, "tags", "Choose themes and places of this partnership"),
        (
            {"status": Action.Status.COMPLETED, "completed_on": timezone.localdate() + datetime.timedelta(1)},
            "completed_on",
            "The date completed must be today or in the past",
        ),
        ({"completed_on": datetime.date(2026, 5, 1)}, "completed_on", "Only a completed action has a date"),
    ],
)
def test_an_action_breaking_a_rule_is_not_created(ambition, partnership, data, field, message):
    owner = member(partnership)
    if data.get("delegates") == "owner":
        data["delegates"] = [owner]
    elif data.get("delegates") == "inactive":
        data["delegates"] = [member(partnership, is_active=False)]
    if data.get("partner_organisations") == "theirs":
        data["partner_organisations"] = [OrganisationFactory()]
    if data.get("tags") == "theirs":
        data["tags"] = [Tag.objects.create(partnership=PartnershipFactory(), name="VAWG")]

    with pytest.raises(ValidationError) as refused:
        new_action(ambition, owner, **data)

    assert message in refused.value.message_dict[field][0]
    assert not Action.objects.exists()


def test_an_update_may_not_make_the_owner_a_delegate(ambition, partnership):
    delegate = member(partnership)
    action = new_action(ambition, member(partnership), delegates=[delegate])

    with pytest.raises(ValidationError) as refused:
        action_update(action=action, data={"owner": delegate}, version=version_of(action))

    assert "delegates" in refused.value.message_dict
    action.refresh_from_db()
    assert action.owner != delegate


def test_people_already_on_an_action_may_stay_after_they_leave(ambition, partnership):
    leaver = member(partnership)
    action = new_action(ambition, member(partnership), delegates=[leaver])
    Membership.objects.filter(user=leaver).update(is_active=False)
    action.refresh_from_db()

    updated = action_update(action=action, data={"title": "Renamed"}, version=version_of(action))

    assert updated.title == "Renamed"
    assert list(updated.delegates.all()) == [leaver]
    with pytest.raises(ValidationError):
        action_update(
            action=updated, data={"owner": member(partnership, is_active=False)}, version=version_of(updated)
        )


def test_the_delegates_page_cannot_add_the_owner_or_someone_from_elsewhere(partnership):
    action = ActionFactory(owner=member(partnership), ambition__priority__strategy__partnership=partnership)

    for person in (action.owner, MembershipFactory().user):
        with pytest.raises(ValidationError) as refused:
            action_delegate_add(action=action, delegate=person)
        assert "delegate" in refused.value.message_dict
    assert not action.delegates.exists()


def test_a_completed_action_may_have_no_known_date_but_only_a_completed_one_has_a_date(ambition, partnership):
    # An imported plan may say "Complete" without when; the form asks an officer for the date.
    action = new_action(ambition, member(partnership), status=Action.Status.COMPLETED)

    assert action.completed_on is None


def test_no_two_actions_of_a_strategy_show_the_same_reference(ambition, partnership):
    owner = member(partnership)
    first = new_action(ambition, owner)  # numbered 1.1.1 by its order
    reference = first.reference
    sibling_ambition = StrategicAmbitionFactory(priority=ambition.priority)

    with pytest.raises(ValidationError) as taken:
        new_action(sibling_ambition, owner, published_reference=reference)
    published = new_action(sibling_ambition, owner, published_reference="A3")
    with pytest.raises(ValidationError) as also_taken:
        new_action(sibling_ambition, owner, published_reference="A3")
    # An action whose own number another action already shows as its published reference.
    new_action(sibling_ambition, owner, published_reference=f"{ambition.priority.order}.{ambition.order}.2")
    with pytest.raises(ValidationError) as derived_taken:
        new_action(ambition, owner)

    assert f"already numbered {reference}" in taken.value.message_dict["published_reference"][0]
    assert "already numbered A3" in also_taken.value.message_dict["published_reference"][0]
    assert "published_reference" in derived_taken.value.message_dict
    assert published.reference == "A3"
    assert Action.objects.filter(ambition=ambition).count() == 1
