"""Direction of travel: every case of one action's, and of a group of actions' (docs/decisions/0016)."""

import pytest

from core.ratings import Direction, Rating, direction_of_group, direction_of_travel

RATED = (Rating.RED, Rating.AMBER, Rating.GREEN, Rating.BLUE)


@pytest.mark.parametrize("before", [*RATED, Rating.NOT_RATED, None])
@pytest.mark.parametrize("now", [Rating.NOT_RATED, None])
def test_an_action_not_rated_now_has_no_update_whatever_it_was_before(now, before):
    assert direction_of_travel(now, before) == Direction.NO_UPDATE


def test_not_rated_now_and_amber_before_is_no_update_not_new():
    assert direction_of_travel(Rating.NOT_RATED, Rating.AMBER).label == "No update"


@pytest.mark.parametrize("before", [Rating.NOT_RATED, None])
@pytest.mark.parametrize("now", RATED)
def test_an_action_rated_now_but_not_before_is_newly_rated(now, before):
    assert direction_of_travel(now, before) == Direction.NEWLY_RATED
    assert direction_of_travel(now, before).label == "Newly rated"


@pytest.mark.parametrize(
    ("now", "before", "direction"),
    [
        (Rating.AMBER, Rating.RED, Direction.IMPROVED),
        (Rating.BLUE, Rating.RED, Direction.IMPROVED),
        (Rating.GREEN, Rating.AMBER, Direction.IMPROVED),
        (Rating.BLUE, Rating.GREEN, Direction.IMPROVED),
        (Rating.RED, Rating.AMBER, Direction.WORSE),
        (Rating.RED, Rating.BLUE, Direction.WORSE),
        (Rating.AMBER, Rating.GREEN, Direction.WORSE),
        (Rating.GREEN, Rating.BLUE, Direction.WORSE),
        *((r, r, Direction.NO_CHANGE) for r in RATED),
    ],
)
def test_an_action_rated_both_times_is_improved_worse_or_unchanged_from_red_to_blue(now, before, direction):
    assert direction_of_travel(now, before) == direction


def counts(**given):
    return {r.value: given.get(r.value, 0) for r in Rating}


@pytest.mark.parametrize(
    ("now", "before", "direction"),
    [
        # More red: worse, whatever else moved; the case seen on plan on a page, 2 reds to 5.
        (counts(red=5, green=5), counts(red=2, amber=1, green=1), Direction.WORSE),
        (counts(red=3), counts(red=2, amber=4), Direction.WORSE),
        # More red and amber together, even with fewer red: worse.
        (counts(red=1, amber=3), counts(red=2, amber=1), Direction.WORSE),
        # A new action rated red counts against the group.
        (counts(red=1, green=9), counts(green=4), Direction.WORSE),
        # Fewer red, red and amber together no more: improved.
        (counts(amber=1), counts(red=1), Direction.IMPROVED),
        (counts(red=1, amber=1), counts(red=2, amber=1), Direction.IMPROVED),
        # Same red, fewer amber: improved.
        (counts(red=1, green=2), counts(red=1, amber=1, green=1), Direction.IMPROVED),
        # Neither moved: no change, however green, blue and not rated moved.
        (counts(red=1, amber=1, blue=3, not_rated=2), counts(red=1, amber=1, green=3), Direction.NO_CHANGE),
        (counts(), counts(), Direction.NO_CHANGE),
        (counts(green=3), counts(not_rated=3), Direction.NO_CHANGE),
    ],
)
def test_a_group_is_worse_with_more_red_or_red_and_amber_and_improved_with_fewer(now, before, direction):
    assert direction_of_group(now, before) == direction


def test_a_group_with_more_reds_is_never_improved():
    for red_before in range(4):
        for red_now in range(red_before + 1, 6):
            for amber_before in range(4):
                for amber_now in range(4):
                    now = counts(red=red_now, amber=amber_now)
                    before = counts(red=red_before, amber=amber_before)
                    assert direction_of_group(now, before) == Direction.WORSE


def test_a_group_with_no_previous_period_is_not_compared():
    assert direction_of_group(counts(red=1), None) is None
