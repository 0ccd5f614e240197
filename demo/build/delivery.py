"""The demo's reporting periods and delivery plans: actions, milestones and progress updates.

The periods are the financial quarters up to `today`, and each action's dates and updates are laid
out around the open one, so the demo looks current whenever it is loaded. Actions are written
through the delivery services (`action_create`, `action_update`); milestones, progress updates
and periods have no service that writes past dates, so they are written as `records` does.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts.models import Organisation, Partnership, User
from core.conflicts import version_of
from core.ratings import Rating
from core.timescales import timescale_read
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from delivery.services.actions import ACTION_RELATED, action_create, action_update, tags_named
from demo.build.records import differs, upsert
from demo.data.stories import EARLIER_NARRATIVES, EARLIER_SLIPPAGE, ON_HOLD_STORIES, STORIES
from demo.specs import ActionSpec, Step
from priorities.models import StrategicAmbition, Strategy

# The first reporting period is Q1 2024/25; UK financial years run April to March.
FIRST_QUARTER_STARTS_ON = date(2024, 4, 1)
DAYS_TO_UPDATE = 30  # a period's update deadline is 30 days after it ends
DAYS_OPEN_AT_LEAST = 14  # the open period's deadline is never less than a fortnight away


def quarter_index(day: date) -> int:
    """The financial quarter containing `day`, counted from Q1 2024/25 (which is 0)."""
    months = (day.year - FIRST_QUARTER_STARTS_ON.year) * 12 + day.month - FIRST_QUARTER_STARTS_ON.month
    return months // 3


def quarter_dates(index: int) -> tuple[date, date]:
    """The first and last day of a financial quarter counted from Q1 2024/25."""
    months = FIRST_QUARTER_STARTS_ON.month - 1 + 3 * index  # months after January 2024
    starts_on = date(FIRST_QUARTER_STARTS_ON.year + months // 12, months % 12 + 1, 1)
    months += 3
    next_starts_on = date(FIRST_QUARTER_STARTS_ON.year + months // 12, months % 12 + 1, 1)
    return starts_on, next_starts_on - timedelta(days=1)


def quarter_name(index: int) -> str:
    """A financial quarter's name, such as "Q1 2024/25" (UK financial years run April to March)."""
    year = FIRST_QUARTER_STARTS_ON.year + index // 4
    return f"Q{index % 4 + 1} {year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class PeriodPlan:
    """A reporting period as `today` calls for it."""

    index: int
    name: str
    starts_on: date
    ends_on: date
    update_deadline: date
    state: str


def reporting_periods_plan(*, today: date) -> list[PeriodPlan]:
    """Quarterly periods from Q1 2024/25 to the quarter containing `today`.

    Every quarter that has ended exists. The latest ended quarter is open, with a deadline 30 days
    after it ends but never less than 14 days after `today`; earlier quarters are locked; the
    quarter containing `today` is upcoming.
    """
    current = max(quarter_index(today), 0)
    plans = []
    for index in range(current + 1):
        starts_on, ends_on = quarter_dates(index)
        deadline = ends_on + timedelta(days=DAYS_TO_UPDATE)
        if index == current:
            state = ReportingPeriod.State.UPCOMING
        elif index == current - 1:
            state = ReportingPeriod.State.OPEN
            deadline = max(deadline, today + timedelta(days=DAYS_OPEN_AT_LEAST))
        else:
            state = ReportingPeriod.State.LOCKED
        plans.append(PeriodPlan(index, quarter_name(index), starts_on, ends_on, deadline, state))
    return plans


def reporting_periods_sync(*, partnership: Partnership, plans: list[PeriodPlan]) -> list[ReportingPeriod]:
    """Make the partnership's reporting periods exactly those planned, oldest first.

    Periods that the plan no longer holds (after running with an earlier `--today`) are removed
    with their progress updates, so that only one period is ever open.
    """
    stale = partnership.reporting_periods.exclude(name__in=[p.name for p in plans])
    ProgressUpdate.objects.filter(period__in=stale).delete()
    stale.delete()
    return [
        upsert(
            ReportingPeriod,
            partnership=partnership,
            name=plan.name,
            defaults={
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "update_deadline": plan.update_deadline,
                "state": plan.state,
            },
        )
        for plan in plans
    ]


def earlier_step(story: tuple[Step | None, ...], *, number: int, of: int, seq: int) -> Step:
    """An update for one of the `of` periods before the story begins, its % complete ramping up.

    Most are on track; a fixed few (by action and period) slipped and recovered, so that the
    history shows some movement.
    """
    first = next(step for step in story if step is not None)
    percent = max(5, round(first.percent * (number + 1) / (of + 1)))
    if (seq + number) % 7 == 3:
        return Step(Rating.AMBER, percent, *EARLIER_SLIPPAGE)
    return Step(Rating.GREEN, percent, EARLIER_NARRATIVES[(seq + number) % len(EARLIER_NARRATIVES)])


def reports_in(strategy: Strategy, period: ReportingPeriod) -> bool:
    """Whether the strategy's reporting rhythm includes the period, as `expected_to_report` asks."""
    rhythm = Strategy.ReportingRhythm
    if strategy.reporting_rhythm == rhythm.TWICE_YEARLY:
        return period.ends_on.month in (3, 9)
    if strategy.reporting_rhythm == rhythm.ANNUAL:
        return period.ends_on.month == 3
    if strategy.reporting_rhythm == rhythm.CHOSEN:
        return strategy.reporting_periods.filter(pk=period.pk).exists()
    return True


def _clamp(day: date, *, strategy: Strategy) -> date:
    return min(max(day, strategy.starts_on), strategy.ends_on)


def _submitted_at(*, period: ReportingPeriod, seq: int, today: date) -> datetime:
    """A fixed time inside the period's update window (after it ends, by its deadline, by today)."""
    day = period.ends_on + timedelta(days=3 + (seq * 5) % 21)
    day = min(day, period.update_deadline, today - timedelta(days=1))
    day = max(day, period.ends_on + timedelta(days=1))
    moment = time(9 + seq % 8, (seq * 13) % 60)
    return datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE))


def action_build(*, ambition: StrategicAmbition, order: int, data: dict) -> Action:
    """The action numbered `order` in its ambition, created or brought up to date by the delivery services.

    `data` is as `action_create` takes it. An action that already matches is not saved again.
    """
    action = Action.objects.filter(ambition=ambition, order=order).first()
    if action is None:
        return action_create(ambition=ambition, data=data, order=order)
    if _action_differs(action, data):
        # Laid out as of another day, the plan's dates are its agreed ones: only a spec's revision revises.
        action = action_update(
            action=action,
            data=data,
            version=version_of(action),
            timescale_agreed="due_revision_reason" not in data,
        )
    return action


def _action_differs(action: Action, data: dict) -> bool:
    """Whether any field or relation in `data` differs from the saved action."""
    for name, value in data.items():
        if name in ACTION_RELATED:
            if set(getattr(action, name).all()) != set(value):
                return True
        elif differs(action, name, value):
            return True
    return False


def _steps(
    *, spec: ActionSpec, seq: int, starts_on: date, reporting: list[ReportingPeriod]
) -> list[tuple[ReportingPeriod, Step]]:
    """The action's updates by period: its story over the latest periods it reports in (`reporting`,
    oldest first, ending with the latest), a history before them."""
    story = STORIES[spec.story]
    window = len(story)  # the story covers the latest period reported in and the ones just before it
    positions = {period.pk: number - len(reporting) + 1 for number, period in enumerate(reporting)}
    active = [p for p in reporting if p.ends_on >= starts_on]
    earlier = [p for p in active if positions[p.pk] <= -window]
    steps: list[tuple[ReportingPeriod, Step]] = []
    for period in active:
        position = positions[period.pk]  # 0 is the latest period reported in
        if position <= -window:
            step = earlier_step(story, number=earlier.index(period), of=len(earlier), seq=seq)
        else:
            step = story[position + window - 1]
        if step is not None:
            steps.append((period, step))
    return steps


def delivery_plan_build(
    *,
    strategy: Strategy,
    ambitions: dict[str, StrategicAmbition],
    specs: tuple[ActionSpec, ...],
    users: dict[str, User],
    organisations: dict[str, Organisation],
    periods: list[ReportingPeriod],
    today: date,
) -> None:
    """The actions, their milestones and their progress updates, laid out around the open period.

    Each action follows its story (see `STORIES`) over the open period and the two before it, and
    has a mostly on-track history in the earlier periods since it started; a strategy whose rhythm
    reports less often than quarterly has its updates only in the periods it reports in, its story
    over the latest three of them. Its status follows its latest update; the updates the story
    leaves out are removed, so missing returns stay missing. An action's written `timescale` is
    kept as written, with the last day it covers (none for "Ongoing").
    """
    anchor = max(quarter_index(today) - 1, 0)  # the open period's quarter
    ended = [p for p in periods if p.state != ReportingPeriod.State.UPCOMING]
    # The periods the strategy's rhythm reports in: every ended one for a quarterly plan, whose
    # story then ends in the open period; a twice-yearly plan's ends in the latest September or March.
    reporting = [p for p in ended if reports_in(strategy, p)]
    orders: dict[str, int] = {}
    for seq, spec in enumerate(specs, start=1):
        orders[spec.ambition] = orders.get(spec.ambition, 0) + 1
        starts_on = (
            strategy.starts_on
            if spec.start_q is None
            else _clamp(quarter_dates(anchor + spec.start_q)[0], strategy=strategy)
        )
        if spec.timescale:
            timescale = timescale_read(spec.timescale)  # as written, with its last day (None: Ongoing)
            due_on = timescale.ends_on
        else:
            timescale = None
            due_on = max(_clamp(quarter_dates(anchor + spec.due_q)[1], strategy=strategy), starts_on)
        steps = _steps(spec=spec, seq=seq, starts_on=starts_on, reporting=reporting)

        status, completed_on = Action.Status.NOT_STARTED, None
        if steps:
            last = steps[-1][1]
            if spec.story in ON_HOLD_STORIES:
                status = Action.Status.ON_HOLD
            elif last.rating == Rating.BLUE:
                status = Action.Status.COMPLETED
                first_blue = next(p for p, s in steps if s.rating == Rating.BLUE)
                # Never after the real today either, which the action validator asks of every
                # completion date, even when the demo is laid out as of a later `today`.
                done_on = min(first_blue.ends_on - timedelta(days=12), today, timezone.localdate())
                completed_on = max(done_on, starts_on)
            elif last.rating != Rating.NOT_RATED:
                status = Action.Status.IN_PROGRESS

        data = {
            "title": spec.title,
            "description": spec.description,
            "owner": users[spec.owner],
            "starts_on": starts_on,
            "due_on": due_on,
            "status": status,
            "completed_on": completed_on,
            "resources": spec.resources,
            "success_measure": spec.success_measure,
            "delegates": [users[name] for name in spec.delegates],
            "partner_organisations": [organisations[name] for name in spec.partners],
            "other_partners": spec.other_partners,
            "tags": tags_named(partnership=strategy.partnership, names=spec.tags),
        }
        if timescale is not None:
            data["due_timescale"] = timescale.written
        if spec.lead:
            data["lead_organisation"] = organisations[spec.lead]
            data["lead_partners"] = [organisations[name] for name in spec.joint_leads]
        ambition, order = ambitions[spec.ambition], orders[spec.ambition]
        if (
            spec.revised_from_q is not None
            and not Action.objects.filter(ambition=ambition, order=order).exists()
        ):
            # First laid out at the date agreed, then revised through the services, as an administrator would.
            agreed_on = max(
                _clamp(quarter_dates(anchor + spec.revised_from_q)[1], strategy=strategy), starts_on
            )
            action_build(ambition=ambition, order=order, data={**data, "due_on": agreed_on})
            data["due_revision_reason"] = spec.revision_reason
        action = action_build(ambition=ambition, order=order, data=data)

        for title, quarter, is_done in spec.milestones:
            milestone_due_on = max(quarter_dates(anchor + quarter)[1] - timedelta(days=14), starts_on)
            if due_on is not None:  # an ongoing action's milestones are not held to a due date
                milestone_due_on = min(milestone_due_on, due_on)
            done = is_done or status == Action.Status.COMPLETED
            upsert(
                Milestone,
                action=action,
                title=title,
                defaults={
                    "due_on": milestone_due_on,
                    "completed_on": (
                        max(min(milestone_due_on, today) - timedelta(days=3), starts_on) if done else None
                    ),
                },
            )

        for number, (period, step) in enumerate(steps, start=1):
            is_latest = number == len(steps)
            exceptional = bool(spec.exceptional_reason) and is_latest
            upsert(
                ProgressUpdate,
                action=action,
                period=period,
                defaults={
                    "rating": step.rating,
                    "percent_complete": step.percent,
                    "narrative": step.narrative,
                    "issues_and_risks": step.issues,
                    "mitigation": step.mitigation,
                    "board_ask": spec.board_ask if is_latest else "",
                    "is_exceptional_performance": exceptional,
                    "exceptional_performance_reason": spec.exceptional_reason if exceptional else "",
                    "author": action.owner,
                    "submitted_at": (
                        None if step.is_draft else _submitted_at(period=period, seq=seq, today=today)
                    ),
                },
            )
        ProgressUpdate.objects.filter(action=action).exclude(
            period__in=[period for period, _ in steps]
        ).delete()
