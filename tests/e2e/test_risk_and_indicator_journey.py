"""A browser journey through the risk register and the performance indicators (issue 13): a risk owner
reviews their risk for the open period and its score rises above the tolerance (markup in the narrative
shown as text); a plain board member still sees the register as last released; the Board's chair sees
it in preparation and releases it with a note; the board member then sees the release, the heat map
with the risk in its high cell, and the risk as rising. An indicator's owner enters an off-target value
for the open period, and the administrator finds the indicator and the released risk in the open
period's exception report, and the indicator's rating and the priority's high risks on the plan on a
page. Every page is checked with axe."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, Organisation, Partnership, User
from core.dates import long_date
from delivery.models import ReportingPeriod
from demo.data.safer_bromley import PRIORITIES_2024
from demo.data.safer_bromley_minutes import BOARD
from indicators.models import Indicator
from indicators.standing import value_in_words
from meetings.models import Body
from priorities.models import Priority
from risks.models import Risk, RiskRegister, RiskReview
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
RISK = "SBP-R3"  # "Not enough analytical resource", owned by demo-officer, not yet reviewed this period
NEW_SCORE = 16  # likely (4) by major (4)
NARRATIVE = "The council analyst has left: <b>more</b> analysts needed before the needs assessment."
RELEASE_NOTE = "Released after the analytical capacity risk rose above the tolerance."
INDICATOR = "Anti-social behaviour calls to the police per 1,000 residents"  # demo-officer's, lower is better
VALUE = Decimal("31.5")
VALUE_NOTE = "Calls rose sharply over the summer at two hotspots."
PLACES = PRIORITIES_2024[2].title  # the priority both the risk and the indicator belong to


def heading(page):
    return page.get_by_role("heading", level=1)


def settle(page):
    page.wait_for_load_state()
    assert_accessible(page)


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    settle(page)


def follow(page, name, within=None):
    """Follow the link called `name` (inside `within`, a part of the page, if given)."""
    (within or page).get_by_role("link", name=name, exact=True).click()
    settle(page)


def open_nav(page, name):
    follow(page, name, within=page.locator(".govuk-service-navigation"))


def success(page):
    return page.locator(".govuk-notification-banner--success")


def sign_out(page):
    page.locator(".app-header").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def register_row(page, reference):
    """The row of the register's table of risks for `reference`."""
    table = page.get_by_role("region", name="Risks in the register", exact=True)
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=reference, exact=True))


def with_controls(row):
    """The register table's "With controls" cell of `row` (after Risk and category, Owner, Before controls)."""
    return row.get_by_role("cell").nth(3)


def heat_map_cell(page, *, likelihood, impact_row):
    """The cell of the heat map's table of counts at `likelihood` (1 to 5) in the row `impact_row`."""
    table = page.get_by_role("region", name="Open risks by likelihood and impact", exact=True)
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=impact_row, exact=True))
    return row.get_by_role("cell").nth(likelihood - 1)


def test_a_risk_rises_is_released_to_the_board_and_reaches_the_exception_report_with_an_indicator(
    page, visit, sign_in, demo
):
    partnership = Partnership.objects.get(slug=SLUG)
    period = ReportingPeriod.objects.get(partnership=partnership, state=ReportingPeriod.State.OPEN)
    register = RiskRegister.objects.get(partnership=partnership)
    risk = Risk.objects.get(register=register, reference=RISK)
    officer = User.objects.get(username="demo-officer")
    chair = Body.objects.get(partnership=partnership, name=BOARD).chair
    assert risk.accountable == officer and risk.residual_score <= register.tolerance
    assert not RiskReview.objects.filter(risk=risk, period=period).exists()
    # The demo's register is in preparation: a review since the last release the board has not seen.
    assert register.state == RiskRegister.State.IN_PREPARATION
    released_score = risk.residual_score
    # A plain board member, who chairs nothing (the demo's only board account chairs the Board).
    board_member = UserFactory(
        username="k.adebayo", first_name="Kemi", last_name="Adebayo", password=DEMO_PASSWORD
    )
    MembershipFactory(
        user=board_member,
        partnership=partnership,
        organisation=Organisation.objects.get(partnership=partnership, short_name="PS"),
        role=Membership.Role.BOARD_MEMBER,
    )
    assert not board_member.has_perm("risks.see_register_in_preparation", partnership)
    assert chair.has_perm("risks.release_register", partnership) and chair != board_member

    # 1. The risk owner reviews their risk: its impact with controls rises from moderate to major, 12 to
    # 16 (no higher than its score before controls, 16), high and above the tolerance.
    sign_in("demo-officer")
    visit(reverse("delivery:action_list", kwargs={"slug": SLUG}))
    open_nav(page, "Risks")
    expect(heading(page)).to_have_text("Risk register")
    follow(page, f"{RISK} {risk.title}")
    expect(heading(page)).to_have_text(risk.title)
    page.get_by_role("link", name=f"Review this risk for {period.name}", exact=True).click()
    settle(page)
    expect(heading(page)).to_have_text(f"Review the risk for {period.name}")
    expect(
        page.get_by_role("group", name="Likelihood with controls", exact=True).get_by_role(
            "radio", name="4 – Likely", exact=True
        )
    ).to_be_checked()
    page.get_by_role("group", name="Impact with controls", exact=True).get_by_role(
        "radio", name="4 – Major", exact=True
    ).check()
    page.get_by_label("How has the risk moved this period, and why?").fill(NARRATIVE)
    submit(page, "Save review")
    expect(success(page)).to_contain_text(f"Review of {RISK} for {period.name} saved.")
    expect(heading(page)).to_have_text(risk.title)
    scores = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("term").filter(has_text="Score with controls")
    )
    expect(scores.first).to_contain_text(f"{NEW_SCORE} High")
    expect(scores.first).to_contain_text("Above tolerance")
    expect(scores.first).to_contain_text(f"The partnership accepts scores up to {register.tolerance}.")
    review_card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=period.name, exact=True)
    )
    expect(review_card).to_contain_text(NARRATIVE)
    expect(
        review_card.locator(".govuk-summary-list__row").filter(has_text="Score with controls")
    ).to_contain_text(f"{NEW_SCORE} (likelihood 4 – Likely, impact 4 – Major)")
    expect(page.locator("main b")).to_have_count(0)
    risk.refresh_from_db()
    assert risk.residual_score == NEW_SCORE and risk.residual_score > register.tolerance
    assert RiskReview.objects.get(risk=risk, period=period).narrative == NARRATIVE
    sign_out(page)

    # 2. A board member still sees the register as it was last released: the old score.
    last_release = register.releases.order_by("-released_at").first()
    sign_in(board_member.username)
    visit(reverse("delivery:action_list", kwargs={"slug": SLUG}))
    open_nav(page, "Risks")
    expect(heading(page)).to_have_text("Risk register")
    expect(page.locator("main .govuk-inset-text")).to_contain_text(
        f"As released to the board on {long_date(timezone.localtime(last_release.released_at).date())} "
        f"by {chair}."
    )
    expect(page.get_by_text("In preparation", exact=True)).to_have_count(0)
    row = register_row(page, RISK)
    expect(with_controls(row)).to_contain_text(f"{released_score} Medium")
    expect(with_controls(row)).not_to_contain_text(f"{NEW_SCORE} High")
    expect(row).not_to_contain_text("Above tolerance")
    sign_out(page)

    # 3. The chair sees the register in preparation with the new score, and releases it with a note.
    sign_in(chair.username)
    visit(reverse("delivery:action_list", kwargs={"slug": SLUG}))
    open_nav(page, "Risks")
    expect(heading(page)).to_have_text("Risk register")
    state = page.locator("main .govuk-inset-text").filter(has_text="In preparation")
    expect(state).to_contain_text("Changed since the board last saw it")
    row = register_row(page, RISK)
    expect(with_controls(row)).to_contain_text(f"{NEW_SCORE} High")
    expect(row).to_contain_text("Above tolerance")
    expect(row).to_contain_text(f"Rising: {released_score} to {NEW_SCORE}")
    page.get_by_role("button", name="Release to the board", exact=True).click()
    settle(page)
    expect(heading(page)).to_have_text("Release the risk register to the board")
    expect(page.get_by_role("listitem").filter(has_text=f"{RISK} {risk.title}")).to_have_text(
        f"{RISK} {risk.title}: rising, {released_score} to {NEW_SCORE}"
    )
    page.get_by_label("Note for the record (optional)").fill(RELEASE_NOTE)
    submit(page, "Release to the board")
    today = long_date(timezone.localdate())
    expect(success(page)).to_contain_text(
        f"Risk register released to the board on {today}. Every member now sees it as it stands."
    )
    expect(page.locator("main .govuk-inset-text").filter(has_text="Released")).to_contain_text(
        f"Released to the board on {today} by {chair}."
    )
    register.refresh_from_db()
    assert register.state == RiskRegister.State.RELEASED
    assert register.releases.order_by("-released_at").first().note == RELEASE_NOTE
    sign_out(page)

    # 4. The board member sees the release, the heat map with the risk in its high cell, and it rising.
    sign_in(board_member.username)
    visit(reverse("risks:register", kwargs={"slug": SLUG}))
    release = page.locator("main .govuk-inset-text")
    expect(release).to_contain_text(f"As released to the board on {today} by {chair}.")
    expect(release).to_contain_text(f"Note: {RELEASE_NOTE}")
    expect(page.get_by_role("heading", name="Heat map", exact=True)).to_be_visible()
    heat_map = page.locator("main svg.app-heat-map")
    expect(heat_map).to_have_count(1)
    # One image to assistive technology, its description naming the risks of each cell.
    expect(heat_map.get_by_role("img")).to_have_accessible_name(
        re.compile(
            r"^Heat map of the 6 open risks by likelihood and impact with controls .*"
            + re.escape(f"Likelihood 4, impact 4, score {NEW_SCORE}, high: ")
            + rf"\d risks?, [^.]*{RISK} \(rising\)"
        )
    )
    above_tolerance = sum(
        1
        for open_risk in register.risks.filter(status=Risk.Status.OPEN)
        if open_risk.residual_score > register.tolerance
    )
    counts = page.locator(".app-summary-counts__item")
    expect(
        counts.filter(has_text=f"Above tolerance ({register.tolerance})").locator(
            ".app-summary-counts__figure"
        )
    ).to_have_text(str(above_tolerance))
    cell = heat_map_cell(page, likelihood=4, impact_row="4 Major")
    expect(cell).to_contain_text(f"score {NEW_SCORE}, high")
    expect(cell).to_contain_text(f"{RISK} (rising)")
    row = register_row(page, RISK)
    expect(with_controls(row)).to_contain_text(f"{NEW_SCORE} High")
    expect(row).to_contain_text("Above tolerance")
    expect(row).to_contain_text(f"Rising: {released_score} to {NEW_SCORE}")
    sign_out(page)

    # 5. The indicator's owner enters an off-target value for the open period.
    indicator = Indicator.objects.get(strategy__partnership=partnership, name=INDICATOR)
    assert indicator.owner == officer and not indicator.values.filter(period=period).exists()
    shown = value_in_words(VALUE, indicator.unit)
    sign_in("demo-officer")
    visit(reverse("delivery:action_list", kwargs={"slug": SLUG}))
    open_nav(page, "Indicators")
    expect(heading(page)).to_have_text("Indicators")
    follow(page, INDICATOR)
    expect(heading(page)).to_have_text(INDICATOR)
    follow(page, f"Enter the value for {period.name}")
    expect(heading(page)).to_have_text(f"The value for {period.name}")
    page.get_by_label(f"Value for {period}").fill(str(VALUE))
    page.get_by_label("Note (optional)").fill(VALUE_NOTE)
    submit(page, "Save the value")
    expect(success(page)).to_contain_text(f"Value for {period} saved: {shown} (off target).")
    expect(heading(page)).to_have_text(INDICATOR)
    expect(page.locator("main .govuk-body-l")).to_contain_text(f"Latest value: {shown} for {period.name}")
    expect(page.locator("main p.govuk-body .govuk-tag")).to_have_text("Off target")
    sign_out(page)

    # 6. The administrator's exception report for the open period, and the plan on a page.
    sign_in("demo-admin")
    visit(reverse("reports:exception_report", kwargs={"slug": SLUG}) + f"?period={period.pk}")
    expect(heading(page)).to_have_text(f"Exception report: {period.name}")
    expect(page.get_by_role("heading", name="Performance indicators off target", exact=True)).to_be_visible()
    off_target = page.get_by_role("region", name="Performance indicators off target", exact=True)
    indicator_row = off_target.get_by_role("row").filter(
        has=page.get_by_role("link", name=INDICATOR, exact=True)
    )
    expect(indicator_row).to_have_count(1)
    expect(indicator_row).to_contain_text(shown)
    expect(indicator_row).to_contain_text("Off target")
    expect(indicator_row).to_contain_text(VALUE_NOTE)
    expect(page.get_by_role("heading", name="Risk register", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"As released to the board on {today} by {chair}.")
    expect(page.locator("main svg.app-heat-map")).to_have_count(1)
    reported = page.get_by_role("region", name="High, above tolerance and rising risks", exact=True)
    risk_row = reported.get_by_role("row").filter(has=page.get_by_role("rowheader", name=RISK, exact=True))
    expect(risk_row).to_have_count(1)
    expect(risk_row).to_contain_text(risk.title)
    expect(risk_row).to_contain_text(f"{NEW_SCORE} (High)")
    expect(risk_row).to_contain_text(f"Rising (from {released_score})")

    places = Priority.objects.get(strategy=indicator.strategy, title=PLACES)
    assert indicator.priority == places and risk.priorities.filter(pk=places.pk).exists()
    high_risks = sum(
        1 for linked in places.risks.filter(status=Risk.Status.OPEN) if linked.residual_band == "high"
    )
    visit(reverse("reports:plan", kwargs={"slug": SLUG}))
    priority_heading = page.get_by_role("heading", name=f"{places.reference}. {places.title}", level=3)
    expect(priority_heading.locator("xpath=following-sibling::p[1]")).to_have_text(
        f"High risks: {high_risks}"
    )
    plan_indicators = page.get_by_role(
        "region", name=f"Performance indicators, {places.reference}. {places.title}", exact=True
    )
    plan_row = plan_indicators.get_by_role("row").filter(
        has=page.get_by_role("link", name=INDICATOR, exact=True)
    )
    expect(plan_row).to_contain_text(shown)
    expect(plan_row).to_contain_text("Off target")
