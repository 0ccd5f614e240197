"""Who sees the risk register before the board, who releases it and who reviews a risk.

A register in preparation is for the partnership's administrators and the chairs and vice-chairs of its
boards and groups; every member sees what was last released to the board. A risk's owner (else its
organisation's nominated contact) sees and reviews their own risks at any time.
"""

import rules
from django.db.models import Q

from accounts.rules import asked_once_per_page, is_partnership_administrator


@rules.predicate
def chairs_a_body_of(user, partnership) -> bool:
    """The person chairs, or is vice-chair of, one of the partnership's boards or groups (one query,
    once a page: a register page asks it for each of its checks)."""
    partnership_id = getattr(partnership, "pk", partnership)
    bodies = user.bodies_chaired.model.objects.filter(
        Q(chair=user) | Q(vice_chair=user), partnership_id=partnership_id
    )
    return asked_once_per_page(user, partnership_id, "chairs_a_body", bodies.exists)


@rules.predicate
def is_risk_owner(user, risk) -> bool:
    accountable = risk.accountable
    return accountable is not None and accountable.pk == user.pk


@rules.predicate
def is_administrator_of_risk(user, risk) -> bool:
    return is_partnership_administrator(user, risk.register.partnership_id)


@rules.predicate
def chairs_a_body_of_risk(user, risk) -> bool:
    return chairs_a_body_of(user, risk.register.partnership_id)


sees_register_in_preparation = is_partnership_administrator | chairs_a_body_of

# On the partnership: the register as it stands, before it is released; and releasing it.
rules.add_perm("risks.see_register_in_preparation", sees_register_in_preparation)
rules.add_perm("risks.release_register", sees_register_in_preparation)
# On the partnership: adding and changing risks, the bands and the tolerance.
rules.add_perm("risks.manage_risks", is_partnership_administrator)
# On a risk: its page as it stands, and its review each period.
rules.add_perm("risks.view_risk", is_risk_owner | is_administrator_of_risk | chairs_a_body_of_risk)
rules.add_perm("risks.review_risk", is_risk_owner | is_administrator_of_risk)
