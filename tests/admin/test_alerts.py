"""Alerts: what the province page lists, and e-mail through a real SMTP server (aiosmtpd on 127.0.0.1).

The world (tests/admin/conftest.py): unit A (one-stop shop, target 90 %) and unit B (hospital) in an open campaign,
an administrator, and an agency account bound to unit A.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from survey_app.models import AlertNotice, KioskDevice, Response, User
from survey_app.platform.extensions import db
from tests.admin.conftest import ADMIN, AGENCY, ALWAYS_OPEN, World
from tests.staff import text


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)  # type: ignore[attr-defined]
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [m.get_payload(decode=True).decode() for m in self.messages if m["X-Rcpt"] == address]


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="khaosat@tinh.gov.vn",
                      BABEL_DEFAULT_LOCALE="en")
    yield handler
    controller.stop()


def _answers(app: Flask, world: World, overall: list[int], paid: int) -> None:
    """Unit A answers: ``overall`` codes (1–5), the first ``paid`` of them reporting an informal payment."""
    with app.app_context():
        db.session.add_all(
            Response(campaign_id=world.campaign, unit_id=world.unit_a, questionnaire_id="one_stop",
                     questionnaire_version=1, channel="qr", locale="vi", submission_id=uuid.uuid4().hex,
                     answers={"overall": value, "informal_payment": "yes" if i < paid else "no"})
            for i, value in enumerate(overall))
        db.session.commit()


def test_alerts_reach_the_right_people_once(app: Flask, runner: FlaskCliRunner, world: World, inbox: Inbox) -> None:
    # 40 answers, 20 satisfied: 50 % with a 95 % CI far below the 90 % target, so the verdict is "below".
    _answers(app, world, [5] * 20 + [2] * 20, paid=3)
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    admin, agency = " ".join(inbox.to(ADMIN)), " ".join(inbox.to(AGENCY))
    assert "Bộ phận Một cửa thử nghiệm" in admin and "below the target of 90.0 %" in admin
    assert "3 respondents reported an informal payment" in admin
    assert "below the target of 90.0 %" in agency
    assert "informal payment" not in agency  # never to the unit concerned
    assert "Bệnh viện B" not in agency  # another unit's alerts
    assert len(inbox.messages) == 2
    again = runner.invoke(args=["alerts", "send"])
    assert again.output.strip() == "No new alert to send." and len(inbox.messages) == 2  # each alert once


def test_a_new_alert_goes_out_on_the_next_run(app: Flask, runner: FlaskCliRunner, world: World,
                                              inbox: Inbox) -> None:
    runner.invoke(args=["alerts", "send"])
    first = len(inbox.messages)
    with app.app_context():
        db.session.add(KioskDevice(unit_id=world.unit_b, device_id="bbbbbb222222", unsent=5,
                                   last_seen=datetime.utcnow() - timedelta(days=3)))  # noqa: DTZ003
        db.session.commit()
    app.config.update(ALWAYS_OPEN)
    runner.invoke(args=["alerts", "send"])
    assert len(inbox.messages) == first + 1  # the administrator only: the agency account is not bound to B
    assert "Kiosk bbbbbb has not reported since" in inbox.to(ADMIN)[-1] and "5 answers wait" in inbox.to(ADMIN)[-1]


def test_a_kiosk_with_refused_answers_is_listed_and_told_once_per_new_refusal(
        app: Flask, admin_client: FlaskClient, runner: FlaskCliRunner, world: World, inbox: Inbox) -> None:
    with app.app_context():
        db.session.add(KioskDevice(unit_id=world.unit_a, device_id="aaaaaa111111", refused=2,
                                   last_seen=datetime.utcnow()))  # noqa: DTZ003
        db.session.commit()
    page = text(admin_client.get("/admin/alerts"))
    assert 'id="alerts-refused"' in page and "Kiosk aaaaaa kept 2 answers while offline that were refused" in page
    runner.invoke(args=["alerts", "send"])
    assert any("Kiosk aaaaaa kept 2 answers" in body for body in inbox.to(AGENCY))  # the unit's own kiosk
    sent = len(inbox.messages)
    runner.invoke(args=["alerts", "send"])
    assert len(inbox.messages) == sent  # the same two refusals: not told again
    with app.app_context():
        db.session.query(KioskDevice).one().refused = 3
        db.session.commit()
    runner.invoke(args=["alerts", "send"])
    assert "Kiosk aaaaaa kept 3 answers" in inbox.to(ADMIN)[-1]


def test_daily_digest_sends_once_a_day(app: Flask, runner: FlaskCliRunner, world: World, inbox: Inbox) -> None:
    app.config["ALERTS_DAILY_DIGEST"] = True
    runner.invoke(args=["alerts", "send"])
    sent = len(inbox.messages)
    assert sent >= 1
    _answers(app, world, [1] * 30, paid=1)  # new alerts today wait for tomorrow's digest
    runner.invoke(args=["alerts", "send"])
    assert len(inbox.messages) == sent
    with app.app_context():
        for notice in db.session.query(AlertNotice).filter(AlertNotice.key.like("digest:%")):
            notice.key = f"digest:{date(2000, 1, 1)}"  # as if the last digest went out on an earlier day
        db.session.commit()
    runner.invoke(args=["alerts", "send"])
    assert len(inbox.messages) > sent and "informal payment" in inbox.to(ADMIN)[-1]


def test_mail_server_down_keeps_the_alerts_for_the_next_run(app: Flask, runner: FlaskCliRunner,
                                                            world: World) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the socket is closed
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, BABEL_DEFAULT_LOCALE="en")
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 1 and f"The mail server 127.0.0.1:{port} did not take the alerts" in result.output
    with app.app_context():
        assert db.session.query(AlertNotice).count() == 0


def test_no_mail_server_is_a_clear_error(app: Flask, runner: FlaskCliRunner, world: World) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 1
    assert "No mail server is set: set MAIL_SERVER (and MAIL_PORT) in instance/config.py." in result.output


def test_alerts_page_lists_what_needs_attention(app: Flask, admin_client: FlaskClient, world: World) -> None:
    _answers(app, world, [5] * 20 + [2] * 20, paid=2)
    page = text(admin_client.get("/admin/alerts"))
    assert 'id="alerts-below"' in page and 'id="alerts-payment"' in page and 'id="alerts-behind"' in page
    assert "2 respondents reported an informal payment" in page
    assert "Seen by province administrators only" in page


def test_a_campaign_with_a_single_answer_still_shows_the_alerts(app: Flask, admin_client: FlaskClient,
                                                                 world: World) -> None:
    # One respondent in all has no variance; the page must list the other alerts, not fail.
    _answers(app, world, [2], paid=1)
    response = admin_client.get("/admin/alerts")
    assert response.status_code == 200
    assert 'id="alerts-payment"' in text(response)


def test_a_disabled_account_gets_no_alert(app: Flask, runner: FlaskCliRunner, world: World, inbox: Inbox) -> None:
    with app.app_context():
        db.session.query(User).filter_by(email=AGENCY).one().active = False
        db.session.commit()
    _answers(app, world, [1] * 30, paid=0)
    runner.invoke(args=["alerts", "send"])
    assert inbox.to(AGENCY) == [] and inbox.to(ADMIN)
