"""The "what to fix first" chart: served as an image beside its table, ranked as the table, with its caveat.

The campaign has 200 one-stop answers drawn so that the staff element goes with overall satisfaction most
strongly, then results, the others barely (seeded, so the ranking is fixed).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Campaign, CampaignUnit, Unit
from survey_app.platform.extensions import db
from survey_app.reports.charts import _province_figure
from tests.reports.conftest import _response

ELEMENT_ITEMS = {"access": ("access_waiting_area", "access_equipment"),
                 "procedures": ("procedures_posted", "procedures_papers", "procedures_fees"),
                 "staff": ("staff_polite", "staff_explain", "staff_rules"),
                 "results": ("results_correct", "results_time"),
                 "feedback": ("feedback_channels", "feedback_handling")}
EFFECTS = {"access": 0.1, "procedures": 0.0, "staff": 1.4, "results": 0.7, "feedback": 0.2}


@pytest.fixture
def modelled(app: Flask) -> int:
    rng = np.random.default_rng(20261201)
    with app.app_context():
        unit = Unit(code="MC-DRIVERS", name="Bộ phận Một cửa xã Thử", sector="one_stop", level="commune",
                    area="Ba Bể")
        campaign = Campaign(name="Khảo sát Quý IV/2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31),
                            status="open")
        campaign.units.append(CampaignUnit(unit=unit, questionnaire_id="one_stop", service_volume=5000))
        db.session.add_all([unit, campaign])
        db.session.flush()
        for _ in range(200):
            levels = {e: int(rng.integers(1, 6)) for e in ELEMENT_ITEMS}
            answers: dict[str, object] = {}
            for element, items in ELEMENT_ITEMS.items():
                for item in items:
                    answers[item] = int(np.clip(levels[element] + rng.integers(-1, 2), 1, 5))
            logit = -5.3 + sum(EFFECTS[e] * levels[e] for e in ELEMENT_ITEMS)
            satisfied = rng.random() < 1 / (1 + np.exp(-logit))
            answers["overall"] = int(rng.choice([4, 5])) if satisfied else int(rng.choice([1, 2, 3]))
            db.session.add(_response(campaign.id, unit, "one_stop", answers))
        db.session.commit()
        return campaign.id


def test_drivers_chart_is_served_beside_its_table_ranked_as_the_table(app: Flask, admin: FlaskClient,
                                                                      modelled: int) -> None:
    page = admin.get(f"/reports/{modelled}/?lang=en").get_data(as_text=True)
    tag = page.split(f'<img src="/reports/{modelled}/chart/drivers.png')[1].split(">")[0]
    assert "what to fix first" not in tag.lower() and 'aria-describedby="t-drivers"' in tag
    assert 'alt="Chart of how strongly each element' in tag
    image = admin.get(f"/reports/{modelled}/chart/drivers.png?lang=en")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG\r\n\x1a\n")
    response = admin.get(f"/reports/{modelled}/tables/drivers.csv?lang=en")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["Element"] for r in rows][:2] == ["Staff", "Results"]  # the simulated effects, strongest first
    assert [int(r["Order"]) for r in rows] == [1, 2, 3, 4, 5]
    with app.test_request_context("/?lang=en"):
        figure = _province_figure(db.session.get(Campaign, modelled), "drivers")
    axes = figure.axes[0]
    labels = [t.get_text() for t in sorted(axes.get_yticklabels(), key=lambda t: -t.get_position()[1])]
    assert labels == [f"One-stop shop – {r['Element']}" for r in rows]  # top to bottom as the table
    points = axes.collections[-1].get_offsets()
    by_height = [float(x) for x, _y in sorted(np.asarray(points), key=lambda p: -p[1])]
    assert by_height == pytest.approx([float(r["Odds of being satisfied, per point more"]) for r in rows],
                                      abs=0.006)
    assert "not a cause" in figure._supxlabel.get_text()


def test_drivers_chart_speaks_vietnamese(app: Flask, admin: FlaskClient, modelled: int) -> None:
    with app.test_request_context("/?lang=vi"):
        figure = _province_figure(db.session.get(Campaign, modelled), "drivers")
    ticks = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)  # "1,5", never "1.5"
    assert "Odds" not in figure.axes[0].get_xlabel()
