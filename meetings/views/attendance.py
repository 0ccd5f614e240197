"""Recording who attended a meeting (administrators) and the attendance report (every member)."""

import csv
import datetime
import io

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from accounts.models import Membership
from accounts.tenancy import PartnershipMixin
from core.conflicts import VERSION_FIELD, EditConflict, EditConflictMixin
from core.csv_cell import csv_cell
from core.dates import long_date
from core.forms import GovukDateField, form_helper
from core.text import count_of
from meetings.forms.attendance import AttendanceForm
from meetings.models import Attendance, Body
from meetings.services.attendance import attendance_record, attendance_report, attendance_version
from meetings.views import MeetingInUrlMixin


class AttendanceRecordView(MeetingInUrlMixin, PartnershipMixin, EditConflictMixin, FormView):
    """Record the meeting's attendance: a row for each active member, and anyone else who was expected.

    Stale forms are refused through core.conflicts: the form carries `attendance_version` (how many rows,
    and when the newest was saved) and the service refuses with EditConflict if it has changed."""

    template_name = "meetings/attendance_form.html"
    form_class = AttendanceForm
    nav_section = "meetings"
    permission_required = "meetings.manage_meetings"
    conflict_message = "{who} recorded this meeting's attendance at {when}, after you opened this page."

    @cached_property
    def recorded(self) -> list[Attendance]:
        return list(
            Attendance.objects.filter(meeting=self.meeting)
            .select_related("organisation", "person")
            .order_by("organisation__name", "name", "pk")
        )

    def edited_record(self):
        return None  # the version is the attendance's as a whole: see get_initial and versions_now

    def get_initial(self):
        return {VERSION_FIELD: attendance_version(self.meeting, recorded=self.recorded)}

    def versions_now(self, saved):
        return {VERSION_FIELD: attendance_version(self.meeting)}

    def conflict_differences(self, form, saved):
        return []

    def get_form_kwargs(self):
        memberships = list(
            Membership.objects.for_partnership(self.partnership)
            .active()
            .select_related("user", "organisation")
        )
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "memberships": memberships,
            "recorded": self.recorded,
        }

    def form_valid(self, form):
        try:
            saved = attendance_record(
                meeting=self.meeting,
                rows=form.rows_to_record,
                by=self.request.user,
                version=form.cleaned_data[VERSION_FIELD],
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            form.add_row_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, f"Attendance recorded: {count_of(len(saved), 'person', 'people')}.")
        return redirect(f"{self.meeting.get_absolute_url()}#attendance")

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


class ReportPeriodForm(forms.Form):
    """The period and board or group of the attendance report, from the address (GET)."""

    starts_on = GovukDateField(label="From", name="start of the period", help_text="For example, 1 4 2026")
    ends_on = GovukDateField(label="To", name="end of the period", help_text="For example, 31 3 2027")
    body = forms.ChoiceField(label="Board or group", required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {str(body.pk): body for body in bodies}
        self.fields["body"].choices = [("", "All boards and groups")] + [
            (pk, body.name) for pk, body in self.bodies.items()
        ]
        self.fields["body"].error_messages["invalid_choice"] = "Choose a board or group of this partnership"
        self.helper = form_helper(
            Field("starts_on"),
            Field("ends_on"),
            Field.select("body"),
            fields_only=True,
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and starts_on > ends_on:
            self.add_error("ends_on", "The end of the period must be the same as or after its start")
        return cleaned

    @property
    def chosen_body(self) -> Body | None:
        return self.bodies.get(self.cleaned_data.get("body") or "")


def a_year_before(day: datetime.date) -> datetime.date:
    """The day after the same date a year earlier: the start of the 12 months that end on `day`."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + datetime.timedelta(days=1)


class AttendanceReportView(PartnershipMixin, TemplateView):
    """For each responsible authority and then each other organisation: how it attended the meetings of a
    period, by default the last 12 months; `?format=csv` downloads the same table."""

    template_name = "meetings/attendance_report.html"
    nav_section = "meetings"
    PARAMETERS = ("starts_on_0", "starts_on_1", "starts_on_2", "ends_on_0", "ends_on_1", "ends_on_2", "body")

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        bodies = list(Body.objects.filter(partnership=self.partnership).order_by("name"))
        chosen = any(name in request.GET for name in self.PARAMETERS)
        if chosen:
            form = ReportPeriodForm(request.GET, bodies=bodies)
        else:
            start = a_year_before(today)
            form = ReportPeriodForm(
                {
                    "starts_on_0": start.day,
                    "starts_on_1": start.month,
                    "starts_on_2": start.year,
                    "ends_on_0": today.day,
                    "ends_on_1": today.month,
                    "ends_on_2": today.year,
                },
                bodies=bodies,
            )
        report = None
        if form.is_valid():
            report = attendance_report(
                partnership=self.partnership,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                body=form.chosen_body,
                today=today,
            )
            if request.GET.get("format") == "csv":
                return self.csv(report)
        context = self.get_context_data(form=form, report=report, **kwargs)
        return self.render_to_response(context)

    def csv(self, report) -> HttpResponse:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "Organisation",
                "Responsible authority",
                "Meetings held",
                "Attended in person",
                "By substitute",
                "Apologies",
                "Absent",
                "Not recorded",
            ]
        )
        for line in report.responsible_authorities + report.others:
            writer.writerow(
                [
                    csv_cell(line.organisation.name),
                    "Yes" if line.organisation.is_responsible_authority else "No",
                    line.meetings,
                    line.present,
                    line.substitute,
                    line.apologies,
                    line.absent,
                    line.not_recorded,
                ]
            )
        name = f"{self.partnership.slug}-attendance-{report.starts_on.isoformat()}-to-{report.ends_on.isoformat()}.csv"
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_context_data(self, **kwargs):
        report = kwargs.get("report")
        csv_query = self.request.GET.copy()
        csv_query["format"] = "csv"
        return super().get_context_data(
            period_words=(
                f"{long_date(report.starts_on)} to {long_date(report.ends_on)}" if report is not None else ""
            ),
            csv_query=csv_query.urlencode(),
            report_sections=(
                [
                    ("Responsible authorities", report.responsible_authorities),
                    ("Other organisations", report.others),
                ]
                if report is not None
                else []
            ),
            **kwargs,
        )
