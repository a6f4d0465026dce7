"""HTTP security headers for every response.

The content security policy allows scripts, styles and images from this server only: no inline script (the
templates use none), no third-party host, and no framing (a survey page inside another site could be used to
collect answers under false pretences).
"""

from __future__ import annotations

from flask import Flask, Response

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


def set_headers(response: Response) -> Response:
    """Add the missing ones of :data:`HEADERS` (one pass over the response's headers, not one per header)."""
    present = {key.lower() for key in response.headers.keys()}
    response.headers.extend([(key, value) for key, value in HEADERS if key.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_headers)
