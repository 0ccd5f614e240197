from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        """Contribute what this app hands over when a person's work is handed over (accounts.handover)."""
        from accounts.handover import hand_over_register
        from meetings.handover import BOARD_ACTIONS

        for kind in (BOARD_ACTIONS,):
            hand_over_register(kind)
