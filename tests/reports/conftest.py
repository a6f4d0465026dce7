"""A small province with known answers: two campaigns, four units, an admin and an agency user of unit A.

Unit A (one-stop, 8 respondents, some comments; the sixth, who wrote none, reports an informal payment) and
unit B (health, 6 respondents) have enough answers to be reported; unit C (one-stop, 3 respondents, one comment)
has too few, so nothing of it may be shown anywhere.
Unit D (education) has no response yet. The earlier campaign gives the trend its first point.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.auth import staff_session
from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db

UNIT_A_NAME = "Bộ phận Một cửa xã Nậm Mẫu"
UNIT_C_COMMENT = "Chỉ có ba người trả lời ở đây"
A_COMMENTS = ("Cán bộ nhiệt tình, hướng dẫn rõ ràng.", "Phải chờ lâu <b>quá</b>", "Thằng cán bộ đó là đồ ngốc")

# Overall answers (None: not answered, "na": not applicable); A: 5 of 7 valid satisfied.
A_OVERALL = (5, 4, 4, 5, 3, 2, 4, "na")
B_OVERALL = (5, 5, 4, 2, 4, 5)
C_OVERALL = (5, 1, 4)
EARLIER_A_OVERALL = (2, 3, 4, 5, 1, 2)


@dataclass(frozen=True)
class Province:
    campaign_id: int
    earlier_id: int
    unit_a: int
    unit_b: int
    unit_c: int
    unit_d: int
    a_comment_ids: tuple[int, ...]


def _answers(sector: str, overall: object, index: int, comment: str | None = None) -> dict[str, object]:
    answers: dict[str, object] = {"overall": overall}
    if sector == "one_stop":
        answers.update({"staff_polite": 5 if index % 2 else 3, "staff_explain": 4, "access_waiting_area": 2,
                        "informal_payment": "yes" if index == 5 else "no", "gender": "female"})
    elif sector == "health":
        answers.update({"staff_respect": 4, "informal_payment": "no"})
    if comment:
        answers["comment"] = comment
    return answers


def _response(campaign_id: int, unit: Unit, questionnaire_id: str, answers: dict[str, object]) -> Response:
    return Response(campaign_id=campaign_id, unit_id=unit.id, questionnaire_id=questionnaire_id,
                    questionnaire_version=1, channel="kiosk", locale="vi", submitted_on=date(2026, 7, 15),
                    answers=answers, submission_id=uuid.uuid4().hex)


def add_responses(campaign_id: int, unit: Unit, sector: str, overall: tuple[object, ...],
                  comments: tuple[str, ...] = ()) -> list[Response]:
    rows = [
        _response(campaign_id, unit, sector,
                  _answers(sector, value, i, comments[i] if i < len(comments) else None))
        for i, value in enumerate(overall)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


@pytest.fixture
def province(app: Flask) -> Province:
    with app.app_context():
        units = {
            "A": Unit(code="MC-NAMMAU", name=UNIT_A_NAME, sector="one_stop", level="commune", area="Ba Bể"),
            "B": Unit(code="BV-BABE", name="Trung tâm Y tế huyện Ba Bể", sector="health", level="district",
                      area="Ba Bể"),
            "C": Unit(code="MC-BOCBO", name="Bộ phận Một cửa xã Bộc Bố", sector="one_stop", level="commune",
                      area="Pác Nặm"),
            "D": Unit(code="TH-DUCXUAN", name="Trường Tiểu học Đức Xuân", sector="education", level="district",
                      area="Pác Nặm"),
        }
        earlier = Campaign(name="Khảo sát Quý I/2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31),
                           status="closed")
        campaign = Campaign(name="Khảo sát Quý III/2026", starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30),
                            status="open")
        volumes = {"A": 400, "B": 9000, "C": 300, "D": 900}
        for key, unit in units.items():
            campaign.units.append(CampaignUnit(unit=unit, questionnaire_id=unit.sector, service_volume=volumes[key]))
        earlier.units.append(CampaignUnit(unit=units["A"], questionnaire_id="one_stop", service_volume=350))
        db.session.add_all([*units.values(), earlier, campaign])
        db.session.flush()
        a_rows = add_responses(campaign.id, units["A"], "one_stop", A_OVERALL, A_COMMENTS)
        add_responses(campaign.id, units["B"], "health", B_OVERALL)
        add_responses(campaign.id, units["C"], "one_stop", C_OVERALL, (UNIT_C_COMMENT,))
        add_responses(earlier.id, units["A"], "one_stop", EARLIER_A_OVERALL)
        db.session.commit()
        return Province(campaign.id, earlier.id, units["A"].id, units["B"].id, units["C"].id, units["D"].id,
                        tuple(r.id for r in a_rows[: len(A_COMMENTS)]))


def sign_in(client: FlaskClient, user_id: int) -> FlaskClient:
    """Flask-Login's session key: the tests of the reports need no password round trip."""
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}.0"  # User.get_id: the account and its session version
        session[staff_session.SEEN_KEY] = int(time.time())
        session["_fresh"] = True
    return client


@pytest.fixture
def admin(client: FlaskClient, make_user) -> FlaskClient:  # type: ignore[no-untyped-def]
    return sign_in(client, make_user("admin@example.org", role="province_admin"))


@pytest.fixture
def agency(client: FlaskClient, make_user, province: Province) -> FlaskClient:  # type: ignore[no-untyped-def]
    return sign_in(client, make_user("agency-a@example.org", role="agency", unit_ids=(province.unit_a,)))
