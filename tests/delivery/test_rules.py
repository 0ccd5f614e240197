import pytest

from accounts.models import Membership
from delivery.rules import can_manage_delegates, can_update_action
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    return ActionFactory()


def member(action, role=Membership.Role.OFFICER):
    return MembershipFactory(partnership=action.partnership, role=role).user


def test_owner_delegates_lead_and_administrators_may_update(action):
    delegate = member(action)
    action.delegates.add(delegate)

    assert can_update_action(action.owner, action)
    assert can_update_action(delegate, action)
    assert can_update_action(action.ambition.priority.lead, action)
    assert can_update_action(member(action, Membership.Role.ADMINISTRATOR), action)


def test_board_members_other_officers_and_outsiders_may_not_update(action):
    assert not can_update_action(member(action, Membership.Role.BOARD_MEMBER), action)
    assert not can_update_action(member(action), action)
    assert not can_update_action(MembershipFactory(role=Membership.Role.ADMINISTRATOR).user, action)


def test_an_inactive_administrator_may_not_update(action):
    administrator = MembershipFactory(
        partnership=action.partnership, role=Membership.Role.ADMINISTRATOR, is_active=False
    ).user

    assert not can_update_action(administrator, action)


def test_only_the_owner_and_administrators_manage_delegates(action):
    delegate = member(action)
    action.delegates.add(delegate)

    assert can_manage_delegates(action.owner, action)
    assert can_manage_delegates(member(action, Membership.Role.ADMINISTRATOR), action)
    assert not can_manage_delegates(delegate, action)
    assert not can_manage_delegates(action.ambition.priority.lead, action)
