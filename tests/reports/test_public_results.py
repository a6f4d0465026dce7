"""The public results page: published by the province for a closed campaign, read by anyone without sign-in.

Small province of tests/reports/conftest.py: unit A (8 respondents, 71.4 %) and unit B (6, 83.3 %) are shown;
unit C (3 respondents) and its comment never are; no comment of unit A is either.
"""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app.models import Campaign, Response
from survey_app.platform.extensions import db
from tests.staff import post

from .conftest import A_COMMENTS, UNIT_A_NAME, UNIT_C_COMMENT, Province

NBSP = "\u00a0"


def _publish(admin: FlaskClient, campaign_id: int) -> str:
    return post(admin, f"/admin/campaigns/{campaign_id}/publish?lang=en", follow_redirects=True).get_data(as_text=True)


def test_results_are_public_only_once_the_province_publishes_a_closed_campaign(
        app: Flask, admin: FlaskClient, province: Province) -> None:
    anonymous = app.test_client()
    assert anonymous.get(f"/results/{province.campaign_id}").status_code == 404
    page = _publish(admin, province.campaign_id)  # still open
    assert "Only a closed campaign can be published" in page
    assert anonymous.get(f"/results/{province.campaign_id}").status_code == 404
    post(admin, f"/admin/campaigns/{province.campaign_id}/close")
    page = _publish(admin, province.campaign_id)
    assert f"http://localhost/results/{province.campaign_id}" in page
    assert anonymous.get(f"/results/{province.campaign_id}").status_code == 200
    post(admin, f"/admin/campaigns/{province.campaign_id}/unpublish")
    assert anonymous.get(f"/results/{province.campaign_id}").status_code == 404


def test_agency_cannot_publish(agency: FlaskClient, province: Province) -> None:
    assert post(agency, f"/admin/campaigns/{province.earlier_id}/publish").status_code == 403


def _published(app: Flask, province: Province) -> FlaskClient:
    with app.app_context():
        campaign = db.session.get(Campaign, province.campaign_id)
        campaign.status = "closed"
        campaign.published_on = campaign.ends_on
        db.session.commit()
    return app.test_client()


def test_public_page_shows_rates_verdicts_and_no_small_group_or_comment(app: Flask, province: Province) -> None:
    html = _published(app, province).get(f"/results/{province.campaign_id}?lang=vi").get_data(as_text=True)
    assert UNIT_A_NAME in html and f"71,4{NBSP}%" in html
    assert "Trung tâm Y tế huyện Ba Bể" in html and f"83,3{NBSP}%" in html
    assert "Bộ phận Một cửa xã Bộc Bố" not in html and UNIT_C_COMMENT not in html
    assert not any(comment in html for comment in A_COMMENTS)
    assert f"Kết luận chính thức: 69,2{NBSP}%, chưa đạt chỉ tiêu (≥{NBSP}90{NBSP}%)." in html
    assert "Với độ tin cậy 95" in html
    assert f"82,4{NBSP}%" in html  # the province: 7950 / 9650
    assert "Công khai ngày 30/09/2026" in html


def test_public_page_is_light_and_self_contained(app: Flask, province: Province) -> None:
    response = _published(app, province).get(f"/results/{province.campaign_id}?lang=en")
    html = unescape(response.get_data(as_text=True))
    assert "the sector needs about" in html
    assert "Official verdict: 83.3%, the target (>\u00a080%) is reached." in html
    assert "<script" not in html and "<img" not in html
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)  # nothing from another site
    assert len(response.data) < 20_000
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_public_page_says_the_change_and_whether_it_is_clear(app: Flask, province: Province) -> None:
    """With Quý I also published, the one-stop sector went from 2 of 6 (33.3 %) to 69.2 %: up 35.9 points, and
    the page says whether that change is clear beyond sampling error, as the province report does."""
    with app.app_context():
        earlier = db.session.get(Campaign, province.earlier_id)
        earlier.published_on = earlier.ends_on
        db.session.commit()
    html = unescape(_published(app, province).get(f"/results/{province.campaign_id}?lang=en").get_data(as_text=True))
    found = re.search(r"Up 35\.9 points since Khảo sát Quý I/2026 \(33\.3%\)\. (Improved|No clear change)\.", html)
    assert found is not None


def test_public_page_shows_the_ministries_indices_of_units_large_enough(app: Flask, province: Province) -> None:
    """Worked by hand from the answers of tests/reports/conftest.py, to which each of unit A's respondents adds a
    5 to one question of each of the three SIPAS elements it lacked. Unit A (one-stop, 8 respondents): staff
    element = mean of "polite" (4 of 8 answered 4 or 5: 50 %) and "explained" (8 of 8: 100 %) = 75 %, access
    element = "waiting area" (0 of 8) = 0 %, procedures, results and feedback 100 % each; SIPAS = (75 + 0 + 100 +
    100 + 100) / 5 = 75 %. Unit B (health, 6 respondents): every answer to the care questions is 4, so overall
    and comprehensive satisfaction are both 100 %. Unit C (3 respondents) is left out."""
    with app.app_context():
        for response in db.session.scalars(select(Response).where(Response.unit_id == province.unit_a,
                                                                  Response.campaign_id == province.campaign_id)):
            response.answers = {**response.answers, "procedures_posted": 5, "results_correct": 5,
                                "feedback_channels": 5}
        db.session.commit()
    html = _published(app, province).get(f"/results/{province.campaign_id}?lang=vi").get_data(as_text=True)
    table = html.split('id="t-public-indices"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("<tr>")[1:]
    rows = {name: row for row in body for name in (UNIT_A_NAME, "Trung tâm Y tế huyện Ba Bể") if name in row}
    assert len(body) == 2 and len(rows) == 2
    assert f"75,0{NBSP}%" in rows[UNIT_A_NAME] and rows[UNIT_A_NAME].count("–") == 2
    assert rows["Trung tâm Y tế huyện Ba Bể"].count(f"100,0{NBSP}%") == 2
    assert "Các chỉ số chính thức" in html and "QĐ 3869/QĐ-BYT" in html
