"""No text a user wrote is ever rendered as markup: not in pages, labels, help texts, emails or exports.

Marker payloads go into every user-writable text field of every model of the project (found from the
models' _meta, not listed by hand), then every page the URL resolver knows is fetched as a partnership
administrator, an officer and a board member (the Django admin as a platform superuser, the public
pages anonymously), every download is opened, and the invitation and reminder emails are sent. A raw
payload in any HTML or XML output fails the test; so does a page that stopped showing the data, since
a page that shows nothing proves nothing.
"""

import csv
import datetime
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership
from accounts.services import invitation_resend, invitation_send
from core.conflicts import version_of
from core.dates import financial_year_of
from delivery.imports.columns import HEADINGS
from delivery.imports.services import plan_import_check
from delivery.models import ProgressUpdate, ReportingPeriod
from delivery.services.reminders import update_reminders_send
from meetings.models import (
    AgendaItem,
    Attendance,
    BoardAction,
    BoardActionNote,
    Body,
    Meeting,
    SupportingDocument,
)
from priorities.models import Strategy
from reports.services import exception_report_publish
from risks.reminders import review_reminders_send
from risks.services import register_release
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.accounts.two_factor_support import authenticator
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BoardActionFactory,
    BoardActionNoteFactory,
    MeetingFactory,
)
from tests.priorities.factories import (
    ConsultationFactory,
    PriorityFactory,
    SignOffFactory,
    StrategicAmbitionFactory,
    StrategyFactory,
)
from tests.risks.factories import RiskFactory, RiskReviewFactory
from tests.urls import url_patterns
from tests.world import PROJECT_APPS

BOLD = "<b data-x>x</b>"
IMAGE = '"><img src=x onerror=alert(1)>'
REFRESH = '<meta http-equiv="refresh" content="0;url=https://example.com">'
# What must never reach HTML or XML output as it was typed, and how each looks once escaped.
RAW = ("<b data-x", "<img src=x", '<meta http-equiv="refresh"')
ESCAPED = "&lt;b data-x&gt;"
# Every value starts with "=" too, so each CSV cell and spreadsheet cell is checked for formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# django-axes keeps what a stranger typed or sent at sign-in (the user agent), shown in the sign-in log.
TEXT_APPS = ("core", *PROJECT_APPS, "axes")
# Text that identifies someone or something, compared and normalised as identity, not shown as prose.
IDENTITY_FIELDS = {"username", "password", "token_hash"}

# URLs that answer GET with 405: they only take a POST, so there is no page to render.
POST_ONLY = {
    "accounts:invitation_resend": "POST only: sends the invitation again",
    "accounts:invitation_revoke": "POST only: withdraws the invitation",
    "delivery:period_remind": "POST only: emails the reminders (the email is checked below)",
    "delivery:action_move": "POST only: moves the action up or down",
    "delivery:milestone_remove": "POST only: removes the milestone",
    "priorities:priority_move": "POST only: moves the priority up or down",
    "priorities:ambition_move": "POST only: moves the ambition up or down",
    "reports:exception_report_publish": "POST only: freezes the report (a published one is rendered)",
    "logout": "POST only: Django's LogoutView signs out",
    "accounts:person_password_reset": "POST only: emails the person a password reset link",
    "accounts:session_extend": "POST only: keeps the session alive (JSON, no page)",
    "accounts:sign_out_everywhere": "POST only: ends every session of the signed-in person",
    "meetings:agenda_item_move": "POST only: moves the agenda item up or down",
    "meetings:meeting_board_ask_agenda_item": "POST only: adds the board ask to the agenda",
    "meetings:meeting_board_ask_board_action": "POST only: raises a board action from the board ask",
    "risks:review_reminders_send": "POST only: emails the review reminders (the email is checked below)",
}
# Query strings a page needs to show its subject; {name} is filled from the objects made below.
QUERIES = {
    "priorities:sign_off_edit": "?organisation={sign_off_organisation}",
    "delivery:plan_export": "?strategy={strategy}",
}
# The object each URL parameter names: by the path segment just before it, or by URL name.
BY_SEGMENT = {
    "organisations": "organisation",
    "people": "officer_membership",
    "invitations": "invitation",
    "actions": "action",
    "periods": "open_period",
    "milestones": "milestone",
    "strategies": "strategy",
    "priorities": "priority",
    "ambitions": "ambition",
    "consultations": "consultation",
    "meetings": "meeting",
    "published": "exception_report",
    "import": "plan_import",
    "bodies": "body",
    "agenda": "agenda_item",
    "documents": "document",
    "board-asks": "board_ask_update",
    "risks": "risk",
    "releases": "risk_register_release",
    "indicators": "indicator",
    "values": "open_period",
}
BY_NAME = {
    ("accounts:invitation_accept", "token"): "invitation_token",
    ("accounts:password_reset_confirm", "uidb64"): "reset_uidb64",
    ("accounts:password_reset_confirm", "token"): "reset_token",
    ("delivery:period_open", "pk"): "upcoming_period",
    ("delivery:period_unlock", "pk"): "locked_period",
    ("delivery:progress_update_for", "period_pk"): "open_period",
    ("accounts:person_reactivate", "pk"): "former_lead_membership",
    ("accounts:person_hand_over", "pk"): "former_lead_membership",
    ("meetings:board_action_detail", "pk"): "board_action",
    ("meetings:board_action_edit", "pk"): "board_action",
    ("meetings:board_action_progress", "pk"): "board_action",
}
EXTENSIONS = ("docx", "pdf", "csv")


# The data -------------------------------------------------------------------------------------------


def user_text_fields(model) -> list[models.Field]:
    """The model's own text fields a person types into: not identity, web addresses or choices."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField)
        and not field.choices
        and field.name not in IDENTITY_FIELDS
    ]


def project_models():
    """Every concrete model of the project's apps, history copies apart (they copy the rows saved)."""
    for app in TEXT_APPS:
        for model in apps.get_app_config(app).get_models():
            if not model._meta.abstract and not model.__name__.startswith("Historical"):
                yield model


def payload(field: models.Field, row: int) -> str:
    """All three markers if they fit the field, else the short one; unique per row for unique fields."""
    suffix = f" #{row}"
    limit = field.max_length or 10_000
    for text in (f"={BOLD}{IMAGE}{REFRESH}", f"={BOLD}"):
        if len(text + suffix) <= limit:
            return text + suffix
    raise AssertionError(f"{field} is too short for any marker")


def hostile_text_write() -> list[str]:
    """Put a payload in every user text field of every row; return the fields written."""
    written = []
    for model in project_models():
        fields = user_text_fields(model)
        if not fields:
            continue
        written += [f"{model._meta.label}.{field.name}" for field in fields]
        for instance in model._default_manager.all():
            for field in fields:
                if isinstance(field, models.URLField) and not getattr(instance, field.attname):
                    continue  # a paper is a file or a link: one uploaded as a file is given no link
                setattr(instance, field.attname, payload(field, instance.pk))
            instance._change_reason = f"={BOLD}{IMAGE}"  # simple-history's reason, shown in histories
            instance.save()
    return written


@pytest.fixture
def hostile(db, tmp_path, settings):
    """A partnership with one of everything, every text in it hostile, and its emails sent."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the supporting document's upload
    today = timezone.localdate()
    partnership = PartnershipFactory()
    organisation = OrganisationFactory(partnership=partnership, is_responsible_authority=True)
    administrator = MembershipFactory(
        partnership=partnership, organisation=organisation, role=Membership.Role.ADMINISTRATOR
    )
    officer = MembershipFactory(partnership=partnership, organisation=organisation)
    board = MembershipFactory(
        partnership=partnership, organisation=organisation, role=Membership.Role.BOARD_MEMBER
    )
    former_lead = MembershipFactory(partnership=partnership, organisation=organisation, is_active=False)
    strategy = StrategyFactory(partnership=partnership, status=Strategy.Status.ADOPTED)
    # The priority is still led by someone who left: its form names them in a help text.
    priority = PriorityFactory(strategy=strategy, lead=former_lead.user, lead_organisation=organisation)
    ambition = StrategicAmbitionFactory(priority=priority)
    action = ActionFactory(
        ambition=ambition, owner=officer.user, starts_on=today - datetime.timedelta(days=200), due_on=today
    )
    action.delegates.add(board.user)
    action.partner_organisations.add(organisation)
    milestone = MilestoneFactory(action=action, due_on=today - datetime.timedelta(days=10))
    quarter = datetime.timedelta(days=91)
    locked_period = ReportingPeriodFactory(
        partnership=partnership, starts_on=today - 2 * quarter, state=ReportingPeriod.State.LOCKED
    )
    open_period = ReportingPeriodFactory(
        partnership=partnership,
        starts_on=today - quarter + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        update_deadline=today + datetime.timedelta(days=40),
        state=ReportingPeriod.State.OPEN,
    )
    upcoming_period = ReportingPeriodFactory(
        partnership=partnership, starts_on=today + quarter, state=ReportingPeriod.State.UPCOMING
    )
    board_ask_update = ProgressUpdateFactory(
        action=action,
        period=locked_period,
        rating=ProgressUpdate.Rating.RED,
        mitigation="Mitigation",
        issues_and_risks="Issues",
        board_ask="Board ask",
        submitted_at=timezone.now(),
    )
    other_action = ActionFactory(ambition=ambition, owner=officer.user, due_on=today + quarter)
    ProgressUpdateFactory(
        action=other_action, period=open_period, rating=ProgressUpdate.Rating.AMBER, mitigation="M"
    )
    sign_off = SignOffFactory(strategy=strategy, organisation=organisation)
    consultation = ConsultationFactory(strategy=strategy, method="Survey", findings="Findings")
    meeting = MeetingFactory(partnership=partnership, location="Civic Centre")
    agenda_item = AgendaItemFactory(
        meeting=meeting, presenter="Chair", minutes="Minutes", resolution="RESOLVED that"
    )
    # A paper uploaded as plain text (served as a download, never as a page), and one given as a link.
    document = SupportingDocument.objects.create(
        agenda_item=agenda_item,
        title="Paper",
        file=SimpleUploadedFile("paper.txt", f"{BOLD}{IMAGE}".encode()),
    )
    SupportingDocument.objects.create(
        agenda_item=agenda_item, title="Linked paper", url="https://example.org/paper.pdf"
    )
    AttendanceFactory(
        meeting=meeting,
        person=board.user,
        organisation=organisation,
        status=Attendance.Status.SUBSTITUTE,
        substitute="Deputy",
    )
    board_action = BoardActionFactory(
        meeting=meeting, agenda_item=agenda_item, owner=officer.user, action=action
    )
    BoardActionNoteFactory(board_action=board_action, author=officer.user)
    risk = RiskFactory(
        register__partnership=partnership,
        owner=officer.user,
        owner_organisation=organisation,
        review_on=today,
    )
    risk.priorities.add(priority)
    risk.actions.add(action)
    risk.treating_actions.add(other_action)
    RiskReviewFactory(risk=risk, period=open_period, reviewed_by=officer.user, control_changes="Changes")
    RiskFactory(register=risk.register, owner=officer.user, owner_organisation=organisation)  # owes a review
    indicator = IndicatorFactory(
        priority=priority, owner=officer.user, owner_organisation=organisation, data_source="Source"
    )
    IndicatorTargetFactory(indicator=indicator, financial_year=financial_year_of(open_period.ends_on))
    IndicatorValueFactory(indicator=indicator, period=open_period, entered_by=officer.user, note="Note")
    invitation = invitation_send(
        partnership=partnership,
        email="newcomer@example.org",
        first_name="New",
        last_name="Comer",
        organisation=organisation,
        role=Membership.Role.OFFICER,
        job_title="Analyst",
        invited_by=administrator.user,
    )
    # The sign-in log keeps what a stranger sent: a failed and a good sign-in with a hostile user agent.
    stranger = Client(HTTP_USER_AGENT=f"{BOLD}{IMAGE}")
    for password in ("wrong-password", "a-good-test-password"):
        stranger.post(reverse("login"), {"username": officer.user.username, "password": password})
    written = hostile_text_write()

    # What is built from the data afterwards carries the payloads too.
    rows = [
        {
            **dict.fromkeys(HEADINGS.values(), f"={BOLD}{IMAGE}"),
            HEADINGS["priority"]: "1",
            HEADINGS["ambition"]: "1",
            HEADINGS["owner"]: officer.user.email,
            HEADINGS["starts_on"]: "01/04/2024",
            HEADINGS["due_on"]: "31/03/2025",
            HEADINGS["status"]: "",
        },
        dict.fromkeys(HEADINGS.values(), f"{BOLD}{REFRESH}"),  # every cell wrong: errors quote it
    ]
    upload = io.StringIO()
    writer = csv.DictWriter(upload, fieldnames=list(HEADINGS.values()))
    writer.writeheader()
    writer.writerows(rows)
    plan_import = plan_import_check(
        partnership=partnership,
        strategy=strategy,
        uploaded_by=administrator.user,
        file=SimpleUploadedFile(f"{BOLD}.csv", upload.getvalue().encode()),
    )
    exception_report = exception_report_publish(
        partnership=partnership,
        period=open_period,
        meeting=meeting,
        published_by=administrator.user,
        today=today,
        agenda_item=agenda_item,  # the board paper's cover names the item
    )
    risk_register_release = register_release(
        register=risk.register,
        released_by=board.user,
        note="Note",
        version=version_of(risk.register),
        now=timezone.now(),
        today=today,
    )
    mail.outbox.clear()
    invitation.refresh_from_db()
    invitation_resend(invitation=invitation)
    update_reminders_send(periods=[open_period], today=today)
    review_reminders_send(periods=[open_period], today=today)
    token = re.search(r"/accounts/invitation/([^/]+)/", mail.outbox[0].body).group(1)
    # Everyone has an authenticator app (set up after the stranger's sign-ins), so signing in verifies
    # the session and the pages about one's own authenticator are walked for every role.
    for membership in (administrator, officer, board):
        authenticator(membership.user)

    return {
        "written": written,
        "tmp_path": tmp_path,
        "reset_uidb64": urlsafe_base64_encode(force_bytes(officer.user.pk)),
        "reset_token": default_token_generator.make_token(officer.user),
        "slug": partnership.slug,
        "partnership": partnership,
        "roles": {
            "administrator": administrator.user,
            "officer": officer.user,
            "board member": board.user,
        },
        "organisation": organisation.pk,
        "sign_off_organisation": sign_off.organisation_id,
        "officer_membership": officer.pk,
        "former_lead_membership": former_lead.pk,
        "invitation": invitation.pk,
        "invitation_token": token,
        "action": action.pk,
        "milestone": milestone.pk,
        "open_period": open_period.pk,
        "locked_period": locked_period.pk,
        "upcoming_period": upcoming_period.pk,
        "strategy": strategy.pk,
        "priority": priority.pk,
        "ambition": ambition.pk,
        "consultation": consultation.pk,
        "meeting": meeting.pk,
        "body": meeting.body_id,
        "agenda_item": agenda_item.pk,
        "document": document.pk,
        "board_ask_update": board_ask_update.pk,
        "board_action": board_action.pk,
        "exception_report": exception_report.pk,
        "plan_import": plan_import.pk,
        "risk": risk.pk,
        "risk_register_release": risk_register_release.pk,
        "indicator": indicator.pk,
    }


# The URLs -------------------------------------------------------------------------------------------


def segments_before(name: str, parameters: tuple[str, ...]) -> dict[str, str | None]:
    """The path segment just before each of the URL's parameters: `actions` for `actions/<int:pk>/`."""
    placeholders = {parameter: str(9_000_001 + i) for i, parameter in enumerate(parameters)}
    path = reverse(name, kwargs=placeholders or None)
    return {
        parameter: re.search(rf"([\w-]+)?/?{placeholder}", path).group(1)
        for parameter, placeholder in placeholders.items()
    }


def urls_to_fetch(data, names=None) -> list[tuple[str, str]]:
    """(name, URL) for every GET route, its parameters filled with the objects made for the test."""
    urls = []
    for name, parameters, _ in url_patterns():
        if (name in POST_ONLY) != (names is not None) or (names is not None and name not in names):
            continue
        kwargs = {}
        for parameter, segment in segments_before(name, parameters).items():
            if parameter == "slug":
                kwargs["slug"] = data["slug"]
            elif parameter != "extension":
                key = BY_NAME.get((name, parameter)) or BY_SEGMENT.get(segment)
                assert key, f"{name}: say in BY_SEGMENT or BY_NAME which object <{parameter}> names"
                kwargs[parameter] = data[key]
        query = QUERIES.get(name, "").format(**data)
        if "extension" in parameters:
            urls += [(name, reverse(name, kwargs={**kwargs, "extension": e}) + query) for e in EXTENSIONS]
        else:
            urls.append((name, reverse(name, kwargs=kwargs or None) + query))
    return urls


# Reading what came back -----------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext is missing: install poppler-utils"
    path = tmp_path / "page.pdf"
    path.write_bytes(content)
    result = subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        [executable, "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def problems_in(label: str, response, tmp_path) -> list[str]:
    """What in one response shows user text as markup, or shows none of the data at all."""
    kind = response.get("Content-Type", "").split(";")[0]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "text/html":
        text = content.decode()
        found = [f"{label}: raw {marker!r} in the HTML" for marker in RAW if marker in text]
        return found
    if kind.startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
        found = [f"{label}: raw {marker!r} in the XML" for marker in RAW if marker in xml]
        if "<f>" in xml or "<f " in xml:
            found.append(f"{label}: a cell holds a formula")
        if ESCAPED not in xml:
            found.append(f"{label}: the data is missing from the file")
        return found
    if kind == "application/pdf":
        text = re.sub(r"\s+", "", pdf_text(content, tmp_path))
        return [] if re.sub(r"\s+", "", BOLD) in text else [f"{label}: the markers are not shown as text"]
    if kind == "text/csv":
        cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
        found = [
            f"{label}: cell {cell[:20]!r} runs as a formula"
            for cell in cells
            if cell.startswith(FORMULA_TRIGGERS)
        ]
        if not any(BOLD in cell for cell in cells):
            found.append(f"{label}: the data is missing from the file")
        return found
    return []


def fetch_all(client, urls, tmp_path) -> tuple[dict[str, int], list[str], set[str]]:
    """Fetch each URL; return each one's status, the problems found, and the pages that showed the data."""
    statuses, problems, showing = {}, [], set()
    for name, url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code == 200:
            problems += problems_in(f"{name} {url}", response, tmp_path)
            if (
                response.get("Content-Type", "").startswith("text/html")
                and ESCAPED in response.content.decode()
            ):
                showing.add(name)
    return statuses, problems, showing


# The tests -------------------------------------------------------------------------------------------


def test_every_kind_of_user_text_is_written(hostile):
    expected = {
        "delivery.Milestone.title",
        "accounts.Organisation.name",
        "accounts.User.first_name",
        "accounts.User.last_name",
        "delivery.ProgressUpdate.board_ask",
        "meetings.AgendaItem.minutes",
        "priorities.Strategy.local_definitions",
    }
    assert expected <= set(hostile["written"])
    assert not {"accounts.User.username", "accounts.User.email", "accounts.Partnership.slug"} & set(
        hostile["written"]
    )


def test_the_post_only_table_names_exactly_the_urls_without_a_get(client, hostile):
    client.force_login(hostile["roles"]["administrator"])

    refused = {
        name for name, url in urls_to_fetch(hostile, names=POST_ONLY) if client.get(url).status_code == 405
    }
    statuses, _, _ = fetch_all(client, urls_to_fetch(hostile), hostile["tmp_path"])

    assert refused == set(POST_ONLY)
    assert 405 not in statuses.values(), "a URL without a GET belongs in POST_ONLY, with the reason"


# URLs that send every one of these people on elsewhere, so no page of theirs is rendered here.
ONLY_REDIRECTS = {
    "core:favicon": "redirects to the static icon",
    "accounts:home": "a member of one partnership is sent to its plan on a page",
    "accounts:partnership_set_up": "platform superusers only: rendered in the Django admin test below",
    "accounts:two_factor_set_up": "a verified session is sent on; no user text (tests/accounts)",
    "accounts:two_factor_verify": "a verified session is sent on; no user text (tests/accounts)",
    "accounts:two_factor_recovery_codes": "shown once after set-up; no user text (tests/accounts)",
}


# Pages a role must be able to open, so that the walk cannot pass by seeing only refusals.
MUST_OPEN = {
    "administrator": {
        "priorities:sign_off_edit",
        "priorities:priority_edit",
        "delivery:progress_update",
        "delivery:plan_import_preview",
        "reports:published_report",
        "accounts:people",
        "meetings:body_edit",
        "meetings:meeting_edit",
        "meetings:agenda_item_edit",
        "meetings:meeting_attendance",
        "meetings:board_action_edit",
        "meetings:attendance_report",
    },
    "officer": {
        "delivery:progress_update",
        "delivery:my_actions",
        "delivery:action_detail",
        "meetings:board_action_progress",  # the officer owns the board action
    },
    "board member": {
        "reports:exception_report",
        "reports:exception_report_download",
        "reports:plan",
        "meetings:meeting_detail",
        "meetings:meeting_agenda",
        "meetings:meeting_minutes",
        "meetings:meeting_agenda_docx",
        "meetings:meeting_minutes_docx",
        "meetings:board_action_list",
        "meetings:board_action_detail",
        "meetings:document_download",
    },
}
# Downloads: files, not pages; each Word, PDF and CSV one is checked for the data by `problems_in`.
DOWNLOADS = {
    "reports:exception_report_download",
    "reports:published_report_download",
    "meetings:meeting_agenda_docx",
    "meetings:meeting_minutes_docx",
    "meetings:document_download",
    "delivery:plan_export",
    "delivery:plan_import_template",
}


@pytest.mark.parametrize("role", ["administrator", "officer", "board member"])
def test_no_page_or_download_shows_user_text_as_markup(client, hostile, role, tmp_path):
    client.force_login(hostile["roles"][role])
    urls = urls_to_fetch(hostile)

    statuses, problems, showing = fetch_all(client, urls, tmp_path)

    assert not problems, "\n".join(problems)
    opened = {name for name, url in urls if statuses[url] == 200}
    assert MUST_OPEN[role] <= opened, f"not opened: {MUST_OPEN[role] - opened}"
    assert MUST_OPEN[role] - DOWNLOADS <= showing
    unexpected = {url: status for url, status in statuses.items() if status not in (200, 301, 302, 403, 404)}
    assert not unexpected


def test_every_page_is_opened_and_shows_the_data_for_some_role(client, hostile, tmp_path):
    urls = urls_to_fetch(hostile)
    opened, showing = set(), set()
    for user in hostile["roles"].values():
        client.force_login(user)
        statuses, problems, shown = fetch_all(client, urls, tmp_path)
        assert not problems, "\n".join(problems)
        opened |= {name for name, url in urls if statuses[url] == 200}
        showing |= shown
    client.logout()
    statuses, problems, shown = fetch_all(client, urls, tmp_path)
    assert not problems, "\n".join(problems)
    opened |= {name for name, url in urls if statuses[url] == 200}
    showing |= shown

    # Pages that hold no partnership data: public pages, and the signed-in person's own account.
    without_data = {
        "login",
        "core:healthz",
        "core:security_txt",
        "core:accessibility",
        "accounts:account",
        "accounts:password_change",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:session_status",
    }
    names = {name for name, _ in urls}
    never_opened = names - opened - set(ONLY_REDIRECTS)
    assert not never_opened, f"never opened: {never_opened}"
    assert {name for name in names if "download" in name} <= DOWNLOADS, "name each download in DOWNLOADS"
    html_pages = names - set(ONLY_REDIRECTS) - without_data - DOWNLOADS
    assert html_pages <= showing, f"these pages never showed the data: {html_pages - showing}"


def test_the_django_admin_shows_user_text_as_text(client, hostile, django_user_model, tmp_path):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    problems = []
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        info = model._meta.app_label, model._meta.model_name
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, model
        problems += problems_in(f"{model.__name__} list", changelist, tmp_path)
        for instance in model._default_manager.all()[:2]:
            change = client.get(reverse("admin:{}_{}_change".format(*info), args=[instance.pk]))
            assert change.status_code == 200, (model, instance.pk)
            problems += problems_in(f"{model.__name__} {instance.pk}", change, tmp_path)
    superuser_pages = [reverse("accounts:home"), reverse("accounts:partnership_set_up")]
    for url in superuser_pages:
        problems += problems_in(url, client.get(url), tmp_path)

    assert not problems, "\n".join(problems)


def test_the_progress_update_form_shows_a_hostile_milestone_title_as_text(client, hostile):
    client.force_login(hostile["roles"]["officer"])

    html = client.get(
        reverse("delivery:progress_update", kwargs={"slug": hostile["slug"], "pk": hostile["action"]})
    )

    assert html.status_code == 200
    text = html.content.decode()
    assert "&lt;meta http-equiv=&quot;refresh&quot; content=&quot;0;url=https://example.com&quot;&gt;" in text
    assert '<meta http-equiv="refresh"' not in text


def test_the_emails_show_user_text_as_text(hostile):
    invitation, reminder, review_reminder = mail.outbox
    for email in (invitation, reminder, review_reminder):
        html, kind = email.alternatives[0]
        assert kind == "text/html"
        assert not [marker for marker in RAW if marker in html], email.subject
        assert ESCAPED in html
        # The plain-text part is text: the payload is there as written, which a mail reader shows as is.
        assert BOLD in email.body
        assert "\n" not in email.subject


def test_messages_show_user_text_as_text(client, hostile):
    client.force_login(hostile["roles"]["administrator"])
    # Opening a period that is already open says so in a message naming the period.
    url = reverse("delivery:period_open", kwargs={"slug": hostile["slug"], "pk": hostile["open_period"]})

    response = client.get(url, follow=True)

    banner = re.search(
        r'<p class="govuk-notification-banner__heading">(.*?)</p>', response.content.decode(), re.S
    )
    assert response.redirect_chain and banner
    assert ESCAPED in banner.group(1) and "is open for updates." in banner.group(1)
    assert not [marker for marker in RAW if marker in banner.group(1)]


# The project's copies of crispy-forms-gds templates (templates/gds/) differ from the package's only
# by these filters; if the package changes a template, this says which copy to take again.
UNSAFE_IN_PACKAGE = ("field.label|safe", "field.help_text|safe", "legend|safe", "input.value|safe")


def test_the_template_overrides_are_the_packages_without_the_safe_filters():
    import crispy_forms_gds

    package = Path(crispy_forms_gds.__file__).parent / "templates" / "gds"
    ours = Path(settings.BASE_DIR) / "templates" / "gds"
    overrides = sorted(path.relative_to(ours) for path in ours.rglob("*.html"))

    assert overrides, "templates/gds/ holds the escaped copies"
    for name in overrides:
        original = (package / name).read_text()
        assert any(unsafe in original for unsafe in UNSAFE_IN_PACKAGE), f"{name} needs no copy"
        expected = original
        for unsafe in UNSAFE_IN_PACKAGE:
            expected = expected.replace(unsafe, unsafe.removesuffix("|safe"))
        assert (ours / name).read_text() == expected, f"take templates/gds/{name} again from the package"
    # No template of the package still marks a label, hint or legend safe without a copy here.
    for path in package.rglob("*.html"):
        if any(unsafe in path.read_text() for unsafe in UNSAFE_IN_PACKAGE):
            assert path.relative_to(package) in overrides, path


# Each meetings text, marked with what it is, and where it must be shown as text.
MEETING_TEXTS = {
    (Body, "name"): "body name",
    (Meeting, "title"): "meeting title",
    (Meeting, "location"): "meeting place",
    (AgendaItem, "title"): "item title",
    (AgendaItem, "presenter"): "item presenter",
    (AgendaItem, "minutes"): "item minutes",
    (AgendaItem, "resolution"): "item resolution",
    (SupportingDocument, "title"): "document title",
    (Attendance, "name"): "attendee name",
    (Attendance, "substitute"): "attendee substitute",
    (BoardAction, "description"): "board action description",
    (BoardActionNote, "text"): "board action note",
}
# The papers are headed with the body's name; the meeting's own title is on its page.
AGENDA = {"body name", "meeting place", "item title", "item presenter", "document title"}
MINUTES = {
    *AGENDA,
    "item minutes",
    "item resolution",
    "attendee name",
    "attendee substitute",
    "board action description",
}
SHOWN_IN = {
    "meetings:meeting_detail": {*MINUTES, "meeting title"},
    "meetings:meeting_agenda": AGENDA,
    "meetings:meeting_minutes": MINUTES,
    "meetings:meeting_agenda_docx": AGENDA,
    "meetings:meeting_minutes_docx": MINUTES,
    "meetings:board_action_detail": {"board action description", "board action note"},
    "meetings:body_list": {"body name"},
    "meetings:meeting_attendance": {"attendee name", "attendee substitute"},
    # The board paper's cover: the body it goes to and the agenda item it is.
    "reports:published_report_download": {"body name", "item title"},
}


def test_the_meetings_texts_are_text_on_their_pages_and_in_their_papers(client, hostile, tmp_path):
    for (model, field), label in MEETING_TEXTS.items():
        model.objects.update(**{field: f"{BOLD} {label}"})
    client.force_login(hostile["roles"]["administrator"])
    missing, problems = [], []

    urls = [(name, url) for name, url in urls_to_fetch(hostile) if name in SHOWN_IN]
    assert {name for name, _ in urls} == set(SHOWN_IN)
    for name, url in urls:
        if name == "reports:published_report_download" and not url.endswith((".docx", ".pdf")):
            continue  # the CSV has no cover
        response = client.get(url)
        assert response.status_code == 200, url
        problems += problems_in(url, response, tmp_path)
        kind = response["Content-Type"].split(";")[0]
        if kind == "application/pdf":
            text = re.sub(r"\s+", "", pdf_text(response.content, tmp_path))
            shown = {label for label in SHOWN_IN[name] if re.sub(r"\s+", "", f"{BOLD} {label}") in text}
        else:
            if kind == "text/html":
                text = response.content.decode()
            else:
                with zipfile.ZipFile(io.BytesIO(response.content)) as package:
                    text = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
            shown = {label for label in SHOWN_IN[name] if escape(f"{BOLD} {label}") in text}
        missing += [f"{url}: {label}" for label in sorted(SHOWN_IN[name] - shown)]

    assert not problems, "\n".join(problems)
    assert not missing, "not shown as text:\n" + "\n".join(missing)
