"""Risk scores and bands: likelihood times impact on a 5 x 5 scale, banded by the register's limits."""

from django.db import models

SCALE = range(1, 6)
LIKELIHOOD_WORDS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_WORDS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}


class Band(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


def score_of(likelihood: int | None, impact: int | None) -> int | None:
    """A risk's score: likelihood times impact, from 1 to 25; None until both are assessed."""
    if likelihood is None or impact is None:
        return None
    return likelihood * impact


def band_of(score: int | None, *, low_up_to: int, medium_up_to: int) -> Band | None:
    """The band a score falls in: low up to `low_up_to`, medium up to `medium_up_to`, high above."""
    if score is None:
        return None
    if score <= low_up_to:
        return Band.LOW
    if score <= medium_up_to:
        return Band.MEDIUM
    return Band.HIGH
