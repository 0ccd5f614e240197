"""A meeting's agenda and minutes in the shape councils publish, for print and as Word (.docx).

`meeting_paper` puts the meeting into words once; the print pages and `meeting_docx` lay those words
out. The shape: the partnership's protective marking at top and bottom, "DRAFT" on minutes not yet
approved, the partnership and body, date, time and place, who was present and who sent apologies,
then "Agenda item N", the title and presenter, "Minutes:", the text and "RESOLVED that ..." in bold;
then the matters arising (open board actions from earlier meetings of the same body) and the
meeting's board actions as tables.
"""

from __future__ import annotations

import io
import re

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify

from core.dates import long_date
from core.docx import (
    add_details,
    add_heading_row,
    keep_rows_whole,
    new_document,
    new_table,
    page_setup,
    set_cell_text,
)
from core.text import running_head
from meetings.models import AgendaItem, Attendance, BoardAction, Meeting

AGENDA = "agenda"
MINUTES = "minutes"
BOARD_ACTION_COLUMNS = ("What", "Owner", "Raised", "Due", "Status")


def meeting_for_paper(*, partnership, pk: int) -> QuerySet[Meeting]:
    """The meeting with everything its paper shows, in a fixed number of queries."""
    return (
        Meeting.objects.filter(partnership=partnership, pk=pk)
        .select_related("partnership", "body")
        .prefetch_related(
            Prefetch(
                "agenda_items", queryset=AgendaItem.objects.order_by("order").prefetch_related("documents")
            ),
            Prefetch("attendances", queryset=Attendance.objects.select_related("organisation")),
            Prefetch(
                "board_actions",
                queryset=BoardAction.objects.select_related("owner", "owner_organisation", "meeting"),
            ),
        )
    )


def paragraphs_of(text: str) -> list[list[str]]:
    """Plain text as paragraphs, each a list of lines: a blank line starts a paragraph."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))
    return [[line.strip() for line in block.strip().split("\n")] for block in blocks if block.strip()]


def _owner(board_action: BoardAction) -> str:
    names = []
    if board_action.owner:
        names.append(board_action.owner.get_full_name() or board_action.owner.username)
    if board_action.owner_organisation:
        names.append(board_action.owner_organisation.short_name or board_action.owner_organisation.name)
    return ", ".join(names) or "Not given"


def _board_action_row(board_action: BoardAction) -> dict:
    return {
        "pk": board_action.pk,
        "cells": [
            board_action.description,
            _owner(board_action),
            long_date(board_action.meeting.held_on),
            long_date(board_action.due_on) if board_action.due_on else "Not set",
            board_action.get_status_display(),
        ],
    }


def _attendee(attendance: Attendance) -> str:
    organisation = attendance.organisation.short_name or attendance.organisation.name
    if attendance.status == Attendance.Status.SUBSTITUTE:
        return f"{attendance.substitute} ({organisation}, substitute for {attendance.name})"
    return f"{attendance.name} ({organisation})"


def meeting_paper(meeting: Meeting, *, kind: str) -> dict:
    """The agenda or the minutes of a meeting, in words (see the module docstring)."""
    is_minutes = kind == MINUTES
    attendances = list(meeting.attendances.all())
    by_status = {status: [] for status in Attendance.Status.values}
    for attendance in attendances:
        by_status[attendance.status].append(attendance)
    attendance = []
    present = by_status[Attendance.Status.PRESENT] + by_status[Attendance.Status.SUBSTITUTE]
    apologies = by_status[Attendance.Status.APOLOGIES] + by_status[Attendance.Status.SUBSTITUTE]
    for label, rows in (("Present", present), ("Apologies", apologies), ("Absent", by_status["absent"])):
        if rows:
            names = [_attendee(a) if label == "Present" else _attendee_own(a) for a in rows]
            attendance.append({"label": label, "names": sorted(names, key=str.casefold)})
    items = []
    for item in meeting.agenda_items.all():
        items.append(
            {
                "number": item.order,
                "heading": f"Agenda item {item.order}",
                "title": item.title,
                "presenter": item.presenter,
                "minutes": paragraphs_of(item.minutes) if is_minutes else [],
                "resolution": item.resolution if is_minutes else "",
                "documents": [{"title": d.title, "url": d.url or ""} for d in item.documents.all()],
            }
        )
    heading = "Minutes" if is_minutes else "Agenda"
    draft = is_minutes and meeting.status != Meeting.Status.MINUTES_APPROVED
    matters_arising = BoardAction.objects.matters_arising_for(meeting).select_related(
        "owner", "owner_organisation", "meeting"
    )
    return {
        "kind": kind,
        "heading": heading,
        "title": f"{meeting.body.name}: {heading.lower()}, {long_date(meeting.held_on)}",
        "partnership": meeting.partnership.name,
        "body": meeting.body.name,
        "marking": meeting.partnership.protective_marking,
        "draft": draft,
        "running_head": running_head(meeting.partnership.protective_marking, is_draft=draft),
        "details": [
            *([("Meeting", meeting.title)] if meeting.title != meeting.body.name else []),
            ("Date", long_date(meeting.held_on)),
            *([("Time", meeting.starts_in_words)] if meeting.starts_at else []),
            ("Place", meeting.place_in_words),
            ("Status", meeting.get_status_display()),
        ],
        "attendance": attendance,
        "items": items,
        "columns": BOARD_ACTION_COLUMNS,
        "matters_arising": [_board_action_row(a) for a in matters_arising],
        "board_actions": [_board_action_row(a) for a in meeting.board_actions.all()],
        "drawn_on": meeting.held_on,
    }


def _attendee_own(attendance: Attendance) -> str:
    """The member themselves, for the apologies and absent lists."""
    organisation = attendance.organisation.short_name or attendance.organisation.name
    return f"{attendance.name} ({organisation})"


def meeting_file_name(meeting: Meeting, *, kind: str) -> str:
    """For example safer-bromley-board-2023-11-28-minutes: partnership, body, date, kind; no spaces."""
    body = meeting.body.name
    if body.casefold().startswith(meeting.partnership.name.casefold()):
        body = body[len(meeting.partnership.name) :]
    return "-".join(
        part
        for part in (
            meeting.partnership.slug,
            slugify(body) or "meeting",
            meeting.held_on.isoformat(),
            kind,
        )
        if part
    )


def _board_action_table(document, rows: list[dict], *, caption: str) -> None:
    table = new_table(document, rows=len(rows) + 1, widths=[70, 35, 25, 25, 15], caption=caption)
    add_heading_row(table, BOARD_ACTION_COLUMNS)
    for row, line in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, line["cells"], strict=True):
            set_cell_text(cell, text, size=9)
    keep_rows_whole(table)


def meeting_docx(paper: dict) -> bytes:
    """Lay out the agenda or minutes (`meeting_paper`) as a Word document and return its bytes."""
    document = new_document(
        title=paper["title"],
        subject=f"{paper['partnership']}: {paper['body']}",
        author=paper["partnership"],
        keywords=paper["kind"],
        drawn_on=paper["drawn_on"],
    )
    page_setup(document, title=paper["title"], running_head=paper["running_head"])

    if paper["draft"]:
        draft = document.add_paragraph()
        draft.add_run("DRAFT: these minutes are not yet approved.").bold = True
    document.add_paragraph(paper["partnership"])
    document.add_heading(f"{paper['body']}: {paper['heading']}", level=0)
    add_details(document, paper["details"])

    if paper["attendance"]:
        document.add_heading("Attendance", level=1)
        for group in paper["attendance"]:
            document.add_heading(group["label"], level=2)
            for name in group["names"]:
                document.add_paragraph(name, style="List Bullet")

    if paper["matters_arising"]:
        document.add_heading("Matters arising", level=1)
        document.add_paragraph("Open board actions from earlier meetings of the " + paper["body"] + ".")
        _board_action_table(document, paper["matters_arising"], caption="Matters arising")

    for item in paper["items"]:
        document.add_heading(item["heading"], level=1)
        document.add_heading(item["title"], level=2)
        if item["presenter"]:
            presenter = document.add_paragraph()
            presenter.add_run("Presented by: ").bold = True
            presenter.add_run(item["presenter"])
        if paper["kind"] == MINUTES:
            document.add_paragraph().add_run("Minutes:").bold = True
            for lines in item["minutes"]:
                paragraph = document.add_paragraph()
                for index, line in enumerate(lines):
                    run = paragraph.add_run(line)
                    if index < len(lines) - 1:
                        run.add_break()
            if item["resolution"]:
                document.add_paragraph().add_run(item["resolution"]).bold = True
        if item["documents"]:
            document.add_paragraph().add_run("Supporting documents:").bold = True
            for doc in item["documents"]:
                text = f"{doc['title']} ({doc['url']})" if doc["url"] else doc["title"]
                document.add_paragraph(text, style="List Bullet")

    if paper["board_actions"]:
        document.add_heading("Board actions", level=1)
        _board_action_table(document, paper["board_actions"], caption="Board actions from this meeting")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
