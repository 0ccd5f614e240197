"""The indicators' forms: an indicator with its targets by financial year, a value for a reporting
period, and a spreadsheet of values to import. Their numbers are read by `indicators.numbers`."""

from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.utils.html import format_html

from accounts.models import Membership, Organisation, User
from core.conflicts import VersionField
from core.dates import financial_year_label, financial_year_of
from core.forms import GovukDateField, LoadedChoiceField, MemberChoiceField, form_helper, read_choices_once
from core.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH, too_long_message
from indicators.models import Indicator
from indicators.numbers import NumberField
from priorities.forms import RecordForm
from priorities.models import Priority, StrategicAmbition, Strategy

TARGETS_HINT = (
    '<p class="govuk-hint">The years of the strategy. Each value is rated against the target for the '
    "financial year its reporting period ends in. Leave a year empty for no target.</p>"
)

# The most financial years an indicator's form offers targets for.
MAX_TARGET_YEARS = 12


class GroupedChoiceField(LoadedChoiceField):
    """A choice of one of `records`, already loaded, listed in groups (`<optgroup>`) by `group_of`."""

    def __init__(self, *, records, group_of, empty_label: str, **kwargs):
        records = list(records)
        super().__init__(records=records, empty_label=empty_label, **kwargs)
        groups: dict[str, list] = {}
        for record in records:
            groups.setdefault(group_of(record), []).append((str(record.pk), str(record)))
        self.choices = [("", empty_label), *groups.items()]


def strategy_years(strategy: Strategy | None) -> list[int]:
    """The financial years a strategy runs through, by the year each starts in: 2024 for 2024/25."""
    if strategy is None or strategy.starts_on is None or strategy.ends_on is None:
        return []
    first, last = financial_year_of(strategy.starts_on), financial_year_of(strategy.ends_on)
    return [year for year in range(first, last + 1) if 2000 <= year <= 2100][:MAX_TARGET_YEARS]


class IndicatorForm(RecordForm, forms.ModelForm):
    """An indicator: where it sits in a strategy, what it measures and how, who owns it, and a target
    for each financial year of its strategy (fields `target_<year>`, empty for no target)."""

    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(),
        label="Strategy",
        empty_label=None,
        error_messages={
            "required": "Choose the strategy the indicator measures",
            "invalid_choice": "Choose a strategy of this partnership",
        },
    )
    tolerance_percent = NumberField(
        name="the tolerance",
        minimum=Decimal(0),
        maximum=Decimal(100),
        places=2,
        label="Tolerance (%)",
        help_text="How far short of its target, as a percentage of the target, a value may be and still be "
        "within tolerance. For example, 5.",
    )
    baseline_value = NumberField(
        name="the baseline",
        required=False,
        label="Baseline (optional)",
        help_text="The value the indicator started from. For a yes or no indicator, 1 for yes or 0 for no.",
    )
    baseline_on = GovukDateField(
        name="baseline date",
        label="Baseline date (optional)",
        required=False,
        help_text="When the baseline was measured, for example 31 3 2024",
    )
    owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner (optional)",
        empty_label="No one named",
        help_text="The member who enters its values each period. With no one named, the organisation's "
        "nominated contact enters them.",
        error_messages={"invalid_choice": "Choose an active member of this partnership"},
    )
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Owner's organisation",
        empty_label="The owner's own organisation",
        help_text="Leave as it is to use the owner's own organisation.",
        error_messages={"invalid_choice": "Choose an organisation of this partnership"},
    )

    class Meta:
        model = Indicator
        fields = [
            "strategy",
            "priority",
            "ambition",
            "name",
            "definition",
            "kind",
            "unit",
            "polarity",
            "tolerance_percent",
            "baseline_value",
            "baseline_on",
            "data_source",
            "owner",
            "owner_organisation",
            "frequency",
        ]
        labels = {
            "name": "Name",
            "definition": "Definition (optional)",
            "kind": "Type",
            "unit": "Unit",
            "polarity": "Which way is better?",
            "data_source": "Data source (optional)",
            "frequency": "How often is it measured?",
        }
        error_messages = {
            "name": {
                "required": "Enter the indicator's name",
                "max_length": too_long_message("The name", 200),
            },
            "definition": {"max_length": too_long_message("The definition", TEXT_MAX_LENGTH)},
            "data_source": {"max_length": too_long_message("The data source", 300)},
            "kind": {"required": "Choose the indicator's type", "invalid_choice": "Choose one of the types"},
            "unit": {"required": "Choose the indicator's unit", "invalid_choice": "Choose one of the units"},
            "polarity": {
                "required": "Choose whether higher or lower is better",
                "invalid_choice": "Choose whether higher or lower is better",
            },
            "frequency": {
                "required": "Choose how often the indicator is measured",
                "invalid_choice": "Choose how often the indicator is measured",
            },
        }
        widgets = {
            "kind": forms.RadioSelect,
            "unit": forms.RadioSelect,
            "polarity": forms.RadioSelect,
            "frequency": forms.RadioSelect,
        }

    def __init__(self, *args, partnership, strategies: list[Strategy] | None = None, **kwargs):
        """`strategies`: the partnership's strategies, when the page has read them already."""
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["strategy"].queryset = Strategy.objects.for_partnership(partnership)
        self.fields["strategy"].label_from_instance = lambda s: (
            f"{s.title} (closed)" if s.is_closed else s.title
        )
        strategies = read_choices_once(self.fields["strategy"], strategies)
        priorities = Priority.objects.filter(strategy__partnership=partnership).select_related("strategy")
        self.fields["priority"] = GroupedChoiceField(
            records=priorities.order_by("strategy__starts_on", "strategy__pk", "order"),
            group_of=lambda p: p.strategy.title,
            empty_label="None: the whole strategy",
            required=False,
            label="Priority (optional)",
            help_text="Leave as it is for an indicator of the whole strategy.",
            error_messages={"invalid_choice": "Choose a priority of this partnership"},
        )
        ambitions = StrategicAmbition.objects.filter(
            priority__strategy__partnership=partnership, priority__strategy__levels=Strategy.Levels.THREE
        ).select_related("priority__strategy")
        self.fields["ambition"] = GroupedChoiceField(
            records=ambitions.order_by("priority__strategy__starts_on", "priority__order", "order"),
            group_of=lambda a: f"{a.priority.strategy.title}: {a.priority}",
            empty_label="None: the whole priority",
            required=False,
            label="Strategic ambition (optional)",
            help_text="Leave as it is for an indicator of the whole priority.",
            error_messages={"invalid_choice": "Choose a strategic ambition of this partnership"},
        )
        self.fields["owner"].queryset = User.objects.members_of(partnership)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(partnership=partnership)
        owner = self.instance.owner if self.instance.owner_id else None
        if owner is not None and owner not in read_choices_once(self.fields["owner"]):
            self.fields["owner"].help_text = format_html(
                "{} is no longer an active member of the partnership: choose who owns this indicator now.",
                owner,
            )
        self.fields["unit"].choices = [
            Choice(
                value,
                label,
                hint="Its values are 1 for yes and 0 for no; on target when it is the target answer."
                if value == Indicator.Unit.YES_NO
                else "",
            )
            for value, label in Indicator.Unit.choices
        ]
        self.target_years = self._target_years(strategies)
        saved_targets = (
            {t.financial_year: t.value for t in self.instance.targets.all()} if self.instance.pk else {}
        )
        for year in self.target_years:
            self.fields[self.target_field(year)] = NumberField(
                name=f"the target for {financial_year_label(year)}",
                required=False,
                label=f"Target for {financial_year_label(year)} (optional)",
                initial=saved_targets.get(year),
            )
        targets = [
            Fieldset(
                HTML(TARGETS_HINT),
                *[Field.text(self.target_field(year), field_width=Fixed.TEN) for year in self.target_years],
                legend="Targets by financial year",
                legend_size=Size.SMALL,
            )
        ]
        self.helper = form_helper(
            Field.select("strategy"),
            Field.select("priority"),
            Field.select("ambition"),
            Field.text("name"),
            Field.textarea("definition", rows=4),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.radios("unit", legend_size=Size.SMALL, small=True),
            Field.radios("polarity", legend_size=Size.SMALL, small=True),
            Field.text("tolerance_percent", field_width=Fixed.FIVE),
            Field.text("baseline_value", field_width=Fixed.TEN),
            Field("baseline_on"),
            *(targets if self.target_years else []),
            Field.text("data_source", field_width=Fluid.TWO_THIRDS),
            Field.select("owner"),
            Field.select("owner_organisation"),
            Field.radios("frequency", legend_size=Size.SMALL, small=True),
            "version",
            fields_only=True,
        )
        self.fields["definition"].widget.attrs.pop("maxlength", None)

    @staticmethod
    def target_field(year: int) -> str:
        return f"target_{year}"

    def _target_years(self, strategies: list[Strategy]) -> list[int]:
        """The years the form offers targets for: those of the strategy chosen (in the answers, else
        the indicator's), of the strategy it was opened on, and any the indicator already has."""
        chosen = str(self.data.get(self.add_prefix("strategy"), "")) if self.is_bound else ""
        opened = self.initial.get("strategy") or (
            self.instance.strategy if self.instance.strategy_id else None
        )
        opened_pk = str(getattr(opened, "pk", opened) or "")
        years: set[int] = set()
        for strategy in strategies:
            if str(strategy.pk) in (chosen, opened_pk):
                years.update(strategy_years(strategy))
        if self.instance.pk:
            years.update(t.financial_year for t in self.instance.targets.all())
        return sorted(years)[:MAX_TARGET_YEARS]

    def clean(self):
        cleaned = super().clean()
        strategy, priority, ambition = (cleaned.get(n) for n in ("strategy", "priority", "ambition"))
        if ambition is not None and priority is None and "priority" not in self.errors:
            cleaned["priority"] = priority = ambition.priority
        if strategy is not None and priority is not None and priority.strategy_id != strategy.pk:
            self.add_error("priority", f"Choose a priority of {strategy.title}, or none")
        elif priority is not None and ambition is not None and ambition.priority_id != priority.pk:
            self.add_error("ambition", f"Choose a strategic ambition of {priority}, or none")
        owner = cleaned.get("owner")
        if not cleaned.get("owner_organisation") and "owner_organisation" not in self.errors:
            if owner is not None:
                cleaned["owner_organisation"] = (
                    Membership.objects.for_partnership(self.partnership)
                    .select_related("organisation")
                    .get(user=owner)
                    .organisation
                )
            elif "owner" not in self.errors:
                self.add_error("owner_organisation", "Choose the owner's organisation")
        if cleaned.get("unit") == Indicator.Unit.YES_NO:
            for year in self.target_years:
                target = cleaned.get(self.target_field(year))
                if target is not None and target not in (0, 1):
                    self.add_error(
                        self.target_field(year),
                        f"The target for {financial_year_label(year)} of a yes or no indicator is 1 for yes or 0 for no",
                    )
        return cleaned

    @property
    def targets(self) -> dict[int, Decimal | None]:
        """The target for each year the form offers, None where it is left empty."""
        return {year: self.cleaned_data.get(self.target_field(year)) for year in self.target_years}


YES_NO_CHOICES = [("1", "Yes"), ("0", "No")]


class IndicatorValueForm(forms.Form):
    """An indicator's value for one reporting period, with a note; yes or no for a yes/no indicator.

    It carries the version of the saved value it was opened on (`core.conflicts`)."""

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What explains the figure, or what is being done about it.",
        error_messages={"max_length": too_long_message("The note", SHORT_TEXT_MAX_LENGTH)},
    )
    version = VersionField()

    def __init__(self, *args, indicator: Indicator, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.is_yes_no:
            self.fields["value"] = forms.TypedChoiceField(
                label=f"Was it yes or no for {period}?",
                choices=YES_NO_CHOICES,
                coerce=Decimal,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer yes or no", "invalid_choice": "Answer yes or no"},
            )
            value_field = Field.radios("value", legend_size=Size.MEDIUM, inline=True)
        else:
            self.fields["value"] = NumberField(
                name="the value",
                label=f"Value for {period}",
                help_text=_unit_hint(indicator.unit),
            )
            value_field = Field.text("value", field_width=Fixed.TEN, label_size=Size.MEDIUM)
        self.order_fields(["value", "note", "version"])
        self.fields["note"].widget.attrs.pop("maxlength", None)
        self.helper = form_helper(
            value_field,
            Field.textarea("note", rows=4, max_characters=SHORT_TEXT_MAX_LENGTH),
            "version",
            fields_only=True,
        )


def _unit_hint(unit: str) -> str:
    return {
        Indicator.Unit.PERCENTAGE: "A percentage, for example 12.5 for 12.5%.",
        Indicator.Unit.RATE_PER_1000: "A rate per 1,000, for example 3.2.",
        Indicator.Unit.MONEY: "An amount in pounds, for example 1200 or 1200.50.",
    }.get(unit, "A number, for example 125.")


class ValueImportForm(forms.Form):
    """A spreadsheet of indicator values to check: nothing is saved until the preview is confirmed."""

    file = forms.FileField(
        label="Upload a file",
        help_text="An Excel workbook (.xlsx) or a CSV file (.csv), smaller than 2 MB, with up to 1,000 values.",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a file to upload",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("file"), fields_only=True)
