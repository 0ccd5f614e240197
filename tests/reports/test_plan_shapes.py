"""Two- and three-level plans side by side in one partnership, through plan on a page, the exception
report (page, Word, PDF and CSV), the published report and the board asks: each in its strategy's words,
a two-level plan never showing the strategic ambition it keeps unseen under each priority."""

import csv
import datetime
import io
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import Membership
from core.ratings import Rating
from delivery.models import ReportingPeriod, Tag
from priorities.models import Strategy
from reports.services import exception_report_publish
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory
from tests.reports.test_exports import poppler, squash

pytestmark = pytest.mark.django_db

HIDDEN_AMBITION = "Unseen ambition of a two-level plan"
SUBMITTED = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def shapes():
    """A two-level "Aim / Deliverable" domestic abuse plan beside a three-level "Priority / Objective /
    Action" strategy, one red-rated item in each, for the period Q2 2026/27."""
    three = StrategyFactory(
        title="Community Safety Strategy 2024-27", ambition_word="Objective", levels=Strategy.Levels.THREE
    )
    partnership = three.partnership
    two = StrategyFactory(
        partnership=partnership,
        title="Domestic Abuse Duty Action Plan",
        levels=Strategy.Levels.TWO,
        priority_word="Aim",
        ambition_word="Priority action",
        action_word="Deliverable",
    )
    period = ReportingPeriodFactory(
        partnership=partnership,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        update_deadline=datetime.date(2026, 10, 31),
        state=ReportingPeriod.State.OPEN,
    )
    aim = PriorityFactory(
        strategy=two,
        order=1,
        title="Victims are safer",
        outcomes="Fewer repeat victims\n\nMore victims report abuse\n",
    )
    hidden = StrategicAmbitionFactory(priority=aim, order=1, title=HIDDEN_AMBITION)
    probation = OrganisationFactory(partnership=partnership, name="Probation Service")
    deliverable = ActionFactory(
        ambition=hidden,
        order=3,
        title="Commission refuge spaces",
        due_on=datetime.date(2027, 3, 31),
        other_partners="third sector, all reps",
    )
    deliverable.partner_organisations.add(probation)
    deliverable.tags.add(
        Tag.objects.create(partnership=partnership, name="VAWG"),
        Tag.objects.create(partnership=partnership, name="Orpington"),
    )
    priority = PriorityFactory(strategy=three, order=1, title="Prevention", outcomes="")
    objective = StrategicAmbitionFactory(priority=priority, order=2, title="Reduce knife crime")
    action = ActionFactory(
        ambition=objective, order=1, title="Knife crime sessions", due_on=datetime.date(2027, 3, 31)
    )
    for each in (deliverable, action):
        ProgressUpdateFactory(
            action=each,
            period=period,
            rating=Rating.RED,
            mitigation="Extra officer time agreed",
            board_ask=f"Agree funding for {each.title}",
            submitted_at=SUBMITTED,
        )
    return {
        "partnership": partnership,
        "two": two,
        "three": three,
        "period": period,
        "deliverable": deliverable,
        "action": action,
    }


@pytest.fixture
def reader(client, shapes):
    client.force_login(
        MembershipFactory(partnership=shapes["partnership"], role=Membership.Role.BOARD_MEMBER).user
    )
    return client


def page(client, shapes, name, strategy, extension=None):
    kwargs = {"slug": shapes["partnership"].slug}
    if extension:
        kwargs["extension"] = extension
    url_name = "exception_report_download" if extension else name
    response = client.get(
        reverse(f"reports:{url_name}", kwargs=kwargs),
        {"strategy": shapes[strategy].pk, "period": shapes["period"].pk},
    )
    assert response.status_code == 200
    return response


def html_of(client, shapes, name, strategy) -> str:
    return page(client, shapes, name, strategy).content.decode()


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def docx_headings(content: bytes) -> list[tuple[str, str]]:
    document = Document(io.BytesIO(content))
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


@pytest.fixture
def pdf_text(tmp_path):
    """The text of a PDF (pdftotext), every run of whitespace made one space, so wrapped lines read as one."""

    def text_of(content: bytes) -> str:
        path = tmp_path / "report.pdf"
        path.write_bytes(content)
        return squash(poppler("pdftotext", str(path), "-"))

    return text_of


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# Plan on a page


def test_plan_on_a_page_of_a_two_level_plan_names_aims_lists_outcomes_and_no_ambition(reader, shapes):
    html = html_of(reader, shapes, "plan", "two")

    assert "Aims, Q2 2026/27" in html
    assert "Aim and lead" in html
    assert "Ratings by aim" in html
    assert "Deliverables by rating for each aim" in html
    assert "for each aim and its plans" in html
    assert 'app-summary-counts__label">Deliverable in total<' in html
    assert "<li>Fewer repeat victims</li>" in html
    assert "<li>More victims report abuse</li>" in html
    assert HIDDEN_AMBITION not in html
    assert "priority action" not in html.lower()


def test_plan_on_a_page_of_the_three_level_strategy_beside_it_keeps_its_own_words(reader, shapes):
    html = html_of(reader, shapes, "plan", "three")

    assert "Priorities, Q2 2026/27" in html
    assert "Priority and lead" in html
    assert "each priority's objectives and plans" in html
    assert 'app-summary-counts__label">Action in total<' in html
    assert "Deliverable" not in html
    # Its priority lists no outcomes, so the page has no outcomes section.
    assert ">Outcomes</h2>" not in html


# The exception report page and the published report


def test_the_exception_report_of_a_two_level_plan_has_items_straight_under_each_aim(reader, shapes):
    html = html_of(reader, shapes, "exception_report", "two")

    assert '<th scope="col" class="govuk-table__header">Aim</th>' in html
    assert "All aims" in html
    assert '<h4 class="govuk-summary-card__title"><a class="govuk-link"' in html
    assert "1.3 Commission refuge spaces" in html
    assert "Probation Service, third sector, all reps" in html
    assert "VAWG" in html and "Orpington" in html
    assert HIDDEN_AMBITION not in html
    assert "Knife crime sessions" not in html
    assert "0 deliverables on track, not reported by exception." in html


def test_the_exception_report_of_the_three_level_strategy_shows_its_objectives(reader, shapes):
    html = html_of(reader, shapes, "exception_report", "three")

    assert '<th scope="col" class="govuk-table__header">Priority</th>' in html
    assert '<h4 class="govuk-heading-s">1.2 Reduce knife crime</h4>' in html
    assert '<h5 class="govuk-summary-card__title">' in html
    assert "1.2.1 Knife crime sessions" in html
    assert "Commission refuge spaces" not in html
    assert "0 actions on track, not reported by exception." in html


def test_a_published_two_level_report_keeps_the_plan_words_and_shape(reader, shapes):
    report = exception_report_publish(
        partnership=shapes["partnership"],
        period=shapes["period"],
        meeting=MeetingFactory(partnership=shapes["partnership"]),
        published_by=MembershipFactory(partnership=shapes["partnership"]).user,
        today=timezone.localdate(),
        strategy=shapes["two"],
    )
    shapes["two"].priority_word = "Goal"
    shapes["two"].save()

    html = reader.get(report.get_absolute_url()).content.decode()

    assert "All aims" in html
    assert "Goal" not in html
    assert HIDDEN_AMBITION not in html
    assert "VAWG" in html


# The papers


def test_the_word_paper_of_a_two_level_plan_puts_deliverables_under_aims(reader, shapes):
    content = page(reader, shapes, None, "two", "docx").content

    assert docx_headings(content) == [
        ("Heading 1", "Purpose"),
        ("Heading 1", "Recommendations"),
        ("Heading 1", "Summary of items reported"),
        ("Heading 1", "Why deliverables are reported"),
        ("Heading 1", "Summary of ratings"),
        ("Heading 1", "1. Victims are safer"),
        ("Heading 2", "1.3 Commission refuge spaces"),
        ("Heading 1", "Deliverables on track"),
        ("Heading 1", "Performance indicators off target"),
        ("Heading 1", "Risk register"),
        ("Heading 1", "What the ratings mean"),
        ("Heading 1", "What the directions of travel mean"),
    ]
    text = docx_text(content)
    assert "Deliverables by rating and aim, Q2 2026/27" in text
    assert "All aims" in text
    assert "Probation Service, third sector, all reps" in text
    assert "Orpington, VAWG" in text
    assert HIDDEN_AMBITION not in text
    document = Document(io.BytesIO(content))
    assert document.tables[1].rows[0].cells[0].text == "Aim"
    item = {row.cells[0].text: row.cells[1].text for row in document.tables[2].rows}
    assert item["Themes and places"] == "Orpington, VAWG"
    assert item["Partners"] == "Probation Service, third sector, all reps"


def test_the_word_paper_of_the_three_level_strategy_keeps_its_objective_headings(reader, shapes):
    content = page(reader, shapes, None, "three", "docx").content

    assert ("Heading 2", "1.2 Reduce knife crime") in docx_headings(content)
    assert ("Heading 3", "1.2.1 Knife crime sessions") in docx_headings(content)
    text = docx_text(content)
    assert "Actions by rating and priority, Q2 2026/27" in text
    assert "set out below by priority and objective" in text


def test_the_pdf_of_a_two_level_plan_reads_in_its_words_without_the_ambition(reader, shapes, pdf_text):
    text = pdf_text(page(reader, shapes, None, "two", "pdf").content)

    assert "Why deliverables are reported" in text
    assert "All aims" in text
    assert "1.3 Commission refuge spaces" in text
    assert "Themes and places" in text and "Orpington, VAWG" in text
    assert "third sector, all reps" in text
    assert HIDDEN_AMBITION not in text


def test_the_pdf_of_the_three_level_strategy_shows_its_objective(reader, shapes, pdf_text):
    text = pdf_text(page(reader, shapes, None, "three", "pdf").content)

    assert "1.2 Reduce knife crime" in text
    assert "All priorities" in text
    assert "Deliverable" not in text


def test_the_csv_of_a_two_level_plan_has_no_ambition_column(reader, shapes):
    content = page(reader, shapes, None, "two", "csv").content
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

    assert header[:4] == ["Aim", "Reference", "Deliverable", "Lead officer"]
    assert "Priority action" not in header
    [row] = csv_rows(content)
    assert row["Aim"] == "1. Victims are safer"
    assert row["Deliverable"] == "Commission refuge spaces"
    assert row["Partners"] == "Probation Service"
    assert row["Other partners"] == "third sector, all reps"
    assert row["Themes and places"] == "Orpington, VAWG"
    assert HIDDEN_AMBITION not in content.decode("utf-8-sig")


def test_the_csv_of_the_three_level_strategy_names_its_objective_column(reader, shapes):
    content = page(reader, shapes, None, "three", "csv").content

    [row] = csv_rows(content)
    assert list(row)[:4] == ["Priority", "Objective", "Reference", "Action"]
    assert row["Objective"] == "1.2 Reduce knife crime"
    assert row["Themes and places"] == ""


# Board asks


def test_the_board_asks_follow_the_strategy_chosen(reader, shapes):
    two = html_of(reader, shapes, "board_asks", "two")
    three = html_of(reader, shapes, "board_asks", "three")

    assert "Agree funding for Commission refuge spaces" in two
    assert "Agree funding for Knife crime sessions" not in two
    assert '<th scope="col" class="govuk-table__header">Deliverable</th>' in two
    assert "1.3 Commission refuge spaces" in two
    assert "Agree funding for Knife crime sessions" in three
    assert "Agree funding for Commission refuge spaces" not in three
    assert '<th scope="col" class="govuk-table__header">Action</th>' in three
    assert 'id="strategy" name="strategy"' in two


def test_the_board_asks_answer_another_partnerships_strategy_with_404(reader, shapes):
    other = StrategyFactory()
    response = reader.get(
        reverse("reports:board_asks", kwargs={"slug": shapes["partnership"].slug}),
        {"strategy": other.pk, "period": shapes["period"].pk},
    )
    assert response.status_code == 404


# Hostile text


HOSTILE_WORD = "<script>alert(1)</script>"
HOSTILE_TAG = '<img src=x onerror="alert(2)">'


@pytest.fixture
def hostile(shapes):
    two = shapes["two"]
    two.priority_word = HOSTILE_WORD
    two.action_word = "@Deliv&rable"
    two.save()
    shapes["deliverable"].tags.add(Tag.objects.create(partnership=shapes["partnership"], name=HOSTILE_TAG))
    return shapes


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plan", [HOSTILE_WORD, "@Deliv&rable"]),
        ("exception_report", [HOSTILE_WORD, "@Deliv&rable", HOSTILE_TAG]),
        ("board_asks", ["@Deliv&rable"]),
    ],
)
def test_hostile_words_and_tags_are_shown_as_text_on_the_pages(reader, hostile, name, shown):
    html = html_of(reader, hostile, name, "two")

    assert HOSTILE_WORD not in html and HOSTILE_TAG not in html
    for text in shown:
        assert escape(text) in html


def test_hostile_words_and_tags_are_kept_as_text_in_the_papers(reader, hostile, pdf_text):
    word = docx_text(page(reader, hostile, None, "two", "docx").content)
    pdf = pdf_text(page(reader, hostile, None, "two", "pdf").content)
    [row] = csv_rows(page(reader, hostile, None, "two", "csv").content)

    assert HOSTILE_WORD in word and HOSTILE_TAG in word
    assert HOSTILE_WORD in pdf and HOSTILE_TAG in pdf
    assert HOSTILE_TAG in row["Themes and places"]
    assert row[HOSTILE_WORD] == "1. Victims are safer"
    assert row["'@Deliv&rable"] == "Commission refuge spaces"
