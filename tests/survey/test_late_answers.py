"""Answers filled in while a campaign was open but sent after it closed (a kiosk's offline outbox): counted for that
campaign within its grace period, refused with a clear page after it; the campaign a form belongs to is carried
in the form, signed, so it cannot be pointed at another unit's campaign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db
from survey_app.survey import stamp
from survey_app.survey.submission import province_today
from tests.survey.conftest import SMALL_ANSWERS, hidden_fields

pytestmark = pytest.mark.usefixtures("small_questionnaire")

Stored = Callable[[], list[Response]]


def _kept_form(client: FlaskClient, campaign_unit: dict[str, Any]) -> dict[str, Any]:
    """A kiosk form opened today, answered, and kept in the outbox."""
    page = client.get(f"/k/{campaign_unit['kiosk_token']}/questions?lang=en").get_data(as_text=True)
    return {**hidden_fields(page), **SMALL_ANSWERS}


def _stamped(app: Flask, form: dict[str, Any], campaign_id: int, unit_id: int, days_ago: int) -> dict[str, Any]:
    """The same form as if it had been drawn ``days_ago`` days ago (what the outbox resends then)."""
    with app.test_request_context():
        value = stamp.sign(campaign_id, unit_id, province_today() - timedelta(days=days_ago))
    return {**form, stamp.FIELD: value}


def _close_and_follow(app: Flask, campaign_unit: dict[str, Any], closed_days_ago: int, late_days: int) -> int:
    """Close the fixture campaign ``closed_days_ago`` days ago with ``late_days`` of grace, and open the next
    campaign for the unit; returns the next campaign's id."""
    today = province_today()
    with app.app_context():
        first = db.session.get(Campaign, campaign_unit["campaign_id"])
        assert first is not None
        first.status, first.closed_on, first.late_days = "closed", today - timedelta(days=closed_days_ago), late_days
        following = Campaign(name="Quý sau", starts_on=today - timedelta(days=closed_days_ago - 1),
                             ends_on=today + timedelta(days=80), status="open")
        following.units.append(CampaignUnit(unit_id=campaign_unit["unit_id"], questionnaire_id="one_stop"))
        db.session.add(following)
        db.session.commit()
        return following.id


@pytest.mark.parametrize(("filled_days_ago", "closed_days_ago", "late_days"), [(3, 2, 2), (0, 0, 1)])
def test_a_late_answer_is_counted_for_its_campaign_within_the_grace_period(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored,
        filled_days_ago: int, closed_days_ago: int, late_days: int) -> None:
    form = _stamped(app, _kept_form(client, campaign_unit), campaign_unit["campaign_id"], campaign_unit["unit_id"],
                    days_ago=filled_days_ago)
    _close_and_follow(app, campaign_unit, closed_days_ago=closed_days_ago, late_days=late_days)
    response = client.post(f"/k/{campaign_unit['kiosk_token']}/questions", data=form)
    assert response.status_code == 303
    assert [row.campaign_id for row in stored()] == [campaign_unit["campaign_id"]]  # not the campaign open now


@pytest.mark.parametrize(("filled_days_ago", "closed_days_ago", "late_days"), [(0, 0, 0), (2, 1, 0), (4, 3, 2)])
def test_a_late_answer_without_or_after_the_grace_period_is_refused_with_a_clear_page(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored,
        filled_days_ago: int, closed_days_ago: int, late_days: int) -> None:
    form = _stamped(app, _kept_form(client, campaign_unit), campaign_unit["campaign_id"], campaign_unit["unit_id"],
                    days_ago=filled_days_ago)
    _close_and_follow(app, campaign_unit, closed_days_ago=closed_days_ago, late_days=late_days)
    response = client.post(f"/k/{campaign_unit['kiosk_token']}/questions", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "<h1>These answers arrived too late</h1>" in html
    assert "Nothing was recorded." in html
    assert stored() == []


def test_a_form_stamped_for_another_unit_s_campaign_cannot_land_there(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    today = province_today()
    with app.app_context():
        other = Campaign(name="Chiến dịch khác", starts_on=today - timedelta(days=5),
                         ends_on=today + timedelta(days=5), status="open")
        unit = Unit(code="MC-KHAC", name="Một cửa khác", sector="one_stop", level="commune")
        other.units.append(CampaignUnit(unit=unit, questionnaire_id="one_stop"))
        db.session.add(other)
        db.session.commit()
        other_id, other_unit = other.id, unit.id
    form = _kept_form(client, campaign_unit)
    for forged in (_stamped(app, form, other_id, other_unit, 0),  # a genuine stamp, of another unit
                   _stamped(app, form, other_id, campaign_unit["unit_id"], 0)[stamp.FIELD][:-2] + "xx"):
        data = forged if isinstance(forged, dict) else {**form, stamp.FIELD: forged}
        data = {**data, "submission_id": f"{len(stored()) + 1:032x}"}
        assert client.post(f"/k/{campaign_unit['kiosk_token']}/questions", data=data).status_code == 303
    assert [(row.campaign_id, row.unit_id) for row in stored()] == [
        (campaign_unit["campaign_id"], campaign_unit["unit_id"])] * 2


def test_an_unchanged_stamp_reads_back_and_an_edited_one_does_not(app: Flask) -> None:
    with app.test_request_context():
        value = stamp.sign(7, 3, province_today())
        assert stamp.read(value) == stamp.Stamp(7, 3, province_today())
        assert stamp.read(value.replace(value[0], "A" if value[0] != "A" else "B", 1)) is None
        for bad in (None, "", "x" * 300, ["list"], "WzcsMywxXQ"):
            assert stamp.read(bad) is None
