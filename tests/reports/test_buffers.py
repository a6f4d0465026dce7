"""Column buffers behind the mirror: a frame grown in place equals the frame read whole, and no frame handed out
earlier ever changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.models import Unit
from survey_app.platform.extensions import db
from survey_app.reports import buffers
from survey_app.reports.buffers import Buffers
from survey_app.reports.mirror import mirrored

from .conftest import Province, add_responses


def rows(first: int, last: int) -> pd.DataFrame:
    """Responses ``first`` to ``last - 1`` with every column type a whole read gives (see ``analysis.data``)."""
    numbers = range(first, last)
    return pd.DataFrame({
        "response_id": np.arange(first, last, dtype=np.int64),
        "submitted_at": np.array([np.datetime64("2026-07-01") + np.timedelta64(i, "m") for i in numbers]),
        "service_volume": np.arange(first, last, dtype=float) * 1.5,
        "overall": pd.array([i % 5 + 1 if i % 7 else None for i in numbers], dtype="Int64"),
        "score": pd.array([i / 3 if i % 4 else None for i in numbers], dtype="Float64"),
        "paid": pd.array([bool(i % 2) if i % 5 else None for i in numbers], dtype="boolean"),
        "sector": pd.Categorical(["health" if i % 2 else "one_stop" for i in numbers],
                                 categories=["health", "one_stop"]),
        "gender": pd.Categorical([None if i % 3 == 0 else "female" for i in numbers],
                                 categories=["female", "male"]),
        "comment": pd.array([f"ý kiến {i}" if i % 3 else None for i in numbers], dtype="string[pyarrow]"),
        "code": pd.array([f"U{i % 4}" for i in numbers], dtype="str"),
    })


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12), st.integers(1, 30))
def test_growing_in_place_equals_the_whole_frame_and_leaves_earlier_frames_as_they_were(
        sizes: list[int], first: int) -> None:
    held = Buffers.of(rows(0, first))
    assert held is not None
    given_out, end = [(held.frame(), first)], first
    for size in sizes:
        frame = held.extend(end, rows(end, end + size))
        assert frame is not None
        end += size
        given_out.append((frame, end))
    for frame, length in given_out:
        pd.testing.assert_frame_equal(frame, rows(0, length))


def test_buffers_that_run_out_of_room_move_and_older_frames_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(buffers, "MIN_ROOM", 2)
    held = Buffers.of(rows(0, 3))
    assert held is not None
    older = held.frame()
    for end in range(3, 60, 4):
        assert held.extend(end, rows(end, end + 4)) is not None
    pd.testing.assert_frame_equal(older, rows(0, 3))
    pd.testing.assert_frame_equal(held.frame(), rows(0, 63))
    assert held.frame()["comment"].array._pa_array.num_chunks <= buffers.MAX_CHUNKS + 1


def test_a_second_growth_of_the_same_frame_is_refused() -> None:
    held = Buffers.of(rows(0, 10))
    assert held is not None
    mine = held.extend(10, rows(10, 11))
    assert held.extend(10, rows(20, 21)) is None  # another thread grew frame 0..10 already
    pd.testing.assert_frame_equal(mine, rows(0, 11))


def test_a_new_label_or_another_column_type_is_refused_and_nothing_is_written() -> None:
    held = Buffers.of(rows(0, 10))
    assert held is not None
    new_label = rows(10, 11).assign(sector=pd.Categorical(["education"]))
    assert held.extend(10, new_label) is None
    other_type = rows(10, 11).assign(overall=np.array([4.0]))
    assert held.extend(10, other_type) is None
    assert held.extend(10, rows(10, 11).drop(columns="comment")) is None
    assert held.length == 10
    pd.testing.assert_frame_equal(held.extend(10, rows(10, 12)), rows(0, 12))


def test_frames_cannot_write_into_the_buffers() -> None:
    held = Buffers.of(rows(0, 10))
    assert held is not None
    frame = held.frame()
    with pytest.raises(ValueError, match="read-only"):
        frame["service_volume"].to_numpy()[0] = 99.0
    changed = frame.copy(deep=False)
    changed.loc[0, "service_volume"] = 99.0  # pandas copies the column first
    assert held.frame()["service_volume"].iat[0] == 0.0


def test_a_column_of_python_objects_is_kept_whole() -> None:
    assert Buffers.of(rows(0, 5).assign(extra=np.array([{}, [], 1, "a", None], dtype=object))) is None


def test_the_mirror_grows_its_buffers_with_each_new_response(app: Flask, province: Province) -> None:
    with app.app_context():
        campaign = province.campaign_id
        before = len(mirrored(campaign).frame)
        for answer in (4, 5, 2):
            add_responses(campaign, db.session.get(Unit, province.unit_a), "one_stop", (answer,))
            db.session.commit()
            mirror = mirrored(campaign)
        assert mirror.buffers is not None and mirror.buffers.length == before + 3
        assert mirror.frame["overall"].tail(3).tolist() == [4, 5, 2]
