"""Past returns in a delivery-plan file: a rating and a progress narrative per reporting period, such
as "RAG Q2 2025/26" and "Update Oct 2025" beside each action, so a partnership starts with its history.

A column holds one period's rating or progress: its key is "rating:<period id>" or "progress:<period
id>" (`return_key`), offered for each of the partnership's reporting periods that has started, and
remembered per partnership like any other match (`ImportColumnMatch`).
"""

import re

from django.utils import timezone

from core.ratings import Rating
from delivery.imports.columns import HEADINGS
from delivery.models import ReportingPeriod
from priorities.models import Strategy

KINDS = {"rating": "Rating for", "progress": "Progress for"}
RATING_WORDS = ("rag", "rating", "status", "brag")
PROGRESS_WORDS = ("update", "progress", "narrative", "comment", "comments", "commentary")
MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
RATINGS = {
    **{label.lower(): value for value, label in Rating.choices if value != Rating.NOT_RATED},
    "r": Rating.RED,
    "a": Rating.AMBER,
    "g": Rating.GREEN,
    "b": Rating.BLUE,
    "complete": Rating.BLUE,
    "completed": Rating.BLUE,
}
RATINGS_ACCEPTED = (
    "Red, Amber, Green or Blue (or R, A, G, B; Complete or Completed for Blue), or leave it empty"
)


def return_key(kind: str, period: ReportingPeriod) -> str:
    return f"{kind}:{period.pk}"


def return_of(key: str) -> tuple[str, int] | None:
    """The kind ("rating" or "progress") and period id a column key names, None for a plan's field."""
    kind, _, period_id = key.partition(":")
    return (kind, int(period_id)) if kind in KINDS and period_id.isdecimal() else None


def periods_started(partnership) -> list[ReportingPeriod]:
    """The partnership's reporting periods whose returns a file can bring: those that have started."""
    return list(
        ReportingPeriod.objects.for_partnership(partnership)
        .filter(starts_on__lte=timezone.localdate())
        .order_by("starts_on")
    )


def column_headings(strategy) -> dict[str, str]:
    """Every field a column of a file for this strategy can hold, by key, as the page names it: the
    plan's fields (its levels in the strategy's words), then a
    rating and a progress for each reporting period that has started."""
    headings = dict(HEADINGS)
    if strategy is not None:
        words = strategy.words
        # A two-level plan's file may still have the template's (empty) ambition column: the check
        # refuses one with anything in it.
        headings.update(priority=words.priority, ambition=words.ambition, title=words.action)
        for period in periods_started(strategy.partnership):
            for kind, words in KINDS.items():
                headings[return_key(kind, period)] = f"{words} {period.name}"
    return headings


def return_suggested(normalised: str, periods: list[ReportingPeriod]) -> str | None:
    """The return a heading names (already `heading_normalised`): a period by its name, or by a month
    and year within it, with a rating word ("RAG Q2 2025/26") or a progress word ("Update Oct 2025")."""
    words = set(re.findall(r"[a-z]+", normalised))
    if words & set(RATING_WORDS):
        kind = "rating"
    elif words & set(PROGRESS_WORDS):
        kind = "progress"
    else:
        return None
    for period in periods:
        if " ".join(period.name.lower().split()) in normalised or _month_within(normalised, period):
            return return_key(kind, period)
    return None


def _month_within(normalised: str, period: ReportingPeriod) -> bool:
    for month, year in re.findall(r"\b([a-z]{3})[a-z]*\.?\s+(\d{4})\b", normalised):
        if month in MONTHS:
            first = (int(year), MONTHS.index(month) + 1)
            if (
                (period.starts_on.year, period.starts_on.month)
                <= first
                <= (period.ends_on.year, period.ends_on.month)
            ):
                return True
    return False


def reports_in(strategy: Strategy, period: ReportingPeriod) -> bool:
    """Whether the strategy's actions report in the period, by its reporting rhythm (as
    `ActionQuerySet.expected_to_report` decides it for the actions)."""
    rhythm = Strategy.ReportingRhythm
    if strategy.reporting_rhythm == rhythm.TWICE_YEARLY:
        return period.ends_on.month in (3, 9)
    if strategy.reporting_rhythm == rhythm.ANNUAL:
        return period.ends_on.month == 3
    if strategy.reporting_rhythm == rhythm.CHOSEN:
        return strategy.reporting_periods.filter(pk=period.pk).exists()
    return True


def rating_read(text: str) -> str | None:
    """The rating a cell gives, as plans write it; None when it is not one."""
    return RATINGS.get(" ".join(text.split()).lower().rstrip("."))
