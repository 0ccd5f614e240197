"""Forms for a partnership's strategies, priorities, strategic ambitions, consultations and sign-off."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import Membership, Organisation, User
from core.conflicts import VersionField
from core.forms import GovukDateField, MemberChoiceField, RecordsChoiceField, form_helper, read_choices_once
from core.limits import REFERENCE_MAX_LENGTH, TEXT_MAX_LENGTH, too_long_message
from core.text import in_sentence
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy


class RecordForm(forms.Form):
    """A record's form that carries the version it was opened on, so a later save by someone else is caught."""

    version = VersionField()

    @property
    def record_data(self) -> dict:
        """The model's fields as cleaned, without the version."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class StrategyForm(RecordForm, forms.ModelForm):
    starts_on = GovukDateField(label="Start date", name="start date", help_text="For example, 1 4 2024")
    ends_on = GovukDateField(label="End date", name="end date", help_text="For example, 31 3 2027")

    class Meta:
        model = Strategy
        fields = [
            "title",
            "starts_on",
            "ends_on",
            "summary",
            "strategic_assessment",
            "local_definitions",
            "reporting_rhythm",
            "reporting_periods",
            "levels",
            "priority_word",
            "ambition_word",
            "action_word",
        ]
        labels = {
            "title": "Title",
            "summary": "Summary (optional)",
            "reporting_rhythm": "Reporting rhythm",
            "reporting_periods": "Reporting periods chosen",
            "levels": "How many levels does the plan have?",
            "priority_word": "What does the plan call its first level?",
            "ambition_word": "What does the plan call its middle level?",
            "action_word": "What does the plan call the things it will do?",
        }
        help_texts = {
            "title": "For example, Community Safety Strategy 2024-27.",
            "summary": "What the strategy sets out to do, in a few sentences.",
            "strategic_assessment": "The strategic assessment this strategy is built from (optional).",
            "local_definitions": "Definitions the partnership has agreed, such as its definition of "
            "serious violence (optional).",
            "reporting_rhythm": "Which reporting periods this strategy's actions report progress in. "
            "Owners are asked for an update, reminded and counted as missing a return only in those "
            "periods. Once the strategy is closed its actions are never chased.",
            "reporting_periods": "Only for the chosen periods rhythm: tick each reporting period the "
            "actions report in. Other rhythms ignore these.",
            "priority_word": "One of them, as the published plan says it, such as Priority or Aim. Every "
            "page and paper of this strategy uses it.",
            "ambition_word": "Only for a three-level plan: one of them, such as Strategic ambition, "
            "Objective or Priority action.",
            "action_word": "One of them, such as Action or Deliverable.",
        }
        field_classes = {"reporting_periods": RecordsChoiceField}
        widgets = {
            "reporting_rhythm": forms.RadioSelect,
            "reporting_periods": forms.CheckboxSelectMultiple,
            "levels": forms.RadioSelect,
        }
        error_messages = {
            "title": {
                "required": "Enter the strategy's title",
                "max_length": "The title must be 200 characters or fewer",
            },
            "reporting_rhythm": {"required": "Choose the strategy's reporting rhythm"},
            "reporting_periods": {"invalid_choice": "Choose reporting periods of this partnership"},
            "levels": {
                "required": "Choose how many levels the plan has",
                "invalid_choice": "Choose two or three levels",
            },
            "priority_word": {
                "required": "Enter what the plan calls its first level, such as Priority",
                "max_length": "The word for the first level must be 40 characters or fewer",
            },
            "ambition_word": {
                "max_length": "The word for the middle level must be 40 characters or fewer",
            },
            "action_word": {
                "required": "Enter what the plan calls the things it will do, such as Action",
                "max_length": "The word for the things the plan will do must be 40 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategic_assessment"].label = "Strategic assessment"
        self.fields["local_definitions"].label = "Local definitions"
        self.fields["levels"].choices = [
            Choice(
                Strategy.Levels.THREE,
                "Three levels",
                hint="Such as Priority, then Objective, then Action: actions under the middle level.",
            ),
            Choice(
                Strategy.Levels.TWO,
                "Two levels",
                hint="Such as Aim, then Deliverable: the things it will do straight under each first level, "
                "with no middle level.",
            ),
        ]
        # Only a three-level plan has a middle level to name (`clean` asks for it there).
        self.fields["ambition_word"].required = False
        # The partnership's own periods only (the model is named by its field, not imported from
        # delivery, which depends on this app).
        periods = self.fields["reporting_periods"]
        periods.queryset = periods.queryset.filter(partnership_id=self.instance.partnership_id).order_by(
            "starts_on"
        )
        self.helper = form_helper(
            Field.text("title"),
            Field("starts_on"),
            Field("ends_on"),
            Field.textarea("summary", rows=5),
            Field.textarea("strategic_assessment", rows=5),
            Field.textarea("local_definitions", rows=5),
            Field.radios("reporting_rhythm", legend_size=Size.SMALL),
            Field.checkboxes("reporting_periods", legend_size=Size.SMALL, small=True),
            Field.radios("levels", legend_size=Size.SMALL),
            Field.text("priority_word", field_width=Fluid.ONE_THIRD),
            Field.text("ambition_word", field_width=Fluid.ONE_THIRD),
            Field.text("action_word", field_width=Fluid.ONE_THIRD),
            "version",
            fields_only=True,
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        others = Strategy.objects.filter(partnership_id=self.instance.partnership_id, title=title)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError("The partnership already has a strategy with this title: choose another")
        return title

    def _clean_word(self, name: str) -> str:
        return " ".join(self.cleaned_data[name].split())  # one line, single spaces

    def clean_priority_word(self):
        return self._clean_word("priority_word")

    def clean_ambition_word(self):
        return self._clean_word("ambition_word")

    def clean_action_word(self):
        return self._clean_word("action_word")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "The end date must be after the start date")
        if "ambition_word" in cleaned and not cleaned["ambition_word"]:
            if cleaned.get("levels") == Strategy.Levels.THREE:
                self.add_error(
                    "ambition_word", "Enter what the plan calls its middle level, such as Objective"
                )
            else:  # a two-level plan has no middle level: keep the word it had, for a return to three
                cleaned["ambition_word"] = self.instance.ambition_word
        if cleaned.get("reporting_rhythm") == Strategy.ReportingRhythm.CHOSEN:
            if not cleaned.get("reporting_periods"):
                self.add_error("reporting_periods", "Choose the reporting periods the actions report in")
        elif "reporting_periods" in cleaned:
            # Periods ticked for another rhythm would be kept but never used: drop them.
            cleaned["reporting_periods"] = self.fields["reporting_periods"].queryset.none()
        return cleaned


class PriorityForm(RecordForm, forms.ModelForm):
    lead = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Lead (optional)",
        empty_label="Not chosen yet",
        error_messages={"invalid_choice": "Choose an active member of this partnership"},
    )
    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Lead organisation (optional)",
        help_text="Leave as it is to use the lead's own organisation.",
        empty_label="The lead's own organisation",
        error_messages={"invalid_choice": "Choose an organisation of this partnership"},
    )

    class Meta:
        model = Priority
        fields = ["title", "published_reference", "description", "outcomes", "lead", "lead_organisation"]
        labels = {
            "title": "Title",
            "published_reference": "Published reference (optional)",
            "description": "Description (optional)",
            "outcomes": "Outcomes (optional)",
        }
        error_messages = {
            "title": {"max_length": "The title must be 200 characters or fewer"},
            "published_reference": {
                "max_length": too_long_message("The published reference", REFERENCE_MAX_LENGTH)
            },
            "outcomes": {"max_length": too_long_message("The outcomes", TEXT_MAX_LENGTH)},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        strategy = self.instance.strategy if self.instance.strategy_id else Strategy()  # default words
        word = in_sentence(strategy.priority_word)
        self.fields["title"].error_messages["required"] = f"Enter the {word}'s title"
        self.fields["description"].help_text = format_html(
            "What the {} covers and why the partnership chose it.", word
        )
        self.fields["outcomes"].help_text = format_html(
            "The outcomes the plan lists for this {}, one on each line.", word
        )
        self.fields["published_reference"].help_text = format_html(
            "The number or letter the published plan gives this {}, such as 2 or B. Leave it empty to "
            "number it by its place in the plan.",
            word,
        )
        self.fields["lead"].queryset = User.objects.members_of(partnership)
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(partnership=partnership)
        self.fields["lead"].help_text = format_html(
            "The person who leads this {} and reports on it: an active member of the partnership.", word
        )
        lead = self.instance.lead if self.instance.lead_id else None
        if lead is not None and lead not in read_choices_once(self.fields["lead"]):
            self.fields["lead"].help_text = format_html(
                "{} is no longer an active member of the partnership: choose who leads this {} now.",
                lead,
                word,
            )
        self.helper = form_helper(
            Field.text("title"),
            Field.text("published_reference", field_width=Fixed.TEN),
            Field.textarea("description", rows=5),
            Field.textarea("outcomes", rows=5),
            Field.select("lead"),
            Field.select("lead_organisation"),
            "version",
            fields_only=True,
        )

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead")
        if (
            lead is not None
            and not cleaned.get("lead_organisation")
            and "lead_organisation" not in self.errors
        ):
            cleaned["lead_organisation"] = (
                Membership.objects.for_partnership(self.partnership)
                .select_related("organisation")
                .get(user=lead)
                .organisation
            )
        return cleaned


class AmbitionForm(RecordForm, forms.ModelForm):
    class Meta:
        model = StrategicAmbition
        fields = ["title", "published_reference", "strategic_plan"]
        labels = {
            "title": "Title",
            "published_reference": "Published reference (optional)",
            "strategic_plan": "Strategic plan (optional)",
        }
        error_messages = {
            "title": {"max_length": "The title must be 300 characters or fewer"},
            "published_reference": {
                "max_length": too_long_message("The published reference", REFERENCE_MAX_LENGTH)
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        word = in_sentence(self.instance.priority.strategy.ambition_word)
        self.fields["title"].error_messages["required"] = f"Enter the {word}'s title"
        self.fields["strategic_plan"].help_text = format_html("How the {} will be achieved.", word)
        self.fields["published_reference"].help_text = format_html(
            "The number the published plan gives this {}, such as 2.1 or B1. Leave it empty to number "
            "it by its place in the plan.",
            word,
        )
        self.helper = form_helper(
            Field.text("title"),
            Field.text("published_reference", field_width=Fixed.TEN),
            Field.textarea("strategic_plan", rows=8),
            "version",
            fields_only=True,
        )


class ConsultationForm(RecordForm, forms.ModelForm):
    opens_on = GovukDateField(
        label="Opens", name="date the consultation opens", help_text="For example, 15 12 2023"
    )
    closes_on = GovukDateField(
        label="Closes", name="date the consultation closes", help_text="For example, 4 2 2024"
    )
    responses_received = forms.IntegerField(
        label="Responses received (optional)",
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the number of responses as a whole number, like 250",
            "min_value": "The number of responses must be 0 or more",
            "max_value": "The number of responses must be 2,000,000,000 or fewer",
        },
    )

    class Meta:
        model = Consultation
        fields = ["title", "opens_on", "closes_on", "method", "responses_received", "findings"]
        labels = {
            "title": "Title",
            "method": "How people took part (optional)",
            "findings": "What people said (optional)",
        }
        error_messages = {
            "title": {
                "required": "Enter the consultation's title",
                "max_length": "The title must be 200 characters or fewer",
            },
            "method": {"max_length": "How people took part must be 200 characters or fewer"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title"),
            Field("opens_on"),
            Field("closes_on"),
            Field.text("method"),
            Field.text("responses_received", field_width=Fixed.FIVE),
            Field.textarea("findings", rows=8),
            "version",
            fields_only=True,
        )

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The consultation must close on or after the day it opens")
        return cleaned


class SignOffForm(forms.Form):
    """A responsible authority's decision on a strategy."""

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    decided_on = GovukDateField(
        label="Date of the decision",
        name="date of the decision",
        required=False,
        help_text="For example, 20 3 2024",
    )
    decided_by = forms.CharField(
        label="Who agreed or declined",
        help_text="Their name and role, for example Chief Executive.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Who agreed or declined must be 200 characters or fewer"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=SignOff._meta.get_field("notes").max_length,
        error_messages={"max_length": too_long_message("Notes", SignOff._meta.get_field("notes").max_length)},
    )
    version = VersionField()

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = f"What has {organisation.name} decided?"
        self.fields["decision"].choices = [
            Choice(SignOff.Decision.PENDING, "No decision yet", hint="Clears any date and name."),
            Choice(SignOff.Decision.AGREED, "Agreed"),
            Choice(SignOff.Decision.DECLINED, "Declined"),
        ]
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field("decided_on"),
            Field.text("decided_by", field_width=Fluid.TWO_THIRDS),
            Field.textarea("notes", rows=4),
            "version",
            fields_only=True,
        )

    def clean(self):
        cleaned = super().clean()
        decided = cleaned.get("decision") in (SignOff.Decision.AGREED, SignOff.Decision.DECLINED)
        decided_on = cleaned.get("decided_on")
        if decided and decided_on is None and "decided_on" not in self.errors:
            self.add_error("decided_on", "Enter the date of the decision")
        if decided and decided_on and decided_on > timezone.localdate():
            self.add_error("decided_on", "The date of the decision must be today or in the past")
        if decided and not cleaned.get("decided_by", "").strip() and "decided_by" not in self.errors:
            self.add_error("decided_by", "Enter who agreed or declined")
        return cleaned


class StrategyTransitionForm(forms.Form):
    """Where a strategy moves next in its lifecycle, and why."""

    to = forms.ChoiceField(
        label="What is the strategy's new status?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the strategy's new status",
            "invalid_choice": "Choose one of the statuses shown",
        },
    )
    reason = forms.CharField(
        label="Reason (optional)",
        help_text="Kept in the strategy's history. Needed to adopt the strategy before every responsible "
        "authority has agreed it.",
        required=False,
        widget=forms.Textarea,
        max_length=TEXT_MAX_LENGTH,
        error_messages={"max_length": too_long_message("The reason", TEXT_MAX_LENGTH)},
    )

    def __init__(self, *args, choices: list[Choice], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices
        if Strategy.Status.ADOPTED not in [value for value, _ in choices]:
            self.fields["reason"].help_text = "Kept in the strategy's history."
        self.helper = form_helper(
            Field.radios("to", legend_size=Size.MEDIUM), Field.textarea("reason", rows=4), fields_only=True
        )
