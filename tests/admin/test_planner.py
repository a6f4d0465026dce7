"""Sample-size planner: the quotas it shows and saves are exactly the analysis package's numbers."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from analysis import sample_size
from survey_app.models import CampaignUnit
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.staff import post, text


def quotas(app: Flask, world: World) -> dict[int, int | None]:
    with app.app_context():
        return {link.unit_id: link.quota for link in db.session.query(CampaignUnit).filter_by(
            campaign_id=world.campaign)}


@pytest.mark.parametrize(("margin", "rate", "level"), [("0.05", "50", "0.95"), ("0.03", "90", "0.99"),
                                                       ("0.1", "80", "0.9")])
def test_planner_shows_and_saves_the_analysis_numbers(app: Flask, admin_client: FlaskClient, world: World,
                                                      margin: str, rate: str, level: str) -> None:
    needed = {unit: sample_size.required_sample_size(volume, margin=float(margin), expected_rate=int(rate) / 100,
                                                     level=float(level))
              for unit, volume in ((world.unit_a, 1000), (world.unit_b, 5000))}
    query = {"margin": margin, "expected_rate": rate, "level": level}
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/planner", query_string=query))
    for value in needed.values():
        assert f'<td class="num">{value}</td></tr>' in page  # all below 1 000: no thousands separator
    response = post(admin_client, f"/admin/campaigns/{world.campaign}/planner",
                    {"margin": margin, "expected_rate": str(int(rate) / 100), "level": level})
    assert response.status_code == 302
    assert quotas(app, world) == {unit: int(value) for unit, value in needed.items()}


def test_planner_defaults_to_five_percent_margin(app: Flask, admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/planner"))
    assert f'<td class="num">{sample_size.required_sample_size(1000)}</td></tr>' in page


def test_planner_refuses_a_rate_out_of_range(app: Flask, admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/planner",
                                 query_string={"margin": "0.05", "expected_rate": "100", "level": "0.95"}))
    assert page.count("Enter a number between 1 and 99") == 2
    assert "Save as the units&#39; quotas" not in page
    assert quotas(app, world) == {world.unit_a: 100, world.unit_b: 200}


def test_saving_without_settings_asks_for_them(app: Flask, admin_client: FlaskClient, world: World) -> None:
    response = post(admin_client, f"/admin/campaigns/{world.campaign}/planner", follow_redirects=True)
    assert "Choose the margin of error, calculate, then save." in text(response)
    assert quotas(app, world) == {world.unit_a: 100, world.unit_b: 200}
