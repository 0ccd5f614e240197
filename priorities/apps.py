from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = "Strategies and priorities"

    def ready(self):
        """Contribute what this app hands over when a person's work is handed over (accounts.handover)."""
        from accounts.handover import hand_over_register
        from priorities.handover import PRIORITIES

        for kind in (PRIORITIES,):
            hand_over_register(kind)
