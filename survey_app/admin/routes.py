"""The `admin` blueprint and the look-ups its views share.

Views live in one module per area (campaigns, units, users, printing, progress) and register on ``bp``;
``survey_app.admin`` imports them all. A unit or campaign the signed-in user may not see is a 404, whatever
the route, so an agency user cannot even learn whether another unit's page exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import visible_unit_ids
from ..collation import sorted_by
from ..levels import level_name
from ..models import Campaign, CampaignUnit, Unit
from ..platform.extensions import db

bp = Blueprint("admin", __name__)

STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}
SECTOR_LABELS = {"one_stop": _l("One-stop shop"), "health": _l("Health"), "education": _l("Education")}


@bp.app_template_global()
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def sector_label(sector: str) -> str:
    return str(SECTOR_LABELS.get(sector, sector))


@bp.app_template_global()
def level_label(level: str) -> str:
    return level_name(level)


def visible_links(campaign: Campaign) -> list[CampaignUnit]:
    """The campaign's units the current user may see, by unit name."""
    allowed = visible_unit_ids()
    # The units in one query, not one per link (a campaign may have hundreds of units).
    db.session.scalars(select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                       .where(CampaignUnit.campaign_id == campaign.id)).all()
    links = [link for link in campaign.units if allowed is None or link.unit_id in allowed]
    return sorted_by(links, lambda link: link.unit.name)


def campaign_or_404(campaign_id: int) -> Campaign:
    """The campaign, if it exists and the user may see at least one of its units."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or (not current_user.is_admin and not visible_links(campaign)):
        abort(404)
    return campaign


def link_or_404(campaign_id: int, unit_id: int) -> CampaignUnit:
    """The unit's place in the campaign, if the user may see that unit."""
    link = db.session.scalar(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id,
                                                        CampaignUnit.unit_id == unit_id))
    if link is None or not current_user.can_see_unit(unit_id):
        abort(404)
    return link


def public_base_url() -> str:
    """Where citizens reach the survey: ``PUBLIC_BASE_URL`` when set (posters printed from an intranet address
    must still work on a citizen's phone), else the address of the current request."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    return (configured or request.url_root).rstrip("/")


def kiosk_url(unit: Unit) -> str:
    """The unit's kiosk link: set in the kiosk's browser, never printed."""
    return f"{public_base_url()}/k/{unit.kiosk_token}"


def qr_url(unit: Unit) -> str:
    """The unit's QR link, printed on posters and receipt slips; it stays the same from campaign to campaign."""
    return f"{public_base_url()}/s/{unit.qr_token}"
