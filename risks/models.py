"""The risk register: risks scored before and after their controls, reviewed each period and released to
the board (decision record 0020)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Partnership, User
from core.limits import REFERENCE_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from delivery.models import Action, ReportingPeriod
from priorities.models import Priority
from risks.scoring import IMPACT_WORDS, LIKELIHOOD_WORDS, Band, band_of, score_of


def scale_field(verbose_name: str, words: dict[int, str], **kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        choices=[(n, f"{n} – {word}") for n, word in words.items()],
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        **kwargs,
    )


class RiskRegister(TimeStampedModel):
    """A partnership's risk register: its bands, its tolerance, and whether the board has seen it as it is."""

    class State(models.TextChoices):
        IN_PREPARATION = "in_preparation", "In preparation"
        RELEASED = "released", "Released to the board"

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="risk_register")
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PREPARATION)
    low_up_to = models.PositiveSmallIntegerField(
        "low band up to",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="The highest score that is low.",
    )
    medium_up_to = models.PositiveSmallIntegerField(
        "medium band up to",
        default=12,
        validators=[MinValueValidator(2), MaxValueValidator(24)],
        help_text="The highest score that is medium; scores above it are high.",
    )
    tolerance = models.PositiveSmallIntegerField(
        "risk tolerance",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="The highest residual score the partnership accepts: a risk above it goes to the board.",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(low_up_to__lt=models.F("medium_up_to")),
                name="risk_register_bands_in_order",
                violation_error_message="The low band must end below the medium band.",
            ),
        ]

    def __str__(self):
        return f"Risk register of {self.partnership}"

    def get_absolute_url(self):
        return reverse("risks:register", kwargs={"slug": self.partnership.slug})

    @property
    def is_released(self) -> bool:
        return self.state == self.State.RELEASED

    def band(self, score: int | None) -> Band | None:
        return band_of(score, low_up_to=self.low_up_to, medium_up_to=self.medium_up_to)


class RiskQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(register__partnership=partnership)

    def open(self):
        return self.filter(status=Risk.Status.OPEN)


class Risk(TimeStampedModel):
    """A risk to the partnership's delivery, its controls, and its scores before and after them."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Category(models.TextChoices):
        FINANCIAL = "financial", "Financial"
        PARTNERSHIP = "partnership", "Partnership and governance"
        OPERATIONAL = "operational", "Operational delivery"
        INFORMATION = "information", "Information and data"
        PEOPLE = "people", "People and capacity"
        COMPLIANCE = "compliance", "Legal and statutory"
        REPUTATION = "reputation", "Reputation and public confidence"

    register = models.ForeignKey(RiskRegister, on_delete=models.CASCADE, related_name="risks")
    reference = models.CharField(max_length=REFERENCE_MAX_LENGTH, help_text="For example, SBP-R3.")
    title = models.CharField(max_length=300)
    cause = BoundedTextField(max_length=TEXT_MAX_LENGTH, help_text="What could happen, and why.")
    effect = BoundedTextField(max_length=TEXT_MAX_LENGTH, help_text="What it would mean for the partnership.")
    category = models.CharField(max_length=20, choices=Category.choices)
    owner_organisation = models.ForeignKey(
        Organisation, verbose_name="owning organisation", on_delete=models.PROTECT, related_name="risks"
    )
    owner = models.ForeignKey(
        User,
        verbose_name="risk owner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_risks",
        help_text="The member who reviews it each period; without one, the organisation's nominated contact.",
    )
    priorities = models.ManyToManyField(Priority, blank=True, related_name="risks")
    actions = models.ManyToManyField(
        Action, verbose_name="affected actions", blank=True, related_name="risks"
    )
    existing_controls = BoundedTextField(blank=True, max_length=TEXT_MAX_LENGTH)
    further_actions = BoundedTextField(
        blank=True, max_length=TEXT_MAX_LENGTH, help_text="What more will be done to bring it to its target."
    )
    treating_actions = models.ManyToManyField(
        Action,
        verbose_name="delivery-plan actions that treat it",
        blank=True,
        related_name="treated_risks",
    )
    inherent_likelihood = scale_field("likelihood before controls", LIKELIHOOD_WORDS)
    inherent_impact = scale_field("impact before controls", IMPACT_WORDS)
    residual_likelihood = scale_field("likelihood with controls", LIKELIHOOD_WORDS)
    residual_impact = scale_field("impact with controls", IMPACT_WORDS)
    target_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="The score, 1 to 25, the further actions aim to bring it to.",
    )
    review_on = models.DateField("next review", help_text="When it is next to be reviewed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["register", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "reference"],
                name="risk_reference_unique_in_register",
                violation_error_message="The register already has a risk with this reference.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("risks:risk_detail", kwargs={"slug": self.register.partnership.slug, "pk": self.pk})

    @property
    def partnership(self):
        return self.register.partnership

    @property
    def inherent_score(self) -> int | None:
        return score_of(self.inherent_likelihood, self.inherent_impact)

    @property
    def residual_score(self) -> int | None:
        return score_of(self.residual_likelihood, self.residual_impact)

    @property
    def inherent_band(self) -> Band | None:
        return self.register.band(self.inherent_score)

    @property
    def residual_band(self) -> Band | None:
        return self.register.band(self.residual_score)

    @property
    def is_above_tolerance(self) -> bool:
        return self.residual_score is not None and self.residual_score > self.register.tolerance

    @property
    def accountable(self) -> User | None:
        """Who reviews it: its owner, else its organisation's nominated contact."""
        return self.owner or self.owner_organisation.nominated_contact

    def clean(self):
        errors = {}
        if (
            self.register_id
            and self.owner_organisation_id
            and self.owner_organisation.partnership_id != self.register.partnership_id
        ):
            errors["owner_organisation"] = "Choose an organisation of the partnership."
        residual, inherent = self.residual_score, self.inherent_score
        if residual is not None and inherent is not None and residual > inherent:
            errors["residual_impact"] = "The score with controls cannot be higher than the score before them."
        if errors:
            raise ValidationError(errors)


class RiskReview(TimeStampedModel):
    """A risk owner's reassessment of a risk for a reporting period: new scores, what changed and why."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="risk_reviews")
    inherent_likelihood = scale_field("likelihood before controls", LIKELIHOOD_WORDS)
    inherent_impact = scale_field("impact before controls", IMPACT_WORDS)
    residual_likelihood = scale_field("likelihood with controls", LIKELIHOOD_WORDS)
    residual_impact = scale_field("impact with controls", IMPACT_WORDS)
    narrative = BoundedTextField(
        max_length=TEXT_MAX_LENGTH, help_text="How the risk has moved this period, and why."
    )
    control_changes = BoundedTextField(
        blank=True, max_length=SHORT_TEXT_MAX_LENGTH, help_text="Controls added, changed or removed."
    )
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="risk_reviews")
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "-period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "period"],
                name="risk_review_unique_per_period",
                violation_error_message="The risk already has a review for this reporting period.",
            ),
        ]

    def __str__(self):
        return f"{self.risk.reference}, {self.period}"

    @property
    def residual_score(self) -> int | None:
        return score_of(self.residual_likelihood, self.residual_impact)

    @property
    def inherent_score(self) -> int | None:
        return score_of(self.inherent_likelihood, self.inherent_impact)


class RiskRegisterRelease(models.Model):
    """The register as it was released to the board: who released it, when, and what the board saw."""

    register = models.ForeignKey(RiskRegister, on_delete=models.CASCADE, related_name="releases")
    released_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="risk_register_releases")
    released_at = models.DateTimeField()
    note = BoundedTextField(blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    content = models.JSONField(help_text="The register as the board saw it, frozen.")

    class Meta:
        ordering = ["register", "-released_at"]
        get_latest_by = "released_at"

    def __str__(self):
        return f"{self.register}, released {self.released_at:%d %B %Y}"


class RiskReviewReminder(models.Model):
    """A record that a risk owner was emailed about the reviews they owe for a period."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="risk_review_reminders")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="risk_review_reminders"
    )
    risks = models.ManyToManyField(Risk, related_name="review_reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period", "sent_on"], name="risk_review_reminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} reminded about risk reviews for {self.period} on {self.sent_on}"
