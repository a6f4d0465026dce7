"""Staff side of a unit's lasting links: replacing one (a confirmed POST, effective at once in this worker), the
campaign settings for late answers and code-only kiosks, one open campaign per unit at a time, and posters that
say when a unit asks for receipt codes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, LinkAlias, Unit
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.admin.test_campaigns import campaign_form
from tests.admin.test_printing import _tools, pdf_text
from tests.staff import post, text


def _unit(app: Flask, unit_id: int) -> Unit:
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit is not None
        db.session.expunge(unit)
        return unit


def test_replacing_the_qr_link_asks_first_then_retires_the_old_one_at_once(
        app: Flask, admin_client: FlaskClient, world: World) -> None:
    old = f"/s/{world.token_a}"
    assert admin_client.get(old).status_code == 200  # cached by this worker
    confirm = admin_client.get(f"/admin/units/{world.unit_a}/links/qr/replace")
    assert "Every poster and receipt slip printed for this unit stops working" in text(confirm)
    assert admin_client.post(f"/admin/units/{world.unit_a}/links/qr/replace").status_code == 400  # no CSRF token
    assert _unit(app, world.unit_a).qr_token == world.token_a
    done = post(admin_client, f"/admin/units/{world.unit_a}/links/qr/replace", follow_redirects=True)
    assert "The QR link of Bộ phận Một cửa thử nghiệm was replaced." in text(done)
    unit = _unit(app, world.unit_a)
    assert unit.qr_token != world.token_a and unit.kiosk_token == world.kiosk_a
    assert f"http://localhost/s/{unit.qr_token}" in text(done)
    assert admin_client.get(old).status_code == 410  # at once, although the old link was cached
    assert admin_client.get(f"/s/{unit.qr_token}").status_code == 200
    with app.app_context():
        alias = db.session.query(LinkAlias).filter_by(token=world.token_a).one()
        assert (alias.unit_id, alias.channel, alias.replaced_on is not None) == (world.unit_a, "qr", True)


def test_replacing_the_kiosk_link_keeps_the_qr_link(app: Flask, admin_client: FlaskClient, world: World) -> None:
    assert admin_client.get(f"/k/{world.kiosk_a}").status_code == 200
    post(admin_client, f"/admin/units/{world.unit_a}/links/kiosk/replace")
    unit = _unit(app, world.unit_a)
    assert unit.kiosk_token != world.kiosk_a and unit.qr_token == world.token_a
    assert admin_client.get(f"/k/{world.kiosk_a}").status_code == 410
    assert admin_client.get(f"/k/{unit.kiosk_token}").status_code == 200


def test_an_agency_user_cannot_replace_links(app: Flask, agency_client: FlaskClient, world: World) -> None:
    assert post(agency_client, f"/admin/units/{world.unit_a}/links/qr/replace").status_code == 403
    assert _unit(app, world.unit_a).qr_token == world.token_a


def test_opening_the_next_campaign_moves_the_unit_s_link_to_it_at_once(
        app: Flask, admin_client: FlaskClient, world: World) -> None:
    link = f"/s/{world.token_a}"
    assert admin_client.get(link).status_code == 200
    post(admin_client, f"/admin/campaigns/{world.campaign}/close")
    assert admin_client.get(link).status_code == 403  # between campaigns
    response = post(admin_client, "/admin/campaigns/new", campaign_form(
        world, starts_on=(date.today() - timedelta(days=1)).isoformat(),
        ends_on=(date.today() + timedelta(days=60)).isoformat(), late_days="3", **{"units-1-kiosk_without_codes": "y"}))
    assert response.status_code == 302
    with app.app_context():
        new = db.session.query(Campaign).filter_by(name="Khảo sát sự hài lòng Quý III/2026").one()
        place = db.session.query(CampaignUnit).filter_by(campaign_id=new.id, unit_id=world.unit_a).one()
        assert (new.late_days, place.receipt_codes_required, place.kiosk_without_codes) == (3, True, True)
        new_id = new.id
    post(admin_client, f"/admin/campaigns/{new_id}/open")
    assert "Enter your receipt code" in text(admin_client.get(link))  # the new campaign's rule, at once


def test_a_unit_cannot_be_in_two_open_campaigns_on_the_same_days(
        app: Flask, admin_client: FlaskClient, world: World) -> None:
    post(admin_client, "/admin/campaigns/new", campaign_form(
        world, starts_on=date.today().isoformat(), ends_on=(date.today() + timedelta(days=10)).isoformat()))
    with app.app_context():
        new_id = db.session.query(Campaign.id).filter_by(name="Khảo sát sự hài lòng Quý III/2026").scalar()
    response = post(admin_client, f"/admin/campaigns/{new_id}/open", follow_redirects=True)
    assert ("Bệnh viện B is already in the open campaign “Khảo sát Quý thử” on some of the same days" in
            text(response))
    with app.app_context():
        assert db.session.get(Campaign, new_id).status == "draft"


def test_the_poster_of_a_unit_that_uses_receipt_codes_says_so(
        app: Flask, admin_client: FlaskClient, world: World, tmp_path: Path) -> None:
    _tools()
    with app.app_context():
        db.session.get(CampaignUnit, world.link_a).receipt_codes_required = True
        db.session.commit()
    url = f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/poster"
    words = pdf_text(admin_client.get(url + ".pdf").get_data(), tmp_path)
    note = "Ông/Bà cần mã in trên phiếu nhận mã được phát: hãy hỏi cán bộ để nhận phiếu."  # the unit's language
    assert note in words
    assert ">nhận phiếu.</text>" in text(admin_client.get(url + ".svg"))  # the last line of the wrapped note
    with app.app_context():
        db.session.get(CampaignUnit, world.link_a).receipt_codes_required = False
        db.session.commit()
    assert note not in pdf_text(admin_client.get(url + ".pdf").get_data(), tmp_path)
