from django.utils.functional import SimpleLazyObject

from delivery.models import Action, ReportingPeriod


def updates_due(request):
    """How many progress updates the signed-in person owes, across all the partnership's open periods."""
    partnership = getattr(request, "partnership", None)
    if partnership is None:
        return {}

    def count():
        mine = Action.objects.for_partnership(partnership).for_person(request.user)
        periods = ReportingPeriod.objects.for_partnership(partnership).open().with_updates_owed(mine)
        return sum(period.updates_owed for period in periods)

    return {"updates_due_count": SimpleLazyObject(count)}
