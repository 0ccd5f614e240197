"""Where each indicator stands at a reporting period: its latest value, target, rating and direction of
travel, as plain JSON-ready dicts that the pages, the plan on a page and the board paper share."""

from datetime import date
from decimal import Decimal

from core.dates import financial_year_of
from delivery.models import ReportingPeriod
from indicators.models import Indicator, IndicatorValue
from indicators.ratings import TargetRating

TREND_LENGTH = 8


def value_in_words(value: Decimal | None, unit: str) -> str:
    """A value as the board reads it: "12.5%", "£1,200", "3.2 per 1,000", "Yes", "1,234"; "" for none."""
    if value is None:
        return ""
    if unit == Indicator.Unit.YES_NO:
        return "Yes" if value else "No"
    number = value.normalize()
    places = max(0, -number.as_tuple().exponent)
    figure = f"{value:,.{(2 if places else 0) if unit == Indicator.Unit.MONEY else places}f}"
    if unit == Indicator.Unit.MONEY:
        return f"-£{figure[1:]}" if figure.startswith("-") else f"£{figure}"
    if unit == Indicator.Unit.PERCENTAGE:
        return f"{figure}%"
    if unit == Indicator.Unit.RATE_PER_1000:
        return f"{figure} per 1,000"
    return figure


def indicators_with_targets(queryset):
    """Indicators with what their standing reads, fetched together."""
    return queryset.select_related(
        "strategy__partnership", "priority", "ambition", "owner", "owner_organisation__nominated_contact"
    ).prefetch_related("targets")


def standing_of(indicators: list[Indicator], *, period: ReportingPeriod | None) -> list[dict]:
    """Each indicator's standing at `period` (its latest value up to the period's end; every value when
    there is no period), in the order given, in two queries whatever the number of indicators."""
    values = IndicatorValue.objects.filter(indicator__in=indicators).select_related("period")
    if period is not None:
        values = values.filter(period__starts_on__lte=period.starts_on)
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in values.order_by("period__starts_on"):
        by_indicator.setdefault(value.indicator_id, []).append(value)
    return [_standing(indicator, by_indicator.get(indicator.pk, [])) for indicator in indicators]


def off_target(standings: list[dict]) -> list[dict]:
    return [s for s in standings if s["rating"] == TargetRating.OFF_TARGET]


def target_of(indicator: Indicator, day_or_period: date | ReportingPeriod) -> Decimal | None:
    """The indicator's target for the financial year a day falls in, or a reporting period ends in (the
    year its values are rated against), from its targets as `indicators_with_targets` fetches them."""
    day = day_or_period.ends_on if isinstance(day_or_period, ReportingPeriod) else day_or_period
    year = financial_year_of(day)
    return next((t.value for t in indicator.targets.all() if t.financial_year == year), None)


def _standing(indicator: Indicator, values: list[IndicatorValue]) -> dict:
    latest = values[-1] if values else None
    before = values[-2] if len(values) > 1 else None
    target = target_of(indicator, latest.period) if latest else None
    rating = indicator.rating_of(latest.value if latest else None, target)
    direction = indicator.direction_of(latest.value if latest else None, before.value if before else None)
    unit = indicator.unit
    return {
        "pk": indicator.pk,
        "name": indicator.name,
        "url": indicator.get_absolute_url(),
        "priority_pk": indicator.priority_id,
        "priority": f"{indicator.priority.reference}. {indicator.priority.title}"
        if indicator.priority
        else "",
        "kind": indicator.get_kind_display(),
        "unit": unit,
        "polarity": indicator.get_polarity_display(),
        "owner": str(indicator.owner or ""),
        "owner_organisation": indicator.owner_organisation.name,
        "data_source": indicator.data_source,
        "baseline": value_in_words(indicator.baseline_value, unit),
        "period": latest.period.name if latest else "",
        "value": value_in_words(latest.value if latest else None, unit),
        "note": latest.note if latest else "",
        "target": value_in_words(target, unit),
        "rating": rating.value,
        "rating_label": rating.label,
        "direction": direction.value,
        "direction_label": direction.label,
        "trend": [
            {"period": v.period.name, "value": str(v.value), "shown": value_in_words(v.value, unit)}
            for v in values[-TREND_LENGTH:]
        ],
    }
