"""Receipt codes asked first: the code is checked before anyone answers a question, a slip's QR carries it, and no
route (the kiosk included) stores an answer for a unit that requires codes without a valid one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, ReceiptCode, Response, Unit
from survey_app.platform.extensions import db
from tests.survey.conftest import SMALL_ANSWERS, fill, hidden_fields

pytestmark = pytest.mark.usefixtures("small_questionnaire")

Stored = Callable[[], list[Response]]


def test_the_qr_page_asks_for_the_code_before_the_questions(
        client: FlaskClient, campaign_unit: dict[str, Any], receipt_codes: Callable[..., None]) -> None:
    receipt_codes("AB12CD34")
    html = client.get(f"/s/{campaign_unit['token']}?lang=en").get_data(as_text=True)
    assert "<h1>Enter your receipt code</h1>" in html
    assert f'<form action="/s/{campaign_unit["token"]}" method="get"' in html
    assert 'name="q_overall"' not in html


def test_a_slip_s_qr_link_leads_straight_to_the_questions_with_its_code(
        client: FlaskClient, campaign_unit: dict[str, Any], receipt_codes: Callable[..., None],
        stored: Stored) -> None:
    receipt_codes("AB12CD34")
    url = f"/s/{campaign_unit['token']}"
    response = fill(client, url + "?code=ab12-cd34", SMALL_ANSWERS)  # as typed on the code page, too
    assert response.status_code == 303
    assert len(stored()) == 1


def _codes_of_another_unit_and_campaign(app: Flask, campaign_unit: dict[str, Any]) -> None:
    """OTHER001 belongs to another unit; EARLIER1 to this unit in an earlier campaign."""
    with app.app_context():
        other = CampaignUnit(campaign_id=campaign_unit["campaign_id"], questionnaire_id="one_stop",
                             unit=Unit(code="MC-KHAC", name="Một cửa khác", sector="one_stop", level="commune"),
                             receipt_codes_required=True)
        earlier = Campaign(name="Quý trước", starts_on=date.today() - timedelta(days=120),
                           ends_on=date.today() - timedelta(days=31), status="closed")
        earlier.units.append(CampaignUnit(unit_id=campaign_unit["unit_id"], questionnaire_id="one_stop",
                                          receipt_codes_required=True))
        db.session.add_all([other, earlier])
        db.session.flush()
        db.session.add_all([ReceiptCode(campaign_unit_id=other.id, code="OTHER001"),
                            ReceiptCode(campaign_unit_id=earlier.units[0].id, code="EARLIER1")])
        db.session.commit()


@pytest.mark.parametrize(("code", "message"), [
    ("ZZ99ZZ99", "This code is not valid here. Check the code printed on your receipt."),
    ("USED0001", "This code has already been used. Each receipt code can answer once."),
    ("OTHER001", "This code belongs to another office&#39;s survey. Scan the QR code on your slip, or use the "
                 "poster of the office that served you."),
    ("EARLIER1", "This code was for an earlier survey, which has ended. Ask for a new slip if you were served "
                 "today."),
    ("", "Enter the code printed on your receipt"),
])
def test_a_code_that_cannot_answer_is_refused_before_the_questions(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], receipt_codes: Callable[..., None],
        stored: Stored, code: str, message: str) -> None:
    receipt_codes("AB12CD34", "USED0001")
    _codes_of_another_unit_and_campaign(app, campaign_unit)
    url = f"/s/{campaign_unit['token']}"
    assert fill(client, url + "?code=USED0001", SMALL_ANSWERS).status_code == 303
    response = client.get(f"{url}?code={code}&lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error-message" id="code-error">{message}</p>' in html
    assert f'value="{code}"' in html  # shown again to be corrected
    assert 'name="q_overall"' not in html
    assert len(stored()) == 1
    with app.app_context():
        assert db.session.query(ReceiptCode).filter(ReceiptCode.used.is_(True)).count() == 1


def test_a_code_on_a_unit_that_needs_none_gets_a_clear_page(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    url = f"/s/{campaign_unit['token']}"
    response = client.get(url + "?code=AB12CD34&lang=en")
    html = response.get_data(as_text=True)
    assert "<h1>No code is needed here</h1>" in html
    assert f'<a class="btn" href="{url}">Start the survey</a>' in html
    assert 'name="q_overall"' not in html
    assert stored() == []


def test_a_kiosk_at_a_unit_that_requires_codes_stores_nothing(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], receipt_codes: Callable[..., None],
        stored: Stored) -> None:
    """Issue 11, finding 4: the kiosk route stored answers without a code at a code-only unit."""
    kiosk = f"/k/{campaign_unit['kiosk_token']}"
    page = client.get(f"{kiosk}/questions?lang=en")  # a form opened before the unit started using codes
    receipt_codes("AB12CD34")
    for response in (client.get(f"{kiosk}?lang=en"), client.get(f"{kiosk}/questions"),
                     client.post(f"{kiosk}/questions", data={**hidden_fields(page.get_data(as_text=True)),
                                                             **SMALL_ANSWERS})):
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "<h1>Please answer with your receipt slip</h1>" in html
        assert "Nothing was recorded." in html
    assert stored() == []


def test_a_kiosk_the_province_lets_answer_without_codes_stores_as_before(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], receipt_codes: Callable[..., None],
        stored: Stored) -> None:
    receipt_codes("AB12CD34")
    with app.app_context():
        link = db.session.get(CampaignUnit, campaign_unit["link_id"])
        assert link is not None
        link.kiosk_without_codes = True
        db.session.commit()
    assert fill(client, f"/k/{campaign_unit['kiosk_token']}/questions", SMALL_ANSWERS).status_code == 303
    assert [row.channel for row in stored()] == ["kiosk"]
    with app.app_context():
        assert db.session.query(ReceiptCode).filter(ReceiptCode.used.is_(True)).count() == 0
