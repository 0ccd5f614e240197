"""Forms for the partnership's bodies (the board and its sub-groups) and their meetings."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from accounts.models import User
from core.conflicts import VersionField
from core.forms import GovukDateField, MemberChoiceField, form_helper
from meetings.forms import MeetingChoiceField
from meetings.models import Body, Meeting
from meetings.services.meetings import BODY_FIELDS, MEETING_FIELDS

STATUS_HINTS = {
    Meeting.Status.SCHEDULED: "The meeting has not happened yet.",
    Meeting.Status.HELD: "The meeting has happened; no minutes yet.",
    Meeting.Status.MINUTES_DRAFT: "The minutes are written but not yet approved.",
    Meeting.Status.MINUTES_APPROVED: "A later meeting of the same board or group approved the minutes.",
}


class BodyForm(forms.ModelForm):
    version = VersionField()
    chair = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Chair (optional)",
        empty_label="Not chosen yet",
        error_messages={"invalid_choice": "Choose an active member of this partnership"},
    )
    vice_chair = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Vice-chair (optional)",
        empty_label="Not chosen yet",
        error_messages={"invalid_choice": "Choose an active member of this partnership"},
    )

    class Meta:
        model = Body
        fields = list(BODY_FIELDS)
        labels = {"name": "Name"}
        error_messages = {
            "name": {
                "required": "Enter the name of the board or group",
                "max_length": "The name must be 200 characters or fewer",
            }
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.members_of(partnership)
        self.fields["chair"].queryset = members
        self.fields["vice_chair"].queryset = members
        self.helper = form_helper(
            Field.text("name"), Field.select("chair"), Field.select("vice_chair"), "version", fields_only=True
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    @property
    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in BODY_FIELDS}


class MeetingForm(forms.ModelForm):
    version = VersionField()
    held_on = GovukDateField(label="Date", name="date of the meeting", help_text="For example, 29 2 2024")
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="In 24-hour time, for example 14:30",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"invalid": "Enter the start time in 24-hour time, like 09:30 or 14:30"},
    )
    minutes_approved_at = MeetingChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Minutes approved at (only when the minutes are approved)",
        empty_label="Not approved yet",
        help_text="The later meeting of the same board or group that approved these minutes.",
        error_messages={"invalid_choice": "Choose a meeting of this partnership"},
    )

    class Meta:
        model = Meeting
        fields = list(MEETING_FIELDS)
        labels = {
            "body": "Board or group",
            "title": "Title",
            "location": "Place (optional)",
            "is_virtual": "Held virtually",
            "status": "Status",
        }
        help_texts = {"title": "For example, Safer Bromley Partnership Board."}
        widgets = {"status": forms.RadioSelect}
        error_messages = {
            "body": {
                "required": "Choose the board or group that meets",
                "invalid_choice": "Choose a board or group of this partnership",
            },
            "title": {
                "required": "Enter the meeting's title",
                "max_length": "The title must be 200 characters or fewer",
            },
            "location": {"max_length": "The place must be 200 characters or fewer"},
            "status": {"required": "Choose the meeting's status", "invalid_choice": "Choose a status"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(partnership=partnership).order_by("name")
        self.fields["body"].empty_label = "Choose a board or group"
        self.fields["is_virtual"].label = "It is held virtually (online)"
        self.fields["is_virtual"].help_text = "Give a place as well if some people meet in person."
        others = Meeting.objects.filter(partnership=partnership).select_related("body").order_by("-held_on")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["minutes_approved_at"].queryset = others
        self.fields["status"].choices = [
            Choice(value, label, hint=STATUS_HINTS[value]) for value, label in Meeting.Status.choices
        ]
        self.helper = form_helper(
            Field.select("body"),
            Field.text("title"),
            Field("held_on"),
            Field.text("starts_at", field_width=Fixed.FIVE),
            Field.text("location"),
            Field.checkbox("is_virtual", small=True),
            Field.radios("status", legend_size=Size.SMALL),
            Field.select("minutes_approved_at"),
            "version",
            fields_only=True,
        )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_location(self):
        return " ".join(self.cleaned_data["location"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Meeting.Status.MINUTES_APPROVED:
            already_so = self.instance.pk and self.instance.status == Meeting.Status.MINUTES_APPROVED
            already_so = already_so and self.instance.minutes_approved_at_id is None
            if not (cleaned.get("minutes_approved_at") or already_so or "minutes_approved_at" in self.errors):
                self.add_error("minutes_approved_at", "Choose the meeting that approved the minutes")
        elif "minutes_approved_at" in cleaned:
            cleaned["minutes_approved_at"] = None
        return cleaned

    @property
    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEETING_FIELDS}
