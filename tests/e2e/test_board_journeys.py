"""Browser journeys through the board's pages: the plan on a page, the exception report and its
downloads, and publishing the report to a meeting. Every page visited is checked with axe."""

import csv
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from delivery.models import ProgressUpdate, ReportingPeriod
from meetings.models import Meeting
from reports.exports.csv_file import INDICATOR_KIND, RISK_KIND
from reports.models import ExceptionReport
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
BOARD = "Safer Bromley Partnership Board"
ON_TRACK = re.compile(r"^(\d+) actions? on track, not reported by exception\.$")
REFERENCE = re.compile(r"^(\d+\.\d+\.\d+) ")


def literal(text: str) -> str:
    """Text as a regular expression matching it exactly; "/" escaped too, which Playwright's selectors need."""
    return re.escape(text).replace("/", r"\/")


def open_period() -> ReportingPeriod:
    return ReportingPeriod.objects.get(partnership__slug=SLUG, state=ReportingPeriod.State.OPEN)


def upcoming_board_meeting() -> Meeting:
    """The Safer Bromley Partnership Board meeting after today, the one a report is published to."""
    meeting = (
        Meeting.objects.filter(partnership__slug=SLUG, title=BOARD, held_on__gt=timezone.localdate())
        .order_by("held_on")
        .first()
    )
    assert meeting is not None, "the demo should have an upcoming board meeting"
    return meeting


def navigate(page, label):
    """Follow a link in the service navigation and check the page it opens."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=re.compile(rf"^{label}")).click()
    assert_accessible(page)


def item_titles(page) -> list[str]:
    """The exception report's item headings, "1.1.4 Commission …", in the order the page shows them."""
    titles = page.locator(".govuk-summary-card__title")
    expect(titles.first).to_be_visible()
    return [text.strip() for text in titles.all_text_contents()]


def references_of(titles: list[str]) -> list[str]:
    references = []
    for title in titles:
        match = REFERENCE.match(title)
        assert match, f"an item heading should start with its reference: {title!r}"
        references.append(match.group(1))
    return references


def on_track_count(page) -> int:
    sentence = page.locator("main p").filter(has_text=ON_TRACK)
    expect(sentence).to_have_count(1)
    return int(ON_TRACK.match(sentence.text_content().strip()).group(1))


def card_titled(page, title):
    return page.locator(".govuk-summary-card").filter(
        has=page.locator(".govuk-summary-card__title", has_text=re.compile(rf"^\s*{literal(title)}\s*$"))
    )


def progress_of(card):
    """The "Progress" value of an item card: the narrative of the update for the period."""
    return (
        card.locator(".govuk-summary-list__row")
        .filter(has=card.page.locator("dt", has_text=re.compile(r"^\s*Progress\s*$")))
        .locator("dd")
    )


def download(page, tmp_path, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    file = info.value
    assert file.failure() is None, f"{link_name} failed: {file.failure()}"
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    return path


def docx_text(path) -> tuple[list[str], list[str]]:
    """The text of a Word file: its body paragraphs in order, then every table cell's text."""
    document = Document(str(path))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return paragraphs, cells


def pdf_text(path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext not found: run `make test`, which installs poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed program on a file this test saved
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_board_member_reads_the_plan_on_a_page_and_follows_a_count_to_the_delivery_plan(page, sign_in, demo):
    period = open_period()
    sign_in("demo-board")

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan on a page")
    expect(page).to_have_title(re.compile(rf"^Plan on a page, {literal(period.name)}"))
    chart = page.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    # The chart is named by its title and description together (aria-labelledby names both).
    expect(chart).to_have_accessible_name(
        re.compile(
            rf"^Actions by rating for each priority, {literal(period.name)}\b.*Whole partnership: \d+ red, \d+ amber"
        )
    )

    table = page.get_by_role("table", name=f"Priorities, {period.name}")
    expect(table).to_be_visible()
    header = table.get_by_role("columnheader")
    expect(header.first).to_have_text("Priority and lead")
    for label in ("Red", "Amber", "Green", "Blue", "Not rated", "Direction of travel", "Total"):
        expect(header.filter(has_text=re.compile(rf"^{label}$"))).to_have_count(1)
    whole = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Whole partnership"))
    expect(whole).to_have_count(1)
    expect(whole.get_by_role("link", name=re.compile(r"^\d+ in total, whole partnership$"))).to_be_visible()

    red_links = table.get_by_role("link", name=re.compile(r"^[1-9]\d* red, priority \d+$"))
    expect(red_links.first).to_be_visible()
    link = red_links.first
    reference = re.search(r"priority (\d+)$", link.text_content()).group(1)
    row_header = table.get_by_role("rowheader", name=re.compile(rf"^{reference}\. "))
    expect(row_header).to_have_count(1)

    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery plan")
    expect(page).to_have_url(re.compile(r"/p/safer-bromley/actions/\?"))
    expect(page).to_have_url(re.compile(r"[?&]rating=red(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]priority=\d+(&|$)"))
    priority_id = re.search(r"[?&]priority=(\d+)", page.url).group(1)
    expect(page.get_by_label("Latest rating")).to_have_value("red")
    expect(page.get_by_label("Priority", exact=True)).to_have_value(priority_id)
    rows = page.locator("tbody").get_by_role("row")
    expect(rows.first).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^[1-9]\d* actions?"))
    for index in range(rows.count()):
        row = rows.nth(index)
        expect(row.get_by_role("cell").nth(0)).to_have_text(re.compile(rf"^{reference}\.\d+\.\d+ "))
        expect(row.get_by_role("cell").nth(2).locator(".app-rating")).to_have_text("Red")
    assert_accessible(page)


def test_board_member_reads_the_exception_report_and_its_three_downloads_match_it(
    page, sign_in, demo, tmp_path
):
    period = open_period()
    sign_in("demo-board")
    navigate(page, "Exception report")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Exception report: {period.name}")
    summary = page.get_by_role(
        "table", name=re.compile(rf"^Actions by rating and priority, {literal(period.name)}")
    )
    expect(summary).to_be_visible()
    expect(summary.get_by_role("rowheader", name="All priorities")).to_be_visible()
    cards = page.locator(".govuk-summary-card")
    expect(cards.first).to_be_visible()
    expect(cards.first.get_by_role("term").filter(has_text="Why it is reported")).to_have_count(1)
    titles = item_titles(page)
    references = references_of(titles)
    expect(
        page.get_by_role("heading", level=2, name=f"Reported by exception ({len(titles)})")
    ).to_be_visible()
    on_track = on_track_count(page)
    expect(page.get_by_role("button", name="Publish to meeting")).to_have_count(0)
    expect(page.get_by_role("heading", name="Publish to a meeting")).to_have_count(0)

    word = download(page, tmp_path, "Download Word")
    pdf = download(page, tmp_path, "Download PDF")
    spreadsheet = download(page, tmp_path, "Download CSV")
    assert word.suffix == ".docx" and pdf.suffix == ".pdf" and spreadsheet.suffix == ".csv"

    paragraphs, cells = docx_text(word)
    word_text = "\n".join([*paragraphs, *cells])
    word_headings = [p for p in paragraphs if REFERENCE.match(p)]
    assert word_headings == titles, "the Word file should head its items as the page does, in order"
    for reference in references:
        assert re.search(rf"(^|\s){literal(reference)} ", word_text), f"{reference} missing from Word"
    assert (
        f"{on_track} action{'s' if on_track != 1 else ''} on track, not reported by exception." in paragraphs
    )
    assert f"Exception report: {period.name}" in paragraphs

    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for reference in references:
        assert re.search(rf"(^|\s){literal(reference)}\s", text), f"{reference} missing from the PDF"
    assert f"{on_track} action{'s' if on_track != 1 else ''} on track, not reported by exception." in flat
    assert f"Exception report: {period.name}" in flat

    with spreadsheet.open(encoding="utf-8-sig", newline="") as file:
        # The indicators off target and the risks the paper reports follow the items, each said by "Kind".
        rows = [row for row in csv.DictReader(file) if row["Kind"] not in (INDICATOR_KIND, RISK_KIND)]
    assert [row["Reference"] for row in rows] == references
    assert [f"{row['Reference']} {row['Action']}" for row in rows] == titles
    assert all(row["Reasons"] for row in rows), "every row should say why the action is reported"


def test_administrator_publishes_the_report_and_later_changes_do_not_alter_it(page, sign_in, demo):
    period = open_period()
    meeting = upcoming_board_meeting()
    sign_in("demo-admin")
    navigate(page, "Exception report")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Exception report: {period.name}")

    select = page.get_by_label("Meeting", exact=True)
    if select.input_value() != str(meeting.pk):
        select.select_option(label=str(meeting))
    expect(select).to_have_value(str(meeting.pk))
    page.get_by_role("button", name="Publish to meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Exception report: {period.name}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"published to {meeting} as version 1."
    )
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"Published to {meeting} as version 1 ")
    expect(page).to_have_title(re.compile(rf"^Exception report, {literal(period.name)}, version 1"))
    assert_accessible(page)
    first = ExceptionReport.objects.get()
    assert (first.meeting_id, first.period_id, first.version) == (meeting.pk, period.pk, 1)
    expect(page).to_have_url(re.compile(rf"/reports/published/{first.pk}/$"))

    # An item with a progress narrative whose action is still live (blue means completed: not updatable).
    cards = (
        page.locator(".govuk-summary-card")
        .filter(has=page.locator("dt", has_text=re.compile(r"^\s*Progress\s*$")))
        .filter(has=page.locator(".app-rating", has_text=re.compile(r"^(Red|Amber|Green)$")))
    )
    expect(cards.first).to_be_visible()
    title = cards.first.locator(".govuk-summary-card__title").text_content().strip()
    rating = cards.first.locator(".app-rating").first.text_content().strip()
    old_narrative = progress_of(cards.first).inner_text().strip()
    assert old_narrative
    new_narrative = f"Changed after publication: {title} is now back on course with the partners."

    navigate(page, "Delivery plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery plan")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Update progress")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Update progress for {period.name}")
    assert_accessible(page)
    rating_radio = page.get_by_role("radio", name=rating, exact=True)
    if not rating_radio.is_checked():
        rating_radio.check()
    expect(page.get_by_label("Progress this period")).to_have_value(re.compile(r"\S"))
    page.get_by_label("Progress this period").fill(new_narrative)
    page.get_by_role("button", name="Submit update").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Progress update for {period.name} submitted."
    )
    assert_accessible(page)
    reference = REFERENCE.match(title).group(1)
    update = ProgressUpdate.objects.get(period=period, action__title=title.removeprefix(f"{reference} "))
    assert update.is_submitted and update.narrative == new_narrative

    # The published report is frozen: it still shows the narrative as it was.
    navigate(page, "Meetings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    held_on = f"{meeting.held_on.day} {meeting.held_on:%b %Y}"
    long_held_on = f"{meeting.held_on.day} {meeting.held_on:%B %Y}"
    meeting_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=held_on, exact=True))
    meeting_row.get_by_role("link", name=meeting.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{meeting.title}, {long_held_on}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Exception report for {period.name}, version 1", exact=True).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("version 1")
    card = card_titled(page, title)
    expect(card).to_have_count(1)
    expect(progress_of(card)).to_have_text(old_narrative)
    expect(card).not_to_contain_text(new_narrative)
    assert_accessible(page)

    # The live draft has the new narrative.
    navigate(page, "Exception report")
    expect(page.locator(".govuk-inset-text").first).to_contain_text("Draft, drawn live")
    expect(progress_of(card_titled(page, title))).to_have_text(new_narrative)
    expect(page.get_by_role("link", name=f"{meeting}, version 1")).to_be_visible()

    # Publishing again adds version 2, with the new narrative; the meeting lists both.
    # The soonest meeting is chosen to begin with (the demo's Strategic Group meets before the Board).
    page.get_by_label("Meeting", exact=True).select_option(str(meeting.pk))
    page.get_by_role("button", name="Publish to meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"published to {meeting} as version 2."
    )
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"Published to {meeting} as version 2 ")
    expect(progress_of(card_titled(page, title))).to_have_text(new_narrative)
    assert_accessible(page)
    assert sorted(ExceptionReport.objects.values_list("version", flat=True)) == [1, 2]

    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    breadcrumbs.get_by_role("link", name=long_held_on, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.title)
    reports = page.get_by_role(
        "link", name=re.compile(rf"^Exception report for {literal(period.name)}, version \d$")
    )
    expect(reports).to_have_count(2)
    expect(page.get_by_role("link", name=f"Exception report for {period.name}, version 1")).to_be_visible()
    expect(page.get_by_role("link", name=f"Exception report for {period.name}, version 2")).to_be_visible()
    assert_accessible(page)


def test_publishing_with_no_meeting_chosen_is_refused(page, sign_in, demo):
    sign_in("demo-admin")
    navigate(page, "Exception report")

    page.get_by_label("Meeting", exact=True).select_option(label="Choose a meeting")
    expect(page.get_by_label("Meeting", exact=True)).to_have_value("")
    page.get_by_role("button", name="Publish to meeting").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Choose the meeting to publish to")).to_be_visible()
    expect(page.get_by_label("Meeting", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert ExceptionReport.objects.count() == 0
