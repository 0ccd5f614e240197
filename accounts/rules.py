"""Partnership-wide roles as django-rules predicates, used by every app's own rules."""

import rules

from accounts.models import Membership


@rules.predicate
def is_partnership_administrator(user, partnership) -> bool:
    """The person is an active administrator of the partnership."""
    return Membership.objects.filter(
        user=user, partnership=partnership, role=Membership.Role.ADMINISTRATOR, is_active=True
    ).exists()


# Managing a partnership's people and organisations, and handing over someone's work.
rules.add_perm("accounts.administer_partnership", is_partnership_administrator)
