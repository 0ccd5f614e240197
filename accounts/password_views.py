"""The signed-in person's own account page, password change, and password reset by email.

Django's auth views do the work (single-use, expiring reset links from its token generator); these
classes give them GOV.UK forms, the service's own link address, and exact email matching.
"""

import logging

from crispy_forms_gds.layout import Button, Field
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views import View
from django.views.generic import TemplateView

from accounts.forms import NewPasswordForm, password_field
from accounts.identity import INVALID_EMAIL, normalise_email
from accounts.models import User
from accounts.sign_in import log_text
from accounts.views import PersonMixin
from core.forms import form_helper
from core.links import site_url

logger = logging.getLogger(__name__)


def reset_link_valid_for() -> str:
    """How long a reset link works, in words, for pages and email."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


class AccountPasswordChangeForm(NewPasswordForm, auth_forms.PasswordChangeForm):
    """Change your own password: the current one, then the new one twice."""

    error_messages = {
        **NewPasswordForm.error_messages,
        "password_incorrect": "Your current password is incorrect. Enter it again.",
    }
    old_password = password_field(
        "Current password",
        autocomplete="current-password",
        error_messages={"required": "Enter your current password"},
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("old_password", field_width=20),
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Button("save", "Change password"),
            fields_only=True,
        )

    def clean(self):
        if "old_password" in self.errors:
            return self.cleaned_data  # a wrong current password: say only that
        return super().clean()


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """Ask for a reset link by email address, matched exactly once normalised."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The email address your partnership administrator invited you with."
        email.error_messages = {
            "required": "Enter your email address",
            "invalid": INVALID_EMAIL,
            "max_length": "Enter an email address of 254 characters or fewer",
        }
        self.helper = form_helper(Field.text("email", field_width=20), Button("send", "Send reset link"))

    def clean_email(self):
        try:
            return normalise_email(self.cleaned_data["email"])
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="invalid") from None

    def get_users(self, email):
        # Stored addresses are normalised (accounts.identity), so `=` is the whole comparison: never
        # Django's default `email__iexact`, which PostgreSQL folds with UPPER().
        if not email:
            return []
        return [
            user for user in User.objects.filter(email=email, is_active=True) if user.has_usable_password()
        ]

    def send_reset_links(self) -> None:
        """Email a reset link to the account with this address, if there is one; say nothing either way."""
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_link_send(user=user)


def password_reset_link_send(*, user: User, sent_by: User | None = None) -> None:
    """Email the person a single-use link to choose a new password, from the service's own address."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "url": site_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})),
        "valid_for": reset_link_valid_for(),
        "sent_by": sent_by,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SITE_URL": site_url(),
    }
    message = EmailMultiAlternatives(
        subject=f"Reset your password for {settings.SERVICE_NAME}",
        body=render_to_string("registration/password_reset_email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("registration/password_reset_email.html", context), "text/html"
    )
    try:
        message.send()
    except OSError:  # smtplib's errors are OSErrors; the page says the same whether or not mail went
        logger.exception("Could not email a password reset link to user %s", user.pk)
    else:
        logger.info(
            'Password reset link sent: user %s, username "%s", sent_by %s',
            user.pk,
            log_text(user.get_username()),
            sent_by.pk if sent_by else "themselves",
        )


class ResetSetPasswordForm(NewPasswordForm, auth_forms.SetPasswordForm):
    """Choose a new password from a reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Button("save", "Set new password"),
            fields_only=True,
        )


# Views ---------------------------------------------------------------------------------------------


class AccountView(TemplateView):
    """The signed-in person's own account: their details and how they sign in."""

    template_name = "accounts/account.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change your own password; you stay signed in here and your other sessions end."""

    form_class = AccountPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; known and unknown addresses get the same answer."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        form.send_reset_links()
        return redirect(self.success_url)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """Tell the person to check their email, without saying whether the address has an account."""

    template_name = "registration/password_reset_done.html"
    extra_context = {"valid_for": reset_link_valid_for}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from a reset link, or be told the link has been used or has expired."""

    form_class = ResetSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """The new password is set: sign in with it."""

    template_name = "registration/password_reset_complete.html"


class PersonPasswordResetView(PersonMixin, View):
    """An administrator emails a member of their partnership a reset link (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        person = self.person
        if not person.is_active:
            raise Http404("No such member")
        user = person.user
        if not (user.is_active and user.email):
            messages.error(request, f"{user} has no email address, so a reset link cannot be sent.")
        else:
            password_reset_link_send(user=user, sent_by=request.user)
            messages.success(
                request,
                f"A password reset link has been sent to {user.email}. It works once, for {reset_link_valid_for()}.",
            )
        return redirect("accounts:people", slug=self.partnership.slug)
