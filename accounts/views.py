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
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView
from django_otp import user_has_device
from rules.contrib.views import PermissionRequiredMixin

from accounts.forms import (
    ConfirmForm,
    InvitationAcceptForm,
    InvitationForm,
    MembershipForm,
    OrganisationForm,
    PartnershipSetUpForm,
    PasswordConfirmForm,
    add_service_errors,
)
from accounts.models import Invitation, Membership, Organisation, StatusRating
from accounts.services import (
    INVITATION_VALID_FOR,
    InvitationNotSent,
    invitation_accept,
    invitation_existing_user,
    invitation_find,
    invitation_new_user,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    membership_change,
    membership_deactivate,
    membership_reactivate,
    partnership_set_up,
    pending_invitations,
)


class PartnershipMixin:
    """Resolve the partnership in the URL through the user's own active membership.

    A partnership the user does not belong to answers 404, so its name never leaks.
    """

    nav_section = None

    def dispatch(self, request, *args, **kwargs):
        self.membership = (
            Membership.objects.filter(user=request.user, partnership__slug=kwargs["slug"], is_active=True)
            .select_related("partnership", "organisation")
            .first()
        )
        if self.membership is None:
            raise Http404("No such partnership")
        self.partnership = request.partnership = self.membership.partnership
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.partnership,
            membership=self.membership,
            nav_section=self.nav_section,
            status_ratings=lambda: StatusRating.wording_for(self.partnership),
            **kwargs,
        )


class HomeView(TemplateView):
    """Take a member of one partnership straight to it; offer a choice to a member of several."""

    template_name = "accounts/home.html"

    def get(self, request, *args, **kwargs):
        self.memberships = list(
            request.user.memberships.filter(is_active=True)
            .select_related("partnership", "organisation")
            .order_by("partnership__name")
        )
        if len(self.memberships) == 1:
            return redirect(self.memberships[0].partnership)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(memberships=self.memberships, **kwargs)


# Partnership administration ------------------------------------------------------------------------


class PartnershipAdministrationMixin(PartnershipMixin, PermissionRequiredMixin):
    """A page for the partnership's administrators: other members get 403, anyone else 404.

    The objects named in the URL (`url_objects`, the names of the view's properties that fetch them
    through the partnership) are fetched before the role is checked, so another partnership's object
    answers 404 whoever asks.
    """

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    url_objects: tuple[str, ...] = ()

    def get_permission_object(self):
        for name in self.url_objects:
            getattr(self, name)
        return self.partnership


class ManageView(PartnershipAdministrationMixin, TemplateView):
    """The administration hub: links to every page an administrator manages the partnership from."""

    template_name = "accounts/manage.html"


class OrganisationListView(PartnershipAdministrationMixin, ListView):
    """The partnership's partner agencies, with how many active members represent each."""

    template_name = "accounts/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        return Organisation.objects.filter(partnership=self.partnership).annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True))
        )


class OrganisationFormMixin(PartnershipAdministrationMixin):
    form_class = OrganisationForm
    template_name = "accounts/organisation_form.html"
    submit_label = "Save organisation"
    success_message = "Organisation saved."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "submit_label": self.submit_label,
        }

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = form.save()
        except IntegrityError:  # another administrator saved the same name a moment ago
            form.add_error(
                None, "An organisation with this name or short name is already in the partnership."
            )
            return self.form_invalid(form)
        messages.success(self.request, self.success_message.format(organisation=self.object))
        return redirect("accounts:organisation_list", slug=self.partnership.slug)


class OrganisationCreateView(OrganisationFormMixin, CreateView):
    """Add a partner agency to the partnership."""

    submit_label = "Add organisation"
    success_message = "{organisation} added."


class OrganisationUpdateView(OrganisationFormMixin, UpdateView):
    """Change a partner agency's name, short name or responsible-authority status."""

    success_message = "{organisation} saved."
    url_objects = ("organisation",)

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(
            Organisation.objects.filter(partnership=self.partnership), pk=self.kwargs["pk"]
        )

    def get_object(self, queryset=None):
        self.saved_name = self.organisation.name  # the form changes the object's name before it is saved
        return self.organisation

    def get_context_data(self, **kwargs):
        return super().get_context_data(saved_name=self.saved_name, **kwargs)


class PeopleView(PartnershipAdministrationMixin, TemplateView):
    """The partnership's members, active and inactive, and the invitations not yet accepted."""

    template_name = "accounts/people.html"

    def get_context_data(self, **kwargs):
        people = (
            Membership.objects.filter(partnership=self.partnership)
            .select_related("user", "organisation")
            .order_by("-is_active", "user__last_name", "user__first_name", "pk")
        )
        invitations = pending_invitations(partnership=self.partnership).select_related(
            "organisation", "invited_by"
        )
        return super().get_context_data(people=people, invitations=invitations, now=timezone.now(), **kwargs)


class PersonInviteView(PartnershipAdministrationMixin, FormView):
    """Invite someone by email to join the partnership."""

    form_class = InvitationForm
    template_name = "accounts/person_invite.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def form_valid(self, form):
        try:
            invitation = invitation_send(
                partnership=self.partnership, invited_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except InvitationNotSent as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Invitation sent to {invitation.email}. The link in it works for {INVITATION_VALID_FOR.days} days.",
        )
        return redirect("accounts:people", slug=self.partnership.slug)


class InvitationChangeView(PartnershipAdministrationMixin, View):
    """Resend or revoke an invitation not yet accepted (POST only), then go back to the list of people."""

    http_method_names = ["post"]
    url_objects = ("invitation",)

    @cached_property
    def invitation(self) -> Invitation:
        return get_object_or_404(pending_invitations(partnership=self.partnership), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        try:
            message = self.change(self.invitation)
        except (ValidationError, InvitationNotSent) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, message)
        return redirect("accounts:people", slug=self.partnership.slug)


class InvitationResendView(InvitationChangeView):
    def change(self, invitation) -> str:
        invitation = invitation_resend(invitation=invitation)
        return (
            f"Invitation sent again to {invitation.email}. The new link works for "
            f"{INVITATION_VALID_FOR.days} days; the link sent before no longer works."
        )


class InvitationRevokeView(InvitationChangeView):
    def change(self, invitation) -> str:
        invitation = invitation_revoke(invitation=invitation)
        return f"Invitation to {invitation.email} revoked. Its link no longer works."


class PersonMixin(PartnershipAdministrationMixin):
    """Fetch the membership in the URL through the partnership: another partnership's answers 404."""

    url_objects = ("person",)

    @cached_property
    def person(self) -> Membership:
        return get_object_or_404(
            Membership.objects.filter(partnership=self.partnership).select_related("user", "organisation"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)


class PersonEditView(PersonMixin, FormView):
    """Change a person's role, organisation and job title in the partnership."""

    form_class = MembershipForm
    template_name = "accounts/person_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership, "instance": self.person}

    def form_valid(self, form):
        try:
            membership_change(
                membership=self.person,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                job_title=form.cleaned_data["job_title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Changes to {self.person.user} saved.")
        return redirect("accounts:people", slug=self.partnership.slug)


class PersonStatusView(PersonMixin, FormView):
    """Confirm, then make a change to whether a person may use the partnership."""

    button = None

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), button=self.button)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_self=self.person.user_id == self.request.user.pk,
            is_member_elsewhere=Membership.objects.filter(user=self.person.user_id, is_active=True)
            .exclude(pk=self.person.pk)
            .exists(),
            **kwargs,
        )


class PersonDeactivateView(PersonStatusView):
    """Stop a person using the partnership and sign them out; their history is kept."""

    template_name = "accounts/person_deactivate.html"
    button = Button.warning("deactivate", "Deactivate")

    def form_valid(self, form):
        try:
            membership = membership_deactivate(membership=self.person, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if membership.user.is_active:
            messages.success(
                self.request,
                f"{membership.user} can no longer use {self.partnership} and has been signed out. "
                "They are still an active member of another partnership, so they can still sign in there.",
            )
        else:
            messages.success(
                self.request,
                f"{membership.user} can no longer use {self.partnership} and has been signed out. "
                "They are not an active member of any other partnership, so they can no longer sign in.",
            )
        return redirect("accounts:people", slug=self.partnership.slug)


class PersonReactivateView(PersonStatusView):
    """Let a deactivated person use the partnership again."""

    template_name = "accounts/person_reactivate.html"
    button = Button("reactivate", "Reactivate")

    def form_valid(self, form):
        try:
            membership = membership_reactivate(membership=self.person, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{membership.user} can use {self.partnership} again and can sign in.")
        return redirect("accounts:people", slug=self.partnership.slug)


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
