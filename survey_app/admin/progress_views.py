"""Progress page of a campaign, and the JSON the page's script polls to refresh its figures in place.

The unit rows are shown :data:`~survey_app.admin.progress.PAGE_UNITS` at a time (``?page=``, plain links that work
without JavaScript); the JSON of a page carries that page's units and the same part of the page as HTML. Agency
users see the rows of their own units only (a campaign with none of their units is a 404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, jsonify, render_template, request
from flask.wrappers import Response
from flask_babel import get_locale
from markupsafe import Markup

from ..auth.access import staff_required, visible_unit_ids
from ..models import Campaign, utcnow
from ..platform.extensions import db
from .progress import Progress, visible_progress
from .routes import bp


def _progress(campaign_id: int) -> tuple[Campaign, Progress]:
    """The campaign and the viewer's figures, or 404 (no such campaign, or none of its units is the viewer's)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    timezone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    today = datetime.now(ZoneInfo(timezone)).date()
    allowed = visible_unit_ids()
    figures = visible_progress(campaign, None if allowed is None else frozenset(allowed), today)
    if figures is None:
        abort(404)
    return campaign, figures


def _shown(campaign: Campaign, figures: Progress) -> dict[str, Any]:
    """What the figures' template needs: the requested page of units, its tables (made once per campaign state,
    page and language), and the time the figures were read."""
    units, page = figures.page(request.args.get("page", type=int))
    tables = figures.rendered((page.number, str(get_locale())), lambda: render_template(
        "admin/_progress_tables.html", campaign=campaign, progress=figures, units=units, units_page=page))
    return {"campaign": campaign, "progress": figures, "units": units, "units_page": page,
            "tables": Markup(tables), "updated_at": utcnow()}


@bp.route("/campaigns/<int:campaign_id>/progress")
@staff_required
def progress(campaign_id: int) -> str:
    campaign, figures = _progress(campaign_id)
    return render_template("admin/progress.html", **_shown(campaign, figures),
                           refresh_seconds=current_app.config.get("PROGRESS_REFRESH_SECONDS", 60))


@bp.route("/campaigns/<int:campaign_id>/progress.json")
@staff_required
def progress_data(campaign_id: int) -> Response:
    """The figures of one page of units as data, and the same part of the page as HTML for the page to swap in."""
    campaign, figures = _progress(campaign_id)
    shown = _shown(campaign, figures)
    units, page, updated_at = shown["units"], shown["units_page"], shown["updated_at"]
    html = render_template("admin/_progress_figures.html", **shown)
    totals = figures.totals
    return jsonify(
        campaign_id=campaign.id,
        updated_at=updated_at.isoformat() + "Z",
        elapsed_share=figures.elapsed_share,
        page={"number": page.number, "count": page.count, "first": page.first, "last": page.last,
              "total": page.total},
        units=[{"unit_id": u.unit_id, "code": u.code, "quota": u.quota, "responses": u.responses,
                "kiosk": u.kiosk, "qr": u.qr, "expected": u.expected, "behind": u.behind} for u in units],
        totals={"quota": totals.quota, "responses": totals.responses, "kiosk": totals.kiosk, "qr": totals.qr,
                "expected": totals.expected},
        days=[{"day": d.day.isoformat(), "kiosk": d.kiosk, "qr": d.qr} for d in figures.days],
        html=html,
    )
