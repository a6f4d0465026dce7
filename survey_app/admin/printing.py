"""Printed matter of a unit in a campaign: the A4 poster (PDF, SVG) and sheets of one-time receipt codes.

An agency user may print its own units' posters and code sheets; creating codes is for province administrators,
who decide which units use them.
"""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth.access import admin_required, staff_required
from ..i18n import DEFAULT_LOCALE, normalise
from ..models import CampaignUnit, ReceiptCode
from ..platform.attachment import content_disposition
from ..platform.extensions import db
from .forms import ReceiptCodesForm
from .poster import Poster, PosterText, poster_pdf, poster_svg
from .receipts import create_codes, sheet_pdf
from .routes import bp, link_or_404, qr_url


def poster_languages(default_locale: str) -> list[str]:
    """The unit's own language first, then Vietnamese; languages without a catalog are left out."""
    codes = [normalise(default_locale), DEFAULT_LOCALE]
    return list(dict.fromkeys(code for code in codes if code))


def make_poster(link: CampaignUnit) -> Poster:
    """The unit's poster: its lasting QR link and no campaign name; the receipt-code line follows ``link``."""
    texts = []
    for code in poster_languages(link.unit.default_locale):
        with force_locale(code):
            texts.append(PosterText(
                heading=_("Tell us how we served you"),
                invitation=_("Scan the code with your phone camera and answer a few questions about the service "
                             "you received today. It takes about three minutes, and your answers are anonymous."),
                code_note=_("You will need the code printed on the receipt slip you were given: ask the staff "
                            "for one.") if link.receipt_codes_required else "",
            ))
    return Poster(unit_name=link.unit.name, url=qr_url(link.unit), texts=tuple(texts))


def _download(data: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, "inline")
    return response


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/poster.pdf")
@staff_required
def poster_pdf_view(campaign_id: int, unit_id: int) -> Response:
    link = link_or_404(campaign_id, unit_id)
    return _download(poster_pdf(make_poster(link)), "application/pdf", f"poster-{link.unit.code}.pdf")


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/poster.svg")
@staff_required
def poster_svg_view(campaign_id: int, unit_id: int) -> Response:
    link = link_or_404(campaign_id, unit_id)
    return _download(poster_svg(make_poster(link)), "image/svg+xml", f"poster-{link.unit.code}.svg")


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/receipt-codes", methods=["POST"])
@admin_required
def receipt_codes_create(campaign_id: int, unit_id: int) -> WerkzeugResponse:
    link = link_or_404(campaign_id, unit_id)
    form = ReceiptCodesForm()
    if not link.receipt_codes_required:
        flash(_("This unit does not use receipt codes. Edit the campaign to turn them on."), "error")
    elif form.validate_on_submit():
        create_codes(link, form.count.data)
        db.session.commit()
        flash(_("%(count)d codes created for %(unit)s. Print the sheet and cut it into slips.",
                count=form.count.data, unit=link.unit.name), "info")
    else:
        for error in form.count.errors:
            flash(str(error), "error")
    return redirect(url_for("admin.campaign", campaign_id=campaign_id, _anchor=f"unit-{unit_id}"))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/receipt-codes.pdf")
@staff_required
def receipt_codes_sheet(campaign_id: int, unit_id: int) -> Response:
    """Every code of the unit not used yet, so a lost sheet can be printed again."""
    link = link_or_404(campaign_id, unit_id)
    codes = db.session.scalars(select(ReceiptCode.code).where(ReceiptCode.campaign_unit_id == link.id,
                                                              ReceiptCode.used.is_(False))
                               .order_by(ReceiptCode.id)).all()
    data = sheet_pdf(link.unit.name, qr_url(link.unit), codes,
                     caption=_("Your opinion counts. Scan the code to answer the survey, or enter this code "
                               "on the survey page."),
                     empty_note=_("This unit has no unused receipt codes. Create some on the campaign page."))
    return _download(data, "application/pdf", f"receipt-codes-{link.unit.code}.pdf")
