"""The raw responses as an XLSX file that leaves the server while it is being written, in bounded memory.

An XLSX file is a zip archive; the rows live in one member, ``xl/worksheets/sheet1.xml``. openpyxl's write-only
mode writes that member's XML row by row, but into a temporary file that it copies into the archive only when
the whole workbook is saved — the first byte would leave after the last row was read — and it spends about 15 µs
on each cell (an lxml element per cell): some twenty minutes for a million responses. Here the member is opened
in the archive first (:meth:`zipfile.ZipFile.open` in write mode, which on an unseekable output compresses as
it goes and puts the sizes after the data) and its rows are written as SpreadsheetML text, a batch at a time:
numbers as ``<v>``, text as inline strings (so no table of distinct strings grows in memory), the day as a
date serial with a date style. Everything else comes from openpyxl: the sheet's frozen pane, column widths and
format (its own objects, serialised by it), the styles those cells refer to (bold header, title, date format:
registered through :class:`~openpyxl.cell.WriteOnlyCell`), and, once the rows are done, the other members
(styles, workbook, relationships, the codebook sheet) written by its :class:`~openpyxl.writer.excel.ExcelWriter`
into the same archive, which only skips the sheets already there (:class:`_Writer`). What stays in memory is one
batch of rows and the zip directory.

Each sheet holds at most :data:`MAX_ROWS` rows (Excel's limit is 1 048 576); more go on further sheets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

from .workbook import BOLD, FIRST_ROW, TITLE_FONT, sheet_name

#: Data rows per sheet: Excel's 1 048 576 rows less the title and header rows.
MAX_ROWS = 1_048_576 - 2
#: Distinct texts whose cell XML is kept for reuse before the memo is emptied (comments rarely repeat).
TEXT_CACHE = 50_000
#: Day 0 of Excel's date serials (1900 system, as Excel counts it).
EPOCH = date(1899, 12, 30)


class _Sink:
    """A write-only, unseekable output that keeps what was written until it is taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


class _Writer(ExcelWriter):  # type: ignore[misc]
    """openpyxl's workbook writer, except that the sheets in ``streamed`` are already in the archive."""

    def __init__(self, workbook: Workbook, archive: ZipFile, streamed: list[Any]) -> None:
        super().__init__(workbook, archive)
        self._streamed = streamed

    def write_worksheet(self, ws: Any) -> None:
        if not any(ws is s for s in self._streamed):
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._rels = RelationshipList()
        self.manifest.append(ws)


def xlsx_chunks(heading: str, header: list[str], widths: list[float], batches: Iterable[list[list[Any]]],
                extra: Callable[[Workbook], None], sheet_title: str,
                number_formats: dict[int, str] | None = None) -> Iterator[bytes]:
    """The workbook's bytes as they are made: a title row, a bold frozen header, then the rows of ``batches``
    (each a list of columns); ``extra`` adds sheets after the data (written once the rows are done);
    ``number_formats`` gives the format of some columns by position (from 0): dates there become serials."""
    sink = _Sink()
    # Deflate level 1: three times faster than the default at a size a little larger (most cells repeat).
    archive = ZipFile(sink, "w", ZIP_DEFLATED, compresslevel=1)  # type: ignore[call-overload]
    book = Workbook(write_only=True)
    streamed: list[Any] = []
    member: Any = None
    try:
        rows = _rows(batches)
        pending: list[tuple[Any, ...]] | None = None
        while True:
            sheet = book.create_sheet(sheet_name(sheet_title if not streamed else
                                                 f"{sheet_title} ({len(streamed) + 1})"))
            streamed.append(sheet)
            member = archive.open(f"xl/worksheets/sheet{len(streamed)}.xml", "w", force_zip64=True)
            writer = _SheetXml(sheet, widths, number_formats or {})
            member.write(writer.top(heading, header))
            yield sink.take()  # the first bytes leave before any row is read
            if not streamed[1:]:
                pending = next(rows, None)
            written = 0
            while pending is not None and written < MAX_ROWS:
                room = MAX_ROWS - written
                chunk, rest = pending[:room], pending[room:]
                pending = rest if rest else next(rows, None)
                member.write(writer.rows(chunk))
                written += len(chunk)
                data = sink.take()
                if data:
                    yield data
            member.write(b"</sheetData></worksheet>")
            member.close()
            member = None
            if pending is None:
                break
    except GeneratorExit:  # the client went away: close the member and the archive quietly
        for step in ([member.close] if member is not None else []) + [archive.close]:
            with contextlib.suppress(Exception):
                step()
        raise
    extra(book)
    _Writer(book, archive, streamed).save()
    yield sink.take()


def _rows(batches: Iterable[list[list[Any]]]) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of columns as batches of rows."""
    for columns in batches:
        rows = list(zip(*columns, strict=True))
        if rows:
            yield rows


class _SheetXml:
    """The XML text of one streamed sheet: the top (from openpyxl's objects), then rows."""

    def __init__(self, sheet: Any, widths: list[float], number_formats: dict[int, str]) -> None:
        sheet.freeze_panes = f"A{FIRST_ROW}"
        for position, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        self.sheet = sheet
        self.letters = [get_column_letter(p) for p in range(1, len(widths) + 1)]
        self.dates = {position: self._style(number_format=fmt) for position, fmt in number_formats.items()}
        self.row = 0
        #: The XML of text cells already written (unit names, codes and labels repeat on every row).
        self.texts: dict[str, str] = {}

    def _style(self, font: Any = None, number_format: str | None = None) -> int:
        cell = WriteOnlyCell(self.sheet)
        if font is not None:
            cell.font = font
        if number_format is not None:
            cell.number_format = number_format
        return int(cell.style_id)

    def top(self, heading: str, header: list[str]) -> bytes:
        parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{SHEET_MAIN_NS}">'.encode()]
        for tree in (self.sheet.views.to_tree(), self.sheet.sheet_format.to_tree(),
                     self.sheet.column_dimensions.to_tree()):
            if tree is not None:
                parts.append(tostring(tree))
        parts.append(b"<sheetData>")
        title, bold = self._style(font=TITLE_FONT), self._style(font=BOLD)
        self.row = 1
        parts.append(f'<row r="1">{self._text("A1", heading, title)}</row>'.encode())
        self.row = 2
        cells = "".join(self._text(f"{letter}2", text, bold) for letter, text in zip(self.letters, header,
                                                                                     strict=False))
        parts.append(f'<row r="2">{cells}</row>'.encode())
        return b"".join(parts)

    def rows(self, rows: list[tuple[Any, ...]]) -> bytes:
        out = []
        letters, dates, texts = self.letters, self.dates, self.texts
        if len(texts) > TEXT_CACHE:
            texts.clear()
        for values in rows:
            self.row += 1
            number = str(self.row)
            cells = []
            for position, value in enumerate(values):
                if value is None:
                    continue
                ref = letters[position] + number
                if value.__class__ is str:
                    tail = texts.get(value)
                    if tail is None:
                        tail = texts[value] = self._text("", value)[len('<c r=""'):]
                    cells.append('<c r="' + ref + '"' + tail)
                elif position in dates and isinstance(value, date):
                    cells.append(f'<c r="{ref}" s="{dates[position]}"><v>{(value - EPOCH).days}</v></c>')
                elif isinstance(value, (int, float)) and value == value:
                    cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                else:
                    cells.append(self._text(ref, str(value)))
            out.append(f'<row r="{number}">{"".join(cells)}</row>')
        return "".join(out).encode("utf-8")

    @staticmethod
    def _text(ref: str, text: str, style: int | None = None) -> str:
        clean = escape(ILLEGAL_CHARACTERS_RE.sub("", text))
        styled = f' s="{style}"' if style is not None else ""
        return f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{clean}</t></is></c>'
