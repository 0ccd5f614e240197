"""The indicators' pages for every member: the list for a strategy, and one indicator with its trend and
every value."""

from django.db.models import Exists, F, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from accounts.tenancy import PartnershipMixin
from core.dates import financial_year_label, financial_year_of
from delivery.context_processors import latest_open_period, open_periods
from indicators.models import Indicator, IndicatorValue
from indicators.numbers import number_as_text
from indicators.standing import indicators_with_targets, standing_of, target_of, value_in_words
from priorities.views.choice import StrategyChoiceMixin

# Strategy-wide indicators first, then each priority's in order (NULLs sort differently on each database).
IN_ORDER = (
    F("priority__order").asc(nulls_first=True),
    F("ambition__order").asc(nulls_first=True),
    "order",
    "pk",
)


class IndicatorListView(StrategyChoiceMixin, TemplateView):
    """The strategy's indicators, grouped by priority (the whole strategy's first), each with where it
    stands: its latest value, target, rating and direction of travel; and how many have a value for the
    partnership's latest open reporting period."""

    template_name = "indicators/indicator_list.html"
    nav_section = "indicators"

    def get_context_data(self, **kwargs):
        strategy = self.strategy
        period = latest_open_period(self.request)
        indicators = (
            list(
                indicators_with_targets(Indicator.objects.filter(strategy=strategy))
                .select_related("ambition__priority")
                .annotate(
                    has_value_now=Exists(
                        IndicatorValue.objects.filter(indicator=OuterRef("pk"), period=period)
                    )
                )
                .order_by(*IN_ORDER)
            )
            if strategy
            else []
        )
        entered = {indicator.pk for indicator in indicators if indicator.has_value_now}
        groups: list[dict] = []
        for indicator, standing in zip(indicators, standing_of(indicators, period=None), strict=True):
            if not groups or groups[-1]["priority_pk"] != indicator.priority_id:
                groups.append(
                    {"priority_pk": indicator.priority_id, "title": standing["priority"], "rows": []}
                )
            groups[-1]["rows"].append(
                {
                    **standing,
                    "unit_label": indicator.get_unit_display(),
                    "ambition": indicator.ambition,
                    "entered_now": indicator.pk in entered,
                }
            )
        return super().get_context_data(
            groups=groups,
            indicator_count=len(indicators),
            period=period,
            entered_count=len(entered),
            missing_count=len(indicators) - len(entered),
            **kwargs,
        )


class IndicatorMixin(PartnershipMixin):
    """The indicator in the URL, fetched through the partnership, with what its pages show."""

    url_objects = ("indicator",)
    nav_section = "indicators"

    @cached_property
    def indicator(self) -> Indicator:
        return get_object_or_404(
            indicators_with_targets(Indicator.objects.for_partnership(self.partnership)).select_related(
                "ambition__priority"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(indicator=self.indicator, **kwargs)


class IndicatorDetailView(IndicatorMixin, TemplateView):
    """An indicator: what it measures, its targets, its trend chart with every value in a table beside it."""

    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        indicator = self.indicator
        values = list(indicator.values.select_related("period", "entered_by").order_by("period__starts_on"))
        rows, before = [], None
        for value in values:
            target = target_of(indicator, value.period)
            rating = indicator.rating_of(value.value, target)
            direction = indicator.direction_of(value.value, before.value if before else None)
            rows.append(
                {
                    "period": value.period.name,
                    "value": value_in_words(value.value, indicator.unit),
                    "raw": str(value.value),
                    "target": value_in_words(target, indicator.unit),
                    "raw_target": "" if target is None else str(target),
                    "financial_year": financial_year_label(financial_year_of(value.period.ends_on)),
                    "rating": rating.value,
                    "rating_label": rating.label,
                    "direction_label": direction.label,
                    "note": value.note,
                    "entered_by": value.entered_by,
                    "updated_at": value.updated_at,
                }
            )
            before = value
        standing = standing_of([indicator], period=None)[0]
        # The chart shows every value, each with its year's target, where the standing keeps the latest few.
        chart = {
            **standing,
            "trend": [
                {
                    "period": row["period"],
                    "value": row["raw"],
                    "shown": row["value"],
                    "target": row["raw_target"],
                    "target_shown": row["target"],
                    "financial_year": row["financial_year"],
                }
                for row in rows
            ],
        }
        can_enter = self.request.user.has_perm("indicators.enter_value", indicator)
        return super().get_context_data(
            standing=standing,
            chart=chart,
            rows=list(reversed(rows)),
            targets=[
                (financial_year_label(t.financial_year), value_in_words(t.value, indicator.unit))
                for t in indicator.targets.all()
            ],
            open_periods=list(reversed(open_periods(self.request))) if can_enter else [],
            strategy=indicator.strategy,
            tolerance=number_as_text(indicator.tolerance_percent),
            **kwargs,
        )
