"""Reading the unit list from CSV: every problem is found and reported, or the whole file is accepted.

Columns (header line, any order, names case-insensitive): ``code, name, sector, level, area,
default_language, service_volume``. Each problem names its line and column and says how to fix it, e.g.
"Line 4, column sector: use one_stop, health or education". Files saved by Excel work: a UTF-8 byte-order mark
and semicolon separators are accepted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ..models import SECTORS

COLUMNS = ("code", "name", "sector", "level", "area", "default_language", "service_volume")
#: Headers of older files, read as today's column (``district`` was the grouping before the 2025 reform).
ALIASES = {"district": "area"}
LIMITS = {"code": 40, "name": 200, "area": 100}


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    sector: str
    level: str
    area: str
    default_locale: str
    service_volume: int | None


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return _("Line %(line)d: %(message)s", line=self.line, message=self.message)
        return _("Line %(line)d, column %(column)s: %(message)s", line=self.line, column=self.column,
                 message=self.message)


@dataclass(frozen=True)
class ImportRules:
    """What the file is checked against besides its own content."""

    locales: Collection[str]
    levels: Collection[str]
    volume_required: bool = False
    sectors_available: Collection[str] = SECTORS
    locked_sectors: Mapping[str, str] = field(default_factory=dict)  # unit code → sector it must keep


def one_of(values: Collection[str]) -> str:
    """"use a, b or c", the way the messages list allowed values."""
    items = list(values)
    if len(items) == 1:
        return _("use %(value)s", value=items[0])
    return _("use %(values)s or %(last)s", values=", ".join(items[:-1]), last=items[-1])


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_units_csv(data: bytes, rules: ImportRules) -> tuple[list[UnitRow], list[ImportProblem]]:
    """Parse and check the file; the rows are meaningful only when the problem list is empty."""
    text = _decode(data)
    if text is None:
        return [], [ImportProblem(None, None, _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8” "
                                                "and upload it again."))]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = _Records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [name.strip().lower() for name in next(iter(reader), [])]
    if reader.broken_line is not None:
        return [], [_unreadable(reader.broken_line)]
    header = [ALIASES.get(name, name) if ALIASES.get(name) not in header else name for name in header]
    if not any(header):
        return [], [ImportProblem(None, None, _("The file is empty. Add a header line and one line per unit."))]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [ImportProblem(1, name, _("add this column to the header line")) for name in missing]
    rows: list[UnitRow] = []
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            problems.append(ImportProblem(line, None, _("this line has %(found)d values; the header has "
                                                        "%(expected)d", found=len(values), expected=len(header))))
            continue
        record = {name: value.strip() for name, value in zip(header, values, strict=True)}
        row, row_problems = _check_row(line, record, rules)
        code = record["code"]
        if code and code in seen:
            row_problems.append(ImportProblem(line, "code", _("the code %(code)s is already on line %(other)d",
                                                              code=code, other=seen[code])))
        seen.setdefault(code, line)
        problems += row_problems
        if row is not None and not row_problems:
            rows.append(row)
    if reader.broken_line is not None:
        return [], [_unreadable(reader.broken_line)]
    if not rows and not problems:
        problems.append(ImportProblem(None, None, _("The file has no units. Add one line per unit under the "
                                                    "header line.")))
    return rows, problems


def _unreadable(line: int) -> ImportProblem:
    return ImportProblem(line, None, _(
        "a value here is longer than %(limit)d characters, which no column allows. Check that every quote mark "
        "(\") that opens a value also closes it, then upload the file again.", limit=csv.field_size_limit()))


class _Records:
    """The reader's records until the end or the first line the csv module cannot read.

    The csv module refuses a value over its field limit (128 KB), which is what an unclosed quote mark makes of
    the rest of a file; that used to end the upload in a 500. The line it stopped at is kept for the message.
    """

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.broken_line: int | None = None

    def __iter__(self) -> Iterator[list[str]]:
        while self.broken_line is None:
            try:
                yield next(self.reader)
            except StopIteration:
                return
            except csv.Error:
                self.broken_line = max(self.reader.line_num, 1)

    @property
    def line_num(self) -> int:
        return int(self.reader.line_num)


def _check_row(line: int, record: dict[str, str], rules: ImportRules) -> tuple[UnitRow | None, list[ImportProblem]]:
    problems: list[ImportProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(line, column, message))

    for column, label in (("code", _("enter the unit code")), ("name", _("enter the unit name"))):
        if not record[column]:
            problem(column, label)
    for column, limit in LIMITS.items():
        if len(record[column]) > limit:
            problem(column, _("use at most %(limit)d characters", limit=limit))
    sector, level, locale = _check_choices(record, rules, problem)
    volume: int | None = None
    text = record["service_volume"]
    if text.isascii() and text.isdigit() and len(text) <= 9:  # "²" passes isdigit but not int(); 9 digits fit
        volume = int(text)
    elif text or rules.volume_required:
        problem("service_volume", _("enter the number of services in the period, a whole number of at least 0"))
    row = UnitRow(line, record["code"], record["name"], sector, level, record["area"], locale, volume)
    return row, problems


def _check_choices(record: dict[str, str], rules: ImportRules,
                   problem: Callable[[str, str], None]) -> tuple[str, str, str]:
    """Sector, level and language: each one of the lists the province has."""
    sector, level = record["sector"].lower(), record["level"].lower()
    if sector not in SECTORS:
        problem("sector", one_of(SECTORS))
    elif sector not in rules.sectors_available:
        problem("sector", _("there is no questionnaire for this sector: add one before importing into a campaign"))
    elif rules.locked_sectors.get(record["code"], sector) != sector:
        problem("sector", _("this unit takes part in a campaign as %(sector)s: keep that sector",
                            sector=rules.locked_sectors[record["code"]]))
    if level not in rules.levels:
        problem("level", one_of(rules.levels))
    known = {code.lower(): code for code in rules.locales}
    locale = known.get((record["default_language"] or "vi").lower().replace("-", "_"), "")
    if not locale:
        problem("default_language", one_of(rules.locales))
    return sector, level, locale
