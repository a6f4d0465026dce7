"""Reports of a campaign still collecting answers say "provisional" on screen, in the PDF and in every download;
a closed campaign's reports do not."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign
from survey_app.platform.extensions import db
from tests.reports.conftest import Province
from tests.reports.test_small_cells import pdf_text
from tests.staff import text


def _collecting_until(app: Flask, campaign_id: int, days: int, status: str = "open") -> str:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.ends_on, campaign.status = date.today() + timedelta(days=days), status
        db.session.commit()
        return campaign.ends_on.strftime("%d/%m/%Y")


def test_open_campaign_reports_are_marked_provisional(app: Flask, admin: FlaskClient, province: Province) -> None:
    last_day = _collecting_until(app, province.campaign_id, 20)
    note = f"Provisional — collection runs until {last_day}."
    base = f"/reports/{province.campaign_id}"
    assert note in text(admin.get(f"{base}/?lang=en"))
    assert note in text(admin.get(f"{base}/units/{province.unit_a}?lang=en"))
    assert note in pdf_text(admin.get(f"{base}/report.pdf?lang=en").data)
    assert note in pdf_text(admin.get(f"{base}/units/{province.unit_a}/report.pdf?lang=en").data)
    workbook = admin.get(f"{base}/report.xlsx?lang=en")
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames[0] == "Provisional" and book.active.title == "Provisional"
    assert book["Provisional"]["A1"].value == note
    assert "-provisional.xlsx" in workbook.headers["Content-Disposition"]
    table = admin.get(f"{base}/tables/units.csv?lang=en")
    assert table.status_code == 200 and "-provisional.csv" in table.headers["Content-Disposition"]
    raw = admin.get(f"{base}/responses.csv")
    assert f'filename="campaign-{province.campaign_id}-responses-provisional.csv"' in raw.headers["Content-Disposition"]


def test_closed_or_ended_campaign_reports_are_final(app: Flask, admin: FlaskClient, province: Province) -> None:
    base = f"/reports/{province.campaign_id}"
    for days, status in ((20, "closed"), (-1, "open")):
        _collecting_until(app, province.campaign_id, days, status)
        assert "Provisional" not in text(admin.get(f"{base}/?lang=en"))
        assert "Provisional" not in pdf_text(admin.get(f"{base}/report.pdf?lang=en").data)
        workbook = admin.get(f"{base}/report.xlsx?lang=en")
        assert "Provisional" not in openpyxl.load_workbook(io.BytesIO(workbook.data)).sheetnames
        assert "provisional" not in workbook.headers["Content-Disposition"]
