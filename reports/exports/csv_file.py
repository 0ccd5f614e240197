"""The exception report's items as a CSV file, one row per item, safe to open in a spreadsheet.

After the actions come, where the report has them, a row for each performance indicator off target and
for each risk the board paper reports; the "Kind" column says which each row is, and "Value" and
"Target" hold an indicator's value and target, or a risk's residual and target scores.
"""

from __future__ import annotations

import csv
import io

from core.csv_cell import csv_cell
from reports.exceptions import has_ambitions, plan_words
from reports.exports.paper import released_on
from risks.register import Movement


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
        "Kind",
        "Value",
        "Target",
    ]


INDICATOR_KIND = "Indicator off target"
RISK_KIND = "Risk"


# The columns of a three-level report in the original words, as reports published before plans had
# their own words have.
CSV_HEADER = csv_header({})


def exception_report_csv(*, content: dict) -> str:
    """List the exception report's items as CSV text, one row per item, without a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(name) for name in csv_header(content)])  # the words are the strategy's
    ambition_column = has_ambitions(content)
    words = plan_words(content)
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
                    words["action"],
                    "",
                    "",
                ]
                writer.writerow([csv_cell(value) for value in row])
    for row in [*_indicator_rows(content), *_risk_rows(content)]:
        writer.writerow([csv_cell(value) for value in _in_columns(row, ambition_column)])
    return buffer.getvalue()


def _in_columns(row: dict, ambition_column: bool) -> list:
    """An indicator's or a risk's row in the items' columns, the ones that do not apply left empty."""
    return [
        row.get("priority", ""),
        *([""] if ambition_column else []),
        row.get("reference", ""),
        row["title"],
        row.get("owner", ""),
        row.get("organisation", ""),
        "",
        "",
        "",
        row.get("rating", ""),
        "",
        row.get("direction", ""),
        "",
        "",
        "",
        "",
        "",
        row.get("reasons", ""),
        row.get("progress", ""),
        row.get("issues_and_risks", ""),
        row.get("mitigation", ""),
        "",
        row["kind"],
        row.get("value", ""),
        row.get("target", ""),
    ]


def _indicator_rows(content: dict) -> list[dict]:
    period_name = content["period"]["name"]
    return [
        {
            "kind": INDICATOR_KIND,
            "priority": indicator.get("priority") or "",
            "title": indicator["name"],
            "owner": indicator.get("owner") or "",
            "organisation": indicator.get("owner_organisation") or "",
            "rating": indicator.get("rating_label") or "",
            "direction": indicator.get("direction_label") or "",
            "reasons": f"Off target for {period_name}"
            if indicator.get("period") in (None, "", period_name)
            else f"Off target at its latest value, for {indicator['period']}",
            "progress": indicator.get("note") or "",
            "value": indicator.get("value") or "",
            "target": indicator.get("target") or "",
        }
        for indicator in content.get("indicators") or []
    ]


def _risk_rows(content: dict) -> list[dict]:
    risks = content.get("risks")
    if not risks:
        return []
    day, tolerance = released_on(risks), risks.get("tolerance")
    rows = []
    for risk in risks.get("items") or []:
        residual = risk.get("residual") or {}
        reasons = [
            *(["High"] if residual.get("band") == "high" else []),
            *([f"Above the tolerance of {tolerance}"] if risk.get("is_above_tolerance") else []),
            *(["Rising since the release before"] if risk.get("movement") == Movement.UP else []),
        ]
        rows.append(
            {
                "kind": RISK_KIND,
                "priority": "; ".join(p["label"] for p in risk.get("priorities") or []),
                "reference": risk["reference"],
                "title": risk["title"],
                "owner": risk.get("owner") or "",
                "organisation": risk.get("owner_organisation") or "",
                "rating": residual.get("band_label") or "",
                "direction": risk.get("movement_label") or "",
                "reasons": "; ".join([*reasons, f"As released on {day}"]),
                "issues_and_risks": "\n".join(
                    f"{label}: {risk[key]}"
                    for label, key in (("Cause", "cause"), ("Effect", "effect"))
                    if risk.get(key)
                ),
                "progress": f"Existing controls: {risk['existing_controls']}"
                if risk.get("existing_controls")
                else "",
                "mitigation": risk.get("further_actions") or "",
                "value": residual.get("score", ""),
                "target": risk.get("target_score", ""),
            }
        )
    return rows
