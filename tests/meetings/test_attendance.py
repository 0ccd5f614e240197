"""Attendance by person and organisation: the service, the form page, the meeting page and the report."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import EditConflict
from meetings.models import Attendance
from meetings.services.attendance import (
    AttendanceRow,
    attendance_record,
    attendance_report,
    attendance_version,
)
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.meetings.factories import AttendanceFactory, BodyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PRESENT, SUBSTITUTE, APOLOGIES, ABSENT = (
    Attendance.Status.PRESENT,
    Attendance.Status.SUBSTITUTE,
    Attendance.Status.APOLOGIES,
    Attendance.Status.ABSENT,
)


@pytest.fixture
def meeting():
    return MeetingFactory(held_on=datetime.date(2026, 3, 10))


@pytest.fixture
def admin(meeting):
    return MembershipFactory(partnership=meeting.partnership, role=Membership.Role.ADMINISTRATOR)


def attendance_url(meeting):
    return reverse("meetings:meeting_attendance", kwargs={"slug": meeting.partnership.slug, "pk": meeting.pk})


def report_url(partnership, **query):
    url = reverse("meetings:attendance_report", kwargs={"slug": partnership.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# The service.


def test_record_replaces_the_meetings_attendance(meeting, admin):
    AttendanceFactory(meeting=meeting, name="Old record")
    organisation = admin.organisation

    saved = attendance_record(
        meeting=meeting,
        rows=[
            AttendanceRow(name="Jane Smith", organisation=organisation, status=PRESENT, person=admin.user),
            AttendanceRow(name="Superintendent Baldock", organisation=organisation, status=APOLOGIES),
        ],
        by=admin.user,
    )

    assert len(saved) == 2
    assert sorted(meeting.attendances.values_list("name", flat=True)) == [
        "Jane Smith",
        "Superintendent Baldock",
    ]
    assert meeting.attendances.get(name="Jane Smith").person == admin.user


@pytest.mark.parametrize(
    ("status", "substitute", "wrong"),
    [(SUBSTITUTE, "", True), (SUBSTITUTE, "Inspector Jones", False), (PRESENT, "Inspector Jones", True)],
)
def test_a_substitute_is_named_exactly_when_one_was_sent(meeting, admin, status, substitute, wrong):
    row = AttendanceRow(
        name="Ms Roberts", organisation=admin.organisation, status=status, substitute=substitute
    )

    if wrong:
        with pytest.raises(ValidationError) as error:
            attendance_record(meeting=meeting, rows=[row], by=admin.user)
        assert "row-0-substitute" in error.value.message_dict
        assert not meeting.attendances.exists()
    else:
        attendance_record(meeting=meeting, rows=[row], by=admin.user)
        assert meeting.attendances.get().substitute == "Inspector Jones"


def test_another_partnerships_organisation_and_a_non_member_are_refused_and_nothing_is_saved(meeting, admin):
    AttendanceFactory(meeting=meeting, name="Kept")
    theirs = OrganisationFactory()
    stranger = MembershipFactory().user  # a member of another partnership
    rows = [
        AttendanceRow(name="Fine", organisation=admin.organisation, status=PRESENT),
        AttendanceRow(name="Elsewhere", organisation=theirs, status=PRESENT),
        AttendanceRow(name="Stranger", organisation=admin.organisation, status=PRESENT, person=stranger),
        AttendanceRow(name="", organisation=admin.organisation, status="maybe"),
        AttendanceRow(name="fine", organisation=admin.organisation, status=ABSENT),
    ]

    with pytest.raises(ValidationError) as error:
        attendance_record(meeting=meeting, rows=rows, by=admin.user)

    errors = error.value.message_dict
    assert errors["row-1-organisation"] == ["Choose an organisation of this partnership"]
    assert "row-2-person" in errors
    assert {"row-3-name", "row-3-status"} <= set(errors)
    assert "listed twice" in errors["row-4-name"][0]
    assert "row-0-name" not in errors
    assert list(meeting.attendances.values_list("name", flat=True)) == ["Kept"]


def test_a_stale_version_is_refused(meeting, admin):
    opened = attendance_version(meeting)
    attendance_record(
        meeting=meeting, rows=[AttendanceRow("A", admin.organisation, PRESENT)], by=admin.user, version=opened
    )

    with pytest.raises(EditConflict):
        attendance_record(
            meeting=meeting,
            rows=[AttendanceRow("B", admin.organisation, PRESENT)],
            by=admin.user,
            version=opened,
        )
    assert list(meeting.attendances.values_list("name", flat=True)) == ["A"]


# The form page.


def test_the_form_lists_active_members_prefilled_and_saves(client, meeting, admin):
    member = MembershipFactory(partnership=meeting.partnership, user__first_name="Ann", user__last_name="Lee")
    MembershipFactory(partnership=meeting.partnership, is_active=False, user__first_name="Gone")
    AttendanceFactory(
        meeting=meeting,
        person=member.user,
        name="Ann Lee",
        organisation=member.organisation,
        status=APOLOGIES,
    )
    client.force_login(admin.user)

    response = client.get(attendance_url(meeting))

    form = response.context["form"]
    assert form.initial[f"member-{member.user_id}-status"] == APOLOGIES
    assert f"member-{admin.user_id}-status" in form.fields
    assert "Gone" not in response.content.decode()
    data = {
        "version": form.initial["version"],
        f"member-{member.user_id}-status": SUBSTITUTE,
        f"member-{member.user_id}-substitute": "Inspector Jones",
        f"member-{admin.user_id}-status": PRESENT,
        "new-1-name": "Cllr Guest",
        "new-1-organisation": member.organisation.pk,
        "new-1-status": PRESENT,
    }
    response = client.post(attendance_url(meeting), data)

    assert response.status_code == 302
    assert response["Location"].endswith("#attendance")
    rows = {a.name: (a.status, a.substitute, a.person_id) for a in meeting.attendances.all()}
    assert rows == {
        "Ann Lee": (SUBSTITUTE, "Inspector Jones", member.user_id),
        str(admin.user): (PRESENT, "", admin.user_id),
        "Cllr Guest": (PRESENT, "", None),
    }
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Inspector Jones for Ann Lee" in page
    assert "Record attendance" in page


def test_errors_are_shown_per_row_and_nothing_is_saved(client, meeting, admin):
    client.force_login(admin.user)
    version = client.get(attendance_url(meeting)).context["form"].initial["version"]

    response = client.post(
        attendance_url(meeting),
        {
            "version": version,
            f"member-{admin.user_id}-status": SUBSTITUTE,
            "new-1-name": "x" * 201,
            "new-1-status": PRESENT,
            "new-2-status": "nonsense",
            "new-3-organisation": "99999999999999999999999",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"member-{admin.user_id}-substitute"] == [f"Enter who came in place of {admin.user}"]
    assert form.errors["new-1-name"] == ["The name must be 200 characters or fewer"]
    assert "new-1-organisation" in form.errors
    assert "new-2-status" in form.errors
    assert "new-3-organisation" in form.errors
    assert "There is a problem" in response.content.decode()
    assert not meeting.attendances.exists()


def test_hostile_names_are_shown_as_text(client, meeting, admin):
    hostile = '<script>alert("x")</script> {{ request }} Ａdmin'
    AttendanceFactory(meeting=meeting, name=hostile, organisation=admin.organisation, status=ABSENT)
    admin.user.first_name, admin.user.last_name = "<b>Bold</b>", "{% now 'Y' %}"
    admin.user.save()
    client.force_login(admin.user)

    for url in (attendance_url(meeting), meeting.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<b>Bold</b>" not in html
        assert escape(hostile) in html
        assert escape("{% now 'Y' %}") in html or "{% now &#x27;Y&#x27; %}" in html


def test_a_stale_form_answers_409_and_keeps_the_answers(client, meeting, admin):
    client.force_login(admin.user)
    version = client.get(attendance_url(meeting)).context["form"].initial["version"]
    attendance_record(
        meeting=meeting, rows=[AttendanceRow("Other", admin.organisation, ABSENT)], by=admin.user
    )

    response = client.post(
        attendance_url(meeting), {"version": version, f"member-{admin.user_id}-status": PRESENT}
    )

    assert response.status_code == 409
    assert list(meeting.attendances.values_list("name", flat=True)) == ["Other"]
    assert response.context["form"]["version"].value() == attendance_version(meeting)


def test_only_administrators_record_attendance(client, meeting):
    officer = MembershipFactory(partnership=meeting.partnership, role=Membership.Role.OFFICER)
    client.force_login(officer.user)

    assert client.get(attendance_url(meeting)).status_code == 403
    assert client.post(attendance_url(meeting), {"version": ""}).status_code == 403
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Record attendance" not in page
    assert "Attendance report" in page


# The report.


def test_report_counts_each_meeting_once_per_organisation_by_its_best_status(meeting):
    partnership = meeting.partnership
    police = OrganisationFactory(partnership=partnership, name="Police", is_responsible_authority=True)
    charity = OrganisationFactory(partnership=partnership, name="Charity", is_responsible_authority=False)
    second = MeetingFactory(partnership=partnership, held_on=datetime.date(2026, 5, 1))
    third = MeetingFactory(partnership=partnership, held_on=datetime.date(2026, 6, 1))
    MeetingFactory(partnership=partnership, held_on=datetime.date(2025, 1, 1))  # before the period
    for status in (ABSENT, PRESENT, APOLOGIES):
        AttendanceFactory(meeting=meeting, organisation=police, status=status)
    AttendanceFactory(meeting=second, organisation=police, status=APOLOGIES)
    AttendanceFactory(meeting=second, organisation=police, status=SUBSTITUTE, substitute="Deputy")
    AttendanceFactory(meeting=third, organisation=police, status=ABSENT)
    AttendanceFactory(meeting=meeting, organisation=charity, status=APOLOGIES)

    report = attendance_report(
        partnership=partnership, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )

    assert report.meetings == 3
    [police_line] = [line for line in report.responsible_authorities if line.organisation == police]
    assert (police_line.present, police_line.substitute, police_line.apologies, police_line.absent) == (
        1,
        1,
        0,
        1,
    )
    assert police_line.not_recorded == 0
    [charity_line] = report.others
    assert (charity_line.apologies, charity_line.not_recorded) == (1, 2)


def test_report_filters_by_period_and_body(client, meeting):
    partnership = meeting.partnership
    group = BodyFactory(partnership=partnership, name="Reducing Reoffending Strategic Group")
    police = OrganisationFactory(partnership=partnership, name="Police")
    AttendanceFactory(meeting=meeting, organisation=police, status=PRESENT)
    other = MeetingFactory(partnership=partnership, body=group, held_on=datetime.date(2026, 4, 1))
    AttendanceFactory(meeting=other, organisation=police, status=ABSENT)
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user)
    period = {
        "starts_on_0": 1, "starts_on_1": 1, "starts_on_2": 2026, "ends_on_0": 31, "ends_on_1": 3, "ends_on_2": 2026,
    }  # fmt: skip

    march = client.get(report_url(partnership, **period)).context["report"]
    by_group = client.get(report_url(partnership, **{**period, "ends_on_1": 12, "body": group.pk})).context[
        "report"
    ]

    line = next(line for line in march.responsible_authorities if line.organisation == police)
    assert (march.meetings, line.present, line.absent) == (1, 1, 0)
    line = next(line for line in by_group.responsible_authorities if line.organisation == police)
    assert (by_group.meetings, line.present, line.absent) == (1, 0, 1)


@pytest.mark.parametrize(
    "query",
    [
        {
            "starts_on_0": 31,
            "starts_on_1": 2,
            "starts_on_2": 2026,
            "ends_on_0": 1,
            "ends_on_1": 1,
            "ends_on_2": 2027,
        },
        {
            "starts_on_0": 1,
            "starts_on_1": 1,
            "starts_on_2": 2027,
            "ends_on_0": 1,
            "ends_on_1": 1,
            "ends_on_2": 2026,
        },
        {"starts_on_0": "x", "ends_on_2": "99999999999999999999"},
        {"body": "99999999999999999999999"},
    ],
)
def test_report_says_what_is_wrong_with_a_bad_period(client, meeting, query):
    client.force_login(MembershipFactory(partnership=meeting.partnership).user)

    response = client.get(report_url(meeting.partnership, **query))

    assert response.status_code == 200
    assert response.context["report"] is None
    assert "There is a problem" in response.content.decode()


def test_report_defaults_to_the_last_12_months_and_downloads_as_csv(client, meeting):
    OrganisationFactory(partnership=meeting.partnership, name="=HYPERLINK(1)")
    client.force_login(MembershipFactory(partnership=meeting.partnership).user)

    response = client.get(report_url(meeting.partnership))
    download = client.get(report_url(meeting.partnership, format="csv"))

    report = response.context["report"]
    assert (report.ends_on - report.starts_on).days in (364, 365)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "'=HYPERLINK(1)" in download.content.decode()


def test_report_is_for_members_only(client, meeting):
    client.force_login(MembershipFactory().user)  # a member of another partnership

    assert client.get(report_url(meeting.partnership)).status_code == 404


def test_report_makes_the_same_queries_for_1_and_20_meetings(client, assert_same_queries):
    def make_rows(count):
        first = MeetingFactory(held_on=datetime.date.today())
        organisations = OrganisationFactory.create_batch(3, partnership=first.partnership)
        for n in range(count):
            meeting = (
                first if n == 0 else MeetingFactory(partnership=first.partnership, held_on=first.held_on)
            )
            for organisation in organisations:
                AttendanceFactory(meeting=meeting, organisation=organisation)
        client.force_login(MembershipFactory(partnership=first.partnership).user)
        return report_url(first.partnership)

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.context["report"].meetings for response in responses] == [1, 20]


def test_meeting_page_and_attendance_form_make_the_same_queries_for_1_and_20_people(
    client, assert_same_queries
):
    def make_rows(count):
        meeting = MeetingFactory()
        admin = MembershipFactory(partnership=meeting.partnership, role=Membership.Role.ADMINISTRATOR)
        for _ in range(count):
            member = MembershipFactory(partnership=meeting.partnership)
            AttendanceFactory(meeting=meeting, person=member.user, organisation=member.organisation)
        client.force_login(admin.user)
        return meeting

    def fetch(meeting):
        return [client.get(meeting.get_absolute_url()), client.get(attendance_url(meeting))]

    responses = assert_same_queries(make_rows, fetch, many=20)

    assert [r.status_code for pair in responses for r in pair] == [200, 200, 200, 200]


def test_the_attendance_form_makes_the_same_queries_for_1_and_10_people_without_an_account(
    client, assert_same_queries
):
    """Each such row (and each empty row) has an organisation drop-down; they share one query."""

    def make_rows(count):
        meeting = MeetingFactory()
        admin = MembershipFactory(partnership=meeting.partnership, role=Membership.Role.ADMINISTRATOR)
        for _ in range(count):
            organisation = OrganisationFactory(partnership=meeting.partnership)
            AttendanceFactory(meeting=meeting, person=None, organisation=organisation)
        client.force_login(admin.user)
        return meeting

    responses = assert_same_queries(make_rows, lambda meeting: client.get(attendance_url(meeting)), many=10)

    assert [response.status_code for response in responses] == [200, 200]
    assert [
        sum(name.startswith("recorded-") for name in response.context["form"].fields)
        for response in responses
    ] == [4, 40]
