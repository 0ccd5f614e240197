"""Importing a partnership's own spreadsheet: its headings matched to the plan's fields, remembered."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from delivery.imports.columns import HEADINGS
from delivery.imports.matching import SYNONYMS, columns_known, columns_suggested, heading_normalised
from delivery.models import Action, ImportColumnMatch, PlanImport
from tests.delivery.test_plan_import import csv_file, import_url, make_plan, row, upload
from tests.priorities.factories import StrategyFactory

# A plan as a district partnership publishes it, in its own words.
OWN_HEADINGS = [
    "Ref",
    "Priority",
    "Objective",
    "Deliverable",
    "Lead agency",
    "Lead officer",
    "Timescale",
    "Notes",
]
OWN_ROW = {
    "Ref": "1.1.1",
    "Priority": "Prevention",
    "Objective": "Reduce serious violence",
    "Deliverable": "Run knife crime awareness sessions in schools",
    "Lead agency": "LFB",
    "Lead officer": "kim.owner@example.org",
    "Timescale": "Q3 2024/25",
    "Notes": "Six secondary schools",
}
SUGGESTED = ["reference", "priority", "ambition", "title", "lead_organisation", "owner", "due_on", ""]


@pytest.fixture
def plan(db):
    return make_plan()


def own_csv(rows=(OWN_ROW,), headings=OWN_HEADINGS, name="district-plan.csv") -> SimpleUploadedFile:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(headings)
    for values in rows:
        writer.writerow([values.get(heading, "") for heading in headings])
    return SimpleUploadedFile(name, output.getvalue().encode())


def own_xlsx(rows=(OWN_ROW,), headings=OWN_HEADINGS) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(headings)
    for values in rows:
        workbook.active.append([values.get(heading, "") for heading in headings])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile("district-plan.xlsx", output.getvalue())


def matching_of(response) -> PlanImport:
    """The import an upload stopped for matching, from the page it was sent to."""
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].endswith("/columns/"), response["Location"]
    return PlanImport.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def columns_url(plan, plan_import):
    return import_url(plan, "plan_import_columns", import_pk=plan_import.pk)


def choices(*keys) -> dict:
    return {f"column_{position}": key for position, key in enumerate(keys)}


def selected(html: str) -> list[str]:
    """The value chosen in each select of the page, in order."""
    chosen = [
        re.search(r'<option value="([^"]*)" selected>', s)
        for s in re.findall(r"<select .*?</select>", html, re.S)
    ]
    return [match.group(1) if match else "" for match in chosen]


@pytest.mark.parametrize("make_file", [own_csv, own_xlsx], ids=["csv", "xlsx"])
def test_a_file_with_its_own_headings_is_matched_then_previewed_and_imported(client, plan, make_file):
    plan_import = matching_of(upload(client, plan, make_file()))

    assert plan_import.state == PlanImport.State.MATCHING
    assert plan_import.headings == OWN_HEADINGS
    assert not Action.objects.exists()
    page = client.get(columns_url(plan, plan_import)).content.decode()
    assert "<title>Match the columns of district-plan" in page
    assert (
        '<label class="govuk-label govuk-!-font-weight-bold govuk-!-margin-bottom-1" for="id_column_4">Lead agency</label>'
        in page
    )
    assert "Column E, for example: “LFB”" in page
    assert selected(page) == SUGGESTED
    assert "Do not import" in page

    response = client.post(columns_url(plan, plan_import), choices(*SUGGESTED))

    assert response["Location"] == import_url(plan, "plan_import_preview", import_pk=plan_import.pk)
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.PREVIEW
    assert plan_import.errors == []
    assert plan_import.rows[0]["outcome"] == "create"
    assert "Notes" not in plan_import.rows[0]["values"] and "description" not in plan_import.rows[0]["values"]
    preview = client.get(response["Location"]).content.decode()
    assert "Check the import" in preview
    assert "Change which column of the file holds which field" in preview
    client.post(response["Location"])
    action = Action.objects.get()
    assert action.title == "Run knife crime awareness sessions in schools"
    assert action.lead_organisation == plan.lfb
    assert action.due_timescale == "Q3 2024/25"
    assert dict(
        ImportColumnMatch.objects.filter(partnership=plan.partnership).values_list("heading", "column")
    ) == {heading.lower(): key for heading, key in zip(OWN_HEADINGS, SUGGESTED, strict=True)}


def test_the_next_file_with_the_same_headings_goes_straight_to_the_preview(client, plan):
    first = matching_of(upload(client, plan, own_csv()))
    client.post(columns_url(plan, first), choices(*SUGGESTED[:-1], "description"))

    # The same headings, written differently.
    shouted = {heading.upper(): value for heading, value in {**OWN_ROW, "Notes": "Eight schools"}.items()}
    response = upload(client, plan, own_csv(rows=[shouted], headings=list(shouted)))

    again = PlanImport.objects.latest("pk")
    assert response["Location"] == import_url(plan, "plan_import_preview", import_pk=again.pk)
    assert again.state == PlanImport.State.PREVIEW
    assert again.rows[0]["values"]["description"] == "Eight schools"
    # The preview leads back to the columns, chosen as they were; changing them checks the file again.
    page = client.get(columns_url(plan, again)).content.decode()
    assert selected(page) == [*SUGGESTED[:-1], "description"]
    assert "Back to the preview" in page
    client.post(columns_url(plan, again), choices(*SUGGESTED))
    again.refresh_from_db()
    assert again.state == PlanImport.State.PREVIEW
    assert "description" not in again.rows[0]["values"]
    assert ImportColumnMatch.objects.get(partnership=plan.partnership, heading="notes").column == ""


def test_a_required_field_not_chosen_is_refused_and_the_choices_stay(client, plan):
    plan_import = matching_of(upload(client, plan, own_csv()))
    chosen = choices(
        "reference", "priority", "ambition", "title", "lead_organisation", "owner", "", "description"
    )

    response = client.post(columns_url(plan, plan_import), chosen)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Match the columns" in page
    assert "govuk-error-summary" in page
    assert '<a href="#id_column_0">Choose a column for Due date</a>' in page
    assert selected(page) == list(chosen.values())
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.MATCHING
    assert not ImportColumnMatch.objects.exists()


def test_a_field_chosen_for_two_columns_is_refused_beside_both(client, plan):
    plan_import = matching_of(upload(client, plan, own_csv()))

    response = client.post(columns_url(plan, plan_import), choices(*SUGGESTED[:-1], "due_on"))

    page = response.content.decode()
    # In the summary, and beside each of the two selects.
    assert page.count("“Due date” is chosen for 2 columns: choose it for one") == 4
    assert 'href="#id_column_6"' in page and 'href="#id_column_7"' in page
    assert PlanImport.objects.get().state == PlanImport.State.MATCHING


def test_a_choice_that_is_not_a_field_is_refused(client, plan):
    plan_import = matching_of(upload(client, plan, own_csv()))

    response = client.post(columns_url(plan, plan_import), choices(*SUGGESTED[:-1], "<script>"))

    assert "Choose a field of the plan, or “Do not import”" in response.content.decode()
    assert PlanImport.objects.get().state == PlanImport.State.MATCHING


def test_the_template_headings_skip_the_matching(client, plan):
    response = upload(client, plan, csv_file([row()]))

    plan_import = PlanImport.objects.get()
    assert response["Location"] == import_url(plan, "plan_import_preview", import_pk=plan_import.pk)
    assert plan_import.state == PlanImport.State.PREVIEW
    assert plan_import.errors == []
    assert not ImportColumnMatch.objects.exists()


def test_another_partnerships_import_answers_404(client, plan):
    theirs = make_plan(domain="elsewhere.example")
    their_import = matching_of(upload(client, theirs, own_csv()))
    client.force_login(plan.admin)
    url = import_url(plan, "plan_import_columns", import_pk=their_import.pk)

    assert client.get(url).status_code == 404
    assert client.post(url, choices(*SUGGESTED)).status_code == 404
    their_import.refresh_from_db()
    assert their_import.state == PlanImport.State.MATCHING
    assert not ImportColumnMatch.objects.exists()


def test_the_preview_of_a_file_waiting_for_matching_leads_to_its_columns(client, plan):
    plan_import = matching_of(upload(client, plan, own_csv()))
    preview = import_url(plan, "plan_import_preview", import_pk=plan_import.pk)

    assert client.get(preview)["Location"] == columns_url(plan, plan_import)
    assert client.post(preview)["Location"] == columns_url(plan, plan_import)
    assert PlanImport.objects.get().state == PlanImport.State.MATCHING
    upload_page = client.get(import_url(plan)).content.decode()
    assert "Waiting for its columns to be matched" in upload_page


def test_an_imported_file_cannot_be_matched_again(client, plan):
    plan_import = matching_of(upload(client, plan, own_csv()))
    client.post(columns_url(plan, plan_import), choices(*SUGGESTED))
    client.post(import_url(plan, "plan_import_preview", import_pk=plan_import.pk))

    response = client.post(columns_url(plan, plan_import), choices(*SUGGESTED[:-1], "description"))

    assert response["Location"] == import_url(plan, "plan_import_preview", import_pk=plan_import.pk)
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED
    assert ImportColumnMatch.objects.get(heading="notes").column == ""


# Hostile and awkward headings ---------------------------------------------------------------------------


def test_headings_with_markup_look_alikes_and_invisible_characters_are_shown_as_text(client, plan):
    headings = [
        "<b>Ref</b>",
        "Priority",
        "Objective",
        "Deliverable",
        "Lead\u200b agency",
        "Timescale",
        "R\u0435f note",
        "",
    ]
    values = [
        "1.1.1",
        "Prevention",
        "Reduce serious violence",
        "<i>Sessions</i>",
        "LFB",
        "2025/26",
        "x",
        "kept?",
    ]
    plan_import = matching_of(
        upload(client, plan, own_csv(rows=[dict(zip(headings, values, strict=True))], headings=headings))
    )

    page = client.get(columns_url(plan, plan_import)).content.decode()

    assert "&lt;b&gt;Ref&lt;/b&gt;" in page and "<b>Ref</b>" not in page
    assert "&lt;i&gt;Sessions&lt;/i&gt;" in page
    assert ">Lead agency</label>" in page  # the zero-width space is dropped
    assert ">Column H (no heading)</label>" in page
    assert "Column H, for example: “kept?”" in page
    assert selected(page) == ["", "priority", "ambition", "title", "lead_organisation", "due_on", "", ""]
    client.post(
        columns_url(plan, plan_import),
        choices(
            "reference", "priority", "ambition", "title", "lead_organisation", "due_on", "", "description"
        ),
    )
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.PREVIEW
    assert plan_import.rows[0]["values"]["description"] == "kept?"
    # The column without a heading is not remembered; the others are, by their cleaned headings.
    assert set(ImportColumnMatch.objects.values_list("heading", flat=True)) == {
        "<b>ref</b>",
        "priority",
        "objective",
        "deliverable",
        "lead agency",
        "timescale",
        "r\u0435f note",
    }


@pytest.mark.parametrize(
    ("headings", "message"),
    [
        (
            ["Ref", "Notes", "Objective", "notes ", "Deliverable", "Timescale"],
            "The column “notes” appears more than once in the selected file (columns B and D)",
        ),
        (
            ["Ref", "N" * 201, "Objective", "Priority", "Deliverable", "Timescale"],
            "The heading of column B is too long (201 characters): a heading must be 200 characters or fewer",
        ),
        (
            ["Ref", "\ufdfa" * 12, "Objective", "Priority", "Deliverable", "Timescale"],
            "The heading of column B is too long (216 characters)",
        ),
        (
            ["Ref", "Deliverable", "", ""],
            "The selected file has only 2 columns: a delivery plan needs at least",
        ),
    ],
    ids=["duplicate", "too long", "too long once normalised", "too few"],
)
def test_headings_that_cannot_be_matched_are_refused_with_a_clear_message(client, plan, headings, message):
    values = {heading: "x" for heading in headings if heading}

    response = upload(client, plan, own_csv(rows=[values], headings=headings))

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert not PlanImport.objects.exists()


# Suggestions ----------------------------------------------------------------------------------------------


def test_suggestions_use_the_strategys_words_synonyms_and_close_spellings_each_field_once(db):
    strategy = StrategyFactory(
        levels=3, priority_word="Aim", ambition_word="Priority action", action_word="Task list"
    )
    headings = [
        "No.",
        "Aim",
        "Priority action",
        "Task list",
        "Lead partner",
        "By when",
        "Target date",
        "Refference",
        "Sucess measure",
        "Banana",
    ]

    suggested = columns_suggested(
        headings=headings, remembered={}, positions=list(range(len(headings))), strategy=strategy
    )

    assert suggested == {
        0: "reference",
        1: "priority",
        2: "ambition",
        3: "title",
        4: "lead_organisation",
        5: "due_on",  # "Target date" names it too: the first keeps it
        8: "success_measure",
    }


def test_a_two_level_plan_is_not_suggested_ambitions_and_remembered_matches_come_first(db):
    strategy = StrategyFactory(levels=2)
    headings = ["Objective", "Activity", "Deadline"]

    suggested = columns_suggested(
        headings=headings, remembered={"deadline": "starts_on"}, positions=[0, 1, 2], strategy=strategy
    )

    assert suggested == {1: "title", 2: "starts_on"}


def test_every_synonym_names_a_column_and_no_heading_names_two():
    assert set(SYNONYMS) <= set(HEADINGS)
    words = [heading_normalised(word) for synonyms in SYNONYMS.values() for word in synonyms]
    assert len(words) == len(set(words))
    assert not set(words) & {heading_normalised(heading) for heading in HEADINGS.values()}


def test_a_file_is_matched_again_when_a_column_has_no_heading_or_a_remembered_field_is_gone():
    headings = ["Reference", "Gone", ""]

    assert columns_known(headings=headings, remembered={"gone": ""}, positions=[0, 1]) == {0: "reference"}
    assert columns_known(headings=headings, remembered={"gone": "a_removed_column"}, positions=[0, 1]) is None
    assert columns_known(headings=headings, remembered={"gone": ""}, positions=[0, 1, 2]) is None
