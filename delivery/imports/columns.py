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
        "reference", "Reference", True, "The action's number: priority.ambition.action, such as 1.2.3.", 12
    ),
    Column("priority", "Priority", True, "The priority's number or title. May be left empty.", 28),
    Column(
        "ambition",
        "Strategic ambition",
        True,
        "The ambition's number within its priority, or its title. May be left empty.",
        32,
    ),
    Column("title", "Action", True, "What will be done, in up to 300 characters.", 40),
    Column("description", "Description", False, "More detail, if needed.", 40),
    Column(
        "owner",
        "Owner email",
        True,
        "The email address of the one person accountable: an active member of the partnership.",
        30,
    ),
    Column(
        "delegates",
        "Delegate emails",
        False,
        "Email addresses of people who may update progress for the owner, separated by commas.",
        30,
    ),
    Column(
        "partners",
        "Partner organisations",
        False,
        "Short names of the partner organisations, separated by commas, such as LFB, MPS.",
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
        "Not started, In progress, Completed, Cancelled or On hold. Empty: not started, or unchanged.",
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
    # The lead agencies come last, so that files written before them keep their columns' places.
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
)
# The optional text and list columns whose empty cell leaves an existing action's field as it is,
# unless the person importing asks for the fields the file leaves empty to be cleared.
CLEARABLE = (
    "description",
    "delegates",
    "partners",
    "resources",
    "success_measure",
    "lead_organisation",
    "lead_partners",
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADINGS = {column.key: column.heading for column in COLUMNS}
