"""The exception report's items as a CSV file, one row per item, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

CSV_HEADER = [
    "Priority",
    "Strategic ambition",
    "Reference",
    "Action",
    "Lead officer",
    "Lead organisations",
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

# A spreadsheet runs a cell beginning with one of these as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that would run as a formula gets a leading apostrophe."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n")
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def exception_report_csv(*, content: dict) -> str:
    """List the exception report's items as CSV text, one row per item, without a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for section in content.get("sections") or []:
        for ambition in section["ambitions"]:
            for item in ambition["items"]:
                percent = item.get("percent_complete")
                row = [
                    section["priority"],
                    ambition["ambition"],
                    item["reference"],
                    item["title"],
                    item.get("owner") or "",
                    item.get("organisation") or "",
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
                writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue()
