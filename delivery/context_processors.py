from django.utils.functional import SimpleLazyObject

from delivery.models import Action
from delivery.views import open_period_of


def updates_due(request):
    """How many progress updates the signed-in person owes in the partnership's open period."""
    partnership = getattr(request, "partnership", None)
    if partnership is None:
        return {}

    def count():
        period = open_period_of(partnership)
        if period is None:
            return 0
        return (
            Action.objects.for_partnership(partnership)
            .for_person(request.user)
            .expected_to_report(period)
            .with_update_for(period)
            .filter(period_update_submitted_at__isnull=True)
            .count()
        )

    return {"updates_due_count": SimpleLazyObject(count)}
