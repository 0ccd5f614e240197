"""The board's action log's filters: every choice limited to the partnership in the URL.

With no status chosen the log shows the open board actions; "All" (`?status=`) lists every one. The
organisation filter finds what the organisation owns and what its people own.
"""

import django_filters
from django.db.models import Q

from accounts.models import Membership, Organisation, User
from core.forms import filter_selects
from delivery.filters import MemberChoiceFilter
from meetings.forms import MeetingChoiceField
from meetings.models import BoardAction, Body, Meeting


class MeetingChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = MeetingChoiceField


class BoardActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BoardAction.Status.choices, empty_label="All")
    owner = MemberChoiceFilter(label="Owner", queryset=User.objects.none(), empty_label="Anyone")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.none(),
        method="filter_organisation",
        empty_label="All",
    )
    body = django_filters.ModelChoiceFilter(
        label="Board or group", field_name="meeting__body", queryset=Body.objects.none(), empty_label="All"
    )
    meeting = MeetingChoiceFilter(label="Meeting", queryset=Meeting.objects.none(), empty_label="All")

    class Meta:
        model = BoardAction
        fields = []

    def __init__(self, data=None, *args, partnership, **kwargs):
        if not (data and "status" in data):
            data = data.copy() if data else {}
            data["status"] = BoardAction.Status.OPEN
        super().__init__(data, *args, **kwargs)
        self.partnership = partnership
        filters = self.filters
        filters["owner"].queryset = User.objects.members_of(partnership, active_only=False)
        filters["organisation"].queryset = Organisation.objects.filter(partnership=partnership)
        filters["body"].queryset = Body.objects.filter(partnership=partnership)
        filters["meeting"].queryset = Meeting.objects.filter(partnership=partnership).select_related("body")
        filter_selects(self.form)

    def filter_organisation(self, queryset, name, value):
        """Board actions the organisation owns, or that a person representing it owns."""
        people = Membership.objects.for_partnership(self.partnership).filter(organisation=value)
        return queryset.filter(Q(owner_organisation=value) | Q(owner__in=people.values("user")))
