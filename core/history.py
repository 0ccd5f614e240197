"""What changed between consecutive history records of an object, as a reader sees it.

Every page that shows history (an action's change history, the partnership's activity page) reads
django-simple-history records through `revisions`: it loads each record with the record before it
and the many-to-many members the object had at each point, lists the fields whose values differ,
and asks a `Names` for every object those values refer to. Once the names are fetched (one query
per model, the first time a name is needed), a revision's `changes` say which field changed from
what to what: under the field's verbose name, with choice labels, names for related objects and
dates in words.

Queries stay constant whatever the records: the records (with the id of each one's previous record
as a subquery), the previous records not among them, and one query for the many-to-many fields.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator

SUMMARY_LENGTH = 120
NOT_SET = "Not set"
NO_ONE = "None"  # an empty set of related objects, such as no delegates
THE_SYSTEM = "the system"
# Bookkeeping that changes at every save and means nothing to a reader.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "partnership"})
EVENTS = {"+": "created", "~": "changed", "-": "deleted"}
CHANGE_REASON_LENGTH = 100  # django-simple-history's history_change_reason column


def change_reason(text: str) -> str:
    """Text cut to fit a history record's change reason; the whole text is kept on the record itself."""
    text = " ".join(text.split())
    if len(text) <= CHANGE_REASON_LENGTH:
        return text
    return text[: CHANGE_REASON_LENGTH - 1].rstrip() + "…"


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


class Names:
    """The live objects that history records refer to, fetched in one query per model when first needed.

    `lookups` says where each model's objects may be found (for example only in one partnership), so
    that an object outside it is never fetched and its name cannot leak: it reads as deleted. A model
    with no lookup is never fetched.
    """

    def __init__(self, lookups: Mapping[type[models.Model], Callable[[], models.QuerySet]]):
        self.lookups = lookups
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.asked: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = defaultdict(dict)

    def want(self, model: type[models.Model], pk) -> None:
        """Note an object whose name will be needed, so that it is fetched with the others."""
        if pk is not None and pk not in self.asked[model]:
            self.wanted[model].add(pk)

    def get(self, model: type[models.Model], pk) -> models.Model | None:
        """The live object, or None when it is deleted, out of the lookup's reach, or was not wanted."""
        for wanted_model, ids in self.wanted.items():
            lookup = self.lookups.get(wanted_model)
            if lookup is not None:
                self.found[wanted_model].update({obj.pk: obj for obj in lookup().filter(pk__in=ids)})
            self.asked[wanted_model] |= ids
        self.wanted.clear()
        return self.found[model].get(pk)

    def name(self, model: type[models.Model], pk) -> str:
        obj = self.get(model, pk)
        return str(obj) if obj is not None else f"Deleted {model._meta.verbose_name} ({pk})"


def shown(model_field: models.Field, value, names: Names) -> Shown:
    """A field's stored value as text: names for related objects, labels for choices, dates in words."""
    if model_field.many_to_many:
        text = ", ".join(sorted(names.name(model_field.related_model, pk) for pk in value)) or NO_ONE
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


@dataclass(eq=False)
class Revision:
    """One history record of an object and what it changed since the record before it (`older`)."""

    record: models.Model
    older: models.Model | None
    raw: list[tuple[models.Field, object, object]]  # (field, old value, new value) as stored
    names: Names = field(repr=False)

    @property
    def when(self) -> datetime.datetime:
        return self.record.history_date

    @property
    def who(self) -> str:
        return str(self.record.history_user) if self.record.history_user_id else THE_SYSTEM

    @property
    def event(self) -> str:
        """ "created", "changed" or "deleted"."""
        return EVENTS.get(self.record.history_type, "changed")

    @property
    def reason(self) -> str:
        return self.record.history_change_reason or ""

    @property
    def is_earliest(self) -> bool:
        """True when no earlier record of the object is kept."""
        return self.older is None

    @property
    def compared(self) -> bool:
        """False for a change with no earlier record to compare it with."""
        return not self.is_earliest or self.event != "changed"

    @cached_property
    def changes(self) -> list[FieldChange]:
        """The fields that changed, in the model's order, from what to what."""
        return [
            FieldChange(
                label=str(model_field.verbose_name),
                old=shown(model_field, old, self.names),
                new=shown(model_field, new, self.names),
            )
            for model_field, old, new in self.raw
        ]


def revisions(history: models.QuerySet, names: Names, *, exclude: Collection[str] = ()) -> list[Revision]:
    """The history records of `history`, in its order, each with what it changed since the one before.

    Only changes ("~" records) are compared; a creation or deletion lists no fields. `exclude` names
    fields to leave out besides the bookkeeping in HIDDEN_FIELDS. Every related object that a changed
    value refers to is wanted from `names`.
    """
    manager = history.model._default_manager
    earlier = (
        manager.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    records = list(history.select_related("history_user").annotate(previous_history_id=Subquery(earlier)))
    # Fetched even when among `records`, so that the number of queries never depends on the data.
    previous_ids = {r.previous_history_id for r in records} - {None}
    previous = {r.history_id: r for r in manager.filter(history_id__in=previous_ids)}
    m2m_fields = [m2m for m2m in history.model._history_m2m_fields if m2m.name not in exclude]
    members = _members(history.model, m2m_fields, [r.history_id for r in records] + [*previous_ids])

    found = []
    for record in records:
        older = previous.get(record.previous_history_id)
        raw = _raw(record, older, members, exclude) if older and record.history_type == "~" else []
        for model_field, old, new in raw:
            if model_field.is_relation:
                for pk in (*old, *new) if model_field.many_to_many else (old, new):
                    names.want(model_field.related_model, pk)
        found.append(Revision(record=record, older=older, raw=raw, names=names))
    return found


def _members(historical_model, m2m_fields, history_ids) -> dict[models.Field, dict[int, set]]:
    """Per many-to-many field, the ids of the related objects the object had at each record: one UNION
    ALL of the fields' snapshot tables."""
    members = {m2m: defaultdict(set) for m2m in m2m_fields}

    def held(index: int, m2m: models.Field) -> models.QuerySet:
        snapshot_model = getattr(historical_model, m2m.name).model
        target = snapshot_model._meta.get_field(m2m.m2m_reverse_field_name()).attname
        return (
            snapshot_model.objects.filter(history_id__in=history_ids)
            .annotate(field=Value(index, output_field=models.IntegerField()))
            .values_list("field", "history_id", target)
        )

    if m2m_fields:
        first, *others = (held(index, m2m) for index, m2m in enumerate(m2m_fields))
        for index, history_id, target_id in first.union(*others, all=True):
            members[m2m_fields[index]][history_id].add(target_id)
    return members


def _raw(record, older, members, exclude) -> list[tuple[models.Field, object, object]]:
    """The fields whose stored values differ between two records of one object, in the model's order."""
    changes = []
    for model_field in record.tracked_fields:
        if model_field.name in HIDDEN_FIELDS or model_field.name in exclude or not model_field.editable:
            continue
        old, new = getattr(older, model_field.attname), getattr(record, model_field.attname)
        if old != new:
            changes.append((model_field, old, new))
    for m2m, held in members.items():
        old, new = held.get(older.history_id, set()), held.get(record.history_id, set())
        if old != new:
            changes.append((m2m, old, new))
    return changes
