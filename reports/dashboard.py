"""Plan on a page: a strategy's priorities, with their ratings and returns, for one reporting period.

A read model: `plan_on_a_page()` fetches everything in a constant number of queries (the previous
period, the priorities with their leads, the actions with their ratings for both periods, the
strategy's indicators with their targets and values, and the risk register's latest release) and
counts in Python, however many priorities, actions, indicators and risks the strategy has.

Each priority shows its performance indicators as they stand at the period (`indicators.standing`) and
how many of the open risks linked to it were high when the risk register was last released to the
board; never the register in preparation, as the page is for every member.

Definitions, shared by every figure on the page:

- Counted actions: the strategy's actions expected to report in the period
  (`ActionQuerySet.expected_to_report`); for the previous period's counts, those expected to report in
  the previous period.
- An action's rating for a period: the rating of its *submitted* update for that period; a draft, or
  no update at all, is "not rated".
- Overdue: a counted action that is neither completed nor cancelled and was due before `today`.
- Missing return: a counted action with no submitted update for the period once `today` is past the
  period's update deadline (none are missing before then).
- Direction of travel: `core.ratings.direction_of_group` of the counts now and in the previous period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Partnership
from core.ratings import Direction, Rating, direction_of_group
from delivery.models import Action, ReportingPeriod
from indicators.models import Indicator
from indicators.standing import indicators_with_targets, standing_of
from priorities.models import Priority, Strategy
from reports.exceptions import latest_release_of
from reports.rating_counts import Before, by_priority, count_ratings, rated_actions
from risks.models import RiskRegisterRelease
from risks.register import risks_of_priority
from risks.scoring import Band

# The chart labels each segment with a short code and its count ("R 3"), so a segment never relies on
# colour alone; the chart's key spells the codes out.
SHORT_LABELS = {
    Rating.RED: "R",
    Rating.AMBER: "A",
    Rating.GREEN: "G",
    Rating.BLUE: "B",
    Rating.NOT_RATED: "NR",
}
# A segment is drawn at least as wide as its label, as a percentage of the bar: about 8.5 chart units
# a character at the chart's 14-unit bold font, plus padding, on a bar 400 units wide
# (templates/reports/includes/_rating_chart.html).
_BAR_UNITS = 400
_CHARACTER_UNITS = 8.5
_LABEL_PADDING_UNITS = 10


@dataclass(frozen=True)
class RatingCount:
    """How many counted actions had one rating in the period, and in the previous period."""

    rating: str
    count: int
    previous_count: int | None  # None when there is no previous period to compare with

    @property
    def label(self) -> str:
        return Rating(self.rating).label

    @property
    def short_label(self) -> str:
        """The code the chart labels the rating's segments with, such as "R"."""
        return SHORT_LABELS[self.rating]

    @property
    def change(self) -> int | None:
        """This period's count less the previous period's; None when there is no previous period."""
        return None if self.previous_count is None else self.count - self.previous_count

    @property
    def change_figure(self) -> str:
        """The change as shown beside the count: "+1", "0", or a minus sign and the fall."""
        if self.change is None:
            return ""
        return f"+{self.change}" if self.change > 0 else f"−{-self.change}" if self.change < 0 else "0"

    @property
    def change_words(self) -> str:
        """The change in words for screen readers: "up 1", "down 2" or "no change"."""
        if self.change is None:
            return ""
        return (
            f"up {self.change}" if self.change > 0 else f"down {-self.change}" if self.change else "no change"
        )


@dataclass(frozen=True)
class BarSegment:
    """One rating's part of a stacked bar, in percentages of the bar's length."""

    rating: str
    count: int
    label: str  # the short code and count, such as "R 3"
    start: float
    width: float

    @property
    def middle(self) -> float:
        return self.start + self.width / 2


@dataclass(frozen=True)
class Totals:
    """The figures for a group of counted actions: one priority's, or the whole strategy's."""

    counts: tuple[RatingCount, ...]  # one per rating, most severe first
    total: int
    previous_total: int | None  # None when there is no previous period
    overdue: int
    missing_returns: int
    direction: Direction | None  # `core.ratings.direction_of_group`; None when there is no previous period

    @property
    def direction_label(self) -> str:
        """The direction of travel in words; "Not compared" when there is no previous period."""
        return self.direction.label if self.direction else "Not compared"

    @property
    def by_rating(self) -> dict[str, int]:
        return {c.rating: c.count for c in self.counts}

    @property
    def previous_by_rating(self) -> dict[str, int] | None:
        return None if self.previous_total is None else {c.rating: c.previous_count for c in self.counts}

    @property
    def bar(self) -> tuple[BarSegment, ...]:
        """The stacked bar's segments for the ratings with a count, each at least as wide as its label.

        Segments share the bar in proportion to their counts, except that a segment too narrow for its
        label is widened to fit it and the others narrowed to make room, so every label stays legible.
        """
        present = [c for c in self.counts if c.count]
        if not present:
            return ()
        labels = {c.rating: f"{SHORT_LABELS[c.rating]} {c.count}" for c in present}
        least = {
            r: 100 * (len(label) * _CHARACTER_UNITS + _LABEL_PADDING_UNITS) / _BAR_UNITS
            for r, label in labels.items()
        }
        widened: set[str] = set()
        while True:
            room = 100 - sum(least[r] for r in widened)
            rest = sum(c.count for c in present if c.rating not in widened)
            widths = {
                c.rating: least[c.rating] if c.rating in widened else room * c.count / rest for c in present
            }
            too_narrow = {r for r, w in widths.items() if r not in widened and w < least[r]}
            if not too_narrow:
                break
            widened |= too_narrow
        segments, start = [], 0.0
        for c in present:
            segments.append(
                BarSegment(
                    rating=c.rating,
                    count=c.count,
                    label=labels[c.rating],
                    start=round(start, 3),
                    width=round(widths[c.rating], 3),
                )
            )
            start += widths[c.rating]
        return tuple(segments)


@dataclass(frozen=True)
class PrioritySummary:
    """One priority of the strategy, its lead, and the figures for its counted actions."""

    priority_id: int
    reference: str
    title: str
    lead: str  # the lead's name, or "" when the priority has no lead
    lead_organisation: str  # the lead organisation's name, or ""
    outcomes: tuple[str, ...]  # the outcomes the plan lists for the priority, in its order
    totals: Totals
    # Its performance indicators' standings at the period (`indicators.standing.standing_of`), in order.
    indicators: tuple[dict, ...] = ()
    # How many open risks linked to it were high at the register's latest release; None when the
    # register has never been released.
    high_risks: int | None = None


@dataclass(frozen=True)
class ChartRow:
    """One bar of the plan's chart: a priority's, or the whole partnership's."""

    label: str
    totals: Totals
    is_whole_plan: bool = False


@dataclass(frozen=True)
class PlanOnAPage:
    """A strategy on a page for one reporting period: each priority's figures and the whole plan's."""

    partnership: Partnership
    strategy: Strategy
    period: ReportingPeriod
    previous_period: ReportingPeriod | None
    today: datetime.date
    priorities: tuple[PrioritySummary, ...]  # in the strategy's order
    totals: Totals  # the whole strategy: every counted action, whichever priority it is under
    # The standings of the indicators of the whole strategy, under no priority.
    strategy_indicators: tuple[dict, ...] = ()
    release: RiskRegisterRelease | None = None  # the risk register's latest release to the board

    @property
    def is_past_deadline(self) -> bool:
        """Whether returns for the period are now overdue, so missing returns are counted."""
        return self.period.is_past_deadline(self.today)

    @property
    def chart_rows(self) -> tuple[ChartRow, ...]:
        """The chart's bars: one per priority in order, then the whole partnership's."""
        return (
            *(ChartRow(label=f"{p.reference}. {p.title}", totals=p.totals) for p in self.priorities),
            ChartRow(label="Whole partnership", totals=self.totals, is_whole_plan=True),
        )


def plan_on_a_page(
    *, partnership: Partnership, strategy: Strategy, period: ReportingPeriod, today: datetime.date
) -> PlanOnAPage:
    """Build the plan on a page for the strategy and reporting period, as it stands on `today`."""
    if strategy.partnership_id != partnership.pk or period.partnership_id != partnership.pk:
        raise ValueError("The strategy and the reporting period must belong to the partnership.")
    previous = period.previous(strategy)
    priorities = list(
        Priority.objects.filter(strategy=strategy)
        .select_related("lead", "lead_organisation")
        .order_by("order")
    )
    actions = list(_actions_for(strategy, period, previous))
    is_past_deadline = period.is_past_deadline(today)

    def totals_of(group: list[Action]) -> Totals:
        ratings = count_ratings(group, before=Before.EXPECTED_THEN if previous else None)
        now = [a for a in group if a.is_expected_now]
        return Totals(
            counts=tuple(
                RatingCount(
                    rating=r.value,
                    count=ratings.now[r],
                    previous_count=None if ratings.before is None else ratings.before[r],
                )
                for r in Rating
            ),
            total=ratings.total,
            previous_total=ratings.previous_total,
            overdue=sum(1 for a in now if a.is_overdue(today)),
            missing_returns=sum(1 for a in now if a.rating_now is None) if is_past_deadline else 0,
            direction=direction_of_group(ratings.now, ratings.before),
        )

    groups = by_priority(actions)
    indicators = list(indicators_with_targets(Indicator.objects.filter(strategy=strategy)).in_order())
    standings = standing_of(indicators, period=period)
    release = latest_release_of(partnership)

    def high_risks(priority: Priority) -> int | None:
        if release is None:
            return None
        return sum(
            risk["residual"]["band"] == Band.HIGH for risk in risks_of_priority(release.content, priority.pk)
        )

    return PlanOnAPage(
        partnership=partnership,
        strategy=strategy,
        period=period,
        previous_period=previous,
        today=today,
        priorities=tuple(
            PrioritySummary(
                priority_id=p.pk,
                reference=p.reference,
                title=p.title,
                lead=str(p.lead) if p.lead else "",
                lead_organisation=p.lead_organisation.name if p.lead_organisation else "",
                outcomes=tuple(p.outcome_list),
                totals=totals_of(groups.get(p.pk, [])),
                indicators=tuple(s for s in standings if s["priority_pk"] == p.pk),
                high_risks=high_risks(p),
            )
            for p in priorities
        ),
        totals=totals_of(actions),
        strategy_indicators=tuple(s for s in standings if s["priority_pk"] is None),
        release=release,
    )


def _actions_for(strategy: Strategy, period: ReportingPeriod, previous: ReportingPeriod | None):
    """The strategy's actions counted in the period or the previous one, with their ratings in each
    (`reports.rating_counts.rated_actions`): one query. `rating_now` is None when there is no submitted
    update, which is what makes a missing return."""
    actions = rated_actions(
        Action.objects.filter(ambition__priority__strategy=strategy)
        .only("pk", "status", "due_on")
        .order_by(),
        period,
        previous,
    )
    return actions.filter(Q(is_expected_now=True) | Q(is_expected_before=True))
