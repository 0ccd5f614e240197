"""A delivery plan imported as a partnership publishes it, in chromium: its own headings, agency leads
with and without a named officer, timescales as written, two levels in its own words and a twice-yearly
rhythm; then read on plan on a page, the delivery plan and the exception report beside the
partnership's other live plans. Every page visited is checked with axe (WCAG 2.2 AA).
"""

import re

import pytest
from playwright.sync_api import expect

from delivery.models import Action
from priorities.models import Strategy
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

TITLE = "Serious Violence Duty Plan 2026-28"
# The spreadsheet as the plan was published: its own headings, no emails, agencies by name.
PUBLISHED = (
    "No.,Aim,Deliverable,Lead agency,Lead officer,Timescale,Partners,Themes\r\n"
    "1.1,Prevent serious violence,Publish the serious violence needs assessment,"
    'Metropolitan Police Service,Mark Ellison,Q3 2026/27,"LBB, third sector",Serious Violence Duty\r\n'
    "1.2,Prevent serious violence,Map violence hotspots with the fire brigade,LFB,Aisha Morgan,"
    'March 2027,MPS,"Serious Violence Duty, Orpington"\r\n'
    "2.1,Reduce reoffending,Run a diversion scheme for young adults,Probation Service,,Ongoing,"
    "All reps,Reducing reoffending\r\n"
)


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_a_published_plan_imports_as_it_is_and_reads_beside_the_other_plans(page, visit, sign_in, demo):
    sign_in("demo-admin")

    # The plan's shape and rhythm, as the partnership publishes it.
    visit("/p/safer-bromley/strategies/new/")
    page.get_by_label("Title").fill(TITLE)
    for field, value in (("starts_on", (1, 4, 2026)), ("ends_on", (31, 3, 2028))):
        for part, number in enumerate(value):
            page.locator(f"#id_{field}_{part}").fill(str(number))
    page.get_by_label(re.compile("Twice a year")).check()
    page.get_by_label(re.compile("Two levels")).check()
    page.get_by_label("What does the plan call its first level?").fill("Aim")
    page.get_by_label("What does the plan call the things it will do?").fill("Deliverable")
    submit(page, "Create strategy")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    strategy = Strategy.objects.get(title=TITLE)

    # The Probation Service leads with no named officer: its nominated contact answers for the return.
    visit("/p/safer-bromley/organisations/")
    page.get_by_role("link", name="Change Probation Service").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Probation Service")
    contact = page.locator("#id_nominated_contact option", has_text="David Okoro").text_content()
    page.get_by_label("Nominated contact (optional)").select_option(label=contact)
    submit(page, "Save organisation")

    visit(f"/p/safer-bromley/actions/import/?strategy={strategy.pk}")
    page.get_by_label("Strategy").select_option(label=TITLE)
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "sv-duty-plan.csv", "mimeType": "text/csv", "buffer": PUBLISHED.encode()}]
    )
    submit(page, "Upload and check the file")

    # Its own headings are matched to the plan's fields, with suggestions from the plan's own words.
    expect(page.get_by_role("heading", level=1)).to_contain_text("column")
    for heading, field in (("No.", "reference"), ("Aim", "priority"), ("Deliverable", "title")):
        assert page.get_by_label(heading, exact=True).input_value() == field, heading
    assert page.get_by_label("Lead agency", exact=True).input_value() == "lead_organisation"
    assert page.get_by_label("Timescale", exact=True).input_value() == "due_on"
    page.get_by_label("Themes", exact=True).select_option(label="Themes and places")
    submit(page, "Check the file with these columns")

    # The preview: new aims made from the file, nothing rejected, then all of it saved.
    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Prevent serious violence")
    expect(main).to_contain_text("Reduce reoffending")
    expect(main).not_to_contain_text("problem")
    submit(page, "Confirm import")
    expect(page.locator(".govuk-panel__body")).to_have_text("3 created, 0 updated, 0 unchanged")

    actions = {a.title: a for a in Action.objects.filter(ambition__priority__strategy=strategy)}
    assessment = actions["Publish the serious violence needs assessment"]
    diversion = actions["Run a diversion scheme for young adults"]
    assert (assessment.reference, assessment.timescale, assessment.owner.username) == (
        "1.1",
        "Q3 2026/27",
        "m.ellison",
    )
    assert (diversion.reference, diversion.timescale, diversion.owner) == ("2.1", "Ongoing", None)
    assert diversion.accountable.username == "d.okoro"
    assert assessment.other_partners == "third sector"
    assert sorted(t.name for t in actions["Map violence hotspots with the fire brigade"].tags.all()) == [
        "Orpington",
        "Serious Violence Duty",
    ]

    # Plan on a page, for this plan beside the others: its words, agencies and aims, no middle level.
    visit(f"/p/safer-bromley/?strategy={strategy.pk}")
    chooser = page.get_by_label("Strategy")
    for title in (
        TITLE,
        "Domestic Abuse Duty Action Plan 2025-27",
        "Safer Bromley Partnership Strategy 2024-27",
    ):
        expect(chooser.locator("option", has_text=title)).to_have_count(1)
    expect(main).to_contain_text("Ratings by aim")
    expect(main).to_contain_text("Prevent serious violence")
    expect(main).not_to_contain_text("Strategic ambition")

    # The delivery plan: agencies first, the person where there is one, timescales as written.
    visit(f"/p/safer-bromley/actions/?strategy={strategy.pk}")
    expect(main).to_contain_text("Metropolitan Police Service (Mark Ellison)")
    expect(main).to_contain_text("Q3 2026/27")
    expect(main).to_contain_text("Ongoing")
    expect(main).to_contain_text("Probation Service")
    expect(page.get_by_label("Theme or place")).to_be_visible()

    # The exception report chooses the plan too, in its words.
    visit(f"/p/safer-bromley/reports/exceptions/?strategy={strategy.pk}")
    expect(main).to_contain_text(TITLE)
    expect(main).not_to_contain_text("Strategic ambition")

    page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        f"/p/safer-bromley/?strategy={strategy.pk}",
        f"/p/safer-bromley/actions/?strategy={strategy.pk}",
    ):
        visit(path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, path
