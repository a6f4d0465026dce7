"""Report tables as an Excel workbook a province officer can open, print and forward as it is.

Each sheet starts with a title row (campaign, unit or province, provisional or final, the day it was made:
dd/mm/yyyy in Vietnamese), then a bold header that stays in view while scrolling (frozen pane), then the
rows. Figures are numbers with a number format, never text: rates as percentages with one decimal
(``0.0%``; Excel shows the decimal mark of the reader's settings), counts as whole numbers, other figures with
two decimals. Columns are as wide as their content (within bounds). A last sheet, "Definitions", says what
every column means, how the rates are weighted and how the verdicts are reached (:mod:`definitions`).

Values come from :func:`survey_app.reports.table.export_frame` (the small-cell rule applied there) and pass
through :func:`analysis.spreadsheet.spreadsheet_safe`, so no text cell can run as a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.spreadsheet import safe_cell, spreadsheet_safe

from .. import formats
from ..models import Campaign
from ..survey.submission import province_today
from . import definitions
from .provisional import provisional_note
from .table import Table, export_frame

FORMATS = {"percent": "0.0%", "count": "#,##0", "number": "0.00", "text": "@"}
TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
#: Header row (the title row is 1); rows from :data:`FIRST_ROW` on hold the data.
HEADER_ROW = 2
FIRST_ROW = 3
MIN_WIDTH, MAX_WIDTH = 8, 60


def title(campaign: Campaign, scope: str, made: date | None = None) -> str:
    """"Khảo sát Quý III/2026 — Toàn tỉnh — Tạm tính — Lập ngày 01/12/2026"."""
    state = _("Provisional") if provisional_note(campaign) else _("Final")
    made_on = _("made on %(day)s", day=formats.date(made or province_today()))
    return " — ".join([campaign.name, scope, state, made_on])


def tables_xlsx(tables: Iterable[Table], heading: str) -> bytes:
    """One sheet per table under the ``heading`` title row, then the "Definitions" sheet."""
    book = Workbook()
    book.remove(book.active)
    shown = list(tables)
    for table in shown:
        write_table(book.create_sheet(sheet_name(str(table.title))), table, heading)
    write_definitions(book.create_sheet(sheet_name(_("Definitions"))), shown, heading)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_name(text: str) -> str:
    """Excel refuses ``[]:*?/\\`` and names longer than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", text)[:31] or "Sheet"


def column_kinds(table: Table) -> list[str]:
    """The number format kind of each column :func:`export_frame` makes (an interval gives two percents)."""
    kinds: list[str] = []
    for column in table.columns:
        if column.kind in ("interval", "percent"):
            kinds += ["percent"] * (2 if column.kind == "interval" else 1)
        elif column.kind in ("count", "rank"):
            kinds.append("count")
        elif column.numeric:
            kinds.append("number")
        else:
            kinds.append("text")
    return kinds


def write_table(sheet: Worksheet, table: Table, heading: str) -> None:
    frame = spreadsheet_safe(export_frame(table))
    kinds = column_kinds(table)
    sheet.append([safe_cell(heading)])
    sheet["A1"].font = TITLE_FONT
    sheet.append(list(frame.columns))
    for cell in sheet[HEADER_ROW]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in frame.itertuples(index=False):
        sheet.append([_value(v, kind) for v, kind in zip(record, kinds, strict=True)])
    for position, kind in enumerate(kinds, start=1):
        if kind != "text":
            for (cell,) in sheet.iter_rows(min_row=FIRST_ROW, min_col=position, max_col=position):
                cell.number_format = FORMATS[kind]
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1)
    fit_widths(sheet, [list(frame.columns)] + [list(map(_shown, r)) for r in frame.itertuples(index=False)])


def _value(value: Any, kind: str) -> Any:
    """A cell's value: a rate as a fraction (the ``0.0%`` format shows it), nothing for a missing figure."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "percent":
        return round(float(value) / 100, 3)
    if kind == "count":
        return int(value)
    if kind == "number":
        return float(value)
    return value


def _shown(value: Any) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else str(value)


def fit_widths(sheet: Any, rows: list[list[str]]) -> None:
    """Each column as wide as its longest text (header and cells), between :data:`MIN_WIDTH` and
    :data:`MAX_WIDTH` characters; a long header wraps instead of widening its column beyond that."""
    widths: dict[int, int] = {}
    for row in rows:
        for position, text in enumerate(row, start=1):
            longest = max((len(line) for line in str(text).splitlines()), default=0)
            widths[position] = max(widths.get(position, 0), longest)
    for position, width in widths.items():
        sheet.column_dimensions[get_column_letter(position)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))


def write_definitions(sheet: Worksheet, tables: list[Table], heading: str) -> None:
    """Every column of every table with what it means, then the weighting and the target rule in words."""
    sheet.append([safe_cell(heading)])
    sheet["A1"].font = TITLE_FONT
    sheet.append([_("Sheet"), _("Column"), _("What it means")])
    for cell in sheet[HEADER_ROW]:
        cell.font = BOLD
    for table in tables:
        frame_columns = list(export_frame(table.__class__(table.name, table.title, table.columns,
                                                          table.frame.iloc[:0])).columns)
        labels = iter(frame_columns)
        for column in table.columns:
            for _copy in range(2 if column.kind == "interval" else 1):
                sheet.append([safe_cell(str(table.title)), safe_cell(next(labels)),
                              definitions.definition(table, column.key)])
    sheet.append([])
    for paragraph in definitions.general():
        sheet.append([None, None, paragraph])
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 100
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
