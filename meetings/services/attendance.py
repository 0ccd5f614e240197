"""A meeting's attendance: who came for which organisation, who sent apologies or a substitute; and the
attendance report, the evidence a partnership gives for its partners' statutory engagement."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max

from accounts.models import Organisation, User
from core.conflicts import EditConflict
from meetings.models import Attendance, Body, Meeting
from meetings.services.coherence import active_members

# Best first: a meeting counts once for an organisation, by the best status any of its people had.
STATUS_ORDER = (
    Attendance.Status.PRESENT,
    Attendance.Status.SUBSTITUTE,
    Attendance.Status.APOLOGIES,
    Attendance.Status.ABSENT,
)


@dataclass(frozen=True)
class AttendanceRow:
    """One person's attendance as a form gives it: `person` is None for someone with no account."""

    name: str
    organisation: Organisation | None
    status: str
    substitute: str = ""
    person: User | None = None


def attendance_version(meeting: Meeting, *, recorded: list[Attendance] | None = None) -> str:
    """The version of a meeting's attendance, for the edit-conflict check (core.conflicts): how many
    rows and when the newest was saved; "" when none is recorded. Every save replaces the rows, so any
    save since a form was opened changes it. `recorded`: every row, when the page has read them."""
    if recorded is None:
        summary = Attendance.objects.filter(meeting=meeting).aggregate(
            latest=Max("updated_at"), count=Count("pk")
        )
    else:
        summary = {"latest": max((a.updated_at for a in recorded), default=None), "count": len(recorded)}
    if summary["latest"] is None:
        return ""
    return f"{summary['count']}:{summary['latest'].isoformat()}"


def row_error_key(index: int, name: str) -> str:
    """The key of a row's field in the ValidationError `attendance_record` raises: "row-3-status"."""
    return f"row-{index}-{name}"


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, rows: list[AttendanceRow], by: User, version: str | None = None
) -> list[Attendance]:
    """Replace the meeting's attendance with `rows`, all or nothing.

    Each row is checked: a name, an organisation of the meeting's partnership, a person who is an active
    member of it (or was already recorded at this meeting), a substitute named exactly when one was sent,
    and no one listed twice. Errors are raised together, keyed `row_error_key(index, field)`. When
    `version` is given (from `attendance_version` as the form was opened) and the attendance has been
    saved since, nothing changes and EditConflict is raised.
    """
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one recorder at a time
    if version is not None and attendance_version(meeting) != version:
        latest = Attendance.objects.filter(meeting=meeting).order_by("-updated_at").first()
        raise EditConflict(latest)
    members = set(active_members(meeting.partnership_id).values_list("pk", flat=True))
    already = set(
        Attendance.objects.filter(meeting=meeting, person__isnull=False).values_list("person_id", flat=True)
    )
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, int]] = set()
    records = []
    for index, row in enumerate(rows):
        name = (row.name or "").strip()
        substitute = (row.substitute or "").strip()
        problems = _row_problems(meeting, row, name, substitute, members | already)
        key = (name.casefold(), getattr(row.organisation, "pk", None))
        if not problems and key in seen:
            problems["name"] = f"{name} is listed twice for {row.organisation.name}"
        seen.add(key)
        record = Attendance(
            meeting=meeting,
            person=row.person,
            name=name,
            organisation=row.organisation,
            status=row.status,
            substitute=substitute,
        )
        if not problems:
            try:
                record.full_clean(exclude=["meeting"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                problems = {f: " ".join(m) for f, m in error.message_dict.items()}
        for name_of_field, message in problems.items():
            errors.setdefault(row_error_key(index, name_of_field), []).append(message)
        records.append(record)
    if errors:
        raise ValidationError(errors)
    Attendance.objects.filter(meeting=meeting).delete()
    return Attendance.objects.bulk_create(records)


def _row_problems(meeting, row: AttendanceRow, name: str, substitute: str, allowed_people: set) -> dict:
    problems = {}
    if not name:
        problems["name"] = "Enter the person's name"
    if row.organisation is None:
        problems["organisation"] = "Choose the organisation they attend for"
    elif row.organisation.partnership_id != meeting.partnership_id:
        problems["organisation"] = "Choose an organisation of this partnership"
    if row.person is not None and row.person.pk not in allowed_people:
        problems["person"] = f"{name or 'This person'} is not an active member of the partnership"
    if row.status not in Attendance.Status.values:
        problems["status"] = (
            "Choose whether they were present, sent a substitute, sent apologies or were absent"
        )
    elif row.status == Attendance.Status.SUBSTITUTE and not substitute:
        problems["substitute"] = "Enter the name of the substitute"
    elif row.status != Attendance.Status.SUBSTITUTE and substitute:
        problems["substitute"] = "Name a substitute only when they sent one"
    return problems


# The attendance report.


@dataclass
class OrganisationAttendance:
    """One organisation's line of the report: how many of the period's meetings it attended and how."""

    organisation: Organisation
    meetings: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def present(self) -> int:
        return self.counts.get(Attendance.Status.PRESENT, 0)

    @property
    def substitute(self) -> int:
        return self.counts.get(Attendance.Status.SUBSTITUTE, 0)

    @property
    def apologies(self) -> int:
        return self.counts.get(Attendance.Status.APOLOGIES, 0)

    @property
    def absent(self) -> int:
        return self.counts.get(Attendance.Status.ABSENT, 0)

    @property
    def not_recorded(self) -> int:
        return self.meetings - sum(self.counts.values())


@dataclass
class AttendanceReport:
    starts_on: datetime.date
    ends_on: datetime.date
    body: Body | None
    meetings: int
    responsible_authorities: list[OrganisationAttendance]
    others: list[OrganisationAttendance]


def attendance_report(
    *, partnership, starts_on: datetime.date, ends_on: datetime.date, body: Body | None = None, today=None
) -> AttendanceReport:
    """For each organisation of the partnership, responsible authorities first: the meetings dated in the
    period (none after `today`, which are yet to be held), and how many it attended in person, by
    substitute, sent apologies to, was absent from or has no attendance recorded for. Each meeting counts
    once per organisation, by the best status of its people there. Three queries whatever the size."""
    meetings = Meeting.objects.filter(partnership=partnership, held_on__gte=starts_on, held_on__lte=ends_on)
    if today is not None:
        meetings = meetings.filter(held_on__lte=today)
    if body is not None:
        meetings = meetings.filter(body=body)
    meeting_count = meetings.count()
    best: dict[tuple[int, int], int] = {}
    rank = {status: n for n, status in enumerate(STATUS_ORDER)}
    for organisation_id, meeting_id, status in (
        Attendance.objects.filter(meeting__in=meetings.values("pk"))
        .values_list("organisation_id", "meeting_id", "status")
        .order_by()
        .distinct()
    ):
        key = (organisation_id, meeting_id)
        best[key] = min(best.get(key, len(STATUS_ORDER)), rank[status])
    counts: dict[int, dict[str, int]] = {}
    for (organisation_id, _meeting), n in best.items():
        status = STATUS_ORDER[n]
        per = counts.setdefault(organisation_id, {})
        per[status] = per.get(status, 0) + 1
    lines = [
        OrganisationAttendance(organisation, meeting_count, counts.get(organisation.pk, {}))
        for organisation in Organisation.objects.filter(partnership=partnership).order_by("name")
    ]
    return AttendanceReport(
        starts_on=starts_on,
        ends_on=ends_on,
        body=body,
        meetings=meeting_count,
        responsible_authorities=[line for line in lines if line.organisation.is_responsible_authority],
        others=[line for line in lines if not line.organisation.is_responsible_authority],
    )
