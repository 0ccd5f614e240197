"""A browser journey through overlapping reporting periods: an administrator unlocks the previous
quarter for a return that never came, the officer writes it as a late return while the current
quarter is open, and it is seen in that quarter's exception report. Every page is checked with axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from delivery.models import Action, ProgressUpdate, ReportingPeriod
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"


def literal(text: str) -> str:
    """Text as a regular expression matching it exactly; "/" escaped too, which Playwright's selectors need."""
    return re.escape(text).replace("/", r"\/")


def heading(page):
    return page.get_by_role("heading", level=1)


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_a_late_return_to_an_unlocked_earlier_period_is_written_and_reported(page, visit, sign_in, demo):
    current = ReportingPeriod.objects.get(partnership__slug=SLUG, state=ReportingPeriod.State.OPEN)
    earlier = current.previous()
    assert earlier is not None and earlier.state == ReportingPeriod.State.LOCKED
    # The return that never came: one of the officer's updates to the earlier quarter is missing.
    missing = ProgressUpdate.objects.filter(
        period=earlier, action__owner__username="demo-officer", submitted_at__isnull=False
    ).first()
    action = Action.objects.get(pk=missing.action_id)
    missing.delete()

    sign_in("demo-admin")
    visit(reverse("delivery:period_detail", kwargs={"slug": SLUG, "pk": earlier.pk}))
    page.get_by_role("link", name="Unlock this period").click()
    page.get_by_label("Why is the period being unlocked?").fill("Late Met Police return")
    submit(page, "Unlock the period")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{earlier.name} is open for updates."
    )
    page.locator(".app-header").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    sign_in("demo-officer")
    visit(reverse("delivery:my_actions", kwargs={"slug": SLUG}))
    inset = page.locator(".govuk-inset-text").text_content()
    assert inset.index(f"{earlier.name} is open") < inset.index(f"{current.name} is open")
    late_link = page.get_by_role("link", name=f"Update progress on {action} for {earlier.name}", exact=True)
    expect(late_link).to_be_visible()
    current_name = literal(current.name)
    current_links = page.get_by_role("link", name=re.compile(rf"^Update progress on .* for {current_name}$"))
    expect(current_links.first).to_be_visible()
    late_link.click()
    expect(heading(page)).to_have_text(f"Update progress for {earlier.name}")
    expect(page.locator("main")).to_contain_text("this is a late return")
    assert_accessible(page)

    narrative = "Met Police figures arrived late: patrols doubled in the hotspot wards."
    page.get_by_role("radio", name="Amber", exact=True).check()
    page.get_by_label("Progress this period").fill(narrative)
    page.get_by_label("Mitigation or corrective action").fill("Extra patrols funded to March.")
    submit(page, "Submit update")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Progress update for {earlier.name} submitted."
    )
    update = ProgressUpdate.objects.get(action=action, period=earlier)
    assert update.is_submitted and update.narrative == narrative
    assert not ProgressUpdate.objects.filter(action=action, period=current, narrative=narrative).exists()

    visit(reverse("reports:exception_report", kwargs={"slug": SLUG}) + f"?period={earlier.pk}")
    expect(heading(page)).to_have_text(f"Exception report: {earlier.name}")
    expect(page.locator("main")).to_contain_text(narrative)
