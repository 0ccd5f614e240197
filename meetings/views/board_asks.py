"""From report to agenda: the two one-step conversions an administrator makes from a board ask of an
exception report published to a meeting (an agenda item, a board action). The meeting page lists the
asks (`meetings.services.board_asks.reports_with_board_asks`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views import View

from accounts.tenancy import PartnershipMixin
from delivery.models import ProgressUpdate
from meetings.models import AgendaItem, BoardAction
from meetings.services.board_asks import board_ask_to_agenda, board_ask_to_board_action
from meetings.views import MeetingInUrlMixin

BOARD_ASKS_ANCHOR = "#board-asks"


class BoardAskConversionView(MeetingInUrlMixin, PartnershipMixin, View):
    """POST: turn a board ask into something the meeting records, once; then back to the meeting page."""

    permission_required = "meetings.manage_meetings"
    http_method_names = ["post"]
    url_objects = ("meeting", "update")
    nav_section = "meetings"

    @cached_property
    def update(self) -> ProgressUpdate:
        return get_object_or_404(
            ProgressUpdate.objects.filter(
                action__ambition__priority__strategy__partnership=self.partnership
            ).select_related("action__ambition__priority__strategy", "action__owner"),
            pk=self.kwargs["update_pk"],
        )

    def convert(self):
        raise NotImplementedError

    def done(self, record) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            record = self.convert()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.done(record))
        return redirect(self.meeting.get_absolute_url() + BOARD_ASKS_ANCHOR)


class BoardAskAgendaItemView(BoardAskConversionView):
    """Add a board ask to the meeting's agenda as its last item (administrators)."""

    def convert(self) -> AgendaItem:
        return board_ask_to_agenda(meeting=self.meeting, update=self.update, by=self.request.user)

    def done(self, record: AgendaItem) -> str:
        return f"The board ask on {self.update.action.reference} is on the agenda as item {record.order}."


class BoardAskBoardActionView(BoardAskConversionView):
    """Raise a board action at the meeting from a board ask (administrators)."""

    def convert(self) -> BoardAction:
        return board_ask_to_board_action(meeting=self.meeting, update=self.update, by=self.request.user)

    def done(self, record: BoardAction) -> str:
        return f"Board action raised from the board ask on {self.update.action.reference}."
