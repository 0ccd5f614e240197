"""Password rules of the service's own, beside Django's validators (settings.AUTH_PASSWORD_VALIDATORS)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

# Words anyone attacking this service would try first: what it is and whom it serves.
CONTEXT_WORDS = ("partnership", "community", "safety", "safer", "tracker", "strategy", "delivery")


def context_words(user=None) -> set[str]:
    """The words a password here must not be built on: the service's and the person's partnerships'."""
    names = [settings.SERVICE_NAME, *CONTEXT_WORDS]
    if user is not None and user.pk is not None:
        for name, short_name, slug in user.memberships.values_list(
            "partnership__name", "partnership__short_name", "partnership__slug"
        ):
            names += [name, short_name, slug]
    return {word for name in names for word in re.findall(r"[a-z0-9]+", name.lower()) if len(word) >= 4}


class ContextWordsValidator:
    """Refuse a password that is mostly the service's or the person's partnership's words ("Bromley2024!")."""

    message = (
        "Your password is too like the name of this service or your partnership. Choose a different one."
    )

    def validate(self, password: str, user=None) -> None:
        letters = password.lower()
        used = sum(len(word) for word in context_words(user) if word in letters)
        if used * 2 >= len(password):
            raise ValidationError(self.message, code="password_context_words")

    def get_help_text(self) -> str:
        return "Your password cannot be mostly the name of this service or your partnership."
