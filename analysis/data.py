"""Load responses into the tidy frame every analysis function takes, and write the analysts' CSV export.

The tidy frame has one row per response: the leading columns :data:`LEADING_COLUMNS` (unit attributes joined
in; ``submitted_on``, the province's day of the answer, as ``datetime64`` at midnight; repeated labels as
``category``), then one column per item:
``likert5`` → ``Int64`` (NA for "not applicable" and missing), ``yes_no`` → ``boolean``, ``single``/``text`` →
``string``, ``multi`` → one ``boolean`` column per option named ``item.code``, ``number`` → ``Float64``.

The CSV export has the same leading columns but ``response_id`` (:data:`EXPORT_COLUMNS`; a sequential id, or the
order of the rows, would tell the order in which people answered: rows come by day and unit, in random order
within them), then one column per item with the stored values (Likert 1..5 or
``na``, ``yes``/``no``, option codes, multi as ``;``-joined codes, blank when absent); UTF-8 with a byte-order
mark so that spreadsheet programs show Vietnamese correctly.

Item types come from the questionnaires (``questionnaires.load_directory()``) or an ``{item_id: type}``
mapping; without either they are inferred from the values (see :func:`analysis.answers.infer_spec`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .answers import MULTI_SEPARATOR, convert, distinct_values, infer_spec, item_specs
from .database import EXPORT_COLUMNS, LEADING_COLUMNS, raw_columns
from .spreadsheet import spreadsheet_safe

_INTEGER_COLUMNS = ("response_id", "campaign_id", "unit_id", "questionnaire_version")


def tidy(raw: pd.DataFrame | Mapping[str, Any], questionnaires: Any = None, from_csv: bool = False) -> pd.DataFrame:
    """Type a raw frame (leading columns, then one column of stored values per item) into the tidy frame.

    Parameters
    ----------
    raw : DataFrame or Mapping of column name to values
        Leading columns and raw item columns, as read from the database or the CSV export.
    questionnaires : Mapping, iterable of Questionnaire, Mapping[str, str] or None
        Item types (see :func:`analysis.answers.item_specs`); ``None`` infers them from the values.
    from_csv : bool
        Values come from the CSV export (affects inference of multi items only).
    """
    names = list(raw.keys())
    missing = [c for c in LEADING_COLUMNS if c not in names]
    if missing:
        raise ValueError(f"raw: columns {missing} are missing; expected the leading columns {list(LEADING_COLUMNS)}")
    items = [c for c in names if c not in LEADING_COLUMNS and c != "comment_hidden"]
    specs = item_specs(questionnaires) if questionnaires is not None else {}
    columns: dict[str, Any] = {}
    for column in LEADING_COLUMNS:
        columns[column] = _leading(column, raw[column])
    ordered = [i for i in specs if i in items] + [i for i in items if i not in specs]
    for item_id in ordered:
        values = cast("pd.Series | Sequence[Any]", raw[item_id])  # one column: names are unique
        spec = specs.get(item_id) or infer_spec(values, from_csv)
        columns.update(convert(item_id, spec, values))
    # No copy: every column is a new array made here (a million rows of 60 columns would be copied for nothing).
    return pd.DataFrame(columns, index=pd.RangeIndex(len(raw[LEADING_COLUMNS[0]])), copy=False)


def _leading(column: str, values: Any) -> Any:
    if column in _INTEGER_COLUMNS and isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values.astype(np.int64)  # read from packed blocks: already whole numbers
    if column == "submitted_on" and isinstance(values, pd.Categorical):  # a few distinct days, typed once each
        days = _leading(column, pd.Series(values.categories, dtype=object).to_numpy())
        return days.take(np.asarray(values.codes), allow_fill=True)
    if column in _INTEGER_COLUMNS or column == "service_volume":
        numbers = pd.Series(pd.to_numeric(pd.Series(values, dtype=object), errors="raise"))
        whole = column in _INTEGER_COLUMNS and not numbers.isna().any()
        return numbers.to_numpy(dtype=np.int64) if whole else numbers.astype("Int64").array
    if column == "submitted_on":
        days = pd.Series(pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601"))
        return (days.dt.tz_localize(None) if days.dt.tz is not None else days).dt.normalize().dt.as_unit("s").array
    if isinstance(values, pd.Categorical):  # read from packed blocks: categories ordered and typed as below
        found = list(values.categories)
        try:
            categories = pd.Index(sorted(found))
        except TypeError:  # values of several types: in order of appearance, as pandas does
            categories = pd.Index(found)
        position = np.append(categories.get_indexer(pd.Index(found, dtype=object)), -1)
        return pd.Categorical.from_codes(position[values.codes], categories=categories)
    return pd.Categorical(np.asarray(values, dtype=object))


def read_database(url: str | sa.Engine | sa.Connection, campaign_id: int | None = None, questionnaires: Any = None,
                  after_id: int = 0, upto_id: int | None = None) -> pd.DataFrame:
    """Tidy frame of the responses stored in a database (one campaign, or all with ``campaign_id=None``).

    ``url`` is a SQLAlchemy URL, engine or connection. With one campaign and its ``questionnaires``, the responses
    packed into blocks (:mod:`analysis.blocks`, ``flask responses pack``) are read as numbers, and only the others
    from their answers JSON: about 2 s for a million responses packed, against about 28 s unpacked on the
    project's 2-core machine (``bench/report_bench.py``). The JSON is read on SQLite with one multi-path
    ``json_extract`` per row, elsewhere fetched and parsed in one go. Text items of responses whose comment is
    hidden by moderation (``comment_hidden``) are left out. See :func:`tidy` for the columns.
    ``after_id`` and ``upto_id`` keep the responses with ``after_id < id <= upto_id`` (the newer ones only).
    """
    return tidy(raw_columns(url, campaign_id, questionnaires, after_id, upto_id), questionnaires)


def read_csv(path: str | Path | IO[str], questionnaires: Any = None) -> pd.DataFrame:
    """Tidy frame of a CSV export written by :func:`write_export_csv` or :func:`export_csv`.

    Without ``questionnaires`` the item types are inferred; a multi-choice item is then recognised only if some
    answer holds two codes (``a;b``).
    """
    raw = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    missing = [c for c in EXPORT_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"path: {path} lacks the columns {missing}; is it an export of the survey system?")
    if "response_id" not in raw.columns:  # exports carry none: number the rows of the file
        raw.insert(0, "response_id", range(1, len(raw) + 1))
    return tidy(raw, questionnaires, from_csv=True)


def export_csv(db_url: str | sa.Engine, campaign_id: int, path_or_buffer: str | Path | IO[str],
               questionnaires: Any = None) -> int:
    """Write the CSV export of one campaign straight from the database; returns the number of responses."""
    raw = pd.DataFrame(raw_columns(db_url, campaign_id, questionnaires), dtype=object)
    write_export_csv(raw, path_or_buffer, rng=np.random.default_rng())
    return len(raw)


def write_export_csv(rows: pd.DataFrame | Iterable[Mapping[str, Any]], path_or_buffer: str | Path | IO[str],
                     item_ids: list[str] | None = None, rng: np.random.Generator | None = None) -> None:
    """Write responses in the CSV export format.

    Parameters
    ----------
    rows : DataFrame or iterable of mappings
        A raw frame (leading columns, then stored values per item), or one mapping per response holding the
        leading columns and an ``answers`` mapping ``{item_id: stored value}``.
    path_or_buffer : path or text buffer
        Destination; a path is written as UTF-8 with a byte-order mark.
    item_ids : list of str or None
        Item columns in order; by default every item found, in order of first appearance.
    rng : numpy.random.Generator or None
        With a generator the rows are put in :func:`anonymous_order`; without, they stay in the given order.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else _frame_from_rows(rows)
    missing = [c for c in LEADING_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"rows: columns {missing} are missing; expected {list(LEADING_COLUMNS)}")
    items = item_ids or [c for c in frame.columns if c not in LEADING_COLUMNS]
    if rng is not None:
        frame = anonymous_order(frame.reset_index(drop=True), rng)
    out = pd.DataFrame({c: frame[c] for c in EXPORT_COLUMNS})
    out["submitted_on"] = pd.Series(_leading("submitted_on", out["submitted_on"]), index=out.index).dt.strftime(
        "%Y-%m-%d")
    for item in items:
        values = frame[item].to_numpy(dtype=object) if item in frame.columns else np.full(len(frame), None)
        codes, distinct = distinct_values(values)
        out[item] = np.array([_stored_text(v) for v in distinct] + [""], dtype=object)[codes]
    out = spreadsheet_safe(out)
    if isinstance(path_or_buffer, (str, Path)):
        out.to_csv(path_or_buffer, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
    else:
        out.to_csv(path_or_buffer, index=False, quoting=csv.QUOTE_MINIMAL)


def anonymous_order(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The rows by day and unit, in random order within each: an export's row order tells nothing finer.

    Rows in storage order would be in the order people answered, which a receipt or an observer could match.
    """
    shuffled = frame.iloc[rng.permutation(len(frame))]
    return shuffled.sort_values(["submitted_on", "unit_id"], kind="stable")


def _frame_from_rows(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    records = []
    for row in rows:
        record = {c: row.get(c) for c in LEADING_COLUMNS}
        answers = row.get("answers") or {}
        record.update(json.loads(answers) if isinstance(answers, str) else answers)
        records.append(record)
    return pd.DataFrame.from_records(records, columns=None) if records else pd.DataFrame(columns=LEADING_COLUMNS)


def _stored_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (list, tuple)):
        return MULTI_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
