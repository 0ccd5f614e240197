"""A risk added or changed, and a risk owner's review of it for a reporting period."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Button, Field, Fixed
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from core.conflicts import VersionField
from core.forms import GovukDateField, MemberChoiceField, RecordsChoiceField, form_helper
from core.limits import REFERENCE_MAX_LENGTH, TEXT_MAX_LENGTH, too_long_message
from delivery.forms.officer import ProgressUpdateForm
from delivery.models import Action
from priorities.models import Priority
from risks.models import Risk, RiskRegister, RiskReview
from risks.scoring import IMPACT_WORDS, LIKELIHOOD_WORDS
from risks.services import REVIEW_FIELDS

SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
RISK_FIELDS = (
    "reference",
    "title",
    "cause",
    "effect",
    "category",
    "owner_organisation",
    "owner",
    "priorities",
    "actions",
    "existing_controls",
    "further_actions",
    "treating_actions",
    *SCORE_FIELDS,
    "target_score",
    "review_on",
)
SCORE_LABELS = {
    "inherent_likelihood": "Likelihood before controls",
    "inherent_impact": "Impact before controls",
    "residual_likelihood": "Likelihood with controls",
    "residual_impact": "Impact with controls",
}
SCORE_HINTS = {
    "inherent_likelihood": "How likely it is to happen if nothing were done about it.",
    "inherent_impact": "How bad it would be if nothing were done about it.",
    "residual_likelihood": "How likely it is to happen with the existing controls working.",
    "residual_impact": "How bad it would be with the existing controls working.",
}
SCALE_MESSAGE = "Choose the {what}, from 1 to 5"
REVIEW_ON_LATER_MESSAGE = "The next review date must be after today"


def scale_choices(words: dict[int, str]) -> list[Choice]:
    return [Choice(n, f"{n} – {word}") for n, word in words.items()]


def _scale_setup(form: forms.ModelForm) -> None:
    """The four scores as radios from 1 to 5 with their words, and a message that names each."""
    for name in SCORE_FIELDS:
        field = form.fields[name]
        field.label = SCORE_LABELS[name]
        field.help_text = SCORE_HINTS[name]
        field.choices = scale_choices(LIKELIHOOD_WORDS if name.endswith("likelihood") else IMPACT_WORDS)
        message = SCALE_MESSAGE.format(what=SCORE_LABELS[name].lower())
        field.error_messages.update(required=message, invalid_choice=message)


def _score_layout(prefix: str) -> list:
    return [Field.radios(f"{prefix}_likelihood", small=True), Field.radios(f"{prefix}_impact", small=True)]


class PrioritiesChoiceField(RecordsChoiceField):
    """Priorities of the partnership by their reference and title and the strategy they belong to (needs
    `select_related("strategy")`), as the board action form labels one."""

    def label_from_instance(self, obj):
        return f"{obj.reference}. {obj.title} ({obj.strategy.title})"


class ActionsChoiceField(RecordsChoiceField):
    """Delivery-plan actions by their reference and title and the strategy they belong to (needs
    `select_related("ambition__priority__strategy")`), as the meetings' action picker labels one."""

    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.title} ({obj.ambition.priority.strategy.title})"


def partnership_actions(partnership):
    """The partnership's delivery-plan actions, newest strategy first, in plan order."""
    return (
        Action.objects.for_partnership(partnership)
        .select_related("ambition__priority__strategy__partnership")
        .order_by(
            "-ambition__priority__strategy__starts_on",
            "ambition__priority__order",
            "ambition__order",
            "order",
        )
    )


class RiskForm(forms.ModelForm):
    """A risk of the partnership's register: every choice (organisation, owner, priorities, actions) is
    the partnership's own; scores are chosen from 1 to 5, and the score and band are worked out."""

    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Owning organisation",
        help_text="The agency that owns the risk.",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation that owns the risk",
            "invalid_choice": "Choose an organisation of this partnership",
        },
    )
    owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Risk owner (optional)",
        help_text="The member who reviews it each reporting period. Leave it empty for the owning "
        "organisation's nominated contact to review it.",
        empty_label="No one named",
        error_messages={"invalid_choice": "Choose an active member of this partnership as the risk owner"},
    )
    priorities = PrioritiesChoiceField(
        queryset=Priority.objects.none(),
        required=False,
        label="Linked priorities (optional)",
        help_text="The priorities of the partnership's strategies the risk threatens.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose priorities of this partnership"},
    )
    actions = ActionsChoiceField(
        queryset=Action.objects.none(),
        required=False,
        label="Affected actions (optional)",
        help_text="Delivery-plan actions the risk would hold back.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose delivery-plan actions of this partnership"},
    )
    treating_actions = ActionsChoiceField(
        queryset=Action.objects.none(),
        required=False,
        label="Delivery-plan actions that treat it (optional)",
        help_text="Actions of the plan that are part of the further actions.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose delivery-plan actions of this partnership"},
    )
    review_on = GovukDateField(
        name="next review date", label="Next review date", help_text="For example, 30 6 2027."
    )
    version = VersionField()

    class Meta:
        model = Risk
        fields = (*RISK_FIELDS, "status")
        labels = {
            "reference": "Reference",
            "title": "Title",
            "cause": "Cause",
            "effect": "Effect",
            "category": "Category",
            "existing_controls": "Existing controls (optional)",
            "further_actions": "Further actions (optional)",
            "target_score": "Target score",
            "status": "Status",
        }
        help_texts = {
            "existing_controls": "What is already in place to make it less likely or less harmful.",
            "target_score": "The score, from 1 to 25, the further actions aim to bring it to.",
            "status": "A closed risk stays in the register's history but is no longer reviewed.",
        }
        error_messages = {
            "reference": {
                "required": "Enter the risk's reference, such as SBP-R3",
                "max_length": too_long_message("The reference", REFERENCE_MAX_LENGTH),
            },
            "title": {
                "required": "Enter the risk's title",
                "max_length": "The title must be 300 characters or fewer",
            },
            "cause": {"required": "Say what could happen, and why"},
            "effect": {"required": "Say what it would mean for the partnership"},
            "category": {
                "required": "Choose the risk's category",
                "invalid_choice": "Choose one of the categories listed",
            },
            "target_score": {
                "required": "Enter the target score, from 1 to 25",
                "invalid": "Enter the target score as a whole number, from 1 to 25",
                "min_value": "The target score must be 1 or more",
                "max_value": "The target score must be 25 or less",
            },
            "status": {
                "required": "Choose whether the risk is open or closed",
                "invalid_choice": "Choose whether the risk is open or closed",
            },
        }
        widgets = {
            "category": forms.RadioSelect,
            "status": forms.RadioSelect,
            "target_score": forms.TextInput,
            **dict.fromkeys(SCORE_FIELDS, forms.RadioSelect),
        }

    def __init__(self, *args, register: RiskRegister, button: str = "Save risk", **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.register = register
        partnership = register.partnership
        self.is_new = self.instance.pk is None
        if self.is_new:
            del self.fields["status"]
        members = User.objects.members_of(partnership, active_only=False)
        active = Membership.objects.for_partnership(partnership).active().values("user")
        # The owner already named stays a choice after their membership ends; no one else who has left.
        self.fields["owner"].queryset = members.filter(Q(pk__in=active) | Q(pk=self.instance.owner_id))
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(partnership=partnership)
        self.fields["priorities"].queryset = (
            Priority.objects.filter(strategy__partnership=partnership)
            .select_related("strategy")
            .order_by("-strategy__starts_on", "order")
        )
        self.fields["actions"].queryset = partnership_actions(partnership)
        self.fields["treating_actions"].queryset = partnership_actions(partnership)
        # Both lists offer the same actions: one reading of them draws both.
        self.fields["actions"].choices = self.fields["treating_actions"].choices = self.fields[
            "actions"
        ].choices
        _scale_setup(self)
        self.fields["category"].choices = Risk.Category.choices  # no empty choice among the radios
        target = self.fields["target_score"]
        target.widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})
        for name in ("owner", "owner_organisation"):
            self.fields[name].widget.attrs["class"] = "govuk-select app-full-width"
        self.helper = form_helper(
            Field.text("reference", field_width=Fixed.TEN),
            Field.text("title"),
            self.counted_textarea("cause", rows=4),
            self.counted_textarea("effect", rows=4),
            Field.radios("category", small=True),
            Field.select("owner_organisation"),
            Field.select("owner"),
            Field.checkboxes("priorities", small=True),
            Field.checkboxes("actions", small=True),
            self.counted_textarea("existing_controls", rows=4),
            self.counted_textarea("further_actions", rows=4),
            Field.checkboxes("treating_actions", small=True),
            HTML('<h2 class="govuk-heading-m">Score before controls</h2>'),
            *_score_layout("inherent"),
            HTML('<h2 class="govuk-heading-m">Score with controls</h2>'),
            *_score_layout("residual"),
            Field.text("target_score", field_width=Fixed.TWO),
            Field("review_on"),
            *([] if self.is_new else [Field.radios("status", small=True)]),
            "version",
            Button("save", button),
        )

    # The GOV.UK character count for the limit the server enforces, as the progress update form has it.
    counted_textarea = ProgressUpdateForm.counted_textarea

    def clean_reference(self) -> str:
        """A reference no other risk of the register has (the database insists too)."""
        reference = self.cleaned_data["reference"]
        register = self.instance.register
        if register.pk is not None:
            taken = Risk.objects.filter(register=register, reference=reference).exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError("The register already has a risk with this reference: choose another")
        return reference

    @property
    def related(self) -> dict:
        """The priorities and actions chosen, as `risk_save` takes them."""
        return {name: self.cleaned_data[name] for name in ("priorities", "actions", "treating_actions")}


class RiskReviewForm(forms.ModelForm):
    """A risk owner's review for a period: the scores now, what moved and why, the controls that
    changed, and when it is next to be reviewed. It carries the risk's version (`core.conflicts`) and
    the period it was opened for."""

    review_on = GovukDateField(
        name="next review date", label="Next review date", help_text="When the risk is next to be reviewed."
    )
    period = forms.CharField(widget=forms.HiddenInput, required=False, max_length=30)
    version = VersionField()

    class Meta:
        model = RiskReview
        fields = REVIEW_FIELDS
        widgets = dict.fromkeys(SCORE_FIELDS, forms.RadioSelect)
        labels = {
            "narrative": "How has the risk moved this period, and why?",
            "control_changes": "Changes to the controls (optional)",
        }
        help_texts = {
            "narrative": "What has changed since the last review, and why the scores are what they are now.",
            "control_changes": "Controls added, changed or removed this period.",
        }
        error_messages = {
            "narrative": {
                "required": "Say how the risk has moved this period, and why",
                "max_length": too_long_message("How the risk has moved", TEXT_MAX_LENGTH),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scale_setup(self)
        self.helper = form_helper(
            HTML('<h2 class="govuk-heading-m">Score before controls</h2>'),
            *_score_layout("inherent"),
            HTML('<h2 class="govuk-heading-m">Score with controls</h2>'),
            *_score_layout("residual"),
            self.counted_textarea("narrative", rows=6),
            self.counted_textarea("control_changes", rows=4),
            Field("review_on"),
            "period",
            "version",
            Button("save", "Save review"),
            fields_only=True,
        )

    counted_textarea = ProgressUpdateForm.counted_textarea

    def clean_review_on(self):
        review_on = self.cleaned_data["review_on"]
        if review_on is not None and review_on <= timezone.localdate():
            raise ValidationError(REVIEW_ON_LATER_MESSAGE)
        return review_on

    @property
    def review_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in REVIEW_FIELDS}
