"""Who changed what and when: a partnership's history records across its models, newest first.

`activity_for` reads the django-simple-history tables of every kind of thing the partnership owns
(the kinds, and how each is tied to a partnership, are in `reports.activity_kinds`) and returns one
page of entries, each saying when, who, what, and which fields changed from what to what (compared
by the history engine in `core.history`, as the action page's change history is).

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
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import IntegerField, Value
from django.utils import timezone

from accounts.models import Partnership
from core.history import FieldChange, Revision, revisions
from core.pagination import page_numbers
from reports.activity_kinds import KINDS, ActivityNames, Kind

PER_PAGE = 50


# --- The page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One history record on the page: what it is about, its page, and the record as compared."""

    kind: str
    what: str
    url: str | None
    revision: Revision

    @property
    def key(self) -> str:
        """Unique on the page across kinds, for element ids."""
        return f"{self.kind}-{self.record.history_id}"

    @property
    def record(self):
        return self.revision.record

    @property
    def when(self) -> datetime.datetime:
        return self.revision.when

    @property
    def who(self) -> str:
        return self.revision.who

    @property
    def event(self) -> str:
        return self.revision.event

    @property
    def reason(self) -> str:
        return self.revision.reason

    @property
    def changes(self) -> list[FieldChange]:
        return self.revision.changes

    @property
    def compared(self) -> bool:
        return self.revision.compared


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
        return page_numbers(self.number, self.num_pages)


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
    names = ActivityNames(partnership)
    loaded = {}
    for index, history_ids in wanted.items():
        kind = KINDS[index]
        for revision in revisions(kind.model.history.filter(history_id__in=history_ids), names):
            for model, pk in kind.refers(revision.record):
                names.want(model, pk)
            loaded[index, revision.record.history_id] = (kind, revision)

    entries = []
    for index, history_id, _ in window:
        kind, revision = loaded[index, history_id]
        what, url = kind.describe(revision.record, names)
        entries.append(Entry(kind=kind.key, what=what, url=url, revision=revision))
    return ActivityPage(entries=entries, number=number, count=count)


def page_number(value) -> int:
    """The page asked for in the address, or the first page when it is not a whole number."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
