"""Read the cells of an XLSForm workbook, ``.xlsx`` or ``.xls``, by the range that holds values only.

Why a reader of our own rather than openpyxl's sheets as they come: LibreOffice saves a styled last row as
row 1 048 576 with 1 024 columns, and walking that declared range took a minute; a ``.xls`` needs xlrd; and
what a spreadsheet can hide from its values (merged cells, formulas saved without their result, a header
written twice) must be reported to the author rather than guessed. The file's first bytes, not its name,
decide how it is read, so a renamed file is read as what it is, and a CSV or a document gets a message.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MERGE = re.compile(rb'<mergeCell[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')
#: A cell holding a formula (``<f>``), with what follows it up to the end of the cell.
FORMULA = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>((?:(?!</c>).)*?<f[ >/](?:(?!</c>).)*)</c>', re.S)
CACHED = re.compile(rb"<v>[^<]+</v>")
#: The sheets the importer reads; others (help sheets, external choices) are left closed.
SHEETS = ("survey", "choices", "settings")


@dataclass
class Sheet:
    """One sheet: ``rows`` maps a 1-based row number to its cells (trailing blanks cut); blank rows absent."""

    name: str
    rows: dict[int, list[object]] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Book:
    """The sheets of a workbook keyed by lower-case name (XLSForm sheet names are case-insensitive)."""

    file: str
    sheets: dict[str, Sheet]


def _trimmed(cells: list[object]) -> list[object]:
    cells = [None if isinstance(cell, str) and not cell.strip() else cell for cell in cells]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def read_book(path: str | os.PathLike[str], wanted: tuple[str, ...] = SHEETS) -> tuple[Book | None, list[Problem]]:
    """The workbook's sheets, or ``None`` and the reason it cannot be read as a workbook."""
    file = os.fspath(path)
    try:
        with open(file, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        return None, [Problem.of(file, 0, "", "unreadable", detail=error.strerror or str(error))]
    try:
        if head.startswith(ZIP_MAGIC):
            return _read_xlsx(file, wanted)
        if head == OLE_MAGIC:
            return _read_xls(file, wanted)
    except Exception as error:  # noqa: BLE001 - a damaged workbook must give a message, never a traceback
        return None, [Problem.of(file, 0, "", "damaged_workbook", detail=f"{type(error).__name__}: {error}")]
    code = "not_workbook_text" if _looks_like_text(file) else "not_workbook"
    return None, [Problem.of(file, 0, "", code)]


def _looks_like_text(file: str) -> bool:
    with open(file, "rb") as handle:
        sample = handle.read(4096)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def _read_xlsx(file: str, wanted: tuple[str, ...]) -> tuple[Book | None, list[Problem]]:
    import openpyxl

    # A handle rather than the name: openpyxl refuses a name not ending in .xlsx, the content decides here.
    with zipfile.ZipFile(file) as archive, open(file, "rb") as handle:
        if "xl/workbook.xml" not in archive.namelist():
            return None, [Problem.of(file, 0, "", "not_workbook")]
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        sheets: dict[str, Sheet] = {}
        titles = [worksheet.title.strip().lower() for worksheet in book.worksheets]
        for worksheet in book.worksheets:
            key = _key(worksheet.title, titles)
            if key not in wanted or key in sheets:
                continue
            sheet = sheets[key] = Sheet(worksheet.title)
            for number, cells in _written_rows(book, worksheet):
                cells = _trimmed(cells)
                if cells:
                    sheet.rows[number] = cells
            path = getattr(worksheet, "_worksheet_path", "")
            if path in archive.namelist():
                xml = archive.read(path)
                sheet.merged = [match.group(1).decode() for match in MERGE.finditer(xml)]
                sheet.formulas = [(int(match.group(2)), _column_index(match.group(1).decode()))
                                  for match in FORMULA.finditer(xml) if not CACHED.search(match.group(3))]
        book.close()
    return Book(file, sheets), []


def _written_rows(book: Any, worksheet: Any) -> Iterator[tuple[int, list[object]]]:
    """``(row number, values)`` of the rows written in the sheet's XML, and of no other row.

    openpyxl's own iteration fills the gap up to a styled row 1 048 576 with two million empty rows (most of a
    LibreOffice workbook's reading time); its sheet parser, used here, yields only the rows in the file.
    """
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        source = worksheet._get_source()
        parser = WorkSheetParser(source, worksheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
    except (ImportError, AttributeError, TypeError):  # another openpyxl: its public, slower iteration
        worksheet.reset_dimensions()
        yield from ((number, list(row)) for number, row in enumerate(worksheet.iter_rows(values_only=True), 1)
                    if row)
        return
    with source:
        for number, parsed in parser.parse():
            values: list[object] = []
            for cell in parsed:
                column = cell.get("column") or len(values) + 1
                values.extend([None] * (column - 1 - len(values)))
                values.append(cell.get("value"))
            yield number, values


def _column_index(letters: str) -> int:
    """The 1-based column of spreadsheet letters (A → 1, AA → 27)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _read_xls(file: str, wanted: tuple[str, ...]) -> tuple[Book | None, list[Problem]]:
    import xlrd

    book = xlrd.open_workbook(file, formatting_info=True, on_demand=True, ragged_rows=True)
    sheets: dict[str, Sheet] = {}
    titles = [name.strip().lower() for name in book.sheet_names()]
    for index, name in enumerate(book.sheet_names()):
        if _key(name, titles) not in wanted or _key(name, titles) in sheets:
            continue
        worksheet = book.sheet_by_index(index)
        sheet = Sheet(worksheet.name)
        for number in range(worksheet.nrows):
            types = worksheet.row_types(number)
            if not any(kind not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) for kind in types):
                continue
            cells = _trimmed([_xls_value(cell, book.datemode) for cell in worksheet.row(number)])
            if cells:
                sheet.rows[number + 1] = cells
        sheet.merged = [f"{_column(c0)}{r0 + 1}:{_column(c1 - 1)}{r1}" for r0, r1, c0, c1 in worksheet.merged_cells
                        if (r1 - r0, c1 - c0) != (1, 1)]
        sheets[_key(name, titles)] = sheet
        book.unload_sheet(index)
    book.release_resources()
    return Book(file, sheets), []


def _key(title: str, titles: list[str]) -> str:
    """A sheet's key: its lower-case name; a workbook of one sheet not named survey holds the survey."""
    key = title.strip().lower()
    return "survey" if len(titles) == 1 and key not in SHEETS else key


def _xls_value(cell: object, datemode: int) -> object:
    import xlrd

    kind, value = cell.ctype, cell.value  # type: ignore[attr-defined]
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError):
            return value
    if kind == xlrd.XL_CELL_NUMBER and float(value).is_integer():
        return int(value)
    return value


def _column(index: int) -> str:
    """The spreadsheet letters of a 0-based column (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_letter(index: int) -> str:
    """Public form of `_column`, for messages that name a cell."""
    return _column(index)
