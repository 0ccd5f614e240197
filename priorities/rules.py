"""Who may create and change a partnership's strategies: plain predicates, registered with django-rules.

The permission object is the partnership, so one check covers its strategies, priorities, strategic
ambitions, sign-offs and consultations. Every member may read them.
"""

import rules

from accounts.rules import is_partnership_administrator

rules.add_perm("priorities.change_strategy", is_partnership_administrator)
