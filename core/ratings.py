"""The BRAG status ratings: fixed codes, with wording each partnership may reword."""

from collections.abc import Mapping

from django.db import models


class Rating(models.TextChoices):
    """A progress update's status rating, most severe first."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    NOT_RATED = "not_rated", "Not rated"


DEFAULT_MEANINGS = {
    Rating.RED: "Significant issues: the action will miss its outcome or date without intervention.",
    Rating.AMBER: "Some issues or slippage, recoverable with the mitigation described.",
    Rating.GREEN: "On track.",
    Rating.BLUE: "Completed.",
    Rating.NOT_RATED: "Not started or no update yet.",
}

NEEDS_MITIGATION = (Rating.RED, Rating.AMBER)

# How good each rating is, for comparing one period's rating with the last: red is worst, blue best.
_STANDING = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2, Rating.BLUE: 3}


class Direction(models.TextChoices):
    """Direction of travel: how an action, or a group of actions, moved since the previous period.

    The definitions are in docs/decisions/0016-direction-of-travel.md and, for readers of the pages
    and the board papers, in DIRECTION_LEGEND below; keep them in step with the functions.
    """

    IMPROVED = "improved", "Improved"
    NO_CHANGE = "no_change", "No change"
    WORSE = "worse", "Worse"
    NEWLY_RATED = "newly_rated", "Newly rated"
    NO_UPDATE = "no_update", "No update"


# What each direction means, as the legend of every page and board paper that shows one says it.
DIRECTION_COMPARED = (
    "An action's rating for a reporting period is compared with its rating for the previous period. "
    "Ratings run from worst to best: red, amber, green, blue."
)
DIRECTION_LEGEND = (
    (Direction.IMPROVED.label, "Rated in both periods, and better now."),
    (Direction.WORSE.label, "Rated in both periods, and worse now."),
    (Direction.NO_CHANGE.label, "Rated the same in both periods."),
    (Direction.NEWLY_RATED.label, "Rated this period, but not in the previous period."),
    (Direction.NO_UPDATE.label, "Not rated this period: no update submitted, or rated “not rated”."),
)
DIRECTION_OF_A_GROUP = (
    "A priority, or the whole partnership, is worse if it has more red actions than in the previous "
    "period, or more red and amber together; improved if it has fewer red, or fewer red and amber "
    "together, and neither is more; otherwise no change. It is not compared when there is no earlier "
    "period."
)


def direction_of_travel(now: str | None, before: str | None) -> Direction:
    """One action's direction of travel: its rating for a period against its rating for the previous one.

    `now` and `before` are the ratings of the action's submitted updates for the period and for the
    previous period, None where there is none (no update, only a draft, or no previous period).

    - No update: not rated now (no submitted update, or one rated "not rated"), whatever it was before;
    - Newly rated: rated now (red, amber, green or blue) but not rated in the previous period;
    - Improved, Worse or No change: rated both times, and now better, worse or the same, in the order
      red, amber, green, blue.
    """
    if now not in _STANDING:
        return Direction.NO_UPDATE
    if before not in _STANDING:
        return Direction.NEWLY_RATED
    if _STANDING[now] > _STANDING[before]:
        return Direction.IMPROVED
    if _STANDING[now] < _STANDING[before]:
        return Direction.WORSE
    return Direction.NO_CHANGE


def direction_of_group(now: Mapping[str, int], before: Mapping[str, int] | None) -> Direction | None:
    """A group of actions' direction of travel (a priority's, or the whole plan's), from its counts per
    rating in the period and in the previous period; None when there is no previous period to compare.

    The rule, in one sentence: worse if it has more red actions than last period, or more red and amber
    together; improved if it has fewer red, or fewer red and amber together, and neither is more;
    otherwise no change. So a group with more reds than before is always worse, never improved; counts,
    not shares, so that new actions rated red count against it.
    """
    if before is None:
        return None
    red = (now.get(Rating.RED, 0), before.get(Rating.RED, 0))
    needing_attention = tuple(sum(counts.get(r, 0) for r in NEEDS_MITIGATION) for counts in (now, before))
    if red[0] > red[1] or needing_attention[0] > needing_attention[1]:
        return Direction.WORSE
    if red[0] < red[1] or needing_attention[0] < needing_attention[1]:
        return Direction.IMPROVED
    return Direction.NO_CHANGE
