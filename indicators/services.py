"""Writes to indicators: a value for a reporting period, entered by its owner, never saved over a later one."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.conflicts import lock_unchanged
from delivery.models import ReportingPeriod
from indicators.models import Indicator, IndicatorValue


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
    saved = lock_unchanged(IndicatorValue.objects.filter(indicator=indicator, period=period), version=version)
    entry = saved or IndicatorValue(indicator=indicator, period=period)
    entry.value, entry.note = value, note
    entry.entered_by = entry._history_user = entered_by
    entry.full_clean()
    entry.save()
    return entry
