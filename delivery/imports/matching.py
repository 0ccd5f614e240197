"""Matching a spreadsheet's own headings to the plan's fields: what a partnership chose before, else a
suggestion, and whether a choice of columns can be imported.

A heading is compared as `heading_normalised` says, and remembered that way (`ImportColumnMatch`):
so "Lead Agency", "lead  agency" and "LEAD AGENCY" in full-width letters are one. The
columns are read from `COLUMNS`, so a column added there can be matched without a change here.
"""

import difflib
import re
import unicodedata

from delivery.imports.columns import COLUMNS, HEADINGS, required_keys
from delivery.imports.returns import column_headings, periods_started, return_suggested
from delivery.models import ImportColumnMatch

HEADING_MAX_LENGTH = ImportColumnMatch._meta.get_field("heading").max_length
CLOSE_ENOUGH = 0.8  # difflib's ratio: "Timescales" for "Timescale", "Refference" for "Reference"

# Headings published plans use for the plan's fields (compared normalised, as `heading_normalised`).
SYNONYMS = {
    "reference": ("ref", "ref.", "ref no", "ref no.", "no", "no.", "number", "#", "id", "action reference"),
    "priority": ("theme", "strategic priority", "priority area", "aim", "aims", "priorities"),
    "ambition": ("objective", "objectives", "ambition", "priority action", "outcome area", "workstream"),
    "title": (
        "deliverable",
        "deliverables",
        "activity",
        "activities",
        "actions",
        "task",
        "what we will do",
        "what will be done",
    ),
    "description": ("details", "detail", "more detail", "description of action"),
    "owner": (
        "lead officer",
        "nominated lead officer",
        "named lead",
        "lead person",
        "responsible officer",
        "action owner",
        "owner",
    ),
    "delegates": ("delegates", "delegate"),
    "partners": (
        "partners",
        "partner agencies",
        "key partners",
        "supporting partners",
        "partner organisation",
        "in collaboration with",
    ),
    "starts_on": ("start", "starts", "start by", "from"),
    "due_on": (
        "timescale",
        "timescales",
        "by when",
        "target date",
        "deadline",
        "due",
        "completion date",
        "end date",
        "timeframe",
        "time frame",
        "when",
    ),
    "status": ("progress status", "current status", "status update"),
    "resources": ("resources", "resource", "funding", "budget", "resources required", "cost"),
    "success_measure": (
        "measure of success",
        "measures of success",
        "success measures",
        "success criteria",
        "performance measure",
        "how we will measure success",
        "outcome",
        "outcomes",
        "kpi",
    ),
    "due_revision_reason": ("reason for revised timescale", "reason for change"),
    "lead_organisation": (
        "lead agency",
        "lead partner",
        "lead",
        "lead organization",
        "responsible agency",
        "lead body",
        "agency",
    ),
    "lead_partners": ("joint lead", "joint leads", "joint lead partners", "joint lead agencies", "co-lead"),
}


def heading_cleaned(heading: str) -> str:
    """A heading as the page shows it: invisible and control characters (a zero-width space, a
    right-to-left override) dropped, line breaks and runs of spaces made one space."""
    return " ".join(
        "".join(c for c in heading if c.isspace() or unicodedata.category(c) not in {"Cf", "Cc"}).split()
    )


def heading_normalised(heading: str) -> str:
    """A heading as it is compared and remembered: cleaned, NFKC and lower case."""
    return heading_cleaned(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", heading).lower()))


def _without_notes(normalised: str) -> str:
    """A heading without a bracketed note or the "*" of a required column: "due date (dd/mm/yyyy) *"."""
    return " ".join(re.sub(r"\(.*?\)", "", normalised).replace("*", "").split())


TEMPLATE_COLUMNS = {heading_normalised(column.heading): column.key for column in COLUMNS}


def template_column(heading: str) -> str | None:
    """The column a template heading names, case, spacing and a note such as "(DD/MM/YYYY)" aside."""
    return TEMPLATE_COLUMNS.get(_without_notes(heading_normalised(heading)))


def columns_remembered(*, partnership, headings: list[str]) -> dict[str, str]:
    """What the partnership matched these headings to before, by normalised heading ("" not imported)."""
    keys = {heading_normalised(heading) for heading in headings} - {""}
    return dict(
        ImportColumnMatch.objects.filter(partnership=partnership, heading__in=keys).values_list(
            "heading", "column"
        )
    )


def columns_known(
    *, headings: list[str], remembered: dict[str, str], positions: list[int], fields: dict | None = None
) -> dict[int, str] | None:
    """The field at each position when every column is a template heading or one matched before.

    None when any column needs matching, including a column of values without a heading, which
    nothing can have been matched to. A column matched to "Do not import" is left out. `fields`:
    what a column can hold (`column_headings`), the plan's fields unless given.
    """
    fields = HEADINGS if fields is None else fields
    columns = {}
    for position in positions:
        normalised = heading_normalised(headings[position])
        if not normalised:
            return None
        key = remembered[normalised] if normalised in remembered else template_column(headings[position])
        if key is None or (key and key not in fields):
            return None  # a field that is no longer imported (or a period gone) is matched again
        if key:
            columns[position] = key
    return columns


def columns_suggested(
    *, headings: list[str], remembered: dict[str, str], positions: list[int], strategy
) -> dict[int, str]:
    """A field for each column the matching page can start from, each field at most once.

    What the partnership chose before comes first, then the template's own heading, the strategy's
    words for its levels, the headings published plans use, a reporting period's rating or progress
    (`return_suggested`), and last a close spelling of any of them.
    """
    words = _known_words(strategy)
    fields = column_headings(strategy)
    periods = periods_started(strategy.partnership)
    candidates = []  # (rank, position, key): the lowest rank wins a field
    for position in positions:
        normalised = heading_normalised(headings[position])
        if not normalised:
            continue
        if normalised in remembered:
            candidates.append((0.0, position, remembered[normalised]))
            continue
        plain = _without_notes(normalised)
        if plain in words:
            candidates.append((1.0, position, words[plain]))
            continue
        if past_return := return_suggested(normalised, periods):
            candidates.append((1.5, position, past_return))
            continue
        close = difflib.get_close_matches(plain, list(words), n=1, cutoff=CLOSE_ENOUGH)
        if close:
            ratio = difflib.SequenceMatcher(None, plain, close[0]).ratio()
            candidates.append((3.0 - ratio, position, words[close[0]]))
    # A two-level plan's file has no ambitions to suggest (its template's column stays empty).
    unsuggested = set() if strategy.has_ambitions else {"ambition"}
    suggested: dict[int, str] = {}
    for _, position, key in sorted(candidates):
        if key in fields and key not in unsuggested and key not in suggested.values():
            suggested[position] = key
    return suggested


def _known_words(strategy) -> dict[str, str]:
    """Every heading known for a field, normalised: synonyms, then the strategy's words, then the
    template's headings, each later one winning where two name the same words."""
    words = {word: key for key, synonyms in SYNONYMS.items() for word in synonyms}
    words[heading_normalised(strategy.priority_word)] = "priority"
    if strategy.has_ambitions:
        words[heading_normalised(strategy.ambition_word)] = "ambition"
    words[heading_normalised(strategy.action_word)] = "title"
    words.update(TEMPLATE_COLUMNS)
    return words


def column_choices(strategy) -> list[tuple[str, str]]:
    """The fields a column can be matched to, as the template names them, then each started period's
    rating and progress (`column_headings`), and "Do not import"."""
    return [("", "Do not import"), *column_headings(strategy).items()]


def columns_problems(*, columns: dict[int, str], strategy) -> tuple[dict[int, str], list[str]]:
    """Why a choice of columns cannot be imported: fields chosen twice, by position, and the required
    fields not chosen at all."""
    fields = column_headings(strategy)
    positions_of: dict[str, list[int]] = {}
    for position, key in sorted(columns.items()):
        positions_of.setdefault(key, []).append(position)
    twice = {}
    for key, positions in positions_of.items():
        if len(positions) > 1:
            for position in positions:
                twice[position] = (
                    f"“{fields.get(key, key)}” is chosen for {len(positions)} columns: choose it for one"
                )
    missing = [
        fields[column.key]
        for column in COLUMNS
        if column.key in required_keys(strategy) - set(columns.values())
    ]
    return twice, missing


def headings_in_words(headings: list[str]) -> str:
    """Headings as a sentence lists them: "Reference, Priority and Due date"."""
    return ", ".join(headings[:-1]) + f" and {headings[-1]}" if len(headings) > 1 else "".join(headings)
