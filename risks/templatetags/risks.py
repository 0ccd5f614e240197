"""Template tags of the risk register: a score with its band, and how the period's reviews stand."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from delivery.context_processors import open_periods
from risks.reminders import review_status as review_status_of
from risks.scoring import Band

register = template.Library()

BAND_COLOURS = {Band.LOW: "green", Band.MEDIUM: "yellow", Band.HIGH: "red"}


@register.simple_tag
def score_band(score, band):
    """A score with its band as a GOV.UK tag: "12 Medium". `band` is a Band or its value (as a frozen
    release stores it); with no score, "Not assessed"."""
    if score is None or not band:
        return "Not assessed"
    band = Band(band)
    return format_html(
        '{} <strong class="govuk-tag govuk-tag--{}">{}</strong>', score, BAND_COLOURS[band], band.label
    )


@register.inclusion_tag("risks/includes/_review_status.html", takes_context=True)
def review_status(context, partnership):
    """How the open risks' reviews stand for the latest open period, for those who see the register in
    preparation: `{% review_status partnership %}` (the button to send reminders is the
    administrators')."""
    user, request = context["user"], context.get("request")
    shown = user.has_perm("risks.see_register_in_preparation", partnership)
    status = None
    if shown:
        status = review_status_of(
            partnership=partnership,
            today=timezone.localdate(),
            open_periods=open_periods(request) if getattr(request, "partnership", None) else None,
        )
    return {
        "shown": shown,
        "status": status,
        "register": status.register if status else None,
        "period": status.period if status else None,
        "partnership": partnership,
        "can_send_reminders": shown and user.has_perm("risks.manage_risks", partnership),
        "csrf_token": context.get("csrf_token"),
    }
