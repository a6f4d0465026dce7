"""Packed column blocks (``analysis.blocks``) change how fast a campaign is read, never what is read: after
packing, and after every change a block must notice (a comment hidden, a response deleted or corrected, an id
committed late inside a packed range), ``read_database`` gives the frame the database's own JSON functions give,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import blocks, schema
from analysis.data import read_database
from tests.analysis.test_reader import TYPES, VALUES, _by_sql, _store

# Texts without NUL: the reference reads each item with the database's own JSON functions, and SQLite's
# json_extract cuts a string at an escaped NUL (PostgreSQL's jsonb refuses it), while the readers keep it whole.
_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)
_ANSWERS = st.fixed_dictionaries({}, optional={item: _TEXT if kind == "text" else VALUES[kind]
                                               for item, kind in TYPES.items()})
RESPONSES = st.lists(st.tuples(_ANSWERS, st.booleans(), st.integers(1, 3), st.integers(0, 3)), max_size=25)


def _blocks(engine: sa.Engine) -> list[tuple[int, int, int, bool]]:
    b = schema.response_blocks
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(  # type: ignore[misc]
            sa.select(b.c.first_id, b.c.last_id, b.c.responses, b.c.stale).order_by(b.c.first_id))]


def _reset(engine: sa.Engine, responses: list[tuple[dict[str, Any], bool, int, int]]) -> None:
    with engine.begin() as connection:
        connection.execute(schema.response_blocks.delete())
    _store(engine, responses)


def _same(engine: sa.Engine) -> None:
    pd.testing.assert_frame_equal(read_database(engine, 1, TYPES), _by_sql(engine))


@pytest.mark.postgres
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(responses=RESPONSES)
def test_packed_campaigns_read_the_same_after_every_change(
        engines: list[sa.Engine], responses: list[tuple[dict[str, Any], bool, int, int]]) -> None:
    r = schema.responses
    for engine in engines:
        _reset(engine, responses)
        blocks.pack(engine, 1, block_size=4)
        assert len(_blocks(engine)) == len(responses) // 4  # full blocks only: the newest stay in the JSON
        _same(engine)
        if len(responses) < 9:
            continue
        with engine.begin() as connection:
            connection.execute(r.update().where(r.c.id == 2).values(comment_hidden=True, answers={"q1": 1}))
            connection.execute(r.delete().where(r.c.id == 6))
        assert [stale for *_, stale in _blocks(engine)][:2] == [True, True]
        _same(engine)
        blocks.pack(engine, 1, block_size=4)
        assert not any(stale for *_, stale in _blocks(engine))
        _same(engine)
        with engine.begin() as connection:  # an id taken before the block was made, committed after it
            connection.execute(r.insert().values(
                id=6, campaign_id=1, unit_id=1, questionnaire_id="f", questionnaire_version=1, channel="kiosk",
                locale="en", submitted_on=date(2026, 3, 9), answers={"q1": 5, "comment": "late"},
                submission_id="late", comment_hidden=False))
        assert [stale for first, last, _, stale in _blocks(engine) if first <= 6 <= last] == [True]
        _same(engine)


@pytest.mark.postgres
def test_a_span_reads_the_blocks_inside_it_and_the_json_around_them(engines: list[sa.Engine]) -> None:
    """The reports read a campaign up to an id, then only the newer responses: both agree with the JSON."""
    answers = [({"q1": 1 + n % 5, "comment": f"c{n}"}, n % 7 == 0, 1 + n % 3, n % 4) for n in range(23)]
    for engine in engines:
        _reset(engine, answers)
        assert blocks.pack(engine, 1, block_size=5) == 4
        assert [(f, last) for f, last, *_ in _blocks(engine)] == [(1, 5), (6, 10), (11, 15), (16, 20)]
        whole = _by_sql(engine)
        for after, upto in [(0, 12), (3, 17), (12, None), (0, 20), (20, None)]:
            part = read_database(engine, 1, TYPES, after_id=after, upto_id=upto)
            expected = whole[(whole.response_id > after) & (whole.response_id <= (upto or 10**9))]
            pd.testing.assert_frame_equal(part, expected.reset_index(drop=True))
        assert blocks.pack(engine, 1, block_size=5) == 0  # nothing new to pack


def test_a_block_payload_is_read_as_numbers_only() -> None:
    """Blocks come from the database: reading one must never execute or unpickle anything, and a payload of
    another kind is refused with a clear error."""
    import numpy as np

    frame = {"response_id": np.array([1, 2], dtype=object), "q": np.array([["a", "b"], None], dtype=object),
             "t": np.array(["x", "x"], dtype=object)}
    ids, columns = blocks.decode(blocks.encode(frame))
    assert list(ids) == [1, 2]
    assert columns["q"].values == ['["a", "b"]'] and list(columns["q"].codes) == [0, -1]
    assert columns["t"].values == ["x"] and list(columns["t"].codes) == [0, 0]
    with pytest.raises(ValueError, match="not a response block"):
        blocks.decode(b"\x80\x04\x95pickle")
    forged = blocks.encode(frame).replace(b'"<i8"', b'"|O8"')
    with pytest.raises(ValueError, match="unexpected type"):
        blocks.decode(forged)


@pytest.mark.postgres
def test_a_change_while_a_block_is_being_read_leaves_it_unused(engines: list[sa.Engine],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock is not held while a block's answers are read: a comment hidden at that moment (after the range was
    claimed) must leave the block unfilled, and no reader may use a claimed block before it is filled."""
    from analysis import database

    answers = [({"q1": 1 + n % 5, "comment": f"c{n}"}, False, 1 + n % 3, n % 4) for n in range(8)]
    real = database.read_rows
    for engine in engines:
        _reset(engine, answers)

        first = [True]

        def hide_then_read(connection: sa.Connection, span: Any, engine: sa.Engine = engine,
                           first: list[bool] = first) -> Any:
            if first.pop() if first else False:  # pack reading its first block (and not the reads below)
                assert _blocks(engine) == [(1, 4, 0, False)]  # claimed, not filled: readers skip it
                _same(engine)
                with engine.begin() as writer:
                    writer.execute(schema.responses.update().where(schema.responses.c.id == 3)
                                   .values(comment_hidden=True))
            return real(connection, span)

        monkeypatch.setattr(database, "read_rows", hide_then_read)
        assert blocks.pack(engine, 1, block_size=4) == 1  # the first block refused, the second filled
        monkeypatch.setattr(database, "read_rows", real)
        assert [stale for *_, stale in _blocks(engine)] == [True, False]
        _same(engine)
        assert blocks.pack(engine, 1, block_size=4) == 1
        assert [stale for *_, stale in _blocks(engine)] == [False, False]
        frame = read_database(engine, 1, TYPES)
        assert pd.isna(frame.loc[frame.response_id == 3, "comment"].iat[0])
        _same(engine)


@pytest.mark.postgres
def test_a_submission_never_waits_for_another_submissions_foreign_key_lock(engines: list[sa.Engine]) -> None:
    """Every insert's foreign key check holds a KEY SHARE lock on its campaign row until it commits. The blocks'
    trigger must take a lock compatible with it (FOR NO KEY UPDATE, as the counter's UPDATE does): FOR UPDATE
    would wait for the other submission, which itself waits for this one's lock, and the two would deadlock."""
    engine = engines[1]
    _reset(engine, [({"q1": 5}, False, 1, 0)])
    with engine.connect() as other, engine.connect() as submission:
        other.begin()
        other.execute(sa.text("SELECT 1 FROM campaigns WHERE id = 1 FOR KEY SHARE"))  # another insert's FK check
        with submission.begin():
            submission.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
            submission.execute(schema.responses.insert().values(
                id=2, campaign_id=1, unit_id=1, questionnaire_id="f", questionnaire_version=1, channel="qr",
                locale="vi", submitted_on=date(2026, 3, 2), answers={"q1": 4}, submission_id="second"))
        other.rollback()
    assert len(read_database(engine, 1, TYPES)) == 2
