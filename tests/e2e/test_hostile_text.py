"""Hostile text in chromium: the three forms whose labels and hints carry user text stay put and show it.

A milestone title and an organisation name hold a meta refresh to another site and an image whose
onerror raises an alert (tests/security/test_no_markup.py writes them into every text field). Opening
the progress-update form, the sign-off form and the priority form fires no dialog, does not leave the
page, shows the text as text, and passes axe.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Organisation
from delivery.models import Milestone
from priorities.models import Priority
from tests.security.test_no_markup import IMAGE, REFRESH, hostile  # noqa: F401 - hostile is a fixture

pytestmark = pytest.mark.e2e

SETTLE_MS = 1500  # a meta refresh of 0 seconds, or an image's onerror, would have fired by then


def signed_in_as(page, live_server, user) -> None:
    """Give the browser a session signed in (second factor done) as the user."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def open_and_stay(page, visit, path) -> list[str]:
    """Open a page (axe runs on it), wait, and return the dialogs it raised; it must still be there."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visit(path)
    url = page.url
    page.wait_for_timeout(SETTLE_MS)
    assert page.url == url, f"{path} navigated away to {page.url}"
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    return dialogs


def test_hostile_labels_and_hints_stay_text_in_the_browser(page, visit, live_server, hostile):  # noqa: F811
    slug = hostile["slug"]
    milestone = Milestone.objects.get(pk=hostile["milestone"])
    organisation = Organisation.objects.get(pk=hostile["sign_off_organisation"])
    former_lead = Priority.objects.get(pk=hostile["priority"]).lead
    assert REFRESH in milestone.title and IMAGE in organisation.name and IMAGE in former_lead.get_full_name()

    signed_in_as(page, live_server, hostile["roles"]["officer"])
    path = reverse("delivery:progress_update", kwargs={"slug": slug, "pk": hostile["action"]})
    assert open_and_stay(page, visit, path) == []
    expect(page.locator("legend", has_text=milestone.title)).to_have_count(1)

    signed_in_as(page, live_server, hostile["roles"]["administrator"])
    path = reverse("priorities:sign_off_edit", kwargs={"slug": slug, "pk": hostile["strategy"]})
    assert open_and_stay(page, visit, f"{path}?organisation={organisation.pk}") == []
    expect(page.locator("legend", has_text=f"What has {organisation.name} decided?")).to_have_count(1)

    path = reverse("priorities:priority_edit", kwargs={"slug": slug, "pk": hostile["priority"]})
    assert open_and_stay(page, visit, path) == []
    expect(
        page.locator(".govuk-hint", has_text=f"{former_lead} is no longer an active member")
    ).to_have_count(1)
