"""HTTP security headers for every response.

The content security policy allows scripts, styles and images from this server only: no inline script (the
templates use none), no third-party host, and no framing (a survey page inside another site could be used to
collect answers under false pretences).
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


#: The headers every response carries; a view may set its own value of any of them first.
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # Survey links carry the unit's token: never leak it to another site through the Referer header.
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


#: Blueprints whose pages are for signed-in staff: citizens' comments, unit figures, account lists.
STAFF_BLUEPRINTS = frozenset({"admin", "reports", "auth"})


def set_headers(response: Response) -> Response:
    """Add the missing ones of :data:`HEADERS` (one pass over the response's headers, not one per header).

    A staff page is never kept by the browser or a proxy (``private, no-store``): a citizen's comment or an agency's
    figures must not stay in the cache of a shared office computer after sign-out. A view that chose its own
    caching (a chart image) keeps it.
    """
    present = {key.lower() for key in response.headers.keys()}
    response.headers.extend([(key, value) for key, value in HEADERS if key.lower() not in present])
    if "cache-control" not in present and request.blueprint in STAFF_BLUEPRINTS:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_headers)
