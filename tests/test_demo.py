"""The demo province is the province of today — two tiers since 1 July 2025 — with its history from before the
reform: the pre-reform campaign groups its units by district, the current one has communes and no district."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app.demo import REFORM_DAY, seed
from survey_app.models import Campaign, CampaignUnit, Level, Unit
from survey_app.platform.extensions import db
from tests.staff import english, sign_in, text


def test_demo_is_a_two_tier_province_with_pre_reform_history(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        assert seed(today=date(2026, 11, 15)) is True
        campaigns = db.session.scalars(select(Campaign).order_by(Campaign.starts_on)).all()
        before, current = campaigns[0], campaigns[-1]
        assert before.ends_on < REFORM_DAY <= campaigns[1].starts_on and current.status == "open"
        levels_now = {link.unit.level for link in current.units}
        levels_then = {link.unit.level for link in before.units}
        assert levels_now <= {"province", "commune"} and "district" in levels_then
        assert {link.area for link in current.units} == {""}
        assert {"Ba Bể", "Chợ Đồn", "Pác Nặm"} <= {link.area for link in before.units}
        assert "district" in set(db.session.scalars(select(Level.code)))
        assert seed() is False  # idempotent
        ids = before.id, current.id
        units_after = db.session.scalar(select(db.func.count()).select_from(CampaignUnit)
                                        .where(CampaignUnit.campaign_id == current.id))
        assert units_after == db.session.scalar(select(db.func.count()).select_from(Unit)
                                                .where(Unit.code.like("HCC-%") | ~Unit.code.like("MC-%")))
    english(client)
    assert sign_in(client, "admin@demo.local", "demo-admin-2026").status_code == 302
    old = text(client.get(f"/reports/{ids[0]}/"))
    assert 'id="t-areas"' in old and "Pác Nặm" in old
    new = text(client.get(f"/reports/{ids[1]}/"))
    assert 'id="h-areas"' not in new and ">Area<" not in new
    assert client.get(f"/reports/{ids[1]}/chart/areas.png").status_code == 404
