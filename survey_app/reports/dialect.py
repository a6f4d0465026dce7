"""The two CSV dialects of the downloads: the ordinary one, and the one Excel expects on a Vietnamese Windows.

Excel opens a ``.csv`` with the list separator and decimal symbol of the computer's regional settings. With
Vietnamese settings those are ``;`` and ``,`` (Windows' vi-VN region, like most of continental Europe), so a
comma-separated file shows every row in one column and ``82.5`` as text. The ``semicolon`` dialect writes
``;`` between fields and a decimal comma (``82,5``) for such computers; ``comma`` (the default) is what R,
Stata, pandas and an English Excel read. Both start with the UTF-8 byte-order mark, without which Excel reads
the file as the legacy code page and breaks every Vietnamese letter. The choice comes from ``?dialect=``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from flask import request

from analysis.spreadsheet import safe_cell, spreadsheet_safe

BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    name: str
    separator: str
    decimal: str


COMMA = Dialect("comma", ",", ".")
SEMICOLON = Dialect("semicolon", ";", ",")
DIALECTS = {d.name: d for d in (COMMA, SEMICOLON)}


def chosen() -> Dialect:
    """The dialect asked for in the query string; anything else gives the ordinary comma-separated file."""
    return DIALECTS.get(request.args.get("dialect", ""), COMMA)


def frame_csv(frame: pd.DataFrame, dialect: Dialect = COMMA) -> bytes:
    """A whole frame, made spreadsheet-safe, with the byte-order mark."""
    safe = spreadsheet_safe(frame)
    if dialect.decimal != ".":
        for column in safe.columns:
            if pd.api.types.is_float_dtype(safe[column].dtype):
                safe[column] = safe[column].astype(object).map(lambda v: cell(v, dialect), na_action="ignore")
    text = safe.to_csv(index=False, sep=dialect.separator, lineterminator="\r\n")
    return (BOM + text).encode("utf-8")


def cell(value: Any, dialect: Dialect = COMMA) -> str:
    """One value as CSV text: blank for nothing, numbers with the dialect's decimal mark, text made safe."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        text = repr(value)
        return text.replace(".", dialect.decimal) if dialect.decimal != "." else text
    if isinstance(value, str):
        return safe_cell(value)
    return str(value)


def rows_csv(rows: Iterable[list[Any]], dialect: Dialect = COMMA) -> str:
    """Rows of values as CSV text (no byte-order mark: for the chunks after the first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.separator, lineterminator="\r\n")
    writer.writerows([cell(v, dialect) for v in row] for row in rows)
    return buffer.getvalue()


def plain_csv(rows: Iterable[Iterable[Any]], dialect: Dialect = COMMA) -> str:
    """Rows whose text is already safe and whose numbers need no decimal mark changed, as CSV text (the fast
    path of the streamed export: the csv module writes ``None`` as nothing and numbers as Python does)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=dialect.separator, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
