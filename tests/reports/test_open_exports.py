"""Exports people open (issue 14) and exports that stream (issue 15).

Workbooks carry a title row, a bold frozen header, number formats and a sheet of definitions; CSV files start
with the byte-order mark and come in the Vietnamese Excel dialect too, holding the same values; the raw
responses carry labels in the chosen language (XLSX columns, Stata value labels) and a codebook explains them;
the raw CSV and XLSX are streamed and hold the rows a whole read holds.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import openpyxl
import pandas as pd
from flask import Flask
from flask.testing import FlaskClient

import questionnaires
from survey_app.reports import exports, streamed_workbook
from tests.reports.conftest import UNIT_A_NAME, Province

TITLE_DAY = re.compile(r"\d{2}/\d{2}/\d{4}")


def book(client: FlaskClient, url: str) -> openpyxl.Workbook:
    response = client.get(url)
    assert response.status_code == 200, url
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_workbook_has_title_frozen_bold_header_formats_and_definitions(admin: FlaskClient, province: Province) -> None:
    base = f"/reports/{province.campaign_id}"
    units = book(admin, f"{base}/report.xlsx?lang=en")["Units"]
    title = units["A1"].value
    assert title.startswith("Khảo sát Quý III/2026 — Whole province — Final — made on ")  # ended 30/09/2026
    assert units["A1"].font.bold and units.freeze_panes == "A3"
    header = [cell.value for cell in units[2]]
    assert all(cell.font.bold for cell in units[2])
    row_a = next(r for r in units.iter_rows(min_row=3) if r[0].value == UNIT_A_NAME)
    rate = row_a[header.index("Satisfaction rate (%)")]
    assert (rate.value, rate.number_format) == (round(5 / 7, 3), "0.0%")  # 5 of 7 valid answers satisfied
    low = row_a[header.index("95% confidence interval, lower bound (%)")]
    assert isinstance(low.value, float) and low.number_format == "0.0%"
    assert row_a[header.index("Respondents")].value == 8 and row_a[header.index("Respondents")].number_format == "#,##0"
    assert units.column_dimensions["A"].width >= len(UNIT_A_NAME)  # the unit names fit their column
    definitions = book(admin, f"{base}/report.xlsx?lang=en")["Definitions"]
    meanings = {(r[0], r[1]): r[2] for r in definitions.iter_rows(min_row=3, values_only=True) if r[1]}
    assert "weighted" in meanings[("Units", "Satisfaction rate (%)")]
    assert "fewer than 5" in meanings[("Units", "Note")]
    words = " ".join(str(r[2]) for r in definitions.iter_rows(min_row=3, values_only=True) if r[2])
    assert "at least 90%" in words and "more than 80%" in words and "number of people it served" in words


def test_vietnamese_workbook_title_has_the_day_as_dd_mm_yyyy(admin: FlaskClient, province: Province) -> None:
    sheet = book(admin, f"/reports/{province.campaign_id}/units/{province.unit_a}/tables/summary.xlsx?lang=vi").active
    title = sheet["A1"].value
    assert UNIT_A_NAME in title and TITLE_DAY.search(title)
    assert "Definitions" not in title


def parse(text: str, separator: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel needs the byte-order mark to read UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


def as_number(cell: str, decimal: str) -> object:
    try:
        return float(cell.replace(decimal, ".")) if cell else ""
    except ValueError:
        return cell


def test_both_csv_dialects_hold_the_same_values(admin: FlaskClient, province: Province) -> None:
    for url in (f"/reports/{province.campaign_id}/tables/units.csv?lang=en",
                f"/reports/{province.campaign_id}/codebook.csv?lang=en"):
        plain = parse(admin.get(url).get_data(as_text=True), ",")
        excel_vi = parse(admin.get(url + "&dialect=semicolon").get_data(as_text=True), ";")
        assert [[as_number(c, ".") for c in row] for row in plain] == \
            [[as_number(c, ",") for c in row] for row in excel_vi]
    units = parse(admin.get(f"/reports/{province.campaign_id}/tables/units.csv?lang=en&dialect=semicolon")
                  .get_data(as_text=True), ";")
    header, row_a = units[0], next(r for r in units if r[0] == UNIT_A_NAME)
    assert row_a[header.index("Satisfaction rate (%)")] == "71,4"  # decimal comma
    raw = admin.get(f"/reports/{province.campaign_id}/responses.csv?dialect=semicolon").get_data(as_text=True)
    assert parse(raw, ";")[0][:3] == ["campaign_id", "unit_id", "unit_code"]


def test_stata_file_carries_value_labels_in_the_chosen_language(admin: FlaskClient, province: Province) -> None:
    for lang, satisfied, female in (("en", "Satisfied", "Female"), ("vi", "Hài lòng", "Nữ")):
        content = admin.get(f"/reports/{province.campaign_id}/responses.dta?lang={lang}").data
        with pd.io.stata.StataReader(io.BytesIO(content)) as reader:
            codes = reader.read(convert_categoricals=False)
            labels = reader.value_labels()
        with pd.io.stata.StataReader(io.BytesIO(content)) as reader:
            labelled = reader.read()
        assert labels["overall"][4] == satisfied and labels["overall"][1] != labels["overall"][5]
        assert labels["informal_payment"] == {1: "Yes", 0: "No"} if lang == "en" else True
        gender = next(o for o in SHIPPED_ONE_STOP.item("gender").options if o.code == "female")
        position = SHIPPED_ONE_STOP.item("gender").options.index(gender) + 1
        assert labels["gender"][position] == female
        a = labelled[labelled["unit_name"] == UNIT_A_NAME]
        assert set(a["gender"].astype(str)) == {female}
        assert sorted(codes.loc[codes["unit_name"] == UNIT_A_NAME, "overall"].dropna()) == [2, 3, 4, 4, 4, 5, 5]


SHIPPED_ONE_STOP = questionnaires.load_directory()["one_stop"]


def test_codebook_lists_every_item_with_its_codes(admin: FlaskClient, province: Province) -> None:
    sheet = book(admin, f"/reports/{province.campaign_id}/codebook.xlsx?lang=en").active
    assert sheet.freeze_panes == "A3" and sheet["A1"].value.startswith("Khảo sát Quý III/2026")
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "one_stop"]
    assert {r[1] for r in rows} == {item.id for item in SHIPPED_ONE_STOP.items}
    overall = {r[4]: r[5] for r in rows if r[1] == "overall" and r[4]}
    assert overall == {"1": "Very dissatisfied", "2": "Dissatisfied", "3": "Neither satisfied nor dissatisfied",
                       "4": "Satisfied", "5": "Very satisfied"}  # no "not applicable" on the overall question
    procedure = {r[4] for r in rows if r[1] == "procedure_kind" and r[4]}
    assert procedure == {o.code for o in SHIPPED_ONE_STOP.item("procedure_kind").options}
    waiting = {r[4] for r in rows if r[1] == "access_waiting_area" and r[4]}
    assert "na" in waiting
    vi = book(admin, f"/reports/{province.campaign_id}/codebook.xlsx?lang=vi").active
    assert any(r[5] == "Hài lòng" for r in vi.iter_rows(min_row=3, values_only=True))


def test_xlsx_responses_have_labels_beside_the_codes(admin: FlaskClient, province: Province) -> None:
    workbook = book(admin, f"/reports/{province.campaign_id}/responses.xlsx?lang=en")
    assert workbook.sheetnames == ["Raw responses", "Codebook"]
    sheet = workbook["Raw responses"]
    assert sheet.freeze_panes == "A3" and sheet["A1"].font.bold and "Whole province" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert all(c.font.bold for c in sheet[2])
    where = header.index("overall")
    assert header[where + 1] == "overall (label)"
    assert "response_id" not in header and "submission_id" not in header
    rows = list(sheet.iter_rows(min_row=3))
    pairs = {(r[where].value, r[where + 1].value) for r in rows if r[where].value is not None}
    assert (4, "Satisfied") in pairs and (2, "Dissatisfied") in pairs
    day = rows[0][header.index("submitted_on")]
    assert day.value.date().isoformat() == "2026-07-15" and day.number_format == "yyyy-mm-dd"
    vi = book(admin, f"/reports/{province.campaign_id}/responses.xlsx?lang=vi").worksheets[0]
    assert vi.cell(row=3, column=header.index("submitted_on") + 1).number_format == "dd/mm/yyyy"


def test_raw_csv_streams_and_holds_the_rows_of_a_whole_read(app: Flask, admin: FlaskClient,
                                                            province: Province) -> None:
    response = admin.get(f"/reports/{province.campaign_id}/responses.csv", buffered=False)
    assert response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)  # the header leaves before any row is read
    assert first.startswith("\ufeffcampaign_id,".encode())
    body = first + b"".join(chunks)
    response.close()
    streamed = parse(body.decode("utf-8"), ",")
    with app.test_request_context("/"):
        whole = exports.responses_csv(exports.anonymized_responses(province.campaign_id)).decode("utf-8")
    read_whole = parse(whole, ",")
    assert streamed[0] == read_whole[0]
    assert Counter(map(tuple, streamed[1:])) == Counter(map(tuple, read_whole[1:]))
    assert len(streamed) == 1 + 17
    days_units = [(r[12], int(r[1])) for r in streamed[1:]]
    assert days_units == sorted(days_units)  # by day and unit, shuffled only within them


def test_streamed_xlsx_continues_on_a_new_sheet_past_the_row_limit(admin: FlaskClient, province: Province,
                                                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(streamed_workbook, "MAX_ROWS", 10)
    response = admin.get(f"/reports/{province.campaign_id}/responses.xlsx?lang=en", buffered=False)
    assert response.is_streamed
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.response)))
    response.close()
    assert workbook.sheetnames == ["Raw responses", "Raw responses (2)", "Codebook"]
    assert [s.max_row - 2 for s in workbook.worksheets[:2]] == [10, 7]


def test_agency_users_get_no_raw_export_nor_codebook(agency: FlaskClient, province: Province) -> None:
    base = f"/reports/{province.campaign_id}"
    for url in (f"{base}/responses.csv?dialect=semicolon", f"{base}/responses.xlsx", f"{base}/codebook.csv",
                f"{base}/codebook.xlsx"):
        assert agency.get(url).status_code == 403, url
    units = agency.get(f"{base}/tables/units.csv?dialect=semicolon&lang=en").get_data(as_text=True)
    assert "Nậm Mẫu" in units and "Trung tâm Y tế" not in units
