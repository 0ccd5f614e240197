"""Email reminders about progress updates due: `manage.py send_update_reminders`, once a day."""

from delivery.services.reminders import UPDATE_REMINDERS, RemindersCommand


class Command(RemindersCommand):
    help = (
        "Email each person who owes progress updates in an open reporting period whose update "
        "deadline is a reminder day today (some days before or after it): one email per person, "
        "at most once a day, recorded as update reminders. Run it once a day, for example from cron."
    )
    kind = UPDATE_REMINDERS
