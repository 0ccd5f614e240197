import pytest

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory


@pytest.fixture
def member_of():
    """Make a signed-in-able user with the given role in a partnership."""

    def make(partnership, role=Membership.Role.OFFICER, **kwargs):
        return MembershipFactory(partnership=partnership, role=role, **kwargs).user

    return make
