"""Exports: PDF with correct Vietnamese, XLSX tables, raw anonymized responses as CSV, XLSX and Stata."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from flask.testing import FlaskClient

from tests.reports.conftest import A_OVERALL, UNIT_A_NAME, Province
from tests.reports.test_small_cells import pdf_text


def test_unit_pdf_has_the_vietnamese_unit_name_and_its_figures(admin: FlaskClient, province: Province) -> None:
    response = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}/report.pdf?lang=en")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert UNIT_A_NAME in text  # "Bộ phận Một cửa xã Nậm Mẫu", every diacritic intact
    assert "Khảo sát Quý III/2026" in text
    assert "71.4%" in text
    assert "Cán bộ nhiệt tình, hướng dẫn rõ ràng." in text


def test_province_pdf_lists_every_unit(admin: FlaskClient, province: Province) -> None:
    text = pdf_text(admin.get(f"/reports/{province.campaign_id}/report.pdf?lang=vi").data)
    for name in ("Nậm Mẫu", "Trung tâm Y tế huyện Ba Bể", "Trường Tiểu học Đức Xuân"):
        assert name in text


def test_xlsx_table_keeps_numbers_as_numbers(admin: FlaskClient, province: Province) -> None:
    content = admin.get(f"/reports/{province.campaign_id}/tables/sectors.xlsx?lang=en").data
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[2]]  # row 1 is the title
    one_stop = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "One-stop shop")
    rate = one_stop[header.index("Satisfaction rate (%)")]
    assert rate.value == 0.692 and rate.number_format == "0.0%"  # Excel shows 69.2%
    assert one_stop[header.index("Valid answers to the overall question")].value == 10
    assert one_stop[header.index("Respondents")].value == 11  # one answered "not applicable" to the overall question
    assert one_stop[header.index("Respondents")].number_format == "#,##0"


def raw_csv(admin: FlaskClient, province: Province) -> list[dict[str, str]]:
    text = admin.get(f"/reports/{province.campaign_id}/responses.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_raw_responses_are_anonymized(admin: FlaskClient, province: Province) -> None:
    rows = raw_csv(admin, province)
    assert len(rows) == 8 + 6 + 3
    assert "submission_id" not in rows[0] and "response_id" not in rows[0]
    assert {r["submitted_on"] for r in rows} == {"2026-07-15"}  # the day only, in the province's time zone
    a_rows = [r for r in rows if r["unit_name"] == UNIT_A_NAME]
    assert sorted(r["overall"] for r in a_rows) == sorted(str(v) if v != "na" else "" for v in A_OVERALL)
    assert {r["informal_payment"] for r in a_rows} == {"yes", "no"}


def test_raw_responses_as_xlsx_and_stata(admin: FlaskClient, province: Province) -> None:
    xlsx = admin.get(f"/reports/{province.campaign_id}/responses.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    assert sheet.max_row == 2 + 17  # title, header, the responses
    dta = admin.get(f"/reports/{province.campaign_id}/responses.dta?lang=en")
    assert dta.mimetype == "application/x-stata-dta"
    with pd.io.stata.StataReader(io.BytesIO(dta.data)) as reader:
        frame = reader.read(convert_categoricals=False)
        labels = reader.variable_labels()
    assert len(frame) == 17
    assert UNIT_A_NAME in set(frame["unit_name"])
    a = frame[frame["unit_name"] == UNIT_A_NAME]
    assert sorted(a["overall"].dropna().tolist()) == [2, 3, 4, 4, 4, 5, 5]  # rows in random order within the day
    assert sorted(a["informal_payment"].tolist()) == [0, 0, 0, 0, 0, 0, 0, 1]
    assert labels["overall"] == "Overall, how satisfied are you with the service here?"


def test_workbooks_hold_one_sheet_per_table(admin: FlaskClient, province: Province) -> None:
    province_book = openpyxl.load_workbook(io.BytesIO(
        admin.get(f"/reports/{province.campaign_id}/report.xlsx?lang=en").data))
    assert province_book.sheetnames == ["Sectors", "Units", "Areas", "Trend", "Change since last campaign",
                                        "What to fix first", "Comments by topic", "Definitions"]
    unit_book = openpyxl.load_workbook(io.BytesIO(
        admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}/report.xlsx?lang=en").data))
    assert unit_book.sheetnames == ["Overall satisfaction", "Change since last campaign", "Dimensions", "Questions",
                                    "Yes-no questions", "Trend", "Comments by topic", "Comments", "Definitions"]
    comments = [row[0] for row in unit_book["Comments"].iter_rows(min_row=3, values_only=True)]
    assert "Cán bộ nhiệt tình, hướng dẫn rõ ràng." in comments
