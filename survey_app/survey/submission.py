"""Storing one completed questionnaire: once per submission id, and at most once per receipt code.

A respondent may press Send twice, a phone may retry on a bad connection, two kiosks may share a receipt
code by mistake. The rules that keep the counts true:

* the response is inserted first; the unique ``submission_id`` makes a second insert fail, and that failure
  (or finding the id already stored) means "already stored": the caller shows the same thank-you page;
* a receipt code is consumed in the same transaction with ``UPDATE … WHERE NOT used``, so of two
  concurrent requests exactly one sees a row updated; the other rolls back its insert.

Nothing here reads the request: the caller passes plain values, so no client address can reach the row.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from flask import has_request_context, request
from sqlalchemy import Table, event, exists, insert, select, update
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..models import CampaignUnit, ReceiptCode, Response, province_today
from ..platform.extensions import db


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


def is_stored(submission_id: str) -> bool:
    return bool(db.session.scalar(select(exists().where(Response.submission_id == submission_id))))


#: The insert of a response; compiled once per database dialect by :func:`_execute_insert`.
_INSERT = insert(cast(Table, Response.__table__))


def store(submission: Submission) -> Outcome:
    """Insert the response (and consume the receipt code) in one transaction; see the module docstring.

    A plain insert, not the ORM's unit of work, and no "is it already there?" query first: the unique submission
    id is the check, and a repeated submission is rare (a double press, a retried phone), so it may cost a
    rollback and a second query. This was a third of a submission's server time.
    """
    link = submission.link
    row = {"campaign_id": link.campaign_id, "unit_id": link.unit_id, "questionnaire_id": submission.questionnaire_id,
           "questionnaire_version": submission.questionnaire_version, "channel": submission.channel,
           "locale": submission.locale, "submitted_on": province_today(), "answers": submission.answers,
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
            _execute_insert(connection, row)
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
    connection: Connection | None
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
        update(cast(Table, ReceiptCode.__table__))
        .where(ReceiptCode.code == code, ReceiptCode.campaign_unit_id == link_id, ReceiptCode.used.is_(False))
        .values(used=True)
    )
    if result.rowcount == 1:
        return None
    known = connection.scalar(select(exists().where(ReceiptCode.code == code,
                                                    ReceiptCode.campaign_unit_id == link_id)))
    return Outcome.CODE_USED if known else Outcome.CODE_UNKNOWN



@dataclass(frozen=True)
class _PreparedInsert:
    """The insert as the database driver takes it: SQL text, parameter order, and each column's conversion."""

    sql: str
    order: tuple[str, ...] | None  # positional drivers (SQLite's "?"); None: named parameters (psycopg)
    conversions: dict[str, Callable[[Any], Any]]


_PREPARED: dict[tuple[Dialect, tuple[str, ...]], _PreparedInsert] = {}


def _execute_insert(connection: Connection, row: dict[str, Any]) -> None:
    """``connection.execute(insert(Response), row)``, with the statement worked out once per database dialect.

    SQLAlchemy looks up the compiled statement, builds an execution context and converts each value on every call:
    more than SQLite takes to store the row. Here the compiled SQL and each column type's own bind conversion
    (JSON for the answers, the dialect's date-time format) are kept, and the values go through
    ``exec_driver_sql``, which still tracks the transaction and turns driver errors into SQLAlchemy's (the unique
    submission id still raises ``IntegrityError``).
    """
    dialect = connection.dialect
    keys = tuple(row)
    prepared = _PREPARED.get((dialect, keys))
    if prepared is None:
        compiled = _INSERT.compile(dialect=dialect, column_keys=list(keys))
        conversions: dict[str, Callable[[Any], Any]] = {}
        for key in keys:
            conversion = dialect.type_descriptor(Response.__table__.c[key].type).bind_processor(dialect)
            if conversion is not None:
                conversions[key] = conversion
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        if len(_PREPARED) >= 64:  # one per engine in practice; tests make many
            _PREPARED.clear()
        prepared = _PREPARED[(dialect, keys)] = _PreparedInsert(compiled.string, order, conversions)
    values = {key: (prepared.conversions[key](value) if key in prepared.conversions else value)
              for key, value in row.items()}
    connection.exec_driver_sql(prepared.sql,
                               tuple(values[key] for key in prepared.order) if prepared.order is not None else values)
