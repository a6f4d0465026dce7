"""Storing one completed questionnaire: once per submission id, and at most once per receipt code.

A respondent may press Send twice, a phone may retry on a bad connection, two kiosks may share a receipt
code by mistake. The rules that keep the counts true:

* the response is inserted first; the unique ``submission_id`` makes a second insert fail, and that failure
  (or finding the id already stored) means "already stored": the caller shows the same thank-you page;
* a receipt code is consumed in the same transaction with ``UPDATE … WHERE used_at IS NULL``, so of two
  concurrent requests exactly one sees a row updated; the other rolls back its insert.

Nothing here reads the request: the caller passes plain values, so no client address can reach the row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import CampaignUnit, ReceiptCode, Response, utcnow

PROVINCE_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class Outcome(enum.Enum):
    STORED = "stored"
    ALREADY_STORED = "already_stored"
    CODE_UNKNOWN = "code_unknown"
    CODE_USED = "code_used"


@dataclass(frozen=True)
class Submission:
    """What is stored for one respondent; ``receipt_code`` only when the unit requires one."""

    link: CampaignUnit
    questionnaire_id: str
    questionnaire_version: int
    channel: str
    locale: str
    answers: dict[str, Any]
    submission_id: str
    receipt_code: str | None = None


def province_today() -> date:
    """Today in the province: campaign dates are local dates, the server clock may be UTC."""
    return datetime.now(PROVINCE_TIMEZONE).date()


def is_stored(submission_id: str) -> bool:
    return bool(db.session.scalar(select(exists().where(Response.submission_id == submission_id))))


#: Built once: SQLAlchemy then finds its compiled form in the cache without working out a cache key each time.
_INSERT = insert(Response.__table__)


def store(submission: Submission) -> Outcome:
    """Insert the response (and consume the receipt code) in one transaction; see the module docstring.

    A plain insert on a pooled connection, not the ORM's unit of work, and no "is it already there?" query
    first: the unique submission id is the check, and a repeated submission is rare (a double press, a retried
    phone), so it may cost a rollback and a second query. This was a third of a submission's server time.
    """
    link = submission.link
    row = {"campaign_id": link.campaign_id, "unit_id": link.unit_id, "questionnaire_id": submission.questionnaire_id,
           "questionnaire_version": submission.questionnaire_version, "channel": submission.channel,
           "locale": submission.locale, "submitted_at": utcnow(), "answers": submission.answers,
           "submission_id": submission.submission_id, "comment_hidden": False}
    with db.engine.connect() as connection:
        try:
            connection.execute(_INSERT, row)
        except IntegrityError:
            connection.rollback()
            if is_stored(submission.submission_id):
                return Outcome.ALREADY_STORED
            raise
        if submission.receipt_code is not None:
            problem = _consume(connection, link.id, submission.receipt_code)
            if problem is not None:
                connection.rollback()
                return problem
        connection.commit()
    return Outcome.STORED


def _consume(connection: Connection, link_id: int, code: str) -> Outcome | None:
    """Mark the code used if it belongs to this unit and is unused; otherwise say why not."""
    result = connection.execute(
        update(ReceiptCode.__table__)
        .where(ReceiptCode.code == code, ReceiptCode.campaign_unit_id == link_id, ReceiptCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if result.rowcount == 1:
        return None
    known = connection.scalar(select(exists().where(ReceiptCode.code == code,
                                                    ReceiptCode.campaign_unit_id == link_id)))
    return Outcome.CODE_USED if known else Outcome.CODE_UNKNOWN
