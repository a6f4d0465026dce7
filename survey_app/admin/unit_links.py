"""Replacing a unit's QR or kiosk link (a poster was defaced or photographed for misuse, a kiosk was stolen).

A unit's links outlive campaigns, so replacing one is rare and deliberate: a page says what will happen, and a
POST with its CSRF token does it. The old address stays in ``link_aliases`` with the day it was replaced, so
whoever opens it is told the link was replaced (and nothing they send is stored) instead of meeting a bare
"page not found". Replacing the QR link also retires the per-campaign addresses printed before links belonged
to units.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth.access import admin_required
from ..models import LinkAlias, Unit, new_token
from ..platform.extensions import db
from ..survey.links import CHANNELS, LEGACY
from ..survey.submission import province_today
from .routes import bp, kiosk_url, qr_url


def replace_link(unit: Unit, channel: str) -> str:
    """Give the unit a new token for ``channel`` and keep the old one as a replaced address (not committed)."""
    today = province_today()
    if channel == "qr":
        old, unit.qr_token = unit.qr_token, new_token()
        db.session.execute(update(LinkAlias).where(LinkAlias.unit_id == unit.id, LinkAlias.channel == LEGACY,
                                                   LinkAlias.replaced_on.is_(None)).values(replaced_on=today))
    else:
        old, unit.kiosk_token = unit.kiosk_token, new_token()
    db.session.add(LinkAlias(token=old, unit_id=unit.id, channel=channel, replaced_on=today))
    return unit.qr_token if channel == "qr" else unit.kiosk_token


@bp.route("/units/<int:unit_id>/links/<channel>/replace", methods=["GET", "POST"])
@admin_required
def unit_link_replace(unit_id: int, channel: str) -> str | WerkzeugResponse:
    unit = db.session.get(Unit, unit_id)
    if unit is None or channel not in CHANNELS:
        abort(404)
    form = FlaskForm()
    if form.validate_on_submit():
        replace_link(unit, channel)
        db.session.commit()
        flash(_("The QR link of %(unit)s was replaced. Print its new poster and receipt code sheets now.",
                unit=unit.name) if channel == "qr" else
              _("The kiosk link of %(unit)s was replaced. Open the new link on each of its kiosks.",
                unit=unit.name), "info")
        return redirect(url_for("admin.unit_links", unit_id=unit.id))
    return render_template("admin/link_replace.html", unit=unit, channel=channel, form=form,
                           url=qr_url(unit) if channel == "qr" else kiosk_url(unit))


@bp.route("/units/<int:unit_id>/links")
@admin_required
def unit_links(unit_id: int) -> str:
    """The unit's two links and the addresses they replaced."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    aliases = db.session.scalars(select(LinkAlias).where(LinkAlias.unit_id == unit.id)
                                 .order_by(LinkAlias.replaced_on.desc(), LinkAlias.id.desc())).all()
    return render_template("admin/unit_links.html", unit=unit, aliases=aliases, qr=qr_url(unit),
                           kiosk=kiosk_url(unit))
