"""Administrators invite people by email; the link lets them join, once.

Someone new sets a password; someone who already has an account signs in to it to accept, and the
invitation never touches that account's password.
"""

import datetime
import hashlib
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.forms import InvitationForm
from accounts.models import Invitation, Membership, User
from accounts.services import invitation_accept, invitation_revoke, invitation_send
from tests.accounts.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STRONG = "lantern-harbour-47-quietly"


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
def fire_brigade(partnership):
    return OrganisationFactory(partnership=partnership, name="London Fire Brigade", short_name="LFB")


def send(partnership, administrator, organisation, **changes):
    """Invite Priya Patel with the service, returning the invitation and its link's path."""
    mail.outbox.clear()
    arguments = {
        "partnership": partnership,
        "email": "Priya.Patel@Example.org",
        "first_name": "Priya",
        "last_name": "Patel",
        "organisation": organisation,
        "role": Membership.Role.BOARD_MEMBER,
        "job_title": "Borough commander",
        "invited_by": administrator,
        **changes,
    }
    invitation = invitation_send(**arguments)
    return invitation, link_in(mail.outbox[-1])


def link_in(message) -> str:
    """The invitation link's path, from the plain-text part of the email."""
    found = re.search(re.escape(settings.SITE_URL) + r"(/accounts/invitation/[\w-]+/)", message.body)
    assert found, message.body
    return found.group(1)


def form_data(**changes):
    return {"new_password1": STRONG, "new_password2": STRONG, **changes}


# Sending -------------------------------------------------------------------------------------------


def test_sending_stores_only_a_hash_of_the_token_and_emails_a_link_valid_for_7_days(
    partnership, administrator, fire_brigade
):
    before = timezone.now()

    invitation, path = send(partnership, administrator, fire_brigade)

    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 43
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation.email == "priya.patel@example.org"  # normalised: accounts.identity
    expected_expiry = before + datetime.timedelta(days=7)
    assert abs(invitation.expires_at - expected_expiry) < datetime.timedelta(minutes=1)
    message = mail.outbox[-1]
    assert message.to == ["priya.patel@example.org"]
    assert "Safer Bromley Partnership" in message.subject
    assert "Hello Priya," in message.body
    assert "Ada Admin has invited you" in message.body
    assert "London Fire Brigade" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{settings.SITE_URL}{path}"' in html


def test_an_active_member_cannot_be_invited_again(partnership, administrator, fire_brigade):
    MembershipFactory(partnership=partnership, user__email="priya.patel@example.org")

    with pytest.raises(ValidationError) as refused:
        send(partnership, administrator, fire_brigade)

    assert refused.value.message_dict["email"] == ["This person is already a member of this partnership."]
    assert not Invitation.objects.filter(email="priya.patel@example.org").exists()
    assert not mail.outbox


def test_an_address_with_a_pending_invitation_cannot_be_invited_again(
    partnership, administrator, fire_brigade
):
    send(partnership, administrator, fire_brigade)

    with pytest.raises(ValidationError) as refused:
        send(partnership, administrator, fire_brigade, email="priya.patel@EXAMPLE.org")

    assert "already been sent" in refused.value.message_dict["email"][0]
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(partnership, administrator, fire_brigade):
    old, _ = send(partnership, administrator, fire_brigade)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    new, _ = send(partnership, administrator, fire_brigade)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.revoked_at is None


def test_an_inactive_member_or_a_member_of_another_partnership_can_be_invited(
    partnership, administrator, fire_brigade
):
    MembershipFactory(partnership=partnership, is_active=False, user__email="former@example.org")
    MembershipFactory(user__email="elsewhere@example.org")

    send(partnership, administrator, fire_brigade, email="former@example.org")
    send(partnership, administrator, fire_brigade, email="elsewhere@example.org")

    assert Invitation.objects.count() == 2


def test_the_form_offers_only_this_partnerships_organisations(partnership, fire_brigade):
    theirs = OrganisationFactory(name="Their agency")
    data = {
        "email": "priya@example.org",
        "first_name": "Priya",
        "last_name": "Patel",
        "organisation": theirs.pk,
        "role": "officer",
    }

    form = InvitationForm(data=data, partnership=partnership)

    assert not form.is_valid()
    assert form.errors["organisation"] == ["Choose an organisation of this partnership"]
    assert fire_brigade in form.fields["organisation"].queryset
    assert InvitationForm(data={**data, "organisation": fire_brigade.pk}, partnership=partnership).is_valid()


def test_the_invite_page_shows_clear_errors_and_sends_nothing(
    client, partnership, administrator, fire_brigade
):
    MembershipFactory(partnership=partnership, user__email="taken@example.org")
    client.force_login(administrator)
    invite = reverse("accounts:person_invite", kwargs={"slug": partnership.slug})

    empty = client.post(invite, {}).content.decode()
    taken = client.post(
        invite,
        {
            "email": "TAKEN@example.org",
            "first_name": "T",
            "last_name": "Aken",
            "organisation": fire_brigade.pk,
            "role": "officer",
        },
    ).content.decode()

    assert "<title>Error:" in empty
    for message in ("Enter an email address", "Enter their first name", "Choose a role"):
        assert message in empty
    assert "This person is already a member of this partnership." in taken
    assert not Invitation.objects.exists()
    assert not mail.outbox


# The round trip ------------------------------------------------------------------------------------


def test_invite_follow_the_link_set_a_password_and_join(client, partnership, administrator, fire_brigade):
    client.force_login(administrator)
    invite = reverse("accounts:person_invite", kwargs={"slug": partnership.slug})

    sent = client.post(
        invite,
        {
            "email": "priya.patel@example.org",
            "first_name": "Priya",
            "last_name": "Patel",
            "organisation": fire_brigade.pk,
            "role": "board_member",
            "job_title": "Station commander",
        },
    )

    assert sent.status_code == 302
    people = client.get(sent["Location"]).content.decode()
    assert "Invitation sent to priya.patel@example.org." in people
    assert "priya.patel@example.org" in people
    assert len(mail.outbox) == 1
    path = link_in(mail.outbox[0])

    invitee = Client()
    page = invitee.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set your password" in html
    assert "priya.patel@example.org" in html  # the username they will sign in with
    assert "Ada Admin has invited you to join Safer Bromley Partnership" in html

    weak = invitee.post(path, form_data(new_password1="password", new_password2="password"))
    html = weak.content.decode()
    assert weak.status_code == 200
    assert "<title>Error:" in html
    assert "This password is too common." in html
    assert 'href="#id_new_password1">This password is too common.' in html  # beside the password itself
    assert not User.objects.filter(email="priya.patel@example.org").exists()
    assert Invitation.objects.get().accepted_at is None

    mismatch = invitee.post(path, form_data(new_password2="something-else-entirely"))
    assert "The passwords do not match." in mismatch.content.decode()
    assert not User.objects.filter(email="priya.patel@example.org").exists()

    joined = invitee.post(path, form_data())

    assert joined.status_code == 302
    assert joined["Location"] == partnership.get_absolute_url()
    user = User.objects.get(email="priya.patel@example.org")
    assert user.username == "priya.patel@example.org"
    assert (user.first_name, user.last_name) == ("Priya", "Patel")
    assert user.check_password(STRONG)
    membership = Membership.objects.get(user=user, partnership=partnership)
    assert (membership.role, membership.organisation, membership.job_title, membership.is_active) == (
        Membership.Role.BOARD_MEMBER,
        fire_brigade,
        "Station commander",
        True,
    )
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None and invitation.user == user
    plan = invitee.get(joined["Location"])
    assert plan.status_code == 200
    assert plan.context["user"] == user
    assert "Welcome to Safer Bromley Partnership." in plan.content.decode()
    # Board members cannot manage the partnership.
    assert invitee.get(reverse("accounts:people", kwargs={"slug": partnership.slug})).status_code == 403
    # And the link has done its job.
    again = Client().get(path).content.decode()
    assert "This link has expired or has already been used" in again
    # They can sign in from now on with the username shown.
    assert (
        Client()
        .post(reverse("login"), {"username": "priya.patel@example.org", "password": STRONG})
        .status_code
        == 302
    )


def login_path(path: str) -> str:
    return f"{reverse('login')}?{urlencode({'next': path})}"


def sign_in(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": "a-good-test-password"})
    assert response.status_code == 302, response.content.decode()
    return response


def test_someone_with_an_account_signs_in_with_it_to_accept_and_keeps_their_password(
    partnership, administrator, fire_brigade
):
    existing = UserFactory(username="ppatel", email="priya.patel@example.org")
    password_hash = existing.password
    _, path = send(partnership, administrator, fire_brigade)
    invitee = Client()

    page = invitee.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "You already have an account. Sign in to accept" in html
    assert f'href="{escape(login_path(path))}"' in html
    assert "new_password1" not in html and "ppatel" not in html
    # Signed out, nothing accepts the invitation, whatever is posted.
    assert "Sign in to accept" in invitee.post(path, form_data()).content.decode()
    assert not Membership.objects.filter(user=existing, partnership=partnership).exists()

    signed_in = invitee.post(
        login_path(path), {"username": "ppatel", "password": "a-good-test-password", "next": path}
    )
    assert signed_in["Location"] == path
    join = invitee.get(path).content.decode()
    assert "Join Safer Bromley Partnership" in join
    assert "Accept and join" in join
    session_before = invitee.session.session_key

    joined = invitee.post(path, {})

    assert joined.status_code == 302
    assert joined["Location"] == partnership.get_absolute_url()
    assert invitee.session.session_key != session_before  # rotated: a change of privilege
    assert "You have joined Safer Bromley Partnership." in invitee.get(joined["Location"]).content.decode()
    existing.refresh_from_db()
    assert existing.password == password_hash
    membership = Membership.objects.get(user=existing, partnership=partnership)
    assert (membership.role, membership.organisation, membership.is_active) == (
        Membership.Role.BOARD_MEMBER,
        fire_brigade,
        True,
    )
    assert membership.history.first().history_change_reason == "Accepted the invitation from Ada Admin"
    assert Invitation.objects.get().user == existing
    assert User.objects.filter(email="priya.patel@example.org").count() == 1
    assert "This link has expired or has already been used" in invitee.get(path).content.decode()


def test_someone_signed_in_as_another_account_is_refused_and_nothing_changes(
    partnership, administrator, fire_brigade
):
    existing = UserFactory(email="priya.patel@example.org")
    password_hash = existing.password
    intruder = MembershipFactory(user__username="someone-else").user
    _, path = send(partnership, administrator, fire_brigade)
    client = Client()
    client.force_login(intruder)

    for response in (client.get(path), client.post(path, {}), client.post(path, form_data())):
        html = response.content.decode()
        assert response.status_code == 403
        assert "This invitation is for a different account" in html
        assert "Nothing has been changed." in html

    assert not Membership.objects.filter(partnership=partnership).exclude(user=administrator).exists()
    existing.refresh_from_db()
    intruder.refresh_from_db()
    assert existing.password == password_hash and intruder.check_password("a-good-test-password")
    assert Invitation.objects.get().accepted_at is None


def test_the_service_never_sets_an_existing_accounts_password_or_joins_anyone_else(
    partnership, administrator, fire_brigade
):
    existing = UserFactory(email="priya.patel@example.org")
    password_hash = existing.password
    invitation, _ = send(partnership, administrator, fire_brigade)

    with pytest.raises(ValidationError, match=r"You already have an account\. Sign in to accept"):
        invitation_accept(invitation=invitation, password=STRONG)
    with pytest.raises(ValidationError, match="for a different account"):
        invitation_accept(invitation=invitation, user=administrator)
    with pytest.raises(ValidationError, match="for a different account"):
        invitation_accept(invitation=invitation)

    existing.refresh_from_db()
    assert existing.password == password_hash
    assert not Membership.objects.filter(user=existing).exists()
    assert invitation_accept(invitation=invitation, user=existing) == existing
    existing.refresh_from_db()
    assert existing.password == password_hash
    assert Membership.objects.filter(user=existing, partnership=partnership, is_active=True).exists()


def test_a_switched_off_account_accepts_with_its_own_password_and_keeps_it(
    partnership, administrator, fire_brigade
):
    existing = UserFactory(username="ppatel", email="priya.patel@example.org", is_active=False)
    password_hash = existing.password
    former = MembershipFactory(user=existing, partnership=partnership, is_active=False)
    _, path = send(partnership, administrator, fire_brigade)
    invitee = Client()
    assert "switched off" in invitee.get(path).content.decode()

    wrong = invitee.post(path, {"password": STRONG})
    empty = invitee.post(path, {})

    assert "Enter the password you sign in with" in wrong.content.decode()
    assert "<title>Error:" in wrong.content.decode()
    assert "Enter your password" in empty.content.decode()
    existing.refresh_from_db()
    former.refresh_from_db()
    assert not existing.is_active and not former.is_active

    joined = invitee.post(path, {"password": "a-good-test-password"})

    assert joined.status_code == 302
    assert joined["Location"] == login_path(partnership.get_absolute_url())
    assert "_auth_user_id" not in invitee.session  # they sign in as usual next
    existing.refresh_from_db()
    former.refresh_from_db()
    assert existing.is_active and existing.password == password_hash
    assert User.objects.filter(email="priya.patel@example.org").count() == 1
    assert former.is_active
    assert (former.role, former.organisation) == (Membership.Role.BOARD_MEMBER, fire_brigade)
    assert former.history.first().history_change_reason == "Accepted the invitation from Ada Admin"
    sign_in(Client(), "ppatel")


def test_wrong_passwords_for_a_switched_off_account_are_locked_out_like_sign_in(
    partnership, administrator, fire_brigade
):
    existing = UserFactory(username="ppatel", email="priya.patel@example.org", is_active=False)
    _, path = send(partnership, administrator, fire_brigade)
    invitee = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        invitee.post(path, {"password": "not-the-password"})

    refused = invitee.post(path, {"password": "a-good-test-password"})

    assert "Enter the password you sign in with" not in refused.content.decode()
    assert refused.status_code in (200, 403, 429)
    existing.refresh_from_db()
    assert not existing.is_active
    assert not Membership.objects.filter(user=existing).exists()


def test_an_address_used_as_someone_elses_username_cannot_make_a_second_account(
    partnership, administrator, fire_brigade
):
    UserFactory(username="priya.patel@example.org", email="")
    _, path = send(partnership, administrator, fire_brigade)

    response = Client().post(path, form_data())

    assert "An account already uses this email address as its username" in response.content.decode()
    assert not User.objects.filter(email="priya.patel@example.org").exists()


# Links that no longer work -------------------------------------------------------------------------


def assert_dead(path, client=None):
    client = client or Client()
    for response in (client.get(path), client.post(path, form_data())):
        assert response.status_code == 200
        assert "This link has expired or has already been used" in response.content.decode()


def test_an_expired_link_changes_nothing(partnership, administrator, fire_brigade):
    invitation, path = send(partnership, administrator, fire_brigade)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert_dead(path)

    assert not User.objects.filter(email="priya.patel@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_revoked_link_changes_nothing(client, partnership, administrator, fire_brigade):
    invitation, path = send(partnership, administrator, fire_brigade)
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:invitation_revoke", kwargs={"slug": partnership.slug, "pk": invitation.pk}),
        follow=True,
    )

    assert "Invitation to priya.patel@example.org revoked." in response.content.decode()
    assert "Borough commander" not in response.content.decode()
    assert_dead(path)
    assert not User.objects.filter(email="priya.patel@example.org").exists()


def test_resending_sends_a_new_link_and_kills_the_old_one(client, partnership, administrator, fire_brigade):
    invitation, old_path = send(partnership, administrator, fire_brigade)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(administrator)
    mail.outbox.clear()

    response = client.post(
        reverse("accounts:invitation_resend", kwargs={"slug": partnership.slug, "pk": invitation.pk}),
        follow=True,
    )

    assert "the link sent before no longer works" in response.content.decode()
    new_path = link_in(mail.outbox[-1])
    assert new_path != old_path
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert_dead(old_path)
    assert Client().post(new_path, form_data()).status_code == 302
    assert User.objects.filter(email="priya.patel@example.org").exists()


def test_a_used_link_cannot_be_used_again(partnership, administrator, fire_brigade):
    _, path = send(partnership, administrator, fire_brigade)
    first = Client()
    assert first.post(path, form_data()).status_code == 302
    user = User.objects.get(email="priya.patel@example.org")

    assert_dead(path)

    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_an_unknown_link_says_so(client):
    assert_dead(reverse("accounts:invitation_accept", kwargs={"token": "not-a-real-token"}), client)


def test_the_link_works_without_signing_in_and_for_someone_signed_in(
    client, partnership, administrator, fire_brigade
):
    _, path = send(partnership, administrator, fire_brigade)
    client.force_login(administrator)

    assert Client().get(path).status_code == 200
    assert client.get(path).status_code == 200


def test_accepting_through_the_service_checks_the_invitation_again(partnership, administrator, fire_brigade):
    invitation, _ = send(partnership, administrator, fire_brigade)
    invitation_revoke(invitation=invitation)

    with pytest.raises(ValidationError, match="expired or has already been used"):
        invitation_accept(invitation=invitation, password=STRONG)

    assert not User.objects.filter(email="priya.patel@example.org").exists()


def test_a_revoked_or_accepted_invitation_cannot_be_resent(client, partnership, administrator):
    accepted = InvitationFactory(partnership=partnership, accepted_at=timezone.now())
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:invitation_resend", kwargs={"slug": partnership.slug, "pk": accepted.pk})
    )

    assert response.status_code == 404
    assert not mail.outbox


def test_an_email_that_cannot_be_sent_saves_no_invitation(
    client, partnership, administrator, fire_brigade, monkeypatch
):
    def fail(self, fail_silently=False):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:person_invite", kwargs={"slug": partnership.slug}),
        {
            "email": "priya@example.org",
            "first_name": "Priya",
            "last_name": "Patel",
            "organisation": fire_brigade.pk,
            "role": "officer",
        },
    )

    assert response.status_code == 200
    assert "The invitation email could not be sent. Try again later." in response.content.decode()
    assert not Invitation.objects.exists()
