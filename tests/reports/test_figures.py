"""The figures of the reports are those of ``analysis.satisfaction_rates`` on the same data.

The expected numbers are computed here straight from the database with the analysis package (design weights
from the service volumes, one call per grouping), and the hand-checkable ones are written out: unit A has
5 satisfied answers out of 7 valid ones (one "not applicable" left out) = 71.4 %; the one-stop sector weights
A's answers by 400/8 = 50 and C's by 300/3 = 100, so (5·50 + 2·100) / (7·50 + 3·100) = 450/650 = 69.2 %.
"""

from __future__ import annotations

import csv
import io
import math

import pytest
from flask import Flask
from flask.testing import FlaskClient

from analysis import design_weights, read_database, satisfaction_rates, share_yes
from survey_app.platform.extensions import db
from survey_app.questionnaire_registry import registry
from tests.reports.conftest import UNIT_A_NAME, Province


def expected(app: Flask, campaign_id: int, by: str | list[str]):  # type: ignore[no-untyped-def]
    with app.app_context():
        frame = read_database(db.engine, campaign_id, registry())
    weights = design_weights(frame, "service_volume")
    # Each unit's respondents are a sample of the people it served: stratified by unit, with the FPC.
    rates = satisfaction_rates(frame, "overall", weight=weights, by=by, strata="unit_id", fpc="service_volume")
    respondents = frame.groupby(by).size().rename("respondents")
    return rates.merge(respondents, left_on=by, right_index=True)


def csv_rows(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_unit_rates_on_the_page_and_in_the_csv_equal_analysis(app: Flask, admin: FlaskClient,
                                                                province: Province) -> None:
    rates = expected(app, province.campaign_id, "unit_id").set_index("unit_id")
    a = rates.loc[province.unit_a]
    assert a["rate"] == pytest.approx(5 / 7)
    page = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").get_data(as_text=True)
    assert f"{a['rate'] * 100:.1f}%" in page
    assert f"{a['ci_low'] * 100:.1f}% – {a['ci_high'] * 100:.1f}%" in page
    rows = csv_rows(admin, f"/reports/{province.campaign_id}/tables/units.csv?lang=en")
    by_name = {row["Unit"]: row for row in rows}
    for unit_id, name in ((province.unit_a, UNIT_A_NAME), (province.unit_b, "Trung tâm Y tế huyện Ba Bể")):
        row, figures = by_name[name], rates.loc[unit_id]
        assert float(row["Satisfaction rate (%)"]) == pytest.approx(figures["rate"] * 100, abs=0.05)
        assert float(row["95% confidence interval, lower bound (%)"]) == pytest.approx(figures["ci_low"] * 100,
                                                                                         abs=0.05)
        assert float(row["95% confidence interval, upper bound (%)"]) == pytest.approx(figures["ci_high"] * 100,
                                                                                         abs=0.05)
        assert int(row["Valid answers to the overall question"]) == figures["n"]
        assert int(row["Respondents"]) == figures["respondents"]


def test_sector_and_area_rates_are_design_weighted(app: Flask, admin: FlaskClient, province: Province) -> None:
    sectors = expected(app, province.campaign_id, "sector").set_index("sector")
    assert sectors.loc["one_stop", "rate"] == pytest.approx(450 / 650)
    sector_csv = csv_rows(admin, f"/reports/{province.campaign_id}/tables/sectors.csv?lang=en")
    rows = {row["Sector"]: row for row in sector_csv}
    assert float(rows["One-stop shop"]["Satisfaction rate (%)"]) == pytest.approx(69.2)
    health = sectors.loc["health", "rate"] * 100
    assert float(rows["Health"]["Satisfaction rate (%)"]) == pytest.approx(health, abs=0.05)
    districts = expected(app, province.campaign_id, ["area", "sector"]).set_index(["area", "sector"])
    rows = csv_rows(admin, f"/reports/{province.campaign_id}/tables/areas.csv?lang=en")
    ba_be = next(r for r in rows if r["Area"] == "Ba Bể" and r["Sector"] == "One-stop shop")
    assert float(ba_be["Satisfaction rate (%)"]) == pytest.approx(districts.loc[("Ba Bể", "one_stop"), "rate"] * 100,
                                                                  abs=0.05)
    page = admin.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    assert "Weighted by the number of people each unit served." in page
    assert "69.2%" in page


def test_verdict_target_and_trend(app: Flask, admin: FlaskClient, province: Province) -> None:
    earlier = expected(app, province.earlier_id, "sector").set_index("sector")
    rows = csv_rows(admin, f"/reports/{province.campaign_id}/tables/trend.csv?lang=en")
    first = next(r for r in rows if r["Campaign"] == "Khảo sát Quý I/2026")
    assert float(first["Satisfaction rate (%)"]) == pytest.approx(earlier.loc["one_stop", "rate"] * 100, abs=0.05)
    assert first["Target (%)"] == "90.0"
    # 2 of 6 satisfied: the whole interval (7.2 % – 76.2 %) is under the 90 % target.
    assert first["Verdict"] == "Not reached (≥\u00a090%) · certain"
    current = {r["Sector"]: r for r in rows if r["Campaign"] == "Khảo sát Quý III/2026"}
    assert current["Health"]["Target (%)"] == "80.0"
    # The interval holds the target: the cell says how many more answers would settle it, by the sample-size
    # formula n0 = z² p (1 - p) deff / (p - target)², with the finite-population correction for the 9 000
    # people the sector's only unit (B) served, n = n0 / (1 + n0/9000), worked out here from the sector's figures.
    health = expected(app, province.campaign_id, "sector").set_index("sector").loc["health"]
    p, n = health["rate"], int(health["n"])
    n0 = 1.959964**2 * p * (1 - p) * (n / health["n_eff"]) / (p - 0.80) ** 2
    needed = math.ceil(n0 / (1 + n0 / 9000) - 1e-9)
    word = "Reached" if p > 0.80 else "Not reached"
    assert current["Health"]["Verdict"] == f"{word} (>\u00a080%) · about {needed - n:,} more answers to be sure"


def test_yes_no_shares_equal_analysis(app: Flask, admin: FlaskClient, province: Province) -> None:
    with app.app_context():
        frame = read_database(db.engine, province.campaign_id, registry())
    shares = share_yes(frame, "informal_payment", weight=design_weights(frame, "service_volume"), by="unit_id")
    a = shares.set_index("unit_id").loc[province.unit_a]
    assert a["rate"] == pytest.approx(1 / 8)
    rows = csv_rows(admin, f"/reports/{province.campaign_id}/units/{province.unit_a}/tables/shares.csv?lang=en")
    row = next(r for r in rows if r["Question"].startswith("Did anyone ask you for money"))
    assert float(row["Answered yes (%)"]) == pytest.approx(12.5)
    assert int(row["Answers"]) == 8


def test_units_table_sorts_on_the_server(admin: FlaskClient, province: Province) -> None:
    def order(sort: str) -> list[str]:
        page = admin.get(f"/reports/{province.campaign_id}/?lang=en&sort={sort}").get_data(as_text=True)
        section = page.split('id="t-units"')[1].split("</table>")[0]
        names = ("Nậm Mẫu", "Trung tâm Y tế", "Bộc Bố", "Đức Xuân")
        return sorted(names, key=lambda n: section.index(n))

    assert order("-rate")[:2] == ["Trung tâm Y tế", "Nậm Mẫu"]  # 83.3 % then 71.4 %; withheld units last
    assert order("rate")[:2] == ["Nậm Mẫu", "Trung tâm Y tế"]
    assert order("name") == ["Bộc Bố", "Nậm Mẫu", "Trung tâm Y tế", "Đức Xuân"]
    assert order("nonsense") == order("-rate")
