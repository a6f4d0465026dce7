"""A unit's links belong to the unit: the same QR and kiosk addresses serve campaign after campaign, say when the
next survey starts between campaigns, stop (politely, storing nothing) once replaced, and keep the addresses
printed before links belonged to units working."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, format_date

from survey_app.admin.unit_links import replace_link
from survey_app.models import Campaign, CampaignUnit, LinkAlias, Response, Unit
from survey_app.platform.extensions import db
from survey_app.survey.submission import province_today
from tests.survey.conftest import SMALL_ANSWERS, fill, hidden_fields

pytestmark = pytest.mark.usefixtures("small_questionnaire")

Stored = Callable[[], list[Response]]


def _campaign(app: Flask, unit_id: int, status: str, starts: int, ends: int, name: str = "Quý sau",
              **settings: Any) -> int:
    """A campaign of the fixture unit, ``starts``/``ends`` days from today; returns its id."""
    today = province_today()
    with app.app_context():
        campaign = Campaign(name=name, starts_on=today + timedelta(days=starts),
                            ends_on=today + timedelta(days=ends), status=status, **settings)
        campaign.units.append(CampaignUnit(unit_id=unit_id, questionnaire_id="one_stop", service_volume=100))
        db.session.add(campaign)
        db.session.commit()
        return campaign.id


def _end_first_campaign(app: Flask, campaign_unit: dict[str, Any]) -> None:
    """The fixture campaign ran until yesterday and was closed."""
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_unit["campaign_id"])
        assert campaign is not None
        campaign.ends_on = province_today() - timedelta(days=1)
        campaign.status, campaign.closed_on = "closed", campaign.ends_on
        db.session.commit()


def test_the_same_links_count_answers_in_whichever_campaign_is_open(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    qr = f"/s/{campaign_unit['token']}"
    kiosk = f"/k/{campaign_unit['kiosk_token']}/questions"
    assert fill(client, qr, SMALL_ANSWERS).status_code == 303
    assert fill(client, kiosk, SMALL_ANSWERS).status_code == 303
    _end_first_campaign(app, campaign_unit)
    second = _campaign(app, campaign_unit["unit_id"], "open", 0, 90)
    assert fill(client, qr, SMALL_ANSWERS).status_code == 303
    assert fill(client, kiosk, SMALL_ANSWERS).status_code == 303
    first = campaign_unit["campaign_id"]
    assert [(row.campaign_id, row.channel) for row in stored()] == [
        (first, "qr"), (first, "kiosk"), (second, "qr"), (second, "kiosk")]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_between_campaigns_the_page_says_when_the_next_one_starts(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored, lang: str) -> None:
    _end_first_campaign(app, campaign_unit)
    _campaign(app, campaign_unit["unit_id"], "draft", 10, 100)
    with app.test_request_context(), force_locale(lang):
        day = format_date(province_today() + timedelta(days=10), "long")
    expected = {"en": ("There is no survey at the moment", "The next survey at Bộ phận Một cửa thử nghiệm "
                       f"starts on {day}. Please come back then."),
                "vi": ("Hiện chưa có đợt khảo sát nào", f"Đợt khảo sát tiếp theo tại Bộ phận Một cửa thử nghiệm "
                       f"bắt đầu ngày {day}. Mời Ông/Bà quay lại khi đó.")}[lang]
    for url in (f"/s/{campaign_unit['token']}?lang={lang}", f"/k/{campaign_unit['kiosk_token']}?lang={lang}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert f"<h1>{expected[0]}</h1>" in html
        assert expected[1] in html
    assert client.post(f"/s/{campaign_unit['token']}", data=SMALL_ANSWERS).status_code == 403
    assert stored() == []


def test_with_no_campaign_planned_the_page_says_so(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    _end_first_campaign(app, campaign_unit)
    html = client.get(f"/s/{campaign_unit['token']}?lang=en").get_data(as_text=True)
    assert "No survey is planned at Bộ phận Một cửa thử nghiệm for now." in html


@pytest.mark.parametrize("channel", ["qr", "kiosk"])
def test_a_replaced_link_says_so_and_stores_nothing_while_the_new_one_works(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored, channel: str) -> None:
    prefix = "/s/" if channel == "qr" else "/k/"
    suffix = "" if channel == "qr" else "/questions"
    old = prefix + campaign_unit["token" if channel == "qr" else "kiosk_token"] + suffix
    kept_form = client.get(old + "?lang=en")
    assert kept_form.status_code == 200
    with app.app_context():
        unit = db.session.get(Unit, campaign_unit["unit_id"])
        assert unit is not None
        new = prefix + replace_link(unit, channel) + suffix
        db.session.commit()
    assert fill(client, new, SMALL_ANSWERS).status_code == 303
    sent_late = {**hidden_fields(kept_form.get_data(as_text=True)), **SMALL_ANSWERS}  # a form opened before
    for response in (client.get(old), client.post(old, data=sent_late)):
        html = response.get_data(as_text=True)
        assert response.status_code == 410
        assert "<h1>This link has been replaced</h1>" in html
        assert "Nothing was recorded." in html
    assert len(stored()) == 1  # the answer sent through the new link only


def test_a_campaign_token_printed_before_links_belonged_to_units_opens_the_unit_s_qr_page(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    with app.app_context():
        db.session.add(LinkAlias(token="old-campaign-token", unit_id=campaign_unit["unit_id"], channel="legacy"))
        db.session.commit()
    _end_first_campaign(app, campaign_unit)
    second = _campaign(app, campaign_unit["unit_id"], "open", 0, 90)
    assert fill(client, "/s/old-campaign-token", SMALL_ANSWERS).status_code == 303
    assert [row.campaign_id for row in stored()] == [second]
    # It was printed, so it never opens the kiosk route (which may take answers without a receipt code).
    kiosk = client.get("/k/old-campaign-token?lang=en")
    assert kiosk.status_code == 410
    assert "Staff: set this kiosk to the unit&#39;s new kiosk link" in kiosk.get_data(as_text=True)
    # Replacing the QR link retires the old printed addresses too.
    with app.app_context():
        unit = db.session.get(Unit, campaign_unit["unit_id"])
        assert unit is not None
        replace_link(unit, "qr")
        db.session.commit()
    assert client.get("/s/old-campaign-token").status_code == 410


def test_the_printed_qr_token_does_not_open_the_kiosk_and_the_kiosk_token_does_not_open_the_qr_page(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    assert client.get(f"/k/{campaign_unit['token']}").status_code == 404
    assert client.get(f"/k/{campaign_unit['token']}/questions").status_code == 404
    assert client.get(f"/s/{campaign_unit['kiosk_token']}").status_code == 404
