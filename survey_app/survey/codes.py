"""Receipt codes checked before the questions, so that no one answers twenty questions to be told their code is
wrong. The check only reads: the code is consumed when the answers are stored (see submission.py), in the same
transaction, so two people with one code still get one answer in.
"""

from __future__ import annotations

import enum

from sqlalchemy import select

from ..models import CampaignUnit, ReceiptCode
from ..platform.extensions import db
from .forms import normalise_code, without_controls


class CodeCheck(enum.Enum):
    VALID = "valid"
    MISSING = "missing"
    UNKNOWN = "unknown"
    USED = "used"
    OTHER_UNIT = "other_unit"  # a slip of another unit (another office's poster scanned, or a slip mixed up)
    OTHER_CAMPAIGN = "other_campaign"  # a slip of this unit from an earlier survey period


def read_code(text: str | None) -> str:
    """A code as typed or carried by a slip's QR link, in its stored form ("abcd 2345" → "ABCD2345")."""
    return normalise_code(without_controls(text or ""))[:40]


def check(link: CampaignUnit, code: str) -> CodeCheck:
    """Whether ``code`` lets one answer in at ``link`` (the unit in the campaign taking answers now)."""
    if not code:
        return CodeCheck.MISSING
    row = db.session.execute(select(ReceiptCode.campaign_unit_id, ReceiptCode.used, CampaignUnit.unit_id)
                             .join(CampaignUnit, CampaignUnit.id == ReceiptCode.campaign_unit_id)
                             .where(ReceiptCode.code == code)).first()
    if row is None:
        return CodeCheck.UNKNOWN
    if row.unit_id != link.unit_id:
        return CodeCheck.OTHER_UNIT
    if row.campaign_unit_id != link.id:
        return CodeCheck.OTHER_CAMPAIGN
    return CodeCheck.USED if row.used else CodeCheck.VALID
