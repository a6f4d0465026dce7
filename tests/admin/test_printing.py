"""Posters (PDF and SVG) and receipt-code sheets: the QR codes really decode to the unit's survey address.

The PDF is rendered with Ghostscript and its QR codes read with zbarimg, as a phone would read the printed
page; its text is extracted with Ghostscript's txtwrite device. The SVG's QR drawing is compared with segno's
encoding of the expected address.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app.models import CampaignUnit, ReceiptCode
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.conftest import require
from tests.staff import post, text

SVG = "{http://www.w3.org/2000/svg}"


def _tools() -> None:
    require(shutil.which("gs") is not None, "Ghostscript (gs) is not installed: apt-get install ghostscript")
    require(shutil.which("zbarimg") is not None, "zbarimg is not installed: apt-get install zbar-tools")


def qr_contents(pdf: bytes, folder: Path) -> list[str]:
    """Every QR code on every page, read from a 300 dpi rendering (a print resolution)."""
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r300",
                    "-o", str(folder / "page-%d.png"), str(folder / "in.pdf")], check=True)
    found: list[str] = []
    for page in sorted(folder.glob("page-*.png")):
        result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
                                capture_output=True, text=True, check=False)
        found += result.stdout.splitlines()
    return found


def pdf_text(pdf: bytes, folder: Path) -> str:
    (folder / "text.pdf").write_bytes(pdf)
    result = subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=txtwrite", "-o", "-",
                             str(folder / "text.pdf")], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def test_poster_pdf_carries_the_unit_address(admin_client: FlaskClient, world: World, tmp_path: Path) -> None:
    _tools()
    response = admin_client.get(f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    url = f"http://localhost/s/{world.token_a}"
    assert qr_contents(pdf, tmp_path) == [url]
    words = pdf_text(pdf, tmp_path)
    assert url in words
    assert "Bộ phận Một cửa thử nghiệm" in words  # Vietnamese diacritics survive (embedded DejaVu Sans)
    assert "Khảo sát Quý thử" not in words  # the link outlives the campaign: no name that expires
    assert world.kiosk_a not in words and world.kiosk_a.encode() not in pdf  # the kiosk link is never printed
    assert f"/URI ({url})".encode() in pdf  # the printed address is also a link in the PDF


def test_poster_svg_draws_the_unit_address(admin_client: FlaskClient, world: World) -> None:
    response = admin_client.get(f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/poster.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data())
    assert (root.get("width"), root.get("height")) == ("210mm", "297mm")
    url = f"http://localhost/s/{world.token_a}"
    drawn = root.find(f"{SVG}svg/{SVG}path")
    assert drawn is not None
    expected = ET.fromstring(segno.make(url, error="m", micro=False).svg_inline(omitsize=True, border=4))
    assert drawn.get("d") == expected.find("path").get("d")  # type: ignore[union-attr]
    texts = ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert url in texts and "Bộ phận Một cửa thử nghiệm" in texts


def test_poster_languages_are_the_units_then_vietnamese(app: Flask) -> None:
    from survey_app.admin.printing import poster_languages

    with app.test_request_context():
        assert poster_languages("en") == ["en", "vi"]
        assert poster_languages("vi") == ["vi"]
        assert poster_languages("xx") == ["vi"]


def _codes(app: Flask, link_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ReceiptCode.code).where(ReceiptCode.campaign_unit_id == link_id)))


def test_receipt_codes_are_created_unique_and_printed(app: Flask, admin_client: FlaskClient, world: World,
                                                      tmp_path: Path) -> None:
    _tools()
    url = f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/receipt-codes"
    refused = post(admin_client, url, {"count": "5"}, follow_redirects=True)
    assert "This unit does not use receipt codes. Edit the campaign to turn them on." in text(refused)
    with app.app_context():
        link = db.session.get(CampaignUnit, world.link_a)
        assert link is not None
        link.receipt_codes_required = True
        db.session.commit()
    created = post(admin_client, url, {"count": "25"}, follow_redirects=True)
    assert "25 codes created for Bộ phận Một cửa thử nghiệm. Print the sheet and cut it into slips." in text(created)
    codes = _codes(app, world.link_a)
    assert len(codes) == len(set(codes)) == 25
    assert all(re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", code) for code in codes)
    assert "25 unused" in text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    sheet = admin_client.get(url + ".pdf")
    assert sheet.status_code == 200
    survey = f"http://localhost/s/{world.token_a}?code="
    assert sorted(qr_contents(sheet.get_data(), tmp_path)) == sorted(survey + code for code in codes)
    words = pdf_text(sheet.get_data(), tmp_path)
    assert all(code in words for code in codes)
    assert words.count(f"localhost/s/{world.token_a}") == 25  # the short address as text on every slip
    assert world.kiosk_a not in words and world.kiosk_a.encode() not in sheet.get_data()  # never printed


def test_used_codes_are_left_off_the_sheet(app: Flask, admin_client: FlaskClient, world: World,
                                           tmp_path: Path) -> None:
    _tools()
    with app.app_context():
        db.session.add_all([ReceiptCode(campaign_unit_id=world.link_a, code="USEDCODE", used=True),
                            ReceiptCode(campaign_unit_id=world.link_a, code="FRESHCDE")])
        db.session.commit()
    sheet = admin_client.get(f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/receipt-codes.pdf")
    assert qr_contents(sheet.get_data(), tmp_path) == [f"http://localhost/s/{world.token_a}?code=FRESHCDE"]


@pytest.mark.parametrize(("count", "error"), [("0", "Enter a number between 1 and 2000"),
                                              ("2001", "Enter a number between 1 and 2000"),
                                              ("", "Enter a number between 1 and 2000")])
def test_receipt_code_count_is_checked(app: Flask, admin_client: FlaskClient, world: World, count: str,
                                       error: str) -> None:
    with app.app_context():
        link = db.session.get(CampaignUnit, world.link_a)
        assert link is not None
        link.receipt_codes_required = True
        db.session.commit()
    url = f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/receipt-codes"
    assert error in text(post(admin_client, url, {"count": count}, follow_redirects=True))
    assert _codes(app, world.link_a) == []


def test_new_codes_never_repeat_existing_ones(app: Flask, world: World, monkeypatch: Any) -> None:
    from survey_app.admin import receipts

    drawn = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr(receipts, "new_code", lambda: next(drawn))
    with app.app_context():
        db.session.add(ReceiptCode(campaign_unit_id=world.link_b, code="AAAAAAAA"))
        link = db.session.get(CampaignUnit, world.link_a)
        assert link is not None
        receipts.create_codes(link, 1)
        db.session.commit()
    assert _codes(app, world.link_a) == ["BBBBBBBB"]


def test_published_results_get_a_poster_whose_qr_opens_them(app: Flask, admin_client: FlaskClient, world: World,
                                                             tmp_path: Path) -> None:
    _tools()
    poster = f"/admin/campaigns/{world.campaign}/results-poster.pdf"
    refused = admin_client.get(f"{poster}?lang=en", follow_redirects=True)  # nothing public yet
    assert "Publish the results first" in text(refused) and refused.request.path == f"/admin/campaigns/{world.campaign}"
    with app.app_context():
        from survey_app.models import Campaign

        campaign = db.session.get(Campaign, world.campaign)
        campaign.status, campaign.published_on = "closed", campaign.ends_on
        db.session.commit()
    assert "results-poster.pdf" in text(admin_client.get(f"/admin/campaigns/{world.campaign}"))
    response = admin_client.get(poster)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    url = f"http://localhost/results/{world.campaign}"
    assert qr_contents(response.get_data(), tmp_path) == [url]
    words = pdf_text(response.get_data(), tmp_path)
    assert "Kết quả khảo sát của chúng tôi" in words and "The results of our survey" in words and url in words
