"""The design behind the report figures: units without a usable volume, change since the last campaign, and
the "what to fix first" table.

Numbers worked out by hand from the fixture (tests/reports/conftest.py).
"""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import CampaignUnit
from tests.reports.conftest import UNIT_A_NAME, Province


def _csv(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_unit_with_volume_zero_is_noted_and_left_out_of_the_weighted_totals(
        app: Flask, admin: FlaskClient, province: Province) -> None:
    with app.app_context():
        link = db.session.scalars(select(CampaignUnit).filter_by(campaign_id=province.campaign_id,
                                                                 unit_id=province.unit_a)).one()
        link.service_volume = 0
        db.session.commit()
    page = admin.get(f"/reports/{province.campaign_id}/?lang=en")
    assert page.status_code == 200
    assert "No usable service volume for this unit" in page.get_data(as_text=True)
    units = {r["Unit"]: r for r in _csv(admin, f"/reports/{province.campaign_id}/tables/units.csv?lang=en")}
    assert units[UNIT_A_NAME]["Satisfaction rate (%)"] == ""
    # One-stop is now unit C alone (3 respondents, 2 of 3 satisfied): fewer than 5, so withheld.
    sectors = {r["Sector"]: r for r in _csv(admin, f"/reports/{province.campaign_id}/tables/sectors.csv?lang=en")}
    assert sectors["One-stop shop"]["Satisfaction rate (%)"] == ""
    assert admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").status_code == 200
    assert admin.get(f"/reports/{province.campaign_id}/report.pdf?lang=en").status_code == 200


def test_change_since_the_previous_campaign(admin: FlaskClient, province: Province) -> None:
    rows = {r["Sector"]: r for r in _csv(admin, f"/reports/{province.campaign_id}/tables/change.csv?lang=en")}
    one_stop = rows["One-stop shop"]
    # Earlier: unit A alone, 2 of 6 satisfied (33.3 %); now 450/650 = 69.2 % (see test_figures).
    assert float(one_stop["Previous campaign (%)"]) == pytest.approx(33.3)
    assert float(one_stop["This campaign (%)"]) == pytest.approx(69.2)
    assert float(one_stop["Change (percentage points)"]) == pytest.approx(100 * (450 / 650 - 2 / 6), abs=0.01)
    assert one_stop["Verdict"] in ("Improved", "No clear change")
    assert rows["Health"]["Verdict"] == "Not comparable"  # not surveyed in the earlier campaign


def test_what_to_fix_first_says_why_there_is_no_model_on_few_answers(admin: FlaskClient,
                                                                     province: Province) -> None:
    page = admin.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    assert "What to fix first" in page
    assert "not proof that improving an element would raise satisfaction" in page
    assert "Too few answers to tell which element matters most." in page


def _set_margins(runner, tmp_path, campaign_id: int, margins: str, source: str = "Census 2019, table 1.3"):  # type: ignore[no-untyped-def]
    path = tmp_path / "census.yaml"
    path.write_text(margins, encoding="utf-8")
    return runner.invoke(args=["margins", "set", str(campaign_id), str(path), "--source", source])


def test_reports_are_raked_to_the_census_margins_with_the_source_cited(app: Flask, runner, admin: FlaskClient,  # type: ignore[no-untyped-def]
                                                                      province: Province, tmp_path) -> None:
    # Only one-stop respondents state a gender (all "female"); health's form does not ask it. Their "not stated"
    # share is estimated from the design weights, so a margin of 100 % women among those who state it leaves the
    # weights as they are: the raked rates equal the design-weighted ones (one-stop 450/650 = 69.2 %).
    done = _set_margins(runner, tmp_path, province.campaign_id, "gender: {female: 1.0}\n")
    assert done.exit_code == 0, done.output
    page = admin.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    assert "raked to the census shares of gender (source: Census 2019, table 1.3)" in page
    assert "Methods: design-weighted and raked rates" in page
    rows = {r["Sector"]: r for r in _csv(admin, f"/reports/{province.campaign_id}/tables/methods.csv?lang=en")}
    assert float(rows["One-stop shop"]["Weighted by units' volumes (%)"]) == pytest.approx(69.2)
    assert float(rows["One-stop shop"]["Also raked to the census (%)"]) == pytest.approx(69.2)


def test_impossible_margins_leave_the_reports_design_weighted_and_say_why(runner, admin: FlaskClient,  # type: ignore[no-untyped-def]
                                                                          province: Province, tmp_path) -> None:
    done = _set_margins(runner, tmp_path, province.campaign_id, "gender: {female: 0.5, male: 0.5}\n")
    assert done.exit_code == 0
    page = admin.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    assert "could not be used, so the figures are weighted by units" in page
    assert "have a population share but no respondent" in page
    assert "69.2%" in page
    refused = _set_margins(runner, tmp_path, province.campaign_id, "gender: {female: 0.5, male: 0.4}\n")
    assert refused.exit_code != 0 and "shares sum to 0.9" in refused.output
    assert _set_margins(runner, tmp_path, province.campaign_id, "gender: {female: 1}\n", source=" ").exit_code != 0
