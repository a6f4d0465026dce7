"""A unit's result in plain words: the official verdict on the rate, the certainty, the comparisons.

Figures of the small province (tests/reports/conftest.py), worked out by hand:
unit A (one-stop, target ≥ 90 %, 400 served) has 5 satisfied of 7 valid answers = 71.4 %; the one-stop sector
is (5·50 + 2·100) / (7·50 + 3·100) = 69.2 %; the province adds unit B (health, 5 of 6, weight 9000/6 = 1500):
(250 + 7500 + 200) / (350 + 9000 + 300) = 7950/9650 = 82.4 %; in the earlier campaign A had 2 of 6 = 33.3 %.
A's interval holds 90 %, so the page says how many more answers would settle it: with p = 5/7 and the margin
0.9 − p, n0 = 1.959964² p (1 − p) / (0.9 − p)² = 22.73, with the finite-population correction for 400 people
n = n0 / (1 + n0/400) = 21.5, so 22 answers, 15 more than the 7 counted.
"""

from __future__ import annotations

import math

import pytest
from flask import Flask
from flask.testing import FlaskClient

from analysis import additional_respondents
from survey_app.reports import tables, verdict
from survey_app.reports.dataset import campaign_data
from survey_app.reports.standing import row_standing
from survey_app.reports.verdict import Standing

from .conftest import Province


def test_more_answers_needed_follows_the_sample_size_formula() -> None:
    p = 5 / 7
    n0 = 1.959964**2 * p * (1 - p) / (0.9 - p) ** 2
    assert additional_respondents(p, 0.9, n=7, volume=400) == math.ceil(n0 / (1 + n0 / 400)) - 7 == 15
    assert additional_respondents(p, 0.9, n=7) == math.ceil(n0) - 7
    # A design effect of 2 (n_eff half of n) doubles the answers needed before the correction.
    doubled = math.ceil(2 * 1.959964**2 * 0.85 * 0.15 / 0.05**2)
    assert additional_respondents(0.85, 0.9, n=100, n_eff=50) == doubled - 100
    assert additional_respondents(0.8, 0.8, n=50) is None


def test_unit_page_says_the_verdict_and_certainty_in_english(admin: FlaskClient, province: Province) -> None:
    page = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").get_data(as_text=True)
    assert "Official verdict: 71.4%, the target (≥\u00a090%) is not reached." in page
    assert "With 95% certainty the true rate lies between " in page
    assert ": to be sure whether the target is reached, this office needs about 15 more answers." in page
    assert "2.2 points above the average of the One-stop shop sector (69.2%)." in page
    assert "11.0 points below the province as a whole (82.4%)." in page
    assert "Up 38.1 points since Khảo sát Quý I/2026 (33.3%)." in page
    assert "How to read the verdicts" in page
    assert "Not yet known" not in page


def test_unit_page_says_the_verdict_in_vietnamese(admin: FlaskClient, province: Province) -> None:
    page = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=vi").get_data(as_text=True)
    assert "Kết luận chính thức: 71,4\u00a0%, chưa đạt chỉ tiêu (≥\u00a090\u00a0%)." in page
    assert "Với độ tin cậy 95\u00a0%, tỷ lệ thực nằm trong khoảng từ " in page
    assert "để chắc chắn có đạt chỉ tiêu hay không, bộ phận này cần thêm khoảng 15 ý kiến." in page
    assert "Thấp hơn 11,0 điểm so với toàn tỉnh (82,4\u00a0%)." in page


@pytest.mark.parametrize(("standing", "sentence"), [
    (Standing(0.95, 0.91, 0.98, 0.9, "at_least", 200, "meets"),
     "With 95% certainty the true rate lies between 91.0% and 98.0%: the target is reached beyond doubt."),
    (Standing(0.6, 0.5, 0.7, 0.8, "above", 90, "below"),
     "With 95% certainty the true rate lies between 50.0% and 70.0%: the target is missed beyond doubt."),
    (Standing(0.8, 0.7, 0.88, 0.8, "above", 90, "not_yet_known", more_needed=None, sector="health"),
     "With 95% certainty the true rate lies between 70.0% and 88.0%: the rate sits exactly on the target, so no "
     "number of answers can settle it."),
    (Standing(0.82, 0.76, 0.87, 0.8, "above", 90, "not_yet_known", more_needed=1_993, sector="health",
              served=50_000),
     "With 95% certainty the true rate lies between 76.0% and 87.0%: to be sure whether the target is reached, "
     "this health facility needs about 1,993 more answers."),
    (Standing(0.802, 0.78, 0.82, 0.8, "above", 1_500, "not_yet_known", more_needed=151_005, sector="health"),
     "With 95% certainty the true rate lies between 78.0% and 82.0%: the rate is so close to the target that the "
     "current sample cannot settle whether it is reached; only asking a large part of everyone served could."),
    (Standing(None, None, None, 0.8, "above", 3, "not_yet_known"),
     "A rate is shown once at least 5 people have answered; 3 have so far."),
])
def test_certainty_never_stops_at_not_yet_known(app: Flask, standing: Standing, sentence: str) -> None:
    with app.test_request_context("/?lang=en"):
        assert verdict.certainty(standing) == sentence


def test_official_verdict_uses_the_targets_own_inequality(app: Flask) -> None:
    """At exactly 80 % a "> 80 %" target is not reached, a "≥ 80 %" one is."""
    with app.test_request_context("/?lang=en"):
        above = Standing(0.8, 0.7, 0.9, 0.8, "above", 50, "not_yet_known", more_needed=None)
        at_least = Standing(0.8, 0.7, 0.9, 0.8, "at_least", 50, "not_yet_known", more_needed=None)
        assert verdict.official(above) == "Official verdict: 80.0%, the target (>\u00a080%) is not reached."
        assert verdict.official(at_least) == "Official verdict: 80.0%, the target (≥\u00a080%) is reached."


def _sector_row(rate: float, n: int, volume: float | None) -> dict[str, object]:
    return {"sector": "health", "target": 0.8, "rate": rate, "ci_low": rate - 0.03, "ci_high": rate + 0.03,
            "n": n, "n_eff": float(n),
            "service_volume": volume, "verdict": "not_yet_known", "withheld": None}


def test_sector_answers_needed_use_the_sectors_service_volume(app: Flask) -> None:
    """Rate 85 %, target 80 %, 100 answers, 1 000 people served by the sector's units:
    n0 = 1.959964² · 0.85 · 0.15 / 0.05² = 195.91; n = 195.91 / (1 + 195.91/1000) = 163.8 -> 164, so 64 more
    (without the correction it would be 196 - 100 = 96)."""
    with app.test_request_context("/?lang=en"):
        standing = row_standing(_sector_row(0.85, 100, 1000.0))
        assert standing is not None and standing.served == 1000
        assert standing.more_needed == 64
        assert "to be sure whether the target is reached, the sector needs about 64 more answers." in (
            verdict.certainty(standing))


def test_a_sector_too_close_to_its_target_is_said_unsettled_not_numbered(app: Flask) -> None:
    """Rate 80.2 % against > 80 % with 1 500 answers and 20 000 people served: n0 = 1.959964² · 0.802 · 0.198 /
    0.002² = 152 504, with the correction n = 152 504 / (1 + 152 504/20 000) = 17 682, i.e. 88 % of everyone
    served; the page says the sample cannot settle it rather than "about 16 182 more answers"."""
    n0 = 1.959964**2 * 0.802 * 0.198 / 0.002**2
    assert math.ceil(n0 / (1 + n0 / 20_000)) == 17_682
    with app.test_request_context("/?lang=en"):
        standing = row_standing(_sector_row(0.802, 1_500, 20_000.0))
        assert standing is not None and standing.more_needed == 17_682 - 1_500
        sentence = verdict.certainty(standing)
        assert "the current sample cannot settle whether it is reached" in sentence
        assert "16,182" not in sentence
        assert verdict.short(standing) == "Reached (> 80%) · too close to the target to settle"
        unknown = row_standing(_sector_row(0.802, 1_500, None))  # no volume: bound at ten times the answers
        assert unknown is not None and unknown.served is None and unknown.more_needed == math.ceil(n0) - 1_500
        assert "cannot settle" in verdict.certainty(unknown)
    with app.test_request_context("/?lang=vi"):
        assert "khoảng" not in verdict.certainty(standing).split(":")[-1]


def test_sector_tables_carry_the_sectors_service_volume(app: Flask, province: Province) -> None:
    """One-stop: units A (400) and C (300) = 700; health: B = 9 000; per area Ba Bể one-stop = A's 400."""
    with app.app_context():
        data = campaign_data(province.campaign_id)
        sectors = tables.sector_rates(data).set_index("sector")["service_volume"].to_dict()
        assert sectors == {"education": 900, "health": 9000, "one_stop": 700}
        areas = tables.area_rates(data).set_index(["area", "sector"])["service_volume"].to_dict()
        assert areas[("Ba Bể", "one_stop")] == 400 and areas[("Pác Nặm", "one_stop")] == 300


def test_unit_is_compared_with_its_sector_at_its_level(app: Flask, admin: FlaskClient, province: Province) -> None:
    """Two more answers (both 5) give unit C (commune one-stop, 300 served) 4 satisfied of 5, weight 300/5 = 60;
    A has 5 of 7 valid at weight 400/8 = 50. The commune one-stop units: (250 + 240) / (350 + 300) = 75.4 %,
    so A (71.4 %) is 4.0 points below them. With only A having figures the sector sentence stays."""
    url = f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en"
    assert "the average of the One-stop shop sector" in admin.get(url).get_data(as_text=True)
    with app.app_context():
        from survey_app.models import Unit
        from survey_app.platform.extensions import db

        from .conftest import add_responses
        add_responses(province.campaign_id, db.session.get(Unit, province.unit_c), "one_stop", (5, 5))
        db.session.commit()
    page = admin.get(url).get_data(as_text=True)
    assert "4.0 points below the average of One-stop shop units at the level Cấp xã (75.4%)." in page
    assert "the average of the One-stop shop sector" not in page
