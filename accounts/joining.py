"""Joining: accepting an invitation to a partnership, and a platform superuser setting one up."""

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from crispy_forms_gds.layout import Button
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp import user_has_device

from accounts.forms import (
    ConfirmForm,
    InvitationAcceptForm,
    PartnershipSetUpForm,
    PasswordConfirmForm,
)
from accounts.services import (
    invitation_accept,
    invitation_existing_user,
    invitation_find,
    invitation_new_user,
    partnership_set_up,
)
from core.forms import add_service_errors


@method_decorator([login_not_required, never_cache], name="dispatch")
class InvitationAcceptView(FormView):
    """The public page an invitation's link opens.

    Someone new chooses a password: their account is created and signed in. Someone whose address
    already has an account accepts only once signed in to it with their own credentials (or, when the
    account is switched off, by entering its own password); an invitation never sets a password.
    """

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_find(token=kwargs["token"])
        if self.invitation is None:
            # Unknown, expired, revoked and used links look alike, so a link says nothing about its
            # invitation; 200 rather than 404, because this is the answer the person needs.
            return render(request, "accounts/invitation_invalid.html")
        self.existing_user = invitation_existing_user(invitation=self.invitation)
        if self.existing_user is not None:
            if request.user.is_authenticated and request.user.pk != self.existing_user.pk:
                return render(
                    request,
                    "accounts/invitation_wrong_account.html",
                    {"invitation": self.invitation},
                    status=403,
                )
            if (
                request.user.is_authenticated
                and user_has_device(request.user)
                and not request.user.is_verified()
            ):
                # The page is public, so the two-factor middleware lets it through: accepting as the
                # account needs the whole sign-in, second factor included.
                return redirect(
                    f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.path})}"
                )
            if not request.user.is_authenticated and self.existing_user.is_active:
                # GET and POST alike: nothing is accepted until the person signs in.
                sign_in = f"{reverse('login')}?{urlencode({'next': request.path})}"
                return render(
                    request,
                    "accounts/invitation_sign_in.html",
                    {"invitation": self.invitation, "sign_in_url": sign_in},
                )
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_new_account(self) -> bool:
        return self.existing_user is None

    def get_template_names(self):
        if self.is_new_account:
            return ["accounts/invitation_accept.html"]
        return ["accounts/invitation_join.html"]

    def get_form(self, form_class=None):
        kwargs = self.get_form_kwargs()
        if self.is_new_account:
            return InvitationAcceptForm(invitation_new_user(invitation=self.invitation), **kwargs)
        if self.request.user.is_authenticated:  # signed in as the invited account (dispatch checked)
            return ConfirmForm(**kwargs, button=Button("accept", "Accept and join"))
        return PasswordConfirmForm(  # the invited account is switched off
            **kwargs,
            button="Accept and join",
            help_text="The password you sign in with. Accepting the invitation does not change it.",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invitation=self.invitation,
            username=self.invitation.email if self.is_new_account else None,
            **kwargs,
        )

    def form_valid(self, form):
        if self.is_new_account:
            return self.account_create(form)
        if self.request.user.is_authenticated:
            return self.join(form, user=self.request.user)
        return self.confirm_password_and_join(form)

    def accept(self, form, **arguments):
        try:
            return invitation_accept(invitation=self.invitation, **arguments)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return None

    def account_create(self, form):
        user = self.accept(form, password=form.cleaned_data["new_password1"])
        if user is None:
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            f"Welcome to {self.invitation.partnership}. Sign in next time with the username {user.username}.",
        )
        return redirect(self.invitation.partnership)

    def join(self, form, *, user):
        if self.accept(form, user=user) is None:
            return self.form_invalid(form)
        self.request.session.cycle_key()  # a new membership is a change of privilege
        messages.success(self.request, f"You have joined {self.invitation.partnership}.")
        return redirect(self.invitation.partnership)

    def confirm_password_and_join(self, form):
        # The account is switched off, so it cannot sign in; its own password proves who it is, with
        # the same lockout as the sign-in page. It is not signed in here: it signs in as usual next.
        user = self.existing_user
        credentials = {settings.AXES_USERNAME_FORM_FIELD: user.username}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            form.add_error("password", "Too many wrong passwords. Try again later")
            return self.form_invalid(form)
        if not user.check_password(form.cleaned_data["password"]):
            user_login_failed.send(sender=type(self), credentials=credentials, request=self.request)
            form.add_error("password", "Enter the password you sign in with")
            return self.form_invalid(form)
        if self.accept(form, user=user) is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"You have joined {self.invitation.partnership}. Sign in with your username {user.username}.",
        )
        return redirect(
            f"{reverse('login')}?{urlencode({'next': self.invitation.partnership.get_absolute_url()})}"
        )


class PartnershipSetUpView(UserPassesTestMixin, FormView):
    """Platform superusers set up a new partnership and become its first administrator."""

    form_class = PartnershipSetUpForm
    template_name = "accounts/partnership_set_up.html"

    def test_func(self):
        return self.request.user.is_superuser

    def form_valid(self, form):
        try:
            partnership = partnership_set_up(**form.cleaned_data, administrator=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{partnership.name} is set up. Next, add its organisations and invite its people."
        )
        return redirect("accounts:manage", slug=partnership.slug)
