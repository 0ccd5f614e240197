"""Browser journeys of a partnership administrator: inviting someone who then owns an action,
adding and managing a financial year's reporting periods, and importing and exporting the
delivery plan as a spreadsheet. Every page visited is checked with axe (WCAG 2.2 AA)."""

import datetime
import re

import openpyxl
import pytest
from django.core import mail
from django.db.models import Max
from playwright.sync_api import expect

from accounts.models import Invitation, Membership, Organisation, User
from delivery.imports.columns import COLUMNS, SHEET_TITLE
from delivery.models import Action, ReportingPeriod
from priorities.models import StrategicAmbition, Strategy
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
ADMIN_NAME = "Priya Shah"  # demo-admin
INVITATION_PATH = re.compile(r"/accounts/invitation/[^/\s]+/")


def literal(text: str) -> str:
    """Text as a regular expression matching it exactly; "/" escaped too, which Playwright's selectors need."""
    return re.escape(text).replace("/", r"\/")


def heading(page):
    return page.get_by_role("heading", level=1)


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def navigate(page, label):
    """Follow a link in the service navigation and check the page it opens."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=re.compile(rf"^{label}")).click()
    page.wait_for_load_state()
    assert_accessible(page)


def follow(page, name, *, role="link"):
    """Follow a link (or a link styled as a button) by its accessible name and check the page."""
    page.get_by_role(role, name=name, exact=isinstance(name, str)).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def open_administration(page):
    navigate(page, "Administration")
    expect(heading(page)).to_have_text("Administration")


def sign_out(page):
    page.locator(".app-header").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)


def signed_in_as(page):
    return page.locator(".app-header__user")


# 1. Invite someone, who joins and is made an action's owner -----------------------------------------


def test_an_administrator_invites_someone_who_joins_and_is_made_an_action_owner(page, visit, sign_in, demo):
    organisation = Organisation.objects.get(partnership__slug=SLUG, short_name="LFB")
    first_name, last_name, email = "Amara", "Okafor", "amara.okafor@example.org"
    full_name = f"{first_name} {last_name}"
    assert not User.objects.filter(email=email).exists()

    sign_in("demo-admin")
    open_administration(page)
    follow(page, "People")
    expect(heading(page)).to_have_text("People")

    follow(page, "Invite someone", role="button")
    expect(heading(page)).to_have_text("Invite someone to Safer Bromley Partnership")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Organisation", exact=True).select_option(label=organisation.name)
    page.get_by_role("radio", name="Officer", exact=True).check()
    submit(page, "Send invitation")

    expect(heading(page)).to_have_text("People")
    expect(success_banner(page)).to_contain_text(f"Invitation sent to {email}.")
    pending = (
        page.get_by_role("table", name="Invitations not yet accepted")
        .get_by_role("row")
        .filter(has_text=email)
    )
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(full_name)
    expect(pending).to_contain_text(f"Officer, {organisation.name}")
    expect(pending.get_by_role("button", name=f"Resend the invitation to {email}")).to_be_visible()
    invitation = Invitation.objects.get(partnership__slug=SLUG, email=email)
    assert invitation.accepted_at is None and invitation.revoked_at is None

    assert mail.outbox, "the invitation should have been emailed"
    message = mail.outbox[-1]
    assert message.to == [email]
    link = INVITATION_PATH.search(message.body)
    assert link, f"the invitation email should hold the link to accept it:\n{message.body}"

    sign_out(page)
    visit(link.group(0))
    expect(heading(page)).to_have_text("Set your password")
    expect(page.locator(".govuk-summary-list")).to_contain_text(email)

    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Confirm password").fill("password")
    submit(page, "Set password and join")
    expect(page).to_have_title(re.compile(r"^Error: Set your password"))
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    expect(error_summary(page)).to_contain_text("This password is too common.")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    assert not User.objects.filter(email=email).exists(), "a refused password must save nobody"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None

    password = "Lantern-orchard-1987-quay"
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    submit(page, "Set password and join")
    expect(success_banner(page)).to_contain_text("Welcome to Safer Bromley Partnership.")
    expect(signed_in_as(page)).to_have_text(full_name)
    newcomer = User.objects.get(email=email)
    membership = Membership.objects.get(user=newcomer, partnership__slug=SLUG)
    assert membership.is_active and membership.role == Membership.Role.OFFICER
    assert membership.organisation == organisation

    sign_out(page)
    sign_in("demo-admin")
    expect(signed_in_as(page)).to_have_text(ADMIN_NAME)
    navigate(page, "Delivery plan")
    expect(heading(page)).to_have_text("Delivery plan")
    action_link = page.get_by_role("table", name="Delivery-plan actions").get_by_role("link").first
    href = action_link.get_attribute("href")
    action = Action.objects.get(pk=int(re.search(r"/actions/(\d+)/", href).group(1)))
    previous_owner = str(action.owner)
    assert action.owner_id != newcomer.pk
    action_link.click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(heading(page)).to_have_text(f"{action.reference} {action.title}")

    follow(page, "Edit action", role="link")
    page.get_by_label("Lead officer (optional)", exact=True).select_option(
        label=f"{full_name} ({organisation.name})"
    )
    submit(page, "Save changes")
    expect(heading(page)).to_have_text(f"{action.reference} {action.title}")
    expect(success_banner(page)).to_contain_text(f"Action {action.reference} updated.")
    lead_row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(r"^\s*Lead\s*$"))
    )
    # The lead agency stays; the lead officer is the newcomer.
    expect(lead_row.locator("dd")).to_have_text(f"{action.lead_organisation.name} ({full_name})")
    action.refresh_from_db()
    assert action.owner_id == newcomer.pk

    open_administration(page)
    follow(page, "Activity")
    expect(heading(page)).to_have_text("Activity")
    entry = (
        page.get_by_role("table", name="Changes, newest first")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name=f"Action {action.reference} {action.title}", exact=True))
        .filter(has_text=re.compile(rf"Lead officer\s*changed from:\s*“{literal(previous_owner)}”"))
    )
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(ADMIN_NAME)
    expect(entry).to_contain_text(f"“{full_name}”")


# 2. Reporting periods: add a financial year, open, lock and unlock a quarter ------------------------


def next_financial_year() -> int:
    """The first financial year (by the year its April falls in) that starts after the latest period ends."""
    latest = ReportingPeriod.objects.filter(partnership__slug=SLUG).order_by("-ends_on").first()
    after = latest.ends_on + datetime.timedelta(days=1)
    return after.year if (after.month, after.day) <= (4, 1) else after.year + 1


def test_an_administrator_adds_a_financial_year_then_locks_and_unlocks_a_quarter(page, sign_in, demo):
    year = next_financial_year()
    label = f"{year}/{(year + 1) % 100:02d}"
    quarters = [f"Q{n} {label}" for n in range(1, 5)]
    assert not ReportingPeriod.objects.filter(partnership__slug=SLUG, name__in=quarters).exists()
    problems = []

    sign_in("demo-admin")
    open_administration(page)
    follow(page, "Reporting periods")
    expect(heading(page)).to_have_text("Reporting periods")

    follow(page, "Add a financial year")
    expect(heading(page)).to_have_text("Add a financial year")
    year_field = page.get_by_label("Financial year")
    suggested = year_field.input_value()
    expect(page.get_by_label("How many days after each quarter ends are updates due?")).to_have_value("30")
    submit(page, "Add the four quarters")  # as the form suggests
    if suggested != str(year):
        # The suggestion is wrong: reported at the end, so that the rest of the journey is still checked.
        latest = ReportingPeriod.objects.filter(partnership__slug=SLUG).order_by("-ends_on").first()
        refused = error_summary(page).text_content() if error_summary(page).count() else "(no error shown)"
        problems.append(
            f"“Add a financial year” suggests {suggested!r}, but the latest period is {latest.name} "
            f"(ending {latest.ends_on:%-d %B %Y}), so the next financial year is {year} ({label}). "
            f"Submitting the suggestion gives: {' '.join(refused.split())}"
        )
        page.get_by_label("Financial year").fill(str(year))
        submit(page, "Add the four quarters")

    expect(heading(page)).to_have_text("Reporting periods")
    expect(success_banner(page)).to_contain_text(
        f"Added {quarters[0]} to {quarters[-1]} as upcoming reporting periods."
    )
    table = page.get_by_role("table", name="Reporting periods, newest first")
    for name in quarters:
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
        expect(row).to_have_count(1)
        expect(row.locator(".govuk-tag")).to_have_text("Upcoming")
    assert set(
        ReportingPeriod.objects.filter(partnership__slug=SLUG, name__in=quarters).values_list(
            "state", flat=True
        )
    ) == {ReportingPeriod.State.UPCOMING}

    name = quarters[0]
    period = ReportingPeriod.objects.get(partnership__slug=SLUG, name=name)
    follow(page, name)
    expect(heading(page)).to_have_text(name)
    state = page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(r"^\s*State\s*$"))
    )
    expect(state.locator(".govuk-tag")).to_have_text("Upcoming")

    follow(page, "Open for updates")
    expect(heading(page)).to_have_text("Open this period for updates")
    submit(page, "Open for updates")
    expect(success_banner(page)).to_contain_text(f"{name} is open for updates.")
    expect(state.locator(".govuk-tag")).to_have_text("Open for updates")

    follow(page, "Lock this period")
    expect(heading(page)).to_have_text("Lock this period")
    submit(page, "Lock the period")
    expect(heading(page)).to_have_text(name)
    expect(success_banner(page)).to_contain_text(f"{name} is locked.")
    expect(state.locator(".govuk-tag")).to_have_text("Locked")
    period.refresh_from_db()
    assert period.state == ReportingPeriod.State.LOCKED

    follow(page, "Unlock this period")
    expect(heading(page)).to_have_text("Unlock this period")
    submit(page, "Unlock the period")
    expect(page).to_have_title(re.compile(rf"^Error: Unlock {literal(name)}"))
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    expect(
        error_summary(page).get_by_role("link", name="Say why the period is being unlocked")
    ).to_be_visible()
    expect(page.get_by_label("Why is the period being unlocked?")).to_have_attribute("aria-invalid", "true")
    period.refresh_from_db()
    assert period.state == ReportingPeriod.State.LOCKED, "an unlock without a reason must change nothing"

    reason = "Fire brigade figures arrived late; reopened for a week"
    page.get_by_label("Why is the period being unlocked?").fill(reason)
    submit(page, "Unlock the period")
    expect(heading(page)).to_have_text(name)
    expect(success_banner(page)).to_contain_text(f"{name} is open for updates.")
    expect(state.locator(".govuk-tag")).to_have_text("Open for updates")
    period.refresh_from_db()
    assert period.state == ReportingPeriod.State.OPEN

    history = page.get_by_role("table", name="Changes to this reporting period, newest first")
    newest = history.locator("tbody tr").first
    expect(newest.locator("td")).to_have_text(
        [re.compile(r"\d{4}"), ADMIN_NAME, "Open for updates", re.compile(r"\d{4}"), reason]
    )
    expect(history.locator("tbody tr").filter(has_text="Locked")).to_have_count(1)

    assert not problems, "\n".join(problems)


# 3. Import a delivery plan from a spreadsheet, fix it, then export and import it again --------------


def current_strategy() -> Strategy:
    return Strategy.objects.get(
        partnership__slug=SLUG, status=Strategy.Status.ADOPTED, title__contains="2024-27"
    )


def new_action_rows(strategy: Strategy) -> list[dict]:
    """Three new actions, each at the end of one of the strategy's first three strategic ambitions."""
    ambitions = (
        StrategicAmbition.objects.filter(priority__strategy=strategy)
        .select_related("priority")
        .annotate(last_action=Max("actions__order"))
        .order_by("priority__order", "order")[:3]
    )
    emails = list(
        Membership.objects.filter(partnership__slug=SLUG, is_active=True, user__email__gt="")
        .order_by("user__last_name")
        .values_list("user__email", flat=True)[:3]
    )
    titles = [
        "Run knife-crime awareness sessions in every secondary school",
        "Pilot a family early-help hub in Penge",
        "Publish online-safety guidance for parents",
    ]
    return [
        {
            "reference": f"{ambition.priority.order}.{ambition.order}.{(ambition.last_action or 0) + 1}",
            "priority": ambition.priority.title,
            "ambition": ambition.title,
            "title": title,
            "owner": email,
            "starts_on": "01/04/2026",
            "due_on": "31/03/2027",
            "status": "Not started",
        }
        for ambition, email, title in zip(ambitions, emails, titles, strict=True)
    ]


def write_plan(template, path, rows: list[dict]):
    """The template workbook with the rows filled in under its own headings, saved to `path`."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook[SHEET_TITLE]
    headings = [cell.value for cell in sheet[1]]
    key_of = {column.heading: column.key for column in COLUMNS}
    for row in rows:
        sheet.append([row.get(key_of.get(h), "") for h in headings])
    workbook.save(path)
    return path


def download(page, link_name, folder):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    file = info.value
    path = folder / file.suggested_filename
    file.save_as(path)
    return path


def upload(page, strategy, path):
    page.get_by_label("Strategy", exact=True).select_option(label=strategy.title)
    page.get_by_label("Upload a file").set_input_files(path)
    submit(page, "Upload and check the file")


def rows_summary(page):
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(r"^\s*Rows\s*$"))
    )


def test_an_administrator_imports_a_delivery_plan_fixes_it_and_reimports_the_export(
    page, sign_in, demo, tmp_path
):
    strategy = current_strategy()
    actions = Action.objects.filter(ambition__priority__strategy=strategy)
    count_before = actions.count()
    rows = new_action_rows(strategy)

    sign_in("demo-admin")
    open_administration(page)
    follow(page, "Import or export the delivery plan")
    expect(heading(page)).to_have_text("Import or export the delivery plan")

    template = download(page, f"Download the template for {strategy.title} (.xlsx)", tmp_path)
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames[0] == SHEET_TITLE
    assert [cell.value for cell in workbook[SHEET_TITLE][1]] == [column.heading for column in COLUMNS]
    assert workbook[SHEET_TITLE].max_row == 1, "the template should have no actions in it"

    bad = 1  # the second action has a due date that does not exist
    rows[bad]["due_on"] = "31/02/2027"
    bad_row = bad + 2  # the headings are row 1
    write_plan(template, tmp_path / "new-actions.xlsx", rows)
    upload(page, strategy, tmp_path / "new-actions.xlsx")

    expect(heading(page)).to_have_text("Check the import")
    expect(page).to_have_title(re.compile(r"^Error: Import new-actions\.xlsx"))
    message = f"Row {bad_row}, Due date: “31/02/2027” is not a real date: check the day and month"
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    expect(error_summary(page).get_by_role("link", name=message, exact=True)).to_have_attribute(
        "href", f"#row-{bad_row}"
    )
    expect(page.locator(f"#row-{bad_row}")).to_contain_text(message)
    expect(rows_summary(page)).to_contain_text("1 with problems")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert actions.count() == count_before
    assert not Action.objects.filter(title__in=[row["title"] for row in rows]).exists()

    rows[bad]["due_on"] = "28/02/2027"
    write_plan(template, tmp_path / "new-actions-fixed.xlsx", rows)
    follow(page, "Fix the file and upload it again")
    expect(heading(page)).to_have_text("Import or export the delivery plan")
    upload(page, strategy, tmp_path / "new-actions-fixed.xlsx")

    expect(heading(page)).to_have_text("Check the import")
    expect(error_summary(page)).to_have_count(0)
    expect(rows_summary(page)).to_contain_text("3 to create")
    expect(rows_summary(page)).to_contain_text("0 to update")
    preview = page.get_by_role("table", name="What will happen to each row")
    for row in rows:
        expect(preview.get_by_role("row").filter(has_text=row["title"]).locator(".govuk-tag")).to_have_text(
            "Create"
        )
    submit(page, "Confirm import")

    expect(page.locator(".govuk-panel__title")).to_have_text("Delivery plan imported")
    expect(page.locator(".govuk-panel__body")).to_have_text("3 created, 0 updated, 0 unchanged")
    assert actions.count() == count_before + 3
    for row in rows:
        created = actions.get(title=row["title"])
        assert created.reference == row["reference"] and created.owner.email == row["owner"]
    assert actions.get(title=rows[bad]["title"]).due_on == datetime.date(2027, 2, 28)

    follow(page, "See the delivery plan")
    expect(heading(page)).to_have_text("Delivery plan")
    expect(page.get_by_role("status")).to_contain_text(f"{count_before + 3} actions")
    plan = page.get_by_role("table", name="Delivery-plan actions")
    for row in rows:
        expect(
            plan.get_by_role("link", name=f"{row['reference']} {row['title']}", exact=True)
        ).to_be_visible()

    open_administration(page)
    follow(page, "Import or export the delivery plan")
    exported = download(page, f"Export delivery plan of {strategy.title} (.xlsx)", tmp_path)
    exported_rows = openpyxl.load_workbook(exported)[SHEET_TITLE].max_row - 1
    assert exported_rows == count_before + 3
    upload(page, strategy, exported)

    expect(heading(page)).to_have_text("Check the import")
    expect(error_summary(page)).to_have_count(0)
    expect(rows_summary(page)).to_contain_text("0 to create")
    # The module promises that "an exported plan imports again unchanged".
    expect(rows_summary(page)).to_contain_text("0 to update")
    expect(rows_summary(page)).to_contain_text(f"{count_before + 3} with no changes")
    preview = page.get_by_role("table", name="What will happen to each row")
    expect(preview.locator(".govuk-tag", has_text=re.compile(r"^\s*Create\s*$"))).to_have_count(0)
    expect(preview.locator(".govuk-tag", has_text=re.compile(r"^\s*Error\s*$"))).to_have_count(0)
    submit(page, "Confirm import")

    expect(page.locator(".govuk-panel__title")).to_have_text("Delivery plan imported")
    expect(page.locator(".govuk-panel__body")).to_have_text(
        f"0 created, 0 updated, {count_before + 3} unchanged"
    )
    assert actions.count() == count_before + 3, "importing the export must not duplicate any action"
