"""Every page type, as the people who see it: it must reflow at 320 CSS px and be valid HTML.

WCAG 2.2 SC 1.4.10 (Reflow): at 320 CSS px wide nothing may need sideways scrolling, so each page
is opened at that width and must not be wider than the window; axe must still pass there. The HTML
the server sent for every page is then checked in one batch with the Nu HTML Checker (vnu), which
must report no errors (one Java start-up for the lot, because it is slow).

The pages come from the URL resolver: every URL whose view answers GET must be checked here or be in
NOT_PAGES with the reason, so a new page cannot be added without being checked. Forms are also
checked showing their errors (the GOV.UK error summary), and the 403 and 404 pages.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp.oath import TOTP

from accounts.models import Membership, Organisation, Partnership, User
from accounts.services import invitation_send
from accounts.two_factor import two_factor_required
from delivery.models import Action, Milestone, PlanImport, ReportingPeriod
from demo.data.northfield import NORTHFIELD_SLUG
from indicators.models import Indicator
from meetings.models import AgendaItem, BoardAction, Meeting, SupportingDocument
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy
from reports.models import DraftPaperFile, ExceptionReport
from risks.models import Risk, RiskRegisterRelease
from tests.accounts.two_factor_support import authenticator, code_for
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible
from tests.test_access_matrix import accepts
from tests.urls import url_patterns

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
NARROW = {"width": 320, "height": 640}
VNU_JAR = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("JAVA") or shutil.which("java") or "/usr/bin/java"
# A task queue that keeps what is enqueued without running it, so that a draft paper waits to be made.
A_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
LINK = {
    "invitation": re.compile(r"/accounts/invitation/[^/\s]+/"),
    "password reset": re.compile(r"/accounts/password/reset/[^/\s]+/[^/\s]+/"),
}

# URLs that answer GET but are not HTML pages of their own, so there is nothing to reflow or validate.
# (Class-based views that take POST alone, such as sign-out and the moves, are left out by get_pages.)
NOT_PAGES = {
    "core:healthz": "plain-text health check for the load balancer",
    "core:security_txt": "plain-text security.txt",
    "core:favicon": "a permanent redirect to the icon file",
    "accounts:session_status": "JSON for the session timeout warning",
    "accounts:session_extend": "POST only (the timeout warning's 'stay signed in')",
    "accounts:sign_out_everywhere": "POST only",
    "reports:published_report_download": "a .docx/.pdf download",
    "delivery:plan_import_template": "an .xlsx download",
    "delivery:plan_export": "an .xlsx download",
    "meetings:document_download": "a supporting document's file as a download, or a redirect to its link",
    "meetings:meeting_agenda_docx": "a .docx download (the print page meetings:meeting_agenda is checked)",
    "meetings:meeting_minutes_docx": "a .docx download (the print page meetings:meeting_minutes is checked)",
}


def get_pages() -> set[str]:
    """The names of every URL whose view answers GET (a function view is assumed to)."""
    return {name for name, _, pattern in url_patterns() if accepts(pattern, "get") is not False}


def url_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return "404"


def admin_pages() -> list[tuple[str, str]]:
    """(what, path) for one page of each type an administrator uses, from the demo's data."""
    partnership = Partnership.objects.get(slug=SLUG)
    strategy = (
        Strategy.objects.filter(partnership=partnership, status="adopted", levels=3).order_by("-pk").first()
    )
    two_level = Strategy.objects.filter(partnership=partnership, levels=2).order_by("pk").first()
    priority = Priority.objects.filter(strategy=strategy).order_by("order", "pk").first()
    ambition = StrategicAmbition.objects.filter(priority=priority).order_by("order", "pk").first()
    consultation = Consultation.objects.filter(strategy__partnership=partnership).order_by("pk").first()
    sign_off = SignOff.objects.filter(strategy=strategy).order_by("pk").first()
    periods = ReportingPeriod.objects.for_partnership(partnership)
    period = periods.latest_open()
    upcoming = periods.filter(state="upcoming").order_by("pk").first()
    locked = periods.filter(state="locked").order_by("-pk").first()
    actions = Action.objects.for_partnership(partnership)
    action = actions.active().in_order().first()
    completed = actions.filter(status="completed").order_by("pk").first()
    milestone = Milestone.objects.filter(action__in=actions).order_by("pk").first()
    meeting = Meeting.objects.filter(partnership=partnership).order_by("-pk").first()
    agenda_item = AgendaItem.objects.filter(meeting__partnership=partnership).order_by("pk").first()
    document = SupportingDocument.objects.filter(agenda_item=agenda_item).first() or (
        SupportingDocument.objects.create(
            agenda_item=agenda_item, title="Strategic assessment", url="https://example.org/assessment.pdf"
        )
    )
    minuted = Meeting.objects.filter(
        partnership=partnership, title="Safer Bromley Partnership Board"
    ).earliest("held_on")
    board_action = BoardAction.objects.for_partnership(partnership).order_by("pk").first()
    officer = Membership.objects.for_partnership(partnership).active().get(user__username="demo-officer")
    organisation = Organisation.objects.filter(partnership=partnership).order_by("pk").first()
    risk = Risk.objects.for_partnership(partnership).order_by("pk").first()
    release = RiskRegisterRelease.objects.filter(register__partnership=partnership).latest("released_at")
    indicator = Indicator.objects.for_partnership(partnership).order_by("pk").first()
    slug = {"slug": SLUG}

    def url(name, **kwargs):
        return reverse(name, kwargs=slug | kwargs)

    return [
        ("plan on a page", url("reports:plan")),
        ("My actions", url("delivery:my_actions")),
        ("delivery plan", url("delivery:action_list")),
        ("action", url("delivery:action_detail", pk=action.pk)),
        ("update form", url("delivery:progress_update", pk=action.pk)),
        ("update form for a period", url("delivery:progress_update_for", pk=action.pk, period_pk=locked.pk)),
        ("delegates", url("delivery:action_delegates", pk=action.pk)),
        ("reopen a completed action", url("delivery:action_reopen", pk=completed.pk)),
        ("action form", url("delivery:action_edit", pk=action.pk)),
        ("new action form", url("delivery:action_create", ambition_pk=ambition.pk)),
        ("new action form of a two-level plan", url("delivery:strategy_action_create", pk=two_level.pk)),
        ("milestones", url("delivery:action_milestones", pk=action.pk)),
        ("milestone form", url("delivery:milestone_edit", pk=milestone.pk)),
        ("period list", url("delivery:period_list")),
        ("new reporting year", url("delivery:period_year_create")),
        ("period status", url("delivery:period_detail", pk=period.pk)),
        ("open a period", url("delivery:period_open", pk=upcoming.pk)),
        ("lock a period", url("delivery:period_lock", pk=period.pk)),
        ("unlock a period", url("delivery:period_unlock", pk=locked.pk)),
        ("period deadline", url("delivery:period_deadline", pk=period.pk)),
        ("import the plan", url("delivery:plan_import")),
        ("start the next strategy", url("delivery:strategy_start_next", pk=strategy.pk)),
        ("exception report", url("reports:exception_report")),
        ("exception rules", url("reports:exception_rules")),
        ("board asks", url("reports:board_asks")),
        ("meetings", url("meetings:meeting_list")),
        ("meeting", url("meetings:meeting_detail", pk=meeting.pk)),
        ("new meeting form", url("meetings:meeting_create")),
        ("meeting form", url("meetings:meeting_edit", pk=meeting.pk)),
        ("boards and groups", url("meetings:body_list")),
        ("new board or group form", url("meetings:body_create")),
        ("board or group form", url("meetings:body_edit", pk=meeting.body_id)),
        ("new agenda item form", url("meetings:agenda_item_create", pk=meeting.pk)),
        ("agenda item form", url("meetings:agenda_item_edit", pk=agenda_item.pk)),
        ("remove an agenda item", url("meetings:agenda_item_remove", pk=agenda_item.pk)),
        ("new document form", url("meetings:agenda_item_document_add", pk=agenda_item.pk)),
        ("remove a document", url("meetings:document_remove", pk=document.pk)),
        ("agenda for print", url("meetings:meeting_agenda", pk=minuted.pk)),
        ("minutes for print", url("meetings:meeting_minutes", pk=minuted.pk)),
        ("record attendance", url("meetings:meeting_attendance", pk=meeting.pk)),
        ("attendance report", url("meetings:attendance_report")),
        ("board action log", url("meetings:board_action_list")),
        ("new board action form", url("meetings:meeting_board_action_create", pk=meeting.pk)),
        ("board action", url("meetings:board_action_detail", pk=board_action.pk)),
        ("board action form", url("meetings:board_action_edit", pk=board_action.pk)),
        ("board action progress form", url("meetings:board_action_progress", pk=board_action.pk)),
        ("risk register", url("risks:register")),
        ("risk register, one cell of the heat map", url("risks:register") + "?likelihood=3&impact=4"),
        ("release the risk register", url("risks:register_release")),
        ("risk register releases", url("risks:release_list")),
        ("a release of the risk register", url("risks:release_detail", pk=release.pk)),
        ("risk register settings", url("risks:register_settings")),
        ("new risk form", url("risks:risk_create")),
        ("risk", url("risks:risk_detail", pk=risk.pk)),
        ("risk form", url("risks:risk_edit", pk=risk.pk)),
        ("risk review form", url("risks:risk_review", pk=risk.pk)),
        ("indicators", url("indicators:indicator_list")),
        ("new indicator form", url("indicators:indicator_create")),
        ("indicator", url("indicators:indicator_detail", pk=indicator.pk)),
        ("indicator form", url("indicators:indicator_edit", pk=indicator.pk)),
        ("indicator value form", url("indicators:value_enter", pk=indicator.pk, period_pk=period.pk)),
        ("import indicator values", url("indicators:value_import")),
        ("strategies", url("priorities:strategy_list")),
        ("strategy", url("priorities:strategy_detail", pk=strategy.pk)),
        ("two-level strategy", url("priorities:strategy_detail", pk=two_level.pk)),
        ("new strategy form", url("priorities:strategy_create")),
        ("strategy form", url("priorities:strategy_edit", pk=strategy.pk)),
        ("strategy status", url("priorities:strategy_transition", pk=strategy.pk)),
        (
            "sign-off form",
            url("priorities:sign_off_edit", pk=strategy.pk) + f"?organisation={sign_off.organisation_id}",
        ),
        ("new priority form", url("priorities:priority_create", pk=strategy.pk)),
        ("priority form", url("priorities:priority_edit", pk=priority.pk)),
        ("new ambition form", url("priorities:ambition_create", pk=priority.pk)),
        ("ambition form", url("priorities:ambition_edit", pk=ambition.pk)),
        ("new consultation form", url("priorities:consultation_create", pk=strategy.pk)),
        ("consultation form", url("priorities:consultation_edit", pk=consultation.pk)),
        ("people", url("accounts:people")),
        ("invite form", url("accounts:person_invite")),
        ("person form", url("accounts:person_edit", pk=officer.pk)),
        ("hand over", url("accounts:person_hand_over", pk=officer.pk)),
        ("deactivate a person", url("accounts:person_deactivate", pk=officer.pk)),
        ("reactivate a person", url("accounts:person_reactivate", pk=officer.pk)),
        ("organisations", url("accounts:organisation_list")),
        ("partnership settings", url("accounts:partnership_settings")),
        ("new organisation form", url("accounts:organisation_create")),
        ("organisation form", url("accounts:organisation_edit", pk=organisation.pk)),
        ("administration", url("accounts:manage")),
        ("sign-ins", url("accounts:sign_in_log")),
        ("activity", url("reports:activity")),
        ("account", reverse("accounts:account")),
        ("change password", reverse("accounts:password_change")),
        ("remove authenticator", reverse("accounts:two_factor_remove")),
        ("accessibility statement", reverse("core:accessibility")),
    ]


def sideways_scroll(page) -> int:
    """How many CSS px wider than the window the document is (0 when it reflows)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The innermost elements that stick out past the window's right edge, outside any scroll region.
TOO_WIDE = """() => [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5
        && !e.closest(".app-table-container, [role=region][tabindex]")
        && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
    .slice(0, 3)
    .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${e.textContent.trim().slice(0, 40)}`)"""


def code_from(secret: str, *, after: int = -1) -> str:
    """What an authenticator app given this secret shows now (or the next code, if now's was used)."""
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time()
    if totp.t() <= after:
        totp.time += 30
    return f"{totp.token():06d}"


def vnu_errors(documents: dict[str, str], folder: Path) -> list[str]:
    """The Nu HTML Checker's errors for the documents ({what: html}), checked in one run."""
    names = {}
    for index, (what, html) in enumerate(documents.items()):
        path = folder / f"page-{index:03d}.html"
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


def test_every_page_type_reflows_at_320_px_and_is_valid_html(page, live_server, demo, tmp_path):
    if not VNU_JAR.exists():
        pytest.fail(f"The Nu HTML Checker is not at {VNU_JAR}: run `make test`, which installs it.")
    documents = {}
    problems = []
    covered = set()
    slug = {"slug": SLUG}

    def record(what, response, status=200):
        """Note any sideways scroll or axe failure on the page now open, and keep the HTML it came as."""
        assert response is not None and response.status == status, (
            f"{what} ({response and response.url}) answered {response and response.status}, not {status}"
        )
        assert what not in documents, f"two pages called {what}"
        documents[what] = response.text()
        covered.add(url_name(response.url))
        if (excess := sideways_scroll(page)) > 0:
            problems.append(
                f"{what} ({response.url}) is {excess} px too wide at 320 px: {page.evaluate(TOO_WIDE)}"
            )
        try:
            assert_accessible(page)
        except AssertionError as failure:
            problems.append(f"{what} at 320 px: {failure}")

    def check(what, path, status=200):
        record(what, page.goto(live_server.url + path), status)

    def submit(what, button, *, errors=False):
        """Press the button and check the page it leads to; with errors, it must show the error summary."""
        with page.expect_navigation() as navigation:
            button.click()
        record(what, navigation.value)
        if errors and not page.locator(".govuk-error-summary").count():
            problems.append(f"{what} ({page.url}) shows no error summary")

    def post_button(form_with=".govuk-form-group"):
        """The first button of the first POST form with fields on the page."""
        form = page.locator(f"form[method=post]:has({form_with})").first
        return form.locator("button[type=submit], button:not([type]), input[type=submit]").first

    def sign_in(username, password=DEMO_PASSWORD):
        """Sign in through the form, checking the two-factor page when there is one."""
        page.context.clear_cookies()
        user = User.objects.get(username=username)
        if two_factor_required(user):
            authenticator(user)
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign in").click()
        if "/accounts/two-factor/" in page.url:
            if "two-factor code" not in documents:
                record("two-factor code", navigation.value)
            page.get_by_label("Code from your authenticator app").fill(code_for(authenticator(user)))
            with page.expect_navigation():
                page.get_by_role("button", name="Continue").click()

    def mailed_link(kind):
        return LINK[kind].search(mail.outbox[-1].body).group(0)

    page.set_viewport_size(NARROW)

    # Someone not signed in.
    check("sign-in", reverse("login"))
    page.get_by_label("Username").fill("demo-officer")
    page.get_by_label("Password").fill("not the password")
    submit("sign-in with errors", page.get_by_role("button", name="Sign in"), errors=True)
    check("page not found", "/no-such-page/", status=404)
    check("password reset", reverse("accounts:password_reset"))
    submit("password reset with errors", post_button(), errors=True)
    page.get_by_label("Email address").fill(User.objects.get(username="demo-officer").email)
    mail.outbox.clear()
    submit("password reset sent", post_button())
    check("choose a new password", mailed_link("password reset"))
    page.locator("input[type=password]").first.fill("a-new-demo-password-1")
    page.locator("input[type=password]").last.fill("a-different-password-2")
    submit("choose a new password with errors", post_button(), errors=True)
    check("password reset complete", reverse("accounts:password_reset_complete"))
    check("password reset done", reverse("accounts:password_reset_done"))
    check("invitation link that does not work", reverse("accounts:invitation_accept", kwargs={"token": "x"}))

    # The demo administrator: one page of each type, then forms showing their errors.
    sign_in("demo-admin")
    for what, path in admin_pages():
        check(what, path)
    action = Action.objects.for_partnership(Partnership.objects.get(slug=SLUG)).active().in_order().first()
    check("action form (to fail)", reverse("delivery:action_edit", kwargs=slug | {"pk": action.pk}))
    page.get_by_label("Title", exact=True).fill("")
    submit("action form with errors", post_button(), errors=True)
    check("update form (to fail)", reverse("delivery:progress_update", kwargs=slug | {"pk": action.pk}))
    page.locator("input[name=percent_complete]").fill("150")
    submit("update form with errors", post_button(), errors=True)
    check("invite form (to fail)", reverse("accounts:person_invite", kwargs=slug))
    submit("invite form with errors", post_button(), errors=True)
    check("new strategy form (to fail)", reverse("priorities:strategy_create", kwargs=slug))
    submit("new strategy form with errors", post_button(), errors=True)

    # An invitation to someone new, whose link is opened signed out below.
    check("invite form (to send)", reverse("accounts:person_invite", kwargs=slug))
    page.get_by_label("Email address").fill("reflow.invitee@example.org")
    page.get_by_label("First name").fill("Rae")
    page.get_by_label("Last name").fill("Flow")
    page.get_by_label("Organisation", exact=True).select_option(index=1)
    page.locator("form[method=post] .govuk-radios__input").first.check()
    mail.outbox.clear()
    with page.expect_navigation():
        post_button().click()
    invitation = mailed_link("invitation")

    # A published exception report, published from the report page as an administrator would.
    check("exception report (to publish)", reverse("reports:exception_report", kwargs=slug))
    with page.expect_navigation():
        page.locator(
            f"form[action^='{reverse('reports:exception_report_publish', kwargs=slug)}'] button"
        ).click()
    report = ExceptionReport.objects.filter(partnership__slug=SLUG).order_by("-pk").first()
    assert report is not None, f"publishing the exception report did not work: {page.url}"
    check("published exception report", report.get_absolute_url())

    # A live draft's PDF being made on the task queue, and one that could not be made.
    with override_settings(TASKS=A_QUEUE):
        check(
            "draft paper being prepared",
            reverse("reports:exception_report_download", kwargs=slug | {"extension": "pdf"}),
        )
        DraftPaperFile.objects.update(failed_at=timezone.now())
        check(
            "draft paper that failed",
            reverse("reports:exception_report_download", kwargs=slug | {"extension": "pdf"}),
        )

    # The plan import's preview, of the plan as exported.
    strategy = Strategy.objects.filter(partnership__slug=SLUG, status="adopted").order_by("-pk").first()
    export = page.request.get(
        live_server.url + reverse("delivery:plan_export", kwargs=slug) + f"?strategy={strategy.pk}"
    )
    assert export.ok, export.status
    check("import the plan (to upload)", reverse("delivery:plan_import", kwargs=slug))
    submit("import the plan with errors", post_button(), errors=True)
    page.locator("input[type=file]").set_input_files(
        {"name": "plan.xlsx", "mimeType": "application/octet-stream", "buffer": export.body()}
    )
    submit("plan import preview", post_button())
    plan_import = PlanImport.objects.filter(partnership__slug=SLUG).latest("pk")
    check(
        "plan import columns",
        reverse("delivery:plan_import_columns", kwargs=slug | {"import_pk": plan_import.pk}),
    )

    # An invitation to the officer's own account, from another partnership.
    officer = User.objects.get(username="demo-officer")
    northfield = Partnership.objects.get(slug=NORTHFIELD_SLUG)
    mail.outbox.clear()
    invitation_send(
        partnership=northfield,
        email=officer.email,
        first_name=officer.first_name,
        last_name=officer.last_name,
        organisation=northfield.organisations.order_by("pk").first(),
        role=Membership.Role.BOARD_MEMBER,
        job_title="",
        invited_by=User.objects.get(username="demo-other"),
    )
    existing_invitation = mailed_link("invitation")

    # An officer: their own list, a page they may not see, and setting up two-factor sign-in.
    sign_in("demo-officer")
    check("My actions, as an officer", reverse("delivery:my_actions", kwargs=slug))
    check("risk register, as an officer", reverse("risks:register", kwargs=slug))
    check("not allowed", reverse("accounts:manage", kwargs=slug), status=403)
    check("set up two-factor", reverse("accounts:two_factor_set_up"))
    secret = page.locator("#authenticator-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(
        f"{(int(code_from(secret)) + 1) % 1_000_000:06d}"
    )
    submit("set up two-factor with errors", page.get_by_role("button", name="Confirm"), errors=True)
    page.wait_for_timeout(2_500)  # a wrong code is throttled for a second or two
    page.get_by_label("Code from your authenticator app").fill(code_from(secret))
    submit("recovery codes", page.get_by_role("button", name="Confirm"))
    check("join with one's own account", existing_invitation)

    # A platform superuser: the list of partnerships and setting one up.
    User.objects.create_superuser("reflow-superuser", "reflow.superuser@example.org", DEMO_PASSWORD)
    sign_in("reflow-superuser")
    check("home", reverse("accounts:home"))
    check("set up a partnership", reverse("accounts:partnership_set_up"))
    check("an invitation for another account", existing_invitation, status=403)

    # Someone new following their invitation's link.
    page.context.clear_cookies()
    check("accept an invitation", invitation)
    submit("accept an invitation with errors", post_button(), errors=True)
    check("an invitation for an existing account, signed out", existing_invitation)

    assert not problems, "\n".join(problems)
    unchecked = get_pages() - covered - set(NOT_PAGES)
    assert not unchecked, (
        f"pages not checked: check them here or say in NOT_PAGES why not: {sorted(unchecked)}"
    )
    assert not set(NOT_PAGES) & covered, "pages in NOT_PAGES that are checked after all"
    assert set(NOT_PAGES) <= {name for name, _, _ in url_patterns()}, "NOT_PAGES names a URL that is gone"
    errors = vnu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)
