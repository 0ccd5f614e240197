"""The exception report's items as a CSV file, one row per item, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from core.csv_cell import csv_cell
from reports.exceptions import has_ambitions, plan_words


def csv_header(content: dict) -> list[str]:
    """The columns, the first named as the report's strategy names its levels; a two-level strategy's
    report has no ambition column."""
    words = plan_words(content)
    return [
        words["priority"],
        *([words["ambition"]] if has_ambitions(content) else []),
        "Reference",
        words["action"],
        "Lead officer",
        "Lead organisations",
        "Partners",
        "Other partners",
        "Themes and places",
        "Rating",
        "Previous rating",
        "Direction of travel",
        "Per cent complete",
        "Due date",
        "Due timescale",
        "Original due date",
        "Why the due date was revised",
        "Reasons",
        "Progress",
        "Issues and risks",
        "Mitigation",
        "Board ask",
    ]


# The columns of a three-level report in the original words, as reports published before plans had
# their own words have.
CSV_HEADER = csv_header({})


def exception_report_csv(*, content: dict) -> str:
    """List the exception report's items as CSV text, one row per item, without a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(name) for name in csv_header(content)])  # the words are the strategy's
    ambition_column = has_ambitions(content)
    for section in content.get("sections") or []:
        for ambition in section["ambitions"]:
            for item in ambition["items"]:
                percent = item.get("percent_complete")
                row = [
                    section["priority"],
                    *([ambition["ambition"]] if ambition_column else []),
                    item["reference"],
                    item["title"],
                    item.get("owner") or "",
                    item.get("organisation") or "",
                    ", ".join(item.get("partners") or []),
                    item.get("other_partners") or "",
                    ", ".join(item.get("tags") or []),
                    item["rating_label"],
                    item.get("previous_rating_label") or "No update",
                    item["direction"],
                    "" if percent is None else percent,
                    item.get("due_on") or "",
                    item.get("due_timescale") or "",
                    item.get("original_due_on") or "",
                    item.get("due_revision_reason") or "",
                    "; ".join(item.get("reasons") or []),
                    item.get("narrative") or "",
                    item.get("issues_and_risks") or "",
                    item.get("mitigation") or "",
                    item.get("board_ask") or "",
                ]
                writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()
