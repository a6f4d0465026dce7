"""One-time receipt codes: generation and the printable sheet.

A code is 8 symbols from a 31-symbol alphabet without look-alikes (no 0/O, 1/I/L), drawn with ``secrets``:
31⁸ ≈ 8.5 × 10¹¹ possibilities, so with the submission rate limit a code cannot be guessed, and a clerk can
read one aloud or type it without ambiguity. The sheet is cut into slips handed out with the receipt; each slip
has the code, a QR code of the unit's link with the code filled in, and that link's short address as text for
people whose phone reads no QR code (they type the address, and the page asks for the code).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import select

from ..models import CampaignUnit, ReceiptCode
from ..platform.extensions import db
from .poster import PAGE_W, new_pdf, qr_png

if TYPE_CHECKING:
    from fpdf import FPDF

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
COLUMNS, ROWS = 3, 7
MARGIN = 10.0
CELL_W = (PAGE_W - 2 * MARGIN) / COLUMNS
CELL_H = 39.0
SLIP_QR = 30.0


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def create_codes(link: CampaignUnit, count: int) -> list[ReceiptCode]:
    """Add ``count`` fresh codes for the unit (not committed); codes are unique across the whole database."""
    fresh: set[str] = set()
    while len(fresh) < count:
        candidates = {new_code() for _ in range(count - len(fresh))} - fresh
        taken = set(db.session.scalars(select(ReceiptCode.code).where(ReceiptCode.code.in_(candidates))))
        fresh |= candidates - taken
    codes = [ReceiptCode(campaign_unit_id=link.id, code=code) for code in sorted(fresh)]
    db.session.add_all(codes)
    return codes


def code_url(survey_url: str, code: str) -> str:
    return f"{survey_url}?code={quote(code)}"


def sheet_pdf(unit_name: str, survey_url: str, codes: Sequence[str], caption: str, empty_note: str) -> bytes:
    """An A4 grid of slips (21 per page) with dashed cutting lines."""
    pdf = new_pdf(unit_name)
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(codes), 1), per_page):
        pdf.add_page()
        if not codes:
            pdf.set_font("DejaVu", "", 14)
            pdf.set_xy(MARGIN, MARGIN)
            pdf.multi_cell(0, 7, text=empty_note)
            break
        for index, code in enumerate(codes[start:start + per_page]):
            _slip(pdf, MARGIN + (index % COLUMNS) * CELL_W, MARGIN + (index // COLUMNS) * CELL_H,
                  unit_name, survey_url, code, caption)
    return bytes(pdf.output())


def short_address(survey_url: str) -> str:
    """The link as a person types it: without ``https://`` (every browser adds it)."""
    return survey_url.split("://", 1)[-1]


def _slip(pdf: FPDF, x: float, y: float, unit_name: str, survey_url: str, code: str, caption: str) -> None:
    pdf.set_draw_color(160)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(x, y, CELL_W, CELL_H)
    pdf.set_dash_pattern()
    pdf.image(qr_png(code_url(survey_url, code), scale=6), x=x + 2, y=y + 2, w=SLIP_QR, h=SLIP_QR)
    pdf.set_xy(x + 2, y + SLIP_QR + 2.5)
    pdf.set_font("DejaVu", "", 5.5)
    pdf.multi_cell(CELL_W - 4, 2.4, text=short_address(survey_url), align="L")
    text_x, text_w = x + SLIP_QR + 3, CELL_W - SLIP_QR - 5
    pdf.set_xy(text_x, y + 3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(text_w, 6, text=code)
    pdf.set_xy(text_x, y + 11)
    pdf.set_font("DejaVu", "", 6.5)
    pdf.multi_cell(text_w, 2.9, text=caption, align="L")
    pdf.set_xy(text_x, y + CELL_H - 12)
    pdf.set_font("DejaVu", "", 5.5)
    pdf.multi_cell(text_w, 2.5, text=unit_name[:60], align="L")
