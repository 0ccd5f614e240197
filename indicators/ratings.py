"""An indicator value rated against its target, and its direction of travel (decision record 0020).

A value is on target when it meets the target in the indicator's better direction; within tolerance
when it misses by no more than the indicator's tolerance, a percentage of the target; off target
otherwise. A yes/no indicator is on target when its answer is the target's, else off target. Direction compares a value with the one
before it, in the indicator's better direction.
"""

from decimal import Decimal

from django.db import models

from core.ratings import Direction


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class TargetRating(models.TextChoices):
    ON_TARGET = "on_target", "On target"
    WITHIN_TOLERANCE = "within_tolerance", "Within tolerance"
    OFF_TARGET = "off_target", "Off target"
    NO_TARGET = "no_target", "No target set"


def target_rating(
    value: Decimal | None,
    target: Decimal | None,
    *,
    polarity: str,
    tolerance_percent: Decimal,
    is_yes_no: bool = False,
) -> TargetRating:
    """How a value stands against its target (see the module docstring); NO_TARGET without both."""
    if value is None or target is None:
        return TargetRating.NO_TARGET
    if is_yes_no:  # the target is the answer hoped for, whatever the polarity
        return TargetRating.ON_TARGET if value == target else TargetRating.OFF_TARGET
    better = value >= target if polarity == Polarity.HIGHER_IS_BETTER else value <= target
    if better:
        return TargetRating.ON_TARGET
    allowed = abs(target) * tolerance_percent / 100
    if abs(value - target) <= allowed:
        return TargetRating.WITHIN_TOLERANCE
    return TargetRating.OFF_TARGET


def value_direction(now: Decimal | None, before: Decimal | None, *, polarity: str) -> Direction:
    """Whether a value improved, stayed the same or got worse since the one before, for its polarity."""
    if now is None:
        return Direction.NO_UPDATE
    if before is None:
        return Direction.NEWLY_RATED
    if now == before:
        return Direction.NO_CHANGE
    rose = now > before
    return Direction.IMPROVED if rose == (polarity == Polarity.HIGHER_IS_BETTER) else Direction.WORSE
