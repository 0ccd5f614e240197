from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery plan"

    def ready(self):
        """Contribute what this app hands over when a person's work is handed over (accounts.handover)."""
        from accounts.handover import hand_over_register
        from delivery.handover import ACTIONS, DELEGATIONS

        for kind in (
            ACTIONS,
            DELEGATIONS,
        ):
            hand_over_register(kind)
