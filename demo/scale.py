"""Synthetic partnerships at scale, for `make bench` and `manage.py seed_scale --scale N`.

At scale 1 one large partnership holds 500 actions across 3 strategies with 12 reporting periods of
progress updates, 40 members, 20 meetings, a risk register and performance indicators; at scale N it is
N times larger, and 10 x N ordinary partnerships stand beside it, so that a page which does not reach
its own partnership's rows through the tenancy filters' indexes slows down as the others grow.

Speed comes first: every row is written with `bulk_create`, not through the services, so no audit
history is written and no `full_clean` runs; the values are chosen to keep every constraint. Two records
are frozen through their services, once each, because their content is what those services compute:
the risk register's release to the board and the exception report published to the next Board meeting.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, Partnership, StatusRating, User
from core.conflicts import version_of
from core.dates import financial_year_of
from core.ratings import Rating
from core.timescales import ONGOING
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod, Tag
from demo.build.delivery import DAYS_OPEN_AT_LEAST, DAYS_TO_UPDATE, quarter_dates, quarter_index, quarter_name
from demo.build.meetings import THURSDAY, UPCOMING_MEETING_DAYS_AFTER_DEADLINE
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from indicators.ratings import Polarity
from meetings.models import AgendaItem, Attendance, BoardAction, Body, Meeting
from priorities.models import Priority, StrategicAmbition, Strategy
from reports.models import ExceptionReport
from reports.services import exception_report_publish
from risks.models import Risk, RiskRegister, RiskReview
from risks.services import register_release

LARGE_SLUG = "scale"
REPORTED_PERIODS = 12  # periods with progress updates: eleven locked and the open one
ORDINARY_PER_SCALE = 10
AGENCIES = (
    ("Borough Council", "BC"),
    ("Police", "POL"),
    ("Fire Brigade", "FB"),
    ("Probation Service", "PS"),
    ("Integrated Care Board", "ICB"),
    ("Housing Trust", "HT"),
    ("Youth Justice Service", "YJS"),
    ("Victim Support", "VS"),
)
BODIES = ("Board", "Strategic Group", "Domestic Abuse Group", "Serious Violence Group")
NARRATIVES = (
    "Partners met twice this quarter and agreed the delivery timetable. ",
    "The pilot in the town centre reached 120 residents, ahead of the profile. ",
    "Recruitment to the two new posts completed; training starts next month. ",
    "Data sharing agreement signed by all partners after legal review. ",
    "Outreach sessions moved online for the summer, with attendance holding up. ",
)
# Ratings by weight: mostly on track, some slipping, a few in trouble.
RATINGS = (Rating.GREEN,) * 16 + (Rating.AMBER,) * 2 + (Rating.RED,) + (Rating.NOT_RATED,)
RATING_CHANGES = 0.1  # the chance that an action's rating moves from one period to the next


@dataclass(frozen=True)
class StrategyShape:
    title: str
    priorities: int
    ambitions_per_priority: int
    actions: int
    starts_on: date


@dataclass(frozen=True)
class Shape:
    """How much one synthetic partnership holds; `times(n)` is the same partnership n times larger."""

    organisations: int
    administrators: int
    board_members: int
    officers: int
    strategies: tuple[StrategyShape, ...]
    meetings: int
    risks: int
    indicators: int

    @property
    def members(self) -> int:
        return self.administrators + self.board_members + self.officers

    def times(self, n: int) -> "Shape":
        return replace(
            self,
            organisations=self.organisations * n,
            administrators=self.administrators * n,
            board_members=self.board_members * n,
            officers=self.officers * n,
            strategies=tuple(replace(s, actions=s.actions * n) for s in self.strategies),
            meetings=self.meetings * n,
            risks=self.risks * n,
            indicators=self.indicators * n,
        )


# The current strategy starts first, so it is the one in force (`Strategy.current_of`); the two plans
# adopted beside it start a quarter later.
LARGE = Shape(
    organisations=8,
    administrators=2,
    board_members=8,
    officers=30,
    strategies=(
        StrategyShape("Community Safety Strategy", 3, 4, 300, date(2023, 7, 1)),
        StrategyShape("Domestic Abuse Plan", 2, 3, 100, date(2023, 10, 1)),
        StrategyShape("Serious Violence Duty Plan", 2, 3, 100, date(2023, 10, 1)),
    ),
    meetings=20,
    risks=30,
    indicators=24,
)
ORDINARY = Shape(
    organisations=4,
    administrators=1,
    board_members=2,
    officers=7,
    strategies=(StrategyShape("Community Safety Strategy", 2, 2, 40, date(2023, 7, 1)),),
    meetings=4,
    risks=6,
    indicators=6,
)


@dataclass
class Base:
    """What every part of one partnership's build draws on."""

    partnership: Partnership
    people: dict[str, list[User]]
    organisations: list[Organisation]
    periods: list[ReportingPeriod]
    tags: list[Tag]
    today: date
    rng: random.Random


@dataclass
class Built:
    """One synthetic partnership and the records a page or a test starts from."""

    partnership: Partnership
    administrator: User
    board_member: User
    officer: User
    strategy: Strategy
    action: Action
    """The officer's action in the current strategy that still owes the open period its update."""
    open_period: ReportingPeriod
    meeting: Meeting
    """The latest Board meeting held, with the open board actions of those before it."""
    upcoming_meeting: Meeting


@dataclass
class ScaleWorld:
    """What `scale_build` made: the large partnership, and the ordinary ones beside it."""

    scale: int
    large: Built
    ordinary: list[Partnership]
    report: ExceptionReport
    """The exception report published to the large partnership's next Board meeting."""


def periods_plan(today: date) -> list[tuple[int, str]]:
    """The quarters the periods cover, oldest first: twelve that have ended (the latest open for
    updates), then the one containing `today`, upcoming."""
    current = quarter_index(today)
    return [(index, quarter_name(index)) for index in range(current - REPORTED_PERIODS, current + 1)]


@transaction.atomic
def scale_build(*, scale: int, today: date) -> ScaleWorld:
    """The large partnership at `scale` and 10 x `scale` ordinary partnerships, as of `today`."""
    large = partnership_build(
        slug=LARGE_SLUG, name="Scale Partnership", shape=LARGE.times(scale), today=today, seed=0
    )
    ordinary = [
        partnership_build(
            slug=f"ordinary-{n}", name=f"Ordinary Partnership {n}", shape=ORDINARY, today=today, seed=n
        ).partnership
        for n in range(1, ORDINARY_PER_SCALE * scale + 1)
    ]
    register = large.partnership.risk_register
    register_release(
        register=register,
        released_by=large.administrator,
        note="Released for the Board.",
        version=version_of(register),
        now=timezone.now(),
        today=today,
    )
    report = exception_report_publish(
        partnership=large.partnership,
        period=large.open_period,
        meeting=large.upcoming_meeting,
        agenda_item=large.upcoming_meeting.agenda_items.first(),
        published_by=large.administrator,
        today=today,
        strategy=large.strategy,
    )
    return ScaleWorld(scale=scale, large=large, ordinary=ordinary, report=report)


def partnership_build(*, slug: str, name: str, shape: Shape, today: date, seed: int) -> Built:
    """One partnership of the given shape, its rows chosen by a generator seeded with `seed`."""
    rng = random.Random(seed)  # noqa: S311 - repeatable synthetic rows, not secrets
    partnership = Partnership.objects.create(name=name, slug=slug, short_name=slug[:30].upper())
    StatusRating.objects.bulk_create(StatusRating.defaults_for(partnership))
    organisations = organisations_build(partnership, shape)
    base = Base(
        partnership=partnership,
        people=people_build(partnership, shape, organisations),
        organisations=organisations,
        periods=periods_build(partnership, today),
        tags=Tag.objects.bulk_create([Tag(partnership=partnership, name=f"Theme {t}") for t in range(1, 11)]),
        today=today,
        rng=rng,
    )
    strategies = [strategy_build(base, strategy_shape) for strategy_shape in shape.strategies]
    first_actions = strategies[0][1]
    meetings = meetings_build(base, shape, first_actions)
    risks_build(base, shape, [action for _, actions in strategies for action in actions])
    indicators_build(base, shape, strategies[0][0])
    officer = base.people["officer"][0]
    return Built(
        partnership=partnership,
        administrator=base.people["administrator"][0],
        board_member=base.people["board_member"][0],
        officer=officer,
        strategy=strategies[0][0],
        action=next(a for a in first_actions if a.owner_id == officer.pk and a.owes_open_period),
        open_period=base.periods[-2],
        meeting=meetings["latest_board"],
        upcoming_meeting=meetings["upcoming"],
    )


def organisations_build(partnership: Partnership, shape: Shape) -> list[Organisation]:
    organisations = []
    for i in range(shape.organisations):
        agency, short = AGENCIES[i % len(AGENCIES)]
        round_ = i // len(AGENCIES)
        suffix = f" {round_ + 1}" if round_ else ""
        organisations.append(
            Organisation(
                partnership=partnership,
                name=f"{agency}{suffix}",
                short_name=f"{short}{round_ + 1 if round_ else ''}",
                is_responsible_authority=i % len(AGENCIES) < 5,
            )
        )
    return Organisation.objects.bulk_create(organisations)


def people_build(
    partnership: Partnership, shape: Shape, organisations: list[Organisation]
) -> dict[str, list[User]]:
    """The members by role; each organisation's nominated contact is one of its officers."""
    unusable = make_password(None)  # they sign in only through sessions the bench makes
    roles = (
        ("administrator", Membership.Role.ADMINISTRATOR, shape.administrators),
        ("board_member", Membership.Role.BOARD_MEMBER, shape.board_members),
        ("officer", Membership.Role.OFFICER, shape.officers),
    )
    users, memberships, people = [], [], {}
    for word, role, count in roles:
        people[word] = []
        for i in range(1, count + 1):
            username = f"{partnership.slug}-{word.replace('_', '-')}-{i}"
            user = User(
                username=username,
                email=f"{username}@example.org",
                first_name=word.replace("_", " ").capitalize(),
                last_name=f"{i} of {partnership.short_name}",
                password=unusable,
            )
            users.append(user)
            people[word].append(user)
            memberships.append((user, role))
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                partnership=partnership,
                organisation=organisations[n % len(organisations)],
                role=role,
                job_title="Partnership lead" if role == Membership.Role.ADMINISTRATOR else "Officer",
            )
            for n, (user, role) in enumerate(memberships)
        ]
    )
    for n, organisation in enumerate(organisations):
        organisation.nominated_contact = people["officer"][n % len(people["officer"])]
    Organisation.objects.bulk_update(organisations, ["nominated_contact"])
    return people


def periods_build(partnership: Partnership, today: date) -> list[ReportingPeriod]:
    """Thirteen quarterly periods, laid out as the demo's are: locked, then open, then upcoming."""
    periods = []
    plan = periods_plan(today)
    for n, (index, name) in enumerate(plan):
        starts_on, ends_on = quarter_dates(index)
        deadline = ends_on + timedelta(days=DAYS_TO_UPDATE)
        if n == len(plan) - 1:
            state = ReportingPeriod.State.UPCOMING
        elif n == len(plan) - 2:
            state = ReportingPeriod.State.OPEN
            deadline = max(deadline, today + timedelta(days=DAYS_OPEN_AT_LEAST))
        else:
            state = ReportingPeriod.State.LOCKED
        periods.append(
            ReportingPeriod(
                partnership=partnership,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                update_deadline=deadline,
                state=state,
            )
        )
    return ReportingPeriod.objects.bulk_create(periods)


def strategy_build(base: Base, shape: StrategyShape) -> tuple[Strategy, list[Action]]:
    """An adopted strategy with its priorities, ambitions, actions, milestones and updates."""
    strategy = Strategy.objects.create(
        partnership=base.partnership,
        title=shape.title,
        starts_on=shape.starts_on,
        ends_on=date(financial_year_of(base.today) + 3, 3, 31),
        status=Strategy.Status.ADOPTED,
        summary=f"The partnership's {shape.title.lower()}.",
    )
    officers, organisations = base.people["officer"], base.organisations
    priorities = Priority.objects.bulk_create(
        [
            Priority(
                strategy=strategy,
                order=p,
                title=f"Priority {p} of the {shape.title}",
                lead=officers[(p * 7) % len(officers)],
                lead_organisation=organisations[p % len(organisations)],
                outcomes="Fewer victims\nMore confidence",
            )
            for p in range(1, shape.priorities + 1)
        ]
    )
    ambitions = StrategicAmbition.objects.bulk_create(
        [
            StrategicAmbition(
                priority=priority,
                order=a,
                title=f"Ambition {priority.order}.{a}",
                strategic_plan="How partners will achieve it.",
            )
            for priority in priorities
            for a in range(1, shape.ambitions_per_priority + 1)
        ]
    )
    return strategy, actions_build(base, ambitions, shape.actions)


def actions_build(base: Base, ambitions: list[StrategicAmbition], count: int) -> list[Action]:
    """`count` actions spread over the ambitions, with their links, milestones and progress updates."""
    officers, organisations, rng = base.people["officer"], base.organisations, base.rng
    reported = base.periods[:REPORTED_PERIODS]
    started = reported[0].starts_on
    actions = []
    for i in range(count):
        ambition = ambitions[i % len(ambitions)]
        # One in ten is ongoing; one in five was due in a period reported, two thirds of those done
        # and the rest overdue; the others fall due over the next two years.
        if i % 10 == 9:
            due_on = None
        elif i % 5 == 0:
            due_on = reported[2 + i % (len(reported) - 3)].ends_on
        else:
            due_on = base.today + timedelta(days=30 + (i * 37) % 700)
        status = (
            Action.Status.COMPLETED
            if i % 5 == 0 and i % 3
            else rng.choice(
                [Action.Status.IN_PROGRESS] * 6 + [Action.Status.NOT_STARTED, Action.Status.ON_HOLD]
            )
        )
        actions.append(
            Action(
                ambition=ambition,
                order=i // len(ambitions) + 1,
                title=f"Action {i + 1}: deliver the {ambition.title.lower()} workstream",
                description="What the action will do, for whom, and with which partners.",
                lead_organisation=organisations[i % len(organisations)],
                # One action in twelve names no lead officer: its organisation's contact answers for it.
                owner=None if i % 12 == 11 else officers[i % len(officers)],
                starts_on=started,
                due_on=due_on,
                due_timescale="" if due_on else ONGOING,
                status=status,
                completed_on=due_on if status == Action.Status.COMPLETED else None,
                resources="Within existing budgets.",
                success_measure="Fewer repeat victims.",
            )
        )
    Action.objects.bulk_create(actions)
    links_build(base, actions)
    Milestone.objects.bulk_create(
        [
            # The first was due in a period reported (one in ten still not done), the second is to come.
            Milestone(
                action=action,
                title=f"Milestone {m} of action {action.order}",
                due_on=due_on,
                completed_on=due_on if m == 1 and n % 10 else None,
            )
            for n, action in enumerate(actions[::3])
            for m, due_on in (
                (1, reported[1 + n % (len(reported) - 2)].ends_on),
                (2, base.today + timedelta(days=90 + n % 200)),
            )
        ]
    )
    updates_build(base, actions)
    return actions


def links_build(base: Base, actions: list[Action]) -> None:
    """Joint leads, partner organisations, delegates and themes on some of the actions."""
    officers, organisations, tags = base.people["officer"], base.organisations, base.tags
    joint, partners, delegates, themes = [], [], [], []
    for n, action in enumerate(actions):
        others = [
            o
            for o in base.rng.sample(organisations, min(3, len(organisations)))
            if o != action.lead_organisation
        ]
        if n % 10 == 0 and others:
            joint.append(Action.lead_partners.through(action=action, organisation=others[0]))
        if n % 3 == 0:
            partners += [Action.partner_organisations.through(action=action, organisation=o) for o in others]
        if n % 10 == 5:
            delegate = officers[(n + 1) % len(officers)]
            if delegate.pk != action.owner_id:
                delegates.append(Action.delegates.through(action=action, user=delegate))
        if n % 2 == 0:
            themes.append(Action.tags.through(action=action, tag=tags[n % len(tags)]))
    Action.lead_partners.through.objects.bulk_create(joint)
    Action.partner_organisations.through.objects.bulk_create(partners)
    Action.delegates.through.objects.bulk_create(delegates)
    Action.tags.through.objects.bulk_create(themes)


def updates_build(base: Base, actions: list[Action]) -> None:
    """An update from each action's accountable person in every period it reports in; in the open
    period (the last reported) some are drafts and some still missing. Sets `owes_open_period` on each
    action."""
    contacts = {o.pk: o.nominated_contact_id for o in base.organisations}
    periods, rng = base.periods[:REPORTED_PERIODS], base.rng
    updates = []
    for action in actions:
        author_id = action.owner_id or contacts[action.lead_organisation_id]
        action.owes_open_period = False
        for n, period in enumerate(periods):
            if action.completed_on and period.starts_on > action.completed_on:
                break
            is_open = n == len(periods) - 1
            chance = rng.random()
            # The first action always owes it, so that its update form has a return to take.
            if is_open and (chance < 0.25 or action is actions[0]):
                action.owes_open_period = True
                continue
            completes = (
                action.completed_on is not None and period.starts_on <= action.completed_on <= period.ends_on
            )
            if n == 0 or rng.random() < RATING_CHANGES:
                standing = rng.choice(RATINGS)
            rating = Rating.BLUE if completes else standing
            is_exceptional = chance > 0.99
            updates.append(
                ProgressUpdate(
                    action_id=action.pk,
                    period_id=period.pk,
                    author_id=author_id,
                    rating=rating,
                    percent_complete=100 if completes else min(95, 8 * (n + 1)),
                    narrative=rng.choice(NARRATIVES) * 3,
                    issues_and_risks="Capacity in the summer months." if rating == Rating.AMBER else "",
                    mitigation="Extra resource agreed with partners."
                    if rating in (Rating.RED, Rating.AMBER)
                    else "",
                    board_ask="Agree the funding for next year." if chance > 0.98 else "",
                    is_exceptional_performance=is_exceptional,
                    exceptional_performance_reason="Twice the expected reach." if is_exceptional else "",
                    submitted_at=None
                    if is_open and chance < 0.4
                    else timezone.make_aware(datetime.combine(period.ends_on + timedelta(days=10), time(10))),
                )
            )
            if is_open and chance < 0.4:
                action.owes_open_period = True
    ProgressUpdate.objects.bulk_create(updates, batch_size=2000)


def meetings_build(base: Base, shape: Shape, actions: list[Action]) -> dict[str, Meeting]:
    """The board and its groups, their meetings over the reported periods (the Board's last one still to
    come), each with agenda items, attendance and board actions."""
    partnership, periods, organisations = base.partnership, base.periods, base.organisations
    board_members, officers = base.people["board_member"], base.people["officer"]
    bodies = Body.objects.bulk_create(
        [
            Body(partnership=partnership, name=name, chair=board_members[0], vice_chair=board_members[-1])
            for name in BODIES[: max(1, min(len(BODIES), shape.meetings // 4))]
        ]
    )
    open_period = periods[-2]
    upcoming_on = open_period.update_deadline + timedelta(days=UPCOMING_MEETING_DAYS_AFTER_DEADLINE)
    upcoming_on += timedelta(days=(THURSDAY - upcoming_on.weekday()) % 7)
    first, last = periods[0].starts_on, open_period.update_deadline
    held = shape.meetings - 1
    meetings = [
        Meeting(
            partnership=partnership,
            body=bodies[m % len(bodies)],
            title=bodies[m % len(bodies)].name,
            held_on=first + (last - first) * (m + 1) // (held + 1),
            starts_at=time(14),
            location="Civic Centre",
            status=Meeting.Status.MINUTES_APPROVED,
        )
        for m in range(held)
    ]
    meetings.append(
        Meeting(
            partnership=partnership,
            body=bodies[0],
            title=bodies[0].name,
            held_on=upcoming_on,
            starts_at=time(14),
            location="Civic Centre",
            is_virtual=True,
        )
    )
    Meeting.objects.bulk_create(meetings)
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                order=o,
                title="Delivery plan exception report" if o == 1 else f"Item {o}: partners' updates",
                presenter="Partnership lead",
                minutes=""
                if meeting.held_on > last
                else "The board discussed the report and noted progress. " * 4,
                resolution="" if meeting.held_on > last else "RESOLVED that the report be noted.",
                action=actions[(m * 5 + o) % len(actions)] if o == 2 else None,
            )
            for m, meeting in enumerate(meetings)
            for o in range(1, 6)
        ]
    )
    statuses = list(Attendance.Status)
    attendance = []
    for meeting in meetings[:-1]:
        for n, person in enumerate((board_members + officers)[:10]):
            status = statuses[(n + meeting.held_on.day) % len(statuses)]
            attendance.append(
                Attendance(
                    meeting=meeting,
                    person=person,
                    name=str(person),
                    organisation=organisations[n % len(organisations)],
                    status=status,
                    substitute="A deputy" if status == Attendance.Status.SUBSTITUTE else "",
                )
            )
    Attendance.objects.bulk_create(attendance)
    a_year_before = last - timedelta(days=365)
    BoardAction.objects.bulk_create(
        [
            BoardAction(
                meeting=item.meeting,
                agenda_item=item,
                description=f"Bring back a costed proposal on item {item.order}.",
                owner=officers[(n * 3) % len(officers)],
                owner_organisation=organisations[n % len(organisations)],
                due_on=item.meeting.held_on + timedelta(days=60),
                status=BoardAction.Status.OPEN
                if item.meeting.held_on > a_year_before and n % 3
                else BoardAction.Status.DONE,
                action=item.action,
            )
            for n, item in enumerate(items)
            if item.order in (2, 3) and item.meeting.held_on <= last
        ]
    )
    board_held = [m for m in meetings[:-1] if m.body_id == bodies[0].pk]
    return {"latest_board": board_held[-1] if board_held else meetings[0], "upcoming": meetings[-1]}


def risks_build(base: Base, shape: Shape, actions: list[Action]) -> None:
    """The register with its risks linked to priorities and actions, and their reviews in the last four
    periods; some are above tolerance and some overdue for review."""
    partnership, organisations, rng = base.partnership, base.organisations, base.rng
    register = RiskRegister.objects.create(partnership=partnership)
    officers = base.people["officer"]
    categories = list(Risk.Category)
    risks = []
    for n in range(shape.risks):
        likelihood, impact = rng.randint(2, 5), rng.randint(2, 5)
        risks.append(
            Risk(
                register=register,
                reference=f"R{n + 1}",
                title=f"Risk {n + 1}: partners' capacity to deliver",
                cause="Budgets are under pressure across the partnership.",
                effect="Actions slip and the board's outcomes are missed.",
                category=categories[n % len(categories)],
                owner_organisation=organisations[n % len(organisations)],
                owner=None if n % 7 == 6 else officers[n % len(officers)],
                existing_controls="Quarterly review at the Strategic Group.",
                further_actions="Agree pooled funding.",
                inherent_likelihood=likelihood,
                inherent_impact=impact,
                residual_likelihood=rng.randint(1, likelihood),
                residual_impact=rng.randint(1, impact),
                target_score=4,
                review_on=base.today + timedelta(days=(n % 5 - 1) * 30),
                status=Risk.Status.CLOSED if n % 10 == 9 else Risk.Status.OPEN,
            )
        )
    Risk.objects.bulk_create(risks)
    priorities = list(Priority.objects.filter(strategy__partnership=partnership))
    Risk.priorities.through.objects.bulk_create(
        [
            Risk.priorities.through(risk=r, priority=priorities[n % len(priorities)])
            for n, r in enumerate(risks)
        ]
    )
    Risk.actions.through.objects.bulk_create(
        [Risk.actions.through(risk=r, action=actions[(n * 11) % len(actions)]) for n, r in enumerate(risks)]
    )
    Risk.treating_actions.through.objects.bulk_create(
        [
            Risk.treating_actions.through(risk=r, action=actions[(n * 13) % len(actions)])
            for n, r in enumerate(risks)
        ]
    )
    reviews = []
    for risk in risks:
        for period in base.periods[REPORTED_PERIODS - 4 : REPORTED_PERIODS]:
            residual_likelihood = rng.randint(1, risk.inherent_likelihood)
            reviews.append(
                RiskReview(
                    risk=risk,
                    period=period,
                    inherent_likelihood=risk.inherent_likelihood,
                    inherent_impact=risk.inherent_impact,
                    residual_likelihood=residual_likelihood,
                    residual_impact=risk.residual_impact,
                    narrative="Controls held this period.",
                    reviewed_by=risk.owner or risk.owner_organisation.nominated_contact,
                )
            )
        last = reviews[-1]
        risk.residual_likelihood = last.residual_likelihood
    RiskReview.objects.bulk_create(reviews)
    Risk.objects.bulk_update(risks, ["residual_likelihood"])


def indicators_build(base: Base, shape: Shape, strategy: Strategy) -> None:
    """Indicators of the strategy, its priorities and ambitions, each with a target for every financial
    year of the periods and a value for each period reported."""
    priorities = list(strategy.priorities.prefetch_related("ambitions"))
    officers, organisations = base.people["officer"], base.organisations
    units = [Indicator.Unit.NUMBER, Indicator.Unit.PERCENTAGE, Indicator.Unit.RATE_PER_1000]
    indicators = []
    for n in range(shape.indicators):
        priority = priorities[n % len(priorities)] if n % 6 else None
        ambitions = list(priority.ambitions.all()) if priority else []
        indicators.append(
            Indicator(
                strategy=strategy,
                priority=priority,
                ambition=ambitions[n % len(ambitions)] if ambitions and n % 2 else None,
                order=n,
                name=f"Indicator {n + 1}: repeat incidents",
                definition="Counted from partners' case records each quarter.",
                unit=units[n % len(units)],
                polarity=Polarity.LOWER_IS_BETTER if n % 2 else Polarity.HIGHER_IS_BETTER,
                baseline_value=Decimal(100 + n),
                data_source="Partners' case management systems",
                owner=officers[n % len(officers)],
                owner_organisation=organisations[n % len(organisations)],
            )
        )
    Indicator.objects.bulk_create(indicators)
    reported = base.periods[:REPORTED_PERIODS]
    years = sorted({financial_year_of(p.starts_on) for p in reported})
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(indicator=indicator, financial_year=year, value=Decimal(100))
            for indicator in indicators
            for year in years
        ]
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=indicator,
                period=period,
                value=Decimal(base.rng.randint(80, 120)),
                note="In line with the trend." if n % 3 else "",
                entered_by=indicator.owner,
            )
            for indicator in indicators
            for n, period in enumerate(reported)
        ],
        batch_size=2000,
    )
