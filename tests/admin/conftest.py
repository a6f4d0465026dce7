"""A small province for the staff-page tests: two units in one campaign, a second (closed) campaign with unit B only,
a province administrator and an agency user bound to unit A."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, Unit
from survey_app.platform.extensions import db
from tests.staff import english, sign_in

ADMIN, AGENCY = "admin@tinh.gov.vn", "agency-a@tinh.gov.vn"

# Kiosks count as open at every hour of every day, and silent from the first second without a heartbeat, so a
# test about silent kiosks does not depend on the hour it runs at (with "00:00"-"23:59" and 30 minutes, a run
# between 00:00 and 00:30 or at 23:59 in Asia/Ho_Chi_Minh saw no silent kiosk and failed).
ALWAYS_OPEN = {"KIOSK_OPENING_DAYS": tuple(range(7)), "KIOSK_OPENING_HOURS": ("00:00", "23:59:59.999999"),
               "KIOSK_SILENT_MINUTES": 0}


@dataclass(frozen=True)
class World:
    campaign: int  # units A and B
    other_campaign: int  # unit B only
    unit_a: int
    unit_b: int
    link_a: int
    link_b: int
    token_a: str  # unit A's QR link
    kiosk_a: str  # unit A's kiosk link
    admin: int
    agency: int


@pytest.fixture
def world(app: Flask, campaign_unit: dict[str, Any], make_user: Any) -> World:
    with app.app_context():
        unit_b = Unit(code="BV-B", name="Bệnh viện B", sector="health", level="district", area="Chợ Đồn",
                      default_locale="vi")
        campaign = db.session.get(Campaign, campaign_unit["campaign_id"])
        link_b = CampaignUnit(campaign=campaign, unit=unit_b, questionnaire_id="health", service_volume=5000,
                              quota=200)
        other = Campaign(name="Chỉ bệnh viện B", starts_on=date.today() - timedelta(days=5),
                         ends_on=date.today() + timedelta(days=5), status="closed")
        other.units.append(CampaignUnit(unit=unit_b, questionnaire_id="health", service_volume=100))
        db.session.add_all([unit_b, link_b, other])
        db.session.commit()
        ids = (unit_b.id, link_b.id, other.id)
    unit_a = campaign_unit["unit_id"]
    return World(campaign=campaign_unit["campaign_id"], other_campaign=ids[2], unit_a=unit_a, unit_b=ids[0],
                 link_a=campaign_unit["link_id"], link_b=ids[1], token_a=campaign_unit["token"],
                 kiosk_a=campaign_unit["kiosk_token"],
                 admin=make_user(ADMIN, role="province_admin"), agency=make_user(AGENCY, unit_ids=(unit_a,)))


@pytest.fixture
def admin_client(client: FlaskClient, world: World) -> FlaskClient:
    english(client)
    assert sign_in(client, ADMIN).status_code == 302
    return client


@pytest.fixture
def agency_client(client: FlaskClient, world: World) -> FlaskClient:
    english(client)
    assert sign_in(client, AGENCY).status_code == 302
    return client
