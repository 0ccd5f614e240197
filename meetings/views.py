from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView

from accounts.forms import HandOverForm, add_service_errors
from accounts.models import Membership, User
from accounts.views import PartnershipAdministrationMixin, PartnershipMixin
from meetings.models import BoardAction, Meeting
from meetings.services import person_hand_over, person_hand_over_items


class MeetingListView(PartnershipMixin, ListView):
    """The partnership's meetings, newest first."""

    context_object_name = "meetings"
    nav_section = "meetings"

    def get_queryset(self):
        return (
            Meeting.objects.filter(partnership=self.partnership)
            .select_related("partnership")
            .annotate(
                agenda_item_count=Count("agenda_items", distinct=True),
                open_board_action_count=Count(
                    "board_actions",
                    filter=Q(board_actions__status=BoardAction.Status.OPEN),
                    distinct=True,
                ),
            )
        )


class MeetingDetailView(PartnershipMixin, DetailView):
    """A meeting's agenda, minutes and resolutions, and its action log."""

    context_object_name = "meeting"
    nav_section = "meetings"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Meeting.objects.filter(partnership=self.partnership).prefetch_related(
                "agenda_items",
                "board_actions__owner",
                "board_actions__action__ambition__priority",
                "exception_reports__period",
            ),
            pk=self.kwargs["pk"],
        )


class PersonHandOverView(PartnershipAdministrationMixin, FormView):
    """Move everything a person leads or owns in the partnership to another member (administrators)."""

    form_class = HandOverForm
    template_name = "meetings/person_hand_over.html"
    url_objects = ("person",)

    @cached_property
    def person(self) -> Membership:
        return get_object_or_404(
            Membership.objects.filter(partnership=self.partnership).select_related("user", "organisation"),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        candidates = (
            User.objects.filter(memberships__partnership=self.partnership, memberships__is_active=True)
            .exclude(pk=self.person.user_id)
            .order_by("first_name", "last_name", "pk")
        )
        return {**super().get_form_kwargs(), "candidates": candidates}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            items=person_hand_over_items(partnership=self.partnership, from_user=self.person.user),
            **kwargs,
        )

    def form_valid(self, form):
        to_user = form.cleaned_data["to_user"]
        try:
            summary = person_hand_over(
                partnership=self.partnership,
                from_user=self.person.user,
                to_user=to_user,
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Handed over from {self.person.user} to {to_user}: {summary.describe()}."
        )
        return redirect("accounts:people", slug=self.partnership.slug)
