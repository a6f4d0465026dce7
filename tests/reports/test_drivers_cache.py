"""The drivers' models kept while answers stream in: the table is refitted once the campaign has grown by
``REPORTS_DRIVERS_REFRESH`` (1 %), says on how many responses it was computed until then, and is refitted at once
after any other change (a corrected volume, a hidden comment, a closed campaign, a deleted response).

The campaign is the 200-answer one of the drivers chart (seeded: staff goes most with satisfaction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db
from survey_app.reports.dataset import campaign_data
from survey_app.reports.drivers import fitted_models
from survey_app.reports.findings import drivers_table
from tests.reports.conftest import _response
from tests.reports.test_drivers_chart import modelled  # noqa: F401  (the fixture)

STALE_NOTE = "Computed on"


def _add(campaign_id: int, overall: int) -> None:
    unit = db.session.scalars(select(Unit).join(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id)).one()
    db.session.add(_response(campaign_id, unit, "one_stop", {"overall": overall, "staff_polite": 1,
                                                              "access_waiting_area": 5, "results_time": 3}))
    db.session.commit()


def _fresh(campaign_id: int) -> pd.DataFrame:
    """The drivers' table a worker without a held fit computes now."""
    fitted_models().clear()
    return drivers_table(campaign_data(campaign_id)).frame


def test_one_new_response_keeps_the_fit_and_the_page_says_on_how_many_it_was_computed(
        app: Flask, modelled: int) -> None:  # noqa: F811
    with app.test_request_context("/?lang=en"):
        first = drivers_table(campaign_data(modelled))
        fits = fitted_models().fits
        assert STALE_NOTE not in str(first.caption)
        _add(modelled, 1)  # 201 responses: 0.5 % more than the fit's 200
        kept = drivers_table(campaign_data(modelled))
        assert fitted_models().fits == fits
        pd.testing.assert_frame_equal(kept.frame, first.frame)
        assert ("Computed on 200 responses (the campaign now has 201); computed again once the responses have "
                "grown by 1.0%.") in str(kept.caption)
        _add(modelled, 5)  # 202: 1 % more, so the models are fitted again on every response
        refitted = drivers_table(campaign_data(modelled))
        assert fitted_models().fits == fits + 1
        assert STALE_NOTE not in str(refitted.caption)
        assert not refitted.frame["odds_ratio"].equals(first.frame["odds_ratio"])
        pd.testing.assert_frame_equal(refitted.frame, _fresh(modelled))


def _correct_volume(campaign_id: int) -> None:
    db.session.execute(update(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id)
                       .values(service_volume=7000))


def _hide_comment(campaign_id: int) -> None:
    first = db.session.scalars(select(Response.id).where(Response.campaign_id == campaign_id)).first()
    db.session.execute(update(Response).where(Response.id == first).values(comment_hidden=True))


def _close(campaign_id: int) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    campaign.status, campaign.closed_on = "closed", date(2026, 12, 31)


def _delete_response(campaign_id: int) -> None:
    satisfied = db.session.scalars(select(Response).where(Response.campaign_id == campaign_id)).all()
    doomed = next(r.id for r in satisfied if r.answers["overall"] >= 4)
    db.session.execute(delete(Response).where(Response.id == doomed))


@pytest.mark.parametrize("change", [_correct_volume, _hide_comment, _close, _delete_response])
def test_any_other_change_refits_at_once(app: Flask, modelled: int,  # noqa: F811
                                         change: Callable[[int], None]) -> None:
    with app.test_request_context("/?lang=en"):
        drivers_table(campaign_data(modelled))
        _add(modelled, 2)  # within the 1 %: the held fit is kept...
        assert STALE_NOTE in str(drivers_table(campaign_data(modelled)).caption)
        fits = fitted_models().fits
        change(modelled)
        db.session.commit()
        after = drivers_table(campaign_data(modelled))  # ...until anything else changes
        assert fitted_models().fits == fits + 1
        assert STALE_NOTE not in str(after.caption)
        pd.testing.assert_frame_equal(after.frame, _fresh(modelled))


def test_the_province_page_says_on_how_many_responses_the_drivers_were_computed(
        app: Flask, admin: FlaskClient, modelled: int) -> None:  # noqa: F811
    page = admin.get(f"/reports/{modelled}/?lang=vi").get_data(as_text=True)
    assert "Tính trên" not in page
    with app.app_context():
        _add(modelled, 4)
    page = admin.get(f"/reports/{modelled}/?lang=vi").get_data(as_text=True)
    assert "Tính trên 200 phiếu trả lời (chiến dịch hiện có 201 phiếu)" in page
