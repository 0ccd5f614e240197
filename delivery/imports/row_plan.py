"""What importing one row does (`RowPlan`, `Outcome`), the action's fields the row would write, and
what a checked file needs beside its rows (`import_summary`: people to invite, new priorities)."""

from dataclasses import dataclass, field

from core.ratings import Rating
from delivery.imports.columns import HEADINGS
from delivery.models import Action, ReportingPeriod
from priorities.models import StrategicAmbition

TEXT_FIELDS = ("title", "description", "resources", "success_measure")


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Completion:
    """A completion the row makes: the open reporting period it is rated Blue in (None: not rated),
    and what the preview says about it."""

    period: ReportingPeriod | None
    note: str


@dataclass(frozen=True)
class PastReturn:
    """A return the row brings for a reporting period that has started: written as a submitted update,
    unless the action already has a submitted one for that period (`kept`)."""

    period: ReportingPeriod
    rating: str
    narrative: str
    kept: bool = False

    def as_json(self) -> dict:
        return {
            "period": self.period.name,
            "rating": Rating(self.rating).label,
            "has_narrative": bool(self.narrative),
            "kept": self.kept,
        }


@dataclass
class RowPlan:
    """What importing one row would do, with the values it would write or the problems it has."""

    number: int
    values: dict
    reference: str = ""
    errors: list[dict] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    # Unsaved (no pk) when the file makes it: the import creates it with its priority if that is new.
    ambition: StrategicAmbition | None = None
    order: int | None = None
    action: Action | None = None
    changes: list[str] = field(default_factory=list)
    # Each changed field as the preview shows it: {"column": heading, "old": text, "new": text}.
    differences: list[dict] = field(default_factory=list)
    # The headings of the filled fields this row's empty cells leave as they are.
    kept_empty: list[str] = field(default_factory=list)
    # People named who are not members, as written, by column key ("owner", "delegates").
    to_invite: dict[str, list[str]] = field(default_factory=dict)
    new_priority: str = ""
    new_ambition: str = ""
    completion: Completion | None = None
    returns: list[PastReturn] = field(default_factory=list)
    # What the preview says about the row beside its changes: partners kept as written, completion.
    notes: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.errors:
            return Outcome.ERROR
        if self.action is None:
            return Outcome.CREATE
        return Outcome.UPDATE if self.changes else Outcome.UNCHANGED

    def error(self, key: str, message: str, *, column: str | None = None) -> None:
        """A problem of the row in the column of `key`, named `column` when it is not a plan's field
        (a past return's column)."""
        self.errors.append({"row": self.number, "column": column or HEADINGS[key], "message": message})

    def as_json(self) -> dict:
        return {
            "row": self.number,
            "values": self.values,
            "outcome": self.outcome,
            "reference": self.reference,
            "title": self.values.get("title", ""),
            "action": self.action.pk if self.action else None,
            "changes": self.changes,
            "differences": self.differences,
            "kept_empty": self.kept_empty,
            "to_invite": [name for names in self.to_invite.values() for name in names],
            "new_priority": self.new_priority,
            "new_ambition": self.new_ambition,
            "notes": self.notes,
            "returns": [past_return.as_json() for past_return in self.returns],
        }


def row_data(cleaned: dict, action: Action | None) -> dict:
    """The action's fields as the row would leave them, by name, as the delivery services take them
    (`tags` as names, made into the partnership's themes when written).

    A completed action keeps the file's completion date, else the one recorded, else none: never the
    day of the import. A date the file gives an action that is not completed is left for the validator
    to refuse."""
    data = {
        key: cleaned[key]
        for key in (
            *TEXT_FIELDS,
            "starts_on",
            "due_on",
            "due_timescale",
            "due_revision_reason",
            "owner",
            "status",
            "other_partners",
            "published_reference",
            "tags",
            "delegates",
            "lead_organisation",  # None: the lead officer's organisation
            "lead_partners",
        )
        if key in cleaned
    }
    if "partners" in cleaned:
        data["partner_organisations"] = cleaned["partners"]
    status = data.get("status", action.status if action else Action.Status.NOT_STARTED)
    if "completed_on" in cleaned:
        data["completed_on"] = cleaned["completed_on"]
    else:
        recorded = action.completed_on if action else None
        data["completed_on"] = recorded if status == Action.Status.COMPLETED else None
    return data


def import_summary(rows: list[dict]) -> dict:
    """What a checked file needs beside its rows, for its preview: the people it names who are not
    members (`people_to_invite`: name as first written, and the rows), the priorities and
    strategic ambitions it adds, and how many past returns it writes and keeps as already reported."""
    people: dict[str, dict] = {}
    for row in rows:
        for name in row.get("to_invite", []):
            person = people.setdefault(" ".join(name.casefold().split()), {"name": name, "rows": []})
            if row["row"] not in person["rows"]:
                person["rows"].append(row["row"])
    returns = [r for row in rows if row["outcome"] != Outcome.ERROR for r in row.get("returns", [])]
    return {
        "people_to_invite": list(people.values()),
        "returns_to_write": sum(1 for r in returns if not r["kept"]),
        "returns_kept": sum(1 for r in returns if r["kept"]),
        "new_priorities": list(dict.fromkeys(r["new_priority"] for r in rows if r.get("new_priority"))),
        "new_ambitions": list(dict.fromkeys(r["new_ambition"] for r in rows if r.get("new_ambition"))),
    }
