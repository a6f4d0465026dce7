"""The public results page of a published campaign: ``/results/<campaign id>``, no sign-in.

What the provincial plans ask to be made public ("công khai"): the province's, each sector's and each unit's
satisfaction rate against its target, with the official verdict and its certainty in plain words, the change
since the previous campaign, and the method in a few sentences. Only groups with at least 5 respondents are
shown (the same small-cell rule as the staff reports, applied by the same tables), and no comment is. The page
is as light as the survey pages: one stylesheet, no script, no image, nothing from another site.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ..models import Campaign, utcnow
from ..platform.extensions import db

bp = Blueprint("results", __name__)


@bp.app_template_global()
def results_url(campaign: Campaign) -> str:
    """The public address of a campaign's results, for a poster's QR code or a press release (on
    ``PUBLIC_BASE_URL`` when set, like the survey links)."""
    from ..admin.routes import public_base_url

    return public_base_url() + url_for("results.campaign", campaign_id=campaign.id)


def province_today() -> dt.date:
    """Today in the province's time zone."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))
    return utcnow().replace(tzinfo=dt.UTC).astimezone(zone).date()


@bp.route("/<int:campaign_id>")
def campaign(campaign_id: int) -> WerkzeugResponse | str:
    from ..reports.public import public_results

    found = db.session.get(Campaign, campaign_id)
    if found is None or found.published_on is None:
        abort(404)
    from ..reports.table import SECTORS
    from ..reports.verdict import METHOD

    page = render_template("results/campaign.html", results=public_results(found), verdict_method=METHOD,
                           sector_label=lambda code: str(SECTORS.get(code, code)))
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
