"""Administering the delivery plan: an action, a milestone, and the strategy that follows on."""

from crispy_forms_gds.layout import Button, Field
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation, User
from core.conflicts import VersionField
from core.forms import (
    GovukDateField,
    MemberChoiceField,
    MembersChoiceField,
    RecordsChoiceField,
    form_helper,
)
from core.limits import SHORT_TEXT_MAX_LENGTH, too_long_message
from core.timescales import Timescale, timescale_read
from delivery.models import Action, Milestone
from priorities.models import Strategy


class ActionForm(forms.ModelForm):
    """An action's details; the people and organisations to choose from are the partnership's own."""

    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Lead organisation",
        help_text="The agency that leads the action, as the plan names it.",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation that leads the action",
            "invalid_choice": "Choose an organisation of this partnership",
        },
    )
    lead_partners = RecordsChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Joint lead organisations (optional)",
        help_text="Where the plan names more than one lead agency.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose organisations of this partnership"},
    )
    owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Lead officer (optional)",
        help_text="The one person accountable for the action's returns: an active member of the "
        "partnership. Leave it empty where the plan names no one: the lead organisation's nominated "
        "contact then answers for it.",
        empty_label="No one named",
        error_messages={
            "required": "Choose the action's lead officer",
            "invalid_choice": "Choose an active member of this partnership as the lead officer",
        },
    )
    delegates = MembersChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Delegates (optional)",
        help_text="People who may update progress on the owner's behalf.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose active members of this partnership as delegates"},
    )
    partner_organisations = RecordsChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Partner organisations (optional)",
        help_text="Other agencies that contribute to the action.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose organisations of this partnership"},
    )
    starts_on = GovukDateField(
        name="start date", label="Start date (optional)", required=False, help_text="For example, 1 4 2027."
    )
    due = forms.CharField(
        label="Due",
        max_length=60,
        help_text="A date such as 31/03/2028, a month (March 2028), a quarter of a financial year "
        "(Q3 2027/28), a financial year (2027/28), a year (2028) or Ongoing, as the plan writes it.",
        error_messages={
            "required": "Enter when the action is due, or Ongoing",
            "max_length": "Write the timescale in 60 characters or fewer",
        },
    )
    due_revision_reason = forms.CharField(
        label="Why is the due date changing? (only if you change it)",
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="The board sees the date first agreed, the new one and this reason.",
        error_messages={"max_length": too_long_message("The reason", SHORT_TEXT_MAX_LENGTH)},
    )
    completed_on = GovukDateField(
        name="date completed",
        label="Date completed",
        required=False,
        help_text="Needed when the status is completed; left empty otherwise.",
    )
    version = VersionField()

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "lead_organisation",
            "lead_partners",
            "owner",
            "delegates",
            "partner_organisations",
            "starts_on",
            "status",
            "completed_on",
            "resources",
            "success_measure",
        ]
        labels = {
            "title": "Title",
            "description": "Description (optional)",
            "status": "Status",
            "resources": "Resources or funding (optional)",
            "success_measure": "Success measure (optional)",
        }
        error_messages = {
            "title": {
                "required": "Enter the action's title",
                "max_length": "The title must be 300 characters or fewer",
            },
            "status": {"required": "Choose the action's status"},
        }
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, partnership, button: str = "Save action", **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.members_of(partnership)
        self.fields["owner"].queryset = members
        self.fields["delegates"].queryset = members
        organisations = Organisation.objects.filter(partnership=partnership)
        for name in ("lead_organisation", "lead_partners", "partner_organisations"):
            self.fields[name].queryset = organisations
        self.is_revisable = self.instance.pk is not None
        if self.is_revisable:
            self.initial["due"] = self.instance.timescale
        else:
            del self.fields["due_revision_reason"]  # a new action's due date is the one first agreed
        self.helper = form_helper(
            Field.text("title"),
            Field.textarea("description", rows=4),
            Field.select("lead_organisation"),
            Field.checkboxes("lead_partners", small=True),
            Field.select("owner"),
            Field.checkboxes("delegates", small=True),
            Field.checkboxes("partner_organisations", small=True),
            Field("starts_on"),
            Field.text("due", field_width=20),
            *([Field.textarea("due_revision_reason", rows=3)] if self.is_revisable else []),
            Field.radios("status", small=True),
            Field("completed_on"),
            Field.textarea("resources", rows=3),
            Field.textarea("success_measure", rows=3),
            "version",
            Button("save", button),
        )

    def clean_due(self) -> Timescale:
        try:
            return timescale_read(self.cleaned_data["due"])
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        starts_on, due = cleaned.get("starts_on"), cleaned.get("due")
        if starts_on and due and due.ends_on and starts_on > due.ends_on:
            self.add_error("due", "The due date must be the same as or after the start date")
        if self.is_revisable and due and "due_revision_reason" in cleaned:
            moved, reason = due.ends_on != self.instance.due_on, cleaned["due_revision_reason"].strip()
            if moved and not reason:
                self.add_error("due_revision_reason", "Say why the due date is changing")
            elif reason and not moved:
                self.add_error(
                    "due_revision_reason",
                    "The due date has not changed: change it, or clear the reason",
                )
        owner = cleaned.get("owner")
        if owner is not None and owner in cleaned.get("delegates", []):
            self.add_error(
                "delegates", "The owner can already update the action: do not make them a delegate too"
            )
        if cleaned.get("status") == Action.Status.COMPLETED:
            completed_on = cleaned.get("completed_on")
            if completed_on is None and "completed_on" not in self.errors:
                self.add_error("completed_on", "Enter the date the action was completed")
            elif completed_on is not None and completed_on > timezone.localdate():
                self.add_error("completed_on", "The date completed must be today or in the past")
        elif "status" in cleaned:
            # Only a completed action has a completion date (the database insists), so clear it.
            self.errors.pop("completed_on", None)
            cleaned["completed_on"] = None
        return cleaned

    @property
    def action_data(self) -> dict:
        """The action's fields as entered, ready for `action_create` or `action_update`."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        due = self.cleaned_data["due"]
        data.update(due_on=due.ends_on, due_timescale=due.written)
        if self.is_revisable:
            data["due_revision_reason"] = self.cleaned_data["due_revision_reason"]
        return data


class MilestoneForm(forms.ModelForm):
    """A milestone of an action: what, by when, and when it was done."""

    due_on = GovukDateField(name="due date", label="Due date", help_text="For example, 30 9 2027.")
    completed_on = GovukDateField(
        name="date completed",
        label="Date completed (optional)",
        required=False,
        help_text="Leave empty until the milestone is done.",
    )
    version = VersionField()

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "completed_on"]
        labels = {"title": "Milestone"}
        error_messages = {
            "title": {
                "required": "Enter the milestone",
                "max_length": "The milestone must be 300 characters or fewer",
            }
        }

    def __init__(self, *args, button: str = "Save milestone", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title"), Field("due_on"), Field("completed_on"), "version", Button("save", button)
        )

    @property
    def milestone_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "due_on", "completed_on")}


class StrategyStartNextForm(forms.Form):
    """The title and dates of the strategy that follows on from another."""

    title = forms.CharField(
        label="Title of the new strategy",
        max_length=200,
        help_text="For example, Community Safety Strategy 2027-30.",
        error_messages={
            "required": "Enter the title of the new strategy",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    starts_on = GovukDateField(name="start date", label="Start date", help_text="For example, 1 4 2027.")
    ends_on = GovukDateField(name="end date", label="End date", help_text="For example, 31 3 2030.")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.helper = form_helper(
            Field.text("title"),
            Field("starts_on"),
            Field("ends_on"),
            Button("start", "Start the new strategy"),
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if Strategy.objects.for_partnership(self.partnership).filter(title__iexact=title).exists():
            raise ValidationError(f"A strategy called “{title}” already exists: choose another title")
        return title

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "The end date must be after the start date")
        return cleaned
