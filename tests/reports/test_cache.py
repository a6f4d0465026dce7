"""The reports' cached data stays exactly what a whole read of the database gives, while answers stream in and
after every change that alters a report: a corrected service volume, a hidden comment, a closed campaign, a
deleted response, new census margins; with two workers (two application instances) sharing one database; and
when a response with a smaller id commits after a larger one (ids are handed out before commit)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, update

from analysis import design_weights, read_database, satisfaction_rates
from analysis.strata import design_strata
from survey_app import create_app
from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db
from survey_app.questionnaire_registry import registry
from survey_app.reports.census import clear_margins, save_margins
from survey_app.reports.dataset import WEIGHT, CampaignData, Design, _collapsed, campaign_data
from survey_app.reports.mirror import MAX_CHUNKS, appended, mirrors
from survey_app.reports.tables import estimate, sector_rates, unit_rates

from .conftest import UNIT_A_NAME, Province, add_responses


def _whole(campaign_id: int) -> pd.DataFrame:
    """What a fresh worker reads: the campaign's responses, read whole."""
    return read_database(db.engine, campaign_id, registry())


def _same_as_whole(campaign_id: int) -> pd.DataFrame:
    frame = campaign_data(campaign_id).frame.drop(columns=[WEIGHT, "stratum", "stratum_size"], errors="ignore")
    pd.testing.assert_frame_equal(frame, _whole(campaign_id))
    return frame


def _add(app: Flask, province: Province, unit: str, overall: tuple[object, ...]) -> None:
    with app.app_context():
        unit_id = getattr(province, f"unit_{unit}")
        add_responses(province.campaign_id, db.session.get(Unit, unit_id), "one_stop", overall)
        db.session.commit()


def test_a_new_response_is_read_alone_and_counted_once(app: Flask, province: Province) -> None:
    with app.app_context():
        before = len(_same_as_whole(province.campaign_id))
        reads = mirrors().whole_reads
    for round_ in range(3):
        _add(app, province, "a", (5, 1) if round_ else (4,))
        with app.app_context():
            frame = _same_as_whole(province.campaign_id)
            assert frame["response_id"].is_unique
    with app.app_context():
        assert len(frame) == before + 5
        assert mirrors().whole_reads == reads  # every later response came alone, from the tail
        assert mirrors().get(province.campaign_id).appended == 5
        rate = unit_rates(campaign_data(province.campaign_id), [province.unit_a])["n"].iat[0]
        assert rate == 7 + 5  # A had 7 valid overall answers; five more arrived


def test_rates_from_the_collapsed_cells_equal_those_of_every_response(app: Flask, province: Province) -> None:
    """The rate tables run on one row per unit and answer (with counts) kept per state; the figures are those
    of the whole frame, also after new responses and after raking (which needs every response)."""
    def direct(data: CampaignData, by: str) -> pd.DataFrame:
        return satisfaction_rates(data.frame, weight=WEIGHT, by=by, strata="stratum", fpc="stratum_size",
                                  min_n=5, calibration=list(data.calibration) or None)

    for step in range(3):
        if step == 1:
            _add(app, province, "c", (1, 4, 5))
        with app.app_context():
            if step == 2:
                save_margins(province.campaign_id, {"gender": {"female": 1.0}}, "Census 2019")
            data = campaign_data(province.campaign_id)
            assert bool(data.calibration) == (step == 2), data.raking_problem
            # Raked weights need every response, even where they happen to stay constant within a unit.
            ran_on = estimate(data, "overall", by="unit_id", calibration=list(data.calibration) or None)[1]
            assert (ran_on is data.frame) == (step == 2)
            for by, table in (("unit_id", unit_rates(data)), ("sector", sector_rates(data))):
                expected = direct(data, by).dropna(subset=["rate"]).sort_values(by).reset_index(drop=True)
                shown = table.dropna(subset=["rate"]).sort_values(by).reset_index(drop=True)
                assert shown[by].tolist() == expected[by].tolist() and len(shown) >= 2
                for column in ("rate", "se", "ci_low", "ci_high", "n"):
                    np.testing.assert_allclose(shown[column].to_numpy(dtype=float),
                                               expected[column].to_numpy(dtype=float), rtol=1e-12)


def test_a_corrected_service_volume_changes_the_weights(app: Flask, province: Province) -> None:
    with app.app_context():
        frame = campaign_data(province.campaign_id).frame
        assert set(frame.loc[frame["unit_id"] == province.unit_a, WEIGHT]) == {400 / 8}
        db.session.execute(update(CampaignUnit).where(CampaignUnit.campaign_id == province.campaign_id,
                                                      CampaignUnit.unit_id == province.unit_a)
                           .values(service_volume=1600))
        db.session.commit()
        frame = campaign_data(province.campaign_id).frame
        assert set(frame.loc[frame["unit_id"] == province.unit_a, WEIGHT]) == {1600 / 8}
        _same_as_whole(province.campaign_id)


def test_the_unit_list_kept_across_new_responses_follows_a_rename_and_a_corrected_volume(
        app: Flask, province: Province) -> None:
    with app.app_context():
        before = campaign_data(province.campaign_id).units
    _add(app, province, "a", (4,))
    with app.app_context():
        assert campaign_data(province.campaign_id).units is before  # a new response: the same unit list
        db.session.execute(update(Unit).where(Unit.id == province.unit_c).values(name="Một cửa xã Bộc Bố mới"))
        db.session.execute(update(CampaignUnit).where(CampaignUnit.campaign_id == province.campaign_id,
                                                      CampaignUnit.unit_id == province.unit_a)
                           .values(service_volume=1600))
        db.session.commit()
        units = campaign_data(province.campaign_id).units.set_index("unit_id")
        assert units.at[province.unit_c, "name"] == "Một cửa xã Bộc Bố mới"
        assert units.at[province.unit_a, "service_volume"] == 1600
        assert campaign_data(province.campaign_id).unit_respondents[province.unit_a] == 8 + 1


def test_a_hidden_comment_leaves_the_cached_frame(app: Flask, province: Province) -> None:
    hidden = province.a_comment_ids[2]
    with app.app_context():
        frame = campaign_data(province.campaign_id).frame
        assert frame.loc[frame["response_id"] == hidden, "comment"].iat[0] == "Thằng cán bộ đó là đồ ngốc"
        db.session.execute(update(Response).where(Response.id == hidden).values(comment_hidden=True))
        db.session.commit()
        frame = _same_as_whole(province.campaign_id)
        assert pd.isna(frame.loc[frame["response_id"] == hidden, "comment"].iat[0])


def test_closing_the_campaign_gives_a_new_revision_and_the_same_answers(app: Flask, province: Province) -> None:
    with app.app_context():
        before = campaign_data(province.campaign_id)
        campaign = db.session.get(Campaign, province.campaign_id)
        campaign.status, campaign.closed_on = "closed", date(2026, 8, 1)
        db.session.commit()
        after = campaign_data(province.campaign_id)
        assert after.key.revision > before.key.revision and after is not before
        assert after.key.received == before.key.received
        _same_as_whole(province.campaign_id)


def test_a_deleted_response_leaves_every_table(app: Flask, province: Province) -> None:
    with app.app_context():
        frame = campaign_data(province.campaign_id).frame
        assert unit_rates(campaign_data(province.campaign_id), [province.unit_b])["respondents"].iat[0] == 6
        doomed = int(frame.loc[frame["unit_id"] == province.unit_b, "response_id"].iat[0])
        db.session.execute(delete(Response).where(Response.id == doomed))
        db.session.commit()
        frame = _same_as_whole(province.campaign_id)
        assert doomed not in set(frame["response_id"])
        assert unit_rates(campaign_data(province.campaign_id), [province.unit_b])["respondents"].iat[0] == 5


def test_new_census_margins_rake_the_cached_data(app: Flask, province: Province) -> None:
    with app.app_context():
        assert campaign_data(province.campaign_id).calibration == ()
        save_margins(province.campaign_id, {"gender": {"female": 0.5, "male": 0.5}}, "Census 2019")
        assert campaign_data(province.campaign_id).census_source == "Census 2019"
        clear_margins(province.campaign_id)
        assert campaign_data(province.campaign_id).census_source is None


def test_a_late_commit_of_a_smaller_id_is_not_missed(app: Flask, province: Province) -> None:
    """Response ids are taken before commit: one with a smaller id may appear after a larger one was read."""
    with app.app_context():
        largest = int(db.session.scalar(select(func.max(Response.id))))
        template = db.session.scalars(select(Response).where(Response.campaign_id == province.campaign_id)).first()

        def store(response_id: int) -> None:
            db.session.add(Response(id=response_id, campaign_id=template.campaign_id, unit_id=template.unit_id,
                                    questionnaire_id=template.questionnaire_id, questionnaire_version=1,
                                    channel="qr", locale="vi", submitted_on=date(2026, 7, 16),
                                    answers={"overall": 5}, submission_id=f"late-{response_id}"))
            db.session.commit()

        campaign_data(province.campaign_id)
        store(largest + 10)
        assert largest + 10 in set(campaign_data(province.campaign_id).frame["response_id"])
        store(largest + 5)  # committed after the larger id was read
        frame = _same_as_whole(province.campaign_id)
        assert {largest + 5, largest + 10} <= set(frame["response_id"])


@pytest.fixture
def second_worker(app: Flask) -> Iterator[Flask]:
    """Another application instance on the same database: a second worker process, or a second server."""
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other.instance_path = app.instance_path
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_workers_on_one_database_neither_miss_nor_double_count(app: Flask, second_worker: Flask,
                                                                   province: Province) -> None:
    expected = {}
    for step, (writer, reader) in enumerate([(app, second_worker), (second_worker, app), (app, app),
                                             (second_worker, second_worker), (app, second_worker)]):
        _add(writer, province, "a" if step % 2 else "c", (4, 5) if step % 3 else (2,))
        for worker in (reader, app, second_worker):
            with worker.app_context():
                frame = campaign_data(province.campaign_id).frame
                assert frame["response_id"].is_unique
                expected[worker.name, id(worker)] = sorted(frame["response_id"])
                pd.testing.assert_frame_equal(
                    frame.drop(columns=[WEIGHT, "stratum", "stratum_size"]), _whole(province.campaign_id))
        assert len({tuple(ids) for ids in expected.values()}) == 1  # both workers hold the same responses
    for worker in (app, second_worker):
        with worker.app_context():
            assert mirrors().whole_reads == 1  # one whole read each, every later response from the tail


UNIT_C_NAME = "Bộ phận Một cửa xã Bộc Bố"


def _unit_row(page: str, name: str) -> str:
    return page.split(name, 1)[1].split("</tr>", 1)[0]


def test_the_province_page_after_new_responses_shows_each_changed_row_anew_in_each_language(
        app: Flask, admin: FlaskClient, province: Province) -> None:
    """Row texts are kept per worker by the row's values: a row whose figures changed is formatted again, an
    unchanged one comes from the memo, and each language has its own texts."""
    path = f"/reports/{province.campaign_id}/"
    english = admin.get(f"{path}?lang=en").get_data(as_text=True)
    assert "71.4%" in _unit_row(english, UNIT_A_NAME)  # A: 5 of 7 satisfied
    assert "Fewer than 5 respondents" in _unit_row(english, UNIT_C_NAME)  # C: 3 respondents
    assert "71,4" in _unit_row(admin.get(f"{path}?lang=vi").get_data(as_text=True), UNIT_A_NAME)
    _add(app, province, "a", (1, 1, 1))
    _add(app, province, "c", (4, 5))
    for language, rate in (("en", "50.0%"), ("vi", "50,0")):
        page = admin.get(f"{path}?lang={language}").get_data(as_text=True)
        assert rate in _unit_row(page, UNIT_A_NAME) and "71" not in _unit_row(page, UNIT_A_NAME)
        assert "Fewer than 5" not in _unit_row(page, UNIT_C_NAME) and "80" in _unit_row(page, UNIT_C_NAME)


def test_appending_one_response_at_a_time_keeps_the_types_of_a_whole_read_and_few_text_chunks() -> None:
    def rows(first: int, last: int) -> pd.DataFrame:
        numbers = range(first, last)
        return pd.DataFrame({
            "comment": pd.array([f"ý kiến {i}" if i % 3 else None for i in numbers], dtype="string"),
            "code": pd.array([f"U{i % 4}" for i in numbers], dtype="str"),
            "overall": pd.array([i % 5 + 1 if i % 7 else None for i in numbers], dtype="Int64"),
            "sector": pd.Categorical(["health" if i % 2 else "one_stop" for i in numbers]),
        })

    frame = rows(0, 1)
    for i in range(1, 100):
        frame = appended(frame, rows(i, i + 1))
    pd.testing.assert_frame_equal(frame, rows(0, 100))
    assert frame["comment"].array._pa_array.num_chunks <= MAX_CHUNKS + 1


def test_the_design_grown_with_new_responses_equals_a_whole_pass(app: Flask, province: Province,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Weights, strata, respondents per unit and collapsed cells kept up to date from the new rows alone are the
    same as those worked out on the whole frame — also when a unit answers for the first time (D), an answer
    never given before arrives ("na" for B) and a response has no answer at all to an item."""
    items = ("overall", "gender")
    original_of = Design.of
    whole_passes = []
    monkeypatch.setattr(Design, "of", classmethod(lambda cls, frame: whole_passes.append(len(frame)) or
                                                  original_of(frame)))

    def check() -> CampaignData:
        data = campaign_data(province.campaign_id)
        whole = data.frame.drop(columns=[WEIGHT, "stratum", "stratum_size"])
        weights = design_weights(whole, "service_volume", unusable="note")
        np.testing.assert_array_equal(data.frame[WEIGHT].to_numpy(), weights.to_numpy())
        for got, expected in zip((data.frame["stratum"], data.frame["stratum_size"]), design_strata(whole),
                                 strict=True):
            np.testing.assert_array_equal(got.to_numpy(), expected)
        for item in items:
            pd.testing.assert_frame_equal(data.cells(item), _collapsed(data.frame, item, WEIGHT))
        assert data.unit_respondents == whole["unit_id"].value_counts().to_dict()
        for unit in (province.unit_a, province.unit_b, province.unit_d):
            rows = data.unit_rows(unit)  # the columns of the unit's own questionnaire
            pd.testing.assert_frame_equal(rows, data.frame.loc[data.frame["unit_id"] == unit, rows.columns])
        hospital = data.unit_rows(province.unit_b).columns
        assert "staff_respect" in hospital and "staff_polite" not in hospital and WEIGHT in hospital
        return data

    with app.app_context():
        check()
    for unit, answers in (("a", (5,)), ("b", (None, 3)), ("d", (4,)), ("b", ("na",)), ("a", (2, 5))):
        _add(app, province, unit, answers)
        with app.app_context():
            data = check()
    with app.app_context():
        assert mirrors().get(province.campaign_id).buffers is not None
        assert data.design is not None and data.design.length == len(data.frame)
    assert len(whole_passes) == 2  # the first read, and D's first response (a new unit renumbers the units)
