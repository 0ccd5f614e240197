"""The kinds of thing on the activity page: how each kind's history is tied to a partnership, named and linked.

A historical row keeps its foreign keys as plain ids (for example `ambition_id`), so each kind is
scoped by the ids of the partnership's parents, as subqueries. Those ids are the live parents' *and*
the deleted parents' (from the deletion records in the parents' own history tables, whose parent ids
are resolved the same way), so the changes of an object whose parent has since been deleted (an
action under a deleted ambition, say) still appear. Board actions are the exception: meetings keep
no history, so a deleted meeting's board actions drop out of the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

from accounts.models import Membership, Organisation, Partnership, User
from core.history import Names
from delivery.history import partnership_lookups
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from meetings.models import BoardAction, Meeting
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy


def _in(field_name: str, *querysets) -> Q:
    """The field's value is among the ids of any of the querysets."""
    condition = Q()
    for queryset in querysets:
        condition |= Q(**{f"{field_name}__in": queryset})
    return condition


def _strategy_ids(p: Partnership):
    """The ids of the partnership's strategies, live and deleted, as two subqueries."""
    return (
        Strategy.objects.filter(partnership=p).values("pk"),
        Strategy.history.filter(partnership_id=p.pk, history_type="-").values("id"),
    )


def _priority_ids(p: Partnership):
    """The ids of the partnership's priorities, live and deleted."""
    return (
        Priority.objects.filter(strategy__partnership=p).values("pk"),
        Priority.history.filter(_in("strategy_id", *_strategy_ids(p)), history_type="-").values("id"),
    )


def _ambition_ids(p: Partnership):
    """The ids of the partnership's strategic ambitions, live and deleted."""
    return (
        StrategicAmbition.objects.filter(priority__strategy__partnership=p).values("pk"),
        StrategicAmbition.history.filter(_in("priority_id", *_priority_ids(p)), history_type="-").values(
            "id"
        ),
    )


def _action_ids(p: Partnership):
    """The ids of the partnership's actions, live and deleted."""
    return (
        Action.objects.for_partnership(p).values("pk"),
        Action.history.filter(_in("ambition_id", *_ambition_ids(p)), history_type="-").values("id"),
    )


def _period_ids(p: Partnership):
    """The ids of the partnership's reporting periods, live and deleted."""
    return (
        ReportingPeriod.objects.filter(partnership=p).values("pk"),
        ReportingPeriod.history.filter(partnership_id=p.pk, history_type="-").values("id"),
    )


class ActivityNames(Names):
    """The names a page of activity refers to, never outside the partnership, and links to their pages."""

    def __init__(self, partnership: Partnership):
        super().__init__(
            {
                **partnership_lookups(partnership),
                Meeting: lambda: Meeting.objects.filter(partnership=partnership),
            }
        )
        self.partnership = partnership

    def url(self, view_name: str, pk) -> str | None:
        """The object's page, or None when no such page exists."""
        try:
            return reverse(view_name, kwargs={"slug": self.partnership.slug, "pk": pk})
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class Kind:
    """A kind of thing whose history is shown: how to scope it to a partnership, name it and link it."""

    key: str
    label: str
    model: type[models.Model]
    scope: Callable[[Partnership], Q]
    refers: Callable[[models.Model], Iterable[tuple[type[models.Model], int | None]]]
    describe: Callable[[models.Model, ActivityNames], tuple[str, str | None]]


def _action_page(names: ActivityNames, action_id) -> str | None:
    return names.url("delivery:action_detail", action_id) if names.get(Action, action_id) else None


def _strategy_page(names: ActivityNames, strategy_id) -> str | None:
    return names.url("priorities:strategy_detail", strategy_id) if names.get(Strategy, strategy_id) else None


def _describe_action(r, names):
    """In the plan's words, with the reference the action showed: as published, else from its order."""
    ambition = names.get(StrategicAmbition, r.ambition_id)
    if ambition is None:
        return " ".join(filter(None, ["Action", r.published_reference, r.title])), _action_page(names, r.id)
    shown = Action(ambition=ambition, order=r.order, published_reference=r.published_reference)
    return f"{ambition.priority.strategy.action_word} {shown.reference} {r.title}", _action_page(names, r.id)


def _describe_milestone(r, names):
    action = names.get(Action, r.action_id)
    return (
        f"Milestone {r.title}" + (f" (action {action.reference})" if action else ""),
        _action_page(names, r.action_id),
    )


def _describe_progress_update(r, names):
    action = names.get(Action, r.action_id)
    period = names.name(ReportingPeriod, r.period_id)
    what = f"Progress update for {period}" + (f" on action {action}" if action else "")
    return what, _action_page(names, r.action_id)


def _describe_priority(r, names):
    strategy = names.get(Strategy, r.strategy_id)
    word = strategy.priority_word if strategy else "Priority"
    return f"{word} {r.published_reference or r.order}. {r.title}", _strategy_page(names, r.strategy_id)


def _describe_ambition(r, names):
    """In the plan's words; a two-level plan's unseen ambition is named as its priority."""
    priority = names.get(Priority, r.priority_id)
    if priority is None:
        return f"Strategic ambition {r.title}", None
    strategy = priority.strategy
    if not strategy.has_ambitions:
        return f"{strategy.priority_word} {priority.reference}. {priority.title}", _strategy_page(
            names, strategy.pk
        )
    reference = r.published_reference or f"{priority.order}.{r.order}"
    return f"{strategy.ambition_word} {reference} {r.title}", _strategy_page(names, strategy.pk)


def _describe_board_action(r, names):
    meeting = names.get(Meeting, r.meeting_id)
    what = f"Board action {Truncator(r.description).chars(80)}" + (f" ({meeting})" if meeting else "")
    return what, names.url("meetings:meeting_detail", r.meeting_id) if meeting else None


KINDS: list[Kind] = [
    Kind(
        "strategy",
        "Strategies",
        Strategy,
        lambda p: Q(partnership_id=p.pk),
        lambda r: [(Strategy, r.id)],
        lambda r, names: (f"Strategy {r.title}", _strategy_page(names, r.id)),
    ),
    Kind(
        "sign_off",
        "Sign-offs",
        SignOff,
        lambda p: _in("strategy_id", *_strategy_ids(p)),
        lambda r: [(Strategy, r.strategy_id), (Organisation, r.organisation_id)],
        lambda r, names: (
            f"Sign-off of {names.name(Strategy, r.strategy_id)} by {names.name(Organisation, r.organisation_id)}",
            _strategy_page(names, r.strategy_id),
        ),
    ),
    Kind(
        "consultation",
        "Consultations",
        Consultation,
        lambda p: _in("strategy_id", *_strategy_ids(p)),
        lambda r: [(Strategy, r.strategy_id)],
        lambda r, names: (f"Consultation {r.title}", _strategy_page(names, r.strategy_id)),
    ),
    Kind(
        "priority",
        "Priorities",
        Priority,
        lambda p: _in("strategy_id", *_strategy_ids(p)),
        lambda r: [(Strategy, r.strategy_id)],
        _describe_priority,
    ),
    Kind(
        "ambition",
        "Strategic ambitions",
        StrategicAmbition,
        lambda p: _in("priority_id", *_priority_ids(p)),
        lambda r: [(Priority, r.priority_id)],
        _describe_ambition,
    ),
    Kind(
        "action",
        "Actions",
        Action,
        lambda p: _in("ambition_id", *_ambition_ids(p)),
        lambda r: [(StrategicAmbition, r.ambition_id), (Action, r.id)],
        _describe_action,
    ),
    Kind(
        "milestone",
        "Milestones",
        Milestone,
        lambda p: _in("action_id", *_action_ids(p)),
        lambda r: [(Action, r.action_id)],
        _describe_milestone,
    ),
    Kind(
        "progress_update",
        "Progress updates",
        ProgressUpdate,
        # A period cannot be deleted while it has updates, so the period is the shortest path home.
        lambda p: _in("period_id", *_period_ids(p)),
        lambda r: [(Action, r.action_id), (ReportingPeriod, r.period_id)],
        _describe_progress_update,
    ),
    Kind(
        "reporting_period",
        "Reporting periods",
        ReportingPeriod,
        lambda p: Q(partnership_id=p.pk),
        lambda r: [(ReportingPeriod, r.id)],
        lambda r, names: (
            f"Reporting period {r.name}",
            names.url("delivery:period_detail", r.id) if names.get(ReportingPeriod, r.id) else None,
        ),
    ),
    Kind(
        "board_action",
        "Board actions",
        BoardAction,
        lambda p: Q(meeting_id__in=Meeting.objects.filter(partnership=p).values("pk")),
        lambda r: [(Meeting, r.meeting_id)],
        _describe_board_action,
    ),
    Kind(
        "organisation",
        "Organisations",
        Organisation,
        lambda p: Q(partnership_id=p.pk),
        lambda r: [(Organisation, r.id)],
        lambda r, names: (
            f"Organisation {r.name}",
            names.url("accounts:organisation_edit", r.id) if names.get(Organisation, r.id) else None,
        ),
    ),
    Kind(
        "membership",
        "Memberships",
        Membership,
        lambda p: Q(partnership_id=p.pk),
        lambda r: [(User, r.user_id), (Membership, r.id)],
        lambda r, names: (
            f"Membership of {names.name(User, r.user_id)}",
            names.url("accounts:person_edit", r.id) if names.get(Membership, r.id) else None,
        ),
    ),
]
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS]
