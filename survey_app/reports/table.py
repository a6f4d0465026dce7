"""A report table as the pages, the CSV/XLSX exports and the PDF all show it, with the small-cell rule built in.

A :class:`Table` is a pandas frame from :mod:`analysis` plus the columns to show and how. The one place that
decides what a reader may see of a row is :func:`hidden`: a row whose ``withheld`` column holds a reason (fewer
than five respondents) shows no figure at all, in every output, because each output goes through
:func:`display_rows` (HTML, PDF) or :func:`export_frame` (CSV, XLSX).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import pandas as pd
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.estimates import ZERO_WEIGHTS

from .. import formats
from .cache import LRUCache

#: Column kinds that carry a figure, hidden for a withheld row.
FIGURE_KINDS = ("percent", "interval", "count", "rank", "number")
VERDICTS = {"meets": _l("Meets the target"), "below": _l("Below the target"), "not_yet_known": _l("Not yet known")}
T = TypeVar("T")
SECTORS = {"one_stop": _l("One-stop shop"), "health": _l("Health"), "education": _l("Education")}


@dataclass(frozen=True)
class Column:
    """One shown column: ``key`` in the frame (``interval`` uses ``ci_low``/``ci_high``), label and kind."""

    key: str
    label: Any
    kind: str = "text"
    sortable: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in FIGURE_KINDS


@dataclass(frozen=True)
class Table:
    """A titled table; ``name`` names its export files and its place in URLs."""

    name: str
    title: Any
    columns: tuple[Column, ...]
    frame: pd.DataFrame
    sort: str | None = None
    caption: Any = None
    links: Mapping[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)


def hidden(row: Mapping[Any, Any]) -> bool:
    """Whether a row is withheld (too few respondents): then none of its figures may be shown."""
    reason = row.get("withheld")
    return reason is not None and reason is not pd.NA and not (isinstance(reason, float) and math.isnan(reason))


def missing(value: Any) -> bool:
    """Whether a cell value is absent: ``None``, ``pd.NA`` or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def display_value(row: Mapping[Any, Any], column: Column) -> str:
    """The text of one cell for a reader, in the active locale ("" when there is nothing to show)."""
    if column.kind == "withheld":
        return withheld_text(row)
    if column.numeric and hidden(row):
        return ""
    if column.kind == "interval":
        low: Any = row.get("ci_low")  # a number unless missing
        high: Any = row.get("ci_high")
        if missing(low) or missing(high):
            return ""
        return f"{formats.percent(low)} – {formats.percent(high)}"
    value: Any = row.get(column.key)
    if missing(value):
        return ""
    if column.kind == "percent":
        return formats.percent(value)
    if column.kind in ("count", "rank"):
        return formats.number(int(value))  # type: ignore[arg-type]
    if column.kind == "number":
        return formats.number(value, decimals=2)
    if column.kind == "verdict":
        return _verdict_cell(row) or str(VERDICTS.get(str(value), value))
    if column.kind == "sector":
        return str(SECTORS.get(str(value), value))
    return str(value)


def withheld_text(row: Mapping[Any, Any]) -> str:
    """Why a row shows no figure ("" when it shows them)."""
    if not hidden(row):
        return ""
    if row.get("withheld") == ZERO_WEIGHTS:
        return _("No usable service volume for this unit: left out of the weighted figures")
    return _("Fewer than 5 respondents: not shown")


def _verdict_cell(row: Mapping[Any, Any]) -> str:
    """The official verdict and its certainty in words (see :mod:`survey_app.reports.verdict`)."""
    from .standing import row_standing  # standing builds on this module's sector names
    from .verdict import short

    standing = row_standing(row)
    return short(standing) if standing is not None else ""


#: Rows of a long table shown on one page (a ministry may have thousands of units).
PAGE_ROWS = 50


@dataclass(frozen=True)
class Page:
    """Which rows of a long table a page shows: ``first``..``last`` (1-based) of ``total``, page ``number`` of
    ``count``."""

    number: int
    count: int
    first: int
    last: int
    total: int


def paged(table: Table, number: int | None, size: int = PAGE_ROWS) -> tuple[Table, Page]:
    """One page of the table's rows (a page number out of range gives the nearest page).

    The pages are kept on the table, so a cached table gives the same page objects, and their cell texts
    (:func:`cached_rows`) are worked out once.
    """
    total = len(table.frame)
    count = max(1, -(-total // size))
    number = min(max(number or 1, 1), count)
    pages = table.__dict__.setdefault("_pages", {})  # frozen dataclass: a memo beside its fields
    if (number, size) not in pages:
        start = (number - 1) * size
        part = replace(table, frame=table.frame.iloc[start:start + size].reset_index(drop=True))
        pages[number, size] = (part, Page(number, count, min(start + 1, total), min(start + size, total), total))
    return pages[number, size]  # type: ignore[no-any-return]


def cached_rows(table: Table, locale: str) -> list[tuple[Mapping[Any, Any], list[str]]]:
    """:func:`display_rows` as a list, kept on the table per locale: a cached report's cell texts (babel's
    number formatting of hundreds of rows) are worked out once, not on every view.

    A table rebuilt after a new response has mostly the same rows as before (one unit's figures changed, the
    others not), so each row's texts are also kept per worker by the row's values (:func:`row_memo`): only the
    rows that changed are formatted again.
    """
    memo = table.__dict__.setdefault("_rows", {})
    if locale not in memo:
        kinds = tuple((c.key, c.kind) for c in table.columns)
        memo[locale] = [(row, row_memo(("cells", locale, kinds), row, partial(_texts, row, table.columns)))
                        for row in table.frame.to_dict("records")]
    return memo[locale]  # type: ignore[no-any-return]


def _texts(row: Mapping[Any, Any], columns: Sequence[Column]) -> list[str]:
    """A row's cell texts, column by column."""
    return [display_value(row, c) for c in columns]


ROW_MEMO_KEY = "reports_rows"
#: Rows whose texts a worker keeps (a few pages of every table of a few campaigns, in every language).
ROW_MEMO_SIZE = 20_000


def row_memo(kind: tuple[Any, ...], row: Mapping[Any, Any], build: Callable[[], T]) -> T:
    """What ``build`` makes of a table row, kept per worker by ``kind`` and the row's values (a row with a value
    that cannot be a key, such as a list, is built every time). Only for what depends on nothing but the row
    and ``kind`` (which holds the locale)."""
    try:
        key = (kind, tuple((name, None if isinstance(value, float) and math.isnan(value) else value)
                           for name, value in row.items()))
        hash(key)
    except TypeError:
        return build()
    memo = current_app.extensions.get(ROW_MEMO_KEY)
    if memo is None:
        memo = current_app.extensions[ROW_MEMO_KEY] = LRUCache(ROW_MEMO_SIZE)
    return memo.get_or_build(key, build)


def display_rows(table: Table) -> Iterator[tuple[Mapping[Any, Any], list[str]]]:
    """Each row of the table with the texts of its cells."""
    for row in table.frame.to_dict("records"):
        yield row, [display_value(row, column) for column in table.columns]


def export_frame(table: Table) -> pd.DataFrame:
    """The table for a spreadsheet: translated headers, rates in percent (one decimal), no withheld figure.

    An interval becomes two columns (lower and upper bound) so that the numbers stay numbers.
    """
    out: dict[str, Any] = {}
    records = table.frame.to_dict("records")
    for column in table.columns:
        label = str(column.label)
        if column.kind == "interval":
            out[_("%(label)s, lower bound (%%)", label=label)] = [_percent(r, "ci_low") for r in records]
            out[_("%(label)s, upper bound (%%)", label=label)] = [_percent(r, "ci_high") for r in records]
        elif column.kind == "percent":
            out[_("%(label)s (%%)", label=label)] = [_percent(r, column.key) for r in records]
        elif column.numeric:
            values = [None if hidden(r) or missing(r.get(column.key)) else _plain(r[column.key]) for r in records]
            out[label] = pd.array(values, dtype="Int64" if column.kind in ("count", "rank") else "Float64")
        else:
            out[label] = [display_value(r, column) or None for r in records]
    return pd.DataFrame(out)


def _percent(row: Mapping[Any, Any], key: str) -> float | None:
    value = row.get(key)
    if hidden(row) or missing(value):
        return None
    return round(float(value) * 100, 1)  # type: ignore[arg-type]


def _plain(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)
