import datetime
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from docx import Document

from accounts.models import Membership
from core.ratings import Rating
from delivery.models import Action
from reports.exceptions import exception_report_build
from reports.models import ExceptionReport, ExceptionRuleSetting
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def report_url(partnership, name="exception_report", **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": partnership.slug, **kwargs})


def member(partnership, role=Membership.Role.BOARD_MEMBER):
    return MembershipFactory(partnership=partnership, role=role).user


def item_headings(response) -> list[str]:
    """The report's item headings, as text, in page order."""
    html = response.content.decode()
    titles = re.findall(r'<h5 class="govuk-summary-card__title">(.*?)</h5>', html, flags=re.DOTALL)
    return [unescape(re.sub(r"<[^>]+>", "", title)) for title in titles]


def strip_keys(content: dict) -> dict:
    """The content as reports published before issue 10 hold it: no links, no issues and risks."""
    old = {key: value for key, value in content.items() if key != "on_track"}
    summary = old["summary"]
    old["summary"] = {
        **summary,
        "rows": [
            {k: v for k, v in row.items() if k not in ("links", "total_link")} for row in summary["rows"]
        ],
        "totals": {k: v for k, v in summary["totals"].items() if k not in ("links", "total_link")},
    }
    for section in old["sections"]:
        for ambition in section["ambitions"]:
            ambition["items"] = [
                {k: v for k, v in item.items() if k not in ("url", "issues_and_risks")}
                for item in ambition["items"]
            ]
    return old


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
    filename = f"{partnership.slug}-exception-report-Q2-2026-27-draft.{extension}"
    assert f'filename="{filename}"' in response["Content-Disposition"]
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
    assert off == {
        "amber_or_worse",
        "overdue",
        "timescale_revised",
        "milestone_overdue",
        "missing_return",
        "exceptional",
        "indicator_off_target",
        "risk_above_tolerance",
    }
    assert "2.1.1 Refresh the VAWG plan" not in item_headings(client.get(report_url(partnership)))


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


def test_the_report_shows_issues_and_risks_only_where_an_item_has_them(client, plan):
    partnership, q2 = plan
    q2.progress_updates.filter(action__title="Knife crime sessions").update(
        issues_and_risks="Venue lost for the spring term"
    )
    client.force_login(member(partnership))

    html = client.get(report_url(partnership)).content.decode()

    row = (
        '<dt class="govuk-summary-list__key">Issues and risks</dt>'
        '<dd class="govuk-summary-list__value">Venue lost for the spring term</dd>'
    )
    assert row in html
    assert html.count("Issues and risks</dt>") == 1


@pytest.mark.parametrize("extension", ["docx", "pdf", "csv"])
def test_each_download_carries_issues_and_risks(client, plan, extension):
    partnership, q2 = plan
    q2.progress_updates.filter(action__title="Knife crime sessions").update(issues_and_risks="Venue lost")
    client.force_login(member(partnership))

    response = client.get(
        report_url(partnership, "exception_report_download", extension=extension), {"period": q2.pk}
    )

    assert response.status_code == 200
    if extension == "csv":
        header, first, *_ = response.content.decode("utf-8-sig").splitlines()
        assert "Issues and risks" in header.split(",")
        assert ",Venue lost," in first
    elif extension == "docx":
        document = Document(io.BytesIO(response.content))
        cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
        assert ["Issues and risks", "Venue lost"] in cells
    else:
        assert response.content.startswith(b"%PDF")


def test_each_item_heading_links_to_its_action_and_the_actions_on_track_are_listed(client, plan):
    partnership, _ = plan
    client.force_login(member(partnership))

    response = client.get(report_url(partnership))
    html = response.content.decode()

    knife = Action.objects.get(title="Knife crime sessions")
    assert (
        f'<h5 class="govuk-summary-card__title"><a class="govuk-link" href="{knife.get_absolute_url()}">'
        "1.1.1 Knife crime sessions</a></h5>"
    ) in html
    assert item_headings(response)[0] == "1.1.1 Knife crime sessions"
    on_track = re.search(r'<details class="govuk-details">(.*?)</details>', html, flags=re.DOTALL).group(1)
    assert "List the action on track" in on_track
    youth = Action.objects.get(title="Youth outreach")
    assert f'<a class="govuk-link" href="{youth.get_absolute_url()}">1.1.2 Youth outreach</a>' in on_track
    assert client.get(youth.get_absolute_url()).status_code == 200


def test_each_summary_count_links_to_the_delivery_plan_listing_exactly_those_actions(client, plan):
    partnership, _ = plan
    client.force_login(member(partnership))

    html = client.get(report_url(partnership)).content.decode()

    # The page's own summary, after the print-only summary of items (tests/reports/test_board_paper_print.py).
    start = html.index('<h2 class="govuk-heading-m">Summary</h2>')
    summary = html[html.index("<table", start) : html.index("</table>", start)]
    links = re.findall(
        r'<a class="govuk-link" href="([^"]+)">(\d+)<span class="govuk-visually-hidden"> ([^<]+)</span></a>',
        summary,
    )
    # Two priorities and the totals row, each with five ratings and a total.
    assert len(links) == 3 * 6
    assert "red, 1. Prevention" in [words for _, _, words in links]
    assert "in total, all priorities" in [words for _, _, words in links]
    for href, count, words in links:
        listing = client.get(unescape(href)).content.decode()
        listed = int(re.search(r'<p class="govuk-body" role="status">(\d+) action', listing).group(1))
        assert listed == int(count), f"{words}: {href}"


def test_the_delivery_plan_counts_an_action_with_only_a_draft_as_not_rated_in_that_period(client, plan):
    partnership, q2 = plan
    client.force_login(member(partnership))
    plan_url = reverse("delivery:action_list", kwargs={"slug": partnership.slug})

    listing = client.get(plan_url, {"period": q2.pk, "rating": "not_rated"}).content.decode()

    assert "Scams prevention" in listing  # a draft only: not submitted, so not rated
    assert "Refresh the VAWG plan" in listing  # no update at all
    assert "Knife crime sessions" not in listing
    green = client.get(plan_url, {"period": q2.pk, "rating": "green"}).content.decode()
    assert "Youth outreach" in green
    assert "Scams prevention" not in green


def test_a_report_published_before_links_and_issues_and_risks_still_shows_and_downloads(client, plan):
    partnership, q2 = plan
    content = exception_report_build(
        partnership=partnership, period=q2, meeting=None, today=datetime.date(2026, 11, 22)
    )
    report = ExceptionReport.objects.create(
        partnership=partnership,
        period=q2,
        meeting=MeetingFactory(partnership=partnership),
        version=1,
        content=strip_keys(content) | {"version": 1},
        published_at="2026-11-22T10:00Z",
        published_by=member(partnership),
    )
    client.force_login(member(partnership))

    response = client.get(report.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert item_headings(response)[0] == "1.1.1 Knife crime sessions"
    assert '<h5 class="govuk-summary-card__title">1.1.1 Knife crime sessions</h5>' in html
    assert "1 action on track, not reported by exception." in html
    assert "List the action" not in html
    assert "Issues and risks" not in html
    assert "/actions/?" not in html
    for extension in ("docx", "pdf", "csv"):
        download = client.get(
            reverse(
                "reports:published_report_download",
                kwargs={"slug": partnership.slug, "pk": report.pk, "extension": extension},
            )
        )
        assert download.status_code == 200, extension
    csv_text = download.content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].split(",")[-6] == "Issues and risks"
