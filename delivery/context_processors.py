from django.utils.functional import SimpleLazyObject

from delivery.models import Action, ReportingPeriod


def open_periods(request) -> list[ReportingPeriod]:
    """The open reporting periods of the partnership in the URL, newest first, each annotated
    `updates_owed` by the signed-in person: read once a request, as the navigation counts them and a
    page may show the latest."""
    if not hasattr(request, "open_periods"):
        partnership = request.partnership
        mine = Action.objects.for_partnership(partnership).for_person(request.user)
        request.open_periods = list(
            ReportingPeriod.objects.for_partnership(partnership)
            .open()
            .with_updates_owed(mine)
            .order_by("-starts_on")
        )
    return request.open_periods


def latest_open_period(request) -> ReportingPeriod | None:
    """The partnership's latest open period (`ReportingPeriod.objects.latest_open()`), from `open_periods`."""
    return next(iter(open_periods(request)), None)


def updates_due(request):
    """How many progress updates the signed-in person owes, across all the partnership's open periods."""
    if getattr(request, "partnership", None) is None:
        return {}
    return {"updates_due_count": SimpleLazyObject(lambda: sum(p.updates_owed for p in open_periods(request)))}
