"""Creating, editing, opening and closing campaigns, with the form's error messages asserted exactly."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, Response
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.staff import post, text


def campaign_form(world: World, **changes: Any) -> dict[str, Any]:
    """A valid new-campaign submission: both units take part (rows 0 and 1, in the form's order)."""
    data: dict[str, Any] = {
        "name": "Khảo sát sự hài lòng Quý III/2026", "starts_on": "2026-07-01", "ends_on": "2026-09-30",
        "questionnaire_one_stop": "one_stop", "questionnaire_health": "health", "questionnaire_education": "",
        "units-0-unit_id": str(world.unit_b), "units-0-included": "y", "units-0-service_volume": "5000",
        "units-1-unit_id": str(world.unit_a), "units-1-included": "y", "units-1-service_volume": "1200",
        "units-1-receipt_codes": "y", "late_days": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_create_campaign(app: Flask, admin_client: FlaskClient, world: World) -> None:
    form_page = text(admin_client.get("/admin/campaigns/new"))
    assert 'name="units-0-unit_id"' in form_page and "Bệnh viện B" in form_page
    response = post(admin_client, "/admin/campaigns/new", campaign_form(world))
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.query(Campaign).filter_by(name="Khảo sát sự hài lòng Quý III/2026").one()
        assert (campaign.starts_on, campaign.ends_on, campaign.status) == (date(2026, 7, 1), date(2026, 9, 30),
                                                                           "draft")
        links = {link.unit_id: link for link in campaign.units}
        assert links[world.unit_a].questionnaire_id == "one_stop" and links[world.unit_a].service_volume == 1200
        assert links[world.unit_a].receipt_codes_required
        assert links[world.unit_b].questionnaire_id == "health" and not links[world.unit_b].receipt_codes_required
        assert response.headers["Location"] == f"/admin/campaigns/{campaign.id}"


@pytest.mark.parametrize(("changes", "errors"), [
    ({"name": ""}, ["Enter the campaign name"]),
    ({"starts_on": "", "ends_on": "soon"},
     ["Enter the first day of the campaign", "Enter the last day of the campaign"]),
    ({"ends_on": "2026-06-30"}, ["Enter a last day on or after the first day"]),
    ({"units-0-included": None, "units-1-included": None}, ["Choose at least one unit taking part"]),
    ({"units-1-service_volume": "many"}, ["Enter the number of services in the period, a whole number of at least 1"]),
    ({"units-0-service_volume": "0"}, ["Enter the number of services in the period, a whole number of at least 1"]),
    ({"questionnaire_health": ""}, ["Choose the questionnaire these units will answer"]),
    ({"questionnaire_one_stop": "health"}, ["Choose the questionnaire these units will answer"]),
])
def test_create_campaign_errors(app: Flask, admin_client: FlaskClient, world: World, changes: dict[str, Any],
                                errors: list[str]) -> None:
    response = post(admin_client, "/admin/campaigns/new", campaign_form(world, **changes))
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    for error in errors:
        assert page.count(error) == 2, error  # in the summary and beside the field
    with app.app_context():
        assert db.session.query(Campaign).count() == 2


def test_new_campaign_repeats_the_latest_volumes(admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get("/admin/campaigns/new"))
    assert 'name="units-1-service_volume" type="text" value="1000"' in page  # unit A, from its only campaign
    assert 'name="units-0-service_volume" type="text" value="100"' in page  # unit B, from its latest campaign


def test_edit_campaign_keeps_its_links(app: Flask, admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/edit"))
    assert 'value="Khảo sát Quý thử"' in page
    assert page.count('-unit_id" type="hidden"') == 2  # one row per unit
    assert page.count(" checked ") == 2 and 'name="units-1-receipt_codes" type="checkbox"' in page
    response = post(admin_client, f"/admin/campaigns/{world.campaign}/edit",
                    campaign_form(world, name="Renamed", **{"units-0-included": None}))
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None and campaign.name == "Renamed"
        assert [(link.unit_id, link.unit.qr_token) for link in campaign.units] == [(world.unit_a, world.token_a)]


def test_a_unit_with_responses_stays_in_its_campaign(app: Flask, admin_client: FlaskClient, world: World) -> None:
    with app.app_context():
        db.session.add(Response(campaign_id=world.campaign, unit_id=world.unit_b, questionnaire_id="health",
                                questionnaire_version=1, channel="qr", locale="vi", answers={},
                                submission_id="s-1"))
        db.session.commit()
    response = post(admin_client, f"/admin/campaigns/{world.campaign}/edit",
                    campaign_form(world, **{"units-0-included": None}))
    assert response.status_code == 200
    assert "This unit already has responses in this campaign: keep it" in text(response)
    with app.app_context():
        assert db.session.query(CampaignUnit).filter_by(campaign_id=world.campaign).count() == 2


def _status(app: Flask, campaign_id: int) -> str:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.status


def test_close_and_reopen(app: Flask, admin_client: FlaskClient, world: World) -> None:
    post(admin_client, f"/admin/campaigns/{world.campaign}/close")
    assert _status(app, world.campaign) == "closed"
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    assert "The campaign is closed: no more answers are accepted." in page
    post(admin_client, f"/admin/campaigns/{world.campaign}/open")
    assert _status(app, world.campaign) == "open"


def test_a_campaign_whose_period_is_over_cannot_be_opened(app: Flask, admin_client: FlaskClient,
                                                          world: World) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None
        campaign.status, campaign.ends_on = "closed", date.today() - timedelta(days=1)
        db.session.commit()
    response = post(admin_client, f"/admin/campaigns/{world.campaign}/open", follow_redirects=True)
    assert "The period of this campaign is over. Change its last day before opening it." in text(response)
    assert _status(app, world.campaign) == "closed"


def test_only_an_open_campaign_can_be_closed(app: Flask, admin_client: FlaskClient, world: World) -> None:
    post(admin_client, f"/admin/campaigns/{world.campaign}/close")
    response = post(admin_client, f"/admin/campaigns/{world.campaign}/close", follow_redirects=True)
    assert "Only an open campaign can be closed." in text(response)


def test_campaign_page_lists_links_and_posters(admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    assert f"http://localhost/k/{world.kiosk_a}" in page and f"http://localhost/s/{world.token_a}" in page
    assert f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/poster.pdf" in page
    assert f"/admin/campaigns/{world.campaign}/units/{world.unit_b}/poster.svg" in page


def test_public_base_url_is_used_for_links(app: Flask, admin_client: FlaskClient, world: World) -> None:
    app.config["PUBLIC_BASE_URL"] = "https://khaosat.tinh.gov.vn/"
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    assert f"https://khaosat.tinh.gov.vn/s/{world.token_a}" in page


def test_closing_and_opening_ask_first_and_say_what_will_happen(app: Flask, admin_client: FlaskClient,
                                                                world: World) -> None:
    campaign_page = text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    assert f'href="/admin/campaigns/{world.campaign}/confirm-close"' in campaign_page
    assert f'action="/admin/campaigns/{world.campaign}/close"' not in campaign_page  # no one-click close
    confirm = text(admin_client.get(f"/admin/campaigns/{world.campaign}/confirm-close"))
    assert "will see that the survey has ended" in confirm and "Answers stop being counted at once" in confirm
    assert f'action="/admin/campaigns/{world.campaign}/close"' in confirm
    with app.app_context():
        assert db.session.get(Campaign, world.campaign).status == "open"  # looking changes nothing
    post(admin_client, f"/admin/campaigns/{world.campaign}/close")
    assert f'href="/admin/campaigns/{world.campaign}/confirm-open"' in text(
        admin_client.get(f"/admin/campaigns/{world.campaign}"))
    reopen = text(admin_client.get(f"/admin/campaigns/{world.campaign}/confirm-open"))
    assert "will see its questionnaire" in reopen and "counted in this campaign until" in reopen
    assert f'action="/admin/campaigns/{world.campaign}/open"' in reopen
