"""Report tables as CSV and XLSX, and a campaign's raw anonymized responses as CSV, XLSX and Stata ``.dta``.

Tables go through :func:`survey_app.reports.table.export_frame`, so an export never holds a figure the page
would not show. The raw responses are for the province administrator only and are anonymized further than the
database already is: no submission id and no response id (rows come by day and unit, in random order within
them, so neither a number nor the row order tells who answered first), comments hidden by
moderation left out (:func:`analysis.data.read_database` does that) and no comment at all from a unit with
fewer than five respondents.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from analysis import read_database
from analysis.data import anonymous_order
from analysis.spreadsheet import spreadsheet_safe

from ..platform.extensions import db
from ..questionnaire_registry import registry
from .table import Table, export_frame
from .tables import MIN_GROUP

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DTA_MIMETYPE = "application/x-stata-dta"
#: Columns of the tidy frame left out of the raw export: the sequential id would order the answers.
DROPPED = ("response_id",)


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to show Vietnamese correctly."""
    return spreadsheet_safe(export_frame(table)).to_csv(index=False).encode("utf-8-sig")


def tables_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table, named after the table's title."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for table in tables:
            sheet = _sheet_name(str(table.title))
            spreadsheet_safe(export_frame(table)).to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    """Excel refuses ``[]:*?/\\`` and names longer than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet"


def anonymized_responses(campaign_id: int) -> pd.DataFrame:
    """Every response of the campaign, one row each, read afresh (so moderation shows at once)."""
    frame = read_database(db.engine, campaign_id, registry())
    out = anonymous_order(frame, np.random.default_rng()).drop(columns=list(DROPPED)).reset_index(drop=True)
    out["submitted_on"] = out["submitted_on"].dt.date if len(out) else pd.Series(dtype=object)
    small = out.groupby("unit_id")["unit_id"].transform("size") < MIN_GROUP
    for column in _text_items():
        if column in out.columns:
            out[column] = out[column].astype("string").mask(small)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("string")
    return out


def _text_items() -> set[str]:
    return {item.id for form in registry().values() for item in form.items if item.type == "text"}


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Yes/no as ``yes``/``no`` rather than True/False, for CSV and XLSX readers."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.BooleanDtype):
            out[column] = out[column].map({True: "yes", False: "no"}).astype("string")
    return out


def responses_csv(frame: pd.DataFrame) -> bytes:
    return spreadsheet_safe(_readable(frame)).to_csv(index=False).encode("utf-8-sig")


def responses_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    out = _readable(frame)
    out["submitted_on"] = pd.to_datetime(out["submitted_on"])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        spreadsheet_safe(out).to_excel(writer, sheet_name="responses", index=False)
    return buffer.getvalue()


def responses_dta(frame: pd.DataFrame) -> bytes:
    """Stata 14+ format (version 118, Unicode); item texts become variable labels, yes/no becomes 1/0."""
    out = pd.DataFrame(index=frame.index)
    labels = _item_labels()
    long_texts = []
    for column in frame.columns:
        name = _stata_name(column)
        values = frame[column]
        if column == "submitted_on":
            out[name] = pd.to_datetime(values)
        elif isinstance(values.dtype, (pd.BooleanDtype, pd.Int64Dtype, pd.Float64Dtype)) or values.dtype.kind in "iufb":
            out[name] = values.astype("Float64").astype(float)
        else:
            out[name] = values.astype("string").fillna("").astype(object)
            if max((len(v.encode("utf-8")) for v in out[name]), default=0) > 2000:
                long_texts.append(name)
    variable_labels = {_stata_name(c): labels[c][:80] for c in frame.columns if c in labels}
    buffer = io.BytesIO()
    out.to_stata(buffer, write_index=False, version=118, convert_dates={"submitted_on": "td"},
                 variable_labels=variable_labels, convert_strl=long_texts or None)
    return buffer.getvalue()


def _stata_name(column: str) -> str:
    """Stata names: letters, digits and underscores, at most 32 characters (``item.option`` → ``item_option``)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", column)
    return (name if not name[0].isdigit() else "_" + name)[:32]


def _item_labels() -> dict[str, str]:
    return {item.id: item.text for form in registry().values() for item in form.items}
