"""A list's filter select (`core.forms.FilterSelect`) draws what Django's Select draws, faster."""

import re

import pytest
from django import forms

from core.forms import FilterSelect

CHOICES = [
    ("", "All"),
    ("Safer streets", [(1, "1. Knife crime <b>down</b>"), (2, "Ïñtërnâtiônàl 'quotes' & \"more\"")]),
    ("Strategy <i>2025</i>", [(3, "2. Violence against women and girls")]),
    (4, "Not in a group"),
    ('"><b>', "A value with markup"),
]
ATTRS = {"class": "govuk-select app-full-width", "id": "id_priority"}


def normalised(html: str) -> str:
    """The HTML without the whitespace between tags, where the two differ."""
    return re.sub(r">\s+<", "><", str(html).strip())


@pytest.mark.parametrize("value", [None, "", "2", 3, "4", "999", "<script>"])
def test_it_draws_the_html_djangos_select_draws(value):
    ours = FilterSelect(attrs=ATTRS, choices=CHOICES).render("priority", value)

    assert normalised(ours) == normalised(
        forms.Select(attrs=ATTRS, choices=CHOICES).render("priority", value)
    )
    assert "<b>" not in ours and "<i>" not in ours and "<script>" not in ours
    assert ours.count(" selected") == (1 if str(value) in {"None", "", "2", "3", "4"} else 0)
