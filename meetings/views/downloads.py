"""A meeting's agenda and minutes to print or download as Word, for every member of the partnership."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View

from accounts.tenancy import PartnershipMixin
from core.downloads import limited_download
from meetings.exports import (
    AGENDA,
    MINUTES,
    meeting_docx,
    meeting_file_name,
    meeting_for_paper,
    meeting_paper,
)
from meetings.views import MeetingInUrlMixin

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MeetingPaperMixin(MeetingInUrlMixin, PartnershipMixin):
    """The meeting in the URL, through the partnership, and its agenda or minutes in words."""

    nav_section = "meetings"
    kind = AGENDA

    def meeting_queryset(self):
        return meeting_for_paper(partnership=self.partnership, pk=self.kwargs["pk"])

    @cached_property
    def paper(self) -> dict:
        return meeting_paper(self.meeting, kind=self.kind)


class MeetingPaperView(MeetingPaperMixin, TemplateView):
    """The agenda or minutes as a page laid out for printing."""

    template_name = "meetings/meeting_minutes.html"

    def get_context_data(self, **kwargs):
        slug_pk = {"slug": self.partnership.slug, "pk": self.meeting.pk}
        return super().get_context_data(
            meeting=self.meeting,
            paper=self.paper,
            docx_url=reverse(f"meetings:meeting_{self.kind}_docx", kwargs=slug_pk),
            **kwargs,
        )


class MeetingAgendaView(MeetingPaperView):
    kind = AGENDA
    template_name = "meetings/meeting_agenda.html"


class MeetingMinutesView(MeetingPaperView):
    kind = MINUTES
    template_name = "meetings/meeting_minutes.html"


class MeetingDocxView(MeetingPaperMixin, View):
    """The agenda or minutes as a Word document, limited like other costly downloads."""

    def get(self, request, *args, **kwargs):
        def make_response() -> HttpResponse:
            response = HttpResponse(meeting_docx(self.paper), content_type=DOCX_CONTENT_TYPE)
            file_name = meeting_file_name(self.meeting, kind=self.kind)
            response["Content-Disposition"] = f'attachment; filename="{file_name}.docx"'
            return response

        return limited_download(request, make_response)


class MeetingAgendaDocxView(MeetingDocxView):
    kind = AGENDA


class MeetingMinutesDocxView(MeetingDocxView):
    kind = MINUTES
