"""What importing one row does (`RowPlan`, `Outcome`), and the action's fields the row would write."""

import datetime
from dataclasses import dataclass, field

from delivery.imports.columns import HEADINGS
from delivery.models import Action
from priorities.models import StrategicAmbition

TEXT_FIELDS = ("title", "description", "resources", "success_measure")


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowPlan:
    """What importing one row would do, with the values it would write or the problems it has."""

    number: int
    values: dict
    reference: str = ""
    errors: list[dict] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    ambition: StrategicAmbition | None = None
    order: int | None = None
    action: Action | None = None
    changes: list[str] = field(default_factory=list)
    # Each changed field as the preview shows it: {"column": heading, "old": text, "new": text}.
    differences: list[dict] = field(default_factory=list)
    # The headings of the filled fields this row's empty cells leave as they are.
    kept_empty: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.errors:
            return Outcome.ERROR
        if self.action is None:
            return Outcome.CREATE
        return Outcome.UPDATE if self.changes else Outcome.UNCHANGED

    def error(self, key: str, message: str) -> None:
        self.errors.append({"row": self.number, "column": HEADINGS[key], "message": message})

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
        }


def row_data(cleaned: dict, action: Action | None, today: datetime.date) -> dict:
    """The action's fields as the row would leave them, by name, as the delivery services take them.

    The file has no completion date: a completed action keeps the one recorded, else completes today.
    """
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
        )
        if key in cleaned
    }
    if "delegates" in cleaned:
        data["delegates"] = cleaned["delegates"]
    if "partners" in cleaned:
        data["partner_organisations"] = cleaned["partners"]
    if "lead_organisation" in cleaned:
        data["lead_organisation"] = cleaned["lead_organisation"]  # None: the lead officer's organisation
    if "lead_partners" in cleaned:
        data["lead_partners"] = cleaned["lead_partners"]
    status = data.get("status", action.status if action else Action.Status.NOT_STARTED)
    completed_on = action.completed_on if action else None
    data["completed_on"] = (completed_on or today) if status == Action.Status.COMPLETED else None
    return data
