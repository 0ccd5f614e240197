"""Who may run meetings and who may update a board action: plain predicates, registered with django-rules.

Every member of a partnership reads its meetings, minutes, attendance and action log (the page base
checks membership); administrators manage them; a board action's owner updates its progress.
"""

import rules

from accounts.rules import is_partnership_administrator


@rules.predicate
def is_board_action_owner(user, board_action) -> bool:
    return board_action.owner_id is not None and board_action.owner_id == user.pk


@rules.predicate
def is_administrator_of_board_action(user, board_action) -> bool:
    return is_partnership_administrator(user, board_action.meeting.partnership_id)


# On the partnership: bodies, meetings, agendas, minutes, documents, attendance and board actions.
rules.add_perm("meetings.manage_meetings", is_partnership_administrator)
# On a board action: its progress notes and whether it is open, done or no longer needed.
rules.add_perm("meetings.update_board_action", is_board_action_owner | is_administrator_of_board_action)
