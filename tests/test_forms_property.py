"""Hypothesis drives every form of the project: no answer is ever a 500, and a refusal changes nothing.

The forms are found from the URL resolver (every view with a form class) and from the page itself
(the fields its form posts). Each form gets at least 200 generated submissions, as the demo
partnership's administrator, each inside a savepoint that is rolled back, so one submission never
prepares the next.
"""

import os
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.generic.edit import FormMixin
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Invitation, Membership, Organisation, Partnership, User
from delivery.models import Action, Milestone, PlanImport, ReportingPeriod
from indicators.models import Indicator
from meetings.models import AgendaItem, BoardAction, Body, Meeting
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy
from risks.models import Risk
from tests.urls import url_patterns
from tests.world import fingerprint

SLUG = "safer-bromley"
EXAMPLES = int(os.environ.get("FORM_EXAMPLES", "200"))  # fewer only while working on a form
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"(?!django_session|axes_|otp_)', re.IGNORECASE)
# Pages with a form that is not for a signed-in administrator of the partnership.
NOT_DRIVEN = {
    "login": "sign-in is driven by the sign-in tests and throttled after five failures",
    "accounts:invitation_accept": "public page for the invited person (tests/accounts/test_invitations.py)",
    "delivery:progress_update": "its form posts to its period's own address, delivery:progress_update_for",
}


# Every URL whose view has a form class, with its parameters' names.
FORM_URLS = {
    name: parameters
    for name, parameters, pattern in url_patterns()
    if issubclass(getattr(pattern.callback, "view_class", object), FormMixin)
}


def _first(queryset):
    found = queryset.order_by("pk").first()
    assert found is not None, f"the demo has no {queryset.model.__name__} for this page"
    return found.pk


# Which object each form's URL is about: the demo holds one of each in the state the form needs.
OBJECTS = {
    "accounts:organisation_edit": lambda: _first(Organisation.objects.filter(partnership__slug=SLUG)),
    "accounts:person_edit": lambda: _first(_members().exclude(user__username="demo-admin")),
    "accounts:person_deactivate": lambda: _first(_members().filter(is_active=True, role="officer")),
    "accounts:person_reactivate": lambda: _first(_members().filter(is_active=False)),
    "accounts:person_hand_over": lambda: _first(_members().filter(user__username="demo-officer")),
    "priorities:strategy_edit": lambda: _first(_strategies()),
    "priorities:strategy_transition": lambda: _first(_strategies().filter(status=Strategy.Status.DRAFT)),
    "priorities:sign_off_edit": lambda: _first(_strategies().filter(sign_offs__isnull=False)),
    "priorities:priority_create": lambda: _first(_strategies()),
    "priorities:consultation_create": lambda: _first(_strategies()),
    "priorities:priority_edit": lambda: _first(Priority.objects.filter(strategy__partnership__slug=SLUG)),
    "priorities:ambition_create": lambda: _first(Priority.objects.filter(strategy__partnership__slug=SLUG)),
    "priorities:ambition_edit": lambda: _first(
        StrategicAmbition.objects.filter(priority__strategy__partnership__slug=SLUG)
    ),
    "priorities:consultation_edit": lambda: _first(
        Consultation.objects.filter(strategy__partnership__slug=SLUG)
    ),
    "delivery:progress_update_for": lambda: {
        "pk": _first(_actions().filter(status=Action.Status.IN_PROGRESS)),
        "period_pk": _first(_periods().filter(state=ReportingPeriod.State.OPEN)),
    },
    "delivery:action_reopen": lambda: _first(_actions().filter(status=Action.Status.COMPLETED)),
    "delivery:action_delegates": lambda: _first(_actions()),
    "delivery:action_edit": lambda: _first(_actions()),
    "delivery:action_milestones": lambda: _first(_actions()),
    "delivery:milestone_edit": lambda: _first(
        Milestone.objects.filter(action__ambition__priority__strategy__partnership__slug=SLUG)
    ),
    "delivery:period_open": lambda: _first(_periods().filter(state=ReportingPeriod.State.UPCOMING)),
    "delivery:period_lock": lambda: _first(_periods().filter(state=ReportingPeriod.State.OPEN)),
    "delivery:period_unlock": lambda: _first(_periods().filter(state=ReportingPeriod.State.LOCKED)),
    "delivery:period_deadline": lambda: _first(_periods().filter(state=ReportingPeriod.State.OPEN)),
    "delivery:plan_import_preview": lambda: _first(PlanImport.objects.filter(partnership__slug=SLUG)),
    "delivery:plan_import_columns": lambda: _first(
        PlanImport.objects.filter(partnership__slug=SLUG, state="matching")
    ),
    "delivery:strategy_start_next": lambda: _first(_strategies().filter(status=Strategy.Status.ADOPTED)),
    "delivery:action_create": lambda: _first(
        StrategicAmbition.objects.filter(priority__strategy__partnership__slug=SLUG)
    ),
    "delivery:strategy_action_create": lambda: _first(_strategies()),
    "meetings:body_edit": lambda: _first(Body.objects.filter(partnership__slug=SLUG)),
    "meetings:meeting_edit": lambda: _first(_meetings()),
    "meetings:meeting_attendance": lambda: _first(_meetings().filter(attendances__isnull=False)),
    "meetings:agenda_item_create": lambda: _first(_meetings()),
    "meetings:agenda_item_edit": lambda: _first(_agenda_items()),
    "meetings:agenda_item_document_add": lambda: _first(_agenda_items()),
    "meetings:meeting_board_action_create": lambda: _first(_meetings().filter(agenda_items__isnull=False)),
    "meetings:board_action_edit": lambda: _first(_board_actions()),
    "meetings:board_action_progress": lambda: _first(_board_actions()),
    "risks:risk_edit": lambda: _first(Risk.objects.filter(register__partnership__slug=SLUG)),
    "risks:risk_review": lambda: _first(Risk.objects.filter(register__partnership__slug=SLUG)),
    "indicators:indicator_edit": lambda: _first(_indicators()),
    "indicators:value_enter": lambda: {
        "pk": _first(_indicators()),
        "period_pk": _first(_periods().filter(state=ReportingPeriod.State.OPEN)),
    },
}


def _indicators():
    return Indicator.objects.filter(strategy__partnership__slug=SLUG)


def _members():
    return Membership.objects.filter(partnership__slug=SLUG)


def _strategies():
    return Strategy.objects.filter(partnership__slug=SLUG)


def _actions():
    return Action.objects.filter(ambition__priority__strategy__partnership__slug=SLUG)


def _periods():
    return ReportingPeriod.objects.filter(partnership__slug=SLUG)


def _meetings():
    return Meeting.objects.filter(partnership__slug=SLUG)


def _agenda_items():
    return AgendaItem.objects.filter(meeting__partnership__slug=SLUG)


def _board_actions():
    return BoardAction.objects.filter(meeting__partnership__slug=SLUG)


# Forms that need a query string to say what they are about.
QUERY = {
    "priorities:sign_off_edit": lambda: (
        "?organisation="
        + str(SignOff.objects.filter(strategy=OBJECTS["priorities:sign_off_edit"]()).first().organisation_id)
    )
}
# POST-only forms, and the page they are shown on.
SHOWN_ON = {"reports:exception_report_publish": "reports:exception_report"}
# Who fills in the form, where it is not the administrator: set-up is for someone with no authenticator.
SIGNED_IN_AS = {"accounts:two_factor_set_up": "demo-officer"}


def form_url(name: str) -> str:
    parameters = FORM_URLS[name]
    kwargs = {"slug": SLUG} if "slug" in parameters else {}
    key = next((p for p in parameters if p != "slug"), None)
    if key is not None:
        found = OBJECTS[name]()  # an id, or each parameter's id where the URL names two objects
        kwargs.update(found if isinstance(found, dict) else {key: found})
    return reverse(name, kwargs=kwargs) + (QUERY[name]() if name in QUERY else "")


def code_step(client, user) -> str:
    """The code page, for a person signed in with their password who has not yet entered a code."""
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    return reverse("accounts:two_factor_verify")


def reset_link_opened(client, user) -> str:
    """The page a password reset link opens: Django moves the token into the session first."""
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return client.get(link)["Location"]


# Forms reached by a step of their own rather than by their address alone.
ARRANGE = {"accounts:two_factor_verify": code_step, "accounts:password_reset_confirm": reset_link_opened}


class FormFields(HTMLParser):
    """The fields of the forms on a page that post back to the page itself."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.forms = 0
        self.fields: dict[str, dict] = {}
        self._in_form = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("method", "").lower() == "post" and attrs.get("action") in (
                "",
                None,
                self.action,
            )
            self.forms += self._in_form
        if not self._in_form or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in {"submit", "hidden"}:
            field = self.fields.setdefault(attrs["name"], {"type": attrs.get("type", "text"), "values": []})
            if attrs.get("value") is not None:
                field["values"].append(attrs["value"])
        elif tag == "input" and attrs.get("type") == "hidden" and attrs["name"] != "csrfmiddlewaretoken":
            self.fields[attrs["name"]] = {"type": "hidden", "values": [attrs.get("value", "")]}
        elif tag == "textarea":
            self.fields[attrs["name"]] = {"type": "textarea", "values": []}
        elif tag == "select":
            self._select = self.fields.setdefault(attrs["name"], {"type": "select", "values": []})
        elif tag == "option" and self._select is not None:
            self._select["values"].append(attrs.get("value", ""))
        elif tag == "button":
            button = self.fields.setdefault(attrs["name"], {"type": "button", "values": []})
            button["values"].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None


HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "9" * 5000,
        "-1",
        str(2**63),
        "1e309",
        "NaN",
        "x" * 200_000,
        "<b data-x>x</b>",
        '"><img src=x onerror=alert(1)>',
        '=HYPERLINK("https://example.com")',
        "prıya.shah@example.org",
        "\u212aelvin",
        "\x00",
        "2026-02-30",
        "31/12/2026",
    ]
)
TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=300))


def field_values(field: dict):
    """Answers for one field: what the page offers, or anything at all."""
    offered = st.sampled_from(field["values"]) if field["values"] else st.nothing()
    if field["type"] == "file":
        return st.binary(max_size=4000).map(lambda data: SimpleUploadedFile("plan.xlsx", data))
    if field["type"] in {"checkbox"} and field["values"]:
        return st.lists(offered, max_size=len(field["values"]), unique=True)
    return st.one_of(offered, TEXT) if field["values"] else TEXT


def submissions(fields: dict[str, dict]):
    """Form data with some fields left out, the others answered."""
    return st.fixed_dictionaries({}, optional={name: field_values(field) for name, field in fields.items()})


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo partnership, with the records some forms need that the demo does not make."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
        partnership = Partnership.objects.get(slug=SLUG)
        admin = User.objects.get(username="demo-admin")
        organisation = Organisation.objects.filter(partnership=partnership).first()
        board = _members().get(user__username="demo-board")
        board.pk = None
        board.user = User.objects.create_user("left-the-partnership", "left@example.org", "x")
        board.is_active = False
        board.save()
        Invitation.objects.create(
            partnership=partnership,
            email="invited@example.org",
            first_name="Invited",
            last_name="Person",
            organisation=organisation,
            token_hash="0" * 64,
            invited_by=admin,
            sent_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
        PlanImport.objects.create(
            partnership=partnership, strategy=_strategies().first(), uploaded_by=admin, file_name="plan.xlsx"
        )
        PlanImport.objects.create(
            partnership=partnership,
            strategy=_strategies().first(),
            uploaded_by=admin,
            file_name="own-plan.csv",
            state=PlanImport.State.MATCHING,
            headings=["Ref", "Priority", "Objective", "Deliverable", "Timescale"],
            rows=[{"row": 2, "cells": ["1.1.1", "1", "1", "<b>Sessions</b>", "2025/26"]}],
            total_rows=1,
        )
        if not _strategies().filter(status=Strategy.Status.DRAFT).exists():
            Strategy.objects.create(
                partnership=partnership,
                title="A draft strategy",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + timedelta(days=365),
            )
        yield
        call_command("flush", interactive=False, verbosity=0)


def test_every_form_is_driven():
    assert set(FORM_URLS) - set(NOT_DRIVEN), "no forms found"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(FORM_URLS) - set(NOT_DRIVEN)))
def test_no_submission_is_a_500_and_a_refusal_changes_nothing(demo_world, client, name):
    user = User.objects.get(username=SIGNED_IN_AS.get(name, "demo-admin"))
    if name == "accounts:partnership_set_up":
        user.is_superuser = True
        user.save()
    client.force_login(user)
    url = ARRANGE[name](client, user) if name in ARRANGE else form_url(name)
    page = client.get(reverse(SHOWN_ON[name], kwargs={"slug": SLUG}) if name in SHOWN_ON else url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    parser = FormFields(action=url)
    parser.feed(page.content.decode())
    assert parser.forms, f"{url} shows no form posting to {url}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=submissions(parser.fields))
    def submit(data):
        cache.clear()  # the sign-in and reset throttles count per address; each submission starts afresh
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
            assert response.status_code < 500, (url, data)
            refused = response.status_code >= 400 or b"govuk-error-summary" in response.content
            # A refusal that wrote nothing changed nothing; one that wrote must have undone it all.
            if refused and any(WRITE.match(query["sql"]) for query in queries.captured_queries):
                assert fingerprint() == before, ("a refused submission changed something", url, data)
            transaction.set_rollback(True)

    before = fingerprint()

    submit()
