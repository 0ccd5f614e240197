"""Writes that touch several rows of people and partnerships."""

import hashlib
import logging
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.identity import normalise_email
from accounts.models import Invitation, Membership, Organisation, Partnership, StatusRating, User
from core.history import change_reason
from core.links import site_url

logger = logging.getLogger(__name__)

INVITATION_VALID_FOR = timedelta(days=7)
ALREADY_HAS_ACCOUNT = "You already have an account. Sign in to accept."
NOT_THE_INVITED_ACCOUNT = (
    "This invitation is for a different account. Sign out, then open the link again and sign in as "
    "the person invited."
)
LAST_ADMINISTRATOR = (
    "The partnership needs at least one active administrator. "
    "Make someone else an administrator before changing this role."
)


@transaction.atomic
def partnership_create(
    *, name: str, slug: str, short_name: str = "", protective_marking: str = ""
) -> Partnership:
    """Create a partnership with the default wording of the status ratings (and, by default, the
    OFFICIAL marking on its papers)."""
    partnership = Partnership(name=name, slug=slug, short_name=short_name)
    if protective_marking:
        partnership.protective_marking = protective_marking
    partnership.full_clean()
    partnership.save()
    status_ratings_install_defaults(partnership=partnership)
    return partnership


@transaction.atomic
def partnership_set_up(
    *,
    name: str,
    short_name: str,
    slug: str,
    organisation_name: str,
    organisation_short_name: str,
    is_responsible_authority: bool,
    administrator: User,
    protective_marking: str = "",
) -> Partnership:
    """Create a partnership with its first organisation, and make the person setting it up its administrator."""
    partnership = partnership_create(
        name=name, slug=slug, short_name=short_name, protective_marking=protective_marking
    )
    organisation = Organisation(
        partnership=partnership,
        name=organisation_name,
        short_name=organisation_short_name,
        is_responsible_authority=is_responsible_authority,
    )
    organisation.full_clean()
    organisation.save()
    membership = Membership(
        user=administrator,
        partnership=partnership,
        organisation=organisation,
        role=Membership.Role.ADMINISTRATOR,
    )
    membership.full_clean()
    membership.save()
    return partnership


def status_ratings_install_defaults(*, partnership: Partnership) -> None:
    """Give a partnership any status rating it lacks, with the default wording."""
    have = set(partnership.status_ratings.values_list("rating", flat=True))
    StatusRating.objects.bulk_create(
        [r for r in StatusRating.defaults_for(partnership) if r.rating not in have]
    )


# Invitations ---------------------------------------------------------------------------------------
#
# An invitation carries a one-time link. Only the SHA-256 of the link's token is stored, so a copy of
# the database cannot be used to join a partnership; resending replaces the token, so the old link
# stops working.


class InvitationNotSent(Exception):
    """The invitation email could not be sent; nothing was saved."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_is_pending(invitation: Invitation, *, now=None) -> bool:
    """The invitation can still be accepted: not accepted, not revoked and not expired."""
    now = now or timezone.now()
    return invitation.accepted_at is None and invitation.revoked_at is None and invitation.expires_at > now


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a link's token belongs to, if it can still be accepted."""
    invitation = (
        Invitation.objects.filter(token_hash=_token_hash(token))
        .select_related("partnership", "organisation", "invited_by")
        .first()
    )
    if invitation is None or not invitation_is_pending(invitation):
        return None
    return invitation


def pending_invitations(*, partnership: Partnership):
    """The partnership's invitations not yet accepted or revoked (expired ones included), newest first."""
    return Invitation.objects.filter(
        partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-sent_at")


@transaction.atomic
def invitation_send(
    *,
    partnership: Partnership,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str,
    job_title: str,
    invited_by: User,
) -> Invitation:
    """Invite someone by email to join the partnership with a role, valid for 7 days."""
    try:
        email = normalise_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    errors = {}
    if Membership.objects.active().for_partnership(partnership).filter(user__email=email).exists():
        errors["email"] = "This person is already a member of this partnership."
    elif (
        pending_invitations(partnership=partnership)
        .filter(email=email, expires_at__gt=timezone.now())
        .exists()
    ):
        errors["email"] = (
            "An invitation has already been sent to this email address. Resend it from the list of people."
        )
    if organisation.partnership_id != partnership.pk:
        errors["organisation"] = "Choose an organisation of this partnership."
    if errors:
        raise ValidationError(errors)
    # An expired invitation to the same address is replaced by this one.
    pending_invitations(partnership=partnership).filter(email=email).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        partnership=partnership,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        role=role,
        job_title=job_title.strip(),
        token_hash=_token_hash(token),
        invited_by=invited_by,
        sent_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    _invitation_email_send(invitation=invitation, token=token)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send the invitation again with a new link and a new expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted.")
    if invitation.revoked_at is not None:
        raise ValidationError("This invitation has been revoked.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = _token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.full_clean()
    invitation.save()
    _invitation_email_send(invitation=invitation, token=token)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been accepted, so its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def _invitation_email_send(*, invitation: Invitation, token: str) -> None:
    url = site_url(reverse("accounts:invitation_accept", kwargs={"token": token}))
    context = {
        "invitation": invitation,
        "role": invitation.get_role_display(),
        "url": url,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SITE_URL": site_url(),
    }
    message = EmailMultiAlternatives(
        subject=f"You are invited to join {invitation.partnership.name} on {settings.SERVICE_NAME}",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("accounts/email/invitation.html", context), "text/html")
    try:
        message.send()
    except OSError as error:  # smtplib's errors are OSErrors
        logger.exception("Could not email invitation %s", invitation.pk)
        raise InvitationNotSent("The invitation email could not be sent. Try again later.") from error


def invitation_existing_user(*, invitation: Invitation) -> User | None:
    """The account that already has the invitation's email address, compared exactly once normalised."""
    # Both addresses are stored normalised (accounts.identity), so `=` is the whole comparison: never
    # `email__iexact`, which PostgreSQL runs as UPPER() and which matches look-alike addresses.
    if not invitation.email:
        return None
    return User.objects.filter(email=invitation.email).first()


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str | None = None, user: User | None = None
) -> User:
    """Join the partnership through an invitation, as a new account or as the invited existing one.

    For an address no account has, `password` creates the account. For an address an account has,
    `user` is that account once it has shown who it is (signed in, or confirmed its own password):
    an invitation never sets or changes an existing account's password, and never joins anyone else.
    """
    invitation = Invitation.objects.select_for_update().select_related("partnership").get(pk=invitation.pk)
    if not invitation_is_pending(invitation):
        raise ValidationError("This link has expired or has already been used.")
    existing = invitation_existing_user(invitation=invitation)
    if existing is None:
        if password is None:
            raise ValidationError("Choose a password to create your account.")
        user = _invitation_account_create(invitation=invitation, password=password)
    else:
        if password is not None:
            raise ValidationError(ALREADY_HAS_ACCOUNT)
        if user is None or user.pk != existing.pk:
            raise ValidationError(NOT_THE_INVITED_ACCOUNT)
        user = existing
        if not user.is_active:
            # The person has just proved who they are; the membership below lets them use the service.
            user.is_active = True
            user.save(update_fields=["is_active"])
    membership = Membership.objects.for_partnership(invitation.partnership).filter(user=user).first()
    if membership is None:
        membership = Membership(user=user, partnership=invitation.partnership)
    membership.role = invitation.role
    membership.organisation = invitation.organisation
    membership.job_title = invitation.job_title
    membership.is_active = True
    membership._change_reason = change_reason(f"Accepted the invitation from {invitation.invited_by}")
    membership.full_clean()
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user", "updated_at"])
    return user


def invitation_new_user(*, invitation: Invitation) -> User:
    """The unsaved account an invitation to an address no account has would create."""
    return User(
        username=invitation.email,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
    )


def _invitation_account_create(*, invitation: Invitation, password: str) -> User:
    user = invitation_new_user(invitation=invitation)
    if User.objects.filter(username=user.username).exists():
        # Someone's username is this address although their email address is not: not theirs to take.
        raise ValidationError(
            "An account already uses this email address as its username. "
            "Ask the person who invited you to invite the email address of that account."
        )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same address accepted a moment ago through another invitation
        raise ValidationError(ALREADY_HAS_ACCOUNT) from error
    return user


# Memberships ---------------------------------------------------------------------------------------


def _other_active_administrators(membership: Membership):
    return (
        Membership.objects.select_for_update()
        .active()
        .for_partnership(membership.partnership_id)
        .administrators()
        .exclude(pk=membership.pk)
    )


@transaction.atomic
def membership_change(
    *, membership: Membership, role: str, organisation: Organisation, job_title: str
) -> Membership:
    """Change a person's role, organisation and job title in a partnership, keeping an administrator."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if (
        membership.is_active
        and membership.role == Membership.Role.ADMINISTRATOR
        and role != Membership.Role.ADMINISTRATOR
        and not _other_active_administrators(membership).exists()
    ):
        raise ValidationError({"role": LAST_ADMINISTRATOR})
    membership.role = role
    membership.organisation = organisation
    membership.job_title = job_title.strip()
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> Membership:
    """Stop a person using the partnership and end their sessions; their history is kept.

    A person with no other active membership anywhere can no longer sign in at all (platform
    staff excepted, who still need Django admin).
    """
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    user = membership.user
    if user.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself. Ask another administrator to do it.")
    if not membership.is_active:
        raise ValidationError(f"{user} is already inactive in this partnership.")
    if (
        membership.role == Membership.Role.ADMINISTRATOR
        and not _other_active_administrators(membership).exists()
    ):
        raise ValidationError(LAST_ADMINISTRATOR)
    membership.is_active = False
    membership._change_reason = change_reason(f"Deactivated by {by}")
    membership.full_clean()
    membership.save(update_fields=["is_active", "updated_at"])
    still_a_member = Membership.objects.active().filter(user=user).exists()
    if not still_a_member and not (user.is_staff or user.is_superuser) and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    user_sessions_end(user=user)
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: User) -> Membership:
    """Let a deactivated person use the partnership again, and sign in if they could not."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.is_active:
        raise ValidationError(f"{membership.user} is already active in this partnership.")
    membership.is_active = True
    membership._change_reason = change_reason(f"Reactivated by {by}")
    membership.full_clean()
    membership.save(update_fields=["is_active", "updated_at"])
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return membership


def session_store(session_key: str | None = None) -> SessionBase:
    """A session of the configured engine (SESSION_ENGINE): kept in the database, read through the cache."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def user_sessions_end(*, user: User) -> int:
    """Sign a person out everywhere by deleting their sessions, from the cache too; returns how many were
    ended."""
    # Sessions are signed blobs, not queryable by user, so each live one is decoded.
    theirs = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for session_key in theirs:
        session_store().delete(session_key)
    return len(theirs)
