"""Progress page of a campaign, and the JSON the page's script polls to refresh its figures in place.

Agency users see the rows of their own units only (a campaign with none of their units is a 404).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, jsonify, render_template
from flask.wrappers import Response

from ..auth.access import staff_required
from ..models import Campaign, utcnow
from .progress import Progress, campaign_progress
from .routes import bp, campaign_or_404, visible_links


def _progress(campaign: Campaign) -> Progress:
    timezone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    today = datetime.now(ZoneInfo(timezone)).date()
    return campaign_progress(campaign, visible_links(campaign), today)


@bp.route("/campaigns/<int:campaign_id>/progress")
@staff_required
def progress(campaign_id: int) -> str:
    campaign = campaign_or_404(campaign_id)
    return render_template("admin/progress.html", campaign=campaign, progress=_progress(campaign),
                           updated_at=utcnow(), refresh_seconds=current_app.config.get("PROGRESS_REFRESH_SECONDS", 60))


@bp.route("/campaigns/<int:campaign_id>/progress.json")
@staff_required
def progress_data(campaign_id: int) -> Response:
    """The figures as data, and the same table as HTML for the page to swap in."""
    campaign = campaign_or_404(campaign_id)
    figures = _progress(campaign)
    updated_at = utcnow()
    html = render_template("admin/_progress_figures.html", campaign=campaign, progress=figures,
                           updated_at=updated_at)
    return jsonify(
        campaign_id=campaign.id,
        updated_at=updated_at.isoformat() + "Z",
        elapsed_share=figures.elapsed_share,
        units=[{"unit_id": u.unit_id, "code": u.code, "quota": u.quota, "responses": u.responses,
                "kiosk": u.kiosk, "qr": u.qr, "expected": u.expected, "behind": u.behind} for u in figures.units],
        days=[{"day": d.day.isoformat(), "kiosk": d.kiosk, "qr": d.qr} for d in figures.days],
        html=html,
    )
