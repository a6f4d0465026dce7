"""Downloads of the `reports` blueprint: chart images, CSV/XLSX tables, PDF reports, raw responses.

Each download checks access exactly as the page it belongs to (:mod:`survey_app.reports.access`): an agency
user gets its own units' charts, tables and PDFs, a 404 for any other unit, and a 403 for whatever covers the
whole province. Every response is marked private so no shared cache keeps a copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Response, abort, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import admin_required, staff_required, visible_unit_ids
from ..platform.attachment import content_disposition
from . import charts, dialect, exports, workbook
from .access import campaign_or_404, require_admin, unit_or_404
from .report import METHOD_PROVINCE, METHOD_UNIT, province_report, unit_report
from .routes import bp
from .table import Table

#: Province tables an agency user may download (narrowed to its units); the others are admin-only.
AGENCY_TABLES = ("units",)


def _download(content: bytes | Iterator[bytes], mimetype: str, filename: str) -> Response:
    """A file to save; an iterator of bytes is streamed (sent as it is made, within the request's context)."""
    body = content if isinstance(content, bytes) else stream_with_context(content)
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, "attachment")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _image(content: bytes) -> Response:
    response = Response(content, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "report"


def _table_download(table: Table, fmt: str, stem: str, heading: str) -> Response:
    if fmt == "csv":
        return _download(exports.table_csv(table, dialect.chosen()), exports.CSV_MIMETYPE, f"{stem}.csv")
    return _download(workbook.tables_xlsx([table], heading), exports.XLSX_MIMETYPE, f"{stem}.xlsx")


def _unit_heading(report: object) -> str:
    return str(report.unit["name"])  # type: ignore[attr-defined]


@bp.route("/<int:campaign_id>/chart/<kind>.png")
@admin_required
def campaign_chart(campaign_id: int, kind: str) -> Response:
    found = campaign_or_404(campaign_id)
    if kind not in charts.PROVINCE_KINDS or kind not in province_report(found).tables():
        abort(404)  # e.g. areas, for a campaign whose units have none (two tiers since 2025)
    return _image(charts.province_chart(found, kind, request.args.get("sort") if kind == "units" else None))


@bp.route("/<int:campaign_id>/units/<int:unit_id>/chart/<kind>.png")
@staff_required
def unit_chart(campaign_id: int, unit_id: int, kind: str) -> Response:
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    if kind not in charts.UNIT_KINDS:
        abort(404)
    return _image(charts.unit_chart(found, unit_id, kind))


@bp.route("/<int:campaign_id>/tables/<name>.<any(csv, xlsx):fmt>")
@staff_required
def campaign_table(campaign_id: int, name: str, fmt: str) -> Response:
    found = campaign_or_404(campaign_id)
    if name not in AGENCY_TABLES:
        require_admin()
    report = province_report(found, visible_unit_ids(), request.args.get("sort"))
    table = report.tables().get(name)
    if table is None:
        abort(404)
    heading = workbook.title(found, _("Whole province") if current_user.is_admin else _("Your units"))
    return _table_download(table, fmt, f"campaign-{found.id}-{name}", heading)


@bp.route("/<int:campaign_id>/units/<int:unit_id>/tables/<name>.<any(csv, xlsx):fmt>")
@staff_required
def unit_table(campaign_id: int, unit_id: int, name: str, fmt: str) -> Response:
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    report = unit_report(found, unit_id)
    table = report.tables().get(name)
    if table is None:
        abort(404)
    heading = workbook.title(found, _unit_heading(report))
    return _table_download(table, fmt, f"campaign-{found.id}-unit-{unit_id}-{name}", heading)


@bp.route("/<int:campaign_id>/report.xlsx")
@admin_required
def campaign_workbook(campaign_id: int) -> Response:
    """Every province table in one workbook, one sheet each."""
    found = campaign_or_404(campaign_id)
    tables = list(province_report(found).tables().values())
    content = workbook.tables_xlsx(tables, workbook.title(found, _("Whole province")))
    return _download(content, exports.XLSX_MIMETYPE, f"campaign-{found.id}-province.xlsx")


@bp.route("/<int:campaign_id>/units/<int:unit_id>/report.xlsx")
@staff_required
def unit_workbook(campaign_id: int, unit_id: int) -> Response:
    """Every table of one unit's report in one workbook, one sheet each."""
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    report = unit_report(found, unit_id)
    content = workbook.tables_xlsx(list(report.tables().values()), workbook.title(found, _unit_heading(report)))
    return _download(content, exports.XLSX_MIMETYPE, f"campaign-{found.id}-unit-{unit_id}.xlsx")


@bp.route("/<int:campaign_id>/report.pdf")
@admin_required
def campaign_pdf(campaign_id: int) -> Response:
    found = campaign_or_404(campaign_id)
    report = province_report(found)
    images = charts.province_images(found, report)
    from . import pdf  # fpdf on first use: a worker that never prints a PDF keeps ~35 MB less (tests/test_startup.py)

    content = pdf.province_pdf(report, str(METHOD_PROVINCE), images)
    return _download(content, "application/pdf", f"campaign-{found.id}-province.pdf")


@bp.route("/<int:campaign_id>/units/<int:unit_id>/report.pdf")
@staff_required
def unit_pdf(campaign_id: int, unit_id: int) -> Response:
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    report = unit_report(found, unit_id)
    images = {kind: charts.unit_chart(found, unit_id, kind) for kind in charts.UNIT_KINDS}
    from . import pdf  # fpdf on first use: a worker that never prints a PDF keeps ~35 MB less (tests/test_startup.py)

    content = pdf.unit_pdf(report, str(METHOD_UNIT), images)
    return _download(content, "application/pdf", f"campaign-{found.id}-{_slug(str(report.unit['code']))}.pdf")


@bp.route("/<int:campaign_id>/responses.<any(csv, xlsx, dta):fmt>")
@admin_required
def responses(campaign_id: int, fmt: str) -> Response:
    """Raw anonymized responses, for the province administrator's own analysis (see ``exports``).

    CSV and XLSX are streamed: the first bytes leave at once and memory stays bounded at any size. The Stata
    file is written whole by pandas (analysts' files, a few hundred thousand rows at most).
    """
    found = campaign_or_404(campaign_id)
    stem = f"campaign-{found.id}-responses"
    if fmt == "csv":
        return _download(exports.responses_csv_chunks(found.id, dialect.chosen()), exports.CSV_MIMETYPE,
                         f"{stem}.csv")
    if fmt == "xlsx":
        return _download(exports.responses_xlsx_chunks(found), exports.XLSX_MIMETYPE, f"{stem}.xlsx")
    frame = exports.anonymized_responses(found.id)
    return _download(exports.responses_dta(frame, found.id), exports.DTA_MIMETYPE, f"{stem}.dta")


@bp.route("/<int:campaign_id>/codebook.<any(csv, xlsx):fmt>")
@admin_required
def codebook(campaign_id: int, fmt: str) -> Response:
    """What each column of the raw responses holds and what each code means, in the active language."""
    found = campaign_or_404(campaign_id)
    stem = f"campaign-{found.id}-codebook"
    if fmt == "csv":
        return _download(exports.codebook_csv(found, dialect.chosen()), exports.CSV_MIMETYPE, f"{stem}.csv")
    return _download(exports.codebook_xlsx(found), exports.XLSX_MIMETYPE, f"{stem}.xlsx")
