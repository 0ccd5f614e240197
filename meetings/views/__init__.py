"""The meetings pages. `MeetingInUrlMixin`: the one way a page fetches the meeting its URL names."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from meetings.models import Meeting


class MeetingInUrlMixin:
    """The meeting `pk` in the URL, fetched through the partnership (list it before PartnershipMixin):
    another partnership's meeting answers 404. A page that shows more of it overrides
    `meeting_queryset`."""

    url_objects = ("meeting",)

    def meeting_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.select_related("partnership", "body")

    @cached_property
    def meeting(self) -> Meeting:
        return get_object_or_404(
            self.meeting_queryset().filter(partnership=self.partnership), pk=self.kwargs["pk"]
        )
