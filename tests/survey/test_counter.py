"""One-tap counter mode: one tap stores one score (once per page), a low score may add one reason, nothing of the
person is stored, and the results stay out of the questionnaire's responses and reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import CounterAnswer, Response
from survey_app.platform.extensions import db
from tests.staff import english, sign_in


def _page(client: FlaskClient, url: str) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    return dict(re.findall(r'name="(csrf_token|submission_id)" value="([^"]+)"', html))


def _answers(app: Flask) -> list[tuple[int, str | None]]:
    with app.app_context():
        return [(a.score, a.reason) for a in db.session.scalars(db.select(CounterAnswer).order_by(CounterAnswer.id))]


def test_one_tap_stores_one_score_and_a_double_tap_stores_it_once(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]]) -> None:
    token = campaign_unit["kiosk_token"]
    html = client.get(f"/c/{token}?lang=en").get_data(as_text=True)
    assert "How satisfied are you with the service today?" in html
    assert html.count('<button type="submit" name="score"') == 5 and html.count('<use href="#face-') == 5
    fields = _page(client, f"/c/{token}")
    first = client.post(f"/c/{token}", data={**fields, "score": "5"})
    again = client.post(f"/c/{token}", data={**fields, "score": "5"})  # the same page, tapped twice
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"].endswith(f"/c/{token}/thanks")
    assert _answers(app) == [(5, None)]
    assert stored() == []  # not a questionnaire response
    with app.app_context():
        row = db.session.scalars(db.select(CounterAnswer)).one()
        assert row.unit_id == campaign_unit["unit_id"] and row.campaign_id == campaign_unit["campaign_id"]
        assert not hasattr(row, "submitted_at")  # the day only (submitted_on), no time of day


def test_a_low_score_asks_one_reason_added_once_to_the_same_answer(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    fields = _page(client, f"/c/{token}")
    response = client.post(f"/c/{token}", data={**fields, "score": "1"})
    assert "/why?sid=" in response.headers["Location"]
    why = _page(client, response.headers["Location"])
    assert why["submission_id"] == fields["submission_id"]
    assert client.post(f"/c/{token}/why", data={**why, "reason": "waiting"}).status_code == 303
    client.post(f"/c/{token}/why", data={**why, "reason": "fees"})  # a second reason does not overwrite
    assert _answers(app) == [(1, "waiting")]


def test_a_stale_or_forged_tap_stores_nothing_and_asks_again(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    fields = _page(client, f"/c/{token}")
    for data in ({**fields, "csrf_token": "expired", "score": "4"}, {**fields, "score": "9"},
                 {"csrf_token": fields["csrf_token"], "submission_id": "x", "score": "4"}):
        response = client.post(f"/c/{token}", data=data)
        assert response.status_code == 400
        # In the unit's language (a kiosk ignores the browser's): "Your answer was not recorded. Please tap it again."
        assert "Câu trả lời chưa được ghi nhận. Xin Ông/Bà chạm lại." in response.get_data(as_text=True)
    assert _answers(app) == []


def test_the_counter_report_withholds_small_groups_and_agency_users_see_their_units_only(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], make_user: Any) -> None:
    token = campaign_unit["kiosk_token"]
    for score in (5, 4, 4, 2, 1, 3):
        client.post(f"/c/{token}", data={**_page(client, f"/c/{token}"), "score": str(score)})
    make_user("admin@tinh.gov.vn", role="province_admin")
    make_user("other@tinh.gov.vn", unit_ids=())
    english(client)
    sign_in(client, "admin@tinh.gov.vn")
    html = client.get(f"/reports/counter/{campaign_unit['campaign_id']}").get_data(as_text=True)
    assert "<td class=\"num\">6</td>" in html and "50 %" in html  # 3 of 6 satisfied or very satisfied
    client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)})
    sign_in(client, "other@tinh.gov.vn")
    other = client.get(f"/reports/counter/{campaign_unit['campaign_id']}").get_data(as_text=True)
    assert "No answers from counter devices yet." in other
