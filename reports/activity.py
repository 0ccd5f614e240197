"""Who changed what and when: a partnership's history records across its models, newest first.

`activity_for` reads the django-simple-history tables of every model the partnership owns and returns
one page of plain entries, each saying when, who, what, and which fields changed from what to what.

How records are tied to a partnership: a historical row keeps its foreign keys as plain ids (for example
`ambition_id`), so each kind is scoped by the ids of the partnership's parents, as subqueries. Those ids
are the live parents' *and* the deleted parents' (from the deletion records in the parents' own history
tables, whose parent ids are resolved the same way), so the changes of an object whose parent has since
been deleted (an action under a deleted ambition, say) still appear. Board actions are the exception:
meetings keep no history, so a deleted meeting's board actions drop out of the list.

Queries stay constant whatever the page holds: one UNION ALL of every kind's (kind, history id, date)
gives the total and the page's 50 keys, then per kind on the page one query fetches its records (with
the id of each one's previous record as a subquery) and one fetches those previous records; actions
add one query per many-to-many field for the delegates and partners they had at each point; finally
one query per kind of referenced object turns ids into names.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.db import models
from django.db.models import IntegerField, OuterRef, Q, Subquery, Value
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.text import Truncator

from accounts.models import Membership, Organisation, Partnership, User
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from meetings.models import BoardAction, Meeting
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy

PER_PAGE = 50
SUMMARY_LENGTH = 120
NOT_SET = "Not set"
THE_SYSTEM = "the system"
# Bookkeeping that changes at every save and means nothing to a reader.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "partnership"})
EVENTS = {"+": "created", "~": "changed", "-": "deleted"}


# --- The page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A value as a reader sees it: the full text, and a short version when the text is long."""

    text: str

    @property
    def is_long(self) -> bool:
        return len(self.text) > SUMMARY_LENGTH

    @property
    def summary(self) -> str:
        return Truncator(self.text).chars(SUMMARY_LENGTH)


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change, under the field's label."""

    label: str
    old: Shown
    new: Shown


@dataclass(frozen=True)
class Entry:
    """One history record: when, who, what, what happened to it, and the fields that changed."""

    kind: str
    history_id: int
    when: datetime.datetime
    who: str
    what: str
    url: str | None
    event: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    compared: bool = True  # False for a change with no earlier record to compare it with

    @property
    def key(self) -> str:
        """Unique on the page across kinds, for element ids."""
        return f"{self.kind}-{self.history_id}"


@dataclass(frozen=True)
class ActivityPage:
    """One page of a partnership's activity, newest first, with what pagination needs."""

    entries: list[Entry]
    number: int
    count: int
    per_page: int = PER_PAGE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.count else 0

    @property
    def end_index(self) -> int:
        return min(self.number * self.per_page, self.count)

    @property
    def page_numbers(self) -> list[int | None]:
        """The first, last, current and neighbouring page numbers, None where pages are left out."""
        wanted = {1, self.num_pages, self.number - 1, self.number, self.number + 1}
        numbers: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.num_pages):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


# --- Kinds of thing ---------------------------------------------------------------------------------


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


class Names:
    """The live objects that a page's records refer to, fetched in one query per model."""

    LOOKUPS: dict[type[models.Model], Callable[[Partnership], models.QuerySet]] = {
        User: lambda p: User.objects.all(),
        Partnership: lambda p: Partnership.objects.filter(pk=p.pk),
        Membership: lambda p: Membership.objects.filter(partnership=p).select_related("user"),
        Organisation: lambda p: Organisation.objects.filter(partnership=p),
        Strategy: lambda p: Strategy.objects.filter(partnership=p),
        Priority: lambda p: Priority.objects.filter(strategy__partnership=p),
        StrategicAmbition: lambda p: StrategicAmbition.objects.filter(
            priority__strategy__partnership=p
        ).select_related("priority"),
        Action: lambda p: Action.objects.for_partnership(p).select_related("ambition__priority"),
        ReportingPeriod: lambda p: ReportingPeriod.objects.filter(partnership=p),
        Meeting: lambda p: Meeting.objects.filter(partnership=p),
    }

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = {}

    def want(self, model: type[models.Model], pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def fetch(self) -> None:
        """Objects of another partnership are never fetched, so their names cannot leak."""
        for model, ids in self.wanted.items():
            lookup = self.LOOKUPS.get(model, lambda p, m=model: m._default_manager.none())
            self.found[model] = {obj.pk: obj for obj in lookup(self.partnership).filter(pk__in=ids)}

    def get(self, model: type[models.Model], pk):
        return self.found.get(model, {}).get(pk)

    def name(self, model: type[models.Model], pk) -> str:
        obj = self.get(model, pk)
        if obj is None:
            return f"Deleted {model._meta.verbose_name} ({pk})"
        return obj.name if isinstance(obj, Organisation | ReportingPeriod) else str(obj)

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
    describe: Callable[[models.Model, Names], tuple[str, str | None]]


def _action_page(names: Names, action_id) -> str | None:
    return names.url("delivery:action_detail", action_id) if names.get(Action, action_id) else None


def _strategy_page(names: Names, strategy_id) -> str | None:
    return names.url("priorities:strategy_detail", strategy_id) if names.get(Strategy, strategy_id) else None


def _describe_action(r, names):
    ambition = names.get(StrategicAmbition, r.ambition_id)
    reference = f"{ambition.priority.order}.{ambition.order}.{r.order} " if ambition else ""
    return f"Action {reference}{r.title}", _action_page(names, r.id)


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


def _describe_ambition(r, names):
    priority = names.get(Priority, r.priority_id)
    reference = f"{priority.order}.{r.order} " if priority else ""
    return (
        f"Strategic ambition {reference}{r.title}",
        _strategy_page(names, priority.strategy_id) if priority else None,
    )


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
        lambda r, names: (f"Priority {r.order}. {r.title}", _strategy_page(names, r.strategy_id)),
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


# --- Reading the history ------------------------------------------------------------------------


def _bounds(date_from, date_to) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The local days from and to, inclusive, as aware datetimes; far-off dates mean no bound."""
    start = end = None
    if date_from and date_from > datetime.date(1900, 1, 1):
        start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    if date_to and date_to < datetime.date(9999, 1, 1):
        end = timezone.make_aware(datetime.datetime.combine(date_to, datetime.time.min)) + datetime.timedelta(
            days=1
        )
    return start, end


def _keys(kinds: list[tuple[int, Kind]], partnership, user_id, start, end):
    """(kind index, history id, date) of every matching record of every kind, as one UNION ALL."""
    selects = []
    for index, kind in kinds:
        records = kind.model.history.order_by().filter(kind.scope(partnership))
        if user_id is not None:
            records = records.filter(history_user_id=user_id)
        if start is not None:
            records = records.filter(history_date__gte=start)
        if end is not None:
            records = records.filter(history_date__lt=end)
        selects.append(
            records.annotate(kind_index=Value(index, output_field=IntegerField())).values_list(
                "kind_index", "history_id", "history_date"
            )
        )
    return selects[0].union(*selects[1:], all=True)


def _records(kind: Kind, history_ids: list[int]):
    """The kind's records with these ids, each with its previous record and many-to-many snapshot."""
    history = kind.model.history
    earlier = (
        history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    records = list(
        history.filter(history_id__in=history_ids)
        .select_related("history_user")
        .annotate(previous_history_id=Subquery(earlier))
    )
    previous_ids = [r.previous_history_id for r in records if r.previous_history_id]
    previous = {r.history_id: r for r in history.filter(history_id__in=previous_ids)} if previous_ids else {}
    snapshots = {}
    for m2m in history.model._history_m2m_fields:
        snapshot_model = getattr(history.model, m2m.name).model
        target = snapshot_model._meta.get_field(m2m.m2m_reverse_field_name()).attname
        held = defaultdict(set)
        for history_id, target_id in snapshot_model.objects.filter(
            history_id__in=[*history_ids, *previous_ids]
        ).values_list("history_id", target):
            held[history_id].add(target_id)
        snapshots[m2m] = held
    return records, previous, snapshots


def _raw_changes(record, older, snapshots) -> list[tuple[models.Field, object, object]]:
    """The fields whose values differ between two records of one object, in the model's order."""
    changes = []
    for model_field in record.tracked_fields:
        if model_field.name in HIDDEN_FIELDS or not model_field.editable:
            continue
        old, new = getattr(older, model_field.attname), getattr(record, model_field.attname)
        if old != new:
            changes.append((model_field, old, new))
    for m2m, held in snapshots.items():
        old, new = held.get(older.history_id, set()), held.get(record.history_id, set())
        if old != new:
            changes.append((m2m, old, new))
    return changes


def _shown(model_field: models.Field, value, names: Names) -> Shown:
    """A raw field value as text: names for related objects, labels for choices, dates in words."""
    if model_field.many_to_many:
        text = ", ".join(sorted(names.name(model_field.related_model, pk) for pk in value)) or "None"
    elif value is None or value == "":
        text = NOT_SET
    elif model_field.is_relation:
        text = names.name(model_field.related_model, value)
    elif model_field.choices:
        text = str(dict(model_field.flatchoices).get(value, value))
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    elif isinstance(value, datetime.datetime):
        text = dateformat.format(timezone.localtime(value), "j F Y, g:ia")
    elif isinstance(value, datetime.date):
        text = dateformat.format(value, "j F Y")
    else:
        text = str(value)
    return Shown(text)


def activity_for(
    *,
    partnership: Partnership,
    kinds: Iterable[str] = (),
    user_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    page: int = 1,
) -> ActivityPage:
    """One page of the changes made to the partnership's things, newest first, with the fields changed.

    `kinds` holds keys of KINDS (none means every kind); `user_id` keeps changes made by that person;
    `date_from` and `date_to` are inclusive local dates. A page past the end gives the last page.
    """
    chosen = [(i, kind) for i, kind in enumerate(KINDS) if not kinds or kind.key in kinds]
    if not chosen:
        return ActivityPage(entries=[], number=1, count=0)
    start, end = _bounds(date_from, date_to)
    keys = _keys(chosen, partnership, user_id, start, end)
    count = keys.count()
    number = min(max(page, 1), max(1, math.ceil(count / PER_PAGE)))
    offset = (number - 1) * PER_PAGE
    window = list(keys.order_by("-history_date", "-history_id", "kind_index")[offset : offset + PER_PAGE])

    wanted = defaultdict(list)
    for index, history_id, _ in window:
        wanted[index].append(history_id)
    names = Names(partnership)
    loaded = {}
    for index, history_ids in wanted.items():
        kind = KINDS[index]
        records, previous, snapshots = _records(kind, history_ids)
        for record in records:
            older = previous.get(record.previous_history_id)
            raw = _raw_changes(record, older, snapshots) if older and record.history_type == "~" else []
            for model_field, old, new in raw:
                if model_field.is_relation:
                    for pk in (old, new) if not model_field.many_to_many else (*old, *new):
                        names.want(model_field.related_model, pk)
            for model, pk in kind.refers(record):
                names.want(model, pk)
            loaded[index, record.history_id] = (kind, record, older, raw)
    names.fetch()

    entries = []
    for index, history_id, _ in window:
        kind, record, older, raw = loaded[index, history_id]
        what, url = kind.describe(record, names)
        entries.append(
            Entry(
                kind=kind.key,
                history_id=record.history_id,
                when=record.history_date,
                who=str(record.history_user) if record.history_user else THE_SYSTEM,
                what=what,
                url=url,
                event=EVENTS.get(record.history_type, "changed"),
                reason=record.history_change_reason or "",
                changes=[
                    FieldChange(
                        label=str(model_field.verbose_name),
                        old=_shown(model_field, old, names),
                        new=_shown(model_field, new, names),
                    )
                    for model_field, old, new in raw
                ],
                compared=older is not None or record.history_type != "~",
            )
        )
    return ActivityPage(entries=entries, number=number, count=count)


def page_number(value) -> int:
    """The page asked for in the address, or the first page when it is not a whole number."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


# --- The filters ----------------------------------------------------------------------------------


class ActivityFilterForm(forms.Form):
    """The activity page's filters, read from the address so that a filtered list can be shared."""

    DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]

    kind = forms.MultipleChoiceField(
        label="What changed",
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the kinds of thing listed"},
    )
    person = forms.ModelChoiceField(
        label="Changed by",
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": "Choose a member of this partnership"},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "The ‘from’ date must be a real date, for example 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "The ‘to’ date must be a real date, for example 27/3/2026"},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(memberships__partnership=partnership).order_by(
            "first_name", "last_name", "username"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.checkboxes("kind", legend_size=Size.SMALL, small=True),
            Field.select("person"),
            Field.text("date_from", field_width=10),
            Field.text("date_to", field_width=10),
        )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned
