"""The one way a meetings service refuses what a record names from outside its partnership.

Each check is a row (field, pk, the records of the partnership it may name, message): a pk that is not
None and not among those records is an error on its field. The querysets below are the partnership's
records a meeting, an agenda item, a board action or a body may name, each built from the app's own
partnership querysets.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import Membership, Organisation, User
from delivery.models import Action, ProgressUpdate
from priorities.models import Priority

Check = tuple[str, int | None, QuerySet, str]


def active_members(partnership_id: int) -> QuerySet[User]:
    """The people who are active members of the partnership."""
    return User.objects.filter(
        pk__in=Membership.objects.active().for_partnership(partnership_id).values("user_id")
    )


def organisations(partnership_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partnership_id=partnership_id)


def actions(partnership_id: int) -> QuerySet[Action]:
    return Action.objects.for_partnership(partnership_id)


def priorities(partnership_id: int) -> QuerySet[Priority]:
    return Priority.objects.filter(strategy__partnership_id=partnership_id)


def board_asks(partnership_id: int) -> QuerySet[ProgressUpdate]:
    """Progress updates of the partnership's actions: what a board ask names."""
    return ProgressUpdate.objects.filter(action__ambition__priority__strategy__partnership_id=partnership_id)


def outside_errors(checks: Iterable[Check]) -> dict[str, str]:
    """{field: message} for each check whose pk is given but not among its records (one query each)."""
    return {
        field: message
        for field, pk, records, message in checks
        if pk is not None and not records.filter(pk=pk).exists()
    }


def refuse_outside(checks: Iterable[Check]) -> None:
    """Raise a ValidationError on every field whose pk is given but not among its records."""
    errors = outside_errors(checks)
    if errors:
        raise ValidationError(errors)
