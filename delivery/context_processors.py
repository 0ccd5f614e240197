from django.utils.functional import SimpleLazyObject

from delivery.models import Action, ReportingPeriod


def updates_due(request):
    """How many progress updates the signed-in person owes in the partnership's open period."""
    partnership = getattr(request, "partnership", None)
    if partnership is None:
        return {}

    def count():
        period = ReportingPeriod.objects.for_partnership(partnership).latest_open()
        if period is None:
            return 0
        return (
            Action.objects.for_partnership(partnership).for_person(request.user).owing_update(period).count()
        )

    return {"updates_due_count": SimpleLazyObject(count)}
