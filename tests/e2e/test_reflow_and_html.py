"""One page of each type, as the demo administrator: it must reflow at 320 CSS px and be valid HTML.

WCAG 2.2 SC 1.4.10 (Reflow): at 320 CSS px wide nothing may need sideways scrolling, so each page
is opened at that width and must not be wider than the window; axe must still pass there. The HTML
the server sent for every page is then checked in one batch with the Nu HTML Checker (vnu), which
must report no errors (one Java start-up for the lot, because it is slow).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Membership, Partnership
from delivery.models import Action, ReportingPeriod
from meetings.models import Meeting
from priorities.models import Strategy
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
NARROW = {"width": 320, "height": 640}
VNU_JAR = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("JAVA") or shutil.which("java") or "/usr/bin/java"


def page_types() -> list[tuple[str, str]]:
    """(what, path) for one page of each type the administrator uses, from the demo's data."""
    partnership = Partnership.objects.get(slug=SLUG)
    strategy = Strategy.objects.filter(partnership=partnership).order_by("pk").first()
    period = ReportingPeriod.objects.for_partnership(partnership).latest_open()
    action = Action.objects.for_partnership(partnership).active().in_order().first()
    meeting = Meeting.objects.filter(partnership=partnership).order_by("-pk").first()
    member = Membership.objects.for_partnership(partnership).active().order_by("pk").first()
    slug = {"slug": SLUG}

    def url(name, **kwargs):
        return reverse(name, kwargs=slug | kwargs)

    return [
        ("home", reverse("accounts:home")),
        ("plan on a page", url("reports:plan")),
        ("My actions", url("delivery:my_actions")),
        ("delivery plan", url("delivery:action_list")),
        ("action", url("delivery:action_detail", pk=action.pk)),
        ("update form", url("delivery:progress_update", pk=action.pk)),
        ("action form", url("delivery:action_edit", pk=action.pk)),
        ("milestones", url("delivery:action_milestones", pk=action.pk)),
        ("period list", url("delivery:period_list")),
        ("period status", url("delivery:period_detail", pk=period.pk)),
        ("exception report", url("reports:exception_report")),
        ("exception rules", url("reports:exception_rules")),
        ("board asks", url("reports:board_asks")),
        ("meetings", url("meetings:meeting_list")),
        ("meeting", url("meetings:meeting_detail", pk=meeting.pk)),
        ("strategies", url("priorities:strategy_list")),
        ("strategy", url("priorities:strategy_detail", pk=strategy.pk)),
        ("strategy form", url("priorities:strategy_edit", pk=strategy.pk)),
        ("people", url("accounts:people")),
        ("invite form", url("accounts:person_invite")),
        ("person form", url("accounts:person_edit", pk=member.pk)),
        ("organisations", url("accounts:organisation_list")),
        ("administration", url("accounts:manage")),
        ("sign-ins", url("accounts:sign_in_log")),
        ("activity", url("reports:activity")),
        ("account", reverse("accounts:account")),
        ("accessibility statement", reverse("core:accessibility")),
    ]


def sideways_scroll(page) -> int:
    """How many CSS px wider than the window the document is (0 when it reflows)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def vnu_errors(documents: dict[str, str], folder: Path) -> list[str]:
    """The Nu HTML Checker's errors for the documents ({what: html}), checked in one run."""
    names = {}
    for index, (what, html) in enumerate(documents.items()):
        path = folder / f"page-{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = what
    result = subprocess.run(  # noqa: S603 (a fixed command on files this test wrote)
        [
            JAVA,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *sorted(map(str, folder.glob("page-*.html"))),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stderr.strip(), f"vnu gave no report (exit {result.returncode})"
    return [
        f"{names.get(Path(message.get('url', '')).name, message.get('url'))} line {message.get('lastLine')}: "
        f"{message.get('message')}\n    {message.get('extract', '').strip()}"
        for message in json.loads(result.stderr)["messages"]
    ]


def test_every_page_type_reflows_at_320_px_and_is_valid_html(page, live_server, sign_in, demo, tmp_path):
    if not VNU_JAR.exists():
        pytest.fail(f"The Nu HTML Checker is not at {VNU_JAR}: run `make test`, which installs it.")
    documents = {}
    problems = []

    def check(what, path):
        """Open the page at 320 px, note any sideways scroll or axe failure, and keep its HTML."""
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, (
            f"{what} ({path}) answered {response and response.status}"
        )
        documents[what] = response.text()
        if (excess := sideways_scroll(page)) > 0:
            problems.append(f"{what} ({path}) is {excess} px too wide at 320 px")
        try:
            assert_accessible(page)
        except AssertionError as failure:
            problems.append(f"{what} at 320 px: {failure}")

    page.set_viewport_size(NARROW)
    check("sign-in", reverse("login"))
    sign_in("demo-admin")
    for what, path in page_types():
        check(what, path)
    # An officer's own list has the "Update progress" column an administrator's may not.
    page.context.clear_cookies()
    sign_in("demo-officer")
    check("My actions, as an officer", reverse("delivery:my_actions", kwargs={"slug": SLUG}))

    assert not problems, "\n".join(problems)
    errors = vnu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)
