"""Who may update an action's progress: plain predicates, registered with django-rules."""

import rules

from accounts.rules import is_partnership_administrator as is_administrator_of


@rules.predicate
def is_action_owner(user, action) -> bool:
    """The person accountable for the action: its lead officer, else its lead organisation's
    nominated contact (`Action.accountable`)."""
    accountable = action.accountable
    return accountable is not None and accountable.pk == user.pk


@rules.predicate
def is_action_delegate(user, action) -> bool:
    return any(delegate.pk == user.pk for delegate in action.delegates.all())


@rules.predicate
def is_priority_lead(user, action) -> bool:
    return action.ambition.priority.lead_id == user.pk


@rules.predicate
def is_partnership_administrator(user, action) -> bool:
    return is_administrator_of(user, action.ambition.priority.strategy.partnership_id)


can_update_action = is_action_owner | is_action_delegate | is_priority_lead | is_partnership_administrator
can_manage_delegates = is_action_owner | is_partnership_administrator

rules.add_perm("delivery.update_action", can_update_action)
rules.add_perm("delivery.manage_delegates", can_manage_delegates)

# Partnership administration: reporting periods, the delivery plan's actions and milestones, and
# starting the next strategy. The object is the partnership in the URL.
can_administer_partnership = is_administrator_of

rules.add_perm("delivery.manage_reporting_periods", can_administer_partnership)
rules.add_perm("delivery.manage_actions", can_administer_partnership)
rules.add_perm("delivery.start_next_strategy", can_administer_partnership)

# Importing and exporting a delivery plan is for the partnership's administrators; the permission
# object is the partnership.
rules.add_perm("delivery.import_plan", is_administrator_of)
