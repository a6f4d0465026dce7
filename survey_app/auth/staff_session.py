"""A staff session: what the signed cookie carries, and what ends it.

Sessions live in signed cookies, which the server cannot delete. So the cookie carries the account's *session
version* with its id (``User.get_id``: ``"12.3"``), and a cookie counts only while that version is the account's
current one. Signing out, a password change or reset, and disabling the account raise the version, which ends
every session of that account opened before, on every device and server; enabling the account again does not
lower it, so old cookies stay dead. A session also ends after ``STAFF_SESSION_IDLE_SECONDS`` without a staff
request (a working day by default): the time of the last one is kept in the signed cookie, refreshed at most once
a minute so that most requests do not re-send the cookie.
"""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user

from ..models import User
from ..platform.extensions import db

#: Session key of the time (Unix seconds) of the session's last staff request.
SEEN_KEY = "staff_seen"
#: How stale the recorded time may get before a request records it again.
REFRESH_SECONDS = 60


def begin(user: User) -> None:
    """Sign ``user`` in on this session (after the caller has cleared it)."""
    login_user(user)
    session[SEEN_KEY] = int(time.time())


def load(user_id: str) -> User | None:
    """The account a session's id names, if that session may still act for it; else None (and forget the id)."""
    user = _current_account(user_id)
    now = int(time.time())
    seen = session.get(SEEN_KEY)
    idle = current_app.config["STAFF_SESSION_IDLE_SECONDS"]
    if user is None or not isinstance(seen, int) or now - seen > idle:
        session.pop("_user_id", None)
        session.pop(SEEN_KEY, None)
        return None
    if now - seen >= REFRESH_SECONDS:
        session[SEEN_KEY] = now
    return user


def _current_account(user_id: str) -> User | None:
    account, _, version = user_id.partition(".")
    if not (account.isdigit() and version.isdigit()):
        return None  # also a cookie from before session versions: it carried the bare id
    user = db.session.get(User, int(account))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_all(user: User) -> None:
    """End every session of ``user`` opened so far (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1
