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


@pytest.fixture
def assert_same_queries():
    """Check that a page (or any read) makes as many queries for `many` rows as for `few`.

    `assert_same_queries(make_rows, fetch, *, few=1, many=50, at_most=None)` calls `make_rows(few)`, then
    `fetch(made)` with what it returned, capturing the queries; then `make_rows(many)` and `fetch` again.
    `make_rows(count)` either builds a fresh world of `count` rows or adds to one world until it holds
    `count`. The two counts must be equal, and no more than `at_most` when given; a failure prints both
    lists of SQL. Returns what the two fetches returned (usually the responses), for further checks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.accounts.session_support import activity_recorded_now

    def listed(queries):
        return "\n".join(f"{n:3}. {query['sql']}" for n, query in enumerate(queries.captured_queries, 1))

    def check(make_rows, fetch, *, few=1, many=50, at_most=None):
        results, captured = [], []
        for count in (few, many):
            made = make_rows(count)
            activity_recorded_now()  # however long making the rows took
            with CaptureQueriesContext(connection) as queries:
                results.append(fetch(made))
            captured.append(queries)
        small, large = captured
        assert len(small) == len(large), (
            f"{len(small)} queries for {few} rows but {len(large)} for {many}.\n"
            f"For {few}:\n{listed(small)}\nFor {many}:\n{listed(large)}"
        )
        if at_most is not None:
            assert len(small) <= at_most, f"{len(small)} queries, more than {at_most}:\n{listed(small)}"
        return tuple(results)

    return check
