"""Who may publish exception reports, choose the exception rules and see who changed what."""

import rules

from accounts.rules import is_partnership_administrator

rules.add_perm("reports.publish_exception_report", is_partnership_administrator)
rules.add_perm("reports.change_exception_rules", is_partnership_administrator)
rules.add_perm("reports.view_activity", is_partnership_administrator)
