"""The geometry of an indicator's trend chart, worked out here so that its template does no arithmetic.

`trend_chart` takes one standing (`indicators.standing.standing_of`): its `trend` points, each with the
value as text, and, where the page gives them, the target for the point's financial year (`target`,
`financial_year`), which the chart draws as a dashed line across that year's points. Coordinates are
in a 320 x 240 view box, as strings with one decimal place, so that no locale can change them.
"""

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from django import template

from indicators.models import Indicator
from indicators.standing import value_in_words

register = template.Library()

WIDTH, HEIGHT = 320, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 10, 34, 66
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MOST_LABELS = 12  # period names along the bottom; with more points, every second or third is named
LABELLED_VALUES = 8  # with this many points or fewer, each is labelled with its value
_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def _at(number: float) -> str:
    return f"{number:.1f}"


def _decimal(text) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _scale(numbers: list[Decimal]) -> tuple[Decimal, Decimal, list[Decimal]]:
    """Round ends for the y axis and the ticks between them: steps of 1, 2, 2.5 or 5 times a power of 10."""
    low, high = min(numbers), max(numbers)
    span = high - low or abs(high) or Decimal(1)
    rough = span / 4
    magnitude = Decimal(10) ** math.floor(math.log10(rough))
    step = next(s * magnitude for s in _STEPS if s * magnitude >= rough)
    bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    if bottom == top:
        bottom, top = bottom - step, top + step
    ticks = []
    tick = bottom
    while tick <= top and len(ticks) < 12:
        ticks.append(tick)
        tick += step
    return bottom, top, ticks


def _tick_label(number: Decimal, unit: str) -> str:
    """A tick as the axis shows it: the unit's sign, without "per 1,000" (the axis title says it)."""
    if unit == Indicator.Unit.RATE_PER_1000:
        unit = Indicator.Unit.NUMBER
    return value_in_words(number.normalize() + 0, unit)


@register.filter
def trend_chart(standing: dict) -> dict | None:
    """The chart of a standing's trend points (see the module docstring); None when it has none."""
    points = [
        {**point, "number": _decimal(point.get("value")), "target_number": _decimal(point.get("target"))}
        for point in (standing or {}).get("trend") or []
    ]
    points = [point for point in points if point["number"] is not None]
    if not points:
        return None
    unit = standing.get("unit", Indicator.Unit.NUMBER)
    is_yes_no = unit == Indicator.Unit.YES_NO
    numbers = [p["number"] for p in points] + [
        p["target_number"] for p in points if p["target_number"] is not None
    ]
    if is_yes_no:
        bottom, top, ticks = Decimal(0), Decimal(1), [Decimal(0), Decimal(1)]
    else:
        bottom, top, ticks = _scale(numbers)
    span = float(top - bottom)

    def y_of(number: Decimal) -> float:
        return TOP + float(top - number) / span * PLOT_HEIGHT

    step = PLOT_WIDTH / len(points)
    every = math.ceil(len(points) / MOST_LABELS)
    drawn = []
    for i, point in enumerate(points):
        x = LEFT + step * (i + 0.5)
        y = y_of(point["number"])
        drawn.append(
            {
                "x": _at(x),
                "y": _at(y),
                "label_y": _at(y - 8),
                "period": point.get("period", ""),
                "shown": point.get("shown") or value_in_words(point["number"], unit),
                "has_label": (len(points) - 1 - i) % every == 0,
            }
        )
    segments = []
    for i, point in enumerate(points):
        target = point["target_number"]
        if target is None:
            continue
        year = point.get("financial_year", "")
        start = LEFT + step * i
        if segments and segments[-1]["year"] == year and segments[-1]["end"] == start:
            segments[-1]["end"] = start + step
            continue
        segments.append({"year": year, "target": target, "start": start, "end": start + step})
    targets = [
        {
            "x1": _at(s["start"] + 2),
            "x2": _at(s["end"] - 2),
            "y": _at(y_of(s["target"])),
            "year": s["year"],
            "shown": value_in_words(s["target"], unit),
        }
        for s in segments
    ]
    latest = points[-1]
    first = points[0]
    described = [
        f"A line chart of {len(points)} value{'s' if len(points) != 1 else ''}"
        + (
            f", from {first.get('shown')} in {first.get('period')} to {latest.get('shown')} in {latest.get('period')}"
            if len(points) > 1
            else f": {latest.get('shown')} in {latest.get('period')}"
        )
        + "."
    ]
    if targets:
        described.append("The target for each financial year is drawn as a dashed line.")
    if standing.get("target"):
        rating = str(standing.get("rating_label", "")).lower()
        described.append(f"The latest value's target is {standing['target']}: {rating}.")
    described.append("The table beside the chart gives every value.")
    key = f"trend-{standing.get('pk', 'chart')}"
    return {
        "id": key,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right_edge": WIDTH - RIGHT,
        "top": TOP,
        "bottom_edge": TOP + PLOT_HEIGHT,
        "labels_y": TOP + PLOT_HEIGHT + 14,
        "points": drawn,
        "line": " ".join(f"{'M' if i == 0 else 'L'} {p['x']} {p['y']}" for i, p in enumerate(drawn)),
        "ticks": [
            {
                "y": _at(y_of(tick)),
                "label": ("Yes" if tick else "No") if is_yes_no else _tick_label(tick, unit),
            }
            for tick in ticks
        ],
        "targets": targets,
        "label_values": len(points) <= LABELLED_VALUES,
        "axis": {
            Indicator.Unit.PERCENTAGE: "Per cent",
            Indicator.Unit.RATE_PER_1000: "Rate per 1,000",
            Indicator.Unit.MONEY: "Pounds",
            Indicator.Unit.YES_NO: "Yes or no",
        }.get(unit, "Number"),
        "title": f"{standing.get('name', 'Indicator')}: values by reporting period",
        "description": " ".join(described),
    }
