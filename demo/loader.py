"""Load the demo: both partnerships, as of a given day, in one transaction.

`demo_load()` is idempotent: every row is found by its natural key and only saved when a field
differs, so running it twice with the same `today` changes nothing, not even the audit history. The
delivery plan's dates and updates are laid out relative to the reporting period open on `today`, so
the demo looks current whenever it is loaded.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from accounts.models import Membership, Organisation, Partnership, User
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from demo.build.accounts import partnership_build, people_build, sign_ins
from demo.build.delivery import (
    PeriodPlan,
    delivery_plan_build,
    reporting_periods_plan,
    reporting_periods_sync,
)
from demo.build.indicators import indicators_build, stale_indicator_values_remove
from demo.build.meetings import meeting_build, upcoming_meeting_build
from demo.build.priorities import strategy_build
from demo.build.risks import risk_register_build, stale_risk_reviews_remove
from demo.data.northfield import (
    NORTHFIELD,
    NORTHFIELD_ACTIONS,
    NORTHFIELD_MEETING,
    NORTHFIELD_SLUG,
    NORTHFIELD_STRATEGY,
)
from demo.data.safer_bromley import SBP, SBP_SLUG, STRATEGY_2016, STRATEGY_2024
from demo.data.safer_bromley_da_plan import DA_ACTIONS, DA_PLAN
from demo.data.safer_bromley_indicators import SBP_INDICATORS
from demo.data.safer_bromley_minutes import (
    BOARD,
    MEETING_2016,
    MEETING_2016_ON,
    MEETING_2023,
    MEETING_2023_ON,
    STRATEGIC_GROUP,
    UPCOMING_BOARD_LOCATION,
    UPCOMING_STRATEGIC_GROUP_LOCATION,
)
from demo.data.safer_bromley_plan import SBP_ACTIONS
from demo.data.safer_bromley_risks import SBP_RISK_REGISTER
from indicators.models import Indicator, IndicatorValue
from meetings.models import AgendaItem, Attendance, BoardAction, Body, Meeting
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy
from risks.models import Risk, RiskRegisterRelease, RiskReview


@dataclass
class DemoSummary:
    """What `demo_load` did: the demo sign-ins and the rows the demo partnerships hold."""

    today: date
    sign_ins: list[tuple[str, str]]
    counts: dict[str, int]
    # What is invented rather than taken from the minutes (the pages have no field to mark it).
    notes: tuple[str, ...] = (
        "The two Safer Bromley meetings' agenda items, minutes and resolutions are as minuted; their "
        "dates, times, places, attendance, chair and vice-chair, board action owners and next "
        "meetings are illustrative.",
        "The Safer Bromley risk register (its risks, scores, reviews and releases) and the "
        "performance indicators' figures are illustrative.",
    )


def safer_bromley_build(
    *,
    partnership: Partnership,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    plans: list[PeriodPlan],
    today: date,
) -> None:
    """The closed 2016-2019 strategy, the adopted 2024-27 one with its delivery plan, the Domestic
    Abuse Duty Action Plan beside it (reporting twice a year), the meetings, and the 2024-27
    strategy's risk register and performance indicators."""
    strategy_build(partnership=partnership, spec=STRATEGY_2016, users=users, organisations=organisations)
    strategy_2024, ambitions = strategy_build(
        partnership=partnership, spec=STRATEGY_2024, users=users, organisations=organisations
    )
    # Reviews and values in periods the plan no longer holds would keep those periods from going.
    stale_risk_reviews_remove(partnership=partnership, plans=plans)
    stale_indicator_values_remove(partnership=partnership, plans=plans)
    periods = reporting_periods_sync(partnership=partnership, plans=plans)
    delivery_plan_build(
        strategy=strategy_2024,
        ambitions=ambitions,
        specs=SBP_ACTIONS,
        users=users,
        organisations=organisations,
        periods=periods,
        today=today,
    )
    da_plan, da_ambitions = strategy_build(
        partnership=partnership, spec=DA_PLAN, users=users, organisations=organisations
    )
    delivery_plan_build(
        strategy=da_plan,
        ambitions=da_ambitions,
        specs=DA_ACTIONS,
        users=users,
        organisations=organisations,
        periods=periods,
        today=today,
    )
    for spec in (MEETING_2016, MEETING_2023):
        meeting_build(partnership=partnership, spec=spec, users=users, organisations=organisations)
    # Each body meets next after the open period's deadline, the Strategic Group a week before the
    # Board, so that the open board actions of both are carried to them as matters arising.
    open_period = next((p for p in periods if p.state == ReportingPeriod.State.OPEN), None)
    upcoming_meeting_build(
        partnership=partnership,
        body=STRATEGIC_GROUP,
        location=UPCOMING_STRATEGIC_GROUP_LOCATION,
        after=MEETING_2016_ON,
        open_period=open_period,
        today=today,
        days_after_deadline=14,
    )
    upcoming_meeting_build(
        partnership=partnership,
        body=BOARD,
        location=UPCOMING_BOARD_LOCATION,
        after=MEETING_2023_ON,
        open_period=open_period,
        today=today,
    )
    # After the delivery plan (risks name its actions) and the Board (whose chair releases the register).
    risk_register_build(
        partnership=partnership,
        strategy=strategy_2024,
        spec=SBP_RISK_REGISTER,
        users=users,
        organisations=organisations,
        periods=periods,
        today=today,
    )
    indicators_build(
        strategy=strategy_2024,
        specs=SBP_INDICATORS,
        ambitions=ambitions,
        users=users,
        organisations=organisations,
        periods=periods,
    )


def northfield_build(
    *,
    partnership: Partnership,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    plans: list[PeriodPlan],
    today: date,
) -> None:
    """The second partnership: one adopted strategy, a few actions, two periods and a meeting."""
    strategy, ambitions = strategy_build(
        partnership=partnership, spec=NORTHFIELD_STRATEGY, users=users, organisations=organisations
    )
    ended = [p for p in plans if p.state != ReportingPeriod.State.UPCOMING]
    periods = reporting_periods_sync(partnership=partnership, plans=ended[-2:])
    delivery_plan_build(
        strategy=strategy,
        ambitions=ambitions,
        specs=NORTHFIELD_ACTIONS,
        users=users,
        organisations=organisations,
        periods=periods,
        today=today,
    )
    meeting_build(partnership=partnership, spec=NORTHFIELD_MEETING, users=users, organisations=organisations)


def demo_counts(*, partnerships: list[Partnership]) -> dict[str, int]:
    """How many rows of each kind the given partnerships hold."""
    strategies = Strategy.objects.filter(partnership__in=partnerships)
    actions = Action.objects.filter(ambition__priority__strategy__in=strategies)
    meetings = Meeting.objects.filter(partnership__in=partnerships)
    return {
        "Partnerships": len(partnerships),
        "Organisations": Organisation.objects.filter(partnership__in=partnerships).count(),
        "People": User.objects.filter(memberships__partnership__in=partnerships).distinct().count(),
        "Memberships": Membership.objects.filter(partnership__in=partnerships).count(),
        "Strategies": strategies.count(),
        "Consultations": Consultation.objects.filter(strategy__in=strategies).count(),
        "Sign-offs": SignOff.objects.filter(strategy__in=strategies).count(),
        "Priorities": Priority.objects.filter(strategy__in=strategies).count(),
        "Strategic ambitions": StrategicAmbition.objects.filter(priority__strategy__in=strategies).count(),
        "Actions": actions.count(),
        "Milestones": Milestone.objects.filter(action__in=actions).count(),
        "Reporting periods": ReportingPeriod.objects.filter(partnership__in=partnerships).count(),
        "Progress updates": ProgressUpdate.objects.filter(action__in=actions).count(),
        "Bodies (board and groups)": Body.objects.filter(partnership__in=partnerships).count(),
        "Meetings": meetings.count(),
        "Agenda items": AgendaItem.objects.filter(meeting__in=meetings).count(),
        "Attendance records": Attendance.objects.filter(meeting__in=meetings).count(),
        "Board actions": BoardAction.objects.filter(meeting__in=meetings).count(),
        "Open board actions": BoardAction.objects.filter(
            meeting__in=meetings, status=BoardAction.Status.OPEN
        ).count(),
        "Risks": Risk.objects.filter(register__partnership__in=partnerships).count(),
        "Risk reviews": RiskReview.objects.filter(risk__register__partnership__in=partnerships).count(),
        "Risk register releases": RiskRegisterRelease.objects.filter(
            register__partnership__in=partnerships
        ).count(),
        "Indicators": Indicator.objects.filter(strategy__in=strategies).count(),
        "Indicator values": IndicatorValue.objects.filter(indicator__strategy__in=strategies).count(),
    }


@transaction.atomic
def demo_load(*, today: date) -> DemoSummary:
    """Create or bring up to date both demo partnerships, as of `today`, in one transaction."""
    sbp, sbp_organisations = partnership_build(spec=SBP)
    northfield, northfield_organisations = partnership_build(spec=NORTHFIELD)
    partnerships = {SBP_SLUG: sbp, NORTHFIELD_SLUG: northfield}
    organisations = {SBP_SLUG: sbp_organisations, NORTHFIELD_SLUG: northfield_organisations}
    users = people_build(partnerships=partnerships, organisations=organisations)

    plans = reporting_periods_plan(today=today)
    safer_bromley_build(
        partnership=sbp, users=users, organisations=sbp_organisations, plans=plans, today=today
    )
    northfield_build(
        partnership=northfield,
        users=users,
        organisations=northfield_organisations,
        plans=plans,
        today=today,
    )
    return DemoSummary(
        today=today,
        sign_ins=sign_ins(partnerships=partnerships, organisations=organisations),
        counts=demo_counts(partnerships=[sbp, northfield]),
    )
