"""The board paper's indicators and risks (issue 13, item 6): the exception report page, its print
version (the published report's page), Word, PDF and CSV each carry a "Performance indicators off
target" section and a "Risk register" section as released to the board, read back here from each file;
reports without them (a rule off, or published before they existed) show neither."""

import csv
import datetime
import io
import re
import tempfile
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from docx import Document

from accounts.models import Membership
from delivery.models import ReportingPeriod
from indicators.ratings import Polarity
from priorities.models import Priority
from reports.exceptions import exception_report_build
from reports.exports.csv_file import CSV_HEADER, exception_report_csv
from reports.exports.pdf import exception_report_html, exception_report_pdf
from reports.exports.word import exception_report_docx
from reports.models import ExceptionReport, ExceptionRule
from reports.services import exception_report_publish, exception_rules_set
from risks.models import Risk
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory
from tests.reports.test_exports import poppler, squash
from tests.reports.test_indicator_and_risk_rules import (
    TODAY,
    indicator,
    release,
    rescore,
    risk,
)
from tests.risks.factories import RiskRegisterFactory

pytestmark = pytest.mark.django_db

SCRIPT_NOTE = "Figures late <script>alert('x')</script> from the police"
FORMULA_NAME = '=HYPERLINK("http://x.test") knife crime'


@pytest.fixture
def paper(plan):
    """The fixture plan with three indicators (two off target, one of them with a value only for Q1)
    and a register released twice: R1 high, R2 medium and steady, R3 risen from 4 to 9."""
    partnership, q2 = plan
    q1 = ReportingPeriod.objects.get(partnership=partnership, name="Q1 2026/27")
    prevention = Priority.objects.get(strategy__partnership=partnership, title="Prevention")
    people = Priority.objects.get(strategy__partnership=partnership, title="People")
    knife = indicator(
        prevention,
        "Knife crime with injury, under 25",
        value="60",
        target=Decimal("50"),
        period=q2,
        polarity=Polarity.LOWER_IS_BETTER,
    )
    knife.values.filter(period=q2).update(note=SCRIPT_NOTE)
    indicator(people, FORMULA_NAME, value="12.5", period=q1, unit="percentage")
    indicator(people, "Repeat victims referred to MARAC", value="120", period=q2)

    register = RiskRegisterFactory(partnership=partnership)
    high = risk(register, "R1", 4, 4, further_actions="Bid to the Home Office for two analysts.")
    risk(register, "R2", 2, 3)
    rising = risk(register, "R3", 2, 2, further_actions="=1+1 quarterly review")
    high.priorities.add(prevention)
    release(register, when=datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC))
    rescore(rising, 3, 3)
    latest = release(register, when=datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC))
    # After the release, a change the board has not seen: R2 becomes high while in preparation.
    rescore(Risk.objects.get(register=register, reference="R2"), 5, 5)
    return {"partnership": partnership, "period": q2, "register": register, "release": latest}


def report_url(partnership, name="exception_report", **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": partnership.slug, **kwargs})


def board_member(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user


def text_of(html: str) -> str:
    """A page's main text as a reader sees it: tags dropped, entities read, spaces squashed."""
    main = re.search(r"<main.*?</main>", html, flags=re.DOTALL).group(0)
    return squash(unescape(re.sub(r"<[^>]+>", " ", main)))


def content_of(paper) -> dict:
    return exception_report_build(
        partnership=paper["partnership"], period=paper["period"], meeting=None, today=TODAY
    )


# The page, live and published (its print version)


def test_the_live_report_shows_the_indicators_off_target_and_the_released_risks(client, paper):
    client.force_login(board_member(paper["partnership"]))

    html = client.get(report_url(paper["partnership"])).content.decode()
    text = text_of(html)

    assert "2 of 3 performance indicators are off target." in text
    assert "2 risks are reported from the risk register as released on 3 November 2026." in text
    assert "Performance indicators off target" in text
    assert "2 of the strategy's 3 performance indicators are off target for Q2 2026/27" in text
    knife = "Knife crime with injury, under 25"
    assert re.search(rf'<a class="govuk-link" href="/p/[^"]+/indicators/\d+/">{knife}</a>', html)
    assert "1. Prevention 60 50 Off target" in text
    assert "12.5% (Q1 2026/27) 100% Off target" in text
    assert "Repeat victims referred to MARAC" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert('x')</script>" not in html

    assert "Risk register" in text
    assert "As released to the board on 3 November 2026 by Claire Chair." in text
    assert "Open risks 3 High 1 Above the tolerance of 12 1 Rising since the release before 1" in text
    assert "High, above tolerance and rising risks" in text
    assert "R1 Risk R1" in text and "16 (High)" in text and "Bid to the Home Office for two analysts." in text
    assert "R3 Risk R3" in text and "Rising (from 4)" in text
    assert "R2 Risk R2" not in text  # medium when released; high only in preparation
    release_url = reverse(
        "risks:release_detail", kwargs={"slug": paper["partnership"].slug, "pk": paper["release"].pk}
    )
    assert f'href="{release_url}"' in html


UP_ARROW = '<path d="M9 0 L14 -9 L19 0 Z"/>'
DOWN_ARROW = '<path d="M9 -9 L19 -9 L14 0 Z"/>'
ARROW_KEY = "An up arrow marks a risk whose score has risen since the previous release"


def heat_map_of(html: str) -> str:
    """The risks app's heat map in a page: its SVG, its key and its table."""
    start = html.index('<svg class="app-chart app-heat-map"')
    return html[start : html.index("</table>", start)]


def test_the_page_and_the_pdf_show_the_risks_apps_heat_map_with_its_table(client, paper):
    client.force_login(board_member(paper["partnership"]))

    html = unescape(client.get(report_url(paper["partnership"])).content.decode())
    pdf_html = unescape(exception_report_html(content=content_of(paper)))

    for page in (html, pdf_html):
        heat_map = heat_map_of(page)
        assert '<g role="img" aria-labelledby="report-heat-map-title report-heat-map-desc">' in heat_map
        assert "Heat map of the 3 open risks by likelihood and impact with controls" in heat_map
        assert "Likelihood 4, impact 4, score 16, high: 1 risk, R1." in heat_map
        assert "Likelihood 3, impact 3, score 9, medium: 1 risk, R3 (rising)." in heat_map
        assert "Open risks by likelihood and impact with controls</caption>" in heat_map
        assert "<a " not in heat_map  # nothing links in a paper
        assert "Impact (down) by likelihood (across)" not in page  # the Word file's table only
    assert heat_map_of(html).count(UP_ARROW) == 1  # R3


@pytest.fixture
def falling(plan):
    """A register released twice: R1 high and steady, R2 fallen from 9 to 2 (low, so not reported), R3
    risen from 4 to 9."""
    partnership, q2 = plan
    register = RiskRegisterFactory(partnership=partnership)
    risk(register, "R1", 4, 4)
    fell = risk(register, "R2", 3, 3)
    rose = risk(register, "R3", 2, 2)
    release(register, when=datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC))
    rescore(fell, 1, 2)
    rescore(rose, 3, 3)
    latest = release(register, when=datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC))
    return {"partnership": partnership, "period": q2, "register": register, "release": latest}


def test_a_falling_risk_the_paper_does_not_report_keeps_its_down_arrow(client, falling):
    partnership = falling["partnership"]
    client.force_login(board_member(partnership))
    release_page = unescape(
        client.get(
            reverse("risks:release_detail", kwargs={"slug": partnership.slug, "pk": falling["release"].pk})
        ).content.decode()
    )
    report_page = unescape(client.get(report_url(partnership)).content.decode())
    content = content_of(falling)
    pdf_html = unescape(exception_report_html(content=content))

    assert [item["reference"] for item in content["risks"]["items"]] == ["R1", "R3"]
    for page in (release_page, report_page, pdf_html):
        heat_map = heat_map_of(page)
        assert heat_map.count(DOWN_ARROW) == 1 and heat_map.count(UP_ARROW) == 1
        assert "Likelihood 1, impact 2, score 2, low: 1 risk, R2 (falling)." in heat_map
        assert "R3 (rising)" in heat_map
        assert ARROW_KEY in heat_map
    assert "R2 Risk R2" not in text_of(report_page)  # the falling risk is not reported, only drawn


def without_moves(heat_map: list) -> list:
    """A heat map as frozen before its cells said how their risks moved."""
    return [[{k: v for k, v in cell.items() if k != "moves"} for cell in row] for row in heat_map]


def test_a_release_and_a_report_frozen_before_cells_had_moves_show_no_arrows(client, falling):
    partnership = falling["partnership"]
    made = falling["release"]
    made.content = {**made.content, "heat_map": without_moves(made.content["heat_map"])}
    made.save(update_fields=["content"])
    content = content_of(falling)
    published = ExceptionReport.objects.create(
        partnership=partnership,
        period=falling["period"],
        meeting=MeetingFactory(partnership=partnership),
        version=1,
        content=content | {"version": 1},
        published_at="2026-11-22T10:00Z",
        published_by=board_member(partnership),
    )
    client.force_login(board_member(partnership))
    address = reverse("risks:release_detail", kwargs={"slug": partnership.slug, "pk": made.pk})

    pages = [
        unescape(client.get(address).content.decode()),
        unescape(client.get(report_url(partnership)).content.decode()),
        unescape(client.get(published.get_absolute_url()).content.decode()),
        unescape(exception_report_html(content=content)),
    ]

    assert "moves" not in content["risks"]["heat_map"][0][0]
    for page in pages:
        heat_map = heat_map_of(page)
        assert UP_ARROW not in heat_map and DOWN_ARROW not in heat_map
        assert "(rising)" not in heat_map and "(falling)" not in heat_map
        assert ARROW_KEY not in heat_map  # no key to arrows that are not drawn
        assert "Likelihood 1, impact 2, score 2, low: 1 risk, R2." in heat_map
    assert "Rising (from 4)" in text_of(pages[2])  # the reported risks still say how they moved


def test_the_published_report_keeps_the_sections_for_print(client, paper):
    partnership = paper["partnership"]
    report = exception_report_publish(
        partnership=partnership,
        period=paper["period"],
        meeting=MeetingFactory(partnership=partnership),
        published_by=MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user,
        today=TODAY,
    )
    q2 = paper["period"]
    q2.indicator_values.filter(indicator__name__startswith="Knife").update(value=Decimal("10"))
    client.force_login(board_member(partnership))

    text = text_of(client.get(report.get_absolute_url()).content.decode())

    assert "Performance indicators off target" in text
    assert "Knife crime with injury, under 25" in text
    assert "As released to the board on 3 November 2026 by Claire Chair." in text
    assert "R1 Risk R1" in text
    live = text_of(client.get(report_url(partnership)).content.decode())
    assert "1 of 3 performance indicators is off target." in live


def test_a_register_never_released_says_so_in_every_format(client, plan):
    partnership, q2 = plan
    risk(RiskRegisterFactory(partnership=partnership), "R1", 5, 5)
    client.force_login(board_member(partnership))
    message = "The risk register has not been released to the board."

    text = text_of(client.get(report_url(partnership)).content.decode())
    content = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)
    document = Document(io.BytesIO(exception_report_docx(content=content)))
    pdf = squash(pdf_text(content))
    rows = list(csv.reader(io.StringIO(exception_report_csv(content=content))))

    assert text.count(message) == 2  # in the summary, and as the section
    assert "Heat map" not in text
    assert message in [p.text for p in document.paragraphs]
    assert message in pdf
    assert "Risk" not in [row[CSV_HEADER.index("Kind")] for row in rows[1:]]


@pytest.mark.parametrize(
    "report",
    ["rules off", "published before"],
)
def test_a_report_without_the_sections_shows_neither(client, paper, report):
    partnership = paper["partnership"]
    if report == "rules off":
        exception_rules_set(
            partnership=partnership,
            enabled=set(ExceptionRule)
            - {ExceptionRule.INDICATOR_OFF_TARGET, ExceptionRule.RISK_ABOVE_TOLERANCE},
        )
        content = content_of(paper)
    else:
        content = {
            key: value
            for key, value in content_of(paper).items()
            if key not in ("indicators", "indicator_count", "risks")
        }
    published = ExceptionReport.objects.create(
        partnership=partnership,
        period=paper["period"],
        meeting=MeetingFactory(partnership=partnership),
        version=1,
        content=content | {"version": 1},
        published_at="2026-11-22T10:00Z",
        published_by=board_member(partnership),
    )
    client.force_login(board_member(partnership))

    text = text_of(client.get(published.get_absolute_url()).content.decode())
    document = Document(io.BytesIO(exception_report_docx(content=content)))
    words = "\n".join(p.text for p in document.paragraphs)
    pdf = squash(pdf_text(content))
    kinds = {row[-3] for row in csv.reader(io.StringIO(exception_report_csv(content=content)))}

    for shown in (text, words, pdf):
        assert "Performance indicators off target" not in shown
        assert "Risk register" not in shown
        assert "performance indicator" not in shown
    assert kinds == {"Kind", "Action"}
    if report == "rules off":
        assert client.get(report_url(partnership)).status_code == 200
        assert "Risk register" not in text_of(client.get(report_url(partnership)).content.decode())


# Word


def headings(document):
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def table_after(document, caption: str):
    """The table whose caption paragraph (the one after it) begins with `caption`."""
    for table in document.tables:
        following = table._tbl.getnext()
        if following is not None and "".join(following.itertext()).startswith(caption):
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"No table captioned {caption!r}")


def test_the_word_paper_has_both_sections_with_their_tables(paper):
    document = Document(io.BytesIO(exception_report_docx(content=content_of(paper))))

    names = [text for _, text in headings(document)]
    assert names.index("Performance indicators off target") < names.index("Risk register")
    assert (
        names.index("Risk register")
        < names.index("Heat map")
        < names.index("High, above tolerance and rising risks")
        < names.index("What the ratings mean")
    )
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "2 of 3 performance indicators are off target." in bullets
    assert "2 risks are reported from the risk register as released on 3 November 2026." in bullets

    indicators = table_after(document, "Performance indicators off target, Q2 2026/27")
    assert indicators[0] == [
        "Indicator",
        "Priority",
        "Value",
        "Target",
        "Rating",
        "Direction of travel",
        "Note",
    ]
    assert indicators[1][1:5] == ["1. Prevention", "60", "50", "Off target"]
    assert indicators[1][0].startswith("Knife crime with injury, under 25\nOwner: ")
    assert indicators[1][6] == SCRIPT_NOTE
    assert indicators[2][0].startswith(FORMULA_NAME)
    assert indicators[2][2:5] == ["12.5% (Q1 2026/27)", "100%", "Off target"]

    counts = table_after(document, "Open risks in the register as released on 3 November 2026")
    assert counts[1:3] == [["Open risks", "3"], ["High", "1"]]
    heat_map = table_after(document, "Open risks by likelihood and impact with controls")
    assert heat_map[0][0] == "Impact (down) by likelihood (across)"
    assert heat_map[0][1] == "Likelihood 1 (Rare)"
    assert heat_map[2] == [
        "Impact 4 (Major)",
        "0 (Low)",
        "0 (Medium)",
        "0 (Medium)",
        "1 (High)\nR1",
        "0 (High)",
    ]
    risks = table_after(document, "High, above tolerance and rising risks, as released on 3 November 2026")
    assert risks[0] == ["Reference", "Risk", "Owner", "Residual score", "Movement", "Further actions"]
    assert [row[0] for row in risks[1:]] == ["R1", "R3"]
    assert risks[1][3:] == ["16 (High)", "No change", "Bid to the Home Office for two analysts."]
    assert risks[2][3:5] == ["9 (Medium)", "Rising (from 4)"]
    purpose = document.paragraphs[[p.text for p in document.paragraphs].index("Purpose") + 1].text
    assert "the performance indicators off target, the risks the board should see" in purpose


# PDF


def pdf_text(content) -> str:
    return poppler_text(exception_report_pdf(content=content))


def poppler_text(pdf: bytes) -> str:
    """The PDF's text in reading order, cell by cell (poppler's pdftotext without -layout)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return poppler("pdftotext", file.name, "-")


def test_the_pdf_has_both_sections(paper):
    text = squash(pdf_text(content_of(paper)))

    assert "2 of 3 performance indicators are off target." in text
    assert "Performance indicators off target" in text
    assert "Knife crime with injury, under 25" in text
    assert "<script>alert('x')</script>" in text
    assert "Risk register" in text
    assert "As released to the board on 3 November 2026 by Claire Chair." in text
    assert "Heat map" in text
    assert "High, above tolerance and rising risks" in text
    assert "Bid to the Home Office for two analysts." in text
    assert "Rising (from 4)" in text
    assert text.index("Performance indicators off target") < text.index("What the ratings mean")


# CSV


def test_the_csv_adds_a_row_for_each_indicator_off_target_and_each_risk_reported(paper):
    rows = list(csv.DictReader(io.StringIO(exception_report_csv(content=content_of(paper)), newline="")))

    kinds = [row["Kind"] for row in rows]
    assert kinds == ["Action"] * 7 + ["Indicator off target"] * 2 + ["Risk"] * 2
    knife, formula, r1, r3 = rows[7:]
    assert knife["Priority"] == "1. Prevention"
    assert knife["Action"] == "Knife crime with injury, under 25"
    assert (knife["Value"], knife["Target"], knife["Rating"]) == ("60", "50", "Off target")
    assert knife["Progress"] == SCRIPT_NOTE
    assert knife["Reasons"] == "Off target for Q2 2026/27"
    assert knife["Reference"] == ""
    assert formula["Action"] == f"'{FORMULA_NAME}"
    assert formula["Reasons"] == "Off target at its latest value, for Q1 2026/27"
    assert (r1["Reference"], r1["Action"], r1["Rating"], r1["Value"], r1["Target"]) == (
        "R1",
        "Risk R1",
        "High",
        "16",
        "6",
    )
    assert r1["Priority"] == "1. Prevention"
    assert r1["Reasons"] == "High; Above the tolerance of 12; As released on 3 November 2026"
    assert r1["Mitigation"] == "Bid to the Home Office for two analysts."
    assert r1["Lead officer"]
    assert (r3["Direction of travel"], r3["Value"]) == ("Rising", "9")
    assert r3["Reasons"] == "Rising since the release before; As released on 3 November 2026"
    assert r3["Mitigation"] == "'=1+1 quarterly review"


@pytest.mark.parametrize("extension", ["docx", "pdf", "csv"])
def test_each_download_of_the_page_carries_the_sections(client, paper, extension):
    client.force_login(board_member(paper["partnership"]))

    response = client.get(
        report_url(paper["partnership"], "exception_report_download", extension=extension),
        {"period": paper["period"].pk},
    )

    assert response.status_code == 200
    if extension == "docx":
        document = Document(io.BytesIO(response.content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
    elif extension == "pdf":
        text = squash(poppler_text(response.content))
    else:
        text = response.content.decode("utf-8-sig")
    assert "Knife crime with injury, under 25" in text
    assert "Bid to the Home Office for two analysts." in text
    assert ("Risk register" in text) == (extension != "csv")


# Query counts


def test_the_report_page_makes_the_same_queries_for_1_and_20_indicators_and_risks(
    client, assert_same_queries
):
    def make_rows(count):
        strategy = StrategyFactory()
        partnership = strategy.partnership
        period = ReportingPeriodFactory(
            partnership=partnership,
            starts_on=datetime.date(2026, 7, 1),
            ends_on=datetime.date(2026, 9, 30),
            update_deadline=datetime.date(2026, 10, 31),
        )
        priority = PriorityFactory(strategy=strategy, order=1)
        action = ActionFactory(ambition=StrategicAmbitionFactory(priority=priority))
        ProgressUpdateFactory(
            action=action, period=period, rating="red", mitigation="m", submitted_at="2026-10-01T09:00Z"
        )
        register = RiskRegisterFactory(partnership=partnership)
        for n in range(count):
            indicator(priority, f"Indicator {n}", value="10", period=period)
            made = risk(register, f"R{n + 1}", 4, 4)
            made.priorities.add(priority)
        release(register)
        client.force_login(board_member(partnership))
        return partnership

    def fetch(partnership):
        return client.get(report_url(partnership)), client.get(
            report_url(partnership, "exception_report_download", extension="csv")
        )

    few, many = assert_same_queries(make_rows, fetch, few=1, many=20)

    assert [r.status_code for r in (*few, *many)] == [200] * 4
    assert many[0].content.decode().count("Off target</strong>") == 20
    assert many[1].content.decode("utf-8-sig").count(",Risk,") == 20
