"""No figure, chart bar or comment of a group of fewer than 5 respondents, on the page or in any export.

Unit C has 3 respondents (satisfied 2 of 3: 66.7 %) and one comment; none of that may appear anywhere.
"""

from __future__ import annotations

import csv
import io

import openpyxl
from flask.testing import FlaskClient

from tests.conftest import require
from tests.reports.conftest import UNIT_C_COMMENT, Province

C_RATE_TEXTS = ("66.7", "66,7")
NOT_SHOWN = "Fewer than 5 respondents: not shown"


def pdf_text(content: bytes) -> str:
    try:
        import pypdf
    except ModuleNotFoundError:
        require(False, "pypdf is not installed (pip install pypdf)")
        raise
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_unit_page_of_a_small_unit_shows_no_figure_and_no_comment(admin: FlaskClient, province: Province) -> None:
    page = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_c}?lang=en").get_data(as_text=True)
    assert "This unit has fewer than 5 respondents, so no figure and no comment is shown yet." in page
    assert "Comments are shown once the unit has at least 5 respondents." in page
    assert UNIT_C_COMMENT not in page
    assert not any(text in page for text in C_RATE_TEXTS)
    assert NOT_SHOWN in page


def test_campaign_page_withholds_the_small_unit_and_district(admin: FlaskClient, province: Province) -> None:
    page = admin.get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    units = page.split('id="t-units"')[1].split("</table>")[0]
    row_c = next(row for row in units.split("<tr>") if "Bộc Bố" in row)
    assert NOT_SHOWN in row_c
    assert "%" not in row_c  # no rate, no interval, no target shown either
    assert ">3<" not in row_c  # not even the number of respondents
    districts = page.split('id="t-areas"')[1].split("</table>")[0]
    pac_nam = next(row for row in districts.split("<tr>") if "Pác Nặm" in row and "One-stop" in row)
    assert NOT_SHOWN in pac_nam and "%" not in pac_nam


def test_csv_and_xlsx_exports_withhold_the_small_unit(admin: FlaskClient, province: Province) -> None:
    response = admin.get(f"/reports/{province.campaign_id}/tables/units.csv?lang=en")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row_c = next(r for r in rows if "Bộc Bố" in r["Unit"])
    assert row_c["Note"] == NOT_SHOWN
    figures = ("Satisfaction rate (%)", "95% confidence interval, lower bound (%)", "Respondents", "Rank in sector")
    for header in figures:
        assert row_c[header] == "", header
    workbook = openpyxl.load_workbook(io.BytesIO(
        admin.get(f"/reports/{province.campaign_id}/tables/units.xlsx?lang=en").data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[2]]  # under the title row
    c_row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if "Bộc Bố" in r[0])
    assert c_row[header.index("Satisfaction rate (%)")] is None
    assert c_row[header.index("Respondents")] is None
    assert c_row[header.index("Note")] == NOT_SHOWN


def test_unit_exports_of_a_small_unit_hold_no_figure_and_no_comment(admin: FlaskClient, province: Province) -> None:
    base = f"/reports/{province.campaign_id}/units/{province.unit_c}"
    for name in ("summary", "dimensions", "items", "shares", "trend"):
        text = admin.get(f"{base}/tables/{name}.csv?lang=en").get_data(as_text=True)
        assert not any(rate in text for rate in C_RATE_TEXTS), name
    comments = admin.get(f"{base}/tables/comments.csv?lang=en").get_data(as_text=True)
    assert UNIT_C_COMMENT not in comments
    text = pdf_text(admin.get(f"{base}/report.pdf?lang=en").data)
    assert UNIT_C_COMMENT not in text
    assert not any(rate in text for rate in C_RATE_TEXTS)
    assert "Comments are shown once the unit has at least 5 respondents." in text


def test_province_pdf_and_raw_responses_withhold_the_small_unit(admin: FlaskClient, province: Province) -> None:
    text = pdf_text(admin.get(f"/reports/{province.campaign_id}/report.pdf?lang=en").data)
    assert "Bộc Bố" in text
    assert not any(rate in text for rate in C_RATE_TEXTS)
    raw = admin.get(f"/reports/{province.campaign_id}/responses.csv").get_data(as_text=True)
    assert UNIT_C_COMMENT not in raw
    assert "Cán bộ nhiệt tình" in raw  # unit A's comments (8 respondents) stay
