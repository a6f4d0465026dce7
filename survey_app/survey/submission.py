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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_request_context, request
from sqlalchemy import event, exists, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

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

    A plain insert, not the ORM's unit of work, and no "is it already there?" query first: the unique submission
    id is the check, and a repeated submission is rare (a double press, a retried phone), so it may cost a
    rollback and a second query. This was a third of a submission's server time.
    """
    link = submission.link
    row = {"campaign_id": link.campaign_id, "unit_id": link.unit_id, "questionnaire_id": submission.questionnaire_id,
           "questionnaire_version": submission.questionnaire_version, "channel": submission.channel,
           "locale": submission.locale, "submitted_at": utcnow(), "answers": submission.answers,
           "submission_id": submission.submission_id, "comment_hidden": False}
    for attempt in (1, 2):
        try:
            return _insert(row, submission)
        except DBAPIError as error:  # a kept connection the database server dropped: once more on a new one
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def _insert(row: dict[str, Any], submission: Submission) -> Outcome:
    with storage_connection() as connection:
        try:
            connection.execute(_INSERT, row)
        except IntegrityError:
            connection.rollback()
            if is_stored(submission.submission_id):
                return Outcome.ALREADY_STORED
            raise
        if submission.receipt_code is not None:
            problem = _consume(connection, submission.link.id, submission.receipt_code)
            if problem is not None:
                connection.rollback()
                return problem
        connection.commit()
    return Outcome.STORED


class _Held(threading.local):
    connection: Connection | None = None


_held = _Held()


@contextmanager
def storage_connection() -> Iterator[Connection]:
    """A connection for one submission's transaction, ended (committed or rolled back) by the caller.

    A worker that serves one request at a time (gunicorn's sync worker: ``wsgi.multithread`` false) keeps one
    connection for its inserts instead of taking one from the pool and giving it back for each: the pool's
    check-out, reset and check-in cost more than the insert (a tenth of a submission's server time under load).
    Threaded servers take a pooled connection each time, so their threads never hold more connections than the
    pool has. A kept connection that fails (a restarted database server) is dropped, so the next submission
    opens a new one; the caller's transaction is always finished before the connection is used again.
    """
    engine = db.engine
    if has_request_context() and request.environ.get("wsgi.multithread"):
        with engine.connect() as connection:
            yield connection
        return
    connection = _held.connection
    if connection is None or connection.engine is not engine or connection.closed or connection.invalidated:
        if connection is not None:
            connection.close()
        connection = _held.connection = engine.connect()
    try:
        yield connection
    except BaseException as error:
        if isinstance(error, IntegrityError) or not isinstance(error, DBAPIError):
            if connection.in_transaction():
                connection.rollback()
        else:  # the connection itself may be broken: let the next submission start on a new one
            _held.connection = None
            connection.close()
        raise


@event.listens_for(Engine, "engine_disposed")
def _close_kept(engine: Engine) -> None:
    """Disposing of an engine closes its connections; the one this thread keeps as well, at once."""
    connection = _held.connection
    if connection is not None and connection.engine is engine:
        _held.connection = None
        connection.invalidate()  # closes the DB-API connection now rather than whenever it is collected
        connection.close()


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
