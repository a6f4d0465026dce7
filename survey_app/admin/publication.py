"""Publishing a closed campaign's results at ``/results/<id>`` ("công khai"), and withdrawing them.

Only a closed campaign can be published: while answers still arrive the figures change, and the public page is
meant to be the province's settled result. Publishing records the province's day; withdrawing clears it.
"""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth.access import admin_required
from ..i18n import DEFAULT_LOCALE
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


@bp.route("/campaigns/<int:campaign_id>/results-poster.pdf")
@admin_required
def results_poster(campaign_id: int) -> Response | WerkzeugResponse:
    """An A4 poster whose QR code opens the campaign's public results, in Vietnamese and English, to put up
    beside the survey posters once the results are published (before, back to the campaign with a message)."""
    from ..results.page import results_url
    from .poster import Poster, PosterText, poster_pdf
    from .printing import _download

    campaign = campaign_or_404(campaign_id)
    if campaign.published_on is None:
        flash(_("Publish the results first: the poster's QR code opens them."), "error")
        return redirect(url_for("admin.campaign", campaign_id=campaign.id))
    texts = []
    for code in (DEFAULT_LOCALE, "en"):
        with force_locale(code):
            texts.append(PosterText(
                heading=_("The results of our survey"),
                invitation=_("Scan the code with your phone camera to read how satisfied the people who answered "
                             "were with each office, hospital and school, and whether each reached its target.")))
    poster = Poster(unit_name=campaign.name, url=results_url(campaign), texts=tuple(texts))
    return _download(poster_pdf(poster), "application/pdf", f"results-poster-{campaign.id}.pdf")
