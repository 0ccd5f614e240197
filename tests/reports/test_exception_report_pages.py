import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Membership
from core.ratings import Rating
from reports.models import ExceptionReport, ExceptionRuleSetting
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def report_url(partnership, name="exception_report", **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": partnership.slug, **kwargs})


def member(partnership, role=Membership.Role.BOARD_MEMBER):
    return MembershipFactory(partnership=partnership, role=role).user


def test_board_members_read_the_live_report_with_its_items_and_downloads(client, plan):
    partnership, _ = plan
    client.force_login(member(partnership))

    html = client.get(report_url(partnership)).content.decode()

    assert "Exception report: Q2 2026/27" in html
    assert "1.1.1 Knife crime sessions" in html
    assert "Worse than the previous period: green to red" in html
    assert "1 action on track, not reported by exception." in html
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">Download (Word|PDF|CSV)</a>', html)
    assert [label for _, label in links] == ["Word", "PDF", "CSV"]
    for href, _ in links:
        assert client.get(unescape(href)).status_code == 200, href
    assert "Publish to meeting" not in html


@pytest.mark.parametrize(
    ("extension", "content_type", "signature"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("csv", "text/csv; charset=utf-8", b"\xef\xbb\xbfPriority"),
    ],
)
def test_downloads_are_real_files(client, plan, extension, content_type, signature):
    partnership, q2 = plan
    client.force_login(member(partnership))

    response = client.get(
        report_url(partnership, "exception_report_download", extension=extension), {"period": q2.pk}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f'filename="exception-report-Q2 2026-27.{extension}"' in response["Content-Disposition"]
    assert signature in response.content[:20]


def test_an_unknown_format_or_period_answers_404(client, plan):
    partnership, _ = plan
    other_period = ReportingPeriodFactory()
    client.force_login(member(partnership))

    assert (
        client.get(report_url(partnership, "exception_report_download", extension="xls")).status_code == 404
    )
    assert client.get(report_url(partnership), {"period": other_period.pk}).status_code == 404
    assert client.get(report_url(partnership), {"period": "nonsense"}).status_code == 404


def test_an_administrator_publishes_to_a_meeting_and_the_meeting_lists_it(client, plan):
    partnership, q2 = plan
    meeting = MeetingFactory(partnership=partnership, held_on=datetime.date(2026, 12, 10))
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))

    response = client.post(
        report_url(partnership, "exception_report_publish"), {"meeting": meeting.pk, "period": q2.pk}
    )

    report = ExceptionReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    published = client.get(report.get_absolute_url()).content.decode()
    assert "version 1" in published
    assert "1.1.1 Knife crime sessions" in published
    assert report.get_absolute_url() in client.get(meeting.get_absolute_url()).content.decode()


def test_publishing_without_a_meeting_explains_and_saves_nothing(client, plan):
    partnership, q2 = plan
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))

    response = client.post(
        report_url(partnership, "exception_report_publish"), {"meeting": "", "period": q2.pk}
    )

    assert response.status_code == 200
    assert "Choose the meeting to publish to" in response.content.decode()
    assert not ExceptionReport.objects.exists()


def test_only_administrators_publish_or_choose_rules(client, plan):
    partnership, q2 = plan
    meeting = MeetingFactory(partnership=partnership)
    for role in (Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER):
        client.force_login(member(partnership, role))
        assert (
            client.post(
                report_url(partnership, "exception_report_publish"), {"meeting": meeting.pk, "period": q2.pk}
            ).status_code
            == 403
        )
        assert client.get(report_url(partnership, "exception_rules")).status_code == 403
    assert not ExceptionReport.objects.exists()


def test_another_partnerships_meeting_cannot_be_published_to(client, plan):
    partnership, q2 = plan
    elsewhere = MeetingFactory()
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))

    response = client.post(
        report_url(partnership, "exception_report_publish"), {"meeting": elsewhere.pk, "period": q2.pk}
    )

    assert "Choose a meeting of this partnership" in response.content.decode()
    assert not ExceptionReport.objects.exists()


def test_a_published_report_of_another_partnership_answers_404(client, plan):
    partnership, q2 = plan
    report = ExceptionReport.objects.create(
        partnership=partnership,
        period=q2,
        meeting=MeetingFactory(partnership=partnership),
        version=1,
        content={},
        published_at="2026-11-22T10:00Z",
        published_by=member(partnership),
    )
    client.force_login(MembershipFactory().user)

    assert client.get(report.get_absolute_url()).status_code == 404


def test_administrators_switch_rules_off_and_on(client, plan):
    partnership, _ = plan
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))

    response = client.post(report_url(partnership, "exception_rules"), {"rules": ["red", "board_ask"]})

    assert response.status_code == 302
    off = set(ExceptionRuleSetting.objects.filter(is_enabled=False).values_list("rule", flat=True))
    assert off == {"amber_or_worse", "overdue", "milestone_overdue", "missing_return", "exceptional"}
    assert "2.1.1 Refresh the VAWG plan" not in client.get(report_url(partnership)).content.decode()


def test_board_asks_of_a_period(client, plan):
    partnership, q2 = plan
    client.force_login(member(partnership))

    html = client.get(report_url(partnership, "board_asks"), {"period": q2.pk}).content.decode()

    assert "Agree to fund a second advocate" in html
    assert "Independent advocate service" in html


@pytest.mark.parametrize("page", ["exception_report", "board_asks", "plan"])
def test_report_pages_make_the_same_queries_for_5_and_50_actions(client, page, assert_same_queries):
    def make_rows(count):
        first = ActionFactory()
        partnership = first.partnership
        period = ReportingPeriodFactory(
            partnership=partnership,
            starts_on=datetime.date(2026, 7, 1),
            ends_on=datetime.date(2026, 9, 30),
            update_deadline=datetime.date(2026, 10, 31),
        )
        actions = [first, *ActionFactory.create_batch(count - 1, ambition=first.ambition, owner=first.owner)]
        for i, action in enumerate(actions):
            rating = [Rating.RED, Rating.GREEN, Rating.BLUE][i % 3]
            ProgressUpdateFactory(
                action=action,
                period=period,
                rating=rating,
                mitigation="m",
                board_ask="ask" if i % 2 else "",
                submitted_at="2026-10-01T09:00Z",
            )
        client.force_login(member(partnership))
        return report_url(partnership, page)

    responses = assert_same_queries(make_rows, client.get, few=5, many=50)

    assert [response.status_code for response in responses] == [200, 200]
