"""The exception rules (DESIGN section 5) and the exception report they produce.

Each rule is a function of one action's state in a period that returns the reason the action is
reported, or None. The report is a plain, JSON-ready dict, so that the live draft and a report
frozen at publication are shown, downloaded and compared in exactly the same way.

The report is a way into the plan: it keeps the path of each action it names (items and the actions on
track) and, for each summary count, the path of the delivery plan filtered to the actions counted.
Reports published before these keys (and "issues_and_risks") existed lack them; whatever renders
content treats a missing key as empty.

Two rules are not about actions (`BOARD_RULES`): with "indicator off target" on, the report carries the
strategy's performance indicators that are off target at the period ("indicators", and how many the
strategy has, "indicator_count"); with "risk above tolerance" on, the risk register as it was last
released to the board ("risks": its counts, heat map and the risks that are high, above tolerance or
rising), or None when it was never released. The register in preparation never reaches the report, as
the paper goes to every member. With a rule off, or in a report published before these keys existed,
its key is absent and nothing is shown.

The report names its levels as its strategy does ("words", `plan_words`), and a two-level strategy's
report ("levels": 2) groups each priority's items under one untitled group, as its hidden strategic
ambition is never shown; reports published before plans had their own shape read as three levels in the
original words.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Partnership, StatusRating
from core.ratings import Direction, Rating, direction_of_travel
from core.templatetags.govuk import long_date
from core.text import lead_in_words
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from indicators.models import Indicator
from indicators.standing import indicators_with_targets, off_target, standing_of
from meetings.models import Meeting
from priorities.models import PlanWords, StrategicAmbition, Strategy
from reports.models import ExceptionRule, ExceptionRuleSetting
from reports.rating_counts import Before, by_priority, count_ratings, rated_actions
from risks.models import RiskRegister, RiskRegisterRelease
from risks.register import board_risks, latest_release


@dataclass(frozen=True)
class ActionState:
    """What the rules look at: an action, its submitted update now, its rating before, and the day."""

    action: Action
    update: ProgressUpdate | None
    previous_rating: str | None
    """The rating of its submitted update for the previous period; None when there is none."""
    overdue_milestones: list[Milestone]
    period: ReportingPeriod
    today: date
    # The first day a timescale revision counts for this period: the day after the previous period's
    # update deadline, so that a revision is reported once; the period's start when there is none.
    revisions_since: date | None = None

    @property
    def rating(self) -> str:
        return self.update.rating if self.update else Rating.NOT_RATED


def rated_red(state: ActionState) -> str | None:
    return "Rated red" if state.rating == Rating.RED else None


def rated_amber_or_worse(state: ActionState) -> str | None:
    if state.rating == Rating.AMBER:
        return "Rated amber"
    if direction_of_travel(state.rating, state.previous_rating) == Direction.WORSE:
        before, now = Rating(state.previous_rating).label, Rating(state.rating).label
        return f"Worse than the previous period: {before.lower()} to {now.lower()}"
    return None


def overdue(state: ActionState) -> str | None:
    action = state.action
    if action.is_overdue(state.today):
        if action.due_timescale:
            return f"Overdue: due {action.due_timescale} (by {long_date(action.due_on)})"
        return f"Overdue: it was due on {long_date(action.due_on)}"
    return None


def timescale_revised(state: ActionState) -> str | None:
    """Reported when the due date was revised from the day after the previous period's update deadline
    to this period's (the item's due date says from what and why)."""
    period, revised_on = state.period, state.action.due_revised_on
    since, until = state.revisions_since or period.starts_on, max(period.ends_on, period.update_deadline)
    if revised_on is None or not since <= revised_on <= until:
        return None
    return f"Due date revised on {long_date(revised_on)}"


def milestone_overdue(state: ActionState) -> str | None:
    if not state.overdue_milestones:
        return None
    listed = "; ".join(f"{m.title} (due {long_date(m.due_on)})" for m in state.overdue_milestones)
    return f"Milestone overdue: {listed}"


def missing_return(state: ActionState) -> str | None:
    if state.update is None and state.period.is_past_deadline(state.today):
        return f"No update submitted by the deadline of {long_date(state.period.update_deadline)}"
    return None


def board_ask(state: ActionState) -> str | None:
    return "Asks the board for a decision or support" if state.update and state.update.board_ask else None


def exceptional(state: ActionState) -> str | None:
    if state.update and state.update.is_exceptional_performance:
        return f"Exceptional performance: {state.update.exceptional_performance_reason}"
    completed_on = state.action.completed_on
    due_on = state.action.due_on
    if state.rating == Rating.BLUE and completed_on and due_on and completed_on < due_on:
        return f"Completed on {long_date(completed_on)}, ahead of its due date"
    return None


RULES: dict[str, Callable[[ActionState], str | None]] = {
    ExceptionRule.RED: rated_red,
    ExceptionRule.AMBER_OR_WORSE: rated_amber_or_worse,
    ExceptionRule.OVERDUE: overdue,
    ExceptionRule.TIMESCALE_REVISED: timescale_revised,
    ExceptionRule.MILESTONE_OVERDUE: milestone_overdue,
    ExceptionRule.MISSING_RETURN: missing_return,
    ExceptionRule.BOARD_ASK: board_ask,
    ExceptionRule.EXCEPTIONAL: exceptional,
}

# The rules that are not about actions: each adds a section of its own to the report.
BOARD_RULES = (ExceptionRule.INDICATOR_OFF_TARGET, ExceptionRule.RISK_ABOVE_TOLERANCE)


def _words_in_content(words: PlanWords) -> dict:
    return {
        "priority": words.priority,
        "ambition": words.ambition,
        "action": words.action,
        "priorities": words.priorities,
        "ambitions": words.ambitions,
        "actions": words.actions,
    }


def plan_words(content: dict) -> dict:
    """What the report calls its levels, singular and plural: its strategy's words, or the original
    ones (a new strategy's) for a report published before plans had their own."""
    return content.get("words") or _words_in_content(Strategy().words)


def has_ambitions(content: dict) -> bool:
    """Whether the report shows the middle level: not for a two-level strategy's report."""
    return content.get("levels", Strategy.Levels.THREE) == Strategy.Levels.THREE


def rules_in_force(partnership: Partnership) -> list[ExceptionRule]:
    """The partnership's exception rules that are switched on, in report order."""
    off = set(
        ExceptionRuleSetting.objects.filter(partnership=partnership, is_enabled=False).values_list(
            "rule", flat=True
        )
    )
    return [rule for rule in ExceptionRule if rule not in off]


def strategy_for(period: ReportingPeriod, strategies: list[Strategy] | None = None) -> Strategy | None:
    """The strategy a period's exception report is on by default: the one in force at the end of the
    period (`Strategy.current_of`), among `strategies` when they are already fetched."""
    if strategies is None:
        strategies = list(Strategy.objects.for_partnership(period.partnership_id))
    return Strategy.current_of(strategies, today=period.ends_on)


def exception_report_build(
    *,
    partnership: Partnership,
    period: ReportingPeriod,
    meeting: Meeting | None,
    today: date,
    strategy: Strategy | None = None,
) -> dict:
    """The exception report on a strategy (by default `strategy_for` the period) for a period as it
    stands today: summary, items by priority, legend."""
    if strategy is None:
        strategy = strategy_for(period)
    elif strategy.partnership_id != partnership.pk:
        raise ValueError("The strategy must belong to the partnership.")
    previous_period = period.previous(strategy)
    rules = rules_in_force(partnership)
    actions = _reported_actions(strategy, period, previous_period) if strategy else []
    updates = _submitted_updates(strategy, period) if strategy else {}
    milestones = _overdue_milestones(strategy, today) if strategy else {}
    path_of = _action_paths(partnership)

    sections, item_count, on_track = {}, 0, []
    for action in actions:
        state = ActionState(
            action=action,
            update=updates.get(action.pk),
            previous_rating=action.rating_before,
            overdue_milestones=milestones.get(action.pk, []),
            period=period,
            today=today,
            revisions_since=previous_period.update_deadline + timedelta(days=1) if previous_period else None,
        )
        priority = action.ambition.priority
        reasons = [reason for rule in rules if rule in RULES and (reason := RULES[rule](state))]
        if reasons:
            item_count += 1
            if priority.pk not in sections:
                sections[priority.pk] = {**_priority_heading(priority), "ambitions": {}}
            section = sections[priority.pk]
            # A two-level plan's items sit in one untitled group a priority: its ambition is never shown.
            key, heading = (
                (action.ambition_id, f"{action.ambition.reference} {action.ambition.title}")
                if strategy.has_ambitions
                else (None, "")
            )
            ambition = section["ambitions"].setdefault(key, {"ambition": heading, "items": []})
            ambition["items"].append(_item(state, reasons, path_of(action.pk)))
        else:
            on_track.append(_on_track(state, path_of(action.pk)))

    shape = strategy or Strategy()  # with no strategy, a new one's levels and words
    return {
        "partnership": partnership.name,
        "strategy": strategy.title if strategy else "",
        "levels": shape.levels,
        "words": _words_in_content(shape.words),
        "period": {
            "name": period.name,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
            "update_deadline": period.update_deadline.isoformat(),
        },
        "previous_period": {"name": previous_period.name} if previous_period else None,
        "meeting": {"title": meeting.title, "held_on": meeting.held_on.isoformat()} if meeting else None,
        "drawn_on": today.isoformat(),
        "version": None,
        # Only the rules about actions: the report says why actions are reported; the indicators' and
        # the risks' sections say what they hold.
        "rules": [rule.label for rule in rules if rule in RULES],
        "summary": {
            "ratings": [{"rating": rating.value, "label": rating.label} for rating in Rating],
            "rows": [
                {
                    **_priority_heading(group[0].ambition.priority),
                    **_summary_counts(group),
                    **_plan_links(partnership, strategy, period, priority_pk),
                }
                for priority_pk, group in by_priority(actions).items()
            ],
            "totals": {
                **_summary_counts(actions),
                **(_plan_links(partnership, strategy, period) if strategy else {}),
            },
        },
        "sections": [
            {**section, "ambitions": list(section["ambitions"].values())} for section in sections.values()
        ],
        "item_count": item_count,
        "on_track_count": len(actions) - item_count,
        "on_track": on_track,
        "legend": [
            {"rating": r.rating, "label": r.get_rating_display(), "meaning": r.meaning}
            for r in StatusRating.wording_for(partnership)
        ],
        **(_indicators_off_target(strategy, period) if ExceptionRule.INDICATOR_OFF_TARGET in rules else {}),
        **({"risks": released_risks(partnership)} if ExceptionRule.RISK_ABOVE_TOLERANCE in rules else {}),
    }


def _indicators_off_target(strategy: Strategy | None, period: ReportingPeriod) -> dict:
    """The strategy's indicators that are off target at the period, and how many indicators it has."""
    indicators = (
        list(indicators_with_targets(Indicator.objects.filter(strategy=strategy)).in_order())
        if strategy
        else []
    )
    return {
        "indicators": [
            _indicator(standing) for standing in off_target(standing_of(indicators, period=period))
        ],
        "indicator_count": len(indicators),
    }


def _indicator(standing: dict) -> dict:
    """An off-target indicator as the report keeps it (`indicators.standing.standing_of`'s words)."""
    keys = (
        "pk",
        "name",
        "url",
        "priority_pk",
        "priority",
        "owner",
        "owner_organisation",
        "polarity",
        "period",
        "value",
        "target",
        "rating",
        "rating_label",
        "direction",
        "direction_label",
        "note",
    )
    return {key: standing[key] for key in keys}


def released_risks(partnership: Partnership) -> dict | None:
    """The risk register as it was last released to the board: when and by whom, its bands, tolerance,
    counts and heat map, and the risks the board paper reports (`risks.register.board_risks`); None when
    it was never released. Never the register in preparation: the paper goes to every member."""
    release = latest_release_of(partnership)
    if release is None:
        return None
    return release_in_report(release, partnership=partnership)


def latest_release_of(partnership: Partnership) -> RiskRegisterRelease | None:
    """The partnership's risk register as last released to the board, if it ever was: two queries, or
    one when the page fetched the register with the partnership (`partnership_joins`)."""
    try:
        register = partnership.risk_register
    except RiskRegister.DoesNotExist:
        return None
    return latest_release(register)


def release_in_report(release: RiskRegisterRelease, *, partnership: Partnership) -> dict:
    """A release's part of the report, read from what the board saw (its frozen content)."""
    content = release.content
    return {
        "released_at": release.released_at.isoformat(),
        "released_by": str(release.released_by),
        "url": reverse("risks:release_detail", kwargs={"slug": partnership.slug, "pk": release.pk}),
        "previous_release": content.get("previous_release"),
        "tolerance": content.get("tolerance"),
        "bands": content.get("bands") or {},
        "counts": content.get("counts") or {},
        "heat_map": content.get("heat_map") or [],
        "items": board_risks(content),
    }


def _reported_actions(
    strategy: Strategy, period: ReportingPeriod, previous_period: ReportingPeriod | None
) -> list[Action]:
    """The strategy's actions expected to report in the period, in plan order, rated now and before
    (`rated_actions`), with their lead officer and lead organisation, and the names of their joint
    leads, partners and tags (`links`, from `ActionQuerySet.links`).

    A report names hundreds of actions under a dozen strategic ambitions: each ambition, with its
    priority and the priority's lead, is fetched once and given to its actions rather than joined onto
    every row."""
    actions = list(
        rated_actions(
            Action.objects.filter(ambition__priority__strategy=strategy).expected_to_report(
                period, including_closed=True
            ),
            period,
            previous_period,
        )
        .select_related("owner", "lead_organisation")
        .in_order()
    )
    ambitions = {
        ambition.pk: ambition
        for ambition in StrategicAmbition.objects.filter(priority__strategy=strategy).select_related(
            "priority__lead", "priority__lead_organisation"
        )
    }
    for ambition in ambitions.values():
        ambition.priority.strategy = strategy
    links = Action.objects.filter(ambition__priority__strategy=strategy).links()
    for action in actions:
        action.ambition = ambitions[action.ambition_id]
        action.links = links[action.pk]
    return actions


def _action_paths(partnership: Partnership) -> Callable[[int], str]:
    """The path of an action's page from its id, reversed once for the partnership rather than once an
    action (the report links to every action it counts)."""
    marker = 2**31 - 1
    path = reverse("delivery:action_detail", kwargs={"slug": partnership.slug, "pk": marker})
    before, after = path.rsplit(str(marker), 1)
    return lambda pk: f"{before}{pk}{after}"


def _submitted_updates(strategy: Strategy, period: ReportingPeriod) -> dict[int, ProgressUpdate]:
    """The submitted updates for the period of the strategy's actions, by action."""
    updates = ProgressUpdate.objects.filter(
        action__ambition__priority__strategy=strategy, period=period, submitted_at__isnull=False
    )
    return {update.action_id: update for update in updates}


def _overdue_milestones(strategy: Strategy, today: date) -> dict[int, list[Milestone]]:
    """The open milestones of the strategy's actions that were due before today, by action."""
    overdue_by_action: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(
        action__ambition__priority__strategy=strategy, due_on__lt=today, completed_on__isnull=True
    ):
        overdue_by_action.setdefault(milestone.action_id, []).append(milestone)
    return overdue_by_action


def _summary_counts(actions: list[Action]) -> dict:
    """A summary row's figures: the actions' ratings now, and how the same actions were rated before."""
    ratings = count_ratings(actions, before=Before.SAME_ACTIONS)
    return {
        "counts": {rating: ratings.now[rating] for rating in Rating.values},
        "previous_counts": {rating: ratings.before[rating] for rating in Rating.values},
        "total": ratings.total,
    }


def _plan_links(
    partnership: Partnership, strategy: Strategy, period: ReportingPeriod, priority_pk: int | None = None
) -> dict:
    """The paths of the delivery plan filtered to the actions a summary row counts: per rating, and all."""
    where = {"strategy": strategy.pk, "period": period.pk}
    if priority_pk:
        where["priority"] = priority_pk
    path = reverse("delivery:action_list", kwargs={"slug": partnership.slug})
    return {
        "links": {rating: f"{path}?{urlencode({**where, 'rating': rating})}" for rating in Rating.values},
        "total_link": f"{path}?{urlencode(where)}",
    }


def _priority_heading(priority) -> dict:
    return {
        "priority": f"{priority.reference}. {priority.title}",
        "lead": str(priority.lead) if priority.lead else "",
        "lead_organisation": priority.lead_organisation.name if priority.lead_organisation else "",
    }


def _item(state: ActionState, reasons: list[str], url: str) -> dict:
    action, update = state.action, state.update
    leads = [action.lead_organisation.name] if action.lead_organisation else []
    leads += [organisation.name for organisation in action.links["lead_partners"]]
    return {
        "reference": action.reference,
        "title": action.title,
        "url": url,
        "lead": lead_in_words(leads, str(action.owner or "")),
        "owner": str(action.owner or ""),
        "organisation": ", ".join(leads),
        "partners": [organisation.name for organisation in action.links["partner_organisations"]],
        "other_partners": action.other_partners,
        "tags": [tag.name for tag in action.links["tags"]],
        "rating": state.rating,
        "rating_label": Rating(state.rating).label,
        "previous_rating": state.previous_rating,
        "previous_rating_label": Rating(state.previous_rating).label
        if state.previous_rating
        else "No update",
        "direction": direction_of_travel(state.rating, state.previous_rating).label,
        "percent_complete": update.percent_complete if update else None,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "due_timescale": action.due_timescale,
        "due_revised_on": action.due_revised_on.isoformat() if action.due_revised_on else None,
        "original_due_on": action.original_due_on.isoformat() if action.original_due_on else None,
        "due_revision_reason": action.due_revision_reason,
        "reasons": reasons,
        "narrative": update.narrative if update else "",
        "issues_and_risks": update.issues_and_risks if update else "",
        "mitigation": update.mitigation if update else "",
        "board_ask": update.board_ask if update else "",
        # The update carrying the board ask, so that a meeting can put the ask on its agenda or raise a
        # board action from it; reports published before this key existed offer neither.
        "update_pk": update.pk if update else None,
    }


def _on_track(state: ActionState, url: str) -> dict:
    """An action on track, as the report lists it: reference, title, its page and its rating now."""
    action = state.action
    return {
        "reference": action.reference,
        "title": action.title,
        "url": url,
        "rating": state.rating,
        "rating_label": Rating(state.rating).label,
    }
