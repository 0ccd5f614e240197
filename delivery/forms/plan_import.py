"""Uploading a delivery plan to import."""

from crispy_forms_gds.layout import Button, Field
from django import forms

from core.forms import form_helper
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
