"""The route that makes the campaign's report to the People's Committee (DOCX), for the province administrator.

It is the province's own document, covering every unit, so an agency user gets a 403, as for the other
province-wide downloads. The date is the province's today; the previous campaign (the latest one that started
before this one) gives the "change since" sentences.
"""

from __future__ import annotations

from flask import Response
from sqlalchemy import select

from ..auth.access import admin_required
from ..models import Campaign
from ..platform.extensions import db
from ..results.page import province_today
from . import charts
from .access import campaign_or_404
from .downloads import _download
from .report import METHOD_PROVINCE, province_report
from .routes import bp

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/<int:campaign_id>/official-report.docx")
@admin_required
def official_report(campaign_id: int) -> Response:
    found = campaign_or_404(campaign_id)
    report = province_report(found)
    images = charts.province_images(found, report)
    earlier = _previous(found)
    previous = province_report(earlier) if earlier is not None else None
    from .official_report import official_docx  # python-docx on first use (tests/test_startup.py)

    content = official_docx(report, images, str(METHOD_PROVINCE), province_today(), previous)
    return _download(content, DOCX_MIMETYPE, f"bao-cao-ubnd-campaign-{found.id}.docx")


def _previous(campaign: Campaign) -> Campaign | None:
    return db.session.scalars(
        select(Campaign).where(Campaign.starts_on < campaign.starts_on).order_by(Campaign.starts_on.desc()).limit(1)
    ).first()
