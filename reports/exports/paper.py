"""The exception report as a paper, in words: what the Word file and the PDF both show.

`paper_in_words()` turns the report's content dict (the same for a live draft and a frozen, published
report) into display strings in reading order; `reports.exports.word` and `reports.exports.pdf` lay the
same strings out, so the two files hold the same words in the same order.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone

from accounts.models import ProtectiveMarking
from core.ratings import DIRECTION_COMPARED, DIRECTION_LEGEND
from core.templatetags.govuk import due_in_words, long_date
from core.text import count_of, in_sentence, lead_in_words, running_head
from reports.exceptions import has_ambitions, plan_words
from reports.models import items_of
from risks.register import Movement
from risks.scoring import IMPACT_WORDS, LIKELIHOOD_WORDS, Band


def _count_of_actions(count: int, words: dict) -> str:
    """A count of actions in the plan's word, "1 action" or "3 deliverables"."""
    return f"{count} {in_sentence(words['action'] if count == 1 else words['actions'])}"


def _lead(person: str, organisation: str) -> str:
    """A lead as "London Borough of Bromley (Helen Ward)", agency first, leaving out whatever is blank."""
    return lead_in_words([organisation] if organisation else [], person)


def _count_with_change(*, now: int, before: int | None) -> str:
    """A summary count with its change since the previous period, "3 (+1)", or "3" when unchanged."""
    if before is None or now == before:
        return str(now)
    return f"{now} ({now - before:+d})"


def _details(content: dict) -> list[tuple[str, str]]:
    """The paper's front matter as label and value pairs: partnership, period, meeting, version, date."""
    period = content["period"]
    meeting = content.get("meeting")
    version = content.get("version")
    details = [
        ("Partnership", content["partnership"]),
        ("Strategy", content["strategy"]),
        (
            "Reporting period",
            f"{period['name']}: {long_date(period['starts_on'])} to {long_date(period['ends_on'])}",
        ),
        ("Updates due by", long_date(period.get("update_deadline"))),
    ]
    if meeting:
        details.append(("Meeting", f"{meeting['title']}, {long_date(meeting['held_on'])}"))
    if version:
        details.append(("Version", str(version)))
    else:
        details.append(("Status", "Draft, not yet published to a meeting"))
    details.append(("Drawn on", long_date(content["drawn_on"])))
    return [(label, value) for label, value in details if value]


def _summary(content: dict, words: dict) -> dict:
    """The summary table as rows of display strings, a totals row last."""
    summary = content["summary"]
    compare = bool(content.get("previous_period"))
    ratings = summary["ratings"]

    def cells(counts: dict, previous: dict | None) -> list[str]:
        return [
            _count_with_change(
                now=counts.get(r["rating"], 0),
                before=(previous or {}).get(r["rating"], 0) if compare else None,
            )
            for r in ratings
        ]

    rows = [
        {
            "priority": row["priority"],
            "lead": _lead(row.get("lead") or "", row.get("lead_organisation") or "") or "Not assigned",
            "cells": cells(row["counts"], row.get("previous_counts")),
            "total": str(row["total"]),
        }
        for row in summary["rows"]
    ]
    totals = summary["totals"]
    period_name = content["period"]["name"]
    caption = f"{words['actions']} by rating and {in_sentence(words['priority'])}, {period_name}"
    if compare:
        caption += f", with the change since {content['previous_period']['name']} in brackets"
    return {
        "caption": caption,
        "priority_heading": words["priority"],
        "ratings": ratings,
        "rows": rows,
        "totals": {
            "priority": f"All {in_sentence(words['priorities'])}",
            "lead": "",
            "cells": cells(totals["counts"], totals.get("previous_counts")),
            "total": str(totals["total"]),
        },
    }


def _item_rows(item: dict, *, previous_period: dict | None) -> list[dict]:
    """An item's two-column table, row by row: a label with text (a rating's shaded) or a list of lines."""
    before_label = f"Rating in {previous_period['name']}" if previous_period else "Rating before"
    percent = item.get("percent_complete")
    rows = [
        {
            "label": "Lead",
            "text": item.get("lead") or _lead(item.get("owner") or "", item.get("organisation") or ""),
        },
        {
            "label": "Partners",
            "text": ", ".join([*item.get("partners", []), item.get("other_partners") or ""]),
        },
        {"label": "Themes and places", "text": ", ".join(item.get("tags", []))},
        {"label": "Rating now", "text": item["rating_label"], "rating": item["rating"]},
        {
            "label": before_label,
            "text": item.get("previous_rating_label") or "No update",
            "rating": item.get("previous_rating") or "",
        },
        {"label": "Direction of travel", "text": item["direction"]},
        {"label": "% complete", "text": "Not given" if percent is None else f"{percent}%"},
        {
            "label": "Due",
            "text": due_in_words(
                item.get("due_on"),
                item.get("due_timescale"),
                item.get("due_revised_on") or item.get("original_due_on"),
                item.get("original_due_on"),
                item.get("due_revision_reason"),
            ),
        },
        {"label": "Why it is reported", "lines": list(item.get("reasons") or [])},
        {"label": "Progress", "text": item.get("narrative") or ""},
        {"label": "Issues and risks", "text": item.get("issues_and_risks") or ""},
        {"label": "Mitigation", "text": item.get("mitigation") or ""},
        {"label": "Board ask", "text": item.get("board_ask") or ""},
    ]
    optional = {"Partners", "Themes and places", "Progress", "Issues and risks", "Mitigation", "Board ask"}
    return [
        {"text": "", "lines": None, "rating": "", **row}
        for row in rows
        if row["label"] not in optional or row["text"].strip()
    ]


DEFAULT_MARKING = ProtectiveMarking.OFFICIAL


def board_paper_cover(*, partnership, meeting=None, agenda_item=None, author=None) -> dict:
    """What the board paper's cover says beyond the report's content, from the records as they stand:
    the protective marking, the body and date of the meeting, the agenda item, and the report's author
    and contact (the publisher; for a draft the administrator drawing it, or "Draft")."""
    return {
        "marking": partnership.protective_marking or DEFAULT_MARKING,
        "body": meeting.body.name if meeting else "",
        "meeting_date": meeting.held_on.isoformat() if meeting else None,
        "agenda_item": (
            (f"Agenda item {agenda_item.order}", agenda_item.title) if agenda_item is not None else None
        ),
        "author": (author.get_full_name() or author.email) if author else "Draft",
        "contact": author.email if author else "",
    }


def _file_name_part(text: str) -> str:
    """Text as part of a file name: letters and digits, every other run of characters one hyphen."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def board_paper_filename(*, partnership_slug: str, period_name: str, version: int | None) -> str:
    """The paper's file name without its extension, with no spaces: the partnership, the period and the
    version, e.g. safer-bromley-exception-report-Q2-2026-27-v2, or ...-draft before publication."""
    edition = f"v{version}" if version else "draft"
    parts = [_file_name_part(partnership_slug), "exception-report", _file_name_part(period_name), edition]
    return "-".join(part for part in parts if part)


def _cover_details(content: dict, cover: dict) -> list[tuple[str, str]]:
    """The cover's lines before the report's own details: to whom, when, which item, by whom."""
    meeting = content.get("meeting") or {}
    meeting_date = cover.get("meeting_date") or meeting.get("held_on")
    details = [
        ("Report to", cover.get("body") or ""),
        ("Date of meeting", long_date(meeting_date) if meeting_date else ""),
    ]
    if cover.get("agenda_item"):
        details.append(tuple(cover["agenda_item"]))
    details += [("Report author", cover.get("author") or ""), ("Contact", cover.get("contact") or "")]
    return [(label, value) for label, value in details if value]


def _purpose(content: dict, words: dict, cover: dict) -> str:
    """One sentence on what the paper is for, from its period and strategy."""
    period = content["period"]
    to = cover.get("body") or "the Board"
    strategy = f" on {content['strategy']}" if content.get("strategy") else ""
    parts = [f"the {in_sentence(words['actions'])} reported by exception"]
    if content.get("indicators") is not None:
        parts.append("the performance indicators off target")
    if "risks" in content:
        parts.append("the risks the board should see from the risk register")
    return (
        f"To report to {to}{strategy} for {period['name']} ({long_date(period['starts_on'])} to "
        f"{long_date(period['ends_on'])}): {', '.join(parts)}, and what the Board is asked to decide or "
        "provide."
    )


RISK_REGISTER_NOT_RELEASED = "The risk register has not been released to the board."


def released_on(risks: dict) -> str:
    """The day a release in a report was made, as "3 November 2026", in the service's time zone."""
    return long_date(timezone.localtime(datetime.fromisoformat(risks["released_at"])).date())


def _indicators(content: dict, words: dict) -> dict | None:
    """The performance indicators off target, as a table; None when the report has no such section
    (its rule was off, or it was published before indicators reached the report)."""
    indicators = content.get("indicators")
    if indicators is None:
        return None
    period_name = content["period"]["name"]
    total = content.get("indicator_count") or 0
    if not total:
        intro = "The strategy has no performance indicators."
    elif indicators:
        intro = (
            f"{len(indicators)} of the strategy's {count_of(total, 'performance indicator')} "
            f"{'is' if len(indicators) == 1 else 'are'} off target for {period_name}: further from "
            "the target than the indicator's tolerance allows."
        )
    else:
        intro = (
            f"No performance indicator is off target for {period_name}. "
            f"The strategy has {count_of(total, 'performance indicator')}."
        )

    def value_of(indicator: dict) -> str:
        value = indicator.get("value") or "No value"
        earlier = indicator.get("period")
        return f"{value} ({earlier})" if earlier and earlier != period_name else value

    return {
        "heading": "Performance indicators off target",
        "intro": intro,
        "caption": f"Performance indicators off target, {period_name}",
        "headings": [
            "Indicator",
            words["priority"],
            "Value",
            "Target",
            "Rating",
            "Direction of travel",
            "Note",
        ],
        "rows": [
            {
                "name": indicator["name"],
                "url": indicator.get("url") or "",
                "owner": _lead(indicator.get("owner") or "", indicator.get("owner_organisation") or ""),
                "priority": indicator.get("priority") or "The whole strategy",
                "value": value_of(indicator),
                "target": indicator.get("target") or "No target set",
                "rating": indicator.get("rating") or "",
                "rating_label": indicator.get("rating_label") or "",
                "direction": indicator.get("direction_label") or "",
                "note": indicator.get("note") or "",
            }
            for indicator in indicators
        ],
    }


def _heat_map(risks: dict, day: str) -> dict:
    """The heat map as a table: impact down the side (most severe first), likelihood across, and in
    each cell the number of open risks with its band, then their references."""
    grid = risks.get("heat_map") or []
    return {
        "caption": f"Open risks by likelihood and impact with controls, as released on {day}: the "
        "number of risks in each cell, its band, and their references",
        "corner": "Impact (down) by likelihood (across)",
        "likelihoods": [
            f"Likelihood {cell['likelihood']} ({LIKELIHOOD_WORDS.get(cell['likelihood'], '')})"
            for cell in (grid[0] if grid else [])
        ],
        "rows": [
            {
                "impact": f"Impact {row[0]['impact']} ({IMPACT_WORDS.get(row[0]['impact'], '')})",
                "cells": [
                    {
                        "count": len(cell.get("references") or []),
                        "band": cell.get("band") or "",
                        "text": f"{len(cell.get('references') or [])} ({_band_label(cell.get('band'))})",
                        "references": ", ".join(cell.get("references") or []),
                    }
                    for cell in row
                ],
            }
            for row in grid
            if row
        ],
    }


def _band_label(band: str | None) -> str:
    return Band(band).label if band in Band.values else ""


def _risk_row(risk: dict) -> dict:
    residual = risk.get("residual") or {}
    movement = risk.get("movement")
    before = risk.get("previous_residual_score")
    moved = f" (from {before})" if movement in (Movement.UP, Movement.DOWN) and before is not None else ""
    return {
        "reference": risk["reference"],
        "title": risk["title"],
        "owner": _lead(risk.get("owner") or "", risk.get("owner_organisation") or "") or "Not assigned",
        "score": f"{residual.get('score', '')} ({residual.get('band_label') or _band_label(residual.get('band'))})",
        "band": residual.get("band") or "",
        "movement": f"{risk.get('movement_label') or Movement.WORDS.get(movement, '')}{moved}",
        "further_actions": risk.get("further_actions") or "",
    }


def _risks(content: dict) -> dict | None:
    """The risk register as last released to the board: the counts, the heat map and the risks that are
    high, above tolerance or rising; None when the report has no such section."""
    if "risks" not in content:
        return None
    risks = content["risks"]
    if risks is None:
        return {"heading": "Risk register", "is_released": False, "intro": RISK_REGISTER_NOT_RELEASED}
    day = released_on(risks)
    counts = risks.get("counts") or {}
    tolerance = risks.get("tolerance")
    items = risks.get("items") or []
    return {
        "heading": "Risk register",
        "is_released": True,
        "url": risks.get("url") or "",
        "released_on": day,
        "intro": f"As released to the board on {day} by {risks.get('released_by') or 'an administrator'}.",
        "counts_caption": f"Open risks in the register as released on {day}",
        "counts": [
            ("Open risks", str(counts.get("open", 0))),
            ("High", str(counts.get("high", 0))),
            (
                f"Above the tolerance of {tolerance}" if tolerance else "Above tolerance",
                str(counts.get("above_tolerance", 0)),
            ),
            ("Rising since the release before", str(counts.get("rising", 0))),
            ("Reviews overdue", str(counts.get("review_overdue", 0))),
        ],
        "heat_map_heading": "Heat map",
        "heat_map": _heat_map(risks, day),
        # For the risks app's heat map (templates/risks/includes/_heat_map.html), which the page and the
        # PDF draw from a register's content: the report's part of the release. Its cells carry their
        # own movement, so every risk that moved is marked, reported or not.
        "content": risks,
        "risks_heading": "High, above tolerance and rising risks",
        "risks_intro": (
            f"{count_of(len(items), 'open risk')} {'is' if len(items) == 1 else 'are'} high, above "
            f"the tolerance{f' of {tolerance}' if tolerance else ''} or rising since the release before."
            if items
            else "No open risk is high, above tolerance or rising."
        ),
        "caption": f"High, above tolerance and rising risks, as released on {day}",
        "headings": ["Reference", "Risk", "Owner", "Residual score", "Movement", "Further actions"],
        "rows": [_risk_row(risk) for risk in items],
    }


def _headlines(content: dict, words: dict) -> list[str]:
    """The summary's first lines: how many actions are reported, and, where the report has them, how
    many indicators are off target and how many risks are reported."""
    lines = []
    indicators = content.get("indicators")
    if indicators is not None:
        total = content.get("indicator_count") or 0
        lines.append(
            f"{len(indicators)} of {count_of(total, 'performance indicator')} "
            f"{'is' if len(indicators) == 1 else 'are'} off target."
            if total
            else "The strategy has no performance indicators."
        )
    if "risks" in content:
        risks = content["risks"]
        if risks is None:
            lines.append(RISK_REGISTER_NOT_RELEASED)
        else:
            reported = len(risks.get("items") or [])
            lines.append(
                f"{count_of(reported, 'risk')} {'is' if reported == 1 else 'are'} reported from the risk "
                f"register as released on {released_on(risks)}."
            )
    if lines:
        count = content.get("item_count") or 0
        lines.insert(
            0, f"{_count_of_actions(count, words)} {'is' if count == 1 else 'are'} reported by exception."
        )
    return lines


def _recommendations(content: dict) -> list[str]:
    """One recommendation a board ask, in report order; "note the report" when there are none."""
    asks = [
        f"respond to the board ask on {item['reference']} {item['title']}: {' '.join(item['board_ask'].split())}"
        for item in items_of(content)
        if (item.get("board_ask") or "").strip()
    ]
    return asks or ["note the report."]


def _item_summary(content: dict, words: dict) -> dict:
    """The one-line-per-item summary table: reference, action, lead, rating now and before, why."""
    return {
        "caption": f"{words['actions']} reported by exception, {content['period']['name']}, one a line",
        "headings": ["Reference", words["action"], "Lead", "Rating now", "Rating before", "Why reported"],
        "rows": [
            {
                "reference": item["reference"],
                "title": item["title"],
                "lead": item.get("lead") or _lead(item.get("owner") or "", item.get("organisation") or ""),
                "rating": item["rating"],
                "rating_label": item["rating_label"],
                "previous_rating": item.get("previous_rating") or "",
                "previous_rating_label": item.get("previous_rating_label") or "No update",
                "why": "; ".join(item.get("reasons") or []),
            }
            for item in items_of(content)
        ],
    }


def paper_in_words(content: dict, cover: dict | None = None) -> dict:
    """Everything the Word file and the PDF show, as display strings in reading order. `cover` is
    `board_paper_cover(...)`; without it the cover has only what the content holds."""
    cover = cover or {}
    marking = cover.get("marking") or DEFAULT_MARKING
    is_draft = not content.get("version")
    period_name = content["period"]["name"]
    on_track = content.get("on_track_count") or 0
    item_count = content.get("item_count") or 0
    previous_period = content.get("previous_period")
    words = plan_words(content)
    levels = in_sentence(words["priority"])
    if has_ambitions(content):
        levels += f" and {in_sentence(words['ambition'])}"
    return {
        "title": f"Exception report: {period_name}",
        "partnership": content["partnership"],
        "drawn_on": content["drawn_on"],
        "marking": marking,
        "is_draft": is_draft,
        "running_head": running_head(marking, is_draft=is_draft),
        "cover": _cover_details(content, cover),
        "details": _details(content),
        "purpose": _purpose(content, words, cover),
        "recommendations_intro": "The Board is asked to:",
        "recommendations": _recommendations(content),
        "item_summary": _item_summary(content, words),
        "why_reported": f"Why {in_sentence(words['actions'])} are reported",
        "rules_intro": f"{words['actions']} are reported by exception when any of these hold:",
        "rules": list(content.get("rules") or []),
        "summary": _summary(content, words),
        "reported": (
            f"{_count_of_actions(item_count, words)} {'is' if item_count == 1 else 'are'} reported by "
            f"exception, set out below by {levels}."
            if item_count
            else f"No {in_sentence(words['action'])} is reported by exception for this period."
        ),
        "sections": [
            {
                "priority": section["priority"],
                "lead": _lead(section.get("lead") or "", section.get("lead_organisation") or "")
                or "Not assigned",
                "ambitions": [
                    {
                        "ambition": ambition["ambition"],
                        "items": [
                            {
                                "reference": item["reference"],
                                "heading": f"{item['reference']} {item['title']}",
                                "rows": _item_rows(item, previous_period=previous_period),
                            }
                            for item in ambition["items"]
                        ],
                    }
                    for ambition in section["ambitions"]
                ],
            }
            for section in content.get("sections") or []
        ],
        "headlines": _headlines(content, words),
        "indicators": _indicators(content, words),
        "risks": _risks(content),
        "on_track_heading": f"{words['actions']} on track",
        "on_track": f"{_count_of_actions(on_track, words)} on track, not reported by exception.",
        "legend": content.get("legend") or [],
        "direction_compared": DIRECTION_COMPARED,
        "direction_legend": [{"label": label, "meaning": meaning} for label, meaning in DIRECTION_LEGEND],
    }
