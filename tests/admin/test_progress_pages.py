"""The progress page of a province with many units: 50 unit rows a page (links that work without JavaScript, the
refresh carrying its page), older days summed per week, and figures kept per campaign state that still move at
once with a new response, a quota or a name changed — and never show an agency another unit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.admin.progress import DayCount, Progress
from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db
from tests.admin.conftest import AGENCY, World
from tests.staff import english, sign_in, text

ROWS = re.compile(r'<tr data-unit="([^"]+)"')


@pytest.fixture
def many(app: Flask, world: World) -> int:
    """120 more units in the campaign, "Xã 001" to "Xã 120" (codes X001…): with units B ("Bệnh viện B") and A
    ("Bộ phận Một cửa…"), 122 units, in this order by name."""
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None
        for n in range(1, 121):
            unit = Unit(code=f"X{n:03}", name=f"Xã {n:03}", sector="one_stop", level="commune", area="Ba Bể",
                        default_locale="vi")
            campaign.units.append(CampaignUnit(unit=unit, questionnaire_id="one_stop", service_volume=100, quota=40))
        db.session.commit()
    return world.campaign


def respond(app: Flask, campaign_id: int, unit_id: int, channel: str = "kiosk") -> int:
    with app.app_context():
        response = Response(campaign_id=campaign_id, unit_id=unit_id, questionnaire_id="one_stop",
                            questionnaire_version=1, channel=channel, locale="vi", answers={},
                            submission_id=f"p-{unit_id}-{channel}-{db.session.query(Response).count()}")
        db.session.add(response)
        db.session.commit()
        return response.id


def test_progress_shows_fifty_units_a_page_with_links(admin_client: FlaskClient, many: int) -> None:
    first = text(admin_client.get(f"/admin/campaigns/{many}/progress"))
    assert ROWS.findall(first) == ["BV-B", "MC-TEST", *(f"X{n:03}" for n in range(1, 49))]
    assert "Units 1–50 of 122" in first and "Previous page" not in first
    assert f'<a rel="next" href="/admin/campaigns/{many}/progress?page=2">Next page</a>' in first
    assert f'data-refresh-url="/admin/campaigns/{many}/progress.json"' in first

    second = text(admin_client.get(f"/admin/campaigns/{many}/progress?page=2"))
    assert ROWS.findall(second) == [f"X{n:03}" for n in range(49, 99)]
    assert "Units 51–100 of 122" in second
    assert f'<a rel="prev" href="/admin/campaigns/{many}/progress">Previous page</a>' in second
    assert f'<a rel="next" href="/admin/campaigns/{many}/progress?page=3">Next page</a>' in second
    assert f'data-refresh-url="/admin/campaigns/{many}/progress.json?page=2"' in second

    last = text(admin_client.get(f"/admin/campaigns/{many}/progress?page=3"))
    assert ROWS.findall(last) == [f"X{n:03}" for n in range(99, 121)] and "Next page" not in last
    assert f'href="/admin/campaigns/{many}/progress?page=2">Previous page' in last
    assert ROWS.findall(text(admin_client.get(f"/admin/campaigns/{many}/progress?page=99"))) == ROWS.findall(last)
    assert ROWS.findall(text(admin_client.get(f"/admin/campaigns/{many}/progress?page=abc"))) == ROWS.findall(first)


def test_json_refresh_of_a_page_carries_its_units_and_the_province_totals(app: Flask, admin_client: FlaskClient,
                                                                          world: World, many: int) -> None:
    respond(app, many, world.unit_a)
    respond(app, many, world.unit_b, "qr")
    data = admin_client.get(f"/admin/campaigns/{many}/progress.json?page=2").get_json()
    assert [row["code"] for row in data["units"]] == [f"X{n:03}" for n in range(49, 99)]
    assert data["page"] == {"number": 2, "count": 3, "first": 51, "last": 100, "total": 122}
    # the footer and the days count every unit, not only the page's: 100 + 200 + 120 × 40 of quota
    assert data["totals"]["quota"] == 5100 and data["totals"]["responses"] == 2
    assert sum(day["kiosk"] + day["qr"] for day in data["days"]) == 2
    assert ROWS.findall(data["html"]) == [row["code"] for row in data["units"]]
    assert "Units 51–100 of 122" in data["html"] and "MC-TEST" not in data["html"]


def test_counts_move_at_once_with_the_figures_cached(app: Flask, admin_client: FlaskClient, world: World,
                                                     many: int) -> None:
    def unit_a() -> dict[str, object]:
        data = admin_client.get(f"/admin/campaigns/{many}/progress.json").get_json()
        return {"row": next(row for row in data["units"] if row["code"] == "MC-TEST"),
                "total": data["totals"]["responses"], "html": data["html"]}

    assert unit_a()["row"]["kiosk"] == 0  # type: ignore[index]
    assert unit_a()["total"] == 0  # a second, warm view
    respond(app, many, world.unit_a)
    assert unit_a()["row"]["kiosk"] == 1 and unit_a()["total"] == 1  # type: ignore[index]
    removed = respond(app, many, world.unit_a, "qr")
    assert unit_a()["row"]["qr"] == 1 and unit_a()["total"] == 2  # type: ignore[index]
    page = text(admin_client.get(f"/admin/campaigns/{many}/progress"))
    assert '<td class="num" data-label="QR">1</td>' in page.split('data-unit="MC-TEST"')[1].split("</tr>")[0]

    with app.app_context():
        db.session.delete(db.session.get(Response, removed))
        db.session.commit()
    assert unit_a()["row"]["qr"] == 0 and unit_a()["total"] == 1  # type: ignore[index]

    with app.app_context():  # a new quota and a new name show at once
        link = db.session.get(CampaignUnit, world.link_a)
        assert link is not None
        link.quota = 700
        link.unit.name = "Bộ phận Một cửa huyện"
        db.session.commit()
    seen = unit_a()
    assert seen["row"]["quota"] == 700  # type: ignore[index]
    assert "Bộ phận Một cửa huyện" in seen["html"] and "thử nghiệm" not in seen["html"]  # type: ignore[operator]


def test_agency_sees_its_units_only_even_with_the_province_figures_cached(app: Flask, admin_client: FlaskClient,
                                                                          world: World, many: int) -> None:
    respond(app, many, world.unit_b, "qr")
    respond(app, many, world.unit_a)
    assert len(admin_client.get(f"/admin/campaigns/{many}/progress.json").get_json()["units"]) == 50  # warm
    agency = english(app.test_client())
    assert sign_in(agency, AGENCY).status_code == 302
    for page in ("", "?page=2"):
        data = agency.get(f"/admin/campaigns/{many}/progress.json{page}").get_json()
        assert [row["code"] for row in data["units"]] == ["MC-TEST"]
        assert (data["totals"]["quota"], data["totals"]["responses"], data["totals"]["kiosk"]) == (100, 1, 1)
        assert sum(day["qr"] for day in data["days"]) == 0  # unit B's answer is not among its days
        html = text(agency.get(f"/admin/campaigns/{many}/progress{page}"))
        assert ROWS.findall(html) == ["MC-TEST"] and "Bệnh viện B" not in html and "Next page" not in html
    assert agency.get(f"/admin/campaigns/{world.other_campaign}/progress?page=2").status_code == 404
    assert agency.get(f"/admin/campaigns/{world.other_campaign}/progress.json").status_code == 404
    assert agency.get("/admin/campaigns/999999/progress.json").status_code == 404


def test_days_older_than_two_weeks_are_summed_per_week() -> None:
    first = date(2026, 7, 1)  # a Wednesday
    days = tuple(DayCount(first + timedelta(days=n), n, 1) for n in range(36))  # 1 July to 5 August
    periods = Progress(units=(), days=days, elapsed_share=0.5).periods
    recent = [(p.first, p.kiosk, p.qr) for p in periods[:14]]
    assert recent == [(date(2026, 8, 5) - timedelta(days=k), 35 - k, 1) for k in range(14)]
    assert all(p.single_day for p in periods[:14])
    weeks = [(p.first, p.last, p.kiosk, p.qr) for p in periods[14:]]
    assert weeks == [(date(2026, 7, 20), date(2026, 7, 22), 19 + 20 + 21, 3),  # Monday to the day before the 14
                     (date(2026, 7, 13), date(2026, 7, 19), sum(range(12, 19)), 7),
                     (date(2026, 7, 6), date(2026, 7, 12), sum(range(5, 12)), 7),
                     (date(2026, 7, 1), date(2026, 7, 5), sum(range(0, 5)), 5)]  # the first week: Wednesday on


def test_progress_page_of_a_long_campaign_says_older_days_are_weekly(admin_client: FlaskClient, app: Flask,
                                                                      world: World) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None
        campaign.starts_on = date.today() - timedelta(days=60)
        db.session.commit()
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/progress"))
    assert "The last 14 days one by one; earlier days summed per week." in page
    days = page.split('<table class="days">')[1].split("</table>")[0]
    assert 14 + 7 <= days.count("<tr>") - 1 <= 14 + 8  # 14 days, then 47 older days in 7 or 8 weeks
