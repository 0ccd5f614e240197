"""An action's change history, and where history records of a partnership's things find their names.

Both read history through the shared engine in `core.history`. `partnership_lookups` says where the
objects a partnership's history refers to may be found, so that another partnership's names never
show; the activity page (in reports) adds the meetings side to it.
"""

from collections.abc import Callable

from django.db import models

from accounts.models import Membership, Organisation, Partnership, User
from core.history import Names, Revision, revisions
from delivery.models import Action, ReportingPeriod
from priorities.models import Priority, StrategicAmbition, Strategy


def partnership_lookups(partnership: Partnership) -> dict[type[models.Model], Callable[[], models.QuerySet]]:
    """The querysets that hold the people and the partnership's records up to delivery, for `Names`."""
    return {
        User: lambda: User.objects.all(),
        Partnership: lambda: Partnership.objects.filter(pk=partnership.pk),
        Membership: lambda: Membership.objects.filter(partnership=partnership).select_related("user"),
        Organisation: lambda: Organisation.objects.filter(partnership=partnership),
        Strategy: lambda: Strategy.objects.filter(partnership=partnership),
        Priority: lambda: Priority.objects.filter(strategy__partnership=partnership).select_related(
            "strategy"
        ),
        StrategicAmbition: lambda: StrategicAmbition.objects.filter(
            priority__strategy__partnership=partnership
        ).select_related("priority__strategy"),
        Action: lambda: Action.objects.for_partnership(partnership).select_related(
            "ambition__priority__strategy"
        ),
        ReportingPeriod: lambda: ReportingPeriod.objects.filter(partnership=partnership),
    }


def action_changes(action: Action) -> list[Revision]:
    """Who changed what on the action and when, newest first.

    The earliest record stands for the action's creation; after it, every record that changed a
    field shown or gave a reason (a save that changed nothing a reader sees is left out).
    """
    found = revisions(
        action.history.order_by("-history_date", "-history_id"),
        Names(partnership_lookups(action.partnership)),
    )
    return [revision for revision in found if revision.is_earliest or revision.changes or revision.reason]
