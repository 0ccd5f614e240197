"""Uploading a delivery plan to import."""

from crispy_forms_gds.layout import Button, Field
from django import forms
from openpyxl.utils import get_column_letter

from core.forms import form_helper
from delivery.imports.matching import column_choices, columns_problems, headings_in_words
from priorities.models import Strategy


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
        self.helper = form_helper(
            Field.select("strategy"),
            Field("file"),
            Button("upload", "Upload and check the file"),
        )


class PlanImportConfirmForm(forms.Form):
    """The preview's choices: whether the file's empty cells clear existing actions' fields, and
    whether to confirm the import or only see the preview again with that choice."""

    clear_empty = forms.BooleanField(
        label="Also clear the fields this file leaves empty",
        required=False,
        help_text="Otherwise an empty cell leaves that field of an existing action as it is.",
    )
    update_preview = forms.BooleanField(required=False)


class PlanImportColumnsForm(forms.Form):
    """Which field of the plan each of the file's columns holds: one select per column, `column_<position>`.

    Each field may be chosen for one column, and every field the strategy needs must be chosen.
    """

    def __init__(self, *args, headings: list[str], positions: list[int], strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        choices = column_choices(strategy)
        for position in positions:
            self.fields[f"column_{position}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                label=headings[position] or f"Column {get_column_letter(position + 1)} (no heading)",
                error_messages={"invalid_choice": "Choose a field of the plan, or “Do not import”"},
            )
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        twice, missing = columns_problems(columns=self.columns, strategy=self.strategy)
        for position, message in twice.items():
            self.add_error(f"column_{position}", message)
        if missing:
            self.add_error(None, f"Choose a column for {headings_in_words(missing)}")
        return cleaned

    @property
    def columns(self) -> dict[int, str]:
        """The chosen field of each column, by position, leaving out those not imported."""
        return {
            int(name.removeprefix("column_")): key
            for name, key in getattr(self, "cleaned_data", {}).items()
            if name.startswith("column_") and key
        }
