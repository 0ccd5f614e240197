from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from delivery.models import ReportingPeriod
from meetings.models import Meeting
from reports.models import ExceptionRule


class PublishForm(forms.Form):
    """Choose the meeting an exception report for a period is published to."""

    period = forms.ModelChoiceField(queryset=ReportingPeriod.objects.none(), widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Meeting",
        empty_label="Choose a meeting",
        help_text="The report is frozen as it stands now and filed with this meeting's papers.",
        error_messages={
            "required": "Choose the meeting to publish to",
            "invalid_choice": "Choose a meeting of this partnership",
        },
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(partnership=partnership)
        self.fields["period"].queryset = ReportingPeriod.objects.for_partnership(partnership)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form carries the token
        self.helper.layout = Layout(
            Field.select("meeting"), "period", Button("publish", "Publish to meeting")
        )


class ExceptionRulesForm(forms.Form):
    rules = forms.MultipleChoiceField(
        label="Report an action by exception when",
        choices=ExceptionRule.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Actions that meet none of the rules chosen are counted as on track.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("rules", legend_size=Size.MEDIUM), Button("save", "Save rules")
        )
