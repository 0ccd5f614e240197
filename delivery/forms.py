from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Fieldset, Fixed, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Membership, Organisation, StatusRating, User
from core.forms import GovukDateField, RecordsChoiceField
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from delivery.services import UPDATE_FIELDS
from priorities.models import Strategy


class ProgressUpdateForm(forms.ModelForm):
    """An action's progress update for a period, with its open milestones' completion dates."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ProgressUpdate
        fields = UPDATE_FIELDS
        labels = {
            "rating": "Status rating",
            "percent_complete": "How complete is the action?",
            "narrative": "Progress this period",
            "issues_and_risks": "Issues and risks",
            "board_ask": "Board ask (optional)",
            "is_exceptional_performance": "Flag as exceptional performance",
            "exceptional_performance_reason": "Why is the performance exceptional?",
        }
        help_texts = {
            "percent_complete": "A whole number from 0 to 100.",
            "narrative": "What has been done since the last update.",
            "issues_and_risks": "Anything that could stop the action achieving its outcome or date.",
            "board_ask": "What the board is asked to decide or provide. Leave empty if nothing.",
            "exceptional_performance_reason": "Needed when you flag exceptional performance.",
        }
        error_messages = {
            "rating": {"required": "Choose a status rating"},
            "percent_complete": {
                "required": "Enter how complete the action is, from 0 to 100",
                "invalid": "Enter how complete the action is as a whole number, from 0 to 100",
                "max_value": "Per cent complete must be 100 or less",
                "min_value": "Per cent complete must be 0 or more",
            },
        }
        widgets = {"rating": forms.RadioSelect, "percent_complete": forms.TextInput}

    def __init__(self, *args, ratings: list[StatusRating], milestones, can_save_draft: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [
            Choice(r.rating, r.get_rating_display(), hint=r.meaning) for r in ratings
        ]
        self.fields["percent_complete"].widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[self.milestone_field(milestone)] = GovukDateField(
                name="date it was completed",
                label=f"{milestone.title} (due {milestone.due_on:%-d %B %Y})",
                required=False,
                help_text="The date it was completed, for example 27 3 2025. Leave empty if not yet.",
                initial=milestone.completed_on,
            )
        buttons = [Button("submit", "Submit update")]
        if can_save_draft:
            buttons.append(Button.secondary("save_draft", "Save draft"))
        buttons = Div(*buttons, css_class="govuk-button-group")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form carries the token
        self.helper.layout = Layout(
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.text("percent_complete", field_width=Fixed.THREE),
            Field.textarea("narrative", rows=6),
            Field.textarea("issues_and_risks", rows=4),
            Field.textarea("mitigation", rows=4),
            Field.textarea("board_ask", rows=3),
            Field.checkbox("is_exceptional_performance"),
            Field.textarea("exceptional_performance_reason", rows=3),
            *(
                [
                    Fieldset(
                        *[Field(self.milestone_field(m)) for m in self.milestones],
                        legend="Milestones",
                        legend_size=Size.MEDIUM,
                    )
                ]
                if self.milestones
                else []
            ),
            "version",
            buttons,
        )

    @staticmethod
    def milestone_field(milestone) -> str:
        return f"milestone_{milestone.pk}"

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for milestone in self.milestones:
            completed_on = cleaned.get(self.milestone_field(milestone))
            if completed_on and completed_on > today:
                self.add_error(
                    self.milestone_field(milestone), "The completion date must be today or in the past"
                )
        return cleaned

    @property
    def milestones_completed(self):
        return {m.pk: self.cleaned_data.get(self.milestone_field(m)) for m in self.milestones}

    @property
    def update_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in UPDATE_FIELDS}


class ActionReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why is the action being reopened?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=90,  # kept in the history's change reason (100 characters) after "Reopened: "
        help_text="Kept in the action's history. At most 90 characters.",
        error_messages={
            "required": "Say why the action is being reopened",
            "max_length": "The reason must be 90 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("reason"), Button("reopen", "Reopen action"))


class DelegateAddForm(forms.Form):
    delegate = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Add a delegate",
        help_text="A member of the partnership who may update this action's progress for you.",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose a person to add",
            "invalid_choice": "Choose a member of this partnership",
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = candidates
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.select("delegate"), Button("add", "Add delegate"))


# Partnership administration -----------------------------------------------------------------------


def _partnership_members(partnership):
    """The partnership's active members, each labelled with the organisation they represent."""
    organisation = Membership.objects.filter(user=OuterRef("pk"), partnership=partnership).values(
        "organisation__short_name"
    )
    return (
        User.objects.filter(memberships__partnership=partnership, memberships__is_active=True)
        .annotate(organisation_short_name=Subquery(organisation[:1]))
        .order_by("first_name", "last_name", "pk")
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}, {obj.organisation_short_name}" if obj.organisation_short_name else str(obj)


class MembersChoiceField(RecordsChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}, {obj.organisation_short_name}" if obj.organisation_short_name else str(obj)


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
        self.helper = FormHelper()
        self.helper.layout = Layout(
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
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("reason"), Button("confirm", button))


class ReportingPeriodDeadlineForm(forms.ModelForm):
    """Change the date by which a reporting period's progress updates are due."""

    update_deadline = GovukDateField(
        name="update deadline", label="Update deadline", help_text="For example, 30 7 2027."
    )

    class Meta:
        model = ReportingPeriod
        fields = ["update_deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("update_deadline"), Button("save", "Save deadline"))

    def clean_update_deadline(self):
        deadline = self.cleaned_data["update_deadline"]
        if deadline < self.instance.starts_on:
            raise ValidationError(
                f"The update deadline must be on or after the day the period starts, "
                f"{self.instance.starts_on:%-d %B %Y}"
            )
        return deadline


class ActionForm(forms.ModelForm):
    """An action's details; the people and organisations to choose from are the partnership's own."""

    owner = MemberChoiceField(
        queryset=User.objects.none(),
        label="Owner",
        help_text="The one person accountable for the action: an active member of the partnership.",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the action's owner",
            "invalid_choice": "Choose an active member of this partnership as the owner",
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
    starts_on = GovukDateField(name="start date", label="Start date", help_text="For example, 1 4 2027.")
    due_on = GovukDateField(name="due date", label="Due date", help_text="For example, 31 3 2028.")
    completed_on = GovukDateField(
        name="date completed",
        label="Date completed",
        required=False,
        help_text="Needed when the status is completed; left empty otherwise.",
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner",
            "delegates",
            "partner_organisations",
            "starts_on",
            "due_on",
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
        members = _partnership_members(partnership)
        self.fields["owner"].queryset = members
        self.fields["delegates"].queryset = members
        self.fields["partner_organisations"].queryset = Organisation.objects.filter(partnership=partnership)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("description", rows=4),
            Field.select("owner"),
            Field.checkboxes("delegates", small=True),
            Field.checkboxes("partner_organisations", small=True),
            Field("starts_on"),
            Field("due_on"),
            Field.radios("status", small=True),
            Field("completed_on"),
            Field.textarea("resources", rows=3),
            Field.textarea("success_measure", rows=3),
            "version",
            Button("save", button),
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, due_on = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts_on and due_on and starts_on > due_on:
            self.add_error("due_on", "The due date must be the same as or after the start date")
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
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MilestoneForm(forms.ModelForm):
    """A milestone of an action: what, by when, and when it was done."""

    due_on = GovukDateField(name="due date", label="Due date", help_text="For example, 30 9 2027.")
    completed_on = GovukDateField(
        name="date completed",
        label="Date completed (optional)",
        required=False,
        help_text="Leave empty until the milestone is done.",
    )

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
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"), Field("due_on"), Field("completed_on"), Button("save", button)
        )

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on and completed_on > timezone.localdate():
            raise ValidationError("The date completed must be today or in the past")
        return completed_on


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
        self.helper = FormHelper()
        self.helper.layout = Layout(
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


class PlanImportForm(forms.Form):
    """Choose the strategy a delivery-plan spreadsheet is for, and the file to check."""

    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(),
        label="Strategy",
        help_text="The actions are imported into this strategy's delivery plan.",
        empty_label=None,
        error_messages={
            "required": "Choose a strategy",
            "invalid_choice": "Choose a strategy of this partnership",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="An Excel workbook (.xlsx) or a CSV file (.csv), smaller than 2 MB, with up to 5,000 actions.",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a file to upload",
        },
    )

    def __init__(self, *args, strategies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("strategy"),
            Field("file"),
            Button("upload", "Upload and check the file"),
        )
