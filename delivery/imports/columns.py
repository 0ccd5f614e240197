"""The columns of the delivery-plan spreadsheet: one row per action, one `Column` per field."""

from dataclasses import dataclass

SHEET_TITLE = "Delivery plan"


@dataclass(frozen=True)
class Column:
    """One column of the delivery-plan spreadsheet."""

    key: str
    heading: str
    is_required: bool
    hint: str
    width: int = 20


COLUMNS = (
    Column(
        "reference",
        "Reference",
        True,
        "The action's number: priority.ambition.action, such as 1.2.3 (priority.action, such as 1.3, in "
        "a two-level plan), or the plan's own numbering, such as 2.1.10 or A3, which is kept as published.",
        12,
    ),
    Column(
        "priority",
        "Priority",
        True,
        "The priority's number or title; a title the strategy does not have yet adds that priority. "
        "May be left empty when the reference is priority.ambition.action.",
        28,
    ),
    Column(
        "ambition",
        "Strategic ambition",
        True,
        "The ambition's number within its priority, or its title; a new title adds that ambition. May "
        "be left empty. Not used in a two-level plan.",
        32,
    ),
    Column("title", "Action", True, "What will be done, in up to 300 characters.", 40),
    Column("description", "Description", False, "More detail, if needed.", 40),
    Column(
        "owner",
        "Owner email",
        False,
        "The lead officer, one person: their email address or name, such as Sam Jones. Someone who "
        "is not a member yet is listed to invite. Empty: the lead organisation's nominated contact "
        "answers for the returns.",
        30,
    ),
    Column(
        "delegates",
        "Delegate emails",
        False,
        "Email addresses or names of people who may update progress for the owner, separated by commas.",
        30,
    ),
    Column(
        "partners",
        "Partner organisations",
        False,
        "The partners, separated by commas: organisations by name or short name, such as LFB, MPS; "
        "any other partner, such as third sector, is kept as written.",
        24,
    ),
    Column(
        "starts_on",
        "Start date",
        False,
        "DD/MM/YYYY, such as 01/04/2024, or a month, quarter or year (its first day is taken). May be empty.",
        14,
    ),
    Column(
        "due_on",
        "Due date",
        True,
        "As the plan writes it: a date (31/03/2025), a month (March 2025), a quarter (Q3 2024/25), "
        "a financial year (2024/25), a year (2028) or Ongoing. On or after the start.",
        16,
    ),
    Column(
        "status",
        "Status",
        False,
        "Not started, In progress, Outstanding, Completed (or Complete, Done), Cancelled or On hold. "
        "Empty: not started, or unchanged.",
        14,
    ),
    Column("resources", "Resources or funding", False, "Any resources or funding note.", 30),
    Column("success_measure", "Success measure", False, "How the partnership will know it worked.", 30),
    Column(
        "due_revision_reason",
        "Why the due date changed",
        False,
        "Needed when the row moves an existing action's due date; leave empty otherwise.",
        30,
    ),
    # Columns added later come last, so that files written before them keep their columns' places.
    Column(
        "lead_organisation",
        "Lead organisation",
        False,
        "The agency that leads the action: its name or short name, such as LFB. Empty: the lead "
        "officer's organisation for a new action; an existing action keeps its lead.",
        24,
    ),
    Column(
        "lead_partners",
        "Joint lead organisations",
        False,
        "Further agencies that lead it jointly, by name or short name, separated by commas.",
        24,
    ),
    Column(
        "completed_on",
        "Date completed",
        False,
        "For a completed action, the day it was completed (DD/MM/YYYY): it is rated Blue in the "
        "reporting period containing that day. May be empty.",
        14,
    ),
    Column(
        "tags",
        "Themes and places",
        False,
        "Cross-cutting themes and places, separated by commas, such as VAWG, Town centre.",
        24,
    ),
)
# The optional text and list columns whose empty cell leaves an existing action's field as it is,
# unless the person importing asks for the fields the file leaves empty to be cleared.
CLEARABLE = (
    "owner",
    "description",
    "delegates",
    "partners",
    "resources",
    "success_measure",
    "lead_organisation",
    "lead_partners",
    "completed_on",
    "tags",
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADINGS = {column.key: column.heading for column in COLUMNS}


def required_keys(strategy) -> set[str]:
    """The columns a file for this strategy must have: a two-level plan has no ambitions."""
    keys = {column.key for column in COLUMNS if column.is_required}
    return keys if strategy is None or strategy.has_ambitions else keys - {"ambition"}
