"""The register's forms: a heat-map cell chosen in the address, releasing to the board, the settings."""

from crispy_forms_gds.layout import Button, Field, Fixed
from django import forms

from core.conflicts import VersionField
from core.forms import form_helper
from core.limits import SHORT_TEXT_MAX_LENGTH, too_long_message
from risks.models import RiskRegister
from risks.scoring import SCALE


class HeatMapCellForm(forms.Form):
    """The heat-map cell whose risks the register's table shows (`?likelihood=3&impact=4`).

    Both or neither: anything else in the address shows the whole register, as a link can only be mistyped.
    """

    likelihood = forms.TypedChoiceField(choices=[(n, n) for n in SCALE], coerce=int, required=False)
    impact = forms.TypedChoiceField(choices=[(n, n) for n in SCALE], coerce=int, required=False)

    @property
    def cell(self) -> tuple[int, int] | None:
        """The chosen (likelihood, impact), or None for the whole register."""
        if not self.is_valid():
            return None
        likelihood, impact = self.cleaned_data["likelihood"], self.cleaned_data["impact"]
        return (likelihood, impact) if likelihood and impact else None


class RegisterReleaseForm(forms.Form):
    """Release the register to the board as the page showed it, with an optional note for the record."""

    note = forms.CharField(
        label="Note for the record (optional)",
        help_text="For example, what changed since the board last saw the register. Members see it.",
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": too_long_message("The note", SHORT_TEXT_MAX_LENGTH)},
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The count says how far over the text is; the browser's maxlength would cut pasted text short.
        self.fields["note"].widget.attrs.pop("maxlength", None)
        self.helper = form_helper(
            Field.textarea("note", rows=3, max_characters=SHORT_TEXT_MAX_LENGTH),
            "version",
            Button("release", "Release to the board"),
        )


def _score_messages(name: str, low: int, high: int) -> dict[str, str]:
    between = f"Enter {name} as a whole number from {low} to {high}"
    return {
        "required": f"Enter {name}",
        "invalid": between,
        "min_value": between,
        "max_value": between,
    }


class RegisterSettingsForm(forms.ModelForm):
    """The register's bands and tolerance; the model's own rules (low below medium) are shown on it."""

    version = VersionField()

    class Meta:
        model = RiskRegister
        fields = ["low_up_to", "medium_up_to", "tolerance"]
        labels = {
            "low_up_to": "Low band: scores up to",
            "medium_up_to": "Medium band: scores up to",
            "tolerance": "Risk tolerance",
        }
        help_texts = {
            "low_up_to": "The highest score, from 1 to 24, that is low. For example, 4.",
            "medium_up_to": "The highest score, from 2 to 24, that is medium; scores above it are high. "
            "For example, 12.",
            "tolerance": "The highest residual score, from 1 to 25, the partnership accepts: a risk above "
            "it is reported to the board. For example, 12.",
        }
        error_messages = {
            "low_up_to": _score_messages("the highest low score", 1, 24),
            "medium_up_to": _score_messages("the highest medium score", 2, 24),
            "tolerance": _score_messages("the risk tolerance", 1, 25),
        }
        widgets = dict.fromkeys(fields, forms.TextInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.widget.is_hidden:
                continue
            field.widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})
        self.helper = form_helper(
            Field.text("low_up_to", field_width=Fixed.TWO),
            Field.text("medium_up_to", field_width=Fixed.TWO),
            Field.text("tolerance", field_width=Fixed.TWO),
            "version",
            Button("save", "Save settings"),
        )
