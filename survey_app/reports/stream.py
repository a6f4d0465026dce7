"""A campaign's raw responses read a few thousand rows at a time, in the anonymous order of the exports.

The exports of :mod:`survey_app.reports.exports` once read the whole campaign into a data frame first: at a
million responses that held the worker for many seconds before the first byte and took gigabytes. Here one
query walks the index ``(campaign_id, submitted_on, unit_id)`` (so the database sorts nothing and the first
rows arrive at once), fetched in batches (``yield_per``: a server-side cursor on PostgreSQL), and only one
group of rows — one unit's answers of one day — is held at a time: the group is shuffled before it leaves,
so the rows come by day and unit in random order within them, as :func:`analysis.data.anonymous_order` puts
the non-streamed export (no id, and no order that tells who answered first).

The rules of the raw export hold here too: comments hidden by moderation and every comment of a unit with
fewer than five respondents in the campaign are left out (the unit counts are one grouped query, run after
the header has left).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
import sqlalchemy as sa

from analysis import schema
from analysis.database import EXPORT_COLUMNS
from analysis.spreadsheet import safe_cell
from questionnaires.model import Item, Questionnaire

from .codebook import answer_items
from .tables import MIN_GROUP

#: Rows fetched from the database per round trip.
BATCH = 2000
_UNIT_KEYS = ("unit_code", "unit_name", "sector", "level", "area", "service_volume")


@dataclass(frozen=True)
class Layout:
    """The item columns of a campaign's export: every item of its questionnaires, a ``multi`` item as one
    yes/no column per choice (``item.code``), as in the tidy frame of :mod:`analysis`."""

    items: tuple[Item, ...]

    @classmethod
    def of(cls, forms: list[Questionnaire]) -> Layout:
        return cls(tuple(answer_items(forms)))

    def item_columns(self) -> list[str]:
        return [name for item in self.items for name in _names(item)]

    @property
    def texts(self) -> frozenset[str]:
        return frozenset(item.id for item in self.items if item.type == "text")


def _names(item: Item) -> list[str]:
    return [f"{item.id}.{o.code}" for o in item.options] if item.type == "multi" else [item.id]


Record = tuple[tuple[Any, ...], dict[str, Any]]


def batches(engine: sa.Engine, campaign_id: int, layout: Layout, rng: random.Random | None = None
            ) -> Iterator[list[Record]]:
    """The campaign's responses by day and unit, shuffled within each, in lists of about :data:`BATCH`.

    Each record is ``(leading cells, answers)``: the export's leading columns (text already made
    spreadsheet-safe) and the stored answers, hidden and small-unit comments removed. A generator: nothing is
    read before the first batch is asked for, and at most one fetched batch, one group and one output batch are
    held at a time.
    """
    shuffle = (rng or random.SystemRandom()).shuffle
    with engine.connect() as connection:
        units = _units(connection, campaign_id)
        small = _small_units(connection, campaign_id)
        texts = layout.texts
        out: list[Record] = []
        group: list[Record] = []
        key: tuple[Any, Any] | None = None
        for record in _records(connection, campaign_id):
            if (record.submitted_on, record.unit_id) != key:
                shuffle(group)
                out += group
                if len(out) >= BATCH:
                    yield out
                    out = []
                group, key = [], (record.submitted_on, record.unit_id)
            group.append(_record(record, campaign_id, units, small, texts))
        shuffle(group)
        out += group
        if out:
            yield out


def _records(connection: sa.Connection, campaign_id: int) -> Iterator[Any]:
    r = schema.responses
    # Day and answers come as the database's text (no per-row type processing): days are parsed once each
    # (:func:`_day`) and answers with orjson.
    query = (sa.select(r.c.unit_id, r.c.questionnaire_id, r.c.questionnaire_version, r.c.channel, r.c.locale,
                       sa.type_coerce(r.c.submitted_on, sa.String).label("submitted_on"), r.c.comment_hidden,
                       sa.type_coerce(r.c.answers, sa.Text).label("answers"))
             .where(r.c.campaign_id == campaign_id).order_by(r.c.submitted_on, r.c.unit_id))
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for partition in result.partitions():
        yield from partition


def _record(record: Any, campaign_id: int, units: dict[int, tuple[Any, ...]], small: set[int],
            texts: frozenset[str]) -> Record:
    stored = record.answers
    answers = orjson.loads(stored) if isinstance(stored, str) else dict(stored or {})
    if record.comment_hidden or record.unit_id in small:
        for item_id in texts.intersection(answers):
            del answers[item_id]
    day = _day(record.submitted_on)
    unit = units.get(record.unit_id) or (None,) * len(_UNIT_KEYS)
    return (campaign_id, record.unit_id, *unit, record.questionnaire_id, record.questionnaire_version,
            record.channel, record.locale, day), answers


@functools.lru_cache(maxsize=4096)
def _day(value: Any) -> date:
    """A stored day (ISO text on SQLite, a date or its text elsewhere) as a date; days repeat, so cached."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _units(connection: sa.Connection, campaign_id: int) -> dict[int, tuple[Any, ...]]:
    """Each unit's leading cells, text made spreadsheet-safe once here rather than once per row."""
    u, cu = schema.units, schema.campaign_units
    query = (sa.select(cu.c.unit_id, u.c.code, u.c.name, u.c.sector, u.c.level, cu.c.area, cu.c.service_volume)
             .join(u, u.c.id == cu.c.unit_id).where(cu.c.campaign_id == campaign_id))
    return {row[0]: tuple(safe_cell(v) if isinstance(v, str) else v for v in row[1:])
            for row in connection.execute(query)}


def _small_units(connection: sa.Connection, campaign_id: int) -> set[int]:
    """Units with fewer than :data:`MIN_GROUP` respondents in the campaign: their comments stay out."""
    r = schema.responses
    query = (sa.select(r.c.unit_id).where(r.c.campaign_id == campaign_id).group_by(r.c.unit_id)
             .having(sa.func.count() < MIN_GROUP))
    return set(connection.execute(query).scalars())


def leading_columns() -> list[str]:
    return list(EXPORT_COLUMNS)


_LIKERT: dict[Any, int] = {value: value for value in (1, 2, 3, 4, 5)} | {str(v): v for v in (1, 2, 3, 4, 5)}
_YES_NO: dict[Any, str] = {"yes": "yes", "no": "no", "true": "yes", "false": "no", "Yes": "yes", "No": "no"}


def columns(batch: list[Record], layout: Layout) -> list[list[Any]]:
    """The batch column by column, typed: ints, floats, ``"yes"``/``"no"``, codes, safe texts, ``None`` where
    nothing is shown (one pass per column: far cheaper than a function call per cell)."""
    out = [list(column) for column in zip(*(record[0] for record in batch), strict=True)] if batch else \
        [[] for _name in EXPORT_COLUMNS]
    answers = [record[1] for record in batch]
    for item in layout.items:
        out += _item_columns(item, answers)
    return out


def _item_columns(item: Item, answers: list[dict[str, Any]]) -> list[list[Any]]:
    key = item.id
    values = [a.get(key) for a in answers]
    if item.type == "multi":
        return _multi(item, values)
    try:
        if item.type == "likert5":
            return [[_LIKERT.get(v) for v in values]]
        if item.type == "yes_no":
            return [[("yes" if v else "no") if v.__class__ is bool else _YES_NO.get(v) for v in values]]
    except TypeError:  # an unhashable stored value (a list where a scalar belongs): shown as nothing
        return [[None] * len(values)]
    if item.type == "number":
        return [[_number(v) for v in values]]
    return [[None if v is None or str(v).strip() == "" else safe_cell(str(v)) for v in values]]


def _multi(item: Item, values: list[Any]) -> list[list[Any]]:
    picked = [None if v is None else {str(c) for c in (v if isinstance(v, list) else str(v).split(";"))}
              for v in values]
    return [[None if p is None else ("yes" if option.code in p else "no") for p in picked] for option in item.options]


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
