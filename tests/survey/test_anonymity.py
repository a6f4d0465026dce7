"""Nothing stored, exported or logged can time or order an answer finer than the day (issue 11, finding 6).

A response stored to the microsecond with its receipt code marked used 5 ms later could be joined to the printed
slip, and so to the person who was handed it; a sequential id, or rows in storage order, tell who answered first.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from survey_app import create_app
from survey_app.__main__ import AnonymousRequestHandler
from survey_app.platform.extensions import db
from tests.survey.conftest import SMALL_ANSWERS, fill

pytestmark = pytest.mark.usefixtures("small_questionnaire")

_CLOCK = re.compile(r"\d{1,2}:\d{2}")


def _every_row(app: Flask) -> set[tuple[str, str, str, bool]]:
    """(table, column, value, whether it is a time of day) of every cell of every table."""
    with app.app_context():
        cells = set()
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).mappings():
                cells.update((table.name, column, repr(value), _is_time(value)) for column, value in row.items())
        return cells


def _is_time(value: Any) -> bool:
    """A date-time, a time, or text or a number that looks like one (a Unix time, "08:30")."""
    if isinstance(value, (datetime, time)):
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value > 10**9
    return isinstance(value, str) and bool(_CLOCK.search(value))


def test_a_receipt_answer_leaves_no_time_finer_than_the_day(app: Flask, client: FlaskClient,
                                                           campaign_unit: dict[str, Any],
                                                           receipt_codes: Callable[..., None]) -> None:
    receipt_codes("AB12CD34", "ZZ99ZZ99")
    before = _every_row(app)
    url = f"/s/{campaign_unit['token']}?code=AB12CD34"
    assert fill(client, url, {**SMALL_ANSWERS, "receipt_code": "AB12CD34"}, lang=None).status_code == 303
    new = _every_row(app) - before
    assert {table for table, _, _, _ in new} == {"responses", "receipt_codes", "campaigns"}
    # The campaign's row changes only by its response counter (survey_app/revision.py): a count, no time.
    assert {column for table, column, _, _ in new if table == "campaigns"} == {"responses_received"}
    for table, column, value, is_time in new:
        assert not is_time, (table, column, value)
    with app.app_context():
        for table in ("responses", "receipt_codes"):
            kinds = {c.name: type(c.type).__name__ for c in db.metadata.tables[table].columns}
            assert "DateTime" not in kinds.values() and "Time" not in kinds.values(), kinds
        assert db.session.execute(text("SELECT code, used FROM receipt_codes ORDER BY code")).all() == [
            ("AB12CD34", True), ("ZZ99ZZ99", False)]
        (day,) = db.session.execute(text("SELECT submitted_on FROM responses")).scalars().all()
        assert str(day)[:10] == datetime.now(app_zone(app)).date().isoformat()


def app_zone(app: Flask) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])


def test_the_day_is_the_provinces(app: Flask, client: FlaskClient, campaign_unit: dict[str, Any],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """At 23:30 UTC it is already tomorrow in Hanoi; the setting decides the zone."""
    from survey_app import models

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return datetime(2026, 7, 14, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(models, "datetime", Clock)
    with app.app_context():
        assert models.province_today() == date(2026, 7, 15)
        app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/London"  # 00:30 British summer time
        assert models.province_today() == date(2026, 7, 15)
        app.config["BABEL_DEFAULT_TIMEZONE"] = "America/New_York"
        assert models.province_today() == date(2026, 7, 14)


def test_exports_carry_no_id_and_no_time(app: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                         campaign_unit: dict[str, Any], tmp_path: Path) -> None:
    for _ in range(3):
        assert fill(client, f"/k/{campaign_unit['kiosk_token']}/questions", SMALL_ANSWERS).status_code == 303
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["responses", "export", "--campaign", str(campaign_unit["campaign_id"]),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3
    assert "response_id" not in rows[0] and "id" not in rows[0] and "submission_id" not in rows[0]
    assert {r["submitted_on"] for r in rows} == {datetime.now(app_zone(app)).date().isoformat()}
    assert not any(_CLOCK.search(value) for row in rows for value in row.values())


def test_the_access_log_keeps_no_query_string(caplog: pytest.LogCaptureFixture) -> None:
    handler = AnonymousRequestHandler.__new__(AnonymousRequestHandler)
    handler.command, handler.request_version = "GET", "HTTP/1.1"
    handler.path = "/s/tok?code=AB12CD34&lang=vi"
    handler.requestline = f"GET {handler.path} HTTP/1.1"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler.log_request(200, 512)
    assert "GET /s/tok HTTP/1.1" in caplog.text
    assert "AB12CD34" not in caplog.text and "?" not in caplog.text


def test_the_migration_keeps_each_answers_local_day(tmp_path: Path) -> None:
    """Old rows: the UTC time becomes the day in Asia/Ho_Chi_Minh (UTC+7); a used receipt becomes a flag."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "SECRET_KEY": "x"})
    stamps = {"a": "2026-07-14 16:59:59.999999", "b": "2026-07-14 17:00:00.000000",
              "c": "2026-07-15 16:30:00.000000", "d": "2026-07-20 03:00:00.000000"}
    with app.app_context():
        upgrade(revision="2822f0a295d3")
        db.session.execute(text("INSERT INTO campaigns VALUES (1, 'Q3', '2026-07-01', '2026-09-30', 'open', "
                                "'2026-06-01 00:00:00')"))
        db.session.execute(text("INSERT INTO units VALUES (1, 'MC', 'Unit', 'one_stop', 'commune', '', 'vi')"))
        db.session.execute(text("INSERT INTO campaign_units VALUES (1, 1, 1, 'one_stop', 10, NULL, 'tok', 1)"))
        for n, (key, stamp) in enumerate(stamps.items()):
            db.session.execute(text("INSERT INTO responses VALUES (:id, 1, 1, 'one_stop', 1, 'qr', 'vi', :at, '{}', "
                                    ":sid, 0)"), {"id": n + 1, "at": stamp, "sid": key})
        db.session.execute(text("INSERT INTO receipt_codes VALUES (1, 1, 'USED', '2026-07-15 16:30:00.005000'), "
                                "(2, 1, 'FRESH', NULL)"))
        db.session.commit()
        upgrade()
        days = dict(db.session.execute(text("SELECT submission_id, submitted_on FROM responses")).all())
        assert days == {"a": "2026-07-14", "b": "2026-07-15", "c": "2026-07-15", "d": "2026-07-20"}
        used = dict(db.session.execute(text("SELECT code, used FROM receipt_codes")).all())
        assert used == {"USED": 1, "FRESH": 0}
        db.session.commit()
        downgrade(revision="2822f0a295d3")  # and back: the start of each local day, in UTC
        back = dict(db.session.execute(text("SELECT submission_id, submitted_at FROM responses")).all())
        assert back["b"].startswith("2026-07-14 17:00:00") and back["d"].startswith("2026-07-19 17:00:00")
