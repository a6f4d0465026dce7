"""Each worker keeps links for a few seconds: changes made here show at once, changes made elsewhere within
``LINK_CACHE_SECONDS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from survey_app.platform.extensions import db
from survey_app.survey import links


def test_a_campaign_closed_through_this_process_stops_answers_at_once(
        client: FlaskClient, campaign_unit: dict[str, Any], set_campaign: Callable[..., None]) -> None:
    url = f"/s/{campaign_unit['token']}"
    assert client.get(url).status_code == 200  # now cached
    set_campaign(status="closed")
    assert client.get(url).status_code == 403


def test_a_change_made_by_another_worker_shows_within_the_cache_lifetime(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [500.0]
    monkeypatch.setattr(links.time, "monotonic", lambda: clock[0])
    url = f"/s/{campaign_unit['token']}"
    assert client.get(url).status_code == 200
    with app.app_context():  # what another process does: SQL this process's ORM never sees
        db.session.execute(text("UPDATE campaigns SET status = 'closed' WHERE id = :id"),
                           {"id": campaign_unit["campaign_id"]})
        db.session.commit()
    clock[0] += app.config.get("LINK_CACHE_SECONDS", 5) - 1
    assert client.get(url).status_code == 200
    clock[0] += 2
    assert client.get(url).status_code == 403


def test_unknown_tokens_are_remembered_as_unknown_until_a_link_is_added(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    from survey_app.models import CampaignUnit, Unit

    assert client.get("/s/not-yet-a-token").status_code == 404
    with app.app_context():
        unit = Unit(code="MC-NEW", name="Bộ phận mới", sector="one_stop", level="district",
                    qr_token="not-yet-a-token")
        link = CampaignUnit(campaign_id=campaign_unit["campaign_id"], unit=unit, questionnaire_id="one_stop")
        db.session.add_all([unit, link])
        db.session.commit()
    assert client.get("/s/not-yet-a-token").status_code == 200


def test_zero_lifetime_reads_the_database_every_time(app: Flask, client: FlaskClient,
                                                     campaign_unit: dict[str, Any]) -> None:
    app.config["LINK_CACHE_SECONDS"] = 0
    url = f"/s/{campaign_unit['token']}"
    assert client.get(url).status_code == 200
    with app.app_context():
        db.session.execute(text("UPDATE campaigns SET status = 'closed' WHERE id = :id"),
                           {"id": campaign_unit["campaign_id"]})
        db.session.commit()
    assert client.get(url).status_code == 403
