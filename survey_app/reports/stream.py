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

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from analysis import schema
from analysis.database import EXPORT_COLUMNS
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


@dataclass(frozen=True)
class Row:
    """One response as read: the leading export columns (typed) and the stored answers of its items."""

    leading: tuple[Any, ...]
    answers: dict[str, Any]


def rows(engine: sa.Engine, campaign_id: int, layout: Layout, rng: random.Random | None = None) -> Iterator[Row]:
    """The campaign's responses by day and unit, shuffled within each, with hidden and small-unit comments out.

    A generator: nothing is read before the first row is asked for, and at most one batch and one group are
    held at a time.
    """
    shuffle = (rng or random.SystemRandom()).shuffle
    with engine.connect() as connection:
        units = _units(connection, campaign_id)
        small = _small_units(connection, campaign_id)
        group: list[Row] = []
        key: tuple[Any, Any] | None = None
        for record in _records(connection, campaign_id):
            if (record.submitted_on, record.unit_id) != key:
                shuffle(group)
                yield from group
                group, key = [], (record.submitted_on, record.unit_id)
            group.append(_row(record, units, small, layout.texts))
        shuffle(group)
        yield from group


def _records(connection: sa.Connection, campaign_id: int) -> Iterator[Any]:
    r = schema.responses
    query = (sa.select(r.c.unit_id, r.c.questionnaire_id, r.c.questionnaire_version, r.c.channel, r.c.locale,
                       r.c.submitted_on, r.c.comment_hidden, sa.type_coerce(r.c.answers, sa.Text).label("answers"))
             .where(r.c.campaign_id == campaign_id).order_by(r.c.submitted_on, r.c.unit_id))
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for partition in result.partitions():
        yield from partition


def _row(record: Any, units: dict[int, tuple[Any, ...]], small: set[int], texts: frozenset[str]) -> Row:
    stored = record.answers
    answers = json.loads(stored) if isinstance(stored, str) else dict(stored or {})
    if record.comment_hidden or record.unit_id in small:
        for item_id in texts.intersection(answers):
            del answers[item_id]
    day = record.submitted_on
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    unit = units.get(record.unit_id, (None,) * len(_UNIT_KEYS))
    leading = (None, record.unit_id, *unit, record.questionnaire_id, record.questionnaire_version, record.channel,
               record.locale, day)
    return Row(leading, answers)


def _units(connection: sa.Connection, campaign_id: int) -> dict[int, tuple[Any, ...]]:
    u, cu = schema.units, schema.campaign_units
    query = (sa.select(cu.c.unit_id, u.c.code, u.c.name, u.c.sector, u.c.level, cu.c.area, cu.c.service_volume)
             .join(u, u.c.id == cu.c.unit_id).where(cu.c.campaign_id == campaign_id))
    return {row[0]: tuple(row[1:]) for row in connection.execute(query)}


def _small_units(connection: sa.Connection, campaign_id: int) -> set[int]:
    """Units with fewer than :data:`MIN_GROUP` respondents in the campaign: their comments stay out."""
    r = schema.responses
    query = (sa.select(r.c.unit_id).where(r.c.campaign_id == campaign_id).group_by(r.c.unit_id)
             .having(sa.func.count() < MIN_GROUP))
    return set(connection.execute(query).scalars())


def leading_columns() -> list[str]:
    return list(EXPORT_COLUMNS)


Converter = Callable[[dict[str, Any]], list[Any]]


def converters(layout: Layout, campaign_id: int) -> Callable[[Row], list[Any]]:
    """A function turning a :class:`Row` into its typed cells: ints, floats, ``"yes"``/``"no"``, codes, texts,
    ``None`` where nothing is shown; ``campaign_id`` filled in."""
    parts = [_converter(item) for item in layout.items]

    def cells(row: Row) -> list[Any]:
        out = [campaign_id, *row.leading[1:]]
        answers = row.answers
        for part in parts:
            out.extend(part(answers))
        return out

    return cells


def _converter(item: Item) -> Converter:
    key = item.id
    if item.type == "likert5":
        return lambda answers: [_likert(answers.get(key))]
    if item.type == "yes_no":
        return lambda answers: [_yes_no(answers.get(key))]
    if item.type == "number":
        return lambda answers: [_number(answers.get(key))]
    if item.type == "multi":
        codes = [o.code for o in item.options]

        def multi(answers: dict[str, Any]) -> list[Any]:
            chosen = answers.get(key)
            if chosen is None:
                return [None] * len(codes)
            picked = {str(c) for c in (chosen if isinstance(chosen, list) else str(chosen).split(";"))}
            return ["yes" if code in picked else "no" for code in codes]

        return multi
    return lambda answers: [_text(answers.get(key))]


def _likert(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) and value in (1, 2, 3, 4, 5):
        return int(value)
    if isinstance(value, str) and value.strip() in ("1", "2", "3", "4", "5"):
        return int(value)
    return None


def _yes_no(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip().lower() if value is not None else ""
    return {"yes": "yes", "true": "yes", "no": "no", "false": "no"}.get(text)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None
