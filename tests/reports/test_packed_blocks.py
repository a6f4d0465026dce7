"""``flask responses pack`` makes reading a campaign fast without changing a figure: the reports' frame read
through packed blocks is the frame read from the answers JSON, before and after the changes a block must notice
(a hidden comment, a deleted response, a response stored after packing)."""

from __future__ import annotations

import pandas as pd
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import delete, select, update

from analysis import read_database
from survey_app.models import Response, ResponseBlock, Unit
from survey_app.platform.extensions import db
from survey_app.questionnaire_registry import registry
from survey_app.reports.dataset import WEIGHT, campaign_data
from survey_app.reports.mirror import mirrors

from .conftest import Province, add_responses


def _read_both_ways(campaign_id: int) -> pd.DataFrame:
    """The campaign read with its blocks, checked equal to the same read with no block at all."""
    packed = read_database(db.engine, campaign_id, registry())
    with db.engine.connect() as connection:  # the same database without blocks, in a transaction rolled back
        transaction = connection.begin()
        connection.execute(delete(ResponseBlock))
        plain = read_database(connection, campaign_id, registry())
        transaction.rollback()
    pd.testing.assert_frame_equal(packed, plain)
    return packed


def _blocks() -> list[tuple[int, int, bool]]:
    return [tuple(b) for b in db.session.execute(  # type: ignore[misc]
        select(ResponseBlock.first_id, ResponseBlock.last_id, ResponseBlock.stale).order_by(ResponseBlock.first_id))]


def test_packing_changes_no_figure_and_blocks_follow_every_change(app: Flask, runner: FlaskCliRunner,
                                                                   province: Province) -> None:
    result = runner.invoke(args=["responses", "pack", "--campaign", str(province.campaign_id), "--block-size", "4"])
    assert result.exit_code == 0, result.output
    assert "blocks of up to 4 responses written" in result.output
    with app.app_context():
        count = db.session.scalar(select(db.func.count()).select_from(Response)
                                  .where(Response.campaign_id == province.campaign_id))
        assert len(_blocks()) == count // 4 and not any(stale for *_, stale in _blocks())
        frame = _read_both_ways(province.campaign_id)
        mirrors().clear()
        cached = campaign_data(province.campaign_id).frame.drop(columns=[WEIGHT, "stratum", "stratum_size"],
                                                                  errors="ignore")
        pd.testing.assert_frame_equal(cached, frame)

        hidden = province.a_comment_ids[0]
        db.session.execute(update(Response).where(Response.id == hidden).values(comment_hidden=True))
        doomed = int(frame["response_id"].iat[-6])
        db.session.execute(delete(Response).where(Response.id == doomed))
        add_responses(province.campaign_id, db.session.get(Unit, province.unit_a), "one_stop", (5, 4))
        db.session.commit()
        touched = [stale for first, last, stale in _blocks() if first <= hidden <= last or first <= doomed <= last]
        assert touched and all(touched)
        frame = _read_both_ways(province.campaign_id)
        assert pd.isna(frame.loc[frame["response_id"] == hidden, "comment"].iat[0])
        assert doomed not in set(frame["response_id"]) and len(frame) == count + 1

    result = runner.invoke(args=["responses", "pack", "--block-size", "4"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not any(stale for *_, stale in _blocks())
        pd.testing.assert_frame_equal(_read_both_ways(province.campaign_id), frame)


def test_packing_an_unknown_campaign_says_so(runner: FlaskCliRunner, province: Province) -> None:
    result = runner.invoke(args=["responses", "pack", "--campaign", "999"])
    assert result.exit_code != 0
    assert "no campaign 999" in result.output
