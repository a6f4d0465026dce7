"""The campaign's report to the provincial People's Committee, as an editable Word document (DOCX).

The document follows the layout of an administrative document in Nghị định 30/2020/NĐ-CP (Phụ lục I): the
issuing body (its parent authority above it) and the number and symbol ("Số: …/BC-…") on the left; the national
title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the motto "Độc lập - Tự do - Hạnh phúc" on the right, with the
place and date under them; the kind of document and its summary ("BÁO CÁO / Kết quả khảo sát …") centred; the
addressee ("Kính gửi"); the body; the recipients ("Nơi nhận") and the signature block. A4, margins 20/20/30/15 mm,
body in 14 pt Times New Roman (which LibreOffice and any system without it draw in Liberation Serif, a free font
with the same metrics, so lines break at the same places). The number, the signer's name and the signature are
left as dotted places because they are given when the document is registered and signed; everything else is
filled from the campaign.

The text is always Vietnamese (the document goes to a Vietnamese authority), built from the same tables as the
pages (:mod:`survey_app.reports.report`), the verdict sentences of :mod:`survey_app.reports.verdict` and the
chart images of :mod:`survey_app.reports.charts`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from questionnaires.model import reaches_target

from .. import formats
from .comments import campaign_comments
from .dataset import campaign_data
from .grouping import group
from .report import ProvinceReport
from .standing import row_standing
from .table import SECTORS, Table, display_rows
from .unit_tables import official_indices
from .verdict import METHOD, certainty, change, official

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
DOTS = "……"
FREQUENT_COMMENTS = 5


def official_docx(report: ProvinceReport, images: Mapping[str, bytes], method: str, today: dt.date,
                  previous: ProvinceReport | None = None) -> bytes:
    """The DOCX bytes of the report on ``report`` (the province view), dated ``today``."""
    with force_locale("vi"):
        document = _document()
        _heading_block(document, report, today)
        _body(document, report, method, previous)
        _closing(document)
        _appendix(document, report, images)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def _setting(key: str, default: str) -> str:
    return str(current_app.config.get(key) or default)


def _document():  # type: ignore[no-untyped-def]
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height, section.orientation = Mm(210), Mm(297), WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, BODY_SIZE
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # the font for every script, not only Latin
    style.paragraph_format.space_after = Pt(6)
    return document


def _line(paragraph: Paragraph, text: str, bold: bool = False, italic: bool = False, size: float = 14,
          upper: bool = False) -> None:
    run = paragraph.add_run(text.upper() if upper else text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _centred(cell_or_doc, text: str, **style: object) -> Paragraph:  # type: ignore[no-untyped-def]
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _line(paragraph, text, **style)  # type: ignore[arg-type]
    return paragraph


def _two_columns(document, left: Mm, right: Mm) -> DocxTable:  # type: ignore[no-untyped-def]
    """A borderless two-column layout table with fixed widths (Word and LibreOffice both keep them)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, (left, right), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def _heading_block(document, report: ProvinceReport, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Issuing body, number and symbol; national title, motto, place and date; kind and summary; addressee."""
    province = _setting("REPORT_PROVINCE", DOTS)
    table = _two_columns(document, Mm(62), Mm(103))
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _centred(left, _("People's Committee of %(province)s province", province=province), size=13, upper=True)
    _centred(left, _setting("REPORT_ISSUER", _("Department of Home Affairs")), bold=True, size=13, upper=True)
    _centred(left, "———", size=10)
    _centred(left, _("No.: %(number)s/BC-%(symbol)s", number=DOTS, symbol=_setting("REPORT_SYMBOL", "SNV")),
             size=13)
    right.paragraphs[0].text = ""
    _centred(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    _centred(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    _centred(right, "———————————", size=10)
    _centred(right, _("%(place)s, %(day)s %(month)s %(year)s", place=_setting("REPORT_PLACE", province),
                      day=_("day %(day)s", day=f"{today.day:02d}"),
                      month=_("month %(month)s", month=f"{today.month:02d}" if today.month < 3 else today.month),
                      year=_("year %(year)s", year=today.year)), italic=True, size=14)
    document.add_paragraph()
    _centred(document, _("Report"), bold=True, size=14, upper=True)
    _centred(document, _("Results of the survey of citizens' and organisations' satisfaction: %(campaign)s",
                         campaign=report.campaign.name), bold=True, size=14)
    _centred(document, "————", size=10)
    addressee = document.add_paragraph()
    addressee.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(addressee, _("To: the People's Committee of %(province)s province", province=province))


def _section(document, text: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    _line(paragraph, text, bold=True)
    paragraph.paragraph_format.space_before = Pt(6)


def _text(document, text: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)


def _body(document, report: ProvinceReport, method: str, previous: ProvinceReport | None) -> None:  # type: ignore[no-untyped-def]
    campaign = report.campaign
    units = report.units.frame
    answered = int(units["n"].sum()) if len(units) else 0
    _section(document, _("I. Purpose and method"))
    _text(document, _("The survey measures how satisfied citizens and organisations are with the public services of "
                      "the province's one-stop offices, hospitals and health stations, and schools, so that each "
                      "unit knows where it stands against the targets of the provincial plan and what to improve."))
    _text(document, _("It ran from %(start)s to %(end)s at %(units)s units; %(answers)s people answered, at a kiosk "
                      "in the unit or by scanning the unit's QR code, anonymously.",
                      start=formats.date(campaign.starts_on), end=formats.date(campaign.ends_on),
                      units=formats.number(len(units)), answers=formats.number(answered)))
    _text(document, _("%(method)s A sector's or the province's rate therefore gives each unit the weight of the "
                      "people it served, not of the number of people who happened to answer. A unit's own rate is "
                      "the share of its respondents who were satisfied or very satisfied. Groups with fewer than 5 "
                      "respondents are not reported.", method=method))
    _text(document, str(METHOD))
    _section(document, _("II. Results"))
    _results_by_sector(document, report, previous)
    _indices(document, report)
    _change(document, report)
    _drivers(document, report)
    _citizens(document, report)
    _attention(document, report)
    _section(document, _("III. Proposals"))
    _text(document, _("Units that have not reached the target should set out, within 30 days, how they will improve "
                      "on the points their citizens rated lowest, and report on it with the next campaign. Units "
                      "whose result is not yet certain should collect more answers in the next campaign, as "
                      "indicated above."))


def _results_by_sector(document, report: ProvinceReport, previous: ProvinceReport | None) -> None:  # type: ignore[no-untyped-def]
    sectors = report.sectors.frame if report.sectors is not None else None
    if sectors is None or not len(sectors):
        _text(document, _("No answers yet."))
        return
    before = {}
    if previous is not None and previous.sectors is not None:
        before = {r["sector"]: r for r in previous.sectors.frame.to_dict("records")}
    order = list(SECTORS)  # one-stop offices first, as the provincial plans list them
    rows = sorted(sectors.to_dict("records"), key=lambda r: order.index(r["sector"]) if r["sector"] in order else 9)
    for index, row in enumerate(rows, start=1):
        name = str(SECTORS.get(row["sector"], row["sector"]))
        paragraph = document.add_paragraph()
        _line(paragraph, f"{index}. {name}", bold=True, italic=True)
        standing = row_standing(row)
        if standing is None:
            continue
        _text(document, official(standing))
        _text(document, certainty(standing))
        earlier = before.get(row["sector"])
        if earlier is not None and standing.rate is not None:
            earlier_standing = row_standing(earlier)
            if earlier_standing is not None and earlier_standing.rate is not None:
                _text(document, change(standing.rate, earlier_standing.rate, previous.campaign.name))  # type: ignore[union-attr]
    _text(document, _("The result of every unit is in table 2 of the appendix."))


def _indices(document, report: ProvinceReport) -> None:  # type: ignore[no-untyped-def]
    """The ministries' indices of each one-stop shop and health unit (SIPAS; Ministry of Health)."""
    table = official_indices(campaign_data(report.campaign.id))
    if not len(table):
        return
    _section(document, _("Official indices"))
    _text(document, _("The indices the ministries rank provinces by, computed from the same answers for each "
                      "one-stop shop (SIPAS, Ministry of Home Affairs) and each health unit (Ministry of Health):"))
    _table(document, table)
    _text(document, str(table.caption))


def _change(document, report: ProvinceReport) -> None:  # type: ignore[no-untyped-def]
    """Each sector's change since the previous campaign, with whether it is clear (findings.change_table)."""
    if report.change is None:
        return
    _section(document, _("Change since the previous campaign"))
    for _row, cells in display_rows(report.change):
        labels = [str(column.label) for column in report.change.columns]
        _text(document, "– " + "; ".join(f"{label}: {text}" if i else text
                                         for i, (label, text) in enumerate(zip(labels, cells, strict=True)) if text))
    _text(document, str(report.change.caption))


def _drivers(document, report: ProvinceReport) -> None:  # type: ignore[no-untyped-def]
    """Per sector, the elements that go most with overall satisfaction (findings.drivers_table), with the caveat
    that this is an association, not a cause."""
    if report.drivers is None or not len(report.drivers):
        return
    _section(document, _("What drives satisfaction"))
    by_sector: dict[str, list[str]] = {}
    for row in report.drivers.frame.to_dict("records"):
        name = str(SECTORS.get(row["sector"], row["sector"]))
        element = row.get("element_name")
        if isinstance(element, str) and element and not row.get("note"):
            by_sector.setdefault(name, []).append(element)
        elif row.get("note") and not isinstance(element, str):
            by_sector.setdefault(name, []).append(str(row["note"]))
    for name, elements in by_sector.items():
        _text(document, _("– %(sector)s: %(elements)s.", sector=name, elements=", ".join(elements[:3]) or DOTS))
    _text(document, str(report.drivers.caption))


def _citizens(document, report: ProvinceReport) -> None:  # type: ignore[no-untyped-def]
    """What citizens wrote: the topics staff gave the comments, with their counts, and the comments most
    people wrote in near-identical words (grouping.py), each with how many wrote it."""
    groups = group(campaign_comments(report.campaign.id))
    _section(document, _("What citizens wrote"))
    if not groups:
        _text(document, _("No comment can be reported yet."))
        return
    _text(document, _("%(comments)s comments were written; near-identical ones are counted together.",
                      comments=formats.number(sum(g.count for g in groups))))
    if report.topics is not None:
        counted = [(str(row["topic"]), int(row["comments"])) for row in report.topics.frame.to_dict("records")
                   if row["comments"]]
        if counted:
            listed = "; ".join(f"{label}: {formats.number(count)}" for label, count in
                               sorted(counted, key=lambda pair: -pair[1]))
            _text(document, _("By topic, as staff classified them: %(topics)s.", topics=listed))
    for found in groups[:FREQUENT_COMMENTS]:
        _text(document, _("– “%(text)s” (%(count)s people)", text=found.text, count=formats.number(found.count)))


def _attention(document, report: ProvinceReport) -> None:  # type: ignore[no-untyped-def]
    """Units whose official verdict is "not reached", lowest first, each with what would settle it."""
    _section(document, _("Units needing attention"))
    rows = [r for r in report.units.frame.sort_values("rate", na_position="last").to_dict("records")]
    listed = 0
    for row in rows:
        standing = row_standing(row)
        if standing is None or standing.rate is None or reaches_target(standing.rate, standing.target, standing.rule):
            continue
        listed += 1
        _text(document, f"– {row['name']}: {official(standing)} {certainty(standing)}")
    if not listed:
        _text(document, _("Every unit with enough answers has reached its target."))


def _closing(document) -> None:  # type: ignore[no-untyped-def]
    """Recipients ("Nơi nhận") on the left, the signature block on the right."""
    table = _two_columns(document, Mm(80), Mm(85))
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    recipients = left.add_paragraph()
    _line(recipients, _("Recipients:"), bold=True, italic=True, size=12)
    for line in (_("- As above;"), _("- The Chairman and Vice-Chairmen of the Provincial People's Committee;"),
                 _("- Units surveyed;"), _("- Filed: Office, %(symbol)s.", symbol=_setting("REPORT_SYMBOL", "SNV"))):
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _line(paragraph, line, size=11)
    right.paragraphs[0].text = ""
    _centred(right, _setting("REPORT_SIGNER_TITLE", _("Director")), bold=True, size=14, upper=True)
    _centred(right, "")
    _centred(right, "")
    _centred(right, _setting("REPORT_SIGNER", DOTS), bold=True, size=14)


def _appendix(document, report: ProvinceReport, images: Mapping[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    document.add_page_break()
    _centred(document, _("Appendix"), bold=True, upper=True)
    _centred(document, _("Tables and charts of the results"), italic=True)
    paragraph = document.add_paragraph()
    _line(paragraph, _("Methods"), bold=True, size=13)
    if report.sectors is not None and report.sectors.caption:
        _text(document, str(report.sectors.caption))  # the weighting, with the census source when raked
    _text(document, str(METHOD))
    for number, (name, table) in enumerate(report.tables().items(), start=1):
        paragraph = document.add_paragraph()
        _line(paragraph, _("Table %(number)s. %(title)s", number=number, title=str(table.title)), bold=True,
              size=13)
        _table(document, table)
        if table.caption:
            _text(document, str(table.caption))
        if name in images:
            document.add_picture(io.BytesIO(images[name]), width=Mm(160))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(document, table: Table) -> DocxTable:  # type: ignore[no-untyped-def]
    """A report table with its cell texts (small-cell rule applied), 10 pt so that wide tables fit A4."""
    shown = table.columns
    grid = document.add_table(rows=1, cols=len(shown))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, shown, strict=True):
        cell.paragraphs[0].text = ""
        _line(cell.paragraphs[0], str(column.label), bold=True, size=10)
    for _row, texts in display_rows(table):
        cells = grid.add_row().cells
        for cell, column, text in zip(cells, shown, texts, strict=True):
            cell.paragraphs[0].text = ""
            _line(cell.paragraphs[0], text, size=10)
            if column.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not len(table):
        cells = grid.add_row().cells
        cells[0].paragraphs[0].text = _("No answers yet.")
    return grid
