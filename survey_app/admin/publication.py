"""Publishing a closed campaign's results at ``/results/<id>`` ("công khai"), and withdrawing them.

Only a closed campaign can be published: while answers still arrive the figures change, and the public page is
meant to be the province's settled result. Publishing records the province's day; withdrawing clears it.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth.access import admin_required
from ..platform.extensions import db
from .routes import bp, campaign_or_404


@bp.route("/campaigns/<int:campaign_id>/publish", methods=["POST"])
@admin_required
def campaign_publish(campaign_id: int) -> WerkzeugResponse:
    from ..results.page import province_today

    campaign = campaign_or_404(campaign_id)
    if campaign.status != "closed":
        flash(_("Only a closed campaign can be published: close it first, so that its figures no longer change."),
              "error")
    else:
        campaign.published_on = province_today()
        db.session.commit()
        flash(_("The results are public: anyone can read them at the address shown below."), "info")
    return redirect(url_for("admin.campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/unpublish", methods=["POST"])
@admin_required
def campaign_unpublish(campaign_id: int) -> WerkzeugResponse:
    campaign = campaign_or_404(campaign_id)
    campaign.published_on = None
    db.session.commit()
    flash(_("The results are no longer public."), "info")
    return redirect(url_for("admin.campaign", campaign_id=campaign.id))
