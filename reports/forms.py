from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from accounts.models import Partnership, User
from core.forms import MemberChoiceField, form_helper
from delivery.models import ReportingPeriod
from meetings.models import AgendaItem, Meeting
from reports.activity_kinds import KIND_CHOICES
from reports.exceptions import BOARD_RULES, RULES
from reports.models import ExceptionRule


class PublishForm(forms.Form):
    """Choose the meeting an exception report for a period is published to."""

    period = forms.ModelChoiceField(queryset=ReportingPeriod.objects.none(), widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Meeting",
        empty_label="Choose a meeting",
        help_text="The report is frozen as it stands now and filed with this meeting's papers.",
        error_messages={
            "required": "Choose the meeting to publish to",
            "invalid_choice": "Choose a meeting of this partnership",
        },
    )
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        label="Agenda item (optional)",
        required=False,
        empty_label="No agenda item",
        help_text="The item of the chosen meeting that takes the report, printed on the board paper's cover.",
        error_messages={"invalid_choice": "Choose an agenda item of this partnership's meetings"},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(partnership=partnership)
        self.fields["period"].queryset = ReportingPeriod.objects.for_partnership(partnership)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(
            meeting__partnership=partnership
        ).select_related("meeting")
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.meeting}: item {item.order}, {item.title}"
        )
        self.helper = form_helper(
            Field.select("meeting"),
            Field.select("agenda_item"),
            "period",
            Button("publish", "Publish to meeting"),
            fields_only=True,
        )

    def clean(self):
        cleaned = super().clean()
        meeting, item = cleaned.get("meeting"), cleaned.get("agenda_item")
        if meeting is not None and item is not None and item.meeting_id != meeting.pk:
            self.add_error("agenda_item", "Choose an agenda item of the meeting the report goes to")
        return cleaned


# What each rule that is not about actions adds to the report, as the rules page says it.
BOARD_RULE_HINTS = {
    ExceptionRule.INDICATOR_OFF_TARGET: "Adds a section listing the strategy's performance indicators whose "
    "latest value for the period is off target (beyond its tolerance), with the value, the target and "
    "the direction of travel.",
    ExceptionRule.RISK_ABOVE_TOLERANCE: "Adds the risk register as it was last released to the board: its "
    "heat map, and the open risks that are high, above the partnership's tolerance or rising since the "
    "release before. A register still in preparation is never shown.",
}


class ExceptionRulesForm(forms.Form):
    """The exception rules switched on: those that report an action, and those that add a section."""

    rules = forms.MultipleChoiceField(
        label="Report an action by exception when",
        choices=[(rule.value, rule.label) for rule in ExceptionRule if rule in RULES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Actions that meet none of the rules chosen are counted as on track.",
    )
    board_rules = forms.MultipleChoiceField(
        label="Also report to the board when",
        choices=[Choice(rule.value, rule.label, hint=BOARD_RULE_HINTS[rule]) for rule in BOARD_RULES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each adds a section of its own to the exception report and the board paper.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.checkboxes("rules", legend_size=Size.MEDIUM),
            Field.checkboxes("board_rules", legend_size=Size.MEDIUM),
            Button("save", "Save rules"),
        )

    def enabled(self) -> set[str]:
        """Every rule chosen, of either kind."""
        return {*self.cleaned_data["rules"], *self.cleaned_data["board_rules"]}


class ActivityFilterForm(forms.Form):
    """The activity page's filters, read from the address so that a filtered list can be shared."""

    DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]

    kind = forms.MultipleChoiceField(
        label="What changed",
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the kinds of thing listed"},
    )
    person = MemberChoiceField(
        label="Changed by",
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": "Choose a member of this partnership"},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "The ‘from’ date must be a real date, for example 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "The ‘to’ date must be a real date, for example 27/3/2026"},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.members_of(partnership, active_only=False)
        self.helper = form_helper(
            Field.checkboxes("kind", legend_size=Size.SMALL, small=True),
            Field.select("person"),
            Field.text("date_from", field_width=10),
            Field.text("date_to", field_width=10),
            fields_only=True,
        )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned
