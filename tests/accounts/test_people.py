"""Administrators manage the partnership's people: the hub, the list, roles, deactivation."""

import pytest
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.services import membership_change, membership_deactivate
from tests.accounts.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"  # UserFactory's


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Safer Bromley Partnership")


@pytest.fixture
def administrator(partnership):
    return MembershipFactory(
        partnership=partnership,
        role=Membership.Role.ADMINISTRATOR,
        user__first_name="Ada",
        user__last_name="Admin",
    ).user


@pytest.fixture
def person(partnership):
    """An officer of the partnership."""
    return MembershipFactory(
        partnership=partnership,
        user__first_name="Olu",
        user__last_name="Officer",
        job_title="Community safety officer",
    )


def url(name, partnership, **kwargs):
    return reverse(name, kwargs={"slug": partnership.slug, **kwargs})


def signs_in(client, user) -> bool:
    """Sign in through the sign-in page, as a person would."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return response.status_code == 302


# The administration hub ----------------------------------------------------------------------------

HUB_LINKS = {
    "accounts:people": "People",
    "accounts:organisation_list": "Organisations",
    "delivery:period_list": "Reporting periods",
    "priorities:strategy_list": "Strategies",
    "delivery:plan_import": "Import or export the delivery plan",
    "reports:activity": "Activity",
    "reports:exception_rules": "Exception rules",
}


def hub_links(slug) -> dict[str, str | None]:
    """Each hub link's address, or None when its page does not exist in the URL configuration."""
    links = {}
    for name in HUB_LINKS:
        try:
            links[name] = reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            links[name] = None
    return links


def test_the_hub_links_to_each_administration_page_that_exists(client, partnership, administrator):
    client.force_login(administrator)

    html = client.get(url("accounts:manage", partnership)).content.decode()

    links = hub_links(partnership.slug)
    assert (
        links["accounts:people"] and links["accounts:organisation_list"] and links["reports:exception_rules"]
    )
    for name, href in links.items():
        if href:
            assert f'<a class="govuk-link" href="{href}">{HUB_LINKS[name]}</a>' in html, name
        else:
            assert f">{HUB_LINKS[name]}</a></h2>" not in html, name


@override_settings(ROOT_URLCONF="tests.accounts.urls_without_other_apps")
def test_the_hub_leaves_out_pages_that_do_not_exist(client, partnership, administrator):
    client.force_login(administrator)

    response = client.get(url("accounts:manage", partnership))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{url("accounts:people", partnership)}">People</a>' in html
    assert f'href="{url("reports:exception_rules", partnership)}">Exception rules</a>' in html
    assert ">Strategies</a></h2>" not in html
    assert ">Reporting periods</a></h2>" not in html
    assert ">Import or export the delivery plan</a></h2>" not in html


# Who may use these pages ---------------------------------------------------------------------------


def pages(partnership, person, organisation, invitation):
    """Every administration page, with the method it is used with."""
    return [
        ("get", url("accounts:manage", partnership)),
        ("get", url("accounts:people", partnership)),
        ("get", url("accounts:person_invite", partnership)),
        ("get", url("accounts:person_edit", partnership, pk=person.pk)),
        ("get", url("accounts:person_deactivate", partnership, pk=person.pk)),
        ("get", url("accounts:person_reactivate", partnership, pk=person.pk)),
        ("get", url("accounts:person_hand_over", partnership, pk=person.pk)),
        ("get", url("accounts:organisation_list", partnership)),
        ("get", url("accounts:organisation_create", partnership)),
        ("get", url("accounts:organisation_edit", partnership, pk=organisation.pk)),
        ("post", url("accounts:invitation_resend", partnership, pk=invitation.pk)),
        ("post", url("accounts:invitation_revoke", partnership, pk=invitation.pk)),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("administrator", {"get": 200, "post": 302}),
        ("officer", {"get": 403, "post": 403}),
        ("board member", {"get": 403, "post": 403}),
        ("administrator of another partnership", {"get": 404, "post": 404}),
        ("inactive administrator", {"get": 404, "post": 404}),
    ],
)
def test_only_the_partnerships_administrators_may_manage_it(client, partnership, person, who, expected):
    invitation = InvitationFactory(partnership=partnership)
    organisation = person.organisation
    if who == "administrator":
        user = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    elif who == "officer":
        user = MembershipFactory(partnership=partnership).user
    elif who == "board member":
        user = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    elif who == "inactive administrator":
        user = MembershipFactory(
            partnership=partnership, role=Membership.Role.ADMINISTRATOR, is_active=False
        ).user
    else:
        user = MembershipFactory(role=Membership.Role.ADMINISTRATOR).user
    client.force_login(user)

    for method, address in pages(partnership, person, organisation, invitation):
        response = getattr(client, method)(address)
        assert response.status_code == expected[method], (method, address)
        if expected[method] == 403:
            assert "You do not have permission to do this" in response.content.decode()
    if who != "administrator":
        invitation.refresh_from_db()
        assert invitation.revoked_at is None


def test_another_partnerships_people_answer_404_under_our_address(client, partnership, administrator):
    theirs = MembershipFactory(user__first_name="Secret", user__last_name="Person")
    client.force_login(administrator)

    for name in ("accounts:person_edit", "accounts:person_deactivate", "accounts:person_hand_over"):
        response = client.get(url(name, partnership, pk=theirs.pk))
        assert response.status_code == 404, name
        assert b"Secret" not in response.content
    response = client.post(url("accounts:person_deactivate", partnership, pk=theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


# The list of people --------------------------------------------------------------------------------


def test_the_list_shows_active_and_inactive_members_and_pending_invitations(
    client, partnership, administrator, person
):
    person.user.last_login = timezone.make_aware(timezone.datetime(2025, 3, 4, 9, 30))
    person.user.save()
    MembershipFactory(
        partnership=partnership, is_active=False, user__first_name="Ivy", user__last_name="Inactive"
    )
    MembershipFactory(user__first_name="Oscar", user__last_name="Outsider")
    InvitationFactory(partnership=partnership, email="pending@example.org")
    InvitationFactory(partnership=partnership, email="accepted@example.org", accepted_at=timezone.now())
    InvitationFactory(partnership=partnership, email="revoked@example.org", revoked_at=timezone.now())
    client.force_login(administrator)

    html = client.get(url("accounts:people", partnership)).content.decode()

    assert "Olu Officer" in html
    assert person.user.email in html
    assert "Community safety officer" in html
    assert person.organisation.name in html
    assert "4 Mar 2025, 9:30a.m." in html
    assert "Ivy Inactive" in html
    assert "Inactive</strong>" in html
    assert "Partnership administrator" in html
    assert "Oscar" not in html
    assert "pending@example.org" in html
    assert "accepted@example.org" not in html
    assert "revoked@example.org" not in html
    assert url("accounts:person_hand_over", partnership, pk=person.pk) in html
    # No one is offered to deactivate themselves.
    own = Membership.objects.get(user=administrator)
    assert url("accounts:person_deactivate", partnership, pk=own.pk) not in html
    assert url("accounts:person_deactivate", partnership, pk=person.pk) in html


def test_the_list_makes_the_same_queries_for_1_and_30_members(client, assert_same_queries):
    def make_rows(count):
        partnership = PartnershipFactory()
        administrator = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
        MembershipFactory.create_batch(count - 1, partnership=partnership, user__last_login=timezone.now())
        MembershipFactory.create_batch(count, partnership=partnership, is_active=False)
        InvitationFactory.create_batch(count, partnership=partnership, invited_by=administrator)
        client.force_login(administrator)
        return url("accounts:people", partnership)

    responses = assert_same_queries(make_rows, client.get, many=30)

    assert [response.status_code for response in responses] == [200, 200]


# Changing a person's role and organisation ---------------------------------------------------------


def test_an_administrator_changes_a_persons_role_organisation_and_job_title(
    client, partnership, administrator, person
):
    police = OrganisationFactory(partnership=partnership, name="Metropolitan Police Service")
    client.force_login(administrator)

    response = client.post(
        url("accounts:person_edit", partnership, pk=person.pk),
        {"role": "board_member", "organisation": police.pk, "job_title": "Borough commander"},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.role, person.organisation, person.job_title) == (
        "board_member",
        police,
        "Borough commander",
    )
    assert "Changes to Olu Officer saved." in client.get(response["Location"]).content.decode()


def test_an_organisation_of_another_partnership_is_refused(client, partnership, administrator, person):
    theirs = OrganisationFactory()
    client.force_login(administrator)

    response = client.post(
        url("accounts:person_edit", partnership, pk=person.pk),
        {"role": "officer", "organisation": theirs.pk, "job_title": ""},
    )

    assert "Choose an organisation of this partnership" in response.content.decode()
    person.refresh_from_db()
    assert person.organisation != theirs


def test_the_last_administrator_cannot_give_up_the_role(client, partnership, administrator):
    own = Membership.objects.get(user=administrator)
    MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR, is_active=False)
    client.force_login(administrator)

    response = client.post(
        url("accounts:person_edit", partnership, pk=own.pk),
        {"role": "officer", "organisation": own.organisation.pk, "job_title": "Head of service"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "The partnership needs at least one active administrator." in html
    own.refresh_from_db()
    assert (own.role, own.job_title) == (Membership.Role.ADMINISTRATOR, "")


def test_an_administrator_may_give_up_the_role_while_another_remains(client, partnership, administrator):
    own = Membership.objects.get(user=administrator)
    MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR)
    client.force_login(administrator)

    client.post(
        url("accounts:person_edit", partnership, pk=own.pk),
        {"role": "officer", "organisation": own.organisation.pk, "job_title": ""},
    )

    own.refresh_from_db()
    assert own.role == Membership.Role.OFFICER
    assert client.get(url("accounts:people", partnership)).status_code == 403


def test_the_service_refuses_to_remove_the_last_active_administrator(partnership, administrator):
    own = Membership.objects.get(user=administrator)

    with pytest.raises(ValidationError) as refused:
        membership_change(membership=own, role="officer", organisation=own.organisation, job_title="")

    assert "role" in refused.value.error_dict


# Deactivating and reactivating ---------------------------------------------------------------------


def test_the_confirmation_page_says_what_deactivation_does(client, partnership, administrator, person):
    client.force_login(administrator)

    html = client.get(url("accounts:person_deactivate", partnership, pk=person.pk)).content.decode()

    assert "Deactivate Olu Officer?" in html
    assert "they will no longer be able to sign in" in html
    assert 'name="deactivate"' in html
    person.refresh_from_db()
    assert person.is_active


def test_deactivating_ends_the_persons_sessions_and_stops_them_signing_in(partnership, administrator, person):
    theirs = Client()
    theirs.force_login(person.user)
    assert theirs.get(partnership.get_absolute_url()).status_code == 200
    request = RequestFactory().post(reverse("login"))
    assert authenticate(request, username=person.user.username, password=PASSWORD) == person.user
    admins = Client()
    admins.force_login(administrator)

    response = admins.post(url("accounts:person_deactivate", partnership, pk=person.pk))

    assert response.status_code == 302
    assert "They are not an active member of any other partnership, so they can no longer sign in." in (
        admins.get(response["Location"]).content.decode()
    )
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert not person.is_active
    assert not person.user.is_active
    after = theirs.get(partnership.get_absolute_url())
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert authenticate(request, username=person.user.username, password=PASSWORD) is None
    assert not signs_in(Client(), person.user)
    assert person.history.first().history_change_reason == "Deactivated by Ada Admin"


def test_a_person_active_elsewhere_keeps_their_account_but_is_signed_out(partnership, administrator, person):
    MembershipFactory(user=person.user)  # in another partnership
    theirs = Client()
    theirs.force_login(person.user)
    admins = Client()
    admins.force_login(administrator)

    response = admins.post(url("accounts:person_deactivate", partnership, pk=person.pk), follow=True)

    assert "They are still an active member of another partnership, so they can still sign in there." in (
        response.content.decode()
    )
    person.user.refresh_from_db()
    assert person.user.is_active
    assert not Membership.objects.get(pk=person.pk).is_active
    assert theirs.get(reverse("accounts:home"))["Location"].startswith(reverse("login"))
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(person.user.pk)]
    # They can sign in again, and see only the partnership they still belong to.
    assert signs_in(theirs, person.user)
    assert theirs.get(partnership.get_absolute_url()).status_code == 404


def test_other_peoples_sessions_are_left_alone(partnership, administrator, person):
    admins = Client()
    admins.force_login(administrator)
    bystander = Client()
    bystander.force_login(MembershipFactory(partnership=partnership).user)

    admins.post(url("accounts:person_deactivate", partnership, pk=person.pk))

    assert bystander.get(partnership.get_absolute_url()).status_code == 200
    assert admins.get(partnership.get_absolute_url()).status_code == 200


def test_an_administrator_cannot_deactivate_themselves(client, partnership, administrator):
    own = Membership.objects.get(user=administrator)
    MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR)
    client.force_login(administrator)

    page = client.get(url("accounts:person_deactivate", partnership, pk=own.pk)).content.decode()
    response = client.post(url("accounts:person_deactivate", partnership, pk=own.pk))

    assert "You cannot deactivate yourself" in page
    assert 'name="deactivate"' not in page
    assert "You cannot deactivate yourself" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active
    assert client.get(partnership.get_absolute_url()).status_code == 200


def test_the_service_refuses_self_deactivation(partnership, administrator):
    own = Membership.objects.get(user=administrator)

    with pytest.raises(ValidationError, match="You cannot deactivate yourself"):
        membership_deactivate(membership=own, by=administrator)


def test_reactivating_lets_the_person_sign_in_and_use_the_partnership_again(
    client, partnership, administrator, person
):
    client.force_login(administrator)
    client.post(url("accounts:person_deactivate", partnership, pk=person.pk))

    page = client.get(url("accounts:person_reactivate", partnership, pk=person.pk)).content.decode()
    response = client.post(url("accounts:person_reactivate", partnership, pk=person.pk))

    assert "Reactivate Olu Officer?" in page
    assert response.status_code == 302
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.is_active and person.user.is_active
    theirs = Client()
    assert signs_in(theirs, person.user)
    assert theirs.get(partnership.get_absolute_url()).status_code == 200


def test_deactivating_a_platform_superuser_keeps_their_account(partnership, administrator):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    membership = MembershipFactory(partnership=partnership, user=superuser)

    membership_deactivate(membership=membership, by=administrator)

    superuser.refresh_from_db()
    assert superuser.is_active
    membership.refresh_from_db()
    assert not membership.is_active
