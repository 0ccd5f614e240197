"""Importing indicator values from a spreadsheet: a preview of every row first, nothing saved until it is
confirmed, a file with any problem not confirmable, and a value changed since the preview refusing it."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from delivery.models import ReportingPeriod
from indicators import imports
from indicators.models import IndicatorValue
from tests.delivery.factories import ReportingPeriodFactory
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory
from tests.indicators.test_indicator_pages import make_world, url, words_of
from tests.world import fingerprint

pytestmark = pytest.mark.django_db

HEADINGS = ["Indicator", "Period", "Value", "Note"]


@pytest.fixture
def world():
    return make_world()


def csv_file(rows, headings=HEADINGS, name="values.csv"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, headings=HEADINGS, name="values.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(
        name,
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(client, world, file):
    return client.post(url(world, "value_import"), {"file": file})


def confirm(client, world, preview_response):
    token = preview_response.context["preview"].token
    assert token, "the preview offers no confirmation"
    return client.post(url(world, "value_import"), {"token": token})


def test_the_upload_page_lists_the_columns_indicators_and_periods(client, world):
    client.force_login(world.admin)

    text = words_of(client.get(url(world, "value_import")))

    assert "Import indicator values" in text
    assert "Indicator The indicator's name" in text and "Period The reporting period's name" in text
    assert f"{world.indicator.pk} Knife crime with injury Community Safety Strategy 2024-27" in text
    assert "Q1 2024/25, Q2 2024/25" in text
    assert "A locked period is a past one: a value for it replaces what was reported then" in text
    assert "A period that has not started yet cannot have a value" in text


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_a_good_file_is_previewed_then_imported_on_confirmation(client, world, make_file):
    second = IndicatorFactory(priority=world.priority, name="Repeat victims")
    client.force_login(world.admin)
    before = fingerprint()
    rows = [
        ["Knife crime with injury", "Q1 2024/25", "88", "Corrected figure."],  # changes 90
        ["knife crime  WITH injury", "Q2 2024/25", "1,020", ""],  # new, name matched loosely
        [str(second.pk), "q1 2024/25", "12.5", "By id."],  # new, by id
    ]

    response = upload(client, world, make_file(rows))

    assert response.status_code == 200
    assert fingerprint() == before  # nothing saved yet
    preview = response.context["preview"]
    assert preview.counts == {"new": 2, "changed": 1, "unchanged": 0, "problem": 0}
    text = words_of(response)
    assert "Value changed from 90" in text and "New value" in text
    assert "Confirm import" in text

    done = confirm(client, world, response)

    assert done.status_code == 302
    assert "Values imported: 2 new, 1 changed, 0 unchanged." in words_of(client.get(done.url))
    values = {
        (v.indicator_id, v.period.name): (v.value, v.note, v.entered_by)
        for v in IndicatorValue.objects.select_related("period")
    }
    assert values[(world.indicator.pk, "Q1 2024/25")] == (Decimal("88"), "Corrected figure.", world.admin)
    assert values[(world.indicator.pk, "Q2 2024/25")][0] == Decimal("1020")
    assert values[(second.pk, "Q1 2024/25")][:2] == (Decimal("12.5"), "By id.")


def test_a_locked_past_period_is_imported(client, world):
    assert not world.q1.is_open
    client.force_login(world.admin)

    response = upload(client, world, csv_file([["Knife crime with injury", "Q1 2024/25", "91", ""]]))
    assert (
        "Value changed from 90, and its note. Q1 2024/25 is locked: this replaces a past period's value"
        in (words_of(response))
    )
    assert confirm(client, world, response).status_code == 302

    assert IndicatorValue.objects.get(indicator=world.indicator, period=world.q1).value == Decimal("91")


def test_an_open_periods_changed_value_is_not_called_past(client, world):
    IndicatorValueFactory(indicator=world.indicator, period=world.q2, value=Decimal("95"), note="")
    client.force_login(world.admin)

    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "96", ""]]))

    text = words_of(response)
    assert "Value changed from 95" in text and "past period" not in text


def test_a_value_with_trailing_zeros_is_imported(client, world):
    client.force_login(world.admin)

    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "1.00000", ""]]))
    assert response.context["preview"].counts["new"] == 1

    assert confirm(client, world, response).status_code == 302
    assert IndicatorValue.objects.get(indicator=world.indicator, period=world.q2).value == Decimal("1")


def future_period(world) -> ReportingPeriod:
    starts = timezone.localdate() + datetime.timedelta(days=1)
    return ReportingPeriodFactory(
        partnership=world.partnership,
        name="Next quarter",
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=90),
        state=ReportingPeriod.State.UPCOMING,
    )


def test_a_period_that_has_not_started_is_refused(client, world):
    future_period(world)
    client.force_login(world.admin)
    before = fingerprint()

    response = upload(client, world, csv_file([["Knife crime with injury", "Next quarter", "91", ""]]))

    preview = response.context["preview"]
    assert preview.counts["problem"] == 1 and preview.token is None
    assert "Row 2, Period: Next quarter has not started yet, so it has no value to bring in" in words_of(
        response
    )
    assert fingerprint() == before


def test_a_period_moved_into_the_future_since_the_preview_is_refused_on_confirmation(client, world):
    client.force_login(world.admin)
    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "91", ""]]))
    starts = timezone.localdate() + datetime.timedelta(days=10)
    ReportingPeriod.objects.filter(pk=world.q2.pk).update(
        starts_on=starts, ends_on=starts + datetime.timedelta(days=90), update_deadline=starts
    )
    before = fingerprint()

    refused = confirm(client, world, response)

    assert refused.status_code == 409
    assert "Row 2: Period: Q2 2024/25 has not started yet" in words_of(refused)
    assert fingerprint() == before


def test_unchanged_rows_say_so_and_a_file_that_changes_nothing_offers_no_confirmation(client, world):
    client.force_login(world.admin)

    response = upload(
        client, world, csv_file([["Knife crime with injury", "Q1 2024/25", "90.00", "Fewer than hoped."]])
    )

    assert response.context["preview"].counts["unchanged"] == 1
    assert response.context["preview"].token is None
    assert "importing it changes nothing" in words_of(response)


def test_every_problem_is_listed_and_nothing_can_be_confirmed(client, world):
    IndicatorFactory(priority=world.priority, name="Duplicate name")
    IndicatorFactory(priority=world.priority, name="duplicate name")
    done = IndicatorFactory(
        priority=world.priority, name="Plan published", unit="yes_no", baseline_value=None, baseline_on=None
    )
    client.force_login(world.admin)
    before = fingerprint()
    rows = [
        ["Knife crime with injury", "Q2 2024/25", "95", "Fine row."],
        ["No such indicator", "Q1 2024/25", "1", ""],
        ["Knife crime with injury", "Q9 2099/00", "1", ""],
        ["Knife crime with injury", "Q1 2024/25", "lots", ""],
        ["Knife crime with injury", "Q1 2024/25", "1e30", ""],
        ["Knife crime with injury", "Q1 2024/25", "NaN", ""],
        ["Knife crime with injury", "Q1 2024/25", "１２", ""],
        ["Plan published", "Q1 2024/25", "2", ""],
        ["Duplicate name", "Q1 2024/25", "3", ""],
        ["Knife crime with injury", "Q2 2024/25", "96", "Twice."],
        ["", "Q1 2024/25", "3", ""],
        ["<script>alert(1)</script>", "Q1 2024/25", "3", ""],
    ]

    response = upload(client, world, csv_file(rows))

    preview = response.context["preview"]
    assert preview.token is None and preview.counts["problem"] == 11
    text = words_of(response)
    assert "There is a problem" in text and "Confirm import" not in text
    assert "Row 3, Indicator: there is no indicator called “No such indicator” in this partnership" in text
    assert "Row 4, Period: the partnership has no reporting period called “Q9 2099/00”" in text
    assert "Row 5, Value: Enter the value as a number, such as 125 or 12.5" in text
    assert "Row 6, Value: Enter the value in full, without “e”" in text
    assert "Row 7, Value: Enter the value as a number" in text
    assert "Row 8, Value: Enter the value using the digits 0 to 9" in text
    assert "Row 9, Value: Plan published is a yes or no indicator: enter 1 for yes or 0 for no, not 2" in text
    assert (
        "Row 10, Indicator: 2 indicators are called “Duplicate name”: give the id of the one you mean" in text
    )
    assert (
        "Row 11, Indicator and period: row 2 already gives a value of Knife crime with injury for Q2 2024/25"
        in text
    )
    assert "Row 12, Indicator: enter the indicator's name or id" in text
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert fingerprint() == before
    assert done.values.count() == 0


def test_a_value_changed_since_the_preview_refuses_the_whole_import(client, world):
    client.force_login(world.admin)
    response = upload(
        client,
        world,
        csv_file(
            [
                ["Knife crime with injury", "Q2 2024/25", "95", ""],
                ["Knife crime with injury", "Q1 2024/25", "89", ""],
            ]
        ),
    )
    # The owner enters Q1's value again after the preview.
    owner = Client()
    owner.force_login(world.owner)
    saved = IndicatorValue.objects.get(indicator=world.indicator, period=world.q1)
    from core.conflicts import version_of
    from indicators.services import indicator_value_save

    indicator_value_save(
        indicator=world.indicator,
        period=world.q1,
        entered_by=world.owner,
        value=Decimal("92"),
        note="Mine.",
        version=version_of(saved),
        period_must_be_open=False,
    )
    before = fingerprint()

    refused = confirm(client, world, response)

    assert refused.status_code == 409
    text = words_of(refused)
    assert "There is a problem" in text
    assert "Row 3: the value of Knife crime with injury for Q1 2024/25 was changed by" in text
    assert "after the preview. Nothing has been imported" in text
    assert fingerprint() == before  # not even row 2, which had not changed
    assert not IndicatorValue.objects.filter(period=world.q2).exists()


def test_a_value_first_entered_since_the_preview_refuses_it_too(client, world):
    client.force_login(world.admin)
    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "95", ""]]))
    IndicatorValueFactory(indicator=world.indicator, period=world.q2, value=Decimal("95"))

    refused = confirm(client, world, response)

    assert refused.status_code == 409 and "after the preview" in words_of(refused)


def test_an_indicator_changed_to_yes_or_no_since_the_preview_is_checked_again(client, world):
    client.force_login(world.admin)
    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "95", ""]]))
    world.indicator.unit = "yes_no"
    world.indicator.baseline_value = None
    world.indicator.baseline_on = None
    world.indicator.save()

    refused = confirm(client, world, response)

    assert refused.status_code == 409
    assert "Row 2: Value: Knife crime with injury is a yes or no indicator" in words_of(refused)
    assert not IndicatorValue.objects.filter(period=world.q2).exists()


def test_a_tampered_or_foreign_preview_is_refused(client, world):
    client.force_login(world.admin)
    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "95", ""]]))
    token = response.context["preview"].token

    tampered = client.post(url(world, "value_import"), {"token": token[:-2] + "xx"})
    other_admin = Client()
    other_admin.force_login(make_world_admin(world))
    foreign = other_admin.post(url(world, "value_import"), {"token": token})

    assert "The preview could not be read: upload the file again" in words_of(tampered)
    assert "This preview is not for this partnership" in words_of(foreign)
    assert not IndicatorValue.objects.filter(period=world.q2).exists()


def make_world_admin(world):
    from accounts.models import Membership
    from tests.accounts.factories import MembershipFactory

    return MembershipFactory(partnership=world.partnership, role=Membership.Role.ADMINISTRATOR).user


def test_an_expired_preview_is_refused(client, world, monkeypatch):
    client.force_login(world.admin)
    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "95", ""]]))
    monkeypatch.setattr(imports, "PREVIEW_SECONDS", -1)

    refused = confirm(client, world, response)

    assert "The preview has expired: upload the file again" in words_of(refused)


def test_another_partnerships_indicators_and_periods_are_unknown(client, world):
    elsewhere = make_world()
    client.force_login(world.admin)

    response = upload(client, world, csv_file([[str(elsewhere.indicator.pk), elsewhere.q1.name, "1", ""]]))

    assert "Row 2, Indicator: there is no indicator called" in words_of(response)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            lambda: csv_file([["x", "Q1 2024/25", "1"]], headings=["Indicator", "When", "Value"]),
            "The selected file has no Period column",
        ),
        (
            lambda: csv_file(
                [["x", "Q1", "1", "a", "b"]], headings=["Indicator", "Period", "Value", "Note", "Notes"]
            ),
            "two Note columns",
        ),
        (
            lambda: SimpleUploadedFile("values.xlsx", b"not a workbook"),
            "The selected file is not an Excel workbook or a CSV file",
        ),
        (
            lambda: SimpleUploadedFile("values.txt", b"Indicator,Period,Value\n"),
            "must be an Excel workbook (.xlsx) or a CSV file (.csv)",
        ),
        (lambda: SimpleUploadedFile("values.csv", b"x" * (2 * 1024 * 1024 + 1)), "smaller than 2 MB"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_upload_page(client, world, file, message):
    client.force_login(world.admin)
    before = fingerprint()

    response = upload(client, world, file())

    assert response.status_code == 200 and "preview" not in response.context
    text = words_of(response)
    assert "There is a problem" in text and message in text
    assert fingerprint() == before


def test_too_many_rows_are_refused(client, world):
    client.force_login(world.admin)

    rows = [["Knife crime with injury", "Q1 2024/25", str(n), ""] for n in range(imports.MAX_ROWS + 1)]
    response = upload(client, world, csv_file(rows))

    assert "The selected file has more than 1,000 values: split it into smaller files" in words_of(response)


def test_no_file_is_refused(client, world):
    client.force_login(world.admin)

    assert "Select a file to upload" in words_of(client.post(url(world, "value_import"), {}))


def test_officers_cannot_import_or_confirm(client, world):
    client.force_login(world.admin)
    response = upload(client, world, csv_file([["Knife crime with injury", "Q2 2024/25", "95", ""]]))
    token = response.context["preview"].token
    client.force_login(world.owner)

    assert client.post(url(world, "value_import"), {"token": token}).status_code == 403
    assert client.post(url(world, "value_import"), {"file": csv_file([])}).status_code == 403
    assert not IndicatorValue.objects.filter(period=world.q2).exists()


def test_the_preview_checks_rows_in_the_same_queries_for_1_and_20_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n):
        rows = [["Knife crime with injury", "Q1 2024/25", str(n), ""]] + [
            [IndicatorFactory(priority=world.priority).name, "Q2 2024/25", "1", ""] for _ in range(n - 1)
        ]
        with CaptureQueriesContext(connection) as queries:
            imports.value_import_check(
                partnership=world.partnership, file=csv_file(rows), checked_by=world.admin
            )
        return len(queries)

    assert count(1) == count(20)


def test_an_xlsx_files_number_cells_and_formulas_are_read_as_typed(client, world):
    client.force_login(world.admin)

    response = upload(
        client,
        world,
        xlsx_file(
            [
                ["Knife crime with injury", "Q1 2024/25", 88, None],
                ["Knife crime with injury", "Q2 2024/25", "=1+1", None],
            ]
        ),
    )

    rows = response.context["preview"].rows
    assert rows[0].value == Decimal("88") and rows[0].outcome == "changed"
    assert rows[1].problems == ["Value: Enter the value as a number, such as 125 or 12.5"]


def test_a_file_with_headings_alone_is_refused_in_the_words_of_values(client, world):
    client.force_login(world.admin)

    response = upload(client, world, csv_file([]))

    assert "The selected file has no values under its headings" in words_of(response)
