"""Read stored responses from the web application's database (SQLite or PostgreSQL) as raw columns.

A raw column holds each response's stored value of one item (see :mod:`analysis.answers`). On SQLite every
item is pulled out of the ``answers`` JSON inside the database with one multi-path ``json_extract`` per row,
so each answer text is parsed once, in C; elsewhere the ``answers`` texts are fetched and parsed in one go.
Either way the rows are turned into columns in bulk, not one Python object per answer at a time.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import blocks, schema
from .answers import MULTI_SEPARATOR, ItemSpec, item_specs

#: Columns before the items, in order, in the tidy frame. ``submitted_on`` is the province's day of the answer,
#: the finest time the database keeps.
LEADING_COLUMNS = (
    "response_id", "campaign_id", "unit_id", "unit_code", "unit_name", "sector", "level", "area",
    "service_volume", "questionnaire_id", "questionnaire_version", "channel", "locale", "submitted_on",
)
#: Leading columns of the CSV export: no ``response_id``, whose order would give away the order of the answers.
EXPORT_COLUMNS = LEADING_COLUMNS[1:]
#: The free-text item hidden by moderation when no questionnaire says which items are free text.
DEFAULT_COMMENT = "comment"
_UNIT_COLUMNS = ("unit_code", "unit_name", "sector", "level", "area", "service_volume")


def raw_columns(url: str | sa.Engine | sa.Connection, campaign_id: int | None = None, questionnaires: Any = None,
                after_id: int = 0, upto_id: int | None = None) -> dict[str, np.ndarray]:
    """Leading columns and stored values per item of the responses in a database, as object arrays.

    Parameters
    ----------
    url : str, Engine or Connection
        SQLAlchemy database URL (``sqlite:///instance/survey.sqlite``, ``postgresql+psycopg://...``), engine, or
        a connection (to read inside its transaction).
    campaign_id : int or None
        One campaign, or every campaign.
    questionnaires : optional
        Item types (see :func:`analysis.answers.item_specs`); needed for the fast SQLite path, and to know
        which items are free text when hiding moderated comments.
    after_id, upto_id : int, optional
        Only the responses whose id is larger than ``after_id`` and at most ``upto_id``: a reader that holds the
        earlier responses already fetches the newer ones alone.

    Returns
    -------
    dict
        ``{column: array}``: :data:`LEADING_COLUMNS`, then one array per item. Text answers of responses whose
        comment is hidden (``comment_hidden``) are removed (without questionnaires: the ``comment`` item).
        Arrays are object arrays, except where packed blocks were read (one campaign, with questionnaires):
        then the ids are integer arrays and the other columns ``Categorical`` (a multi-choice answer as the
        JSON text of its list), which :func:`analysis.data.tidy` types without looking at each value.
    """
    engine = sa.create_engine(url) if isinstance(url, str) else url
    specs = item_specs(questionnaires) if questionnaires is not None else None
    try:
        with nullcontext(engine) if isinstance(engine, sa.Connection) else engine.connect() as connection:
            units = _unit_attributes(connection, campaign_id)
            packed = blocks.fresh(connection, campaign_id, after_id, upto_id) \
                if campaign_id is not None and specs is not None else []
            spans = list(blocks.gaps(packed, after_id, upto_id)) if packed else [(after_id, upto_id)]
            parts = [_read_json(connection, (campaign_id, after, upto), specs)
                     if not packed or upto is None or upto > after  # between two adjacent blocks: nothing to read
                     else {"response_id": np.zeros(0, dtype=np.int64)} for after, upto in spans]
            wanted = specs if connection.dialect.name == "sqlite" else None
    finally:
        if isinstance(url, str) and isinstance(engine, sa.Engine):
            engine.dispose()
    frame: dict[str, Any] = _joined(parts, packed, wanted) if packed else parts[0]
    n = len(frame["response_id"])
    for item_id in (i for i in specs or () if i not in frame):  # an item nobody answered: all missing, as on SQLite
        frame[item_id] = _objects([None] * n)
    hidden = np.asarray(frame.pop("comment_hidden"), dtype=object).astype(bool) if n else np.zeros(0, dtype=bool)
    items = [c for c in frame if c not in LEADING_COLUMNS]
    # Free-text items; without questionnaires, the web layer's default comment item.
    texts = [i for i, s in specs.items() if s.type == "text"] if specs is not None else [DEFAULT_COMMENT]
    for item_id in (i for i in texts if i in frame and hidden.any()):
        values = frame[item_id]
        if isinstance(values, pd.Categorical):
            frame[item_id] = pd.Categorical.from_codes(np.where(hidden, -1, values.codes), dtype=values.dtype)
        else:
            values = values.copy()
            values[hidden] = None
            frame[item_id] = values
    frame.update(_unit_columns(frame, units))
    return {c: frame[c] for c in [*LEADING_COLUMNS, *items]}


def _read_json(connection: sa.Connection, span: Span, specs: Mapping[str, ItemSpec] | None) -> dict[str, np.ndarray]:
    """The responses of ``span`` read from their answers JSON."""
    if specs is not None and connection.dialect.name == "sqlite":
        return _extracted(connection, span, specs)
    return read_rows(connection, span)


def _joined(parts: list[dict[str, np.ndarray]], packed: list[blocks.Block],
            wanted: Mapping[str, ItemSpec] | None) -> dict[str, Any]:
    """Columns of the blocks and of the spans between them (``parts[i]`` comes before ``packed[i]``), in id order.

    ``wanted``: the only items to keep (as SQLite's extraction does), or ``None`` for all. Each column's distinct
    values are merged across parts (a dictionary of the few distinct values per part),
    and its codes renumbered and concatenated: nothing is done per response in Python.
    """
    pieces: list[tuple[np.ndarray, dict[str, blocks.Column]]] = []
    for position, part in enumerate(parts):
        if len(part["response_id"]):
            ids = np.asarray(part["response_id"], dtype=np.int64)
            pieces.append((ids, {n: blocks.factorized(v) for n, v in part.items() if n != "response_id"}))
        if position < len(packed):
            pieces.append(blocks.decode(packed[position].payload))
    names: dict[str, None] = {}
    for _, columns in pieces:
        names.update(dict.fromkeys(n for n in columns if wanted is None or n in wanted or n in blocks.LEADING))
    frame: dict[str, Any] = {"response_id": np.concatenate([ids for ids, _ in pieces])}
    for name in names:
        codes, values = _merged([columns.get(name) for _, columns in pieces], [len(ids) for ids, _ in pieces])
        if name in ("campaign_id", "unit_id", "questionnaire_version"):
            frame[name] = np.asarray([*values, 0], dtype=np.int64)[codes]
        elif name == "comment_hidden":
            frame[name] = np.asarray([*map(bool, values), False], dtype=bool)[codes]
        else:
            frame[name] = pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object))
    return frame


def _merged(columns: list[blocks.Column | None], sizes: list[int]) -> tuple[np.ndarray, list[Any]]:
    """One column's codes over all parts and its distinct values (a part without the column: all missing)."""
    index: dict[Any, int] = {}
    pieces = []
    for column, size in zip(columns, sizes, strict=True):
        if column is None:
            pieces.append(np.full(size, -1, dtype=np.int32))
            continue
        mapping = np.array([*(index.setdefault(v, len(index)) for v in column.values), -1], dtype=np.int32)
        pieces.append(mapping[column.codes])
    return np.concatenate(pieces), list(index)


def _unit_columns(frame: dict[str, np.ndarray], units: pd.DataFrame) -> dict[str, Any]:
    """Unit attributes of each response's (campaign, unit), missing where the unit is not in the campaign.

    Labels come back as ``Categorical`` (built from positions in the small units table, no hashing per row).
    """
    keys = pd.MultiIndex.from_frame(units[["campaign_id", "unit_id"]])
    wanted = pd.MultiIndex.from_arrays([frame["campaign_id"].astype(np.int64), frame["unit_id"].astype(np.int64)])
    position = keys.get_indexer(wanted)
    columns: dict[str, Any] = {}
    for column in _UNIT_COLUMNS:
        values = units[column]
        if column == "service_volume":
            columns[column] = np.concatenate([values.to_numpy(dtype=object), _objects([None])])[position]
            continue
        codes, categories = pd.factorize(values, sort=True, use_na_sentinel=True)
        columns[column] = pd.Categorical.from_codes(np.append(codes, -1)[position], categories=categories)
    return columns


def _unit_attributes(connection: sa.Connection, campaign_id: int | None) -> pd.DataFrame:
    u, cu = schema.units, schema.campaign_units
    query = sa.select(
        cu.c.campaign_id, cu.c.unit_id, u.c.code.label("unit_code"), u.c.name.label("unit_name"), u.c.sector,
        u.c.level, cu.c.area, cu.c.service_volume,
    ).join(u, u.c.id == cu.c.unit_id)
    if campaign_id is not None:
        query = query.where(cu.c.campaign_id == campaign_id)
    rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["campaign_id", "unit_id", *_UNIT_COLUMNS]).astype(
        {"campaign_id": "int64", "unit_id": "int64"})


#: Which responses to read: (campaign id or None, largest id not wanted, largest id wanted or None).
Span = tuple[int | None, int, int | None]


def _fetch(connection: sa.Connection, extra: Sequence[sa.ColumnElement[Any]], span: Span) -> dict[str, np.ndarray]:
    """Run the responses query with the ``extra`` columns; columns as object arrays."""
    campaign_id, after_id, upto_id = span
    r = schema.responses
    query = sa.select(
        r.c.id.label("response_id"), r.c.campaign_id, r.c.unit_id, r.c.questionnaire_id, r.c.questionnaire_version,
        r.c.channel, r.c.locale, sa.type_coerce(r.c.submitted_on, sa.String).label("submitted_on"),
        r.c.comment_hidden, *extra,
    ).order_by(r.c.id)
    if campaign_id is not None:
        query = query.where(r.c.campaign_id == campaign_id)
    if after_id:
        query = query.where(r.c.id > after_id)
    if upto_id is not None:
        query = query.where(r.c.id <= upto_id)
    result = connection.execute(query)
    names = list(result.keys())
    with _paused_gc():
        rows = result.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
        del rows  # free the row tuples before the collector runs again
        frame = {n: _objects(c) for n, c in zip(names, columns, strict=True)}
        del columns
    return frame


def _objects(values: Sequence[Any]) -> np.ndarray:
    """A 1-d object array of the values (lists stay elements, not a second dimension)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _extracted(connection: sa.Connection, span: Span, specs: Mapping[str, ItemSpec]) -> dict[str, np.ndarray]:
    """SQLite: every scalar item in one multi-path ``json_extract`` (a JSON array per row), multi items apart."""
    bad = [i for i in specs if '"' in i or "\\" in i]
    if bad:
        raise ValueError(f"questionnaires: item ids {bad} contain quotes or backslashes; rename them")
    answers = schema.responses.c.answers
    scalar = [i for i, s in specs.items() if s.type != "multi"]
    multi = [i for i, s in specs.items() if s.type == "multi"]
    paths = [sa.literal(f'$."{i}"') for i in scalar] * (2 if len(scalar) == 1 else 1)
    extra = [sa.func.json_extract(sa.type_coerce(answers, sa.Text), *paths).label("packed")] if scalar else []
    extra += [sa.func.json_extract(sa.type_coerce(answers, sa.Text), sa.literal(f'$."{i}"')).label(f"multi {i}")
              for i in multi]
    frame = _fetch(connection, extra, span)
    if scalar:
        with _paused_gc():
            packed = frame.pop("packed")
            rows = json.loads("[" + ",".join(packed) + "]") if len(packed) else []
            columns = list(zip(*rows, strict=True)) if rows else [()] * len(paths)
            del rows  # free the per-row lists before the collector runs again
            frame.update({i: _objects(c) for i, c in zip(scalar, columns, strict=False)})
            del columns
    for item_id in multi:
        codes, distinct = pd.factorize(frame.pop(f"multi {item_id}"), use_na_sentinel=True)
        joined = [MULTI_SEPARATOR.join(map(str, json.loads(v))) for v in distinct]
        frame[item_id] = np.array([*joined, None], dtype=object)[codes]
    return {k: frame[k] for k in [*frame.keys() - set(specs), *specs] if k in frame}


def read_rows(connection: sa.Connection, span: Span) -> dict[str, np.ndarray]:
    """Any database: fetch the ``answers`` (JSON texts, or mappings where the driver decodes JSON) and parse
    the texts all at once."""
    frame = _fetch(connection, [sa.type_coerce(schema.responses.c.answers, sa.Text).label("answers")], span)
    with _paused_gc():
        stored = frame.pop("answers")
        texts = [t for t in stored if isinstance(t, str)]
        decoded = iter(json.loads("[" + ",".join(texts) + "]") if texts else [])
        parsed = [next(decoded) if isinstance(a, str) else (a or {}) for a in stored]
        keys: dict[str, None] = {}
        for answers in parsed:
            keys.update(dict.fromkeys(answers))
        for key in keys:
            frame[key] = _objects([a.get(key) for a in parsed])
        del parsed
    return frame


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects that hold no cycles
    (it would otherwise rescan them again and again); restore its previous state afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
