"""One address is one person: emails are normalised once (accounts.identity) and compared exactly.

Look-alike characters are written as escapes so the reader sees which one is meant: U+0131 is the
dotless i, U+212A the Kelvin sign, U+FF50 a full-width p.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.forms import modelform_factory
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.forms import InvitationForm
from accounts.identity import INVALID_EMAIL, normalise_email
from accounts.models import Invitation, Membership, User
from accounts.services import invitation_send
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, UserFactory
from tests.accounts.two_factor_support import authenticator

DOTLESS_I = "\u0131"
KELVIN = "\u212a"
STRONG = "lantern-harbour-47-quietly"
PASSWORD = "a-good-test-password"  # the factories' password


# The normaliser ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("  Priya.Shah@Example.ORG ", "priya.shah@example.org"),
        # NFKC: full-width letters and the Kelvin sign are the plain letters, so the same mailbox.
        (
            "\uff50\uff52\uff49\uff59\uff41.shah@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.org",
            "priya.shah@example.org",
        ),
        (f"{KELVIN}ate@example.org", "kate@example.org"),
        # The dotless i is a letter of its own: a different address, and a different IDNA domain.
        (f"pr{DOTLESS_I}ya.shah@example.org", f"pr{DOTLESS_I}ya.shah@example.org"),
        (f"alice.victim@gma{DOTLESS_I}l.com", "alice.victim@xn--gmal-nza.com"),
        ("Alice.Victim@XN--GMAL-NZA.COM", "alice.victim@xn--gmal-nza.com"),
        # lower(), not casefold(): the sharp s is not "ss", in the local part or the domain (IDNA 2008).
        ("Stra\u00dfe@Fa\u00df.de", "stra\u00dfe@xn--fa-hia.de"),
        ("", ""),
    ],
)
def test_addresses_are_normalised_as_nfkc_lower_case_and_an_idna_domain(entered, stored):
    assert normalise_email(entered) == stored
    assert normalise_email(stored) == stored


def test_look_alikes_are_different_people_unless_nfkc_and_lower_case_make_them_one():
    plain = normalise_email("priya.shah@example.org")

    assert normalise_email(f"pr{DOTLESS_I}ya.shah@example.org") != plain
    assert normalise_email("PR\u0130YA.SHAH@example.org") != plain  # capital dotted I lowers to i + U+0307
    assert normalise_email("\uff50riya.shah@example.org") == plain
    assert normalise_email(f"alice@gma{DOTLESS_I}l.com") != normalise_email("alice@gmail.com")
    assert normalise_email(f"alice@gma{DOTLESS_I}l.com") == normalise_email("alice@xn--gmal-nza.com")
    assert normalise_email(f"{KELVIN}im@example.org") == normalise_email("KIM@example.org")


@pytest.mark.parametrize(
    "entered",
    ["no-at-sign", "@example.org", "alice@", "alice@exa_mple.org", "alice@-example.org", "alice@xn--zz.com"],
)
def test_an_address_whose_domain_cannot_be_encoded_is_refused(entered):
    with pytest.raises(ValidationError) as refused:
        normalise_email(entered)

    assert refused.value.messages == [INVALID_EMAIL]


@hypothesis_settings(max_examples=300, deadline=None)
@given(local=st.text(min_size=1, max_size=20), domain=st.text(min_size=1, max_size=20))
def test_normalising_a_normalised_address_changes_nothing(local, domain):
    try:
        once = normalise_email(f"{local}@{domain}")
    except ValidationError:
        return
    assert normalise_email(once) == once


# Stored normalised and unique exactly --------------------------------------------------------------


@pytest.mark.django_db
def test_one_normalised_address_is_one_account_in_the_database():
    User.objects.create(username="first", email="priya.shah@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="second", email="priya.shah@example.org")
    # Exactly: the database does no case folding of its own, on SQLite and PostgreSQL alike.
    User.objects.create(username="third", email=f"pr{DOTLESS_I}ya.shah@example.org")
    User.objects.create(username="fourth", email="")
    User.objects.create(username="fifth", email="")


@pytest.mark.django_db
def test_every_write_path_stores_the_address_normalised(monkeypatch):
    assert User.objects.create_user("made", "Made@EXAMPLE.org", STRONG).email == "made@example.org"
    assert (
        User.objects.create_superuser("super", f"Super@Gma{DOTLESS_I}l.com", STRONG).email
        == "super@xn--gmal-nza.com"
    )
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    call_command("createsuperuser", interactive=False, username="cli", email="CLI@Example.ORG", verbosity=0)
    assert User.objects.get(username="cli").email == "cli@example.org"
    # A ModelForm, as Django admin's user form is, normalises through User.clean() and then refuses
    # the address of another account.
    form_class = modelform_factory(User, fields=["username", "email"])
    edited = form_class(data={"username": "edited", "email": "MADE@Example.ORG"})
    assert not edited.is_valid()
    assert edited.non_field_errors() == ["A person with this email address already exists."]
    domainless = form_class(data={"username": "edited", "email": "edited@exa_mple.org"})
    assert not domainless.is_valid() and "email" in domainless.errors
    invitation = MembershipFactory().partnership.invitations.model(email="Invited@EXAMPLE.org")
    invitation.clean()
    assert invitation.email == "invited@example.org"


# The takeover across partnerships ------------------------------------------------------------------


@pytest.fixture
def victim(db):
    """Partnership A's administrator."""
    membership = MembershipFactory(
        partnership=PartnershipFactory(name="Partnership A", slug="partnership-a"),
        role=Membership.Role.ADMINISTRATOR,
        user__username="priya.shah@example.org",
        user__email="priya.shah@example.org",
    )
    return membership.user


@pytest.fixture
def partnership_b(db):
    return PartnershipFactory(name="Partnership B", slug="partnership-b")


@pytest.fixture
def attacker_admin(partnership_b):
    return MembershipFactory(partnership=partnership_b, role=Membership.Role.ADMINISTRATOR).user


def invite(partnership, administrator, email):
    mail.outbox.clear()
    invitation = invitation_send(
        partnership=partnership,
        email=email,
        first_name="Priya",
        last_name="Shah",
        organisation=OrganisationFactory(partnership=partnership),
        role=Membership.Role.OFFICER,
        job_title="",
        invited_by=administrator,
    )
    found = re.search(re.escape(settings.SITE_URL) + r"(/accounts/invitation/[\w-]+/)", mail.outbox[-1].body)
    return invitation, found.group(1)


@pytest.mark.parametrize(
    ("victim_email", "look_alike"),
    [
        ("priya.shah@example.org", f"pr{DOTLESS_I}ya.shah@example.org"),
        ("alice.victim@gmail.com", f"alice.victim@gma{DOTLESS_I}l.com"),
    ],
)
def test_an_invitation_to_a_look_alike_address_makes_a_new_account_and_never_touches_the_victim(
    victim, partnership_b, attacker_admin, victim_email, look_alike
):
    User.objects.filter(pk=victim.pk).update(email=victim_email)
    victim.refresh_from_db()
    password_hash = victim.password
    _, path = invite(partnership_b, attacker_admin, look_alike)
    attacker = Client()

    page = attacker.get(path).content.decode()
    assert "Set your password" in page  # a new account: the address is nobody's yet
    assert "Sign in to accept" not in page
    accepted = attacker.post(path, {"new_password1": STRONG, "new_password2": STRONG})

    assert accepted.status_code == 302
    victim.refresh_from_db()
    assert victim.password == password_hash
    assert victim.check_password(PASSWORD) and not victim.check_password(STRONG)
    newcomer = User.objects.get(email=normalise_email(look_alike))
    assert newcomer.pk != victim.pk
    assert mail.outbox[-1].to == [newcomer.email]
    assert attacker.session["_auth_user_id"] == str(newcomer.pk)
    assert list(victim.memberships.values_list("partnership__slug", flat=True)) == ["partnership-a"]
    assert list(newcomer.memberships.values_list("partnership__slug", flat=True)) == ["partnership-b"]
    assert attacker.get(reverse("reports:plan", kwargs={"slug": "partnership-a"})).status_code == 404
    # The victim still signs in with their own password.
    signed_in = Client().post(reverse("login"), {"username": victim.username, "password": PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("account_email", "invited"),
    [
        ("kate@example.org", f"{KELVIN}ate@example.org"),
        ("kate@example.org", "\uff4bate@example.org"),
        ("kate@example.org", "KATE@EXAMPLE.ORG"),
        ("kate@xn--gmal-nza.com", f"Kate@GMA{DOTLESS_I}L.com".replace("I", DOTLESS_I)),
        ("kate@xn--gmal-nza.com", "kate@XN--GMAL-NZA.com"),
    ],
)
def test_an_invitation_that_normalises_to_an_existing_account_asks_that_account_to_sign_in(
    partnership_b, attacker_admin, account_email, invited
):
    kate = UserFactory(username="kate", email=account_email)
    password_hash = kate.password

    invitation, path = invite(partnership_b, attacker_admin, invited)

    assert invitation.email == kate.email
    assert mail.outbox[-1].to == [kate.email]  # the mail goes to the account's own mailbox
    for response in (
        Client().get(path),
        Client().post(path, {"new_password1": STRONG, "new_password2": STRONG}),
    ):
        assert "You already have an account. Sign in to accept" in response.content.decode()
    kate.refresh_from_db()
    assert kate.password == password_hash
    assert not kate.memberships.exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_account_with_an_authenticator_enters_its_code_before_accepting(
    partnership_b, attacker_admin, victim
):
    authenticator(victim)
    _, path = invite(partnership_b, attacker_admin, "priya.shah@example.org")
    client = Client()
    client.post(reverse("login"), {"username": victim.username, "password": PASSWORD})

    response = client.post(path, {})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert not victim.memberships.filter(partnership=partnership_b).exists()


# Forms and lookups ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_invitation_form_normalises_the_address_and_refuses_a_domain_it_cannot_encode():
    organisation = OrganisationFactory()
    data = {"first_name": "Priya", "last_name": "Shah", "organisation": organisation.pk, "role": "officer"}

    full_width = InvitationForm(
        data={**data, "email": " \uff50riya@Example.org"}, partnership=organisation.partnership
    )
    look_alike = InvitationForm(
        data={**data, "email": f"alice@gma{DOTLESS_I}l.com"}, partnership=organisation.partnership
    )
    broken = InvitationForm(data={**data, "email": "alice@xn--zz.com"}, partnership=organisation.partnership)

    assert full_width.is_valid() and full_width.cleaned_data["email"] == "priya@example.org"
    assert look_alike.is_valid() and look_alike.cleaned_data["email"] == "alice@xn--gmal-nza.com"
    assert not broken.is_valid()
    assert broken.errors["email"] == [INVALID_EMAIL]


@pytest.mark.django_db
def test_a_member_is_recognised_by_the_normalised_address_only(partnership_b, attacker_admin):
    MembershipFactory(partnership=partnership_b, user__email="kim@example.org")

    with pytest.raises(ValidationError, match="already a member"):
        invite(partnership_b, attacker_admin, f"{KELVIN}IM@example.org")
    invitation, _ = invite(partnership_b, attacker_admin, f"k{DOTLESS_I}m@example.org")

    assert invitation.email == f"k{DOTLESS_I}m@example.org"


@pytest.mark.django_db
def test_usernames_are_nfkc_normalised_and_compared_exactly_at_sign_in():
    UserFactory(username="priya.shah@example.org")

    def signs_in(username):
        response = Client().post(reverse("login"), {"username": username, "password": PASSWORD})
        return response.status_code == 302

    assert signs_in("priya.shah@example.org")
    assert signs_in("\uff50riya.shah@example.org")  # Django's UsernameField applies NFKC
    assert not signs_in(f"pr{DOTLESS_I}ya.shah@example.org")
    assert not signs_in("Priya.Shah@example.org")  # usernames are case-sensitive


# The data migration ----------------------------------------------------------------------------------


MIGRATION_BEFORE = [("accounts", "0003_partnership_unique_messages")]
MIGRATION_AFTER = [("accounts", "0004_email_normalised_unique_exactly")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Going back to before the migration also undoes every later one that depends on it: bring the
    database forward to the latest migrations again, for the tests that follow in this process."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_migration_normalises_stored_addresses():
    apps = migrate(MIGRATION_BEFORE)
    OldUser = apps.get_model("accounts", "User")
    OldUser.objects.create(username="a", email="  Priya.Shah@Example.ORG")
    OldUser.objects.create(username="b", email=f"Alice@Gma{DOTLESS_I}l.COM")
    OldUser.objects.create(username="c", email="")

    migrate(MIGRATION_AFTER)

    stored = dict(User.objects.values_list("username", "email"))
    assert stored["a"] == "priya.shah@example.org"
    assert stored["b"] == "alice@xn--gmal-nza.com"
    assert stored["c"] == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_migration_stops_on_two_accounts_that_normalise_to_one_address():
    apps = migrate(MIGRATION_BEFORE)
    OldUser = apps.get_model("accounts", "User")
    first = OldUser.objects.create(username="a", email="kate@example.org")
    # Full-width: LOWER() kept the two apart, NFKC makes them one.
    second = OldUser.objects.create(username="b", email="\uff4bate@example.org")

    with pytest.raises(RuntimeError, match=f"kate@example.org: users {first.pk}, {second.pk}"):
        migrate(MIGRATION_AFTER)

    OldUser.objects.filter(pk=second.pk).update(email="kate.second@example.org")
    migrate(MIGRATION_AFTER)
