"""E-mailing alerts through the province's SMTP server, each alert once (``flask alerts send``, run from cron).

Who gets what: every active province administrator gets every new alert; an active agency account gets the new
alerts about its own units except informal payments (see :mod:`.alerts`). One message per person per run lists
that person's new alerts. ``ALERTS_DAILY_DIGEST = True`` sends at most one such message a day (the first run of
the day sends everything new since the last one); otherwise each run sends what is new.

An alert is recorded as sent (``alert_notices``) only after the SMTP server accepted every message of the run,
so a mail server that is down delays alerts to the next run and loses none. The standard library's ``smtplib``
does the sending: settings ``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_USE_SSL``,
``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER`` (README, "Alerts").
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from flask_babel import gettext as _
from sqlalchemy import select

from .alerts import KIND_TITLES, KINDS, Alert
from .models import AlertNotice, User
from .platform.extensions import db


class MailError(Exception):
    """The SMTP server could not be reached or refused a message; the text says which and why."""


@dataclass(frozen=True)
class Outcome:
    messages: int
    alerts: int


def sent_keys() -> dict[str, date]:
    return dict(db.session.execute(select(AlertNotice.key, AlertNotice.sent_on)).all())


def recipients(alerts: Sequence[Alert]) -> dict[str, list[Alert]]:
    """E-mail address → the alerts that person may receive (see the module docstring)."""
    chosen: dict[str, list[Alert]] = {}
    for user in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)):
        if user.is_admin:
            mine = list(alerts)
        else:
            own = {unit.id for unit in user.units}
            mine = [alert for alert in alerts if alert.unit_id in own and not alert.admin_only]
        if mine:
            chosen[user.email] = mine
    return chosen


def _message(sender: str, to: str, alerts: Sequence[Alert]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = _("Survey alerts: %(count)d new", count=len(alerts))
    message["From"], message["To"] = sender, to
    lines = [_("These results of the citizen satisfaction survey need attention:"), ""]
    for kind in KINDS:
        mine = [alert for alert in alerts if alert.kind == kind]
        if mine:
            lines += [str(KIND_TITLES[kind]), *(f"- {a.unit} ({a.campaign}): {a.text}" for a in mine), ""]
    lines.append(_("Each alert is sent once. The alerts page lists everything that needs attention now."))
    message.set_content("\n".join(lines))
    return message


def _deliver(messages: Sequence[EmailMessage], config: Mapping[str, object]) -> None:
    host, port = str(config.get("MAIL_SERVER") or ""), int(config.get("MAIL_PORT") or 25)  # type: ignore[call-overload]
    if not host:
        raise MailError(_("No mail server is set: set MAIL_SERVER (and MAIL_PORT) in instance/config.py."))
    try:
        if config.get("MAIL_USE_SSL"):
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=30, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=30)
        with server:
            if config.get("MAIL_USE_TLS"):
                server.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                server.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
            for message in messages:
                server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        address = f"{host}:{port}"
        raise MailError(_("The mail server %(server)s did not take the alerts: %(error)s",
                          server=address, error=error)) from error


def send_due(alerts: Sequence[Alert], today: date, config: Mapping[str, object]) -> Outcome:
    """E-mail the alerts not sent before; record them once the server took every message."""
    done = sent_keys()
    digest_key = f"digest:{today.isoformat()}"
    if config.get("ALERTS_DAILY_DIGEST") and digest_key in done:
        return Outcome(0, 0)
    new = [alert for alert in alerts if alert.key not in done]
    if not new:
        return Outcome(0, 0)
    sender = str(config.get("MAIL_DEFAULT_SENDER") or "survey@localhost")
    messages = [_message(sender, to, mine) for to, mine in recipients(new).items()]
    _deliver(messages, config)
    keys = [alert.key for alert in new] + ([digest_key] if config.get("ALERTS_DAILY_DIGEST") else [])
    db.session.add_all(AlertNotice(key=key, sent_on=today) for key in keys)
    db.session.commit()
    return Outcome(len(messages), len(new))
