"""Writes to indicators: a value for a reporting period, entered by its owner, never saved over a later one;
an indicator with its targets by financial year."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from core.conflicts import lock_unchanged
from delivery.models import ReportingPeriod
from indicators.models import Indicator, IndicatorTarget, IndicatorValue


@transaction.atomic
def indicator_value_save(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    entered_by: User,
    value: Decimal,
    note: str,
    version: str,
    period_must_be_open: bool = True,
) -> IndicatorValue:
    """Enter or correct an indicator's value for a period, unless someone saved it since the form was opened
    at `version` (EditConflict). The form enters values for open periods; an import brings in past ones."""
    # The indicator's lock queues saves of its value, even the first one, which has no row to lock.
    indicator = Indicator.objects.select_for_update().select_related("strategy").get(pk=indicator.pk)
    period = ReportingPeriod.objects.get(pk=period.pk)
    if period.partnership_id != indicator.strategy.partnership_id:
        raise ValidationError("Choose a reporting period of the partnership.")
    if period_must_be_open and not period.is_open:
        raise ValidationError(f"{period} is locked: its values can no longer be changed.")
    # Ordered by id: the model's ordering joins the indicator's optional priority, and PostgreSQL locks no
    # row on the nullable side of an outer join.
    saved = lock_unchanged(
        IndicatorValue.objects.filter(indicator=indicator, period=period).order_by("pk"), version=version
    )
    entry = saved or IndicatorValue(indicator=indicator, period=period)
    entry.value, entry.note = value, note
    entry.entered_by = entry._history_user = entered_by
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def indicator_save(
    *, indicator: Indicator, targets: dict[int, Decimal | None], version: str, saved_by: User | None = None
) -> Indicator:
    """Add an indicator, or save its changes unless someone saved it since the form was opened at `version`
    (EditConflict), with its target for each financial year in `targets` (None removes a year's target;
    years not given are left as they are). A new indicator goes after its siblings."""
    if indicator.pk is not None:
        lock_unchanged(Indicator.objects.filter(pk=indicator.pk).order_by("pk"), version=version)
    else:
        siblings = Indicator.objects.filter(
            strategy_id=indicator.strategy_id,
            priority_id=indicator.priority_id,
            ambition_id=indicator.ambition_id,
        )
        indicator.order = (siblings.aggregate(last=Max("order"))["last"] or 0) + 1
    if saved_by is not None:
        indicator._history_user = saved_by
    indicator.full_clean()
    if (
        indicator.pk is not None
        and indicator.is_yes_no
        and IndicatorValue.objects.filter(indicator=indicator).exclude(value__in=[0, 1]).exists()
    ):
        raise ValidationError(
            {"unit": "The indicator has values other than 1 and 0, so it cannot be a yes or no indicator."}
        )
    # Saved at every change, targets alone included, so that its version tells every form of the change.
    indicator.save()
    saved = {t.financial_year: t for t in IndicatorTarget.objects.filter(indicator=indicator)}
    for year, value in sorted(targets.items()):
        target = saved.get(year)
        if value is None:
            if target is not None:
                target.delete()
            continue
        target = target or IndicatorTarget(indicator=indicator, financial_year=year)
        if target.pk is not None and target.value == value:
            continue
        target.value = value
        target.full_clean()
        target.save()
    if (
        indicator.is_yes_no
        and IndicatorTarget.objects.filter(indicator=indicator).exclude(value__in=[0, 1]).exists()
    ):
        raise ValidationError("A yes or no indicator's targets are 1 for yes or 0 for no: change them first.")
    return indicator
