"""A unit's report states its ministry's index under the dimensions table, with the source, computed by hand here.

Weights are equal within a unit (its volume over its respondents, no census margins), so the weighted figures
are the plain shares below.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import CampaignUnit, Response, Unit
from survey_app.platform.extensions import db

from .conftest import Province


def _unit(app: Flask, province: Province, sector: str, answers: list[dict[str, object]]) -> int:
    with app.app_context():
        unit = Unit(code=f"NEW-{sector}", name=f"Đơn vị mới {sector}", sector=sector, level="commune",
                    area="Ba Bể")
        db.session.add(unit)
        db.session.flush()
        db.session.add(CampaignUnit(campaign_id=province.campaign_id, unit_id=unit.id, questionnaire_id=sector,
                                    service_volume=500))
        db.session.add_all(Response(campaign_id=province.campaign_id, unit_id=unit.id, questionnaire_id=sector,
                                    questionnaire_version=1, channel="kiosk", locale="vi",
                                    submitted_on=date(2026, 7, 15), answers={"overall": 4, **a},
                                    submission_id=uuid.uuid4().hex) for a in answers)
        db.session.commit()
        return unit.id


def test_a_one_stop_unit_shows_the_sipas_index_by_the_ministrys_structure(app: Flask, admin: FlaskClient,
                                                                          province: Province) -> None:
    columns = {
        "access_waiting_area": [5, 5, 5, 5, 5, 5],  # 6/6 satisfied: access 1
        "procedures_posted": [4, 4, 4, 1, 1, 1],  # procedures 1/2
        "staff_polite": [5, 5, 2, 2, 2, 2],  # 1/3 and
        "staff_explain": [4, 4, 4, 4, 4, 4],  # 1: staff 2/3
        "results_correct": [1, 1, 1, 1, 1, 1],  # results 0
        "feedback_channels": [4, 4, 4, 4, 4, 2],  # feedback 5/6
    }
    unit_id = _unit(app, province, "one_stop", [{k: v[i] for k, v in columns.items()} for i in range(6)])
    page = admin.get(f"/reports/{province.campaign_id}/units/{unit_id}?lang=en").get_data(as_text=True)
    # (1 + 1/2 + 2/3 + 0 + 5/6) / 5 = 60 %, where pooling the 36 answers would give 22/36 = 61.1 %.
    assert "SIPAS index: 60.0%" in page
    assert "QĐ 2640/QĐ-BNV" in page and "61.1%" not in page
    vietnamese = admin.get(f"/reports/{province.campaign_id}/units/{unit_id}?lang=vi").get_data(as_text=True)
    assert "Chỉ số SIPAS: 60,0\u00a0%" in vietnamese


def test_a_health_unit_shows_the_ministry_of_healths_rates(app: Flask, admin: FlaskClient,
                                                          province: Province) -> None:
    respect, signs = [5, 4, 3, 4, 5], [4, 4, 4, 2, None]
    unit_id = _unit(app, province, "health", [
        {"staff_respect": r, **({"access_signs": s} if s is not None else {})} for r, s in zip(respect, signs,
                                                                                                strict=True)])
    page = admin.get(f"/reports/{province.campaign_id}/units/{unit_id}?lang=en").get_data(as_text=True)
    # Satisfied answers 4 + 3 = 7 of 9 (77.8 %); patients with only 4-5: the 1st, 2nd and 5th of 5 (60 %).
    assert "overall satisfaction 77.8%" in page
    assert "comprehensive satisfaction 60.0%" in page
    assert "QĐ 3869/QĐ-BYT" in page


def test_no_index_for_a_unit_of_too_few_respondents(admin: FlaskClient, province: Province) -> None:
    page = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_c}?lang=en").get_data(as_text=True)
    assert "SIPAS index" not in page


def test_the_staff_are_named_in_the_words_of_each_sector(admin: FlaskClient, province: Province) -> None:
    """A hospital's staff are doctors and nurses, not civil servants (công chức), on its dimensions table."""
    def dimensions(unit_id: int) -> str:
        page = admin.get(f"/reports/{province.campaign_id}/units/{unit_id}?lang=vi").get_data(as_text=True)
        return page.split('id="t-dimensions"')[1].split("</table>")[0]

    hospital, office = dimensions(province.unit_b), dimensions(province.unit_a)
    assert "Bác sĩ, điều dưỡng và nhân viên y tế" in hospital and "ông chức" not in hospital
    assert "Công chức giải quyết hồ sơ" in office and "Bác sĩ" not in office
