"""Every report and admin page, the PDF report and the chart labels write numbers and dates the reader's way.

Vietnamese: "01/07/2026" (dd/mm/yyyy, four-digit year), "82,5 %" (comma before decimals, a no-break space before
the percent sign), "1.993"; never Babel's default "1 thg 7, 2026" or an English "82.5%". English: "Jul 1, 2026",
"82.5%", "1,993". The province's fixture campaign starts on 1 July 2026 and unit A's rate is 5/7 = 71.4 %.
"""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from survey_app.collation import sort_key, sorted_by

from .conftest import Province

NBSP = "\u00a0"
#: A number directly before "%" ("82,5%", "82.5%"), or after a space that is not a no-break space.
VI_BAD_PERCENT = re.compile(r"\d%|\d \%|\d\.\d+" + NBSP + "?%")
EN_BAD_PERCENT = re.compile(r"\d[" + NBSP + r" ]%|\d,\d+%")
VI_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def _pages(province: Province) -> list[str]:
    c, a = province.campaign_id, province.unit_a
    return ["/reports/", f"/reports/{c}/", f"/reports/{c}/units/{a}", f"/reports/{c}/units/{province.unit_b}",
            "/admin/campaigns", f"/admin/campaigns/{c}", f"/admin/campaigns/{c}/progress",
            f"/admin/campaigns/{c}/planner", "/admin/units"]


def _visible_text(html: str) -> str:
    """The page without tags, scripts and attribute values (a URL or a CSS width is not a figure)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_vietnamese_pages_write_dates_and_numbers_the_vietnamese_way(admin: FlaskClient, province: Province) -> None:
    for url in _pages(province):
        response = admin.get(url, headers={"Accept-Language": "vi"})
        assert response.status_code == 200, url
        text = _visible_text(response.get_data(as_text=True))
        assert "thg" not in text, url
        assert not VI_BAD_PERCENT.findall(text), (url, VI_BAD_PERCENT.findall(text)[:3])
    campaigns = _visible_text(admin.get("/admin/campaigns", headers={"Accept-Language": "vi"}).get_data(as_text=True))
    assert "01/07/2026" in campaigns and "30/09/2026" in campaigns
    unit = _visible_text(admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}",
                                   headers={"Accept-Language": "vi"}).get_data(as_text=True))
    assert f"71,4{NBSP}%" in unit


def test_english_pages_follow_english_conventions(admin: FlaskClient, province: Province) -> None:
    for url in _pages(province):
        response = admin.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 200, url
        text = _visible_text(response.get_data(as_text=True))
        assert not EN_BAD_PERCENT.findall(text), (url, EN_BAD_PERCENT.findall(text)[:3])
        assert not VI_DATE.findall(text), url
    campaigns = _visible_text(admin.get("/admin/campaigns?lang=en").get_data(as_text=True))
    assert "Jul 1, 2026" in campaigns
    unit = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en").get_data(as_text=True)
    assert "71.4%" in unit


@pytest.mark.parametrize(("language", "rate", "bad"), [
    ("vi", "71,4 %", re.compile(r"\d%|\d\.\d+ ?%")),  # the PDF's text layer turns the no-break space into a space
    ("en", "71.4%", EN_BAD_PERCENT),
])
def test_pdf_report_writes_the_readers_numbers_and_date(admin: FlaskClient, province: Province, language: str,
                                                        rate: str, bad: re.Pattern[str]) -> None:
    pdf = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}/report.pdf?lang={language}")
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace(NBSP, " ")
    assert rate in text
    assert not bad.findall(text), bad.findall(text)[:5]
    produced = re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", text)
    assert (produced is not None) is (language == "vi")


@pytest.mark.parametrize(("language", "tick"), [("vi", re.compile(r"^\d+" + NBSP + "%$")),
                                                ("en", re.compile(r"^\d+%$"))])
def test_chart_labels_follow_the_readers_conventions(app: Flask, province: Province, language: str,
                                                     tick: re.Pattern[str]) -> None:
    from survey_app.models import Campaign
    from survey_app.platform.extensions import db
    from survey_app.reports.charts import _province_figure

    with app.test_request_context(f"/?lang={language}"):
        figure = _province_figure(db.session.get(Campaign, province.campaign_id), "units")
        figure.canvas.draw()
        labels = [t.get_text() for t in figure.axes[0].get_xticklabels() if t.get_text()]
    assert labels and all(tick.match(label) for label in labels), labels


def test_vietnamese_alphabetical_order() -> None:
    """Đ after D, ă and â after a, tones level < grave < hook < tilde < acute < dot below (CLDR Vietnamese)."""
    names = ["Trường Đức Xuân", "Trường Ân Thi", "Trường Dương Quang", "Trường An Bình", "Trường Ăn Khê",
             "Trường Bạ", "Trường Bá", "Trường Bà", "Trường Ba"]
    assert sorted_by(names, str) == ["Trường An Bình", "Trường Ăn Khê", "Trường Ân Thi", "Trường Ba", "Trường Bà",
                                     "Trường Bá", "Trường Bạ", "Trường Dương Quang", "Trường Đức Xuân"]
    assert sort_key("Đ") > sort_key("Dz") and sort_key("Đ") < sort_key("E")


def test_unit_list_is_in_vietnamese_order(admin: FlaskClient, province: Province) -> None:
    """The fixture's units "Trường Tiểu học Đức Xuân" and … sort by collation, not by code point (Đ > Z)."""
    page = admin.get(f"/reports/{province.campaign_id}/?sort=name&lang=vi").get_data(as_text=True)
    names = re.findall(r'<a href="/reports/\d+/units/\d+">([^<]+)</a>', page)
    assert names == sorted_by(names, str)
    assert names.index("Bộ phận Một cửa xã Bộc Bố") < names.index("Bộ phận Một cửa xã Nậm Mẫu")
