"""Friendly error pages: a person sees what happened and what to do, in their language, never a traceback."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Flask, render_template, request
from flask_babel import format_time, format_timedelta, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
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


# Staff pages keep the staff menu and speak to staff: no "scan the QR code again" for an officer who followed a
# stale link. A unit the user may not see is a 404 too, so the wording never says whether the page exists.
STAFF_MESSAGES = {
    403: (_l("You do not have access to this page"),
          _l("This page is for province administrators. Ask one of them if you need it.")),
    404: (_l("Page not found"),
          _l("This page does not exist, or your account cannot see it. Check the address, or go back.")),
}
STAFF_BLUEPRINTS = ("admin", "reports", "auth")
CITIZEN_PREFIXES = ("/k/", "/s/")


def _is_staff_page() -> bool:
    if request.blueprint in STAFF_BLUEPRINTS:
        return True
    citizen = request.blueprint == "survey" or request.path.startswith(CITIZEN_PREFIXES)
    return not citizen and current_user.is_authenticated


def render_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code in STAFF_MESSAGES and _is_staff_page():
        title, advice = STAFF_MESSAGES[code]
        return render_template("error_staff.html", title=title, advice=advice, code=code,
                               referrer=request.referrer if _same_site(request.referrer) else None), code
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


def _same_site(url: str | None) -> bool:
    """Offer "back" only to a page of this site (a referrer is the browser's claim)."""
    return bool(url) and str(url).startswith(request.host_url)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
