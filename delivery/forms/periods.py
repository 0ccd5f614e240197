"""Reporting periods' forms: a financial year's quarters, opening, locking and unlocking, the deadline."""

from crispy_forms_gds.layout import Button, Field, Fixed
from django import forms
from django.core.exceptions import ValidationError

from core.conflicts import VersionField
from core.dates import long_date
from core.forms import GovukDateField, form_helper
from delivery.models import ReportingPeriod


class ReportingPeriodYearForm(forms.Form):
    """A financial year to add as four quarterly reporting periods."""

    year = forms.IntegerField(
        label="Financial year",
        help_text="The year it starts in April: for example, 2027 for April 2027 to March 2028.",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the year the financial year starts",
            "invalid": "Enter the year as 4 digits, for example 2027",
            "min_value": "Enter a year from 2000 to 2100",
            "max_value": "Enter a year from 2000 to 2100",
        },
    )
    days_to_deadline = forms.IntegerField(
        label="How many days after each quarter ends are updates due?",
        help_text="For example, 30: updates for April to June are then due by 30 July.",
        initial=30,
        min_value=0,
        max_value=365,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter how many days after each quarter ends updates are due",
            "invalid": "Enter the number of days as a whole number, for example 30",
            "min_value": "Enter 0 or more days",
            "max_value": "Enter 365 days or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("year", field_width=Fixed.FOUR),
            Field.text("days_to_deadline", field_width=Fixed.THREE),
            Button("add", "Add the four quarters"),
        )


class ReportingPeriodTransitionForm(forms.Form):
    """Confirm opening, locking or unlocking a reporting period, with the reason for the record."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=100)

    def __init__(self, *args, reason_required: bool, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = reason_required
        field.label = "Why is the period being unlocked?" if reason_required else "Reason (optional)"
        field.help_text = "Kept in the period's history. At most 100 characters."
        field.error_messages = {
            **field.error_messages,
            "required": "Say why the period is being unlocked",
            "max_length": "The reason must be 100 characters or fewer",
        }
        self.helper = form_helper(Field.textarea("reason"), Button("confirm", button))


class ReportingPeriodDeadlineForm(forms.ModelForm):
    """Change the date by which a reporting period's progress updates are due."""

    update_deadline = GovukDateField(
        name="update deadline", label="Update deadline", help_text="For example, 30 7 2027."
    )
    version = VersionField()

    class Meta:
        model = ReportingPeriod
        fields = ["update_deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("update_deadline"), "version", Button("save", "Save deadline"))

    def clean_update_deadline(self):
        deadline = self.cleaned_data["update_deadline"]
        if deadline < self.instance.starts_on:
            raise ValidationError(
                f"The update deadline must be on or after the day the period starts, "
                f"{long_date(self.instance.starts_on)}"
            )
        return deadline
