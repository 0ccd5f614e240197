"""Reporting periods: adding a financial year's quarters, and opening, locking and unlocking a period."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import Partnership
from core.dates import financial_year_label, long_date
from core.history import CHANGE_REASON_LENGTH
from delivery.models import ReportingPeriod

# Partnership administration -----------------------------------------------------------------------
#
# Reporting periods, the delivery plan's actions and milestones, and starting the next strategy.
# Only partnership administrators reach these (see delivery/rules.py).


def _financial_year_quarters(year: int) -> list[tuple[str, date, date]]:
    """The four quarters of the UK financial year that starts in April of `year`: name, start, end."""
    label = financial_year_label(year)
    starts = [
        date(year, 4, 1),
        date(year, 7, 1),
        date(year, 10, 1),
        date(year + 1, 1, 1),
        date(year + 1, 4, 1),
    ]
    return [(f"Q{n} {label}", starts[n - 1], starts[n] - timedelta(days=1)) for n in range(1, 5)]


@transaction.atomic
def reporting_periods_create_year(
    *, partnership: Partnership, year: int, days_to_deadline: int
) -> list[ReportingPeriod]:
    """Create the quarterly reporting periods of a financial year (April to March) that it lacks, as upcoming.

    A quarter that already exists exactly (same name and dates) is left as it is, so a year that is
    partly there is completed. Nothing is created when any other quarter would share its name with,
    or overlap the dates of, one of the partnership's existing periods, or when every quarter exists.
    """
    if days_to_deadline < 0:
        raise ValidationError({"days_to_deadline": "Enter 0 or more days."})
    # Serialise concurrent requests for the same partnership, so the clash check below holds.
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    quarters = _financial_year_quarters(year)
    existing = list(
        ReportingPeriod.objects.for_partnership(partnership)
        .filter(
            Q(name__in=[name for name, _, _ in quarters])
            | Q(starts_on__lte=quarters[-1][2], ends_on__gte=quarters[0][1])
        )
        .order_by("starts_on")
    )
    already = {(p.name, p.starts_on, p.ends_on) for p in existing}
    quarters = [quarter for quarter in quarters if quarter not in already]
    if not quarters:
        raise ValidationError({"year": "Every quarter of this financial year already exists."})
    clashes = [
        f"{name} clashes with the existing period {other.name} "
        f"({long_date(other.starts_on)} to {long_date(other.ends_on)})."
        for name, starts_on, ends_on in quarters
        for other in existing
        if other.name == name or (other.starts_on <= ends_on and other.ends_on >= starts_on)
    ]
    if clashes:
        raise ValidationError({"year": clashes})
    periods = []
    for name, starts_on, ends_on in quarters:
        period = ReportingPeriod(
            partnership=partnership,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            update_deadline=ends_on + timedelta(days=days_to_deadline),
            state=ReportingPeriod.State.UPCOMING,
        )
        period.full_clean()
        period.save()
        periods.append(period)
    return periods


@transaction.atomic
def reporting_period_transition(*, period: ReportingPeriod, to: str, reason: str = "") -> ReportingPeriod:
    """Open a period for updates, lock it, or unlock it, keeping the reason in its history.

    Locking freezes the period's progress updates. Unlocking needs a reason.
    """
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if to not in ReportingPeriod.State.values:
        raise ValidationError(f"{to!r} is not a state of a reporting period.")
    to = ReportingPeriod.State(to)
    change = next(
        (
            c.done
            for c in ReportingPeriod.CHANGES.values()
            if (c.from_state, c.to_state) == (period.state, to)
        ),
        None,
    )
    if change is None:
        raise ValidationError(
            f"{period} is {period.get_state_display().lower()}: "
            f"it cannot be made {to.label.lower()} from there."
        )
    reason = reason.strip()
    if change == "unlocked" and not reason:
        raise ValidationError({"reason": "Say why the period is being unlocked."})
    if len(reason) > CHANGE_REASON_LENGTH:
        raise ValidationError({"reason": f"The reason must be {CHANGE_REASON_LENGTH} characters or fewer."})
    period.state = to
    period._change_reason = reason or None
    period.full_clean()
    period.save()
    return period
