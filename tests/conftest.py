import pytest

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory


@pytest.fixture
def member_of():
    """Make a signed-in-able user with the given role in a partnership."""

    def make(partnership, role=Membership.Role.OFFICER, **kwargs):
        return MembershipFactory(partnership=partnership, role=role, **kwargs).user

    return make


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so the per-address sign-in throttle's counts never carry over."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_verifies_two_factor(request, monkeypatch):
    """`client.force_login(user)` signs in fully: an administrator or superuser (or anyone with a device)
    gets a real confirmed authenticator app and the session is verified by it, as after entering a code. Two-factor sign-in stays required; tests of
    the sign-in steps themselves ask for the `password_step_only` fixture to sign in with no code."""
    if "password_step_only" in request.fixturenames:
        return
    from django.test import Client

    from tests.accounts.two_factor_support import session_verify

    force_login = Client.force_login

    def force_login_and_verify(self, user, backend=None):
        force_login(self, user, backend)
        session_verify(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_and_verify)


@pytest.fixture
def password_step_only():
    """`client.force_login(user)` signs in with the password step alone: no code entered, no device made."""
