"""Administering the delivery plan: an action, a milestone, and the strategy that follows on."""

from crispy_forms_gds.layout import Button, Field, Fixed
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import conditional_escape, format_html

from accounts.models import Organisation, User
from core.conflicts import VersionField
from core.forms import (
    GovukDateField,
    MemberChoiceField,
    MembersChoiceField,
    RecordsChoiceField,
    form_helper,
)
from core.limits import REFERENCE_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, too_long_message
from core.text import in_sentence, names_in, with_article
from core.timescales import Timescale, timescale_read
from delivery.models import Action, Milestone, Tag
from priorities.models import Priority, StrategicAmbition, Strategy

TAGS_MAX_LENGTH = 1000
"""How much the themes and places of one action may run to, commas and all."""


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
    tag_names = forms.CharField(
        label="Themes and places (optional)",
        required=False,
        max_length=TAGS_MAX_LENGTH,
        help_text="Cross-cutting themes and places, separated by commas, such as VAWG, Town centre.",
        error_messages={"max_length": too_long_message("Themes and places", TAGS_MAX_LENGTH)},
    )
    version = VersionField()

    class Meta:
        model = Action
        fields = [
            "title",
            "published_reference",
            "description",
            "lead_organisation",
            "lead_partners",
            "owner",
            "delegates",
            "partner_organisations",
            "other_partners",
            "starts_on",
            "status",
            "completed_on",
            "resources",
            "success_measure",
        ]
        labels = {
            "title": "Title",
            "published_reference": "Published reference (optional)",
            "description": "Description (optional)",
            "other_partners": "Other partners, as written (optional)",
            "status": "Status",
            "resources": "Resources or funding (optional)",
            "success_measure": "Success measure (optional)",
        }
        help_texts = {
            "other_partners": "Partners the plan names that are not organisations of the partnership, "
            "such as third sector or all reps, as the plan writes them.",
        }
        error_messages = {
            "title": {"max_length": "The title must be 300 characters or fewer"},
            "published_reference": {
                "max_length": too_long_message("The published reference", REFERENCE_MAX_LENGTH)
            },
            "other_partners": {"max_length": "Other partners must be 300 characters or fewer"},
        }
        widgets = {"status": forms.RadioSelect}

    def __init__(
        self,
        *args,
        partnership,
        strategy: Strategy | None = None,
        chooses_place: bool = False,
        button: str = "Save changes",
        **kwargs,
    ):
        """`strategy` names the levels (its words) and, with `chooses_place`, offers where a new
        action goes: one of its priorities in a two-level plan, else one of its strategic ambitions."""
        super().__init__(*args, **kwargs)
        self.strategy = strategy or Strategy()  # the default words, for a form about no strategy
        action = in_sentence(self.strategy.action_word)
        self.fields["title"].error_messages["required"] = f"Enter the {action}'s title"
        self.fields["status"].error_messages["required"] = f"Choose the {action}'s status"
        self.fields["lead_organisation"].help_text = format_html(
            "The agency that leads the {}, as the plan names it.", action
        )
        self.fields["lead_organisation"].error_messages["required"] = (
            f"Choose the organisation that leads the {action}"
        )
        self.fields["owner"].help_text = format_html(
            "The one person accountable for the {}’s returns: an active member of the partnership. "
            "Leave it empty where the plan names no one: the lead organisation’s nominated contact "
            "then answers for it.",
            action,
        )
        self.fields["partner_organisations"].help_text = format_html(
            "Other agencies of the partnership that contribute to the {}.", action
        )
        self.fields["published_reference"].help_text = format_html(
            "The number the published plan gives this {}, such as 2.1.10. Leave it empty to number it "
            "by its place in the plan.",
            action,
        )
        self.place = None
        if chooses_place:
            self.place = "ambition" if self.strategy.has_ambitions else "priority"
            self.fields[self.place] = self._place_field()
        members = User.objects.members_of(partnership)
        self.fields["owner"].queryset = members
        self.fields["delegates"].queryset = members
        organisations = Organisation.objects.filter(partnership=partnership)
        for name in ("lead_organisation", "lead_partners", "partner_organisations"):
            self.fields[name].queryset = organisations
        self.is_revisable = self.instance.pk is not None
        if self.is_revisable:
            self.initial["due"] = self.instance.timescale
            self.initial["tag_names"] = ", ".join(tag.name for tag in self.instance.tags.all())
        else:
            del self.fields["due_revision_reason"]  # a new action's due date is the one first agreed
        self.helper = form_helper(
            *([Field.select(self.place)] if self.place else []),
            Field.text("title"),
            Field.text("published_reference", field_width=Fixed.TEN),
            Field.textarea("description", rows=4),
            Field.select("lead_organisation"),
            Field.checkboxes("lead_partners", small=True),
            Field.select("owner"),
            Field.checkboxes("delegates", small=True),
            Field.checkboxes("partner_organisations", small=True),
            Field.text("other_partners"),
            Field.text("tag_names"),
            Field("starts_on"),
            Field.text("due", field_width=20),
            *([Field.textarea("due_revision_reason", rows=3)] if self.is_revisable else []),
            Field.radios("status", small=True),
            Field("completed_on"),
            Field.textarea("resources", rows=3),
            Field.textarea("success_measure", rows=3),
            "version",
            Button("save", conditional_escape(button)),  # crispy-forms-gds shows a button's text as markup
        )

    def _place_field(self) -> forms.ModelChoiceField:
        """Where the new action goes, among the strategy's own priorities or ambitions, in order."""
        words = self.strategy.words
        action = in_sentence(words.action)
        if self.place == "priority":
            queryset = Priority.objects.filter(strategy=self.strategy).order_by("order")
            label, plural = words.priority, words.priorities
        else:
            queryset = (
                StrategicAmbition.objects.filter(priority__strategy=self.strategy)
                .select_related("priority")
                .order_by("priority__order", "order")
            )
            label, plural = words.ambition, words.ambitions
        word = in_sentence(label)
        return forms.ModelChoiceField(
            queryset=queryset,
            label=conditional_escape(label),  # crispy-forms-gds shows a label as markup
            help_text=format_html("The {} goes at the end of the {} chosen.", action, word),
            empty_label=f"Choose {with_article(word)}",
            error_messages={
                "required": f"Choose the {word} the {action} comes under",
                "invalid_choice": f"Choose one of the strategy's {in_sentence(plural)}",
            },
        )

    def clean_tag_names(self) -> list[str]:
        """The themes and places as written, separated by commas or semicolons; each as long as a
        tag's name may be."""
        names = names_in(self.cleaned_data["tag_names"])
        limit = Tag._meta.get_field("name").max_length
        if any(len(name) > limit for name in names):
            raise ValidationError(
                f"Each theme or place must be {limit} characters or fewer: separate them with commas"
            )
        return names

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
        data.update(due_on=due.ends_on, due_timescale=due.written, tag_names=self.cleaned_data["tag_names"])
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
