"""Ratings per priority, now and in the previous period: counted here for plan on a page and the exception report.

`rated_actions()` annotates actions, in the query that fetches them, with their priority, whether each is
expected to report in the period and in the previous one (`ActionQuerySet.expected_to_report`), and the
rating of its submitted update for each (None when there is none: a draft does not count, and a
submitted update always has a rating, even "not rated"). `count_ratings()` counts a group of them, and
`by_priority()` groups them, so both pages count the same way.

The two pages compare with the previous period differently, on purpose, and both ways are counted here:

- plan on a page sets the period beside the previous one (`Before.EXPECTED_THEN`): "before" counts the
  actions expected to report *then*, by their rating then;
- the exception report shows how the actions it counts *now* were rated then (`Before.SAME_ACTIONS`): an
  action with no submitted update then is "not rated", so before and now always total the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import BooleanField, CharField, Exists, F, OuterRef, QuerySet, Subquery, Value

from core.ratings import Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod


class Before(StrEnum):
    """Which actions the previous period's counts are of (see the module docstring)."""

    EXPECTED_THEN = "expected then"
    SAME_ACTIONS = "same actions"


@dataclass(frozen=True)
class RatingCounts:
    """How many actions had each rating in the period and, when compared, in the previous period."""

    now: Counter[str]
    before: Counter[str] | None  # None when there is no previous period to compare with

    @property
    def total(self) -> int:
        return self.now.total()

    @property
    def previous_total(self) -> int | None:
        return None if self.before is None else self.before.total()


def rated_actions(
    actions: QuerySet[Action], period: ReportingPeriod, previous: ReportingPeriod | None
) -> QuerySet[Action]:
    """The actions annotated with `priority_pk`, `is_expected_now`, `rating_now`, `is_expected_before` and
    `rating_before`: correlated subqueries, so no query more however many actions there are.

    Without a previous period, no action is expected before and none has a rating before.
    """

    def submitted_rating(p):
        return Subquery(
            ProgressUpdate.objects.filter(action=OuterRef("pk"), period=p, submitted_at__isnull=False).values(
                "rating"
            )[:1]
        )

    def expected(p):
        return Exists(Action.objects.expected_to_report(p, including_closed=True).filter(pk=OuterRef("pk")))

    actions = actions.annotate(
        priority_pk=F("ambition__priority_id"),
        is_expected_now=expected(period),
        rating_now=submitted_rating(period),
    )
    if previous is None:
        return actions.annotate(
            is_expected_before=Value(False, output_field=BooleanField()),
            rating_before=Value(None, output_field=CharField()),
        )
    return actions.annotate(is_expected_before=expected(previous), rating_before=submitted_rating(previous))


def count_ratings(actions: Iterable[Action], *, before: Before | None) -> RatingCounts:
    """Count the ratings of a group of `rated_actions()`: those expected to report in the period, and
    the previous period's of the actions `before` says (none, with no previous period to compare with)."""
    actions = list(actions)
    counted_now = [a for a in actions if a.is_expected_now]
    counted_before = {
        None: None,
        Before.EXPECTED_THEN: [a for a in actions if a.is_expected_before],
        Before.SAME_ACTIONS: counted_now,
    }[before]
    return RatingCounts(
        now=Counter(a.rating_now or Rating.NOT_RATED for a in counted_now),
        before=None
        if counted_before is None
        else Counter(a.rating_before or Rating.NOT_RATED for a in counted_before),
    )


def by_priority(actions: Iterable[Action]) -> dict[int, list[Action]]:
    """`rated_actions()` grouped by priority, in the order the priorities first appear."""
    groups: dict[int, list[Action]] = {}
    for action in actions:
        groups.setdefault(action.priority_pk, []).append(action)
    return groups
