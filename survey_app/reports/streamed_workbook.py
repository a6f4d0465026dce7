"""The raw responses as an XLSX file that leaves the server while it is being written, in bounded memory.

An XLSX file is a zip archive; the rows live in one member, ``xl/worksheets/sheet1.xml``. openpyxl's write-only
mode writes that member's XML row by row, but into a temporary file that it copies into the archive only when
the whole workbook is saved, so the first byte would leave after the last row was read. Here the member is
opened in the archive first (:meth:`zipfile.ZipFile.open` in write mode, which on an unseekable output
compresses as it goes and puts the sizes after the data) and openpyxl's sheet writer is given that member as its
output (``WorksheetWriter(sheet, out=member)``), so each batch of rows becomes compressed bytes at once and is
sent. When the rows are done, openpyxl's own :class:`~openpyxl.writer.excel.ExcelWriter` writes the other
members (styles, shared strings, workbook, the codebook sheet) into the same archive; only its copy of the
streamed sheet is skipped (:class:`_Writer`). What stays in memory is one batch of rows, openpyxl's table of
distinct strings and the zip directory.

Each sheet holds at most :data:`MAX_ROWS` rows (Excel's limit is 1 048 576); more go on further sheets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from .workbook import BOLD, FIRST_ROW, TITLE_FONT, sheet_name

#: Data rows per sheet: Excel's 1 048 576 rows less the title and header rows.
MAX_ROWS = 1_048_576 - 2
#: Rows written between two sends.
SEND_EVERY = 2000


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
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def xlsx_chunks(heading: str, header: list[str], widths: list[float], rows: Iterable[list[Any]],
                extra: Callable[[Workbook], None], sheet_title: str,
                number_formats: dict[int, str] | None = None) -> Iterator[bytes]:
    """The workbook's bytes as they are made: a title row, a bold frozen header, then ``rows``; ``extra``
    adds sheets after the data (written once the rows are done); ``number_formats`` gives the format of
    some columns by position (from 0)."""
    sink = _Sink()
    archive = ZipFile(sink, "w", ZIP_DEFLATED)  # type: ignore[arg-type]
    book = Workbook(write_only=True)
    streamed: list[Any] = []
    members: list[Any] = []
    try:
        yield from _sheets(sink, archive, book, (streamed, members), heading, header, widths, rows, sheet_title,
                           number_formats or {})
    except GeneratorExit:  # the client went away: end openpyxl's writers in order, quietly
        _abandon(streamed[-1] if streamed else None, members[-1] if members else None, archive)
        raise
    extra(book)
    _Writer(book, archive, streamed).save()
    yield sink.take()


def _sheets(sink: _Sink, archive: ZipFile, book: Workbook, opened: tuple[list[Any], list[Any]], heading: str,
            header: list[str], widths: list[float], rows: Iterable[list[Any]], sheet_title: str,
            number_formats: dict[int, str]) -> Iterator[bytes]:
    """Write the rows into as many streamed sheets as they need, sending the bytes as they come; ``opened``
    collects the sheets and archive members opened."""
    streamed, members = opened
    iterator = iter(rows)
    pending: list[Any] | None = next(iterator, None)
    while True:
        sheet = book.create_sheet(sheet_name(sheet_title if not streamed else f"{sheet_title} ({len(streamed) + 1})"))
        streamed.append(sheet)
        member = archive.open(f"xl/worksheets/sheet{len(streamed)}.xml", "w", force_zip64=True)
        members.append(member)
        _start(sheet, member, heading, header, widths)
        yield sink.take()
        written = 0
        while pending is not None and written < MAX_ROWS:
            for position, number_format in number_formats.items():
                if pending[position] is not None:
                    cell = WriteOnlyCell(sheet, pending[position])
                    cell.number_format = number_format
                    pending[position] = cell
            sheet.append(pending)
            written += 1
            if written % SEND_EVERY == 0:
                data = sink.take()
                if data:
                    yield data
            pending = next(iterator, None)
        sheet.close()
        member.close()
        if pending is None:
            return


def _abandon(sheet: Any, member: Any, archive: ZipFile) -> None:
    """Close the half-written sheet's row writer, its XML writer, its archive member and the archive."""
    steps = [lambda: sheet._rows.close(), lambda: sheet._writer.xf.close()] if sheet is not None else []
    steps += [member.close] if member is not None else []
    steps.append(archive.close)
    for step in steps:
        with contextlib.suppress(Exception):
            step()


def _start(sheet: Any, member: Any, heading: str, header: list[str], widths: list[float]) -> None:
    """Frozen pane and widths (they precede the rows in the XML), then the title and header rows."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = f"A{FIRST_ROW}"
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet._writer = WorksheetWriter(sheet, out=member)
    sheet._writer.write_top()
    title = WriteOnlyCell(sheet, heading)
    title.font = TITLE_FONT
    sheet.append([title])
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, text)
        cell.font = BOLD
        cells.append(cell)
    sheet.append(cells)
