"""The demo's performance indicators: each with its targets and a value for every period that has ended.

Indicators and their targets are written through `indicator_save`, as an administrator's form writes
them, and values through `indicator_value_save`, as the import enters past ones, each by the
indicator's owner; each only when it differs from what is saved. A value the data holds for a period
that has not ended, or that an owner has still to enter, is removed, so the values follow the periods
whenever the demo is loaded.
"""

from decimal import Decimal

from accounts.models import Organisation, Partnership, User
from core.conflicts import version_of
from delivery.models import ReportingPeriod
from demo.build.delivery import PeriodPlan, quarter_index
from demo.build.records import differs
from demo.specs import IndicatorSpec
from indicators.models import Indicator, IndicatorValue
from indicators.services import indicator_save, indicator_value_save
from priorities.models import Priority, StrategicAmbition, Strategy


def stale_indicator_values_remove(*, partnership: Partnership, plans: list[PeriodPlan]) -> None:
    """Remove the values held in reporting periods the demo no longer has, before those periods are."""
    stale = partnership.reporting_periods.exclude(name__in=[plan.name for plan in plans])
    IndicatorValue.objects.filter(period__in=stale).delete()


def _decimal(number: float) -> Decimal:
    return Decimal(str(number))


def _values_wanted(
    spec: IndicatorSpec, *, strategy: Strategy, periods: list[ReportingPeriod]
) -> dict[ReportingPeriod, tuple[Decimal, str]]:
    """The indicator's (value, note) for each period of the strategy that has ended and has one."""
    wanted = {}
    for period in periods:
        if period.state == ReportingPeriod.State.UPCOMING or period.ends_on > strategy.ends_on:
            continue
        if spec.entered_late and period.is_open:
            continue
        index = quarter_index(period.starts_on)
        value = spec.values[index] if 0 <= index < len(spec.values) else None
        if value is not None:
            wanted[period] = (_decimal(value), (spec.notes or {}).get(period.name, ""))
    return wanted


def _indicator_find(
    *, strategy: Strategy, priority: Priority, ambition: StrategicAmbition | None, order: int, name: str
) -> Indicator | None:
    """The indicator numbered `order` under its priority and ambition, else one of the same name there
    (one the demo made again after it was removed by hand, which `indicator_save` numbers last)."""
    siblings = Indicator.objects.filter(strategy=strategy, priority=priority, ambition=ambition)
    return siblings.filter(order=order).first() or siblings.filter(name=name).order_by("order").first()


def indicator_build(
    *,
    strategy: Strategy,
    order: int,
    spec: IndicatorSpec,
    ambitions: dict[str, StrategicAmbition],
    users: dict[str, User],
    organisations: dict[str, Organisation],
    periods: list[ReportingPeriod],
) -> Indicator:
    """The indicator numbered `order` under its priority and ambition, with its targets and values."""
    priority = strategy.priorities.get(title=spec.priority)
    ambition = ambitions[spec.ambition] if spec.ambition else None
    owner = users[spec.owner]
    fields = {
        "name": spec.name,
        "definition": spec.definition,
        "kind": spec.kind,
        "unit": spec.unit,
        "polarity": spec.polarity,
        "tolerance_percent": _decimal(spec.tolerance_percent),
        "baseline_value": _decimal(spec.baseline),
        "baseline_on": spec.baseline_on,
        "data_source": spec.data_source,
        "owner": owner,
        "owner_organisation": organisations[spec.owner_organisation],
        "frequency": spec.frequency,
    }
    targets = {year: _decimal(value) for year, value in spec.targets.items()}
    indicator = _indicator_find(
        strategy=strategy, priority=priority, ambition=ambition, order=order, name=spec.name
    )
    saved_targets = {t.financial_year: t.value for t in indicator.targets.all()} if indicator else {}
    if (
        indicator is None
        or saved_targets != targets
        or any(differs(indicator, name, value) for name, value in fields.items())
    ):
        version = version_of(indicator)
        indicator = indicator or Indicator(strategy=strategy, priority=priority, ambition=ambition)
        for name, value in fields.items():
            setattr(indicator, name, value)
        # A year the data gives no target for loses the one it has.
        targets_wanted = dict.fromkeys(saved_targets) | targets
        indicator = indicator_save(indicator=indicator, targets=targets_wanted, version=version)

    wanted = _values_wanted(spec, strategy=strategy, periods=periods)
    saved = {value.period_id: value for value in indicator.values.all()}
    for period, (value, note) in wanted.items():
        entry = saved.get(period.pk)
        if entry and (entry.value, entry.note, entry.entered_by_id) == (value, note, owner.pk):
            continue
        indicator_value_save(
            indicator=indicator,
            period=period,
            entered_by=owner,
            value=value,
            note=note,
            version=version_of(entry),
            period_must_be_open=False,
        )
    indicator.values.exclude(period__in=list(wanted)).delete()
    return indicator


def indicators_build(
    *,
    strategy: Strategy,
    specs: tuple[IndicatorSpec, ...],
    ambitions: dict[str, StrategicAmbition],
    users: dict[str, User],
    organisations: dict[str, Organisation],
    periods: list[ReportingPeriod],
) -> list[Indicator]:
    """The strategy's indicators in the order the specs give them, numbered under each priority and
    ambition as `indicator_save` numbers them."""
    orders: dict[tuple[str, str], int] = {}
    built = []
    for spec in specs:
        group = (spec.priority, spec.ambition)
        orders[group] = orders.get(group, 0) + 1
        built.append(
            indicator_build(
                strategy=strategy,
                order=orders[group],
                spec=spec,
                ambitions=ambitions,
                users=users,
                organisations=organisations,
                periods=periods,
            )
        )
    return built
