"""Pages of the `reports` blueprint: the campaign list, the province view, the unit view.

Downloads (charts, CSV/XLSX tables, PDF, raw responses) are in :mod:`survey_app.reports.downloads`; the comment
list, topics and moderation in :mod:`survey_app.reports.moderation`. Every
route needs a signed-in staff user; what an agency user may open is decided in
:mod:`survey_app.reports.access`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import staff_required, visible_unit_ids
from ..models import Campaign, Level
from ..platform.extensions import db
from ..questionnaire_registry import registry
from . import charts, topics, verdict
from .access import campaign_or_404, unit_or_404, visible_campaigns
from .cache import report_cache
from .paging import comment_page
from .report import METHOD_PROVINCE, METHOD_UNIT, data_key, province_report, unit_report
from .standing import row_badge as standing_row_badge
from .standing import unit_standing
from .table import cached_rows, paged, row_memo
from .verdict import METHOD as VERDICT_METHOD

bp = Blueprint("reports", __name__)


@bp.app_template_global()
def report_rows(table):  # type: ignore[no-untyped-def]
    """Rows of a report table with their cell texts, small-cell rule applied (see ``table.display_rows``)."""
    return cached_rows(table, str(get_locale()))


@bp.app_template_global()
def verdict_official(standing):  # type: ignore[no-untyped-def]
    return verdict.official(standing)


@bp.app_template_global()
def verdict_certainty(standing):  # type: ignore[no-untyped-def]
    return verdict.certainty(standing)


@bp.app_template_global()
def verdict_short(standing):  # type: ignore[no-untyped-def]
    return verdict.short(standing)


@bp.app_template_global()
def verdict_badge(standing):  # type: ignore[no-untyped-def]
    """The official verdict as a coloured badge over its certainty (``None`` without a figure)."""
    return verdict.badge(standing) if standing is not None else None


@bp.app_template_global()
def row_badge(row):  # type: ignore[no-untyped-def]
    """:func:`verdict_badge` of a report table row (kept by the row's values, as its cell texts)."""
    return row_memo(("badge", str(get_locale())), row, lambda: standing_row_badge(row))


@bp.app_template_global()
def target_text(standing):  # type: ignore[no-untyped-def]
    return verdict.target_text(standing.target, standing.rule)


@bp.route("/")
@staff_required
def index() -> str:
    return render_template("reports/index.html", campaigns=visible_campaigns())


@bp.route("/<int:campaign_id>/")
@staff_required
def campaign(campaign_id: int) -> str:
    """The province view (an agency user sees its own units' rows only)."""
    found = campaign_or_404(campaign_id)
    report = province_report(found, visible_unit_ids(), request.args.get("sort"))
    units, page = paged(report.units, request.args.get("page", type=int))  # thousands of units: 50 a page
    report = replace(report, units=units)
    chart_kinds = charts.PROVINCE_KINDS if current_user.is_admin else ()
    return render_template("reports/campaign.html", campaign=found, report=report, method=METHOD_PROVINCE,
                           units_page=page,
                           verdict_method=VERDICT_METHOD,
                           chart_kinds=chart_kinds, chart_alt=charts.alt_text)


@bp.route("/<int:campaign_id>/units/<int:unit_id>")
@staff_required
def unit(campaign_id: int, unit_id: int) -> str:
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    report = unit_report(found, unit_id, include_hidden=current_user.is_admin)
    form = registry().get(str(report.unit["questionnaire_id"]))
    return render_template("reports/unit.html", campaign=found, report=report, form=form, method=METHOD_UNIT,
                           standing=cached_standing(found, unit_id), verdict_method=VERDICT_METHOD,
                           chart_kinds=charts.UNIT_KINDS, chart_alt=charts.alt_text,
                           page=comment_page(report.comments), topics=topics.catalogue())


def cached_standing(campaign: Campaign, unit_id: int) -> Any:
    """:func:`unit_standing`, kept until the data, the language or the levels' names change (its sentences
    name the level)."""
    levels = tuple(db.session.execute(select(Level.code, Level.name).order_by(Level.code)).all())
    key = ("standing", campaign.id, unit_id, str(get_locale()), levels, data_key(campaign))
    return report_cache().get_or_build(key, lambda: unit_standing(campaign, unit_id))
