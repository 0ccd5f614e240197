"""Two-factor sign-in: required for administrators and superusers, offered to everyone."""

import base64
import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User
from accounts.two_factor import recovery_codes_generate
from demo.data.people import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.two_factor_support import authenticator, code_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_step_only")]

PASSWORD = "a-good-test-password"
VERIFY = reverse("accounts:two_factor_verify")
SET_UP = reverse("accounts:two_factor_set_up")
HOME = reverse("accounts:home")


def administrator():
    return MembershipFactory(role=Membership.Role.ADMINISTRATOR).user


def officer():
    return MembershipFactory(role=Membership.Role.OFFICER).user


def sign_in(client, user):
    """The password step, through the sign-in page."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return response


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def secret_on(page: str) -> str:
    return re.search(r'id="authenticator-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def opens(client, user) -> bool:
    """The person's partnership page opens (no code or set-up asked for)."""
    return (
        client.get(user.memberships.filter(is_active=True).get().partnership.get_absolute_url()).status_code
        == 200
    )


def enter(client, code, url=VERIFY, next_url=""):
    return client.post(url, {"code": code, "next": next_url})


# Who must use it -------------------------------------------------------------------------------------


def test_an_administrator_without_an_authenticator_is_sent_to_set_one_up_from_every_page(client):
    user = administrator()
    partnership = user.memberships.get().partnership
    sign_in(client, user)

    for page in (HOME, partnership.get_absolute_url(), reverse("accounts:account")):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"{SET_UP}?next={page.replace('/', '%2F')}"


def test_a_platform_superuser_without_an_authenticator_is_sent_to_set_one_up(client):
    user = User.objects.create_superuser("platform", "platform@example.org", PASSWORD)
    sign_in(client, user)

    assert client.get(HOME)["Location"].startswith(SET_UP)
    assert client.get("/admin/")["Location"].startswith(SET_UP)


def test_an_officer_without_an_authenticator_signs_in_with_a_password_alone(client):
    user = officer()
    sign_in(client, user)

    assert opens(client, user)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_an_inactive_administrator_membership_does_not_require_it(client):
    user = MembershipFactory(role=Membership.Role.ADMINISTRATOR, is_active=False).user
    MembershipFactory(user=user, role=Membership.Role.OFFICER)
    sign_in(client, user)

    assert opens(client, user)


def test_someone_with_an_authenticator_must_enter_a_code_before_any_page(client):
    user = officer()
    authenticator(user)
    partnership = user.memberships.get().partnership
    sign_in(client, user)

    for page in (HOME, partnership.get_absolute_url(), reverse("accounts:account"), SET_UP):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY), page
    assert not is_verified(client)


@pytest.mark.parametrize(
    "page", [reverse("core:healthz"), reverse("core:accessibility"), reverse("accounts:session_status")]
)
def test_public_pages_and_the_session_timer_stay_open_before_the_code(client, page):
    user = administrator()
    authenticator(user)
    sign_in(client, user)

    assert client.get(page).status_code == 200


def test_signing_out_works_before_the_code(client):
    user = administrator()
    authenticator(user)
    sign_in(client, user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# Setting up --------------------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_secret_as_text(client):
    user = administrator()
    sign_in(client, user)

    page = client.get(SET_UP).content.decode()

    assert re.search(r'<img class="app-qr-code" src="data:image/svg\+xml;[^"]+" alt="QR code', page)
    secret = secret_on(page)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert secret == base64.b32encode(device.bin_key).decode()
    assert secret_on(client.get(SET_UP).content.decode()) == secret, "the secret changed on reload"


def test_a_wrong_code_does_not_confirm_the_authenticator(client):
    user = administrator()
    sign_in(client, user)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = enter(client, wrong, url=SET_UP)

    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_verified(client)
    assert not StaticDevice.objects.filter(user=user).exists()


def test_a_code_that_is_not_six_digits_is_refused_with_a_message(client):
    sign_in(client, administrator())
    client.get(SET_UP)

    response = enter(client, "abc", url=SET_UP)

    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()


def test_the_right_code_confirms_it_verifies_the_session_and_shows_ten_recovery_codes_once(client):
    user = administrator()
    sign_in(client, user)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    key_before = client.session.session_key

    response = enter(client, code_for(device), url=SET_UP, next_url="/accounts/account/")

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client)
    assert client.session.session_key != key_before, "verifying is a privilege change: new session key"
    page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(set(codes)) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert 'href="/accounts/account/"' in page.content.decode()
    assert client.get(response["Location"])["Location"] == reverse("accounts:account"), "shown only once"
    assert opens(client, user)


def test_someone_with_an_authenticator_already_is_not_given_a_second(client):
    user = officer()
    device = authenticator(user)
    sign_in(client, user)
    enter(client, code_for(device))

    response = client.get(SET_UP)

    assert response["Location"] == reverse("accounts:account")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_an_officer_may_set_it_up_and_then_needs_the_code(client):
    user = officer()
    sign_in(client, user)
    assert "You sign in with your password alone" in client.get(reverse("accounts:account")).content.decode()
    page = client.get(SET_UP).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert "as well as your password each time" not in page
    enter(client, code_for(device), url=SET_UP)
    client.post(reverse("logout"))

    sign_in(client, user)

    assert client.get(HOME)["Location"].startswith(VERIFY)


# Entering the code ---------------------------------------------------------------------------------


def test_the_right_code_signs_in_fully_under_a_new_session_key_and_goes_to_the_page_asked_for(client):
    user = administrator()
    device = authenticator(user)
    partnership = user.memberships.get().partnership
    sign_in(client, user)
    key_before = client.session.session_key
    page = client.get(VERIFY, {"next": partnership.get_absolute_url()})
    assert f'name="next" value="{partnership.get_absolute_url()}"' in page.content.decode()

    response = enter(client, code_for(device), next_url=partnership.get_absolute_url())

    assert response["Location"] == partnership.get_absolute_url()
    assert is_verified(client)
    assert client.session.session_key != key_before
    assert client.get(partnership.get_absolute_url()).status_code == 200


def test_a_code_is_not_accepted_twice(client, django_user_model):
    user = administrator()
    device = authenticator(user)
    sign_in(client, user)
    code = code_for(device)
    enter(client, code)
    client.post(reverse("logout"))
    sign_in(client, user)

    response = enter(client, code)

    assert "The code is not right" in response.content.decode()
    assert not is_verified(client)


def test_the_page_asked_for_must_be_on_this_site(client):
    user = administrator()
    device = authenticator(user)
    sign_in(client, user)

    response = enter(client, code_for(device), next_url="https://attacker.example/")

    assert response["Location"] == HOME


def test_a_wrong_code_is_refused_and_then_throttled(client):
    user = administrator()
    device = authenticator(user)
    assert device.throttling_enabled
    sign_in(client, user)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    first = enter(client, wrong)
    second = enter(client, right)  # straight away: throttled, even though it is right

    assert "The code is not right. Enter the code your authenticator app shows now" in first.content.decode()
    assert re.search(r"too many times\. Wait \d+ seconds", second.content.decode())
    assert not is_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Once the wait is over, the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )
    assert enter(client, right).status_code == 302
    assert is_verified(client)


def test_each_wrong_code_doubles_the_wait():
    user = administrator()
    device = authenticator(user)
    for _ in range(4):
        device.throttle_increment()

    allowed, why = device.verify_is_allowed()

    assert not allowed
    assert why["locked_until"] - device.throttling_failure_timestamp == datetime.timedelta(seconds=8)


def test_a_recovery_code_signs_in_once(client):
    user = administrator()
    authenticator(user)
    codes = recovery_codes_generate(user=user)
    sign_in(client, user)

    response = enter(client, codes[0].upper()[:4] + "-" + codes[0].upper()[4:])

    assert response.status_code == 302
    assert is_verified(client)
    assert "You have 9 left" in client.get(HOME, follow=True).content.decode()
    client.post(reverse("logout"))
    sign_in(client, user)
    assert "The code is not right" in enter(client, codes[0]).content.decode()


def test_the_code_page_sends_someone_without_a_device_on(client):
    user = officer()
    sign_in(client, user)

    assert client.get(VERIFY)["Location"] == HOME


# Your account: new recovery codes, removing the authenticator -----------------------------------------


def verified(client, user):
    device = authenticator(user)
    sign_in(client, user)
    enter(client, code_for(device))
    assert is_verified(client)
    return device


def test_your_account_shows_two_factor_and_recovery_codes_left(client):
    user = administrator()
    verified(client, user)
    recovery_codes_generate(user=user)

    page = client.get(reverse("accounts:account")).content.decode()

    assert "You sign in with your password and a code from your authenticator app." in page
    assert "You have 10 unused recovery codes." in page
    assert reverse("accounts:two_factor_remove") in page


def test_new_recovery_codes_replace_the_old_ones(client):
    user = administrator()
    verified(client, user)
    old = recovery_codes_generate(user=user)

    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    page = client.get(response["Location"]).content.decode()

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == set(new)
    assert not stored & set(old)


def test_removing_needs_the_password(client):
    user = officer()
    verified(client, user)

    response = client.post(reverse("accounts:two_factor_remove"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert "Your password is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()


def test_an_officer_who_removes_it_signs_in_with_a_password_alone(client):
    user = officer()
    verified(client, user)
    recovery_codes_generate(user=user)

    response = client.post(reverse("accounts:two_factor_remove"), {"password": PASSWORD})

    assert response["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    client.post(reverse("logout"))
    sign_in(client, user)
    assert opens(client, user)


def test_an_administrator_who_removes_it_must_set_up_a_new_one(client):
    user = administrator()
    old = verified(client, user)

    response = client.post(reverse("accounts:two_factor_remove"), {"password": PASSWORD})

    assert response["Location"] == SET_UP
    assert client.get(HOME)["Location"].startswith(SET_UP)
    client.get(SET_UP)
    assert TOTPDevice.objects.get(user=user).key != old.key


# The Django admin --------------------------------------------------------------------------------


def test_the_admin_opens_only_to_a_verified_superuser(client):
    user = User.objects.create_superuser("platform", "platform@example.org", PASSWORD)
    device = authenticator(user)
    sign_in(client, user)
    assert client.get("/admin/")["Location"].startswith(VERIFY)

    enter(client, code_for(device))

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_the_admin_has_no_sign_in_form_of_its_own(client):
    response = client.get("/admin/login/", {"next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"


def test_a_signed_in_person_who_may_not_use_the_admin_is_told_so(client):
    sign_in(client, officer())

    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_staff_member_without_verification_cannot_use_the_admin(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)  # the password step only (this module opts out of automatic verification)

    assert client.get("/admin/")["Location"].startswith(SET_UP)


# The demo ----------------------------------------------------------------------------------------


def test_the_demo_administrators_have_the_published_authenticator_and_the_others_none():
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())  # idempotent

    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    for username in ("demo-admin", "demo-other"):
        devices = TOTPDevice.objects.filter(user__username=username)
        assert [(d.key, d.confirmed) for d in devices] == [(key, True)]
    for username in ("demo-officer", "demo-board"):
        assert not TOTPDevice.objects.filter(user__username=username).exists()
    assert DEMO_TOTP_SECRET in out.getvalue()


def test_demo_admin_signs_in_with_the_password_and_a_code_from_the_demo_secret(client):
    call_command("load_demo", stdout=StringIO())
    device = TOTPDevice.objects.get(user__username="demo-admin")
    client.post(reverse("login"), {"username": "demo-admin", "password": DEMO_PASSWORD})
    assert client.get(HOME)["Location"].startswith(VERIFY)

    assert enter(client, code_for(device)).status_code == 302

    assert client.get(HOME).status_code in (200, 302)
    assert is_verified(client)


def test_demo_officer_signs_in_with_the_password_alone(client):
    call_command("load_demo", stdout=StringIO())
    client.post(reverse("login"), {"username": "demo-officer", "password": DEMO_PASSWORD})

    response = client.get(HOME)

    assert not response.get("Location", "").startswith((VERIFY, SET_UP))
