"""Progress figures for a known set of responses: per unit and channel against the prorated quota, per day in
the province's time zone, and the same figures as JSON for the page's refresh script."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.admin.progress import elapsed_share
from survey_app.models import Campaign, Response
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.staff import text

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive UTC timestamp, as stored."""
    return datetime.combine(day, time(hour, minute))


def local_day(moment: datetime) -> date:
    """The province's day of a UTC moment: what a response stores."""
    return moment.replace(tzinfo=UTC).astimezone(ZONE).date()


@pytest.fixture
def today(app: Flask, world: World) -> date:
    """Campaign of 20 days, 10 of them begun (share 0.5); A: quota 100, 40 answers; B: quota 200, 120 answers."""
    local_today = datetime.now(ZONE).date()
    d = local_today
    rows = (
        [(world.unit_a, "kiosk", utc(d - timedelta(days=5), 3))] * 30
        + [(world.unit_a, "qr", utc(d - timedelta(days=3), 17, 30))] * 2  # 00:30 on d-2 in Vietnam
        + [(world.unit_a, "qr", utc(d - timedelta(days=2), 16, 59))]  # 23:59 on d-2 in Vietnam
        + [(world.unit_a, "qr", utc(d, 1))] * 7
        + [(world.unit_b, "qr", utc(d - timedelta(days=1), 2))] * 120
    )
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None
        campaign.starts_on, campaign.ends_on = d - timedelta(days=9), d + timedelta(days=10)
        for link in campaign.units:
            link.quota = 100 if link.unit_id == world.unit_a else 200
        questionnaire = {world.unit_a: "one_stop", world.unit_b: "health"}
        db.session.add_all(Response(campaign_id=world.campaign, unit_id=unit, questionnaire_id=questionnaire[unit],
                                    questionnaire_version=1, channel=channel, locale="vi", answers={},
                                    submitted_on=local_day(moment), submission_id=f"s-{n}")
                           for n, (unit, channel, moment) in enumerate(rows))
        db.session.add(Response(campaign_id=world.other_campaign, unit_id=world.unit_b, questionnaire_id="health",
                                questionnaire_version=1, channel="kiosk", locale="vi", answers={},
                                submitted_on=local_day(utc(d, 2)), submission_id="other-campaign"))
        db.session.commit()
    return local_today


def test_progress_figures_for_the_administrator(admin_client: FlaskClient, world: World, today: date) -> None:
    data = admin_client.get(f"/admin/campaigns/{world.campaign}/progress.json").get_json()
    assert data["elapsed_share"] == 0.5
    units = {row["code"]: row for row in data["units"]}
    assert units["MC-TEST"] == {"unit_id": world.unit_a, "code": "MC-TEST", "quota": 100, "responses": 40,
                                "kiosk": 30, "qr": 10, "expected": 50, "behind": True}
    assert units["BV-B"] == {"unit_id": world.unit_b, "code": "BV-B", "quota": 200, "responses": 120,
                             "kiosk": 0, "qr": 120, "expected": 100, "behind": False}
    days = {row["day"]: (row["kiosk"], row["qr"]) for row in data["days"]}
    assert len(days) == 10 and min(days) == (today - timedelta(days=9)).isoformat()
    busy = {day: counts for day, counts in days.items() if counts != (0, 0)}
    assert busy == {(today - timedelta(days=5)).isoformat(): (30, 0), (today - timedelta(days=2)).isoformat(): (0, 3),
                    (today - timedelta(days=1)).isoformat(): (0, 120), today.isoformat(): (0, 7)}
    assert '<tr data-unit="MC-TEST" class="behind">' in data["html"]
    assert '<tr data-unit="BV-B">' in data["html"]


def test_progress_page_highlights_units_behind_schedule(admin_client: FlaskClient, world: World,
                                                        today: date) -> None:
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/progress"))
    assert '<tr data-unit="MC-TEST" class="behind">' in page and "Behind schedule" in page
    assert f'data-refresh-url="/admin/campaigns/{world.campaign}/progress.json"' in page
    assert '<script src="/static/js/admin-progress.js" defer></script>' in page


def test_agency_progress_counts_only_its_units(agency_client: FlaskClient, world: World, today: date) -> None:
    data = agency_client.get(f"/admin/campaigns/{world.campaign}/progress.json").get_json()
    assert [row["code"] for row in data["units"]] == ["MC-TEST"]
    assert sum(row["qr"] for row in data["days"]) == 10 and sum(row["kiosk"] for row in data["days"]) == 30
    assert "Bệnh viện B" not in data["html"]


@pytest.mark.parametrize(("day", "share"), [(date(2026, 6, 30), 0.0), (date(2026, 7, 1), 1 / 92),
                                            (date(2026, 9, 30), 1.0), (date(2026, 12, 1), 1.0)])
def test_elapsed_share_counts_begun_days(day: date, share: float) -> None:
    campaign = Campaign(name="Q3", starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30))
    assert elapsed_share(campaign, day) == pytest.approx(share)
