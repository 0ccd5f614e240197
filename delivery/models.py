"""The delivery plan: reporting periods, actions, milestones and progress updates.

One module, longer than most, on purpose: the querysets of these records read one another (a period's
return counts read actions and updates, an action's "owes an update" reads updates and periods), and
splitting them would turn those reads into import cycles.
"""

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth
from django.db.models.lookups import Exact, In
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Partnership, User
from core.dates import financial_year_of
from core.history import change_reason
from core.limits import REFERENCE_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from core.ratings import NEEDS_MITIGATION, Rating
from core.text import lead_in_words
from core.timescales import Timescale, timescale_of
from priorities.models import StrategicAmbition, Strategy


class ReportingPeriodQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def open(self):
        return self.filter(state=ReportingPeriod.State.OPEN)

    def latest_open(self) -> "ReportingPeriod | None":
        """The latest period open for updates, or None."""
        return self.open().order_by("-starts_on").first()

    def with_updates_owed(self, actions, *, open_only: bool = False):
        """Annotate `updates_owed`: how many of `actions` still owe each period a submitted update,
        what `Action.objects.owing_update(period).count()` says, for every period in one query.
        `open_only` counts for the open periods alone (0 for the others), so that the database runs
        the count for those only."""
        submitted = ProgressUpdate.objects.filter(
            action=OuterRef("pk"), period=OuterRef(OuterRef("pk")), submitted_at__isnull=False
        )
        owing = (
            Action.objects.filter(pk__in=actions.values("pk"))
            .expected_to_report(_OUTER_PERIOD)
            .exclude(Exists(submitted))
        )
        owed = _count(owing)
        if open_only:
            owed = Case(When(state=ReportingPeriod.State.OPEN, then=owed), default=0)
        return self.annotate(updates_owed=owed)

    def next_financial_year(self, today) -> int:
        """The first financial year after the latest period, or this one if there are no periods."""
        latest = self.order_by("-ends_on").first()
        return financial_year_of(latest.ends_on) + 1 if latest else financial_year_of(today)

    def with_return_counts(self):
        """Annotate each period's returns, over its partnership's actions expected to report in it:
        `submitted_count`, `draft_count` (saved, not submitted) and `missing_count` (no update), as
        `Action.period_return` names them. The one count the period list, status and lock pages show."""
        expected = Action.objects.filter(
            ambition__priority__strategy__partnership=OuterRef("partnership")
        ).expected_to_report(_OUTER_PERIOD)
        update = ProgressUpdate.objects.filter(action=OuterRef("pk"), period=OuterRef(OuterRef("pk")))
        return self.annotate(
            submitted_count=_count(expected.filter(Exists(update.filter(submitted_at__isnull=False)))),
            draft_count=_count(expected.filter(Exists(update.filter(submitted_at__isnull=True)))),
            missing_count=_count(expected.filter(~Exists(update))),
        )


def _count(queryset) -> Subquery:
    """A subquery counting the rows of `queryset`, which may refer to the outer query."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


# Stands for each row's own period inside a subquery, so the "expected to report" rule is reused.
_OUTER_PERIOD = SimpleNamespace(starts_on=OuterRef("starts_on"), ends_on=OuterRef("ends_on"))


@dataclass(frozen=True)
class ReturnCounts:
    """How one period's returns stand (see `ReportingPeriodQuerySet.with_return_counts`)."""

    submitted: int
    draft: int
    missing: int

    @property
    def expected(self) -> int:
        return self.submitted + self.draft + self.missing

    @property
    def outstanding(self) -> int:
        """Returns still owed: drafts and missing."""
        return self.draft + self.missing

    @classmethod
    def of(cls, period: "ReportingPeriod") -> "ReturnCounts":
        """The counts of a period fetched `with_return_counts`."""
        return cls(period.submitted_count, period.draft_count, period.missing_count)


@dataclass(frozen=True)
class PeriodChange:
    """A move of a reporting period from one state to another, as administrators make it."""

    from_state: str
    to_state: str
    button: str
    done: str
    """What the change is called once made, in messages: "locked"."""


class ReportingPeriod(TimeStampedModel):
    """A span of time for which every action's lead reports progress once."""

    class State(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        OPEN = "open", "Open for updates"
        LOCKED = "locked", "Locked"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reporting_periods")
    name = models.CharField(max_length=100, help_text="For example, Q1 2024/25.")
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date")
    update_deadline = models.DateField(help_text="The date by which progress updates are due.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPCOMING)
    history = HistoricalRecords()

    objects = ReportingPeriodQuerySet.as_manager()

    CHANGES = {
        "open": PeriodChange(State.UPCOMING, State.OPEN, "Open for updates", "opened for updates"),
        "lock": PeriodChange(State.OPEN, State.LOCKED, "Lock the period", "locked"),
        "unlock": PeriodChange(State.LOCKED, State.OPEN, "Unlock the period", "unlocked"),
    }
    """The only changes of state a period may make, by the name its page's address uses."""

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="reporting_period_name_unique"),
            models.UniqueConstraint(
                fields=["partnership", "starts_on"], name="reporting_period_start_unique"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")),
                name="reporting_period_starts_before_it_ends",
                violation_error_message="The period must start before it ends.",
            ),
            models.CheckConstraint(
                condition=Q(update_deadline__gte=F("starts_on")),
                name="reporting_period_deadline_after_start",
                violation_error_message="The update deadline must fall after the period starts.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_past_deadline(self, today) -> bool:
        return today > self.update_deadline

    def return_counts(self) -> ReturnCounts:
        """How this period's returns stand now: submitted, drafts and missing, as `with_return_counts`
        counts them, in one pass over the actions expected to report, each joined to its update for
        the period (one query)."""
        counted = (
            Action.objects.filter(ambition__priority__strategy__partnership=self.partnership_id)
            .expected_to_report(self)
            .annotate(
                period_update=FilteredRelation("progress_updates", condition=Q(progress_updates__period=self))
            )
            .aggregate(
                submitted=Count("pk", filter=Q(period_update__submitted_at__isnull=False)),
                draft=Count(
                    "pk", filter=Q(period_update__pk__isnull=False, period_update__submitted_at=None)
                ),
                missing=Count("pk", filter=Q(period_update__pk__isnull=True)),
            )
        )
        return ReturnCounts(counted["submitted"], counted["draft"], counted["missing"])

    def previous(self, strategy: Strategy | None = None) -> "ReportingPeriod | None":
        """The partnership's reporting period that starts just before this one, if there is one: the
        one before in the strategy's reporting rhythm when a strategy is given, which its direction of
        travel compares with."""
        earlier = ReportingPeriod.objects.filter(
            partnership_id=self.partnership_id, starts_on__lt=self.starts_on
        )
        rhythm = strategy.reporting_rhythm if strategy else Strategy.ReportingRhythm.QUARTERLY
        if rhythm == Strategy.ReportingRhythm.TWICE_YEARLY:
            earlier = earlier.filter(ends_on__month__in=[3, 9])
        elif rhythm == Strategy.ReportingRhythm.ANNUAL:
            earlier = earlier.filter(ends_on__month=3)
        elif rhythm == Strategy.ReportingRhythm.CHOSEN:
            earlier = earlier.filter(pk__in=strategy.reporting_periods.values("pk"))
        return earlier.order_by("-starts_on").first()


def period_for_update(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The period an action's update form opens on when none is named, among the open periods (earliest
    first, each annotated `updates_owed` for the action): the earliest the action owes an update, as a
    late return comes first, else the latest."""
    owed = [period for period in periods if period.updates_owed]
    return owed[0] if owed else (periods[-1] if periods else None)


def accountable_for(user) -> Q:
    """The actions a person answers for: as lead officer, or as the nominated contact of the lead
    organisation of an action with no lead officer."""
    return Q(owner=user) | Q(owner__isnull=True, lead_organisation__nominated_contact=user)


class Linked(NamedTuple):
    """An organisation or tag an action is linked to, as lists and reports name it."""

    name: str
    short_name: str
    """An organisation's short name ("MPS"); a tag's name."""


# The many-to-many links of an action that lists and reports name, by relation: the model each links to.
ACTION_LINKS = {"lead_partners": "organisation", "partner_organisations": "organisation", "tags": "tag"}


class ActionQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(ambition__priority__strategy__partnership=partnership)

    def in_order(self):
        return self.order_by("ambition__priority__order", "ambition__order", "order")

    def for_person(self, user):
        """Actions the person is accountable for (`accountable_for`), is a delegate on, or leads as the
        priority's lead."""
        return self.filter(
            accountable_for(user) | Q(delegates=user) | Q(ambition__priority__lead=user)
        ).distinct()

    def with_accountable(self):
        """Annotate `accountable_id`: the lead officer, else the lead organisation's nominated contact."""
        return self.annotate(accountable_id=Coalesce("owner", "lead_organisation__nominated_contact"))

    def active(self):
        return self.exclude(status__in=[Action.Status.COMPLETED, Action.Status.CANCELLED])

    def overdue(self, today):
        return self.active().filter(due_on__lt=today)

    def expected_to_report(self, period, *, including_closed: bool = False):
        """Actions that owe a progress update for the period: started by its end (or with no start
        date), still live, not carried over into a later strategy (the carried copy reports instead),
        of a strategy that is not closed (its actions are never chased) and whose reporting rhythm
        includes the period. `period` may be a reporting period or stand for each row's own period in
        a subquery (its dates are then outer references). The reports count a closed strategy's
        actions too (`including_closed`), so that a closed plan still reads as it ended."""
        if hasattr(period.ends_on, "resolve_expression"):  # each row's own period, in a subquery
            ends_in = ExtractMonth(period.ends_on, output_field=IntegerField())
            starts_on = OuterRef(period.starts_on)  # referred to from one subquery deeper, below
        else:
            ends_in = models.Value(period.ends_on.month, output_field=IntegerField())
            starts_on = period.starts_on
        # A period is identified by its start, which is unique in its partnership.
        chosen = Strategy.reporting_periods.through.objects.filter(
            strategy_id=OuterRef("ambition__priority__strategy_id"), reportingperiod__starts_on=starts_on
        )
        rhythm, strategy = Strategy.ReportingRhythm, "ambition__priority__strategy__"
        in_rhythm = (
            Q(**{f"{strategy}reporting_rhythm": rhythm.QUARTERLY})
            | Q(In(ends_in, [3, 9]), **{f"{strategy}reporting_rhythm": rhythm.TWICE_YEARLY})
            | Q(Exact(ends_in, 3), **{f"{strategy}reporting_rhythm": rhythm.ANNUAL})
            | Q(Exists(chosen), **{f"{strategy}reporting_rhythm": rhythm.CHOSEN})
        )
        expected = self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=period.ends_on))
        if not including_closed:
            expected = expected.exclude(**{f"{strategy}status": Strategy.Status.CLOSED})
        return (
            expected.filter(in_rhythm)
            .filter(
                ~Q(status__in=[Action.Status.COMPLETED, Action.Status.CANCELLED])
                | Q(completed_on__gte=period.starts_on)
            )
            .exclude(Exists(Action.objects.filter(carried_over_from=OuterRef("pk"))))
        )

    def owing_update(self, period):
        """Actions expected to report for the period whose update is not submitted yet (annotated as
        `with_update_for`)."""
        return (
            self.expected_to_report(period)
            .with_update_for(period)
            .filter(period_update_submitted_at__isnull=True)
        )

    def links(self) -> dict[int, dict[str, list[Linked]]]:
        """The joint leads, partner organisations and tags of these actions (`ACTION_LINKS`), by action
        and relation, in name order as their models sort them, every relation given for every action:
        one UNION ALL of the three link tables, where prefetching would take a query a relation."""

        def linked(relation: str):
            model = ACTION_LINKS[relation]
            return (
                getattr(Action, relation)
                .through.objects.filter(action__in=self.values("pk"))
                .annotate(
                    relation=models.Value(relation, output_field=models.CharField()),
                    name=F(f"{model}__name"),
                    short_name=F(f"{model}__short_name" if model == "organisation" else f"{model}__name"),
                )
                .values_list("relation", "action_id", "name", "short_name")
            )

        first, *others = (linked(relation) for relation in ACTION_LINKS)
        found: dict[int, dict[str, list[Linked]]] = defaultdict(
            lambda: {relation: [] for relation in ACTION_LINKS}
        )
        for relation, action_id, name, short_name in first.union(*others, all=True).order_by("name"):
            found[action_id][relation].append(Linked(name, short_name))
        return found

    def with_latest_update(self):
        """Annotate the rating and % complete of each action's latest submitted update."""
        latest = ProgressUpdate.objects.filter(action=OuterRef("pk"), submitted_at__isnull=False).order_by(
            "-period__starts_on"
        )
        return self.annotate(
            latest_rating=Subquery(latest.values("rating")[:1]),
            latest_percent_complete=Subquery(latest.values("percent_complete")[:1]),
        )

    def with_update_for(self, period):
        """Annotate each action's update for the period: whether one exists and when it was submitted."""
        update = ProgressUpdate.objects.filter(action=OuterRef("pk"), period=period)
        return self.annotate(
            period_update_exists=Exists(update),
            period_update_submitted_at=Subquery(update.values("submitted_at")[:1]),
        )

    def with_returns(self, periods: list["ReportingPeriod"]):
        """Annotate, for each period, whether each action is expected to report in it
        (`is_expected_in_<period pk>`) and its update for it as `with_update_for` does (`update_exists_in_…`,
        `submitted_at_in_…`): correlated subqueries, so that every open period's returns come in the query
        that fetches the actions."""
        actions = self
        for period in periods:
            update = ProgressUpdate.objects.filter(action=OuterRef("pk"), period=period)
            expected = Action.objects.expected_to_report(period).filter(pk=OuterRef("pk"))
            actions = actions.annotate(
                **{
                    f"is_expected_in_{period.pk}": Exists(expected),
                    f"update_exists_in_{period.pk}": Exists(update),
                    f"submitted_at_in_{period.pk}": Subquery(update.values("submitted_at")[:1]),
                }
            )
        return actions


class Action(TimeStampedModel):
    """A delivery-plan action: something one named owner will do by a date."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        ON_HOLD = "on_hold", "On hold"
        OUTSTANDING = "outstanding", "Outstanding"  # still to be delivered, as published plans say

    ambition = models.ForeignKey(StrategicAmbition, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(help_text="Position under the ambition: 1, 2, 3 …")
    title = models.CharField(max_length=300)
    description = BoundedTextField(max_length=TEXT_MAX_LENGTH, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
        help_text="The agency that leads the action, as the plan names it.",
    )
    lead_partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="jointly_led_actions",
        help_text="Further agencies that lead it jointly, where the plan names several.",
    )
    owner = models.ForeignKey(
        User,
        verbose_name="lead officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        help_text="The lead officer, accountable for the action's returns; where the plan names no "
        "one, the lead organisation's nominated contact is.",
    )
    delegates = models.ManyToManyField(
        User,
        blank=True,
        related_name="delegated_actions",
        help_text="People who may update progress on the owner's behalf.",
    )
    partner_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_actions",
        help_text="Other agencies that contribute to the action.",
    )
    other_partners = models.CharField(
        "other partners, as written",
        max_length=300,
        blank=True,
        help_text="Partners the plan names that are not organisations of the partnership, such as "
        "“third sector” or “all reps”.",
    )
    tags = models.ManyToManyField(
        "Tag",
        blank=True,
        related_name="actions",
        help_text="Cross-cutting themes and places, such as “VAWG” or “Town centre”.",
    )
    published_reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        blank=True,
        help_text="The number the published plan gives it, such as “2.1.10”; empty to number it in order.",
    )
    starts_on = models.DateField("start date", null=True, blank=True)
    due_on = models.DateField(
        "due date",
        null=True,
        blank=True,
        help_text="The last day of the due timescale: what sorting, overdue and the rules use. "
        "Empty for an ongoing action, which is never overdue.",
    )
    due_timescale = models.CharField(
        "due timescale",
        max_length=60,
        blank=True,
        help_text="The due timescale as the plan writes it, such as “Q3 2026/27” or “Ongoing”; "
        "empty when it is a date.",
    )
    original_due_on = models.DateField(
        "original due date",
        null=True,
        blank=True,
        help_text="The due date first agreed, kept when the due date is revised.",
    )
    due_revised_on = models.DateField("due date revised on", null=True, blank=True)
    due_revision_reason = BoundedTextField(
        "why the due date was revised", max_length=SHORT_TEXT_MAX_LENGTH, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField("date completed", null=True, blank=True)
    resources = BoundedTextField("resources or funding", max_length=TEXT_MAX_LENGTH, blank=True)
    success_measure = BoundedTextField(
        max_length=TEXT_MAX_LENGTH, blank=True, help_text="How the partnership will know it worked."
    )
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        help_text="The unfinished action of the previous strategy that this one continues.",
    )
    history = HistoricalRecords(m2m_fields=[delegates, partner_organisations, lead_partners, tags])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["ambition__priority__order", "ambition__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ambition", "order"], name="action_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=1), name="action_order_from_one"),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("due_on")),
                name="action_starts_before_due",
                violation_error_message="The start date must be on or before the due date.",
            ),
            models.CheckConstraint(
                condition=Q(status="completed") | Q(completed_on__isnull=True),
                name="action_completion_date_only_when_completed",
                violation_error_message="Only a completed action has a date completed.",
            ),
            models.CheckConstraint(
                condition=Q(original_due_on__isnull=True) | Q(due_revised_on__isnull=False),
                name="action_revised_due_date_has_date",
                violation_error_message="A revised due date needs the date it was revised.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The action's number: as published, else from the order of its parents, such as 1.2.3, or
        1.3 in a two-level plan."""
        if self.published_reference:
            return self.published_reference
        priority = self.ambition.priority
        if not priority.strategy.has_ambitions:
            return f"{priority.order}.{self.order}"
        return f"{priority.order}.{self.ambition.order}.{self.order}"

    @property
    def partnership(self):
        return self.ambition.priority.strategy.partnership

    def lead_in_words(self, *, joint: list | None = None) -> str:
        """The lead as the board reads it, agency first: "London Fire Brigade and Police (Sam Jones)".

        `joint` are the lead partners, or their `links`, when already fetched (else they are read)."""
        joint = self.lead_partners.all() if joint is None else joint
        return lead_in_words(
            [o.name for o in [self.lead_organisation, *joint] if o is not None], str(self.owner or "")
        )

    @property
    def accountable(self) -> User | None:
        """Who answers for the returns: the lead officer, else the lead organisation's nominated contact."""
        if self.owner_id is not None:
            return self.owner
        return self.lead_organisation.nominated_contact if self.lead_organisation else None

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.CANCELLED)

    def due_timescale_set(self, timescale: Timescale, *, reason: str, today, agreed: bool = False) -> None:
        """Set the due timescale. Moving a saved action's due date (to another date, to "Ongoing" or
        from it) revises its timescale: the date first agreed is kept (`original_due_on`, None when
        it was "Ongoing"), with when and why the latest revision was made, until the date goes back to
        the one agreed. An `agreed` timescale is a new baseline, not a revision (the demo laid out as
        of another day)."""
        due_on, self.due_timescale = timescale.ends_on, timescale.written
        if not agreed and (self.pk is None or due_on == self.due_on):
            self.due_on = due_on
            return
        agreed_on = self.original_due_on if self.is_timescale_revised else self.due_on
        self.due_on = due_on
        if agreed or due_on == agreed_on:
            self.original_due_on, self.due_revised_on, self.due_revision_reason = None, None, ""
            if not agreed and reason.strip():  # why is kept in the history, which the action page shows
                self._change_reason = change_reason(f"Due date back to the one agreed: {reason.strip()}")
        else:
            self.original_due_on, self.due_revised_on = agreed_on, today
            self.due_revision_reason = reason.strip()

    @property
    def is_timescale_revised(self) -> bool:
        return self.due_revised_on is not None

    @property
    def timescale(self) -> str:
        """The due timescale in words: as the plan writes it, else the date, else "Ongoing"."""
        return timescale_of(self.due_on, self.due_timescale)

    def is_overdue(self, today) -> bool:
        return not self.is_closed and self.due_on is not None and self.due_on < today

    def period_return(self) -> str:
        """The period's return as it stands: submitted, draft or none (needs `with_update_for`)."""
        if self.period_update_submitted_at:
            return "submitted"
        return "draft" if self.period_update_exists else "none"

    def update_state(self, period, today) -> str:
        """This period's return as its owner sees it: submitted, late, draft or due."""
        state = self.period_return()
        if state == "submitted":
            return state
        if period.is_past_deadline(today):
            return "late"
        return "draft" if state == "draft" else "due"

    def get_absolute_url(self):
        return reverse("delivery:action_detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})


class Milestone(TimeStampedModel):
    """A dated step towards completing an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField("due date")
    completed_on = models.DateField("date completed", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


class ProgressUpdate(TimeStampedModel):
    """An action's progress report for one reporting period."""

    Rating = Rating

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="progress_updates")
    rating = models.CharField(
        "status rating", max_length=10, choices=Rating.choices, default=Rating.NOT_RATED
    )
    percent_complete = models.PositiveSmallIntegerField(
        "per cent complete", default=0, validators=[MaxValueValidator(100)]
    )
    narrative = BoundedTextField(
        "progress", max_length=TEXT_MAX_LENGTH, blank=True, help_text="What has been done this period."
    )
    issues_and_risks = BoundedTextField("issues and risks", max_length=TEXT_MAX_LENGTH, blank=True)
    mitigation = BoundedTextField(
        "mitigation or corrective action",
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="Required when the rating is red or amber.",
    )
    board_ask = BoundedTextField(
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="What the board is asked to decide or provide, if anything.",
    )
    is_exceptional_performance = models.BooleanField("exceptional performance", default=False)
    exceptional_performance_reason = BoundedTextField(max_length=TEXT_MAX_LENGTH, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="progress_updates")
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the update is a draft.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period"],
                name="progress_update_unique_per_period",
                violation_error_message="This action already has an update for this period.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="progress_update_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(rating__in=NEEDS_MITIGATION) | ~Q(mitigation=""),
                name="progress_update_red_amber_has_mitigation",
                violation_error_message="Describe the mitigation or corrective action.",
            ),
            models.CheckConstraint(
                condition=Q(is_exceptional_performance=False) | ~Q(exceptional_performance_reason=""),
                name="progress_update_exceptional_has_reason",
                violation_error_message="Say why the performance is exceptional.",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference} – {self.period}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def clean(self):
        if self.rating in NEEDS_MITIGATION and not self.mitigation.strip():
            raise ValidationError(
                {"mitigation": "Describe the mitigation or corrective action for a red or amber rating."}
            )
        if self.is_exceptional_performance and not self.exceptional_performance_reason.strip():
            raise ValidationError(
                {"exceptional_performance_reason": "Say why the performance is exceptional."}
            )


class UpdateReminder(models.Model):
    """A record that a person was emailed about the updates they owe for a period."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="update_reminders")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="update_reminders")
    actions = models.ManyToManyField(Action, related_name="update_reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period", "sent_on"], name="update_reminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} reminded about {self.period} on {self.sent_on}"


class Tag(models.Model):
    """A cross-cutting theme or place that actions across the plan share: "VAWG", "Orpington"."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="tag_name_unique_in_partnership"),
        ]

    def __str__(self):
        return self.name


class ImportColumnMatch(models.Model):
    """A heading of a partnership's own spreadsheet and the plan field it was matched to, remembered
    so the next import of the same spreadsheet needs no matching."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="import_column_matches"
    )
    heading = models.CharField(max_length=200, help_text="The file's heading, in lower case.")
    column = models.CharField(max_length=40, blank=True, help_text="The field's key; empty: not imported.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "heading"], name="import_column_match_unique_per_heading"
            ),
        ]

    def __str__(self):
        return f"{self.heading} → {self.column or 'not imported'}"


class PlanImport(models.Model):
    """A delivery-plan spreadsheet uploaded for import: its rows, their errors, and how far it has got."""

    class State(models.TextChoices):
        MATCHING = "matching", "Waiting for its columns to be matched"
        PREVIEW = "preview", "Checked, waiting for confirmation"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plan_imports")
    strategy = models.ForeignKey(
        "priorities.Strategy",
        on_delete=models.CASCADE,
        related_name="plan_imports",
        help_text="The strategy whose delivery plan the file is checked against and imported into.",
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="plan_imports")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="confirmed_plan_imports"
    )
    file_name = models.CharField(max_length=255)
    headings = models.JSONField(
        default=list, blank=True, help_text="The file's own column headings, in order."
    )
    columns = models.JSONField(
        default=dict,
        blank=True,
        help_text="Which of the file's columns (by position) holds which field, once matched.",
    )
    rows = models.JSONField(default=list, blank=True, help_text="The rows as read from the file.")
    errors = models.JSONField(
        default=list, blank=True, help_text="Row-level problems found when the file was checked."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    failure = BoundedTextField(max_length=TEXT_MAX_LENGTH, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    clear_empty = models.BooleanField(
        "also clear the fields this file leaves empty",
        default=False,
        help_text="An empty optional cell clears an existing action's field, instead of leaving it as it is.",
    )

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"
