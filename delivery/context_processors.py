from functools import lru_cache

from django.utils.functional import SimpleLazyObject

from delivery.models import Action, ReportingPeriod


def reported_periods(request) -> list[ReportingPeriod]:
    """The reporting periods of the partnership in the URL that have opened (all but the upcoming),
    newest first, the open ones each annotated `updates_owed` by the signed-in person (0 for the
    others): read once a request, as the navigation counts the open ones' and the reports choose
    among them."""
    if not hasattr(request, "reported_periods"):
        sql, params = _reported_periods_sql(request.partnership.pk, request.user.pk)
        request.reported_periods = list(ReportingPeriod.objects.raw(sql, params))
    return request.reported_periods


@lru_cache(maxsize=1024)
def _reported_periods_sql(partnership_id: int, user_id: int) -> tuple[str, tuple]:
    """The SQL of `reported_periods` for a partnership and a person, put together once a process: it
    depends on nothing else, and the ORM takes longer to build its correlated count through the plans'
    reporting rhythms than the database takes to run it."""
    mine = Action.objects.for_partnership(partnership_id).for_person(user_id)
    return (
        ReportingPeriod.objects.for_partnership(partnership_id)
        .exclude(state=ReportingPeriod.State.UPCOMING)
        .with_updates_owed(mine, open_only=True)
        .order_by("-starts_on")
        .query.sql_with_params()
    )


def open_periods(request) -> list[ReportingPeriod]:
    """The open ones of `reported_periods`, newest first."""
    return [period for period in reported_periods(request) if period.is_open]


def latest_open_period(request) -> ReportingPeriod | None:
    """The partnership's latest open period (`ReportingPeriod.objects.latest_open()`), from `open_periods`."""
    return next(iter(open_periods(request)), None)


def updates_due(request):
    """How many progress updates the signed-in person owes, across all the partnership's open periods."""
    if getattr(request, "partnership", None) is None:
        return {}
    return {"updates_due_count": SimpleLazyObject(lambda: sum(p.updates_owed for p in open_periods(request)))}
