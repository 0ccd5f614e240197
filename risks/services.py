"""Writes to the risk register: a risk added or changed, a review for a period, a release to the board.

Any change to a risk puts its register back into preparation, so the board never sees a change before
the chair, the vice-chair and the administrators have (decision record 0020).
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Partnership, User
from core.conflicts import lock_unchanged, save_if_unchanged
from core.history import change_reason
from delivery.models import Action, ReportingPeriod
from priorities.models import Priority
from risks.models import Risk, RiskRegister, RiskRegisterRelease, RiskReview
from risks.register import latest_release, register_content

REVIEW_FIELDS = (
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "narrative",
    "control_changes",
)


def register_of(partnership: Partnership) -> RiskRegister:
    """The partnership's register, made with the default bands and tolerance the first time it is needed."""
    register, _ = RiskRegister.objects.get_or_create(partnership=partnership)
    return register


def _in_preparation(register: RiskRegister) -> None:
    """Mark the register changed since its last release (and so its version, for a release page open)."""
    register.state = RiskRegister.State.IN_PREPARATION
    register.save(update_fields=["state", "updated_at"])


@transaction.atomic
def register_settings_save(*, partnership: Partnership, values: dict, version: str) -> RiskRegister:
    """Set the register's bands and tolerance, unless someone saved them since the form was opened at
    `version` (EditConflict); the first save sets the register up. The register goes back into
    preparation: the board sees the new bands only when it is released again."""
    register, created = RiskRegister.objects.get_or_create(partnership=partnership)
    if not created:
        register = lock_unchanged(RiskRegister.objects.filter(pk=register.pk), version=version)
    for name, value in values.items():
        setattr(register, name, value)
    register.state = RiskRegister.State.IN_PREPARATION
    register.full_clean()
    register.save()
    return register


@transaction.atomic
def risk_save(
    *,
    risk: Risk,
    version: str,
    priorities: Iterable[Priority],
    actions: Iterable[Action],
    treating_actions: Iterable[Action],
) -> Risk:
    """Add a risk, or save a changed one unless someone saved it since its form was opened at `version`,
    with the priorities and delivery-plan actions it names, all of its register's partnership."""
    partnership_id = risk.register.partnership_id
    priorities, actions, treating_actions = list(priorities), list(actions), list(treating_actions)
    errors = {}
    if any(p.strategy.partnership_id != partnership_id for p in priorities):
        errors["priorities"] = "Choose priorities of the partnership."
    for name, chosen in (("actions", actions), ("treating_actions", treating_actions)):
        if any(a.partnership.pk != partnership_id for a in chosen):
            errors[name] = "Choose delivery-plan actions of the partnership."
    if errors:
        raise ValidationError(errors)
    if risk.pk is None:
        risk.full_clean()
        risk.save()
    else:
        save_if_unchanged(risk, version=version)
    risk.priorities.set(priorities)
    risk.actions.set(actions)
    risk.treating_actions.set(treating_actions)
    _in_preparation(risk.register)
    return risk


@transaction.atomic
def risk_review_save(
    *, risk: Risk, period: ReportingPeriod, reviewer: User, data: dict, review_on: date, version: str
) -> RiskReview:
    """Record a risk owner's review for an open period and carry its scores and next review date onto
    the risk, unless the risk was saved since the form was opened at `version` (EditConflict)."""
    risk = lock_unchanged(Risk.objects.filter(pk=risk.pk).select_related("register"), version=version)
    period = ReportingPeriod.objects.get(pk=period.pk)
    if period.partnership_id != risk.register.partnership_id:
        raise ValidationError("Choose a reporting period of the partnership.")
    if not period.is_open:
        raise ValidationError(f"{period} is locked: its reviews can no longer be changed.")
    review = RiskReview.objects.filter(risk=risk, period=period).first() or RiskReview(
        risk=risk, period=period
    )
    for field in REVIEW_FIELDS:
        setattr(review, field, data[field])
    review.reviewed_by = review._history_user = reviewer
    review.full_clean()
    for field in REVIEW_FIELDS[:4]:
        setattr(risk, field, data[field])
    risk.review_on = review_on
    risk._history_user = reviewer
    risk._change_reason = change_reason(f"Reviewed for {period}")
    risk.full_clean()
    review.save()
    risk.save()
    _in_preparation(risk.register)
    return review


@transaction.atomic
def register_release(
    *, register: RiskRegister, released_by: User, note: str, version: str, now: datetime, today: date
) -> RiskRegisterRelease:
    """Release the register to every member as it stands, frozen, unless it changed since the page showing
    it was opened at `version` (EditConflict): the board sees what the person releasing it saw."""
    register = lock_unchanged(RiskRegister.objects.filter(pk=register.pk), version=version)
    release = RiskRegisterRelease(
        register=register,
        released_by=released_by,
        released_at=now,
        note=note,
        content=register_content(register, today=today, previous=latest_release(register)),
    )
    release.full_clean()
    release.save()
    register.state = RiskRegister.State.RELEASED
    register.save(update_fields=["state", "updated_at"])
    return release
