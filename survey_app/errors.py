"""Friendly error pages: a person sees what happened and what to do, in their language, never a traceback."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Flask, render_template
from flask_babel import format_time, format_timedelta, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from .extensions import limiter

MESSAGES = {
    400: (_l("Something in the request was not right"), _l("Go back and try again.")),
    403: (_l("You do not have access to this page"), _l("Sign in with an account that has access.")),
    404: (_l("Page not found"), _l("Check the address, or scan the QR code again.")),
    405: (_l("This action is not allowed here"), _l("Go back and try again.")),
    410: (_l("This survey is closed"), _l("Thank you for your interest.")),
    413: (_l("The answers sent were too large"), _l("Shorten your comment and send again.")),
    429: (_l("Too many attempts"), _l("Wait a minute, then try again.")),
    500: (_l("Something went wrong on our side"), _l("Your answers were not lost if you saw a thank-you page. "
                                                     "Otherwise please try again in a few minutes.")),
}


def render_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    title, advice = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if code == 429:
        advice = _retry_advice() or advice
    return render_template("error.html", title=title, advice=advice, code=code), code


def _retry_advice() -> str | None:
    """When the limit that refused this request lets the client try again, in words and as a time of day."""
    reset_at = max((limit.reset_at for limit in limiter.current_limits if limit.breached), default=None)
    if reset_at is None:
        return None
    wait = max(1, reset_at - int(time.time()))
    return gettext("Try again %(when)s (at %(time)s).", when=format_timedelta(wait, add_direction=True,
                                                                              threshold=1.0),
                   time=format_time(datetime.fromtimestamp(reset_at, UTC), "short"))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
