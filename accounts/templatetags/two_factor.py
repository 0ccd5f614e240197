"""How the signed-in person signs in, for "Your account"."""

from django import template
from django.conf import settings

from accounts.sessions import duration_in_words
from accounts.two_factor import authenticator_for, recovery_codes_left, two_factor_required

register = template.Library()


@register.simple_tag
def two_factor_status(user) -> dict:
    """Whether the person has an authenticator app, must have one, and how many recovery codes are left."""
    return {
        "has_authenticator": authenticator_for(user) is not None,
        "is_required": two_factor_required(user),
        "recovery_codes_left": recovery_codes_left(user),
    }


@register.simple_tag
def session_limits() -> dict:
    """The session limits in words, for the page that explains them."""
    return {
        "idle": duration_in_words(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "absolute": duration_in_words(settings.SESSION_ABSOLUTE_LIMIT.total_seconds()),
    }
