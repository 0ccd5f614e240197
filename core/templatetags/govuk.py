"""Template filters for GOV.UK Frontend markup."""

import re
from datetime import date

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html_join

from core import dates
from core.ratings import DIRECTION_COMPARED, DIRECTION_LEGEND, DIRECTION_OF_A_GROUP
from core.text import lead_in_words
from core.timescales import timescale_of

register = template.Library()


@register.filter(is_safe=True)
def govuk_paragraphs(text):
    """Plain text as GOV.UK body paragraphs: a blank line starts a paragraph, a newline breaks a line."""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text or "").replace("\r\n", "\n")) if p.strip()]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((linebreaksbr(p.strip()),) for p in paragraphs),
    )


@register.filter
def long_date(value):
    """A date, or an ISO date string from a frozen report, as "31 March 2027"."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return dates.long_date(value)


@register.simple_tag
def due_in_words(due_on, written="", revised_on=None, original_due_on=None, reason=""):
    """A due timescale as "31 March 2027", "Q3 2026/27" or "Ongoing", with "(revised from 31 December
    2026: reason)" once it has been revised (from "Ongoing" when it had no date); dates may be ISO
    strings from a frozen report."""
    text = timescale_of(_date_of(due_on), written or "")
    if not revised_on:
        return text
    was = timescale_of(_date_of(original_due_on))
    return f"{text} (revised from {was}: {reason})" if reason else f"{text} (revised from {was})"


def _date_of(value):
    return date.fromisoformat(value) if isinstance(value, str) and value else value or None


@register.simple_tag
def lead_of(organisation, person, none="Not assigned"):
    """A lead as the board reads it, agency first: "London Borough of Bromley (Helen Ward)"."""
    return lead_in_words([str(organisation)] if organisation else [], str(person or "")) or none


@register.simple_tag
def direction_legend():
    """What each direction of travel means, for `includes/_direction_legend.html`."""
    return {"compared": DIRECTION_COMPARED, "terms": DIRECTION_LEGEND, "of_a_group": DIRECTION_OF_A_GROUP}


@register.filter
def get_item(mapping, key):
    """A dict's value by a key held in a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def subtract(value, other):
    return value - other
