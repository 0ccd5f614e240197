"""Email reminders about risk reviews due: `manage.py send_review_reminders`, once a day.

It takes the options of `send_update_reminders` (`--today`, `--days-before`, `--days-after`,
`--dry-run`, with the same defaults from UPDATE_REMINDER_DAYS_BEFORE and _AFTER) and reminds on the
same days: risk reviews are due with the period's progress updates.
"""

from delivery.services.reminders import RemindersCommand
from risks.reminders import REVIEW_REMINDERS


class Command(RemindersCommand):
    help = (
        "Email each risk owner who has not reviewed an open risk for their partnership's latest open "
        "reporting period, when its update deadline is a reminder day today (some days before or after "
        "it): one email per person, at most once a day, recorded as review reminders. Run it once a "
        "day, for example from cron."
    )
    kind = REVIEW_REMINDERS
