"""The design behind the report figures: units without a usable volume, change since the last campaign, and
the "what to fix first" table.

Numbers worked out by hand from the fixture (tests/reports/conftest.py).
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app.models import CampaignUnit
from survey_app.platform.extensions import db
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
    assert "no respondent is in the census categories male of gender" in page
    assert "have a population share" not in page  # the library's English message stays in the logs
    assert "69.2%" in page
    vietnamese = admin.get(f"/reports/{province.campaign_id}/?lang=vi").get_data(as_text=True)
    assert "không có người trả lời nào thuộc nhóm male của gender" in vietnamese
    assert "no respondent" not in vietnamese
    refused = _set_margins(runner, tmp_path, province.campaign_id, "gender: {female: 0.5, male: 0.4}\n")
    assert refused.exit_code != 0 and "shares sum to 0.9" in refused.output
    assert _set_margins(runner, tmp_path, province.campaign_id, "gender: {female: 1}\n", source=" ").exit_code != 0


R_CHANGE = r"""
suppressMessages(library(survey))
rate <- function(name) {
  d <- read.csv(paste0(name, ".csv"))
  design <- svydesign(ids = ~1, strata = ~stratum, fpc = ~stratum_size, weights = ~weight, data = d)
  est <- svyby(~sat, ~unit_id, design, svymean, na.rm = TRUE)
  row <- est[est$unit_id == UNIT, ]
  c(rate = row$sat, se = SE(est)[est$unit_id == UNIT])
}
a <- rate("earlier"); b <- rate("later")
se <- sqrt(a[["se"]]^2 + b[["se"]]^2)
write.csv(data.frame(earlier = a[["rate"]], later = b[["rate"]], change = b[["rate"]] - a[["rate"]], se = se),
          "change.csv", row.names = FALSE)
"""


def test_a_units_change_since_its_last_campaign_equals_r(app: Flask, admin: FlaskClient, province: Province,
                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    from survey_app.models import Campaign
    from survey_app.reports.dataset import STRATUM, STRATUM_SIZE, WEIGHT, campaign_data
    from survey_app.reports.findings import unit_change_table
    from tests.analysis.conftest import run_r

    with app.test_request_context("/?lang=en"):
        for name, campaign_id in (("earlier", province.earlier_id), ("later", province.campaign_id)):
            frame = campaign_data(campaign_id).frame
            overall = pd.to_numeric(frame["overall"], errors="coerce")
            sat = overall.isin([4, 5]).astype(float).where(overall.between(1, 5))
            pd.DataFrame({"unit_id": frame["unit_id"], "stratum": frame[STRATUM], "stratum_size": frame[STRATUM_SIZE],
                          "weight": frame[WEIGHT], "sat": sat}).to_csv(tmp_path / f"{name}.csv", index=False)
        ours = unit_change_table(db.session.get(Campaign, province.campaign_id), province.unit_a).frame.iloc[0]
    run_r(R_CHANGE.replace("UNIT", str(province.unit_a)), tmp_path)
    r = pd.read_csv(tmp_path / "change.csv").iloc[0]
    # Unit A: 2 of 6 satisfied in the earlier campaign, 5 of 7 valid answers now.
    assert r["earlier"] == pytest.approx(2 / 6) and r["later"] == pytest.approx(5 / 7)
    assert ours["rate_earlier"] == pytest.approx(r["earlier"], abs=1e-12)
    assert ours["change"] == pytest.approx(r["change"], abs=1e-12)
    assert ours["se"] == pytest.approx(r["se"], rel=1e-9)
    assert ours["ci_low"] == pytest.approx(r["change"] - 1.959963984540054 * r["se"], abs=1e-9)
    page = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").get_data(as_text=True)
    section = page.split('id="h-change"')[1].split("</section>")[0]
    assert "Khảo sát Quý I/2026" in section and ours["verdict"] in ("improved", "no_clear_change")
    assert {"improved": "Improved", "no_clear_change": "No clear change"}[ours["verdict"]] in section
    # Unit B was not in the earlier campaign: no change section at all.
    page_b = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_b}?lang=en").get_data(as_text=True)
    assert 'id="h-change"' not in page_b


def test_the_whole_provinces_change_is_in_the_change_table(admin: FlaskClient, province: Province) -> None:
    rows = {r["Sector"]: r for r in _csv(admin, f"/reports/{province.campaign_id}/tables/change.csv?lang=en")}
    whole = rows["Whole province"]
    # Earlier: unit A alone, 2 of 6 (33.3 %). Now all units weighted by volume; health's 9 000 people dominate.
    assert float(whole["Previous campaign (%)"]) == pytest.approx(33.3)
    assert whole["Verdict"] in ("Improved", "No clear change", "Worse")
    # One-stop 450 of 650 weighted (see above) and health 5 of 6 of its 9 000 people: 7 950 / 9 650.
    assert float(whole["This campaign (%)"]) == pytest.approx(100 * 7950 / 9650, abs=0.051)
