"""PDF reports (fpdf2) of a province and of a unit: the same tables and chart images as the pages.

Vietnamese needs a Unicode font with every precomposed letter (ạ, ằ, ữ…): DejaVu Sans, which matplotlib ships,
so the PDF looks the same on every server without installing fonts. Cell texts come from
:func:`survey_app.reports.table.display_rows`, so a withheld group shows no figure here either.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import matplotlib
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from .. import formats
from ..i18n import current_locale_code
from ..models import Campaign, utcnow
from .provisional import provisional_note
from .report import ProvinceReport, UnitReport
from .standing import row_badge
from .table import Table, display_rows

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
#: Cell colours of the official verdict, those of the pages' badges (static/css/app.css).
BADGE_FILLS = {"meets": (223, 243, 230), "below": (253, 226, 226), "not_yet_known": (238, 238, 238)}


class ReportPDF(FPDF):
    """A4 page with the DejaVu fonts loaded and a footer of page numbers."""

    def __init__(self, title: str, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_lang(current_locale_code())
        self.set_creator(_("Citizen satisfaction survey"))
        self.set_auto_page_break(True, margin=15)
        self.add_page()
        self.set_font(FONT, "B", 15)
        self.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 8)
        self.multi_cell(0, 5, _("Produced on %(date)s", date=formats.datetime(utcnow())),
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 6, _("Page %(number)s", number=self.page_no()), align="C")

    def heading(self, text: str, png: bytes | None = None) -> None:
        """A section title, kept on one page with the chart that follows it (if any)."""
        if self.will_page_break(12 + (self._image_height(png) if png else 28)):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)

    def paragraph(self, text: str) -> None:
        self.set_font(FONT, "", 9)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def _image_width(self) -> float:
        return min(self.epw, 170.0)

    def _image_height(self, png: bytes) -> float:
        with Image.open(io.BytesIO(png)) as picture:
            width, height = picture.size
        return self._image_width() * height / width

    def chart(self, png: bytes | None) -> None:
        if not png:
            return
        width = self._image_width()
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, w=width)
        self.ln(2)

    def report_table(self, table: Table) -> None:
        rows = list(display_rows(table))
        if not rows:
            self.paragraph(_("No answers yet."))
            return
        self.set_font(FONT, "", 8)
        widths = [3.0 if c.kind in ("unit", "text", "withheld") and i == 0 else
                  2.0 if c.kind in ("withheld", "interval", "verdict", "unit") else 1.2
                  for i, c in enumerate(table.columns)]
        aligns = tuple("RIGHT" if c.numeric else "LEFT" for c in table.columns)
        with self.table(col_widths=widths, text_align=aligns, headings_style=FontFace(emphasis="BOLD"),
                        line_height=4.5, padding=1) as grid:
            heading = grid.row()
            for column in table.columns:
                heading.cell(str(column.label))
            for row, cells in rows:
                line = grid.row()
                for column, text in zip(table.columns, cells, strict=True):
                    found = row_badge(row) if column.kind == "verdict" and text else None
                    if found is None:
                        line.cell(text)
                    else:  # the official verdict coloured as on the pages, the certainty under it
                        line.cell(f"{found.head}\n{found.tail}", style=FontFace(fill_color=BADGE_FILLS[found.key]))
        self.ln(2)


def _provisional(pdf: ReportPDF, campaign: Campaign) -> None:
    note = provisional_note(campaign)
    if note:
        pdf.heading(note)


def province_pdf(report: ProvinceReport, method: str, images: Mapping[str, bytes]) -> bytes:
    """The whole province view: every table, with its chart above it."""
    pdf = ReportPDF(_("Report: %(campaign)s", campaign=report.campaign.name), orientation="L")
    _provisional(pdf, report.campaign)
    pdf.paragraph(method)
    pdf.paragraph(_("Groups with fewer than 5 respondents are not shown."))
    for name, table in report.tables().items():
        pdf.heading(str(table.title), images.get(name))
        pdf.chart(images.get(name))
        pdf.report_table(table)
    return bytes(pdf.output())


def unit_pdf(report: UnitReport, method: str, images: Mapping[str, bytes]) -> bytes:
    """One unit's report: overall rate, dimensions, items, yes/no questions, trend and visible comments."""
    title = f"{report.unit['name']} – {report.campaign.name}"
    pdf = ReportPDF(title)
    _provisional(pdf, report.campaign)
    pdf.paragraph(method)
    tables = report.tables()
    for name in [n for n in ("summary", "change", "dimensions", "items", "shares", "trend") if n in tables]:
        pdf.heading(str(tables[name].title), images.get(name))
        pdf.chart(images.get(name))
        pdf.report_table(tables[name])
    pdf.heading(_("Comments"))
    visible = [c.text for c in report.comments if not c.hidden]
    if report.respondents < 5:
        pdf.paragraph(_("Comments are shown once the unit has at least 5 respondents."))
    elif not visible:
        pdf.paragraph(_("No comment yet."))
    for text in visible:
        pdf.paragraph(f"• {text}")
    return bytes(pdf.output())
