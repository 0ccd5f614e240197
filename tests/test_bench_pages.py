"""`make bench`'s reading of a page's links (bench/pages.py): "exception report .pdf, checked again" follows
the progress page's "Check progress" link, whose address is written with HTML's escapes."""

from bench.pages import link_of

PROGRESS = """
<a class="govuk-link" href="/p/sbp/reports/exceptions/pdf/?period=3&amp;draft=7&amp;refresh=auto">Update
this page every 2 seconds</a>
<div class="govuk-button-group">
  <a class="govuk-button" href="/p/sbp/reports/exceptions/pdf/?period=3&amp;draft=7">
    Check progress
  </a>
</div>
"""


def test_a_link_is_found_by_its_text_with_its_address_unescaped():
    assert link_of(PROGRESS, "Check progress") == "/p/sbp/reports/exceptions/pdf/?period=3&draft=7"


def test_a_page_without_the_link_has_none():
    assert link_of(PROGRESS, "Try again") is None
