"""The attendance form: one row per active member, a row per other person already recorded, and a few
empty rows for people who have no account."""

from dataclasses import dataclass

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html

from accounts.models import Organisation
from core.conflicts import VERSION_FIELD, VersionField
from core.forms import LoadedChoiceField, form_helper
from meetings.models import Attendance
from meetings.services.attendance import AttendanceRow, row_error_key

NAME_MAX_LENGTH = Attendance._meta.get_field("name").max_length
SUBSTITUTE_MAX_LENGTH = Attendance._meta.get_field("substitute").max_length
NEW_ROWS = 3
NOT_RECORDED = ""


@dataclass
class RowSpec:
    """A row of the form: its field-name prefix and who it is about."""

    prefix: str
    kind: str  # "member", "recorded" (someone else already recorded) or "new"
    name: str = ""
    organisation: Organisation | None = None
    person: object = None


def status_choices(*, with_not_recorded: bool) -> list:
    choices = [
        Choice(Attendance.Status.PRESENT, "Present"),
        Choice(Attendance.Status.SUBSTITUTE, "Sent a substitute"),
        Choice(Attendance.Status.APOLOGIES, "Apologies"),
        Choice(Attendance.Status.ABSENT, "Absent"),
    ]
    if with_not_recorded:
        choices.insert(0, Choice(NOT_RECORDED, "Not recorded"))
    return choices


class AttendanceForm(forms.Form):
    """Who attended a meeting. `memberships` are the partnership's active members (with user and
    organisation); `recorded` the meeting's attendance as saved."""

    version = VersionField()

    def __init__(self, *args, partnership, memberships, recorded, **kwargs):
        super().__init__(*args, **kwargs)
        # Loaded once: every open row's drop-down draws from this list.
        self.organisations = list(Organisation.objects.filter(partnership=partnership).order_by("name"))
        recorded = list(recorded)
        by_person = {}
        for attendance in recorded:
            if attendance.person_id is not None and attendance.person_id not in by_person:
                by_person[attendance.person_id] = attendance
        members = {membership.user_id for membership in memberships}
        self.rows: list[RowSpec] = []
        groups: dict[str, list] = {}
        for membership in sorted(memberships, key=lambda m: (m.organisation.name, str(m.user))):
            saved = by_person.get(membership.user_id)
            spec = RowSpec(
                prefix=f"member-{membership.user_id}",
                kind="member",
                name=saved.name if saved else str(membership.user),
                organisation=saved.organisation if saved else membership.organisation,
                person=membership.user,
            )
            self._member_fields(spec, saved)
            self.rows.append(spec)
            groups.setdefault(spec.organisation.name, []).append(spec)
        layout = [
            Fieldset(
                *[part for spec in specs for part in self._member_layout(spec)],
                legend=escape(name),
                legend_size=Size.MEDIUM,
            )
            for name, specs in groups.items()
        ]
        others = [a for a in recorded if a.person_id not in members or by_person.get(a.person_id) is not a]
        for attendance in others:
            spec = RowSpec(
                prefix=f"recorded-{attendance.pk}",
                kind="recorded",
                name=attendance.name,
                organisation=attendance.organisation,
                person=attendance.person,
            )
            self._open_fields(spec, attendance)
            self.rows.append(spec)
            layout.append(
                Fieldset(
                    *self._open_layout(spec),
                    legend=format_html("{}, {}", attendance.name, attendance.organisation.name),
                    legend_size=Size.MEDIUM,
                )
            )
        for n in range(1, NEW_ROWS + 1):
            spec = RowSpec(prefix=f"new-{n}", kind="new")
            self._open_fields(spec, None)
            self.rows.append(spec)
            layout.append(
                Fieldset(
                    *self._open_layout(spec),
                    legend=f"Someone else who was expected ({n} of {NEW_ROWS}, optional)",
                    legend_size=Size.MEDIUM,
                )
            )
        layout.append("version")
        self.helper = form_helper(*layout, fields_only=True)

    # Fields.

    def _status_field(self, spec, *, label, with_not_recorded):
        return forms.ChoiceField(
            label=label,
            required=False,
            widget=forms.RadioSelect,
            choices=status_choices(with_not_recorded=with_not_recorded),
        )

    def _substitute_field(self, label):
        return forms.CharField(
            label=label,
            required=False,
            max_length=SUBSTITUTE_MAX_LENGTH,
            error_messages={
                "max_length": f"The substitute's name must be {SUBSTITUTE_MAX_LENGTH} characters or fewer"
            },
        )

    def _member_fields(self, spec, saved):
        self.fields[f"{spec.prefix}-status"] = self._status_field(
            spec, label=format_html("{} – attendance", spec.name), with_not_recorded=True
        )
        self.fields[f"{spec.prefix}-substitute"] = self._substitute_field(
            format_html("Who came in place of {} (only if they sent a substitute)", spec.name)
        )
        self.initial.setdefault(f"{spec.prefix}-status", saved.status if saved else NOT_RECORDED)
        self.initial.setdefault(f"{spec.prefix}-substitute", saved.substitute if saved else "")

    def _member_layout(self, spec):
        return [
            Field.radios(f"{spec.prefix}-status", inline=True, small=True, legend_size=Size.SMALL),
            Field.text(f"{spec.prefix}-substitute", field_width=Fluid.TWO_THIRDS),
        ]

    def _open_fields(self, spec, saved):
        self.fields[f"{spec.prefix}-name"] = forms.CharField(
            label="Name and role as minuted",
            help_text="For example, Superintendent Baldock.",
            required=False,
            max_length=NAME_MAX_LENGTH,
            error_messages={"max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer"},
        )
        self.fields[f"{spec.prefix}-organisation"] = LoadedChoiceField(
            label="Organisation they attend for",
            records=self.organisations,
            required=False,
            empty_label="Choose an organisation",
            error_messages={"invalid_choice": "Choose an organisation of this partnership"},
        )
        self.fields[f"{spec.prefix}-status"] = self._status_field(
            spec,
            label="Attendance",
            with_not_recorded=spec.kind == "recorded",
        )
        self.fields[f"{spec.prefix}-substitute"] = self._substitute_field(
            "Who came in their place (only if they sent a substitute)"
        )
        if saved is not None:
            self.initial.setdefault(f"{spec.prefix}-name", saved.name)
            self.initial.setdefault(f"{spec.prefix}-organisation", saved.organisation_id)
            self.initial.setdefault(f"{spec.prefix}-status", saved.status)
            self.initial.setdefault(f"{spec.prefix}-substitute", saved.substitute)

    def _open_layout(self, spec):
        return [
            Field.text(f"{spec.prefix}-name", field_width=Fluid.TWO_THIRDS),
            Field.select(f"{spec.prefix}-organisation"),
            Field.radios(f"{spec.prefix}-status", inline=True, small=True, legend_size=Size.SMALL),
            Field.text(f"{spec.prefix}-substitute", field_width=Fluid.TWO_THIRDS),
        ]

    # Answers.

    def clean(self):
        cleaned = super().clean()
        self.attendance_rows: list[tuple[RowSpec, AttendanceRow]] = []
        if VERSION_FIELD not in self.data:  # a request not sent from this page: which version is unknown
            raise ValidationError("Open the attendance page again and record the attendance there")
        for spec in self.rows:
            value = {part: cleaned.get(f"{spec.prefix}-{part}") for part in ("name", "organisation")}
            status = cleaned.get(f"{spec.prefix}-status") or NOT_RECORDED
            substitute = (cleaned.get(f"{spec.prefix}-substitute") or "").strip()
            who = spec.name or "them"
            if status == Attendance.Status.SUBSTITUTE and not substitute:
                self.add_error(f"{spec.prefix}-substitute", f"Enter who came in place of {who}")
            elif substitute and status != Attendance.Status.SUBSTITUTE:
                self.add_error(
                    f"{spec.prefix}-substitute", f"Name a substitute for {who} only when they sent one"
                )
            if spec.kind == "member":
                if status == NOT_RECORDED:
                    continue
                row = AttendanceRow(
                    name=spec.name,
                    organisation=spec.organisation,
                    status=status,
                    substitute=substitute,
                    person=spec.person,
                )
            else:
                name = (value["name"] or "").strip()
                if spec.kind == "new" and not (name or value["organisation"] or status or substitute):
                    continue  # an empty row
                if spec.kind == "recorded" and status == NOT_RECORDED:
                    continue  # removed
                if not name and f"{spec.prefix}-name" not in self.errors:
                    self.add_error(f"{spec.prefix}-name", "Enter the name of someone else who was expected")
                if value["organisation"] is None and f"{spec.prefix}-organisation" not in self.errors:
                    self.add_error(
                        f"{spec.prefix}-organisation",
                        f"Choose the organisation {name} attends for"
                        if name
                        else "Choose the organisation they attend for",
                    )
                if not status:
                    self.add_error(
                        f"{spec.prefix}-status",
                        f"Choose {name}'s attendance" if name else "Choose their attendance",
                    )
                row = AttendanceRow(
                    name=name,
                    organisation=value["organisation"],
                    status=status,
                    substitute=substitute,
                    person=spec.person,
                )
            self.attendance_rows.append((spec, row))
        return cleaned

    @property
    def rows_to_record(self) -> list[AttendanceRow]:
        return [row for _spec, row in self.attendance_rows]

    def add_row_errors(self, error: ValidationError) -> None:
        """Show the service's errors (keyed `row_error_key(index, field)`) beside each row's fields."""
        keys = {}
        for index, (spec, _row) in enumerate(self.attendance_rows):
            for part in ("name", "organisation", "person", "status", "substitute"):
                own = f"{spec.prefix}-{part}"
                keys[row_error_key(index, part)] = own if own in self.fields else f"{spec.prefix}-status"
        for key, messages in error.message_dict.items():
            self.add_error(keys.get(key), messages)
