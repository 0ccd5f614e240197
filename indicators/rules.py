"""Who manages indicators and who enters their values: plain predicates, registered with django-rules.

Every member reads a partnership's indicators; administrators add and change them; an indicator's owner
(else its organisation's nominated contact) or an administrator enters its values.
"""

import rules

from accounts.rules import is_partnership_administrator


@rules.predicate
def is_indicator_owner(user, indicator) -> bool:
    accountable = indicator.owner or indicator.owner_organisation.nominated_contact
    return accountable is not None and accountable.pk == user.pk


@rules.predicate
def is_administrator_of_indicator(user, indicator) -> bool:
    return is_partnership_administrator(user, indicator.strategy.partnership_id)


# On the partnership: adding, changing and importing indicators and their targets.
rules.add_perm("indicators.manage_indicators", is_partnership_administrator)
# On an indicator: entering its value for a reporting period.
rules.add_perm("indicators.enter_value", is_indicator_owner | is_administrator_of_indicator)
