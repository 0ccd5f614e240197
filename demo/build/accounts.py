"""The demo partnerships, their organisations, and the people in them with their memberships."""

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, Partnership, User
from accounts.services import partnership_create, status_ratings_install_defaults
from accounts.two_factor import AUTHENTICATOR_NAME
from demo.build.records import upsert
from demo.data.people import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TWO_FACTOR_ACCOUNTS, PEOPLE
from demo.specs import PartnershipSpec, PersonSpec


def partnership_build(*, spec: PartnershipSpec) -> tuple[Partnership, dict[str, Organisation]]:
    """The partnership with its default status ratings and its organisations by short name."""
    partnership = Partnership.objects.filter(slug=spec.slug).first()
    if partnership is None:
        partnership = partnership_create(name=spec.name, slug=spec.slug, short_name=spec.short_name)
    status_ratings_install_defaults(partnership=partnership)
    partnership = upsert(
        Partnership,
        slug=spec.slug,
        defaults={"name": spec.name, "short_name": spec.short_name, "description": spec.description},
    )
    organisations = {
        short_name: upsert(
            Organisation,
            partnership=partnership,
            short_name=short_name,
            defaults={"name": name, "is_responsible_authority": is_responsible},
        )
        for name, short_name, is_responsible in spec.organisations
    }
    return partnership, organisations


def person_build(*, spec: PersonSpec) -> User:
    """The person's account: the demo password if they may sign in, else an unusable one."""
    user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
    wanted = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": spec.email,
        "is_active": True,
    }
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    if spec.can_sign_in:
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
    elif user.has_usable_password() or not user.password:
        user.set_unusable_password()
        changed.append("password")
    if changed or user.pk is None:
        user.full_clean()
        user.save()
    return user


def authenticator_build(*, user: User) -> None:
    """Give a demo administrator a confirmed authenticator app with the published demo secret."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    device = TOTPDevice.objects.filter(user=user).order_by("pk").first() or TOTPDevice(user=user)
    if device.pk is None or (device.key, device.confirmed, device.name) != (key, True, AUTHENTICATOR_NAME):
        device.key, device.confirmed, device.name = key, True, AUTHENTICATOR_NAME
        device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()


def people_build(
    *, partnerships: dict[str, Partnership], organisations: dict[str, dict[str, Organisation]]
) -> dict[str, User]:
    """Everyone in `PEOPLE` with their one membership, by username.

    A demo account's memberships of the other demo partnership are removed, so that the
    cross-partnership checks the demo is used for stay true.
    """
    users = {}
    for spec in PEOPLE:
        user = person_build(spec=spec)
        if spec.username in DEMO_TWO_FACTOR_ACCOUNTS:
            authenticator_build(user=user)
        partnership = partnerships[spec.partnership]
        upsert(
            Membership,
            user=user,
            partnership=partnership,
            defaults={
                "organisation": organisations[spec.partnership][spec.organisation],
                "role": spec.role,
                "job_title": spec.job_title,
                "is_active": True,
            },
        )
        if spec.username in DEMO_ACCOUNTS:
            Membership.objects.filter(user=user, partnership__in=partnerships.values()).exclude(
                partnership=partnership
            ).delete()
        users[spec.username] = user
    return users


def sign_ins(
    *, partnerships: dict[str, Partnership], organisations: dict[str, dict[str, Organisation]]
) -> list[tuple[str, str]]:
    """The demo sign-ins: (username, "role, organisation, partnership") for each who may sign in."""
    found = []
    for spec in PEOPLE:
        if spec.can_sign_in:
            role = Membership.Role(spec.role).label.lower()
            organisation = organisations[spec.partnership][spec.organisation].name
            where = partnerships[spec.partnership].name
            found.append((spec.username, f"{role}, {organisation}, {where}"))
    return found
