from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and partnerships"

    def ready(self):
        """Hand over the organisations a person is the nominated contact for (accounts.handover)."""
        from accounts.handover import NOMINATIONS, hand_over_register

        hand_over_register(NOMINATIONS)
