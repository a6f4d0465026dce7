"""Reports of a campaign or unit without answers yet: pages and downloads work and show no figure."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, Unit
from survey_app.platform.extensions import db
from tests.reports.conftest import Province
from tests.reports.test_small_cells import pdf_text


def test_unit_without_answers(admin: FlaskClient, province: Province) -> None:
    base = f"/reports/{province.campaign_id}/units/{province.unit_d}"
    page = admin.get(f"{base}?lang=en").get_data(as_text=True)
    assert "This unit has fewer than 5 respondents, so no figure and no comment is shown yet." in page
    for kind in ("dimensions", "items", "trend"):
        assert admin.get(f"{base}/chart/{kind}.png").status_code == 200
    assert "Trường Tiểu học Đức Xuân" in pdf_text(admin.get(f"{base}/report.pdf?lang=en").data)


def test_campaign_without_answers(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        unit = Unit(code="MC-NEW", name="Bộ phận Một cửa xã Mới", sector="one_stop", level="commune", area="Na Rì")
        campaign = Campaign(name="Khảo sát Quý IV/2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31))
        campaign.units.append(CampaignUnit(unit=unit, questionnaire_id="one_stop", service_volume=100))
        db.session.add_all([unit, campaign])
        db.session.commit()
        campaign_id, unit_id = campaign.id, unit.id
    page = admin.get(f"/reports/{campaign_id}/?lang=en").get_data(as_text=True)
    assert "Bộ phận Một cửa xã Mới" in page and "Fewer than 5 respondents: not shown" in page
    for kind in ("sectors", "units", "areas", "trend"):
        assert admin.get(f"/reports/{campaign_id}/chart/{kind}.png").status_code == 200, kind
    assert admin.get(f"/reports/{campaign_id}/report.pdf").status_code == 200
    assert admin.get(f"/reports/{campaign_id}/units/{unit_id}?lang=en").status_code == 200
    for fmt in ("csv", "xlsx", "dta"):
        assert admin.get(f"/reports/{campaign_id}/responses.{fmt}").status_code == 200, fmt
