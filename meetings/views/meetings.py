from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from accounts.tenancy import PartnershipMixin
from meetings.models import BoardAction, Meeting


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
            # Explicitly: a query that counts (GROUP BY) does not take the model's Meta.ordering.
            .order_by("-held_on", "-pk")
        )


class MeetingDetailView(PartnershipMixin, DetailView):
    """A meeting's agenda, minutes and resolutions, and its action log."""

    context_object_name = "meeting"
    nav_section = "meetings"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Meeting.objects.filter(partnership=self.partnership)
            .select_related("body")
            .prefetch_related(
                "agenda_items",
                "board_actions__owner",
                "board_actions__action__ambition__priority",
                "exception_reports__period",
            ),
            pk=self.kwargs["pk"],
        )
