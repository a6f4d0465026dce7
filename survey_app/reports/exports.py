"""Report tables as CSV and XLSX, a campaign's raw anonymized responses as CSV, XLSX and Stata ``.dta``, and
the codebook that explains them.

Tables go through :func:`survey_app.reports.table.export_frame`, so an export never holds a figure the page
would not show; their workbooks are laid out by :mod:`survey_app.reports.workbook`. The raw responses are for
the province administrator only and are anonymized further than the database already is: no submission id and
no response id (rows come by day and unit, in random order within them, so neither a number nor the row order
tells who answered first), comments hidden by moderation left out and no comment at all from a unit with fewer
than five respondents. CSV and XLSX are streamed (:mod:`survey_app.reports.stream`); the Stata file, which
pandas writes whole, is read at once.

The columns of the raw export are the items of the campaign's questionnaires, whatever the database: every
item, answered or not, a ``multi`` item as one yes/no column per choice.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from analysis import read_database
from analysis.data import anonymous_order

from ..models import Campaign
from ..platform.extensions import db
from . import codebook, dialect, stream, workbook
from .codebook import campaign_questionnaires
from .dialect import Dialect
from .streamed_workbook import xlsx_chunks
from .table import Table, export_frame
from .tables import MIN_GROUP

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DTA_MIMETYPE = "application/x-stata-dta"
#: Columns of the tidy frame left out of the raw export: the sequential id would order the answers.
DROPPED = ("response_id",)
#: Items whose XLSX column of codes is followed by a column of their labels.
LABELLED = ("likert5", "yes_no", "single")
#: Number format of the day of an answer in the XLSX export.
DAY_FORMATS = {"vi": "dd/mm/yyyy"}


def table_csv(table: Table, chosen: Dialect = dialect.COMMA) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to show Vietnamese correctly."""
    return dialect.frame_csv(export_frame(table), chosen)


def layout(campaign_id: int) -> stream.Layout:
    return stream.Layout.of(campaign_questionnaires(campaign_id))


def anonymized_responses(campaign_id: int) -> pd.DataFrame:
    """Every response of the campaign, one row each, read whole and afresh (so moderation shows at once)."""
    from ..questionnaire_registry import registry

    frame = read_database(db.engine, campaign_id, registry())
    out = anonymous_order(frame, np.random.default_rng()).drop(columns=list(DROPPED)).reset_index(drop=True)
    out["submitted_on"] = out["submitted_on"].dt.date if len(out) else pd.Series(dtype=object)
    small = out.groupby("unit_id")["unit_id"].transform("size") < MIN_GROUP
    items = layout(campaign_id)
    for column in items.texts:
        if column in out.columns:
            out[column] = out[column].astype("string").mask(small)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("string")
    return out.reindex(columns=[*stream.leading_columns(), *items.item_columns()])


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Yes/no as ``yes``/``no`` rather than True/False, for CSV readers."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.BooleanDtype):
            out[column] = out[column].map({True: "yes", False: "no"}).astype("string")
    return out


def responses_csv(frame: pd.DataFrame, chosen: Dialect = dialect.COMMA) -> bytes:
    """The raw export of a frame read whole (:func:`anonymized_responses`)."""
    out = _readable(frame)
    out["submitted_on"] = out["submitted_on"].map(lambda d: d.isoformat(), na_action="ignore")
    return dialect.frame_csv(out, chosen)


def responses_csv_chunks(campaign_id: int, chosen: Dialect = dialect.COMMA) -> Iterator[bytes]:
    """The raw export as CSV, a batch of rows at a time; the header leaves before anything is read."""
    items = layout(campaign_id)
    header = [*stream.leading_columns(), *items.item_columns()]
    yield (dialect.BOM + dialect.rows_csv([header], chosen)).encode("utf-8")
    floats = [p for p, name in enumerate(header) if name in _number_columns(items)]
    for batch in stream.batches(db.engine, campaign_id, items):
        columns = stream.columns(batch, items)
        if chosen.decimal != ".":
            for position in floats:
                columns[position] = [dialect.cell(v, chosen) for v in columns[position]]
        yield dialect.plain_csv(zip(*columns, strict=True), chosen).encode("utf-8")


def _number_columns(items: stream.Layout) -> set[str]:
    return {item.id for item in items.items if item.type == "number"}


def responses_xlsx_chunks(campaign: Campaign) -> Iterator[bytes]:
    """The raw export as XLSX, streamed (:mod:`survey_app.reports.streamed_workbook`): codes, and beside each
    coded item a column of its labels in the active language; the codebook on a second sheet."""
    items = layout(campaign.id)
    lead = stream.leading_columns()
    header, widths = list(lead), [12.0] * len(lead)
    labels: list[tuple[int, dict[int | str, str]]] = []
    widths[lead.index("unit_name")] = 36
    for item in items.items:
        names = [f"{item.id}.{o.code}" for o in item.options] if item.type == "multi" else [item.id]
        header += names
        widths += [max(8, len(n) + 2) for n in names]
        if item.type in LABELLED:
            pairs = {(int(code) if item.type == "likert5" and code.isdigit() else code): dialect.cell(text)
                     for code, text in codebook.code_labels(item)}
            labels.append((len(header) - 1 - len(labels), pairs))  # its place among the unlabelled cells
            header.append(_("%(column)s (label)", column=item.id))
            widths.append(min(40, max(12, max((len(t) for t in pairs.values()), default=8) + 2)))
    day_format = DAY_FORMATS.get(str(get_locale() or "vi").split("_")[0], "yyyy-mm-dd")

    def labelled() -> Iterator[list[list[object]]]:
        for batch in stream.batches(db.engine, campaign.id, items):
            columns = stream.columns(batch, items)
            for position, pairs in reversed(labels):
                columns.insert(position + 1, [pairs.get(code) for code in columns[position]])
            yield columns

    heading = workbook.title(campaign, _("Whole province"))
    yield from xlsx_chunks(heading, header, widths, labelled(), _codebook_sheet(campaign.id, heading),
                           _("Raw responses"), {len(lead) - 1: day_format})


def _codebook_sheet(campaign_id: int, heading: str) -> Callable[[Workbook], None]:
    def add(book: Workbook) -> None:
        sheet = book.create_sheet(workbook.sheet_name(_("Codebook")))
        write_codebook(sheet, campaign_id, heading)
    return add


def write_codebook(sheet: Worksheet | WriteOnlyWorksheet, campaign_id: int, heading: str) -> None:
    """The codebook rows under a title row and a header (a write-only or an ordinary sheet)."""
    rows = [[e.questionnaire, e.item, e.type, e.text, e.code, e.label, e.stata]
            for e in codebook.entries(campaign_questionnaires(campaign_id))]
    if isinstance(sheet, WriteOnlyWorksheet):  # widths and pane before the first row
        sheet.freeze_panes = f"A{workbook.FIRST_ROW}"
        workbook.fit_widths(sheet, [codebook.columns()] + [[str(v or "") for v in r] for r in rows])
        title = WriteOnlyCell(sheet, dialect.cell(heading))
        title.font = workbook.TITLE_FONT
        sheet.append([title])
        header = []
        for text in codebook.columns():
            cell = WriteOnlyCell(sheet, text)
            cell.font = workbook.BOLD
            header.append(cell)
        sheet.append(header)
    else:
        sheet.append([dialect.cell(heading)])
        sheet["A1"].font = workbook.TITLE_FONT
        sheet.append(codebook.columns())
        for cell in sheet[workbook.HEADER_ROW]:
            cell.font = workbook.BOLD
        sheet.freeze_panes = f"A{workbook.FIRST_ROW}"
        workbook.fit_widths(sheet, [codebook.columns()] + [[str(v or "") for v in r] for r in rows])
    for row in rows:
        sheet.append([dialect.cell(v) if isinstance(v, str) else v for v in row])


def codebook_xlsx(campaign: Campaign) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = workbook.sheet_name(_("Codebook"))
    write_codebook(sheet, campaign.id, workbook.title(campaign, _("Whole province")))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def codebook_csv(campaign: Campaign, chosen: Dialect = dialect.COMMA) -> bytes:
    rows = [[e.questionnaire, e.item, e.type, e.text, e.code, e.label, e.stata]
            for e in codebook.entries(campaign_questionnaires(campaign.id))]
    return (dialect.BOM + dialect.rows_csv([codebook.columns(), *rows], chosen)).encode("utf-8")


def responses_dta(frame: pd.DataFrame, campaign_id: int) -> bytes:
    """Stata 14+ format (version 118, Unicode): item texts become variable labels and coded answers numbers with
    value labels in the active language (likert 1..5, yes 1 / no 0, a single choice numbered as in the
    codebook)."""
    items = {item.id: item for item in layout(campaign_id).items}
    out = pd.DataFrame(index=frame.index)
    long_texts: list[str] = []
    value_labels: dict[str, dict[float, str]] = {}
    variable_labels: dict[str, str] = {}
    for column in frame.columns:
        name = _stata_name(column)
        values = frame[column]
        item = items.get(column)
        if item is not None:
            variable_labels[name] = _(item.text)[:80]
        if column == "submitted_on":
            out[name] = pd.to_datetime(values)
        elif item is not None and item.type in ("yes_no", "single"):
            numbers = codebook.stata_codes(item)
            coded = values.map({True: "yes", False: "no"}) if item.type == "yes_no" else values
            out[name] = coded.astype(object).map(numbers).astype(float)
            value_labels[name] = {float(k): v for k, v in codebook.value_labels(item).items()}
        elif isinstance(values.dtype, (pd.BooleanDtype, pd.Int64Dtype, pd.Float64Dtype)) or values.dtype.kind in "iufb":
            out[name] = values.astype("Float64").astype(float)
            if item is not None and item.type == "likert5":
                value_labels[name] = {float(k): v for k, v in codebook.value_labels(item).items()}
        else:
            out[name] = values.astype("string").fillna("").astype(object)
            if max((len(v.encode("utf-8")) for v in out[name]), default=0) > 2000:
                long_texts.append(name)
    buffer = io.BytesIO()
    out.to_stata(buffer, write_index=False, version=118, convert_dates={"submitted_on": "td"},
                 variable_labels=variable_labels, convert_strl=long_texts or None,
                 value_labels=value_labels or None)
    return buffer.getvalue()


def _stata_name(column: str) -> str:
    """Stata names: letters, digits and underscores, at most 32 characters (``item.option`` → ``item_option``)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", column)
    return (name if not name[0].isdigit() else "_" + name)[:32]
