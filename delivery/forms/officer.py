"""The officers' forms: a progress update, reopening an action, adding a delegate."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Button, Div, Field, Fieldset, Fixed, Size
from django import forms
from django.utils import timezone

from accounts.models import StatusRating, User
from core.conflicts import VersionField, version_of
from core.dates import long_date
from core.forms import GovukDateField, MemberChoiceField, form_helper
from delivery.models import ProgressUpdate
from delivery.services.updates import UPDATE_FIELDS, MilestoneCompleted


class ProgressUpdateForm(forms.ModelForm):
    """An action's progress update for a period, with its open milestones' completion dates.

    It carries the version of the update and of each milestone it was opened on (`core.conflicts`).
    """

    version = VersionField()

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
                label=f"{milestone.title} (due {long_date(milestone.due_on)})",
                required=False,
                help_text="The date it was completed, for example 27 3 2025. Leave empty if not yet.",
                initial=milestone.completed_on,
            )
            self.fields[self.milestone_version_field(milestone)] = VersionField(initial=version_of(milestone))
        buttons = [Button("submit", "Submit update")]
        if can_save_draft:
            buttons.append(Button.secondary("save_draft", "Save draft"))
        buttons = Div(*buttons, css_class="govuk-button-group")
        self.helper = form_helper(
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.text("percent_complete", field_width=Fixed.THREE),
            self.counted_textarea("narrative", rows=6),
            self.counted_textarea("issues_and_risks", rows=4),
            self.counted_textarea("mitigation", rows=4),
            self.counted_textarea("board_ask", rows=3),
            Field.checkbox("is_exceptional_performance"),
            self.counted_textarea("exceptional_performance_reason", rows=3),
            *(
                [
                    Fieldset(
                        *[Field(self.milestone_field(m)) for m in self.milestones],
                        *[self.milestone_version_field(m) for m in self.milestones],
                        legend="Milestones",
                        legend_size=Size.MEDIUM,
                    )
                ]
                if self.milestones
                else []
            ),
            "version",
            buttons,
            fields_only=True,
        )

    def counted_textarea(self, name: str, rows: int) -> Field:
        """A text box with the GOV.UK character count for the limit the server enforces.

        The browser's `maxlength` goes: it would cut pasted text short without a word, where the count
        says how far over the text is and the server refuses it with the field's error.
        """
        field = self.fields[name]
        field.widget.attrs.pop("maxlength", None)
        return Field.textarea(name, rows=rows, max_characters=field.max_length)

    @staticmethod
    def milestone_field(milestone) -> str:
        return f"milestone_{milestone.pk}"

    @staticmethod
    def milestone_version_field(milestone) -> str:
        return f"milestone_{milestone.pk}_version"

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
    def milestones_completed(self) -> dict[int, MilestoneCompleted]:
        return {
            m.pk: MilestoneCompleted(
                self.cleaned_data.get(self.milestone_field(m)),
                self.cleaned_data.get(self.milestone_version_field(m), ""),
            )
            for m in self.milestones
        }

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
        self.helper = form_helper(Field.textarea("reason"), Button("reopen", "Reopen action"))


class DelegateAddForm(forms.Form):
    delegate = MemberChoiceField(
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
        self.helper = form_helper(Field.select("delegate"), Button("add", "Add delegate"))
