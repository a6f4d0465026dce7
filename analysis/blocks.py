"""Responses packed into column blocks, so that reading a large campaign does not parse its answers again.

Each response's answers are stored as one JSON text, the truth that every path storing a response writes.
Getting that text out of the database and parsing it is most of what reading a campaign costs: about 28 s of
one core for a million responses on the project's 2-core machine (``bench/read_paths.py``), far from the 3 s an
analyst or a cold report should wait. A block holds up to :data:`BLOCK_SIZE` consecutive responses of one
campaign as columns: for each column its distinct values (a JSON list) and one small integer code per response,
in one payload of plain numbers and JSON (nothing read from the database is ever executed or unpickled).
:mod:`analysis.database` takes the fresh blocks whole and reads from the JSON only the responses no fresh block
covers: the newest ones, fewer than a block.

Blocks are derived data: deleting them all loses nothing and only slows reading down. They are written by
:func:`pack` (``flask responses pack`` or ``python -m analysis pack``, from cron) and never by a reader.

**Staying true to the answers.** A block covers a range of ids ``first_id..last_id`` of its campaign, and the
blocks of a campaign never overlap. Triggers on ``responses`` (:func:`trigger_statements`) mark a block stale
when a response in its range is inserted (an id taken earlier but committed late), changed (a comment hidden by
moderation) or deleted; readers skip stale blocks and the next :func:`pack` rebuilds them. A block's range is
first claimed, in a short transaction under the campaign's write lock (SQLite: the database's, by its first
write; PostgreSQL: the campaign row's, ``FOR NO KEY UPDATE``, which each trigger also takes before it looks for
blocks), then its responses are read and its payload stored only if it is still fresh. So a writer either
committed before the claim (and the block holds its change), or its trigger runs after the claim committed (and
marks the block stale): no change can fall between the two, and the lock is held for milliseconds, never while
20 000 answers are read.
Unit attributes (names, volumes, areas) are not in blocks; the reader joins them from the current tables.

SQLite drops a table's triggers when a migration rebuilds it (batch mode): such a migration on ``responses`` must
run :func:`trigger_statements` again, as it does for :mod:`survey_app.revision`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from . import schema

#: Responses per block. The reader parses at most about this many answers texts besides the fresh blocks (the
#: newest responses, not yet packed): 20 000 cost about 0.5 s here, a block saves about 28 s per million.
BLOCK_SIZE = 20_000
#: Version of the payload layout; blocks of another version are ignored by readers and rebuilt by :func:`pack`.
FORMAT = 1
_MAGIC = b"SURVEY-BLOCK-1\n"
_DTYPES = ("<i8", "|i1", "<i2", "<i4")
#: Format of a claimed block whose payload is being built: readers skip it, :func:`pack` clears it if left over.
PENDING = 0
#: Leading columns of a block besides ``response_id``, as the JSON reader names them.
LEADING = ("campaign_id", "unit_id", "questionnaire_id", "questionnaire_version", "channel", "locale",
           "submitted_on", "comment_hidden")


@dataclass(frozen=True)
class Column:
    """One column of some responses: a code per response (-1: no value) into ``values``."""

    codes: np.ndarray
    values: list[Any]


def encode(frame: Mapping[str, np.ndarray]) -> bytes:
    """The payload of a block: ``response_id`` as int64, every other column as codes and distinct values.

    ``frame`` maps column names to object arrays, as :func:`analysis.database.read_rows` reads them (lists for
    multi-choice answers). The layout: a magic, the length of a JSON header (each column's distinct values and
    where its codes lie), the header, then the arrays' bytes back to back, read as views without copying.
    """
    arrays: list[tuple[str, np.ndarray]] = [("response_id", np.asarray(frame["response_id"], dtype="<i8"))]
    values: dict[str, list[Any]] = {}
    for name, column in ((n, factorized(v)) for n, v in frame.items() if n != "response_id"):
        values[name] = column.values
        arrays.append((name, column.codes.astype(_code_type(len(column.values)))))
    layout, offset = [], 0
    for name, array in arrays:
        layout.append([name, array.dtype.str, offset, len(array)])
        offset += array.nbytes
    header = json.dumps({"arrays": layout, "values": values}, ensure_ascii=False).encode()
    return b"".join([_MAGIC, len(header).to_bytes(4, "little"), header, *(a.tobytes() for _, a in arrays)])


def decode(payload: bytes) -> tuple[np.ndarray, dict[str, Column]]:
    """Response ids and columns of a block (list values come back as their JSON text, see :func:`factorized`).

    Raises
    ------
    ValueError
        If the payload is not a block of this format (it is never executed or unpickled, only read as numbers).
    """
    if payload[:len(_MAGIC)] != _MAGIC:
        raise ValueError("not a response block of this format")
    size = int.from_bytes(payload[len(_MAGIC):len(_MAGIC) + 4], "little")
    start = len(_MAGIC) + 4 + size
    header = json.loads(payload[len(_MAGIC) + 4:start])
    arrays = {}
    for name, dtype, offset, count in header["arrays"]:
        if dtype not in _DTYPES:
            raise ValueError(f"response block: column {name!r} has an unexpected type {dtype!r}")
        arrays[name] = np.frombuffer(payload, dtype=dtype, count=count, offset=start + offset)
    columns = {name: Column(arrays[name], [_list_text(v) if isinstance(v, list) else v for v in values])
               for name, values in header["values"].items()}
    return arrays["response_id"], columns


def factorized(values: np.ndarray) -> Column:
    """Codes and distinct values of an object array; lists (multi-choice answers) count by their JSON text, dates
    by their ISO text (as SQLite gives them).

    The JSON text is what a multi-choice answer looks like in a ``.npz``-safe, hashable form, and
    :func:`analysis.answers.convert` reads it as the list itself.
    """
    import pandas as pd

    array = np.asarray(values, dtype=object)
    try:
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
    except TypeError:  # unhashable lists
        texts = np.array([_list_text(v) if isinstance(v, (list, tuple)) else v for v in array], dtype=object)
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    return Column(codes, [v.isoformat() if isinstance(v, (date, datetime)) else v for v in uniques])


def _list_text(values: list[Any] | tuple[Any, ...]) -> str:
    """A list's JSON text; an empty list is blank, i.e. not answered, as when its codes are joined."""
    return json.dumps(list(values), ensure_ascii=False) if len(values) else ""


def _code_type(count: int) -> str:
    """The smallest little-endian integer type for codes of ``count`` distinct values (and -1)."""
    if count < 2**7:
        return "|i1"
    return "<i2" if count < 2**15 else "<i4"


@dataclass(frozen=True)
class Block:
    """A stored block: the id range it covers (both ends included) and its payload."""

    first_id: int
    last_id: int
    payload: bytes


def fresh(connection: sa.Connection, campaign_id: int, after_id: int = 0,
          upto_id: int | None = None) -> list[Block]:
    """The campaign's fresh blocks lying wholly in ``after_id < id <= upto_id``, by id.

    An empty list where the database has no blocks table (an analysis database made without it).
    """
    if not _has_table(connection):
        return []
    b = schema.response_blocks
    query = (sa.select(b.c.first_id, b.c.last_id, b.c.payload)
             .where(b.c.campaign_id == campaign_id, b.c.stale.is_(False), b.c.format == FORMAT,
                    b.c.first_id > after_id)
             .order_by(b.c.first_id))
    if upto_id is not None:
        query = query.where(b.c.last_id <= upto_id)
    return [Block(int(f), int(last), bytes(p)) for f, last, p in connection.execute(query)]


def _has_table(connection: sa.Connection) -> bool:
    return sa.inspect(connection).has_table(schema.response_blocks.name)


def gaps(blocks: list[Block], after_id: int, upto_id: int | None) -> Iterator[tuple[int, int | None]]:
    """The spans ``(after, upto)`` of ``after_id < id <= upto_id`` that no block covers: one before each block
    (maybe empty: ``after == upto``), then the one after the last block."""
    start = after_id
    for block in blocks:
        yield start, block.first_id - 1
        start = block.last_id
    if upto_id is None or upto_id > start:
        yield start, upto_id


def pack(url: str | sa.Engine, campaign_id: int | None = None, block_size: int = BLOCK_SIZE) -> int:
    """Pack the responses of one campaign (or every campaign) into blocks; returns how many blocks were written.

    Stale blocks and blocks of an older format are removed and their ranges packed again; ranges between blocks
    are packed whatever their size; after the last block only full blocks are made, so the newest responses
    (fewer than ``block_size``) stay in the JSON until more arrive. Safe to run while answers stream in, on any
    server, and twice at once (a range packed meanwhile by another run is left alone).
    """
    engine = sa.create_engine(url) if isinstance(url, str) else url
    try:
        with engine.connect() as connection:
            if not _has_table(connection):
                raise ValueError("the database has no response_blocks table; upgrade it (flask db upgrade)")
            campaigns = ([campaign_id] if campaign_id is not None else
                         [int(c) for c in connection.scalars(sa.select(schema.campaigns.c.id).order_by("id"))])
        return sum(_pack_campaign(engine, c, block_size) for c in campaigns)
    finally:
        if isinstance(url, str):
            engine.dispose()


def _pack_campaign(engine: sa.Engine, campaign_id: int, block_size: int) -> int:
    b, r = schema.response_blocks, schema.responses
    with engine.begin() as connection:
        connection.execute(b.delete().where(b.c.campaign_id == campaign_id,
                                            sa.or_(b.c.stale.is_(True), b.c.format != FORMAT)))
    written = 0
    while True:
        with engine.connect() as connection:
            blocks = [Block(int(f), int(last), b"") for f, last in connection.execute(
                sa.select(b.c.first_id, b.c.last_id).where(b.c.campaign_id == campaign_id).order_by(b.c.first_id))]
            target = None
            for after, upto in gaps(blocks, 0, None):
                if upto is not None and upto <= after:
                    continue
                span = sa.and_(r.c.campaign_id == campaign_id, r.c.id > after,
                               *([r.c.id <= upto] if upto is not None else []))
                last = connection.scalar(sa.select(r.c.id).where(span).order_by(r.c.id)
                                         .offset(block_size - 1).limit(1))
                if last is not None:  # a full block
                    target = (after, int(last))
                elif upto is not None and connection.scalar(sa.select(sa.func.count()).select_from(r).where(span)):
                    target = (after, upto)  # between two blocks: what is there
                if target is not None:
                    break
        if target is None:
            return written
        written += _store_block(engine, campaign_id, *target)


def _store_block(engine: sa.Engine, campaign_id: int, after: int, upto: int) -> int:
    """Claim the ids ``after < id <= upto`` with a pending block, then read their responses and fill it in.

    The claim is a short transaction under the campaign's write lock. From its commit on, a change to a response
    in the range marks the pending block stale (the triggers), and a change committed before it is in what is read
    next: so the payload is stored only if the block is still fresh, and the lock is never held while reading.
    """
    from .database import read_rows  # the JSON reader; imported here since it imports this module

    b, c = schema.response_blocks, schema.campaigns
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":  # the first write takes the database's write lock
            connection.execute(b.delete().where(b.c.campaign_id == campaign_id, b.c.first_id == after + 1,
                                                b.c.stale.is_(True)))
        else:
            connection.execute(sa.select(c.c.id).where(c.c.id == campaign_id).with_for_update(key_share=True))
        overlapping = connection.scalar(sa.select(sa.func.count()).select_from(b).where(
            b.c.campaign_id == campaign_id, b.c.first_id <= upto, b.c.last_id > after))
        if overlapping:
            return 0  # another run packed it meanwhile
        claimed = connection.execute(b.insert().values(campaign_id=campaign_id, first_id=after + 1, last_id=upto,
                                                       responses=0, stale=False, format=PENDING, payload=b""))
        block_id = claimed.inserted_primary_key[0]  # type: ignore[index]
    with engine.connect() as connection:
        frame = read_rows(connection, (campaign_id, after, upto))
    count = len(frame["response_id"])
    payload = encode(frame) if count else b""
    with engine.begin() as connection:
        if not count:
            connection.execute(b.delete().where(b.c.id == block_id))
            return 0
        done = connection.execute(b.update().where(b.c.id == block_id, b.c.stale.is_(False))
                                  .values(responses=count, format=FORMAT, payload=payload))
    return int(done.rowcount)


_SQLITE = (
    """CREATE TRIGGER IF NOT EXISTS response_blocks_inserted AFTER INSERT ON responses BEGIN
       UPDATE response_blocks SET stale = 1
       WHERE campaign_id = NEW.campaign_id AND NEW.id BETWEEN first_id AND last_id AND stale = 0; END""",
    """CREATE TRIGGER IF NOT EXISTS response_blocks_changed AFTER UPDATE ON responses BEGIN
       UPDATE response_blocks SET stale = 1
       WHERE ((campaign_id = OLD.campaign_id AND OLD.id BETWEEN first_id AND last_id)
              OR (campaign_id = NEW.campaign_id AND NEW.id BETWEEN first_id AND last_id)) AND stale = 0; END""",
    """CREATE TRIGGER IF NOT EXISTS response_blocks_deleted AFTER DELETE ON responses BEGIN
       UPDATE response_blocks SET stale = 1
       WHERE campaign_id = OLD.campaign_id AND OLD.id BETWEEN first_id AND last_id AND stale = 0; END""",
)

_POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION survey_response_blocks_touched() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         -- The campaign rows' lock, the one pack() holds while it claims a block: taken first, so that the
         -- blocks seen below include any block claimed while this statement waited. NO KEY UPDATE, the lock the
         -- counter's UPDATE takes: FOR UPDATE would conflict with the KEY SHARE lock that every concurrent
         -- insert's foreign key check holds on the same row, and two submissions would deadlock.
         IF TG_OP = 'DELETE' THEN
           PERFORM 1 FROM campaigns WHERE id IN (SELECT campaign_id FROM old_rows) ORDER BY id FOR NO KEY UPDATE;
           UPDATE response_blocks b SET stale = true FROM old_rows o
           WHERE b.campaign_id = o.campaign_id AND o.id BETWEEN b.first_id AND b.last_id AND NOT b.stale;
         ELSIF TG_OP = 'INSERT' THEN
           PERFORM 1 FROM campaigns WHERE id IN (SELECT campaign_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
           UPDATE response_blocks b SET stale = true FROM new_rows n
           WHERE b.campaign_id = n.campaign_id AND n.id BETWEEN b.first_id AND b.last_id AND NOT b.stale;
         ELSE
           PERFORM 1 FROM campaigns
           WHERE id IN (SELECT campaign_id FROM old_rows UNION SELECT campaign_id FROM new_rows)
           ORDER BY id FOR NO KEY UPDATE;
           UPDATE response_blocks b SET stale = true
           FROM (SELECT campaign_id, id FROM old_rows UNION SELECT campaign_id, id FROM new_rows) t
           WHERE b.campaign_id = t.campaign_id AND t.id BETWEEN b.first_id AND b.last_id AND NOT b.stale;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE TRIGGER response_blocks_inserted AFTER INSERT ON responses REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_response_blocks_touched()""",
    """CREATE OR REPLACE TRIGGER response_blocks_changed AFTER UPDATE ON responses REFERENCING OLD TABLE AS old_rows
       NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_response_blocks_touched()""",
    """CREATE OR REPLACE TRIGGER response_blocks_deleted AFTER DELETE ON responses REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_response_blocks_touched()""",
)

_TRIGGERS = ("response_blocks_inserted", "response_blocks_changed", "response_blocks_deleted")


def trigger_statements(dialect: str) -> tuple[str, ...]:
    """The DDL creating the triggers that mark blocks stale, on ``dialect`` (``sqlite`` or ``postgresql``)."""
    if dialect == "sqlite":
        return _SQLITE
    if dialect == "postgresql":
        return _POSTGRESQL
    raise ValueError(f"dialect: no block triggers for {dialect!r}; use SQLite or PostgreSQL")


def drop_statements(dialect: str) -> tuple[str, ...]:
    """The DDL removing those triggers (and on PostgreSQL their function)."""
    if dialect == "sqlite":
        return tuple(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS)
    return (*(f"DROP TRIGGER IF EXISTS {name} ON responses" for name in _TRIGGERS),
            "DROP FUNCTION IF EXISTS survey_response_blocks_touched()")


def install(metadata: sa.MetaData) -> None:
    """Create the triggers whenever ``metadata.create_all`` creates the tables (tests, benchmarks, new databases)."""
    schema.install_triggers(metadata, trigger_statements, drop_statements, schema.response_blocks.name)


install(schema.metadata)
