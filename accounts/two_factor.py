"""Two-factor sign-in: an authenticator app (TOTP) with recovery codes, on django-otp.

After the password a person is signed in but not yet *verified*. TwoFactorMiddleware then sends
someone with an authenticator to the code page, and an administrator or platform superuser without one
to the set-up page, before any other page opens. Everyone else may set one up from "Your account".
Verifying a code is a privilege change, so the session gets a new key then (see
docs/decisions/0011-two-factor-and-session-limits.md).
"""

import base64
import re
from urllib.parse import urlencode

import django_otp
import segno
from crispy_forms_gds.layout import Button, Field
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView
from django_otp import device_classes, user_has_device
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import PasswordConfirmForm
from accounts.models import Membership, User
from core.forms import form_helper

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
NEW_RECOVERY_CODES = "two_factor_new_recovery_codes"  # session key: shown once, then forgotten
TOTP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token()


def two_factor_not_required(view_func):
    """Mark a view that a signed-in person may open before entering their code (sign-in steps)."""
    view_func.two_factor_not_required = True
    return view_func


def two_factor_required(user: User) -> bool:
    """The person must use two-factor sign-in: a platform superuser or staff, or an active administrator."""
    return user.is_superuser or user.is_staff or _administrator_memberships(user).exists()


def _administrator_memberships(user: User):
    return Membership.objects.active().administrators().filter(user=user)


def two_factor_standing(user: User) -> tuple[bool, bool]:
    """Whether the person has a confirmed device, and whether they must use two-factor sign-in
    (`user_has_device` and `two_factor_required` at once): one query, as every page of a person not
    yet verified asks both."""
    devices = {
        f"device_{n}": Exists(model.objects.devices_for_user(user, confirmed=True))
        for n, model in enumerate(device_classes())
    }
    found = User.objects.filter(pk=user.pk).values(
        **devices, is_administrator=Exists(_administrator_memberships(user))
    )[0]
    has_device = any(found[name] for name in devices)
    return has_device, user.is_superuser or user.is_staff or found["is_administrator"]


def authenticator_for(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the person has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_people(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app takes it by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an SVG data URI, drawn on the server."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


# Writes ------------------------------------------------------------------------------------------


@transaction.atomic
def authenticator_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the person is setting up: the same secret until they confirm it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice) -> list[str]:
    """Confirm an authenticator whose code was right, replacing any other; returns new recovery codes."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_generate(user=device.user)


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Give the person a fresh set of recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    """Remove the person's authenticator and recovery codes, so they sign in with a password alone."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def two_factor_verified(request, device) -> None:
    """Mark the session as verified by the device, under a new session key (a privilege change)."""
    django_otp.login(request, device)
    request.session.cycle_key()


# Middleware and the Django admin ----------------------------------------------------------------


class TwoFactorMiddleware:
    """Send a signed-in but unverified person to enter their code, or to set up an authenticator.

    Someone with an authenticator goes to the code page; an administrator or platform superuser without
    one goes to the set-up page. Public pages, signing out, the sign-in steps themselves and the session
    timer stay open. It runs after django_otp's OTPMiddleware and Django's LoginRequiredMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or self._open(request, view_func):
            return None
        has_device, is_required = two_factor_standing(user)
        if has_device:
            return redirect(_with_next("accounts:two_factor_verify", request.get_full_path()))
        if is_required:
            return redirect(_with_next("accounts:two_factor_set_up", request.get_full_path()))
        return None

    @staticmethod
    def _open(request, view_func) -> bool:
        view_class = getattr(view_func, "view_class", None)
        if getattr(view_func, "two_factor_not_required", False):
            return True
        if view_class is not None and issubclass(view_class, LogoutView):
            return True
        # Public pages are open, but the Django admin's own sign-in page is not a way round the code.
        match = request.resolver_match
        return not getattr(view_func, "login_required", True) and not (match and match.app_name == "admin")


class TwoFactorAdminSite(OTPAdminSite):
    """The Django admin, open only to a session verified by two-factor sign-in.

    It has no sign-in form of its own: people sign in through the service's sign-in page, then enter
    their code there; a signed-in person who may not use the admin gets the "not allowed" page.
    """

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)


def _with_next(view_name: str, next_url: str) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': next_url})}"


def _next_url(request) -> str:
    """Where to go after a sign-in step: the page asked for, if it is on this site, else the home page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


# Forms -------------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    """A code from the authenticator app, or (when signing in) one of the recovery codes."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, user: User, device: TOTPDevice | None = None, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.setting_up = device is not None
        self.device = device
        field = self.fields["code"]
        field.help_text = (
            "The 6-digit code the app shows for this service."
            if self.setting_up
            else "The 6-digit code the app shows now. If you cannot use the app, enter one of your recovery codes."
        )
        field.widget.attrs.update({"autocomplete": "one-time-code", "spellcheck": "false"})
        if self.setting_up:
            field.widget.attrs["inputmode"] = "numeric"
        # The page's own form carries `next` too, so the helper gives the fields and button alone.
        self.helper = form_helper(
            Field.text("code", field_width=10), Button("submit", button), fields_only=True
        )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if TOTP_CODE.fullmatch(code):
            device = self.device or authenticator_for(self.user)
        elif not self.setting_up and RECOVERY_CODE.fullmatch(code):
            device = StaticDevice.objects.devices_for_user(self.user, confirmed=True).first()
        else:
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app"
                if self.setting_up
                else "Enter the 6-digit code from your authenticator app, or a recovery code"
            )
        if device is None:
            raise forms.ValidationError(
                "The code is not right. Enter the code your authenticator app shows now"
            )
        allowed, why = device.verify_is_allowed()
        if not allowed:
            wait = max(1, int((why["locked_until"] - timezone.now()).total_seconds()) + 1)
            raise forms.ValidationError(
                f"You have entered a wrong code too many times. Wait {wait} seconds, then try again"
            )
        verified = django_otp.verify_token(self.user, device.persistent_id, code)
        if verified is None:
            raise forms.ValidationError(
                "The code is not right. Enter the code your authenticator app shows now"
                + ("" if self.setting_up else ", or a recovery code")
            )
        self.device = verified
        return code


# Views -------------------------------------------------------------------------------------------


class NextMixin:
    """Carry the page the person asked for through the sign-in steps."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)


@method_decorator(two_factor_not_required, name="dispatch")
class TwoFactorVerifyView(NextMixin, FormView):
    """After the password: the code from the authenticator app, or a recovery code."""

    template_name = "accounts/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified():
            return redirect(_next_url(request))
        if not user_has_device(request.user):
            return redirect(_next_url(request))  # the middleware sends on to set-up if it is required
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "button": "Continue"}

    def form_valid(self, form):
        two_factor_verified(self.request, form.device)
        if isinstance(form.device, StaticDevice):
            left = recovery_codes_left(self.request.user)
            messages.info(
                self.request,
                f"You used a recovery code. You have {left} left: get new ones from your account page "
                "before they run out.",
            )
        return redirect(_next_url(self.request))


@method_decorator(two_factor_not_required, name="dispatch")
class TwoFactorSetUpView(NextMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the secret), then enter a code from it."""

    template_name = "accounts/two_factor_set_up.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if authenticator_for(request.user) is not None:
            if not request.user.is_verified():
                return redirect(_with_next("accounts:two_factor_verify", _next_url(request)))
            messages.info(request, "Your authenticator app is already set up.")
            return redirect("accounts:account")
        if user_has_device(request.user) and not request.user.is_verified():
            # Recovery codes but no authenticator: prove it is them with a recovery code first.
            return redirect(_with_next("accounts:two_factor_verify", _next_url(request)))
        self.device = authenticator_start(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "device": self.device,
            "button": "Confirm",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            secret=secret_for_people(self.device),
            qr_code=qr_code_data_uri(self.device),
            is_required=two_factor_required(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        codes = authenticator_confirm(device=form.device)
        two_factor_verified(self.request, form.device)
        self.request.session[NEW_RECOVERY_CODES] = codes
        return redirect(_with_next("accounts:two_factor_recovery_codes", _next_url(self.request)))


class RecoveryCodesView(NextMixin, TemplateView):
    """New recovery codes, shown once; posting makes a new set and the old ones stop working."""

    template_name = "accounts/two_factor_recovery_codes.html"

    def get(self, request, *args, **kwargs):
        codes = request.session.pop(NEW_RECOVERY_CODES, None)
        if not codes:
            return redirect("accounts:account")
        return self.render_to_response(self.get_context_data(codes=codes))

    def post(self, request, *args, **kwargs):
        if authenticator_for(request.user) is None:
            messages.info(request, "Set up an authenticator app first: recovery codes come with it.")
            return redirect("accounts:two_factor_set_up")
        request.session[NEW_RECOVERY_CODES] = recovery_codes_generate(user=request.user)
        return redirect(_with_next("accounts:two_factor_recovery_codes", reverse("accounts:account")))


class TwoFactorRemoveView(FormView):
    """Remove the authenticator and recovery codes, after the password again (to reset a lost phone)."""

    template_name = "accounts/two_factor_remove.html"
    form_class = PasswordConfirmForm

    def dispatch(self, request, *args, **kwargs):
        if not user_has_device(request.user):
            messages.info(request, "You do not have an authenticator app set up.")
            return redirect("accounts:account")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "button": "Remove authenticator"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_required=two_factor_required(self.request.user), **kwargs)

    def form_valid(self, form):
        two_factor_remove(user=self.request.user)
        if two_factor_required(self.request.user):
            messages.success(self.request, "Your authenticator app has been removed. Set up a new one now.")
            return redirect("accounts:two_factor_set_up")
        messages.success(
            self.request, "Your authenticator app has been removed. You now sign in with your password alone."
        )
        return redirect("accounts:account")
