"""The coloured verdict badge is the official verdict (rate against the target with its own inequality); the
certainty is the line under it. Same colour on the unit page, the province page, the PDF, the charts and the
public page.

Small province of tests/reports/conftest.py: unit A has 71.4 % against ≥ 90 % (not reached), unit B 5 of 6 =
83.3 % against > 80 % (reached). Both intervals hold their target, so the certainty verdict of both is "not yet
known": under the old rule both badges were grey.
"""

from __future__ import annotations

import io
import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from survey_app.models import Campaign
from survey_app.platform.extensions import db
from survey_app.reports import charts
from survey_app.reports.report import province_report

from .conftest import Province
from .test_public_results import _published

NBSP = "\u00a0"


def _badges(html: str) -> list[tuple[str, str, str]]:
    """(colour, official verdict, certainty line) of every badge of a page."""
    found = re.findall(r'<span class="badge (\w+)" data-badge="\w+">([^<]*)</span><br><span class="certainty-line">'
                       r'([^<]*)</span>', html)
    return [(key, unescape(head), unescape(tail)) for key, head, tail in found]


def test_unit_page_badge_is_the_official_verdict(admin: FlaskClient, province: Province) -> None:
    html = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").get_data(as_text=True)
    # 15 more answers: hand-computed in tests/reports/test_verdict.py (n0 = 22.73, FPC for 400 people).
    assert ("below", f"Not reached (≥{NBSP}90%)", "about 15 more answers to be sure") in _badges(html)
    assert not any(key == "not_yet_known" for key, _head, _tail in _badges(html))


def test_province_page_badges_follow_the_official_verdict(admin: FlaskClient, province: Province) -> None:
    html = admin.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    badges = _badges(html)
    assert any(key == "meets" and head == f"Reached (>{NBSP}80%)" and tail.startswith("about ")
               for key, head, tail in badges)  # unit B and the health sector
    assert any(key == "below" and head == f"Not reached (≥{NBSP}90%)" for key, head, _tail in badges)
    assert all((key == "meets") == head.startswith("Reached") for key, head, _tail in badges)


def test_public_page_badges_follow_the_official_verdict(app: Flask, province: Province) -> None:
    html = _published(app, province).get(f"/results/{province.campaign_id}?lang=vi").get_data(as_text=True)
    badges = _badges(html)
    assert ("meets", f"Đạt (>{NBSP}80{NBSP}%)") in [(k, h) for k, h, _t in badges]
    assert ("below", f"Chưa đạt (≥{NBSP}90{NBSP}%)") in [(k, h) for k, h, _t in badges]


def test_pdf_colours_the_verdict_cell_as_the_page_badge(admin: FlaskClient, province: Province) -> None:
    """The cell fill colours are the CSS badge colours #dff3e6 (reached) and #fde2e2 (not reached), written in
    PDF content streams as fractions of 255 ("0.8745 0.9529 0.902 rg")."""
    reader = PdfReader(io.BytesIO(admin.get(f"/reports/{province.campaign_id}/report.pdf?lang=en").data))
    streams = " ".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    fills = {tuple(round(float(v) * 255) for v in triple)
             for triple in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", streams)}
    assert (0xDF, 0xF3, 0xE6) in fills and (0xFD, 0xE2, 0xE2) in fills
    text = "".join(page.extract_text() for page in reader.pages)
    assert f"Reached (>{NBSP}80%)" in text or "Reached (> 80%)" in text


def test_chart_bars_take_the_official_verdict(app: Flask, province: Province) -> None:
    with app.test_request_context("/?lang=en"):
        campaign = db.session.get(Campaign, province.campaign_id)
        frame = charts.drawable(province_report(campaign).tables()["units"]).set_index("unit_id")
        assert frame.loc[province.unit_a, "verdict"] == "below"
        assert frame.loc[province.unit_b, "verdict"] == "meets"
        assert frame.loc[province.unit_c, "verdict"] == "not_yet_known"  # fewer than 5: no figure, grey
