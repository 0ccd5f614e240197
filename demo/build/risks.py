"""The demo's risk register and its history, laid out around the open reporting period.

The history, as the chair and the board see it: the risks as the Board's chair first released them,
some weeks before the open period ended; the owners' reviews for the open period, which move some
risks; the chair's second release, after them, so that the board sees the movement; and one more
review since, so that the register is in preparation and its chair sees a change before the board.

Risks, reviews and releases are all written through the risks services, like every other writer's;
only the times are the demo's. When the register's history is not the one `today` calls for (the demo
was laid out as of another day, or someone changed the register by hand), it is laid out again from
the start; when it is, nothing is saved, so loading twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import Organisation, Partnership, User
from core.conflicts import version_of
from delivery.models import Action, ReportingPeriod
from demo.build.delivery import DAYS_TO_UPDATE, PeriodPlan, quarter_dates, quarter_index
from demo.build.records import differs
from demo.specs import RiskRegisterSpec, RiskReviewSpec, RiskSpec
from meetings.models import Body
from priorities.models import Priority, Strategy
from risks.models import Risk, RiskRegister, RiskReview
from risks.services import REVIEW_FIELDS, register_of, register_release, risk_review_save, risk_save

FIRST_RELEASE_DAYS_BEFORE_PERIOD_ENDS = 45  # the chair released the register mid-period
SECOND_RELEASE_DAYS_AFTER_PERIOD_ENDS = 10  # and again once the owners had reviewed their risks
RELEASED_AT = time(10, 30)


@dataclass(frozen=True)
class RegisterTimeline:
    """When things happen in the register's history, as `today` calls for them.

    Without an open period there are no reviews and no releases: the risks are due for review by
    `review_on`.
    """

    period: ReportingPeriod | None  # the open period, in which the owners review their risks
    first_release_at: datetime | None
    second_release_at: datetime | None
    review_on: date  # when a risk is due for review
    overdue_on: date  # when an overdue one was due
    next_review_on: date  # when a risk reviewed in the open period is next due


def stale_risk_reviews_remove(*, partnership: Partnership, plans: list[PeriodPlan]) -> None:
    """Remove the reviews held in reporting periods the demo no longer has, before those periods are."""
    stale = partnership.reporting_periods.exclude(name__in=[plan.name for plan in plans])
    RiskReview.objects.filter(period__in=stale).delete()


def register_timeline(*, periods: list[ReportingPeriod], today: date) -> RegisterTimeline:
    """The register's history laid out around the open period (see the module docstring)."""
    period = next((p for p in periods if p.state == ReportingPeriod.State.OPEN), None)
    if period is None:
        due_on = periods[-1].update_deadline if periods else today + timedelta(days=90)
        return RegisterTimeline(None, None, None, due_on, due_on, due_on)
    zone = ZoneInfo(settings.TIME_ZONE)
    first_on = period.ends_on - timedelta(days=FIRST_RELEASE_DAYS_BEFORE_PERIOD_ENDS)
    # After the period ended, and before today.
    second_on = max(
        min(
            period.ends_on + timedelta(days=SECOND_RELEASE_DAYS_AFTER_PERIOD_ENDS), today - timedelta(days=1)
        ),
        period.ends_on,
    )
    next_quarter_ends_on = quarter_dates(quarter_index(period.starts_on) + 1)[1]
    return RegisterTimeline(
        period=period,
        first_release_at=datetime.combine(first_on, RELEASED_AT, tzinfo=zone),
        second_release_at=datetime.combine(second_on, RELEASED_AT, tzinfo=zone),
        review_on=period.update_deadline,
        overdue_on=period.ends_on,
        next_review_on=next_quarter_ends_on + timedelta(days=DAYS_TO_UPDATE),
    )


def _fields(
    spec: RiskSpec,
    *,
    review: RiskReviewSpec | None,
    timeline: RegisterTimeline,
    users: dict[str, User],
    organisations: dict[str, Organisation],
) -> dict:
    """The risk's fields as first released, or after `review`."""
    residual = review.residual if review else spec.residual
    if review:
        review_on = timeline.next_review_on
    else:
        review_on = timeline.overdue_on if spec.review_overdue else timeline.review_on
    return {
        "title": spec.title,
        "cause": spec.cause,
        "effect": spec.effect,
        "category": spec.category,
        "owner_organisation": organisations[spec.owner_organisation],
        "owner": users[spec.owner] if spec.owner else None,
        "existing_controls": spec.existing_controls,
        "further_actions": spec.further_actions,
        "inherent_likelihood": spec.inherent[0],
        "inherent_impact": spec.inherent[1],
        "residual_likelihood": residual[0],
        "residual_impact": residual[1],
        "target_score": spec.target_score,
        "review_on": review_on,
        "status": Risk.Status.OPEN,
    }


def _relations(
    spec: RiskSpec, *, priorities: dict[str, Priority], actions: dict[str, Action]
) -> dict[str, list]:
    """The priorities and delivery-plan actions the risk names, by their titles."""
    return {
        "priorities": [priorities[title] for title in spec.priorities],
        "actions": [actions[title] for title in spec.actions],
        "treating_actions": [actions[title] for title in spec.treating_actions],
    }


def _differs(risk: Risk, fields: dict, relations: dict[str, list]) -> bool:
    """Whether the saved risk differs from its wanted fields and relations."""
    if any(differs(risk, name, value) for name, value in fields.items()):
        return True
    return any(set(getattr(risk, name).all()) != set(value) for name, value in relations.items())


def _review_data(spec: RiskSpec, review: RiskReviewSpec) -> dict:
    return {
        "inherent_likelihood": spec.inherent[0],
        "inherent_impact": spec.inherent[1],
        "residual_likelihood": review.residual[0],
        "residual_impact": review.residual[1],
        "narrative": review.narrative,
        "control_changes": review.control_changes,
    }


def _history_is_laid_out(
    *,
    register: RiskRegister,
    risks: dict[str, Risk],
    wanted: dict[str, tuple[dict, dict]],
    reviews: list[tuple[RiskSpec, RiskReviewSpec]],
    releases: list[tuple[datetime, str]],
    chair: User,
    timeline: RegisterTimeline,
) -> bool:
    """Whether the register already holds the history `today` calls for, from the risks to the state."""
    if set(risks) != set(wanted):
        return False
    for reference, (fields, relations) in wanted.items():
        if _differs(risks[reference], fields, relations):
            return False
    saved_reviews = {
        (
            review.risk_id,
            review.period_id,
            review.reviewed_by_id,
            *(getattr(review, f) for f in REVIEW_FIELDS),
        )
        for review in RiskReview.objects.filter(risk__in=risks.values())
    }
    wanted_reviews = {
        (
            risks[spec.reference].pk,
            timeline.period.pk,
            risks[spec.reference].accountable.pk,
            *(_review_data(spec, review)[f] for f in REVIEW_FIELDS),
        )
        for spec, review in reviews
    }
    if saved_reviews != wanted_reviews:
        return False
    saved_releases = list(
        register.releases.order_by("released_at").values_list("released_at", "released_by", "note")
    )
    if saved_releases != [(at, chair.pk, note) for at, note in releases]:
        return False
    if not releases:
        return True
    last_is_review = any(review.after_release for _, review in reviews)
    wanted_state = RiskRegister.State.IN_PREPARATION if last_is_review else RiskRegister.State.RELEASED
    return register.state == wanted_state


def _release(*, register: RiskRegister, chair: User, at: datetime, note: str) -> None:
    """The chair releases the register as it stands at `at`."""
    register = RiskRegister.objects.get(pk=register.pk)
    register_release(
        register=register, released_by=chair, note=note, version=version_of(register), now=at, today=at.date()
    )


def _review(*, risk: Risk, spec: RiskSpec, review: RiskReviewSpec, timeline: RegisterTimeline) -> None:
    """The risk's owner reviews it for the open period."""
    risk = Risk.objects.select_related("owner", "owner_organisation").get(pk=risk.pk)
    risk_review_save(
        risk=risk,
        period=timeline.period,
        reviewer=risk.accountable,
        data=_review_data(spec, review),
        review_on=timeline.next_review_on,
        version=version_of(risk),
    )


def risk_register_build(
    *,
    partnership: Partnership,
    strategy: Strategy,
    spec: RiskRegisterSpec,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    periods: list[ReportingPeriod],
    today: date,
) -> RiskRegister:
    """The partnership's register with the spec's risks and their history as of `today` (see the
    module docstring), laid out again from the start unless it is already there."""
    register = register_of(partnership)
    chair = Body.objects.get(partnership=partnership, name=spec.released_by_body).chair
    timeline = register_timeline(periods=periods, today=today)
    priorities = {priority.title: priority for priority in strategy.priorities.all()}
    actions = {
        action.title: action for action in Action.objects.filter(ambition__priority__strategy=strategy)
    }
    specs = {risk.reference: risk for risk in spec.risks}
    reviews, releases = [], []
    if timeline.period is not None:
        reviews = [(specs[review.reference], review) for review in spec.reviews]
        releases = [
            (timeline.first_release_at, spec.first_release_note),
            (timeline.second_release_at, spec.second_release_note),
        ]
    reviewed = {risk.reference: review for risk, review in reviews}

    def wanted_of(risk_spec: RiskSpec, review: RiskReviewSpec | None) -> tuple[dict, dict]:
        fields = _fields(
            risk_spec, review=review, timeline=timeline, users=users, organisations=organisations
        )
        return fields, _relations(risk_spec, priorities=priorities, actions=actions)

    risks = {risk.reference: risk for risk in register.risks.filter(reference__in=specs)}
    wanted = {reference: wanted_of(risk, reviewed.get(reference)) for reference, risk in specs.items()}
    if _history_is_laid_out(
        register=register,
        risks=risks,
        wanted=wanted,
        reviews=reviews,
        releases=releases,
        chair=chair,
        timeline=timeline,
    ):
        return register

    # Laid out again from the start: no releases, no reviews, every risk as first released.
    register.releases.all().delete()
    RiskReview.objects.filter(risk__in=risks.values()).delete()
    for reference, risk_spec in specs.items():
        fields, relations = wanted_of(risk_spec, None)
        risk = risks.get(reference) or Risk(register=register, reference=reference)
        if risk.pk is None or _differs(risk, fields, relations):
            version = version_of(risk)
            for name, value in fields.items():
                setattr(risk, name, value)
            risks[reference] = risk_save(risk=risk, version=version, **relations)
    if releases:
        _release(register=register, chair=chair, at=releases[0][0], note=releases[0][1])
        for risk_spec, review in reviews:
            if not review.after_release:
                _review(risk=risks[risk_spec.reference], spec=risk_spec, review=review, timeline=timeline)
        _release(register=register, chair=chair, at=releases[1][0], note=releases[1][1])
        for risk_spec, review in reviews:
            if review.after_release:
                _review(risk=risks[risk_spec.reference], spec=risk_spec, review=review, timeline=timeline)
    return RiskRegister.objects.get(pk=register.pk)
