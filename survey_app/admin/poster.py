"""Printable A4 posters of a unit's QR link, as PDF (fpdf2) and SVG.

The link is the unit's and outlives every campaign, so the poster names no campaign or period: it stays on the
wall from one quarter to the next. A unit that asks for receipt codes gets a line saying so.

The builders take plain, already-translated texts, so they know nothing of requests or locales. The QR code is
made by segno with error correction M or better (segno raises it when the symbol has room), large enough to be
scanned from a metre away; the address is printed under it for people who type it. Vietnamese needs a font
with its diacritics: DejaVu Sans, from the system fonts or else the copy matplotlib ships.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

import segno

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_W, PAGE_H = 210.0, 297.0  # A4 in millimetres
QR_SIZE = 120.0


@dataclass(frozen=True)
class PosterText:
    """The invitation in one language."""

    heading: str
    invitation: str
    code_note: str = ""  # for a unit that asks for receipt codes


@dataclass(frozen=True)
class Poster:
    unit_name: str
    url: str
    texts: tuple[PosterText, ...]


@cache
def font_path(bold: bool = False) -> Path:
    """DejaVu Sans (regular or bold) from the system, else from matplotlib's data."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    system = Path("/usr/share/fonts/truetype/dejavu") / name
    if system.exists():
        return system
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_png(url: str, scale: int = 10) -> io.BytesIO:
    """The QR code as a PNG with its quiet zone: a bitmap keeps every module exact at any print size."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return buffer


def new_pdf(title: str) -> FPDF:
    from fpdf import FPDF  # on first use: a worker that never prints keeps ~35 MB less (tests/test_startup.py)

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.add_font("DejaVu", "", str(font_path()))
    pdf.add_font("DejaVu", "B", str(font_path(bold=True)))
    return pdf


def poster_pdf(poster: Poster) -> bytes:
    pdf = new_pdf(poster.unit_name)
    pdf.add_page()
    pdf.set_margins(15, 15, 15)
    pdf.set_y(15)
    for index, text in enumerate(poster.texts):
        pdf.set_font("DejaVu", "B", 26 if index == 0 else 16)
        pdf.multi_cell(0, 11 if index == 0 else 7, text=text.heading, align="C", new_x="LMARGIN")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 8, text=poster.unit_name, align="C", new_x="LMARGIN")
    qr_top = pdf.get_y() + 4
    pdf.image(qr_png(poster.url), x=(PAGE_W - QR_SIZE) / 2, y=qr_top, w=QR_SIZE, h=QR_SIZE, link=poster.url,
              alt_text=poster.url)
    pdf.set_y(qr_top + QR_SIZE + 2)
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 6, text=poster.url, align="C", link=poster.url, new_x="LMARGIN")
    pdf.ln(4)
    for index, text in enumerate(poster.texts):
        pdf.set_font("DejaVu", "B" if index == 0 else "", 14 if index == 0 else 12)
        pdf.multi_cell(0, 7 if index == 0 else 6, text=text.invitation, align="C", new_x="LMARGIN")
        if text.code_note:
            pdf.multi_cell(0, 7 if index == 0 else 6, text=text.code_note, align="C", new_x="LMARGIN")
        pdf.ln(3)
    return bytes(pdf.output())


def _svg_lines(lines: list[str], y: float, size: float, bold: bool = False) -> tuple[list[str], float]:
    weight = ' font-weight="bold"' if bold else ""
    out = []
    for line in lines:
        out.append(f'<text x="105" y="{y:.1f}" font-size="{size}"{weight} text-anchor="middle">{escape(line)}</text>')
        y += size * 1.35
    return out, y


def _wrap(text: str, size: float) -> list[str]:
    """Wrap for a 180 mm line: DejaVu Sans averages about 0.55 em per character."""
    return textwrap.wrap(text, width=max(20, int(180 / (size * 0.55)))) or [""]


def poster_svg(poster: Poster) -> str:
    """The same poster as a scalable drawing, for print shops and for editing in a drawing program."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W:g}mm" height="{PAGE_H:g}mm" '
             f'viewBox="0 0 {PAGE_W:g} {PAGE_H:g}" font-family="DejaVu Sans, Noto Sans, Arial, sans-serif">',
             f"<title>{escape(poster.unit_name)}</title>",
             f'<rect width="{PAGE_W:g}" height="{PAGE_H:g}" fill="#fff"/>']
    y = 26.0
    for index, text in enumerate(poster.texts):
        size = 9 if index == 0 else 5.5
        lines, y = _svg_lines(_wrap(text.heading, size), y, size, bold=True)
        parts += lines
    lines, y = _svg_lines(_wrap(poster.unit_name, 6.5), y + 2, 6.5, bold=True)
    parts += lines
    qr_top = y
    inline = qr_code(poster.url).svg_inline(omitsize=True, border=4)
    parts.append(inline.replace("<svg ", f'<svg x="{(PAGE_W - QR_SIZE) / 2:g}" y="{qr_top:.1f}" '
                                         f'width="{QR_SIZE:g}" height="{QR_SIZE:g}" ', 1))
    y = qr_top + QR_SIZE + 7
    parts.append(f'<a href={quoteattr(poster.url)}><text x="105" y="{y:.1f}" font-size="4.2" '
                 f'text-anchor="middle">{escape(poster.url)}</text></a>')
    y += 10
    for index, text in enumerate(poster.texts):
        size = 5 if index == 0 else 4.3
        lines, y = _svg_lines(_wrap(text.invitation, size), y, size, bold=index == 0)
        parts += lines
        if text.code_note:
            lines, y = _svg_lines(_wrap(text.code_note, size), y, size, bold=index == 0)
            parts += lines
        y += 3
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
