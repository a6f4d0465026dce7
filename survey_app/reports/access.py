"""Who may open which report, on top of :mod:`survey_app.auth.access`.

The rule is one sentence: a province administrator opens everything; an agency user opens the reports of its
own units and nothing that shows another unit's figures. So for an agency user the campaign page lists only its
own units' rows; the province-wide tables, charts and PDF (sectors, areas, trend, ranking charts) and the
raw responses answer 403; and a unit or campaign it has no part in answers 404, as if it did not exist.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import require_unit, visible_unit_ids
from ..models import Campaign, CampaignUnit
from ..platform.extensions import db


def campaign_or_404(campaign_id: int) -> Campaign:
    """The campaign, if it exists and (for an agency) includes at least one of the user's units."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    visible = visible_unit_ids()
    if visible is not None and not visible & campaign_unit_ids(campaign_id):
        abort(404)
    return campaign


def unit_or_404(campaign: Campaign, unit_id: int) -> None:
    """404 unless the unit takes part in the campaign and the user may see it."""
    if unit_id not in campaign_unit_ids(campaign.id):
        abort(404)
    require_unit(unit_id)


def require_admin() -> None:
    """403 for anyone but a province administrator (a page about other units than one's own)."""
    if not current_user.is_admin:
        abort(403)


def campaign_unit_ids(campaign_id: int) -> set[int]:
    return set(db.session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)))


def visible_campaigns() -> list[Campaign]:
    """Campaigns the user may open, newest first (an agency's: those with at least one of its units)."""
    query = select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    visible = visible_unit_ids()
    if visible is not None:
        query = query.where(Campaign.id.in_(
            select(CampaignUnit.campaign_id).where(CampaignUnit.unit_id.in_(visible))))
    return list(db.session.scalars(query))
