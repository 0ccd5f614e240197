"""Costly downloads are limited per person: a third Word or PDF at once answers 429 "Try again in a moment"."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Membership
from core.downloads import download_slots_key
from core.limits import DOWNLOAD_RETRY_AFTER_SECONDS, DOWNLOADS_AT_ONCE
from core.ratings import Rating
from delivery.models import ReportingPeriod
from reports import views as report_views
from reports.models import BoardPaperFile
from reports.services import exception_report_publish
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def report(db):
    strategy = StrategyFactory()
    partnership = strategy.partnership
    period = ReportingPeriodFactory(
        partnership=partnership,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        update_deadline=datetime.date(2026, 7, 31),
        state=ReportingPeriod.State.OPEN,
    )
    ambition = StrategicAmbitionFactory(priority=PriorityFactory(strategy=strategy, order=1), order=1)
    action = ActionFactory(ambition=ambition, order=1)
    ProgressUpdateFactory(action=action, period=period, rating=Rating.RED, mitigation="More staff.")
    board_member = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    return {
        "partnership": partnership,
        "strategy": strategy,
        "period": period,
        "board_member": board_member,
        "admin": admin,
    }


@pytest.fixture
def unrendered_paper(report):
    """The PDF download of a published paper that the task queue has not rendered yet, so that the
    request that first asks for it renders it (a live draft's paper is rendered on the queue)."""
    published = exception_report_publish(
        partnership=report["partnership"],
        period=report["period"],
        meeting=MeetingFactory(partnership=report["partnership"]),
        published_by=report["admin"],
        today=datetime.date(2026, 7, 1),
    )
    BoardPaperFile.objects.filter(report=published).delete()
    return reverse(
        "reports:published_report_download",
        kwargs={"slug": report["partnership"].slug, "pk": published.pk, "extension": "pdf"},
    )


def download_url(report, extension):
    return reverse(
        "reports:exception_report_download",
        kwargs={"slug": report["partnership"].slug, "extension": extension},
    )


def assert_try_again(response):
    assert response.status_code == 429
    assert response["Retry-After"] == str(DOWNLOAD_RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "<title>Try again in a moment" in html
    assert f"You already have {DOWNLOADS_AT_ONCE} downloads being prepared" in html


def test_a_download_beyond_the_limit_answers_429_while_the_others_are_under_way(
    client, report, unrendered_paper, monkeypatch
):
    """Downloads started from inside a download's rendering are truly under way at the same time."""
    url = unrendered_paper
    client.force_login(report["board_member"])
    seen = []
    content_type, render_pdf = report_views.FORMATS["pdf"]

    def render_while_starting_another(content, cover):
        if len(seen) < DOWNLOADS_AT_ONCE:
            seen.append(client.get(url))
        return render_pdf(content, cover)

    monkeypatch.setitem(report_views.FORMATS, "pdf", (content_type, render_while_starting_another))

    first = client.get(url)

    # The first started the second, and the second the third, which found both slots taken.
    third, second = seen  # the innermost answered first
    assert first.status_code == 200
    assert second.status_code == 200
    assert_try_again(third)
    assert first.content.startswith(b"%PDF")
    # Every slot was given back: the next download works.
    assert cache.get(download_slots_key(report["board_member"].pk)) is None
    monkeypatch.setitem(report_views.FORMATS, "pdf", (content_type, render_pdf))
    assert client.get(download_url(report, "pdf")).status_code == 200


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_word_and_pdf_wait_for_a_free_slot_then_work(client, report, extension):
    client.force_login(report["board_member"])
    key = download_slots_key(report["board_member"].pk)
    cache.set(key, DOWNLOADS_AT_ONCE)  # as if two downloads were being prepared

    assert_try_again(client.get(download_url(report, extension)))
    assert cache.get(key) == DOWNLOADS_AT_ONCE  # the refusal took no slot

    cache.decr(key)  # one of them finished
    response = client.get(download_url(report, extension))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert cache.get(key) == DOWNLOADS_AT_ONCE - 1


def test_the_limit_is_per_person_and_leaves_csv_alone(client, report):
    cache.set(download_slots_key(report["board_member"].pk), DOWNLOADS_AT_ONCE)
    client.force_login(report["board_member"])

    assert client.get(download_url(report, "csv")).status_code == 200  # cheap: not limited

    client.force_login(report["admin"])
    assert client.get(download_url(report, "pdf")).status_code == 200


def test_the_plan_export_is_limited_too(client, report):
    client.force_login(report["admin"])
    url = reverse("delivery:plan_export", kwargs={"slug": report["partnership"].slug})
    cache.set(download_slots_key(report["admin"].pk), DOWNLOADS_AT_ONCE)

    assert_try_again(client.get(url, {"strategy": report["strategy"].pk}))

    cache.clear()
    response = client.get(url, {"strategy": report["strategy"].pk})
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_a_download_that_fails_gives_its_slot_back(client, report, unrendered_paper, monkeypatch):
    def broken(content, cover):
        raise RuntimeError("the renderer broke")

    monkeypatch.setitem(report_views.FORMATS, "pdf", ("application/pdf", broken))
    client.force_login(report["board_member"])

    with pytest.raises(RuntimeError):
        client.get(unrendered_paper)

    assert cache.get(download_slots_key(report["board_member"].pk)) is None
