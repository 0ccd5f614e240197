"""Performance indicators: what a strategy measures, its targets by financial year and a value each period."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, User
from core.dates import financial_year_label
from core.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from delivery.models import ReportingPeriod
from indicators.ratings import Polarity, TargetRating, target_rating, value_direction
from priorities.models import Priority, StrategicAmbition, Strategy

# Values up to a trillion with four decimal places: money in pounds, counts, rates and percentages.
VALUE_DIGITS, VALUE_PLACES = 16, 4
VALUE_LIMIT = Decimal("999999999999")


def value_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        validators=[MinValueValidator(-VALUE_LIMIT), MaxValueValidator(VALUE_LIMIT)],
        **kwargs,
    )


class IndicatorQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(strategy__partnership=partnership)

    def in_order(self):
        return self.order_by("priority__order", "ambition__order", "order", "pk")


class Indicator(TimeStampedModel):
    """A performance measure of a strategy, one of its priorities or one of its strategic ambitions."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", "Quantitative"
        CONTEXTUAL = "contextual", "Contextual"
        CHANGE = "change", "Change"
        IMPACT = "impact", "Impact"

    class Unit(models.TextChoices):
        NUMBER = "number", "Number"
        PERCENTAGE = "percentage", "Percentage"
        RATE_PER_1000 = "rate_per_1000", "Rate per 1,000"
        MONEY = "money", "Money (£)"
        YES_NO = "yes_no", "Yes or no"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        ANNUALLY = "annually", "Annually"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    priority = models.ForeignKey(
        Priority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="Leave empty for an indicator of the whole strategy.",
    )
    ambition = models.ForeignKey(
        StrategicAmbition,
        verbose_name="strategic ambition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="Leave empty for an indicator of the whole priority.",
    )
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(
        max_length=200, help_text="For example, Knife crime with injury, victims under 25."
    )
    definition = BoundedTextField(
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="What is counted, and how, so that anyone can check it.",
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER_IS_BETTER)
    tolerance_percent = models.DecimalField(
        "tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="How far short of its target, as a percentage of the target, a value may be and still be "
        "within tolerance.",
    )
    baseline_value = value_field("baseline", null=True, blank=True)
    baseline_on = models.DateField("baseline date", null=True, blank=True)
    data_source = models.CharField(
        max_length=300, blank=True, help_text="For example, MPS crime data dashboard, ward level."
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_indicators",
        help_text="The member who enters its values each period.",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name="owner's organisation",
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY)
    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "priority__order", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ambition__isnull=True) | models.Q(priority__isnull=False),
                name="indicator_ambition_needs_priority",
                violation_error_message="Choose the priority of the strategic ambition too.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "indicators:indicator_detail", kwargs={"slug": self.strategy.partnership.slug, "pk": self.pk}
        )

    @property
    def partnership(self):
        return self.strategy.partnership

    @property
    def is_yes_no(self) -> bool:
        return self.unit == self.Unit.YES_NO

    def clean(self):
        errors = {}
        if self.priority_id and self.strategy_id and self.priority.strategy_id != self.strategy_id:
            errors["priority"] = "Choose a priority of the indicator's strategy."
        if self.ambition_id and self.priority_id and self.ambition.priority_id != self.priority_id:
            errors["ambition"] = "Choose a strategic ambition of the indicator's priority."
        if (
            self.owner_organisation_id
            and self.strategy_id
            and self.owner_organisation.partnership_id != self.strategy.partnership_id
        ):
            errors["owner_organisation"] = "Choose an organisation of the partnership."
        if self.baseline_on and self.baseline_value is None:
            errors["baseline_value"] = "Enter the baseline value, or remove its date."
        if self.is_yes_no and self.baseline_value not in (None, 0, 1):
            errors["baseline_value"] = "A yes or no indicator's baseline is 1 for yes or 0 for no."
        if errors:
            raise ValidationError(errors)

    def rating_of(self, value: Decimal | None, target: Decimal | None) -> TargetRating:
        return target_rating(
            value,
            target,
            polarity=self.polarity,
            tolerance_percent=self.tolerance_percent,
            is_yes_no=self.is_yes_no,
        )

    def direction_of(self, now: Decimal | None, before: Decimal | None):
        return value_direction(now, before, polarity=self.polarity)


class IndicatorTarget(models.Model):
    """What an indicator aims at in one financial year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year the financial year starts in: 2024 for 2024/25.",
    )
    value = value_field("target")

    class Meta:
        ordering = ["indicator", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "financial_year"],
                name="indicator_target_unique_per_year",
                violation_error_message="The indicator already has a target for this financial year.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {financial_year_label(self.financial_year)}"


class IndicatorValue(TimeStampedModel):
    """An indicator's value for one reporting period, with its owner's note."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="indicator_values")
    value = value_field("value")
    note = BoundedTextField(
        blank=True,
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text="What explains the figure, or what is being done about it.",
    )
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="indicator_values")
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="indicator_value_unique_per_period",
                violation_error_message="The indicator already has a value for this reporting period.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}, {self.period}: {self.value}"

    def clean(self):
        if (
            self.indicator_id
            and self.period_id
            and self.period.partnership_id != self.indicator.strategy.partnership_id
        ):
            raise ValidationError({"period": "Choose a reporting period of the partnership."})
        if self.indicator_id and self.indicator.is_yes_no and self.value not in (None, 0, 1):
            raise ValidationError({"value": "Answer yes or no."})
