"""Importing a delivery plan from a spreadsheet, and exporting it: checked first, then all or nothing."""

import csv
import datetime
import io
import tracemalloc
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership
from delivery.imports import services as imports
from delivery.imports.checking import FORMULA
from delivery.imports.columns import COLUMNS
from delivery.imports.services import plan_import_confirm, plan_import_run, progress_key
from delivery.models import Action, PlanImport
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

HEADINGS = [column.heading for column in COLUMNS]


# Building a partnership's plan and files ---------------------------------------------------------


def make_plan(domain="example.org"):
    strategy = StrategyFactory(title="Community Safety Strategy 2024-27")
    partnership = strategy.partnership
    prevention = PriorityFactory(strategy=strategy, order=1, title="Prevention")
    people = PriorityFactory(strategy=strategy, order=2, title="People")
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    return SimpleNamespace(
        partnership=partnership,
        strategy=strategy,
        prevention=prevention,
        people=people,
        violence=StrategicAmbitionFactory(priority=prevention, order=1, title="Reduce serious violence"),
        youth=StrategicAmbitionFactory(priority=prevention, order=2, title="Prevent youth offending"),
        victims=StrategicAmbitionFactory(priority=people, order=1, title="Support victims of domestic abuse"),
        admin=admin,
        owner=MembershipFactory(partnership=partnership, user__email=f"Kim.Owner@{domain}").user,
        delegate=MembershipFactory(partnership=partnership, user__email=f"dee.delegate@{domain}").user,
        lfb=OrganisationFactory(partnership=partnership, short_name="LFB", name="London Fire Brigade"),
        mps=OrganisationFactory(
            partnership=partnership, short_name="MPS", name="Metropolitan Police Service"
        ),
    )


@pytest.fixture
def plan(db):
    return make_plan()


def row(**changes) -> dict:
    """One good row, by column heading, with some cells changed."""
    values = {
        "Reference": "1.1.1",
        "Priority": "Prevention",
        "Strategic ambition": "Reduce serious violence",
        "Action": "Run knife crime awareness sessions in schools",
        "Description": "Six secondary schools, with the police schools officers.",
        "Owner email": "kim.owner@example.org",
        "Delegate emails": "dee.delegate@example.org",
        "Partner organisations": "LFB, MPS",
        "Start date": "01/04/2024",
        "Due date": "31/03/2025",
        "Status": "In progress",
        "Resources or funding": "£5,000 from the Home Office",
        "Success measure": "2,000 pupils reached",
    }
    values.update(changes)
    return values


def xlsx_file(rows, headings=HEADINGS, name="plan.xlsx", cells=None) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for values in rows:
        sheet.append([values.get(heading, "") for heading in headings])
    for coordinate, value in (cells or {}).items():
        sheet[coordinate] = value
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_bytes(rows, headings=HEADINGS, encoding="utf-8") -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(headings)
    for values in rows:
        writer.writerow([values.get(heading, "") for heading in headings])
    return output.getvalue().encode(encoding)


def csv_file(rows, headings=HEADINGS, encoding="utf-8", name="plan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, headings, encoding))


def import_url(plan, name="plan_import", **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": plan.partnership.slug, **kwargs})


def upload(client, plan, file, strategy=None):
    client.force_login(plan.admin)
    return client.post(import_url(plan), {"strategy": (strategy or plan.strategy).pk, "file": file})


def preview_of(response) -> PlanImport:
    assert response.status_code == 302, response.content.decode()[:3000]
    return PlanImport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def confirm(client, plan, plan_import):
    return client.post(import_url(plan, "plan_import_preview", import_pk=plan_import.pk))


def snapshot(strategy) -> list[tuple]:
    """Everything the import may change about the strategy's actions, in a comparable form."""
    return [
        (
            a.pk,
            a.reference,
            a.title,
            a.description,
            a.owner_id,
            sorted(u.pk for u in a.delegates.all()),
            sorted(o.pk for o in a.partner_organisations.all()),
            a.starts_on,
            a.due_on,
            a.status,
            a.completed_on,
            a.resources,
            a.success_measure,
        )
        for a in Action.objects.filter(ambition__priority__strategy=strategy)
        .select_related("ambition__priority")
        .prefetch_related("delegates", "partner_organisations")
        .order_by("pk")
    ]


# The template and the upload page ------------------------------------------------------------------


def test_the_template_is_a_workbook_with_the_columns_and_guidance(client, plan):
    client.force_login(plan.admin)

    response = client.get(import_url(plan, "plan_import_template"), {"strategy": plan.strategy.pk})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="delivery-plan-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook["Delivery plan"][1]] == HEADINGS
    guidance = " ".join(str(c.value) for r in workbook["How to fill this in"].iter_rows() for c in r)
    assert ".csv file with the same column headings works too" in guidance
    assert "Reduce serious violence" in guidance and "LFB" in guidance


def test_the_upload_page_offers_the_template_export_and_csv(client, plan):
    client.force_login(plan.admin)

    html = client.get(import_url(plan)).content.decode()

    assert "Import or export the delivery plan" in html
    assert f"{import_url(plan, 'plan_import_template')}?strategy={plan.strategy.pk}" in html
    assert f"{import_url(plan, 'plan_export')}?strategy={plan.strategy.pk}" in html
    assert "A CSV file (.csv) with the same column headings works too" in html
    assert f'<option value="{plan.strategy.pk}" selected>' in html


# Good files -----------------------------------------------------------------------------------------


def test_a_good_xlsx_is_checked_without_saving_then_imported_on_confirmation(client, plan):
    file = xlsx_file(
        [
            row(**{"Start date": datetime.date(2024, 4, 1), "Due date": datetime.datetime(2025, 3, 31)}),
            row(
                Reference="2.1.1",
                Priority="2",
                **{
                    "Strategic ambition": "1",
                    "Action": "Open a domestic abuse one-stop shop",
                    "Delegate emails": "",
                    "Partner organisations": "",
                    "Status": "",
                },
            ),
        ]
    )

    plan_import = preview_of(upload(client, plan, file))

    assert plan_import.state == PlanImport.State.PREVIEW
    assert plan_import.total_rows == 2 and plan_import.errors == []
    assert not Action.objects.exists()
    page = client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()
    assert "Check the import" in page
    assert "2 to create" in page
    assert "Confirm import" in page

    response = confirm(client, plan, plan_import)

    assert response.status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED
    assert (plan_import.created_count, plan_import.updated_count) == (2, 0)
    sessions = Action.objects.get(ambition=plan.violence, order=1)
    assert sessions.title == "Run knife crime awareness sessions in schools"
    assert sessions.owner == plan.owner
    assert list(sessions.delegates.all()) == [plan.delegate]
    assert set(sessions.partner_organisations.all()) == {plan.lfb, plan.mps}
    assert (sessions.starts_on, sessions.due_on) == (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
    assert sessions.status == Action.Status.IN_PROGRESS
    assert sessions.resources == "£5,000 from the Home Office"
    assert sessions.history.first().history_user == plan.admin
    one_stop = Action.objects.get(ambition=plan.victims, order=1)
    assert one_stop.reference == "2.1.1" and one_stop.status == Action.Status.NOT_STARTED
    page = client.get(response["Location"]).content.decode()
    assert "Delivery plan imported" in page
    assert "2 created, 0 updated, 0 unchanged" in page


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf-8", "utf-8 with a BOM", "windows-1252"],
)
def test_a_good_csv_imports_whatever_its_encoding(client, plan, encoding, prefix):
    file = SimpleUploadedFile("plan.csv", prefix + csv_bytes([row()], encoding=encoding))

    plan_import = preview_of(upload(client, plan, file))
    confirm(client, plan, plan_import)

    action = Action.objects.get()
    assert action.resources == "£5,000 from the Home Office"
    assert action.title == "Run knife crime awareness sessions in schools"


def test_a_csv_separated_by_semicolons_with_noted_headings_is_read(client, plan):
    headings = [f"{h} (DD/MM/YYYY)" if "date" in h else h.upper() for h in HEADINGS]
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(headings)
    writer.writerow(row().values())
    file = SimpleUploadedFile("plan.csv", output.getvalue().encode())

    plan_import = preview_of(upload(client, plan, file))

    assert plan_import.errors == []


def test_a_completed_action_with_no_date_in_the_file_has_none_not_the_import_day(client, plan):
    plan_import = preview_of(upload(client, plan, csv_file([row(Status="Completed")])))
    confirm(client, plan, plan_import)

    assert Action.objects.get().completed_on is None


def test_optional_columns_left_out_keep_what_the_action_has(client, plan):
    action = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, description="Keep me")
    action.partner_organisations.add(plan.lfb)
    required = [c.heading for c in COLUMNS if c.is_required or c.key == "owner"]

    plan_import = preview_of(upload(client, plan, csv_file([row()], headings=required)))
    confirm(client, plan, plan_import)

    action.refresh_from_db()
    assert action.title == "Run knife crime awareness sessions in schools"
    assert action.description == "Keep me"
    assert list(action.partner_organisations.all()) == [plan.lfb]


# Bad rows: each names its row and column, and nothing is saved ------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"Owner email": "nobody@example.org"},
            "Owner email",
            "nobody@example.org is not a member of this partnership yet: name a member as lead officer",
        ),
        ({"Owner email": "inactive@example.org"}, "Owner email", "is not a member of this partnership yet"),
        ({"Owner email": "outsider@example.org"}, "Owner email", "is not a member of this partnership yet"),
        ({"Owner email": ""}, "Owner email", "Give a lead officer who is a member, or a lead organisation"),
        ({"Owner email": "@nowhere"}, "Owner email", "“@nowhere” is not an email address"),
        (
            {"Start date": "next week"},
            "Start date",
            "“next week” is not a timescale the service understands: write a date such as 31/03/2027",
        ),
        ({"Due date": "31/02/2025"}, "Due date", "“31/02/2025” is not a real date"),
        ({"Start date": "2024-13-01"}, "Start date", "is not a real date"),
        ({"Due date": "31/03/2024"}, "Due date", "The due date must be on or after the start date"),
        (
            {"Delegate emails": "dee.delegate@example.org, Kim.Owner@example.org"},
            "Delegate emails",
            "The owner can already update the action: do not make them a delegate too",
        ),
        ({"Priority": "7"}, "Priority", "This strategy has no priority 7: give its title to add it"),
        ({"Strategic ambition": "5"}, "Strategic ambition", "Priority 1 has no strategic ambition 5"),
        (
            {"Reference": "9.1.1", "Priority": "", "Strategic ambition": ""},
            "Reference",
            "This strategy has no priority 9: give its title under Priority to add it",
        ),
        (
            {"Reference": "1.5.1", "Strategic ambition": ""},
            "Reference",
            "Priority 1 has no strategic ambition 5: give its title under Strategic ambition to add it",
        ),
        ({"Reference": "1.2", "Strategic ambition": ""}, "Strategic ambition", "does not say which"),
        ({"Reference": ""}, "Reference", "Enter the reference"),
        ({"Action": ""}, "Action", "Enter the action"),
        ({"Action": "x" * 301}, "Action", "The action must be 300 characters or fewer"),
        ({"Status": "Done-ish"}, "Status", "Unknown status “Done-ish”"),
        ({"Joint lead organisations": "LFB, XYZ"}, "Joint lead organisations", "Unknown joint lead"),
        ({"Action": '=HYPERLINK("http://evil.example","Click")'}, "Action", FORMULA),
        ({"Success measure": "=1+1"}, "Success measure", FORMULA),
    ],
)
def test_a_bad_row_is_reported_with_its_row_and_column_and_nothing_is_saved(
    client, plan, changes, column, message
):
    MembershipFactory(partnership=plan.partnership, user__email="inactive@example.org", is_active=False)
    MembershipFactory(user__email="outsider@example.org")
    good = row(Reference="1.2.1", **{"Strategic ambition": "2"})

    plan_import = preview_of(upload(client, plan, xlsx_file([good, row(**changes)])))

    assert [(e["row"], e["column"]) for e in plan_import.errors] == [(3, column)]
    assert message in plan_import.errors[0]["message"]
    page = client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()
    assert "<title>Error:" in page
    assert "govuk-error-summary" in page
    assert "Fix the file and upload it again" in page
    assert "Confirm import" not in page
    response = confirm(client, plan, plan_import)
    assert "Fix the problems in the file and upload it again." in response.content.decode()
    assert not Action.objects.exists()
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.PREVIEW


def test_a_new_owner_who_is_a_delegate_is_refused_when_the_file_leaves_delegates_out(client, plan):
    action = ActionFactory(ambition=plan.violence, order=1, owner=plan.admin)
    action.delegates.add(plan.owner)
    required = [c.heading for c in COLUMNS if c.is_required or c.key == "owner"]

    plan_import = preview_of(upload(client, plan, csv_file([row()], headings=required)))

    assert plan_import.errors == [
        {
            "row": 2,
            "column": "Owner email",
            "message": "The owner can already update the action: do not make them a delegate too",
        }
    ]
    assert (
        "Confirm import"
        not in client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()
    )


def test_a_delegate_who_has_left_stays_on_an_action_the_file_leaves_them_on(client, plan):
    action = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner)
    leaver = MembershipFactory(partnership=plan.partnership, is_active=False).user
    action.delegates.add(leaver)
    required = [c.heading for c in COLUMNS if c.is_required or c.key == "owner"]

    plan_import = preview_of(upload(client, plan, csv_file([row(Action="Renamed")], headings=required)))
    confirm(client, plan, plan_import)

    action.refresh_from_db()
    assert plan_import.errors == []
    assert action.title == "Renamed"
    assert list(action.delegates.all()) == [leaver]


def test_a_reference_used_twice_in_the_file_is_an_error(client, plan):
    plan_import = preview_of(upload(client, plan, csv_file([row(), row(Action="Something else")])))

    assert plan_import.errors == [
        {"row": 3, "column": "Reference", "message": "The reference 1.1.1 is also used on row 2"}
    ]


def test_a_real_formula_cell_is_refused_never_evaluated(client, plan):
    file = xlsx_file([row()], cells={"K2": '=CONCATENATE("In ","progress")', "M2": "=1+1"})

    plan_import = preview_of(upload(client, plan, file))

    assert {(e["column"], e["message"]) for e in plan_import.errors} == {
        ("Status", FORMULA),
        ("Success measure", FORMULA),
    }


# Hostile and broken files: a clear message, nothing saved ----------------------------------------


def docx_renamed() -> SimpleUploadedFile:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile("plan.xlsx", output.getvalue())


def zip_renamed() -> SimpleUploadedFile:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return SimpleUploadedFile("plan.xlsx", output.getvalue())


def zip_bomb() -> SimpleUploadedFile:
    """A real workbook with 60 MB of zeros packed beside it."""
    workbook = xlsx_file([row()]).read()
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in source.infolist():
            z.writestr(info, source.read(info.filename))
        z.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    return SimpleUploadedFile("plan.xlsx", output.getvalue())


def shared_string_bomb(rows=1_000, length=10_000) -> SimpleUploadedFile:
    """The finding's import bomb: the headings, then rows whose every cell points at one long shared string.

    Written as the workbook's XML (openpyxl itself writes inline strings), so the string is stored
    once however many cells name it: about 30 KB of file whose cells hold rows x 14 x length
    characters (140 million here).
    """
    headings = HEADINGS[:14]  # the plan's first 14 columns, as the finding had
    letters = [openpyxl.utils.get_column_letter(n) for n in range(1, len(headings) + 1)]
    strings = (
        "".join(f"<si><t>{heading}</t></si>" for heading in headings) + f"<si><t>{'x' * length}</t></si>"
    )
    heading_row = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate(letters))
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{c}{r}" t="s"><v>{len(headings)}</v></c>' for c in letters)
        + "</row>"
        for r in range(2, rows + 2)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ml}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ml}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{relationships}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>'
        '<sheet name="Delivery plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{relationships}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{relationships}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">{strings}</sst>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>'
        f'<row r="1">{heading_row}</row>{body}</sheetData></worksheet>',
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return SimpleUploadedFile("plan.xlsx", output.getvalue())


def too_many_rows() -> SimpleUploadedFile:
    rows = [row(Reference=f"1.1.{n}") for n in range(1, 5002)]
    return SimpleUploadedFile("plan.csv", csv_bytes(rows, headings=HEADINGS[:10]))


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (docx_renamed, "The selected file is a Word document, not a spreadsheet"),
        (zip_renamed, "The selected file is not an Excel workbook or a CSV file"),
        (
            lambda: SimpleUploadedFile("plan.xlsx", b"Reference,Action\n1.1.1,Hello\n"),
            "is not an Excel workbook",
        ),
        (
            lambda: SimpleUploadedFile("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
            "is not an Excel workbook",
        ),
        (
            lambda: SimpleUploadedFile("plan.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            "is not an Excel workbook",
        ),
        (
            lambda: SimpleUploadedFile("plan.txt", csv_bytes([row()])),
            "must be an Excel workbook (.xlsx) or a CSV file (.csv)",
        ),
        (lambda: SimpleUploadedFile("plan.csv", b"x" * (2 * 1024 * 1024 + 1)), "must be smaller than 2 MB"),
        (too_many_rows, "more than 5,000 actions"),
        (lambda: xlsx_file([row()], cells={"A1000000": "far down"}), "has rows below row 50,000"),
        (zip_bomb, "too big once unpacked"),
        (
            lambda: SimpleUploadedFile("plan.csv", csv_bytes([row(Description="x" * 200_000)])),
            "cannot be read as CSV",
        ),
        (shared_string_bomb, "more than 2,000,000 characters of text (reached at row 16)"),
        (
            lambda: xlsx_file([row(), row(Reference="1.1.2", Description="x" * 10_001)]),
            "Row 3, column E (Description): a cell must be 10,000 characters or fewer (it has 10,001)",
        ),
        (
            lambda: csv_file([row(**{"Success measure": "y" * 20_000})]),
            "Row 2, column M (Success measure): a cell must be 10,000 characters or fewer (it has 20,000)",
        ),
        (
            lambda: xlsx_file([row(Reference=f"1.1.{n}", Description="z" * 9_000) for n in range(1, 240)]),
            "more than 2,000,000 characters of text (reached at row 218)",
        ),
        (
            lambda: csv_file([row()], headings=[h for h in HEADINGS if h not in ("Action", "Due date")]),
            "missing these columns: Action, Due date",
        ),
        (
            lambda: xlsx_file(
                [{"Ref": "1.1.1", "What": "Run sessions", "Who": "LFB"}], headings=["Ref", "What", "Who"]
            ),
            "The selected file has only 3 columns: a delivery plan needs at least",
        ),
        (lambda: SimpleUploadedFile("plan.csv", b""), "The selected file is empty"),
        (lambda: SimpleUploadedFile("plan.csv", b"\r\n\r\n"), "The selected file is empty"),
        (lambda: xlsx_file([]), "no actions under its headings"),
        (
            lambda: csv_file([row()], headings=[*HEADINGS, "Due date"]),
            "The column “Due date” appears more than once",
        ),
        (
            lambda: SimpleUploadedFile("plan.csv", "Reference,Priority\n".encode("utf-16-le")),
            "is not an Excel workbook",
        ),
        (
            lambda: SimpleUploadedFile("notes.csv", b"Dear colleagues,\nplease find attached the plan.\n"),
            "The selected file has only 1 column",
        ),
    ],
    ids=[
        "docx renamed",
        "zip renamed",
        "text renamed xlsx",
        "old xls",
        "png renamed csv",
        "txt",
        "too big",
        "too many rows",
        "a row far down",
        "zip bomb",
        "a giant cell",
        "shared-string bomb",
        "a cell too long in xlsx",
        "a cell too long in csv",
        "too much text in inline strings",
        "missing columns",
        "too few columns",
        "empty",
        "blank lines",
        "headings only",
        "duplicate column",
        "utf-16 without bom",
        "a letter",
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_clear_message(client, plan, make_file, message):
    response = upload(client, plan, make_file())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert message in html.replace("&#x27;", "'")
    assert not PlanImport.objects.exists()
    assert not Action.objects.exists()


def test_no_file_and_another_partnerships_strategy_are_refused(client, plan):
    client.force_login(plan.admin)

    response = client.post(import_url(plan), {"strategy": StrategyFactory().pk})

    html = response.content.decode()
    assert "Select a file to upload" in html
    assert "Choose a strategy of this partnership" in html
    assert not PlanImport.objects.exists()


# All or nothing, re-imports and the round trip --------------------------------------------------


def test_a_database_error_on_the_last_row_leaves_nothing_imported(client, plan, monkeypatch):
    existing = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, title="Before the import")
    before = snapshot(plan.strategy)
    rows = [row(), row(Reference="1.1.2"), row(Reference="1.2.1", **{"Strategic ambition": "2"})]
    plan_import = preview_of(upload(client, plan, csv_file(rows)))
    real_write = imports._action_write

    def failing_on_the_last_row(*, plan, **kwargs):
        if plan.number == 4:
            raise IntegrityError("disk full")
        return real_write(plan=plan, **kwargs)

    monkeypatch.setattr(imports, "_action_write", failing_on_the_last_row)

    response = confirm(client, plan, plan_import)

    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.FAILED
    assert plan_import.failure.startswith("Nothing was imported")
    assert snapshot(plan.strategy) == before
    existing.refresh_from_db()
    assert existing.title == "Before the import"
    page = client.get(response["Location"]).content.decode()
    assert "The import failed" in page and "Nothing was imported" in page


def test_importing_the_same_file_again_updates_and_never_duplicates(client, plan):
    rows = [row(), row(Reference="2.1.1", Priority="People", **{"Strategic ambition": "1"})]
    confirm(client, plan, preview_of(upload(client, plan, xlsx_file(rows))))
    before = snapshot(plan.strategy)

    again = preview_of(upload(client, plan, xlsx_file(rows)))
    page = client.get(import_url(plan, "plan_import_preview", import_pk=again.pk)).content.decode()
    confirm(client, plan, again)

    assert "0 to create" in page and "2 with no changes" in page
    again.refresh_from_db()
    assert (again.state, again.created_count, again.updated_count) == (PlanImport.State.IMPORTED, 0, 0)
    assert snapshot(plan.strategy) == before


def test_a_row_with_an_existing_reference_updates_that_action(client, plan):
    existing = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, title="Old title")

    plan_import = preview_of(
        upload(client, plan, csv_file([row(**{"Owner email": "KIM.OWNER@EXAMPLE.ORG"})]))
    )
    page = client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()
    confirm(client, plan, plan_import)

    assert "1 to update" in page
    changed = [row["column"] for row in plan_import.rows[0]["differences"]]
    assert changed == [
        "Action",
        "Description",
        "Delegate emails",
        "Partner organisations",
        "Status",
        "Resources or funding",
        "Success measure",
    ]
    assert '<dt class="govuk-summary-list__key">Success measure</dt>' in page
    existing.refresh_from_db()
    assert existing.title == "Run knife crime awareness sessions in schools"
    assert Action.objects.count() == 1
    assert existing.history.first().history_change_reason == "Imported from plan.csv"


def test_a_row_moving_a_due_date_needs_the_reason_and_revises_the_timescale(client, plan):
    existing = ActionFactory(
        ambition=plan.violence,
        order=1,
        owner=plan.owner,
        starts_on=datetime.date(2024, 4, 1),
        due_on=datetime.date(2025, 3, 31),
    )
    moved = row(**{"Due date": "30/09/2025"})

    refused = preview_of(upload(client, plan, csv_file([moved])))
    assert refused.errors == [
        {"row": 2, "column": "Why the due date changed", "message": "Say why the due date is changing"}
    ]

    reason = "Schools asked to start in the summer term"
    plan_import = preview_of(upload(client, plan, csv_file([{**moved, "Why the due date changed": reason}])))
    confirm(client, plan, plan_import)

    existing.refresh_from_db()
    assert (existing.due_on, existing.original_due_on) == (
        datetime.date(2025, 9, 30),
        datetime.date(2025, 3, 31),
    )
    assert existing.due_revision_reason == reason


def test_export_then_import_changes_nothing(client, plan):
    ActionFactory(
        ambition=plan.violence, order=1, owner=plan.owner, title="Knife crime sessions"
    ).delegates.add(plan.delegate)
    done = ActionFactory(
        ambition=plan.violence,
        order=2,
        owner=plan.owner,
        title="=Formula-looking title",
        description="Line one\r\nLine two",
        status=Action.Status.COMPLETED,
        completed_on=datetime.date(2024, 9, 30),
        resources="£10k",
    )
    done.partner_organisations.add(plan.lfb, plan.mps)
    ActionFactory(ambition=plan.victims, order=3, owner=plan.delegate, status=Action.Status.ON_HOLD)
    ActionFactory(
        ambition=StrategicAmbitionFactory(priority__strategy=plan.strategy), order=1
    )  # another priority
    other_strategy_action = ActionFactory(title="Another strategy's action")
    before = snapshot(plan.strategy)
    client.force_login(plan.admin)

    exported = client.get(import_url(plan, "plan_export"), {"strategy": plan.strategy.pk})

    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith(
        'attachment; filename="delivery-plan-community-safety-strategy'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content))["Delivery plan"]
    assert [c.value for c in sheet[1]] == HEADINGS
    assert sheet.max_row == 5
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    plan_import = preview_of(upload(client, plan, SimpleUploadedFile("export.xlsx", exported.content)))
    assert plan_import.errors == []
    assert {r["outcome"] for r in plan_import.rows} == {"unchanged"}
    page = client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()
    assert "4 with no changes" in page and "No changes" in page
    confirm(client, plan, plan_import)
    plan_import.refresh_from_db()
    assert (plan_import.state, plan_import.created_count, plan_import.updated_count) == ("imported", 0, 0)
    assert snapshot(plan.strategy) == before
    assert Action.objects.filter(pk=other_strategy_action.pk, title="Another strategy's action").exists()


def test_a_change_to_the_plan_after_the_check_is_shown_before_anything_is_imported(client, plan):
    plan_import = preview_of(upload(client, plan, csv_file([row()])))
    ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, title="Added meanwhile")

    response = confirm(client, plan, plan_import)

    html = response.content.decode()
    assert "The delivery plan has changed since the file was checked" in html
    assert "1 to update" in html
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.PREVIEW
    assert Action.objects.get().title == "Added meanwhile"


def test_confirming_twice_imports_once(client, plan):
    plan_import = preview_of(upload(client, plan, csv_file([row()])))
    confirm(client, plan, plan_import)

    response = confirm(client, plan, plan_import)

    assert "already been imported" in response.content.decode()
    assert Action.objects.count() == 1


# Large imports: in the background, with progress --------------------------------------------------


def large_rows(plan, count):
    return [row(Reference=f"1.1.{n}", Action=f"Action {n}") for n in range(1, count + 1)]


def test_a_large_import_goes_on_the_task_queue_and_shows_its_progress(
    client, plan, monkeypatch, django_capture_on_commit_callbacks
):
    plan_import = preview_of(upload(client, plan, csv_file(large_rows(plan, 320))))
    preview = client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()
    assert "imported in the background" in preview

    with django_capture_on_commit_callbacks() as queued:  # enqueued once the confirmation commits
        response = confirm(client, plan, plan_import)

    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTING
    assert not Action.objects.exists()
    imports._progress_set(plan_import.pk, 150)
    page = client.get(response["Location"]).content.decode()
    assert "Imported 150 of 320 rows" in page
    assert "<title>Importing: 150 of 320 rows" in page
    assert "Check progress" in page and "http-equiv" not in page
    assert "Start the import again" not in page
    refreshing = client.get(response["Location"], {"refresh": "auto"}).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in refreshing
    assert "Imported 150 of 320 rows" in refreshing and "Stop updating this page" in refreshing

    progress = []
    real_set = imports._progress_set
    monkeypatch.setattr(
        imports, "_progress_set", lambda pk, done: progress.append(done) or real_set(pk, done)
    )
    for enqueue in queued:
        enqueue()  # the test settings' queue runs each task as it is enqueued

    assert progress == [0, 50, 100, 150, 200, 250, 300]
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED
    assert (plan_import.done_rows, plan_import.created_count) == (320, 320)
    assert Action.objects.count() == 320
    assert cache.get(progress_key(plan_import.pk)) is None
    done = client.get(response["Location"], {"refresh": "auto"}).content.decode()
    assert "http-equiv" not in done and "Delivery plan imported" in done


def test_the_database_queue_worker_runs_the_import(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    plan = make_plan()
    plan_import = imports.plan_import_check(
        partnership=plan.partnership,
        strategy=plan.strategy,
        uploaded_by=plan.admin,
        file=csv_file(large_rows(plan, 310)),
    )

    plan_import = plan_import_confirm(plan_import=plan_import, confirmed_by=plan.admin)
    assert plan_import.state == PlanImport.State.IMPORTING
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED
    assert Action.objects.filter(ambition=plan.violence).count() == 310


def test_an_import_whose_worker_stopped_saves_nothing_and_can_be_started_again(
    client, plan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "BACKGROUND_OVER_ROWS", 5)  # a small file stands for a large one
    plan_import = preview_of(upload(client, plan, csv_file(large_rows(plan, 8))))
    with django_capture_on_commit_callbacks() as queued:
        response = confirm(client, plan, plan_import)
    real_write = imports._action_write

    def stopped_part_way(*, plan, **kwargs):
        if plan.number > 4:
            raise SystemExit("the worker was stopped")  # as when its process is killed
        return real_write(plan=plan, **kwargs)

    monkeypatch.setattr(imports, "_action_write", stopped_part_way)
    queued[0]()  # the queue records the task as failed
    monkeypatch.setattr(imports, "_action_write", real_write)

    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTING
    assert not Action.objects.exists()
    assert "Start the import again" not in client.get(response["Location"]).content.decode()

    with time_machine.travel(timezone.now() + timedelta(seconds=imports.STALLED_AFTER + 1)):
        page = client.get(response["Location"]).content.decode()
        assert "has not moved for 2 minutes" in page and "Start the import again" in page
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(response["Location"])
    assert again.status_code == 302

    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED
    assert Action.objects.count() == 8


def test_an_import_under_way_is_not_started_twice(
    client, plan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "BACKGROUND_OVER_ROWS", 5)
    plan_import = preview_of(upload(client, plan, csv_file(large_rows(plan, 8))))
    with django_capture_on_commit_callbacks() as queued:
        response = confirm(client, plan, plan_import)
        again = client.post(response["Location"]).content.decode()

    assert "already been imported, or is being imported" in again
    assert len(queued) == 1


def test_a_second_run_of_a_finished_import_writes_nothing(plan):
    plan_import = imports.plan_import_check(
        partnership=plan.partnership,
        strategy=plan.strategy,
        uploaded_by=plan.admin,
        file=csv_file(large_rows(plan, 5)),
    )
    plan_import_confirm(plan_import=plan_import, confirmed_by=plan.admin)

    again = plan_import_run(plan_import_id=plan_import.pk, user_id=plan.admin.pk)

    assert again.state == PlanImport.State.IMPORTED
    assert Action.objects.filter(ambition=plan.violence).count() == 5


# Who may import ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER])
def test_officers_and_board_members_are_refused(client, plan, role):
    plan_import = preview_of(upload(client, plan, csv_file([row()])))
    client.force_login(MembershipFactory(partnership=plan.partnership, role=role).user)

    for name, kwargs in [
        ("plan_import", {}),
        ("plan_import_template", {}),
        ("plan_export", {}),
        ("plan_import_preview", {"import_pk": plan_import.pk}),
    ]:
        assert client.get(import_url(plan, name, **kwargs)).status_code == 403, name
    assert (
        client.post(import_url(plan), {"strategy": plan.strategy.pk, "file": csv_file([row()])}).status_code
        == 403
    )
    assert confirm(client, plan, plan_import).status_code == 403
    assert PlanImport.objects.count() == 1 and not Action.objects.exists()


def test_another_partnership_answers_404(client, plan):
    ours = preview_of(upload(client, plan, csv_file([row()])))
    theirs = make_plan(domain="other.example")
    client.force_login(theirs.admin)

    for name, kwargs in [
        ("plan_import", {}),
        ("plan_import_template", {}),
        ("plan_export", {}),
        ("plan_import_preview", {"import_pk": ours.pk}),
    ]:
        assert client.get(import_url(plan, name, **kwargs)).status_code == 404, name
    assert client.get(import_url(theirs, "plan_import_preview", import_pk=ours.pk)).status_code == 404
    assert client.get(import_url(theirs, "plan_export"), {"strategy": plan.strategy.pk}).status_code == 404
    assert client.post(import_url(theirs, "plan_import_preview", import_pk=ours.pk)).status_code == 404
    ours.refresh_from_db()
    assert ours.state == PlanImport.State.PREVIEW


def test_the_preview_page_makes_the_same_queries_for_1_row_and_for_50(client, plan, assert_same_queries):
    def make_rows(count):
        plan_import = preview_of(upload(client, plan, csv_file(large_rows(plan, count))))
        return import_url(plan, "plan_import_preview", import_pk=plan_import.pk)

    responses = assert_same_queries(make_rows, client.get)

    assert [response.status_code for response in responses] == [200, 200]


def test_the_shared_string_bomb_is_refused_early_with_memory_bounded(client, plan):
    """The finding: 28 KB unpacking to 130 million characters. It is refused at row 17, having read
    about 2 MB of text, so the request's peak memory stays small (bench/import_bomb.py measures it)."""
    bomb = shared_string_bomb()
    assert bomb.size < 30_000
    client.force_login(plan.admin)

    tracemalloc.start()
    try:
        response = client.post(import_url(plan), {"strategy": plan.strategy.pk, "file": bomb})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert "more than 2,000,000 characters of text" in response.content.decode()
    assert len(response.content) < 200_000
    assert peak < 50 * 1024 * 1024, f"peak {peak:,} bytes"
    assert not PlanImport.objects.exists()
    assert not Action.objects.exists()
