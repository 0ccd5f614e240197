"""Strategies, their sign-off and consultation, priorities and strategic ambitions."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Partnership, User
from core.limits import LONG_TEXT_MAX_LENGTH, REFERENCE_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from core.text import plural_of


class StrategyQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def live(self):
        """Strategies not closed: those a chooser offers."""
        return self.exclude(status=Strategy.Status.CLOSED)


@dataclass(frozen=True)
class PlanWords:
    """What a strategy calls the levels of its plan, as its pages and papers say them."""

    priority: str
    ambition: str
    action: str

    @property
    def priorities(self) -> str:
        return plural_of(self.priority)

    @property
    def ambitions(self) -> str:
        return plural_of(self.ambition)

    @property
    def actions(self) -> str:
        return plural_of(self.action)


class Strategy(TimeStampedModel):
    """A partnership's plan for a period, built from a strategic assessment."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Consultation"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
        ADOPTED = "adopted", "Adopted"
        CLOSED = "closed", "Closed"

    class ReportingRhythm(models.TextChoices):
        """Which of the partnership's reporting periods the strategy's actions report in."""

        QUARTERLY = "quarterly", "Quarterly: every reporting period"
        TWICE_YEARLY = "twice_yearly", "Twice a year: the periods ending in September and March"
        ANNUAL = "annual", "Once a year: the period ending in March"
        CHOSEN = "chosen", "Chosen periods: only the reporting periods chosen below"

    class Levels(models.IntegerChoices):
        """How deep the plan goes: actions under priorities, or under ambitions under priorities."""

        TWO = 2, "Two levels: actions under each priority"
        THREE = 3, "Three levels: actions under ambitions under each priority"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(max_length=200)
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = BoundedTextField(max_length=TEXT_MAX_LENGTH, blank=True)
    strategic_assessment = BoundedTextField(
        max_length=LONG_TEXT_MAX_LENGTH,
        blank=True,
        help_text="The strategic assessment this strategy is built from.",
    )
    local_definitions = BoundedTextField(
        max_length=LONG_TEXT_MAX_LENGTH,
        blank=True,
        help_text="Definitions the partnership has agreed, such as its definition of serious violence.",
    )
    adoption_override_reason = BoundedTextField(
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="Why the strategy was adopted without every responsible authority's agreement.",
    )
    previous_strategy = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_strategies",
        help_text="The strategy this one follows on from.",
    )
    reporting_rhythm = models.CharField(
        max_length=20,
        choices=ReportingRhythm.choices,
        default=ReportingRhythm.QUARTERLY,
        help_text="Which reporting periods the strategy's actions report in. Nobody is asked for an "
        "update in the other periods.",
    )
    reporting_periods = models.ManyToManyField(
        "delivery.ReportingPeriod",
        blank=True,
        related_name="strategies",
        help_text="The periods the actions report in, when the reporting rhythm is chosen periods.",
    )
    levels = models.PositiveSmallIntegerField(
        "levels of the plan",
        choices=Levels.choices,
        default=Levels.THREE,
        help_text="How the published plan is laid out.",
    )
    priority_word = models.CharField(
        "word for the first level",
        max_length=40,
        default="Priority",
        help_text="What the plan calls its first level, such as “Priority” or “Aim”.",
    )
    ambition_word = models.CharField(
        "word for the middle level",
        max_length=40,
        default="Strategic ambition",
        help_text="What a three-level plan calls its middle level, such as “Objective” or “Priority action”.",
    )
    action_word = models.CharField(
        "word for an action",
        max_length=40,
        default="Action",
        help_text="What the plan calls the things it will do, such as “Action” or “Deliverable”.",
    )
    history = HistoricalRecords()

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "strategies"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")),
                name="strategy_starts_before_it_ends",
                violation_error_message="The strategy must start before it ends.",
            ),
            models.UniqueConstraint(
                fields=["partnership", "title"], name="strategy_title_unique_in_partnership"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def has_ambitions(self) -> bool:
        """Whether the plan has a middle level; a two-level plan keeps one unseen per priority."""
        return self.levels == self.Levels.THREE

    @property
    def words(self) -> PlanWords:
        return PlanWords(self.priority_word, self.ambition_word, self.action_word)

    @classmethod
    def current_of(cls, strategies, *, today):
        """The strategy in force: adopted and covering today, else the latest adopted, else the newest.

        Of several in force at once, the one that started first: a plan adopted beside the
        partnership's strategy (a domestic abuse duty plan, say) does not displace it."""
        by_start = sorted(strategies, key=lambda s: s.starts_on, reverse=True)
        adopted = [s for s in by_start if s.status == cls.Status.ADOPTED]
        in_force = sorted(
            (s for s in adopted if s.starts_on <= today <= s.ends_on), key=lambda s: s.starts_on
        )
        return next(iter(in_force or adopted or by_start), None)

    def next_term(self) -> tuple[date, date]:
        """The dates a following strategy would have: from the day after this one ends, as many years."""
        starts_on = self.ends_on + timedelta(days=1)
        years = max(self.ends_on.year - self.starts_on.year, 1)
        try:
            return starts_on, self.ends_on.replace(year=self.ends_on.year + years)
        except ValueError:  # 29 February
            return starts_on, self.ends_on.replace(year=self.ends_on.year + years, day=28)

    def get_absolute_url(self):
        return reverse("priorities:strategy_detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})


class SignOff(TimeStampedModel):
    """One responsible authority's formal decision on a strategy."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sign_offs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sign_offs")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField("date of decision", null=True, blank=True)
    decided_by = models.CharField(
        max_length=200, blank=True, help_text="Who agreed or declined, and in what capacity."
    )
    notes = BoundedTextField(max_length=TEXT_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "sign-off"
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "organisation"], name="sign_off_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_on__isnull=False),
                name="sign_off_decision_has_date",
                violation_error_message="Give the date of the decision.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.short_name}: {self.get_decision_display()}"

    def clean(self):
        if self.organisation_id and self.strategy_id:
            if not self.organisation.is_responsible_authority:
                raise ValidationError({"organisation": "Only responsible authorities sign off a strategy."})
            if self.organisation.partnership_id != self.strategy.partnership_id:
                raise ValidationError({"organisation": "Choose an organisation of this partnership."})


class Consultation(TimeStampedModel):
    """A public consultation on a strategy's priorities and what people said."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="consultations")
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    method = models.CharField(max_length=200, blank=True, help_text="For example, an online survey.")
    responses_received = models.PositiveIntegerField(null=True, blank=True)
    findings = BoundedTextField(
        "what people said",
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="A summary of the findings: you said, we did.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("closes_on")),
                name="consultation_opens_before_it_closes",
                violation_error_message="The consultation must open before it closes.",
            ),
        ]

    def __str__(self):
        return self.title


class Priority(TimeStampedModel):
    """One of a strategy's priorities, led by a named person from a partner agency."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField(help_text="Position in the strategy: 1, 2, 3 …")
    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=TEXT_MAX_LENGTH, blank=True)
    lead = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_priorities",
        help_text="The person who leads this priority and reports on it.",
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_priorities",
    )
    outcomes = BoundedTextField(
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="The outcomes the plan lists for this priority, one per line.",
    )
    published_reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        blank=True,
        help_text="The number the published plan gives it, such as “A”; empty to number it in order.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "priorities"
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "order"], name="priority_order_unique_in_strategy"),
            models.CheckConstraint(condition=Q(order__gte=1), name="priority_order_from_one"),
        ]

    def __str__(self):
        return f"{self.reference}. {self.title}"

    @property
    def reference(self) -> str:
        return self.published_reference or str(self.order)

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def clean(self):
        partnership_id = self.strategy.partnership_id if self.strategy_id else None
        errors = {}
        if self.lead_organisation_id and self.lead_organisation.partnership_id != partnership_id:
            errors["lead_organisation"] = "Choose an organisation of this partnership."
        if self.lead_id and not self.lead.memberships.for_partnership(partnership_id).exists():
            errors["lead"] = "Choose a member of this partnership."
        if errors:
            raise ValidationError(errors)


class StrategicAmbition(TimeStampedModel):
    """What a priority sets out to achieve, with the strategic plan for achieving it."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="ambitions")
    order = models.PositiveSmallIntegerField(help_text="Position under the priority: 1, 2, 3 …")
    title = models.CharField(max_length=300)
    strategic_plan = BoundedTextField(
        max_length=TEXT_MAX_LENGTH, blank=True, help_text="How the ambition will be achieved."
    )
    published_reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        blank=True,
        help_text="The number the published plan gives it, such as “2.1”; empty to number it in order.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "order"], name="ambition_order_unique_in_priority"),
            models.CheckConstraint(condition=Q(order__gte=1), name="ambition_order_from_one"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return self.published_reference or f"{self.priority.order}.{self.order}"
