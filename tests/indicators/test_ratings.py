"""An indicator value rated against its target with a tolerance, and its direction of travel, for both
polarities and for yes or no indicators."""

from decimal import Decimal

import pytest

from core.ratings import Direction
from indicators.ratings import Polarity, TargetRating, target_rating, value_direction

HIGHER, LOWER = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER
ON, WITHIN, OFF, NONE = (
    TargetRating.ON_TARGET,
    TargetRating.WITHIN_TOLERANCE,
    TargetRating.OFF_TARGET,
    TargetRating.NO_TARGET,
)


def rate(value, target, polarity, tolerance="5", yes_no=False):
    return target_rating(
        None if value is None else Decimal(value),
        None if target is None else Decimal(target),
        polarity=polarity,
        tolerance_percent=Decimal(tolerance),
        is_yes_no=yes_no,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", ON),  # beats the target
        ("100", ON),  # meets it exactly
        ("99.99", WITHIN),
        ("95", WITHIN),  # exactly the tolerance short: still within
        ("94.99", OFF),  # just beyond it
        ("0", OFF),
    ],
)
def test_higher_is_better(value, expected):
    assert rate(value, "100", HIGHER) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", ON),
        ("100", ON),
        ("100.01", WITHIN),
        ("105", WITHIN),  # exactly the tolerance over: still within
        ("105.01", OFF),
        ("200", OFF),
    ],
)
def test_lower_is_better(value, expected):
    assert rate(value, "100", LOWER) == expected


def test_a_tolerance_of_zero_leaves_nothing_within_it():
    assert rate("99.9999", "100", HIGHER, tolerance="0") == OFF
    assert rate("100", "100", HIGHER, tolerance="0") == ON


def test_a_tolerance_of_a_hundred_per_cent_covers_everything_down_to_zero():
    assert rate("0", "100", HIGHER, tolerance="100") == WITHIN
    assert rate("-0.01", "100", HIGHER, tolerance="100") == OFF


def test_a_target_of_zero_has_no_tolerance():
    assert rate("0", "0", LOWER) == ON
    assert rate("0.01", "0", LOWER) == OFF


def test_the_tolerance_is_a_share_of_a_negative_targets_size():
    # A net change with a target of -10 (a fall of 10): 5% of 10 is 0.5.
    assert rate("-9.5", "-10", LOWER) == WITHIN
    assert rate("-9.4", "-10", LOWER) == OFF
    assert rate("-10.5", "-10", HIGHER) == WITHIN


def test_percentages_are_compared_as_numbers_not_as_points():
    # 5% tolerance of a 40% target is 2 points.
    assert rate("38", "40", HIGHER) == WITHIN
    assert rate("37.9", "40", HIGHER) == OFF


@pytest.mark.parametrize(
    ("value", "target", "polarity", "expected"),
    [
        ("1", "1", HIGHER, ON),
        ("0", "1", HIGHER, OFF),  # never "within tolerance", however generous
        ("0", "0", LOWER, ON),
        ("1", "0", LOWER, OFF),
        # The target is the answer hoped for, whatever the polarity says.
        ("1", "1", LOWER, ON),
        ("0", "1", LOWER, OFF),
        ("1", "0", HIGHER, OFF),
        ("0", "0", HIGHER, ON),
    ],
)
def test_a_yes_or_no_indicator_is_on_or_off_target(value, target, polarity, expected):
    assert rate(value, target, polarity, tolerance="100", yes_no=True) == expected


def test_no_value_or_no_target_is_not_rated():
    assert rate(None, "100", HIGHER) == NONE
    assert rate("100", None, HIGHER) == NONE
    assert rate(None, None, LOWER) == NONE


@pytest.mark.parametrize(
    ("now", "before", "polarity", "expected"),
    [
        ("110", "100", HIGHER, Direction.IMPROVED),
        ("90", "100", HIGHER, Direction.WORSE),
        ("90", "100", LOWER, Direction.IMPROVED),
        ("110", "100", LOWER, Direction.WORSE),
        ("100", "100.0000", HIGHER, Direction.NO_CHANGE),
        ("100", "100", LOWER, Direction.NO_CHANGE),
        ("1", "0", HIGHER, Direction.IMPROVED),  # a yes after a no
        ("0", "1", HIGHER, Direction.WORSE),
        ("-5", "-3", LOWER, Direction.IMPROVED),
    ],
)
def test_direction_of_travel_follows_the_polarity(now, before, polarity, expected):
    assert value_direction(Decimal(now), Decimal(before), polarity=polarity) == expected


def test_a_first_value_is_newly_rated_and_no_value_is_no_update():
    assert value_direction(Decimal("5"), None, polarity=HIGHER) == Direction.NEWLY_RATED
    assert value_direction(None, Decimal("5"), polarity=LOWER) == Direction.NO_UPDATE
    assert value_direction(None, None, polarity=HIGHER) == Direction.NO_UPDATE


def test_an_indicator_rates_with_its_own_polarity_tolerance_and_unit():
    from indicators.models import Indicator

    indicator = Indicator(polarity=LOWER, tolerance_percent=Decimal("10"), unit=Indicator.Unit.NUMBER)
    assert indicator.rating_of(Decimal("109"), Decimal("100")) == WITHIN
    assert indicator.direction_of(Decimal("90"), Decimal("100")) == Direction.IMPROVED
    indicator.unit = Indicator.Unit.YES_NO
    assert indicator.rating_of(Decimal("1"), Decimal("0")) == OFF
