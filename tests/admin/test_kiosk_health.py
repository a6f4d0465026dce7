"""Kiosk health: the heartbeat a kiosk browser posts, what the campaign page shows, and when a kiosk is silent."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.kiosk_health import is_silent
from survey_app.models import KioskDevice
from survey_app.platform.extensions import db
from tests.admin.conftest import ALWAYS_OPEN, World
from tests.staff import text

# Opening hours in these tests: Monday to Friday, 07:30–17:00 in Asia/Ho_Chi_Minh (UTC+7, no summer time).
HOURS = {"BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh", "KIOSK_OPENING_DAYS": (0, 1, 2, 3, 4),
         "KIOSK_OPENING_HOURS": ("07:30", "17:00"), "KIOSK_SILENT_MINUTES": 30}


def test_heartbeat_is_stored_for_the_links_unit_with_nothing_personal(app: Flask, client: FlaskClient,
                                                                     world: World) -> None:
    url = f"/k/{world.kiosk_a}/heartbeat"
    assert client.post(url, json={"device": "a1b2c3d4e5f6", "unsent": 4}).status_code == 204
    assert client.post(url, json={"device": "a1b2c3d4e5f6", "unsent": 0}).status_code == 204
    with app.app_context():
        devices = db.session.query(KioskDevice).all()
        assert [(d.unit_id, d.device_id, d.unsent) for d in devices] == [(world.unit_a, "a1b2c3d4e5f6", 0)]
        assert set(KioskDevice.__table__.columns.keys()) == {"id", "unit_id", "device_id", "first_seen",
                                                             "last_seen", "unsent", "refused"}


def test_heartbeat_carries_the_count_of_refused_answers_and_an_older_script_keeps_it(
        app: Flask, client: FlaskClient, world: World) -> None:
    url = f"/k/{world.kiosk_a}/heartbeat"
    assert client.post(url, json={"device": "a1b2c3d4e5f6", "unsent": 0}).status_code == 204
    with app.app_context():
        assert db.session.query(KioskDevice).one().refused == 0  # a kiosk that never said: nothing refused
    assert client.post(url, json={"device": "a1b2c3d4e5f6", "unsent": 1, "refused": 3}).status_code == 204
    # A kiosk page opened before this release posts no "refused": the count it reported stays.
    assert client.post(url, json={"device": "a1b2c3d4e5f6", "unsent": 0}).status_code == 204
    with app.app_context():
        device = db.session.query(KioskDevice).one()
        assert (device.unsent, device.refused) == (0, 3)


@pytest.mark.parametrize(("body", "status"), [
    ({"device": "short", "unsent": 1}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": -1}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": "3"}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": True}, 400),
    ({"device": "<script>alert(1)</script>", "unsent": 0}, 400),
    (["a1b2c3d4e5f6", 1], 400),
    ({"device": "a1b2c3d4e5f6", "unsent": 0, "refused": -1}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": 0, "refused": "2"}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": 0, "refused": True}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": 0, "refused": 1.5}, 400),
    ({"device": "a1b2c3d4e5f6", "unsent": 0, "refused": 10**9}, 400),
])
def test_bad_heartbeat_is_refused_and_stores_nothing(app: Flask, client: FlaskClient, world: World,
                                                     body: object, status: int) -> None:
    assert client.post(f"/k/{world.kiosk_a}/heartbeat", json=body).status_code == status
    assert client.post("/k/no-such-token/heartbeat", json={"device": "a1b2c3d4e5f6", "unsent": 0}).status_code == 404
    with app.app_context():
        assert db.session.query(KioskDevice).count() == 0


def test_kiosk_pages_load_the_heartbeat_script_and_qr_pages_do_not(client: FlaskClient, world: World) -> None:
    kiosk = text(client.get(f"/k/{world.kiosk_a}/questions"))
    assert f'data-heartbeat="/k/{world.kiosk_a}/heartbeat"' in kiosk and "js/kiosk-heartbeat.js" in kiosk
    assert "kiosk-heartbeat" not in text(client.get(f"/s/{world.token_a}"))


@pytest.mark.parametrize(("last_seen", "now", "silent"), [
    # Tuesday 2 Dec 2026; local = UTC + 7.
    (datetime(2026, 12, 2, 2, 0), datetime(2026, 12, 2, 2, 29), False),   # 09:29 local, silent 29 min
    (datetime(2026, 12, 2, 2, 0), datetime(2026, 12, 2, 2, 31), True),    # 09:31 local, silent 31 min
    (datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 2, 0, 50), False),   # 07:50: office open for 20 min only
    (datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 2, 1, 1), True),     # 08:01: 31 min since opening
    (datetime(2026, 12, 2, 2, 0), datetime(2026, 12, 2, 11, 0), False),   # 18:00 local: closed
    (datetime(2026, 12, 4, 9, 0), datetime(2026, 12, 5, 3, 0), False),    # Saturday 10:00: closed
])
def test_a_kiosk_is_silent_only_during_opening_hours(last_seen: datetime, now: datetime, silent: bool) -> None:
    assert is_silent(last_seen, now, HOURS) is silent


def test_campaign_page_shows_last_contact_and_unsent_answers(app: Flask, admin_client: FlaskClient,
                                                             world: World) -> None:
    with app.app_context():
        db.session.add_all([
            KioskDevice(unit_id=world.unit_a, device_id="aaaaaa111111", last_seen=datetime(2026, 1, 5, 2, 0),
                        unsent=7),
            KioskDevice(unit_id=world.unit_b, device_id="bbbbbb222222", last_seen=datetime(2099, 1, 1), unsent=0),
        ])
        db.session.commit()
    app.config.update(ALWAYS_OPEN)
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    kiosks = page.split('id="kiosks"')[1]
    rows = kiosks.split("<tr")[2:]
    assert "aaaaaa" in rows[0] and "Silent" in rows[0] and ">7</td>" in rows[0] and 'class="attention"' in rows[0]
    assert "bbbbbb" in rows[1] and "Reporting" in rows[1]


def test_campaign_page_flags_a_kiosk_whose_kept_answers_were_refused(app: Flask, admin_client: FlaskClient,
                                                                     world: World) -> None:
    from survey_app.models import Campaign

    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None
        campaign.status = "closed"  # refusals come after the close; its page is where the province looks
        db.session.add_all([
            KioskDevice(unit_id=world.unit_a, device_id="aaaaaa111111", last_seen=datetime(2099, 1, 1), refused=2),
            KioskDevice(unit_id=world.unit_b, device_id="bbbbbb222222", last_seen=datetime(2099, 1, 1)),
        ])
        db.session.commit()
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    kiosks = page.split('id="kiosks"')[1]
    assert "Answers refused (too late)" in kiosks.split("</thead>")[0]
    refused, fine = kiosks.split("<tr")[2:4]
    assert "aaaaaa" in refused and 'class="attention"' in refused
    assert "<strong data-refused>2</strong>" in refused and "<strong>Answers refused</strong>" in refused
    assert "bbbbbb" in fine and 'class="attention"' not in fine and "Reporting" in fine


def test_agency_sees_only_its_own_units_kiosks(app: Flask, client: FlaskClient, world: World) -> None:
    from tests.admin.conftest import AGENCY
    from tests.staff import english, sign_in

    with app.app_context():
        db.session.add_all([KioskDevice(unit_id=world.unit_a, device_id="aaaaaa111111", unsent=1),
                            KioskDevice(unit_id=world.unit_b, device_id="bbbbbb222222", unsent=2)])
        db.session.commit()
    english(client)
    sign_in(client, AGENCY)
    kiosks = text(client.get(f"/admin/campaigns/{world.campaign}")).split('id="kiosks"')[1]
    assert "aaaaaa" in kiosks and "bbbbbb" not in kiosks
