"""The report to the People's Committee: an editable DOCX in the administrative format of Nghị định 30/2020/NĐ-CP.

Figures of the small province (tests/reports/conftest.py): the one-stop sector is 69.2 % against "≥ 90 %" (not
reached), health is unit B alone, 5 of 6 = 83.3 % against "> 80 %" (reached); unit A (71.4 %) needs attention.
The document is opened with python-docx, then converted by LibreOffice (headless) to PDF, whose text is read with
pypdf and whose first page is rendered with pdftoppm (tests/reports/output/ keeps the image for a person to look
at when KEEP_RENDER is set).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.conftest import require

from .conftest import UNIT_A_NAME, Province

NBSP = "\u00a0"


def _docx(client: FlaskClient, province: Province) -> bytes:
    response = client.get(f"/reports/{province.campaign_id}/official-report.docx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    return response.data


def _all_text(document) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_has_the_parts_of_an_administrative_report(admin: FlaskClient, province: Province) -> None:
    document = Document(io.BytesIO(_docx(admin, province)))
    text = _all_text(document)
    header = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ NỘI VỤ", "Số: ……/BC-SNV"):
        assert part in header
    assert "ngày " in header and " tháng " in header and " năm 20" in header
    for part in ("BÁO CÁO", "Khảo sát Quý III/2026", "Kính gửi", "I. Mục đích và phương pháp", "II. Kết quả",
                 "Nơi nhận:", "PHỤ LỤC", "Đơn vị cần quan tâm"):
        assert part in text, part
    assert "từ 01/07/2026 đến 30/09/2026" in text
    assert f"Kết luận chính thức: 69,2{NBSP}%, chưa đạt chỉ tiêu (≥{NBSP}90{NBSP}%)." in text
    assert f"Kết luận chính thức: 83,3{NBSP}%, đạt chỉ tiêu (>{NBSP}80{NBSP}%)." in text
    assert f"– {UNIT_A_NAME}: Kết luận chính thức: 71,4{NBSP}%" in text
    assert "Bộ phận Một cửa xã Bộc Bố: Kết luận" not in text  # 3 respondents: never reported
    assert len(document.inline_shapes) == 5  # sectors, units, districts, trend, what-to-fix-first charts
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)


def test_docx_says_what_changed_what_drives_satisfaction_and_how(admin: FlaskClient, province: Province) -> None:
    """The sections built on reports.findings: change since Quý I (one-stop 33,3 % then, 2 of 6 for unit A, and
    69,2 % now), the drivers with their association-not-cause caveat, and the methods with the weighting."""
    text = _all_text(Document(io.BytesIO(_docx(admin, province))))
    change = text.split("Thay đổi so với kỳ trước", 1)[1].split("Yếu tố tác động đến sự hài lòng", 1)[0]
    assert f"33,3{NBSP}%" in change and f"69,2{NBSP}%" in change and "Khảo sát Quý I/2026" in change
    drivers = text.split("Yếu tố tác động đến sự hài lòng", 1)[1].split("Đơn vị cần quan tâm", 1)[0]
    assert "không phải bằng chứng rằng cải thiện một yếu tố sẽ làm tăng sự hài lòng" in drivers
    appendix = text.split("PHỤ LỤC", 1)[1]
    assert "Phương pháp" in appendix
    assert "trọng số" in appendix.split("Phương pháp", 1)[1]


def test_only_the_province_makes_the_report(agency: FlaskClient, province: Province) -> None:
    assert agency.get(f"/reports/{province.campaign_id}/official-report.docx").status_code == 403


def test_libreoffice_opens_it_and_renders_every_letter(admin: FlaskClient, province: Province,
                                                       tmp_path: Path) -> None:
    require(shutil.which("soffice") is not None and shutil.which("pdftoppm") is not None,
            "LibreOffice (soffice) and poppler-utils are needed to render the DOCX")
    source = tmp_path / "report.docx"
    source.write_bytes(_docx(admin, province))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "report.pdf"
    reader = PdfReader(pdf)
    first = reader.pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert len(reader.pages) >= 3  # the body, then the appendix from a new page
    rendered = " ".join(page.extract_text() for page in reader.pages)
    for heading in ("Thay đổi so với kỳ trước", "Yếu tố tác động đến sự hài lòng", "Phương pháp"):
        assert heading in rendered, heading
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "TimesNewRoman" in fonts.replace(" ", "") or "LiberationSerif" in fonts
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    image = next(tmp_path.glob("page*.png"))
    assert image.stat().st_size > 10_000
    if os.environ.get("KEEP_RENDER"):
        shutil.copy(image, os.environ["KEEP_RENDER"])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_report_is_vietnamese_whatever_the_page_language(admin: FlaskClient, province: Province,
                                                             language: str) -> None:
    response = admin.get(f"/reports/{province.campaign_id}/official-report.docx?lang={language}")
    assert "CỘNG HÒA" in _all_text(Document(io.BytesIO(response.data)))
    page = admin.get(f"/reports/{province.campaign_id}/?lang={language}").get_data(as_text=True)
    assert f"/reports/{province.campaign_id}/official-report.docx" in page


def test_a_campaign_without_areas_still_makes_its_report(app, admin: FlaskClient,  # type: ignore[no-untyped-def]
                                                         province: Province) -> None:
    """Since the 2025 reform a province's units may have no grouping at all: no areas table, and still a report."""
    from survey_app.models import CampaignUnit
    from survey_app.platform.extensions import db

    with app.app_context():
        db.session.execute(db.update(CampaignUnit).where(CampaignUnit.campaign_id == province.campaign_id)
                           .values(area=""))
        db.session.commit()
    document = Document(io.BytesIO(_docx(admin, province)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _all_text(document)


def test_docx_gives_the_ministries_indices(admin: FlaskClient, province: Province) -> None:
    """Unit B (health, 6 respondents, every care answer a 4): the Ministry of Health's overall and comprehensive
    satisfaction are 100 % (worked by hand). Unit A answered only two of the five SIPAS elements, so it has no
    SIPAS index and is not listed; unit C (3 respondents) never is."""
    document = Document(io.BytesIO(_docx(admin, province)))
    text = _all_text(document)
    assert "Các chỉ số chính thức" in text and "QĐ 3869/QĐ-BYT" in text
    indices = next(t for t in document.tables if [c.text for c in t.rows[0].cells][2:3] == ["Chỉ số SIPAS"])
    rows = [[cell.text for cell in row.cells] for row in indices.rows[1:]]
    assert rows == [["Trung tâm Y tế huyện Ba Bể", rows[0][1], "", f"100,0{NBSP}%", f"100,0{NBSP}%", "6"]]
