"""The delivery-plan workbooks: the empty template and the export of a strategy's plan (.xlsx)."""

import io

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.models import Organisation
from core.timescales import ONGOING
from delivery.imports.columns import COLUMNS, SHEET_TITLE
from delivery.models import Action
from priorities.models import Priority, StrategicAmbition, Strategy


def plan_template_xlsx(*, strategy: Strategy | None) -> bytes:
    """An empty delivery-plan spreadsheet, with a sheet of guidance and the strategy's priorities."""
    return _workbook(strategy=strategy, actions=[])


def plan_export_xlsx(*, strategy: Strategy) -> bytes:
    """The strategy's delivery plan in the template's columns, ready to be changed and imported again."""
    actions = (
        Action.objects.filter(ambition__priority__strategy=strategy)
        .select_related("ambition__priority__strategy", "owner", "lead_organisation")
        .prefetch_related("delegates", "partner_organisations", "lead_partners", "tags")
        .in_order()
    )
    return _workbook(strategy=strategy, actions=actions)


def _text(value: str) -> str:
    """Text a spreadsheet keeps as text: "=…" gets the apostrophe that the import takes off again."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    return f"'{value}" if value.startswith("=") else value


def _name(title: str, number: int) -> str | int:
    # A title that is all digits would read back as a number, so give the number itself.
    return number if title.strip().isdigit() or not title.strip() else _text(title)


def _workbook(*, strategy: Strategy | None, actions) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([column.heading for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    for action in actions:
        priority = action.ambition.priority
        partners = sorted(_text(o.short_name) for o in action.partner_organisations.all())
        sheet.append(
            [
                _text(action.reference),
                _name(priority.title, priority.order),
                _name(action.ambition.title, action.ambition.order)
                if priority.strategy.has_ambitions
                else "",
                _text(action.title),
                _text(action.description),
                (action.owner.email or action.owner.username) if action.owner else "",
                ", ".join(sorted(u.email or u.username for u in action.delegates.all())),
                ", ".join([*partners, _text(action.other_partners)] if action.other_partners else partners),
                action.starts_on,
                action.due_timescale or action.due_on or ONGOING,
                action.get_status_display(),
                _text(action.resources),
                _text(action.success_measure),
                "",  # why the due date changed: filled in only to move it
                _text(action.lead_organisation.short_name) if action.lead_organisation else "",
                ", ".join(sorted(_text(o.short_name) for o in action.lead_partners.all())),
                action.completed_on,
                ", ".join(_text(tag.name) for tag in action.tags.all()),
            ]
        )
    date_columns = [
        i for i, c in enumerate(COLUMNS, start=1) if c.key in ("starts_on", "due_on", "completed_on")
    ]
    for row in sheet.iter_rows(min_row=2):
        for i in date_columns:
            row[i - 1].number_format = "DD/MM/YYYY"
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    _guidance_sheet(workbook.create_sheet("How to fill this in"), strategy)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _guidance_sheet(sheet, strategy: Strategy | None) -> None:
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90
    sheet.append(["Delivery plan: one row per action", ""])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        ["", "Fill in the “Delivery plan” sheet. A .csv file with the same column headings works too."]
    )
    sheet.append(
        ["", "A row whose reference is an existing action's updates it; any other row creates an action."]
    )
    sheet.append(["", "Actions not in the file are left as they are. Formulas are not allowed: type values."])
    sheet.append([])
    sheet.append(["Column", "What to enter"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sheet.append([column.heading, column.hint + ("" if column.is_required else " Optional column.")])
    if strategy is None:
        return
    sheet.append([])
    if strategy.has_ambitions:
        sheet.append([f"Priorities and strategic ambitions of {_text(strategy.title)}", ""])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        ambitions = StrategicAmbition.objects.filter(priority__strategy=strategy).select_related("priority")
        for ambition in ambitions.order_by("priority__order", "order"):
            sheet.append(
                [_text(ambition.reference), f"{_text(ambition.priority.title)}: {_text(ambition.title)}"]
            )
    else:
        sheet.append([f"Priorities of {_text(strategy.title)} (two levels: no strategic ambitions)", ""])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for priority in Priority.objects.filter(strategy=strategy).order_by("order"):
            sheet.append([_text(priority.reference), _text(priority.title)])
    sheet.append([])
    sheet.append(["Partner organisations", ""])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for organisation in Organisation.objects.filter(partnership_id=strategy.partnership_id).order_by(
        "short_name"
    ):
        sheet.append([_text(organisation.short_name), _text(organisation.name)])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
