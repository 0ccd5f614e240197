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
