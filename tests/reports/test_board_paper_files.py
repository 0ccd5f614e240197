"""A published report's Word and PDF board papers are rendered once, on the task queue, and kept."""

import datetime
import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership
from reports.exports import files
from reports.models import BoardPaperFile
from reports.services import exception_report_publish
from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import MeetingFactory

TODAY = datetime.date(2026, 11, 22)  # the day the fixture partnership is reported on
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def publish(plan):
    partnership, q2 = plan
    meeting = MeetingFactory(partnership=partnership, held_on=datetime.date(2026, 12, 10))
    admin = MembershipFactory(partnership=partnership).user
    return exception_report_publish(
        partnership=partnership, period=q2, meeting=meeting, published_by=admin, today=TODAY
    )


def download(client, report, extension):
    board_member = MembershipFactory(partnership=report.partnership, role=Membership.Role.BOARD_MEMBER).user
    client.force_login(board_member)
    return client.get(
        reverse(
            "reports:published_report_download",
            kwargs={"slug": report.partnership.slug, "pk": report.pk, "extension": extension},
        )
    )


def test_publishing_renders_the_word_and_pdf_papers_once_and_keeps_them(
    plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        report = publish(plan)

    assert len(queued) == 1
    kept = {paper.extension: bytes(paper.content) for paper in report.paper_files.all()}
    assert set(kept) == {"docx", "pdf"}
    assert kept["pdf"].startswith(b"%PDF")
    assert "Knife crime sessions" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(kept["docx"])).paragraphs
    )


def test_a_download_of_a_published_paper_is_the_kept_file(client, plan, monkeypatch):
    report = publish(plan)
    BoardPaperFile.objects.create(report=report, extension="pdf", content=b"%PDF kept at publication")

    def not_again(content, cover):
        raise AssertionError("a kept paper is not rendered again")

    monkeypatch.setitem(files.FORMATS, "pdf", ("application/pdf", not_again))
    response = download(client, report, "pdf")

    assert response.status_code == 200
    assert response.content == b"%PDF kept at publication"
    assert 'filename="' in response["Content-Disposition"]


def test_a_paper_the_queue_has_not_rendered_yet_is_rendered_on_download_and_kept(client, plan):
    report = publish(plan)  # the queue's task has not run
    assert not report.paper_files.exists()

    response = download(client, report, "docx")

    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    assert bytes(report.paper_files.get(extension="docx").content) == response.content
    assert download(client, report, "docx").content == response.content


def test_the_csv_of_a_published_report_is_not_kept(client, plan):
    report = publish(plan)

    response = download(client, report, "csv")

    assert response.status_code == 200
    assert "Knife crime sessions" in response.content.decode("utf-8-sig")
    assert not report.paper_files.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_worker_renders_a_published_paper(plan, settings):
    settings.TASKS = DATABASE_QUEUE
    report = publish(plan)
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert not report.paper_files.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert set(report.paper_files.values_list("extension", flat=True)) == {"docx", "pdf"}
