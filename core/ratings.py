"""The BRAG status ratings: fixed codes, with wording each partnership may reword."""

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

# How good each rating is, for comparing one period's rating with the last.
_STANDING = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2, Rating.BLUE: 3}


class Direction(models.TextChoices):
    """Direction of travel: this period's rating against the previous period's."""

    IMPROVED = "improved", "Improved"
    NO_CHANGE = "no_change", "No change"
    WORSE = "worse", "Worse"
    NEW = "new", "New"


def direction_of_travel(now: str | None, before: str | None) -> Direction:
    """Compare two ratings; unless both are rated (red to blue), the rating counts as new."""
    if now not in _STANDING or before not in _STANDING:
        return Direction.NEW
    if _STANDING[now] > _STANDING[before]:
        return Direction.IMPROVED
    if _STANDING[now] < _STANDING[before]:
        return Direction.WORSE
    return Direction.NO_CHANGE
