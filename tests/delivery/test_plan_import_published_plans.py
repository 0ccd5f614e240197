"""The plan import as published plans need it (issue 11): lead agencies in the file, what each update
changes shown as "old → new", and empty cells that never blank a filled field unseen."""

import datetime
import io
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from delivery.imports.columns import COLUMNS
from delivery.models import Action, PlanImport
from tests.accounts.factories import OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.delivery.test_plan_import import (
    HEADINGS,
    confirm,
    csv_file,
    import_url,
    make_plan,
    preview_of,
    row,
    snapshot,
    upload,
    xlsx_file,
)


@pytest.fixture
def plan(db):
    plan = make_plan()
    plan.fire = OrganisationFactory(
        partnership=plan.partnership, short_name="F&RS", name="Fire & Rescue Service"
    )
    return plan


def page_of(client, plan, plan_import) -> str:
    return client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()


def organisation_of(person, plan):
    return Membership.objects.get(user=person, partnership=plan.partnership).organisation


def led_action(plan, **fields) -> Action:
    """The action at 1.1.1, as the file's `row()` describes it, with some fields changed."""
    values = {
        "ambition": plan.violence,
        "order": 1,
        "owner": plan.owner,
        "title": "Run knife crime awareness sessions in schools",
        "description": "Six secondary schools, with the police schools officers.",
        "starts_on": datetime.date(2024, 4, 1),
        "due_on": datetime.date(2025, 3, 31),
        "status": Action.Status.IN_PROGRESS,
        "resources": "£5,000 from the Home Office",
        "success_measure": "2,000 pupils reached",
        "lead_organisation": plan.mps,
    }
    action = ActionFactory(**{**values, **fields})
    action.delegates.add(plan.delegate)
    action.partner_organisations.add(plan.lfb, plan.mps)
    return action


# Lead agencies in the file ------------------------------------------------------------------------


def test_the_lead_columns_come_after_the_first_ones_so_older_files_keep_their_letters():
    assert [c.heading for c in COLUMNS[14:16]] == ["Lead organisation", "Joint lead organisations"]
    assert HEADINGS[4] == "Description"  # column E, as the other tests address it


@pytest.mark.parametrize(
    ("written", "lead"),
    [
        ("LFB", "lfb"),
        ("lfb", "lfb"),
        ("London Fire Brigade", "lfb"),
        ("  london   FIRE brigade. ", "lfb"),
        ("Metropolitan Police Service", "mps"),
        ("Fire and Rescue Service", "fire"),
        ("fire & rescue service", "fire"),
        ("F&RS", "fire"),
        ("F and RS", "fire"),
    ],
)
def test_a_lead_agency_is_matched_by_name_or_short_name_whatever_its_case_spaces_and_ampersands(
    client, plan, written, lead
):
    plan_import = preview_of(upload(client, plan, csv_file([row(**{"Lead organisation": written})])))

    assert plan_import.errors == []
    confirm(client, plan, plan_import)
    assert Action.objects.get().lead_organisation == getattr(plan, lead)


def test_a_near_miss_suggests_the_agency_it_probably_means(client, plan):
    plan_import = preview_of(
        upload(client, plan, csv_file([row(**{"Lead organisation": "London Fire Brigad"})]))
    )

    assert plan_import.errors == [
        {
            "row": 2,
            "column": "Lead organisation",
            "message": "Unknown lead organisation: London Fire Brigad. Did you mean London Fire Brigade?",
        }
    ]
    assert "Did you mean London Fire Brigade?" in page_of(client, plan, plan_import)
    assert not Action.objects.exists()


def test_an_unknown_agency_lists_the_partnerships_short_names(client, plan):
    plan_import = preview_of(
        upload(client, plan, csv_file([row(**{"Lead organisation": "Department of Magic"})]))
    )

    [error] = plan_import.errors
    assert error["column"] == "Lead organisation"
    assert error["message"].startswith(
        "Unknown lead organisation: Department of Magic. This partnership's are: "
    )
    assert "F&RS" in error["message"] and "LFB" in error["message"] and "MPS" in error["message"]
    assert "Did you mean" not in error["message"]


def test_two_agencies_in_the_lead_column_are_sent_to_the_joint_leads_column(client, plan):
    plan_import = preview_of(upload(client, plan, csv_file([row(**{"Lead organisation": "LFB, MPS"})])))

    assert plan_import.errors == [
        {
            "row": 2,
            "column": "Lead organisation",
            "message": "Give one lead organisation: put the others under Joint lead organisations",
        }
    ]


def test_joint_leads_are_imported_and_checked(client, plan):
    good = row(**{"Lead organisation": "LFB", "Joint lead organisations": "MPS; fire and rescue service"})
    twice = row(Reference="1.1.2", **{"Lead organisation": "LFB", "Joint lead organisations": "lfb"})
    unknown = row(Reference="1.1.3", **{"Joint lead organisations": "MPS, Probation, Londn Fire Brigade"})

    checked = preview_of(upload(client, plan, csv_file([good, twice, unknown])))

    assert checked.errors == [
        {
            "row": 3,
            "column": "Joint lead organisations",
            "message": "The lead organisation is already a lead: do not choose it again",
        },
        {
            "row": 4,
            "column": "Joint lead organisations",
            "message": "Unknown joint lead organisation: Probation, Londn Fire Brigade. "
            "For Londn Fire Brigade, did you mean London Fire Brigade? This partnership's are: "
            + ", ".join(sorted(o.short_name for o in plan.partnership.organisations.all())),
        },
    ]
    plan_import = preview_of(upload(client, plan, csv_file([good])))
    confirm(client, plan, plan_import)
    action = Action.objects.get()
    assert action.lead_organisation == plan.lfb
    assert set(action.lead_partners.all()) == {plan.mps, plan.fire}


def test_an_empty_lead_falls_back_to_the_officers_organisation_for_a_new_action_only(client, plan):
    existing = led_action(plan)
    new = row(Reference="1.1.2", **{"Lead organisation": ""})

    plan_import = preview_of(upload(client, plan, csv_file([row(**{"Lead organisation": ""}), new])))
    page = page_of(client, plan, plan_import)
    confirm(client, plan, plan_import)

    assert plan_import.errors == []
    assert "Lead organisation: left as it is — the file's cell is empty" in page
    existing.refresh_from_db()
    assert existing.lead_organisation == plan.mps
    created = Action.objects.get(ambition=plan.violence, order=2)
    assert created.lead_organisation == organisation_of(plan.owner, plan)


def test_export_then_import_keeps_the_leads(client, plan):
    action = led_action(plan)
    action.lead_partners.add(plan.lfb, plan.fire)
    other = ActionFactory(ambition=plan.victims, order=1, owner=plan.delegate)
    before = snapshot(plan.strategy)
    leads = lambda: sorted(  # noqa: E731
        (a.pk, a.lead_organisation_id, sorted(o.pk for o in a.lead_partners.all()))
        for a in Action.objects.filter(ambition__priority__strategy=plan.strategy)
    )
    leads_before = leads()
    client.force_login(plan.admin)

    exported = client.get(import_url(plan, "plan_export"), {"strategy": plan.strategy.pk})

    sheet = openpyxl.load_workbook(io.BytesIO(exported.content))["Delivery plan"]
    assert [c.value for c in sheet[1]][14:16] == ["Lead organisation", "Joint lead organisations"]
    assert [c.value for c in sheet[2]][14:16] == ["MPS", "F&RS, LFB"]
    assert sheet[3][14].value == other.lead_organisation.short_name and sheet[3][15].value is None
    plan_import = preview_of(upload(client, plan, SimpleUploadedFile("export.xlsx", exported.content)))
    assert plan_import.errors == []
    assert [r["outcome"] for r in plan_import.rows] == ["unchanged", "unchanged"]
    assert all(r["kept_empty"] == [] for r in plan_import.rows)
    confirm(client, plan, plan_import)
    assert snapshot(plan.strategy) == before
    assert leads() == leads_before


# Old → new in the preview -------------------------------------------------------------------------


def test_every_kind_of_change_is_shown_old_to_new_in_words(client, plan):
    led_action(plan)
    long_description = " ".join(["A much longer description of the sessions."] * 5)
    changed = row(
        Action="Run knife crime sessions in every school",
        Description=long_description,
        **{
            "Owner email": "dee.delegate@example.org",
            "Delegate emails": plan.admin.email,
            "Partner organisations": "LFB",
            "Start date": "01/05/2024",
            "Due date": "Q3 2025/26",
            "Why the due date changed": "Schools asked for more time",
            "Status": "On hold",
            "Resources or funding": "",
            "Lead organisation": "London Fire Brigade",
            "Joint lead organisations": "MPS",
        },
    )

    plan_import = preview_of(upload(client, plan, csv_file([changed])))
    page = page_of(client, plan, plan_import)

    assert plan_import.errors == []
    differences = {d["column"]: (d["old"], d["new"]) for d in plan_import.rows[0]["differences"]}
    assert differences == {
        "Action": (
            "Run knife crime awareness sessions in schools",
            "Run knife crime sessions in every school",
        ),
        "Description": ("Six secondary schools, with the police schools officers.", long_description),
        "Owner email": (str(plan.owner), str(plan.delegate)),
        "Delegate emails": (str(plan.delegate), str(plan.admin)),
        "Partner organisations": ("London Fire Brigade, Metropolitan Police Service", "London Fire Brigade"),
        "Start date": ("1 April 2024", "1 May 2024"),
        "Due date": ("31 March 2025", "Q3 2025/26"),
        "Status": ("In progress", "On hold"),
        "Lead organisation": ("Metropolitan Police Service", "London Fire Brigade"),
        "Joint lead organisations": ("", "Metropolitan Police Service"),
    }
    assert plan_import.rows[0]["kept_empty"] == ["Resources or funding"]
    assert "Run knife crime awareness sessions in schools → Run knife crime sessions in every school" in page
    assert "1 April 2024 → 1 May 2024" in page
    assert "31 March 2025 → Q3 2025/26" in page
    assert "In progress → On hold" in page
    assert f"{plan.owner} → {plan.delegate}" in unescape(page)  # a name may hold an apostrophe
    assert "Metropolitan Police Service → London Fire Brigade" in page
    assert '<dt class="govuk-summary-list__key">Joint lead organisations</dt>' in page
    # Long text is cut to about 80 characters, with all of it behind a details element.
    assert long_description[:60] in page
    assert "All of the new text" in page and '<details class="govuk-details' in page
    assert "Resources or funding: left as it is — the file's cell is empty" in page

    confirm(client, plan, plan_import)
    action = Action.objects.get()
    assert (action.owner, action.lead_organisation, action.status) == (plan.delegate, plan.lfb, "on_hold")
    assert action.resources == "£5,000 from the Home Office"


# Empty cells never blank a filled field silently ---------------------------------------------------

EMPTIED = {
    "Description": "",
    "Delegate emails": "",
    "Partner organisations": "",
    "Resources or funding": "",
    "Success measure": "",
    "Lead organisation": "",
    "Joint lead organisations": "",
}


def test_empty_cells_leave_an_existing_actions_fields_as_they_are_and_the_preview_says_so(client, plan):
    action = led_action(plan)
    action.lead_partners.add(plan.lfb)
    before = snapshot(plan.strategy)

    plan_import = preview_of(upload(client, plan, xlsx_file([row(**EMPTIED)])))
    page = page_of(client, plan, plan_import)

    assert plan_import.errors == []
    assert plan_import.rows[0]["outcome"] == "unchanged"
    assert plan_import.rows[0]["kept_empty"] == list(EMPTIED)
    for heading in EMPTIED:
        assert f"{heading}: left as it is — the file's cell is empty" in page
    assert "Also clear the fields this file leaves empty" in page
    confirm(client, plan, plan_import)
    assert snapshot(plan.strategy) == before
    action.refresh_from_db()
    assert (action.lead_organisation, list(action.lead_partners.all())) == (plan.mps, [plan.lfb])


def test_the_clear_checkbox_shows_what_will_be_cleared_then_clears_it(client, plan):
    action = led_action(plan)
    action.lead_partners.add(plan.lfb)
    plan_import = preview_of(upload(client, plan, csv_file([row(**EMPTIED)])))
    url = import_url(plan, "plan_import_preview", import_pk=plan_import.pk)

    # Ticking the box and pressing "Confirm import" shows the preview again: nothing unseen is cleared.
    response = client.post(url, {"clear_empty": "on"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The preview now shows the fields this file leaves empty as cleared" in page
    assert "Six secondary schools, with the police schools officers. → " in page
    assert "(empty)" in page
    assert 'name="clear_empty" type="checkbox" value="on" checked' in page
    action.refresh_from_db()
    assert action.description == "Six secondary schools, with the police schools officers."
    plan_import.refresh_from_db()
    assert plan_import.clear_empty is True and plan_import.state == PlanImport.State.PREVIEW
    assert plan_import.rows[0]["kept_empty"] == []
    differences = {d["column"]: (d["old"], d["new"]) for d in plan_import.rows[0]["differences"]}
    officers_organisation = organisation_of(plan.owner, plan)
    assert differences == {
        "Description": ("Six secondary schools, with the police schools officers.", ""),
        "Delegate emails": (str(plan.delegate), ""),
        "Partner organisations": ("London Fire Brigade, Metropolitan Police Service", ""),
        "Resources or funding": ("£5,000 from the Home Office", ""),
        "Success measure": ("2,000 pupils reached", ""),
        "Lead organisation": (
            "Metropolitan Police Service",
            f"{officers_organisation.name} (the lead officer's organisation)",
        ),
        "Joint lead organisations": ("London Fire Brigade", ""),
    }

    response = client.post(url, {"clear_empty": "on"})  # the box stays ticked: "Confirm import"

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.resources, action.success_measure) == ("", "", "")
    assert not action.delegates.exists() and not action.partner_organisations.exists()
    assert not action.lead_partners.exists()
    assert action.lead_organisation == officers_organisation


def test_unticking_the_box_leaves_the_fields_again(client, plan):
    led_action(plan)
    plan_import = preview_of(upload(client, plan, csv_file([row(Description="")])))
    url = import_url(plan, "plan_import_preview", import_pk=plan_import.pk)
    client.post(url, {"clear_empty": "on", "update_preview": "on"})

    page = client.post(url, {"update_preview": "on"}).content.decode()

    plan_import.refresh_from_db()
    assert plan_import.clear_empty is False
    assert plan_import.rows[0]["outcome"] == "unchanged"
    assert "Description: left as it is" in page
    confirm(client, plan, plan_import)
    assert Action.objects.get().description == "Six secondary schools, with the police schools officers."


def test_a_new_action_with_empty_cells_has_those_fields_empty(client, plan):
    plan_import = preview_of(upload(client, plan, csv_file([row(**EMPTIED)])))

    assert plan_import.errors == [] and plan_import.rows[0]["kept_empty"] == []
    assert "Also clear the fields" not in page_of(client, plan, plan_import)
    confirm(client, plan, plan_import)
    action = Action.objects.get()
    assert action.description == "" and not action.partner_organisations.exists()


# Hostile text is shown as text ----------------------------------------------------------------------


def test_hostile_text_is_shown_as_text(client, plan):
    led_action(plan)
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    very_long = "Ω" * 9_000 + "<b>end</b>"
    hostile = row(
        Action=markup,
        Description=very_long,
        **{"Success measure": "\u202egnp.exe", "Resources or funding": "Ｆｕｌｌｗｉｄｔｈ & <i>"},
    )
    look_alike = row(Reference="1.1.2", **{"Lead organisation": "LF\u0412"})  # a Cyrillic capital ve

    refused = preview_of(upload(client, plan, csv_file([look_alike])))
    refused_page = page_of(client, plan, refused)
    plan_import = preview_of(upload(client, plan, csv_file([hostile])))
    page = page_of(client, plan, plan_import)

    [error] = refused.errors
    assert error["column"] == "Lead organisation"
    assert error["message"].startswith("Unknown lead organisation: LF\u0412.")
    assert "LF\u0412" in refused_page
    assert plan_import.errors == []
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>end</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;end&lt;/b&gt;" in page  # the full text, behind its details element
    assert "Ω" * 70 in page and "All of the new text" in page
    assert "\u202egnp.exe" in page and "Ｆｕｌｌｗｉｄｔｈ &amp; &lt;i&gt;" in page
    confirm(client, plan, plan_import)
    action = Action.objects.get()
    assert action.title == markup and action.description == very_long
