"""The partnership's people and organisations, managed by its administrators, and the home page."""

from crispy_forms_gds.layout import Button
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView

from accounts.forms import (
    ConfirmForm,
    InvitationForm,
    MembershipForm,
    OrganisationForm,
    PartnershipSettingsForm,
)
from accounts.models import Invitation, Membership, Organisation
from accounts.services import (
    INVITATION_VALID_FOR,
    InvitationNotSent,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    membership_change,
    membership_deactivate,
    membership_reactivate,
    pending_invitations,
)
from accounts.tenancy import PartnershipMixin
from core.forms import add_service_errors


class HomeView(TemplateView):
    """Take a member of one partnership straight to it; offer a choice to a member of several."""

    template_name = "accounts/home.html"

    def get(self, request, *args, **kwargs):
        self.memberships = list(
            request.user.memberships.active()
            .select_related("partnership", "organisation")
            .order_by("partnership__name")
        )
        if len(self.memberships) == 1:
            return redirect(self.memberships[0].partnership)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(memberships=self.memberships, **kwargs)


# Partnership administration ------------------------------------------------------------------------


class ManageView(PartnershipMixin, TemplateView):
    """The administration hub: links to every page an administrator manages the partnership from."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    template_name = "accounts/manage.html"


class PartnershipSettingsView(PartnershipMixin, UpdateView):
    """The partnership's own settings: its short name, description and protective marking."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    form_class = PartnershipSettingsForm
    template_name = "accounts/partnership_settings.html"

    def get_object(self, queryset=None):
        return self.partnership

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Partnership settings saved.")
        return redirect("accounts:manage", slug=self.partnership.slug)


class OrganisationListView(PartnershipMixin, ListView):
    """The partnership's partner agencies, with how many active members represent each."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    template_name = "accounts/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        return Organisation.objects.filter(partnership=self.partnership).annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True))
        )


class OrganisationFormMixin(PartnershipMixin):
    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
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


class PeopleView(PartnershipMixin, TemplateView):
    """The partnership's members, active and inactive, and the invitations not yet accepted."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    template_name = "accounts/people.html"

    def get_context_data(self, **kwargs):
        people = (
            Membership.objects.for_partnership(self.partnership)
            .select_related("user", "organisation")
            .order_by("-is_active", "user__last_name", "user__first_name", "pk")
        )
        invitations = pending_invitations(partnership=self.partnership).select_related(
            "organisation", "invited_by"
        )
        return super().get_context_data(people=people, invitations=invitations, now=timezone.now(), **kwargs)


class PersonInviteView(PartnershipMixin, FormView):
    """Invite someone by email to join the partnership."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
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


class InvitationChangeView(PartnershipMixin, View):
    """Resend or revoke an invitation not yet accepted (POST only), then go back to the list of people."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
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


class PersonMixin(PartnershipMixin):
    """Fetch the membership in the URL through the partnership: another partnership's answers 404."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    url_objects = ("person",)

    @cached_property
    def person(self) -> Membership:
        return get_object_or_404(
            Membership.objects.for_partnership(self.partnership).select_related("user", "organisation"),
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
            is_member_elsewhere=Membership.objects.active()
            .filter(user=self.person.user_id)
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
