"""What every signed-in page of a partnership costs before its own content: the page base, the
middleware, the navigation and the permission checks (tests/test_query_counts.py counts whole pages)."""

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import BodyFactory
from tests.test_query_counts import queries_of, signed_in_world

pytestmark = pytest.mark.django_db

# What any page of a partnership reads before its own content, in order: the person, the authenticator
# that verified them, their membership with its partnership and organisation, and the open reporting
# periods with the updates they owe (the navigation's count). The session is read from the cache, and
# within a minute of the last recorded activity it is not saved (accounts.sessions.ACTIVITY_RECORDED_EVERY).
PAGE_BASE = [
    "accounts_user",
    "otp_totp_totpdevice",
    "accounts_membership",
    "delivery_reportingperiod",
]


def tables(queries: list[str]) -> list[str]:
    """Each query by the table it reads or writes first (or SAVEPOINT, RELEASE)."""
    named = []
    for sql in queries:
        if sql.startswith(("SAVEPOINT", "RELEASE")):
            named.append(sql.split()[0])
        else:  # the table of the first column selected, else the first named
            named.append(re.search(r'^SELECT "(\w+)"\.|(?:FROM|UPDATE|INTO) "(\w+)"', sql).group(1, 2))
    return [name if isinstance(name, str) else name[0] or name[1] for name in named]


def member_signed_in(client, partnership, role=Membership.Role.BOARD_MEMBER):
    user = MembershipFactory(partnership=partnership, role=role).user
    client.force_login(user)
    return user


def test_a_page_with_nothing_of_its_own_to_read_costs_the_page_base_alone(client):
    world = signed_in_world(client)

    queries = queries_of(client, reverse("accounts:manage", kwargs={"slug": world["partnership"].slug}))

    assert tables(queries) == PAGE_BASE


def test_a_member_without_an_authenticator_costs_what_an_administrator_costs(client):
    """Whether they must set one up, and whether they have one, is one query between them."""
    world = signed_in_world(client)
    url = reverse("meetings:meeting_list", kwargs={"slug": world["partnership"].slug})
    administrators = queries_of(client, url)
    member_signed_in(client, world["partnership"])

    members = queries_of(client, url)

    assert len(members) == len(administrators)


def test_whether_someone_chairs_a_board_is_asked_once_however_many_checks_ask_it(client):
    """The register asks it for what the page shows, for releasing, and for the review counts."""
    world = signed_in_world(client)
    url = reverse("risks:register", kwargs={"slug": world["partnership"].slug})
    administrators = queries_of(client, url)
    chair = member_signed_in(client, world["partnership"])
    BodyFactory(partnership=world["partnership"], name="Reducing Reoffending Group", chair=chair)

    chairs = queries_of(client, url)

    assert tables(chairs).count("meetings_body") == 1
    assert len(chairs) == len(administrators) + 1


def test_the_open_periods_are_read_once_for_the_navigation_and_the_page(client):
    world = signed_in_world(client)
    url = reverse("indicators:indicator_list", kwargs={"slug": world["partnership"].slug})

    queries = queries_of(client, url)

    assert tables(queries).count("delivery_reportingperiod") == 1
