"""HTTP security headers for every response.

The content security policy allows scripts, styles and images from this server only: no inline script (the
templates use none), no third-party host, and no framing (a survey page inside another site could be used to
collect answers under false pretences).

The referrer policy differs by page. Survey pages carry the unit's link token in their address, so they send no
``Referer`` at all. Every other page (sign-in and staff pages) uses ``same-origin``: the browser sends the
address only to this site, never to another, and Flask-WTF needs it — behind HTTPS its CSRF check
(``WTF_CSRF_SSL_STRICT``) refuses a form posted without a same-origin ``Referer``, which would make signing in
impossible.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


#: The headers every staff (and any other non-survey) response carries; a view may set its own value first.
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
#: The same for survey pages, except that their links carry the unit's token: no Referer, not even to this site.
SURVEY_HEADERS = tuple((key, "no-referrer" if key == "Referrer-Policy" else value) for key, value in HEADERS)
SURVEY_BLUEPRINT = "survey"


#: Blueprints whose pages are for signed-in staff: citizens' comments, unit figures, account lists.
STAFF_BLUEPRINTS = frozenset({"admin", "reports", "auth"})


def set_headers(response: Response) -> Response:
    """Add the missing ones of the page's headers (one pass over the response's headers, not one per header).

    A staff page is never kept by the browser or a proxy (``private, no-store``): a citizen's comment or an agency's
    figures must not stay in the cache of a shared office computer after sign-out. A view that chose its own
    caching (a chart image) keeps it.
    """
    headers = SURVEY_HEADERS if request.blueprint == SURVEY_BLUEPRINT else HEADERS
    present = {key.lower() for key in response.headers.keys()}
    response.headers.extend([(key, value) for key, value in headers if key.lower() not in present])
    if "cache-control" not in present and request.blueprint in STAFF_BLUEPRINTS:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_headers)
