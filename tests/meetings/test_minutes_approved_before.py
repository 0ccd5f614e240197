"""Minutes approved before the service kept meetings (the migration's and the demo's seed meetings) name
no approving meeting; such a meeting can still be edited, but minutes newly approved must name one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from core.conflicts import version_of
from meetings.models import Meeting
from meetings.services.meetings import meeting_update
from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def edit_data(meeting, **changes):
    return {
        "version": version_of(meeting),
        "body": meeting.body_id,
        "title": meeting.title,
        "held_on_0": str(meeting.held_on.day),
        "held_on_1": str(meeting.held_on.month),
        "held_on_2": str(meeting.held_on.year),
        "starts_at": "",
        "location": "Bromley Civic Centre",
        "status": meeting.status,
        "minutes_approved_at": "",
        **changes,
    }


def test_a_meeting_approved_before_it_was_recorded_where_can_still_be_edited(client):
    meeting = MeetingFactory(status=Meeting.Status.MINUTES_APPROVED)
    client.force_login(
        MembershipFactory(partnership=meeting.partnership, role=Membership.Role.ADMINISTRATOR).user
    )

    response = client.post(
        reverse("meetings:meeting_edit", kwargs={"slug": meeting.partnership.slug, "pk": meeting.pk}),
        edit_data(meeting),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.location, meeting.status) == ("Bromley Civic Centre", Meeting.Status.MINUTES_APPROVED)


def test_minutes_newly_approved_must_name_the_meeting_that_approved_them(client):
    meeting = MeetingFactory(status=Meeting.Status.MINUTES_DRAFT)
    client.force_login(
        MembershipFactory(partnership=meeting.partnership, role=Membership.Role.ADMINISTRATOR).user
    )

    response = client.post(
        reverse("meetings:meeting_edit", kwargs={"slug": meeting.partnership.slug, "pk": meeting.pk}),
        edit_data(meeting, status=Meeting.Status.MINUTES_APPROVED),
    )

    assert response.status_code == 200
    assert "Choose the meeting that approved the minutes" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFT
    meeting.status = Meeting.Status.MINUTES_APPROVED
    with pytest.raises(ValidationError, match="Choose the meeting that approved the minutes"):
        meeting_update(meeting=meeting, version=version_of(meeting), by=None)


def test_a_new_meeting_with_approved_minutes_names_the_approving_meeting():
    from meetings.services.meetings import check_meeting

    meeting = Meeting(
        partnership=MeetingFactory().partnership,
        title="Board",
        held_on=datetime.date(2024, 2, 29),
        status=Meeting.Status.MINUTES_APPROVED,
    )
    meeting.body = MeetingFactory(partnership=meeting.partnership).body
    with pytest.raises(ValidationError, match="Choose the meeting that approved the minutes"):
        check_meeting(meeting)
