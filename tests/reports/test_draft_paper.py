"""A live exception report's Word and PDF board papers are made on the task queue (issue 14): the first
request for a draft queues it and answers a page saying how far it has got, which the person can check
or have update itself; checking again once it is made downloads it. The same draft is made once; a
changed report is a new draft, while checking on a draft by its id is the report as it stood when asked
for, found without building the report again; a stalled one is queued again when checked, a failed one when the person
tries again."""

import datetime
import io
from html import unescape

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends
from docx import Document

from accounts.models import Membership
from core.ratings import Rating
from delivery.models import ProgressUpdate
from reports import views as report_views
from reports.exports.files import DRAFT_KEPT, DRAFT_STALLED_AFTER, draft_paper_render
from reports.models import DraftPaperFile
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

A_QUEUE = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
)


@pytest.fixture
def board_member(plan):
    partnership, _ = plan
    return MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user


def draft_url(plan, extension, **query):
    partnership, q2 = plan
    url = reverse(
        "reports:exception_report_download", kwargs={"slug": partnership.slug, "extension": extension}
    )
    return f"{url}?period={q2.pk}" + "".join(f"&{key}={value}" for key, value in query.items())


def queued() -> list:
    return task_backends["default"].results


@A_QUEUE
@pytest.mark.parametrize(("extension", "name"), [("pdf", "PDF"), ("docx", "Word document")])
def test_the_first_request_queues_the_draft_and_checking_again_once_made_downloads_it(
    client, plan, board_member, extension, name
):
    client.force_login(board_member)

    waiting = client.get(draft_url(plan, extension))

    assert waiting.status_code == 200
    assert waiting["Content-Type"].startswith("text/html")
    page = unescape(waiting.content.decode())
    assert f"<title>Preparing your {name}, Q2 2026/27 –" in page
    assert "Waiting to start, asked for at" in page
    draft = DraftPaperFile.objects.get()
    assert f'href="{draft_url(plan, extension, draft=draft.pk)}">Check progress</a>' in page
    assert "http-equiv" not in page  # no updating unless asked for
    assert (draft.extension, draft.rendered_at, draft.source["cover"]["author"]) == (extension, None, "Draft")
    assert [result.kwargs for result in queued()] == [{"draft_id": draft.pk}]

    assert "Preparing your" in client.get(draft_url(plan, extension)).content.decode()
    assert len(queued()) == 1  # the same draft is queued once

    draft_paper_render(draft.pk)  # as the worker does
    made = client.get(draft_url(plan, extension))

    assert made.status_code == 200
    assert made["Content-Disposition"] == (
        f'attachment; filename="{plan[0].slug}-exception-report-Q2-2026-27-draft.{extension}"'
    )
    if extension == "pdf":
        assert made.content.startswith(b"%PDF")
    else:
        assert "DRAFT" in Document(io.BytesIO(made.content)).sections[0].header.paragraphs[0].text.upper()
    draft.refresh_from_db()
    assert draft.source is None  # what to render is let go once rendered
    assert len(queued()) == 1


@A_QUEUE
def test_a_changed_report_is_a_new_draft(client, plan, board_member):
    client.force_login(board_member)
    client.get(draft_url(plan, "pdf"))
    draft_paper_render(DraftPaperFile.objects.get().pk)

    update = ProgressUpdate.objects.filter(period=plan[1], rating=Rating.GREEN).first()
    update.rating, update.mitigation = Rating.RED, "Waiting for the new contract."
    update.save()
    again = client.get(draft_url(plan, "pdf"))

    assert "Preparing your PDF" in again.content.decode()
    assert DraftPaperFile.objects.count() == 2
    assert len(queued()) == 2


@A_QUEUE
def test_checking_on_a_draft_by_its_id_finds_it_without_building_the_report_again(
    client, plan, board_member, monkeypatch
):
    client.force_login(board_member)
    client.get(draft_url(plan, "pdf"))
    draft = DraftPaperFile.objects.get()

    def not_again(**kwargs):
        raise AssertionError("the report was built again")

    monkeypatch.setattr(report_views, "exception_report_build", not_again)
    waiting = client.get(draft_url(plan, "pdf", draft=draft.pk, refresh="auto"))
    draft_paper_render(draft.pk)
    made = client.get(draft_url(plan, "pdf", draft=draft.pk))

    assert "Preparing your PDF" in waiting.content.decode()
    assert made.content.startswith(b"%PDF")
    assert DraftPaperFile.objects.count() == 1
    assert len(queued()) == 1


@A_QUEUE
@pytest.mark.parametrize("asked", ["0", "99999999999999999999999", "9" * 5000, "1e3", "١", "-1", "%3Cb%3E"])
def test_a_draft_id_not_kept_is_the_report_as_it_stands_now(client, plan, board_member, asked):
    """An id no longer kept (or never one) is a first request: a new draft of the report, never a 500."""
    client.force_login(board_member)

    page = client.get(draft_url(plan, "pdf", draft=asked))

    assert page.status_code == 200
    assert "Preparing your PDF" in page.content.decode()
    assert DraftPaperFile.objects.count() == 1


@A_QUEUE
def test_another_partnerships_draft_is_not_found_by_its_id(client, plan, board_member):
    theirs = MembershipFactory(role=Membership.Role.ADMINISTRATOR)
    their_draft = DraftPaperFile.objects.create(
        partnership=theirs.partnership,
        extension="pdf",
        fingerprint="0" * 64,
        content=b"%PDF their paper",
        requested_at=timezone.now(),
        rendered_at=timezone.now(),
    )
    client.force_login(board_member)

    page = client.get(draft_url(plan, "pdf", draft=their_draft.pk))

    assert b"their paper" not in page.content
    assert "Preparing your PDF" in page.content.decode()
    assert DraftPaperFile.objects.filter(partnership=plan[0]).count() == 1


@A_QUEUE
def test_the_page_updates_itself_only_when_asked_and_keeps_the_report_chosen(client, plan, board_member):
    client.force_login(board_member)
    partnership, q2 = plan

    page = client.get(draft_url(plan, "pdf", refresh="auto")).content.decode()

    head = page.split("</head>")[0]
    assert '<meta http-equiv="refresh" content="2">' in head
    assert "This page updates itself every 2 seconds." in page
    checked = draft_url(plan, "pdf", draft=DraftPaperFile.objects.get().pk)
    assert f'href="{checked.replace("&", "&amp;")}">Stop updating this page</a>' in page
    report = reverse("reports:exception_report", kwargs={"slug": partnership.slug})
    assert f'href="{report}?period={q2.pk}">Back to the exception report</a>' in page


@A_QUEUE
def test_a_draft_whose_worker_stopped_is_queued_again_when_asked_for_again(client, plan, board_member):
    client.force_login(board_member)
    client.get(draft_url(plan, "pdf"))
    draft = DraftPaperFile.objects.get()
    DraftPaperFile.objects.filter(pk=draft.pk).update(started_at=timezone.now())  # then the worker stopped

    assert "Being made since" in client.get(draft_url(plan, "pdf")).content.decode()
    assert len(queued()) == 1

    with time_machine.travel(timezone.now() + DRAFT_STALLED_AFTER + datetime.timedelta(seconds=1)):
        page = client.get(draft_url(plan, "pdf")).content.decode()

    assert "Waiting to start" in page
    assert len(queued()) == 2
    draft.refresh_from_db()
    assert draft.started_at is None


def test_a_draft_that_fails_says_so_and_is_made_when_the_person_tries_again(
    client, plan, board_member, monkeypatch
):
    """Tasks here run as they are enqueued: the request that queues the draft finds it made, or failed."""
    client.force_login(board_member)
    content_type, render_pdf = report_views.FORMATS["pdf"]

    def broken(content, cover):
        raise RuntimeError("the renderer broke")

    monkeypatch.setitem(report_views.FORMATS, "pdf", (content_type, broken))
    failed = client.get(draft_url(plan, "pdf", refresh="auto"))

    page = unescape(failed.content.decode())
    assert failed.status_code == 200
    assert "<title>Your PDF could not be made, Q2 2026/27 –" in page
    assert (
        f'href="{draft_url(plan, "pdf", draft=DraftPaperFile.objects.get().pk)}&again">Try again</a>' in page
    )
    assert "http-equiv" not in page  # nothing to wait for
    assert "could not be made" in client.get(draft_url(plan, "pdf")).content.decode()  # until asked to

    monkeypatch.setitem(report_views.FORMATS, "pdf", (content_type, render_pdf))
    again = client.get(draft_url(plan, "pdf", draft=DraftPaperFile.objects.get().pk) + "&again")

    assert again.content.startswith(b"%PDF")
    assert DraftPaperFile.objects.get().failed_at is None


def test_a_partnerships_drafts_over_a_day_old_go_when_it_asks_for_a_new_one(client, plan, board_member):
    client.force_login(board_member)
    client.get(draft_url(plan, "pdf"))
    yesterdays = DraftPaperFile.objects.get()
    DraftPaperFile.objects.update(requested_at=timezone.now() - DRAFT_KEPT - datetime.timedelta(minutes=1))

    client.get(draft_url(plan, "docx"))

    assert list(DraftPaperFile.objects.values_list("extension", flat=True)) == ["docx"]
    assert not DraftPaperFile.objects.filter(pk=yesterdays.pk).exists()


def test_another_partnership_cannot_have_the_draft(client, plan):
    other = MembershipFactory(role=Membership.Role.ADMINISTRATOR).user
    client.force_login(other)

    assert client.get(draft_url(plan, "pdf")).status_code == 404
    assert not DraftPaperFile.objects.exists()
