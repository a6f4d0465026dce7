"""gzip for text responses: pages, stylesheets, scripts.

A QR survey is opened on phones over slow rural connections, and the page's size is most of its load time: gzip
makes a survey page five to six times smaller, which keeps a whole QR survey (page, stylesheet, scripts) under
30 KB on the wire. The application compresses itself rather than relying on a reverse proxy, so a plain
``gunicorn`` install is as light as one behind nginx (a proxy that compresses sees ``Content-Encoding`` and leaves
the response alone).

Why not Flask-Compress: it would bring two compiled dependencies (brotli, zstd) for a few per cent more; the
standard library's gzip is understood by every browser and meets the budget.

BREACH (guessing a secret from compressed sizes) needs a page that holds a secret *and* reflects text an attacker
chooses, requested many times by the victim. Pages do reflect their link: the QR page writes ``?code=`` into the
receipt-code field, the planner its ``?margin=…`` settings, next to the CSRF token of the page's forms. So a page
whose query string holds anything but ``lang`` (checked against the known languages before it is shown) is sent
uncompressed (:func:`reflects_link`); such pages are rare (one per printed receipt, a staff member's planner), and
the common survey and kiosk pages stay compressed. Answers posted back and shown again with their errors are
reflected too, but an attacker cannot post them with the victim's token, so no size can be measured.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Flask, Response, request
from werkzeug.http import parse_accept_header

COMPRESSIBLE = frozenset({"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                          "image/svg+xml", "text/plain", "text/csv"})
MINIMUM_SIZE = 500  # below this, the gzip header and the CPU cost more than they save
MAXIMUM_SIZE = 8 * 1024 * 1024  # larger bodies (big exports) are sent as they are, not held in memory twice
_STATIC_CACHE: dict[tuple[str, str], bytes] = {}


def accepts_gzip() -> bool:
    """Whether this request's client takes gzip (its Accept-Encoding parsed once per distinct header)."""
    header = request.environ.get("HTTP_ACCEPT_ENCODING", "")
    return _gzip_quality(header) > 0 if len(header) <= 200 else request.accept_encodings["gzip"] > 0


@lru_cache(maxsize=256)
def _gzip_quality(header: str) -> float:
    return parse_accept_header(header)["gzip"]


def reflects_link() -> bool:
    """Whether the query string holds a value the page may show (anything but ``lang``): see BREACH above."""
    return any(key != "lang" for key in request.args)


def compress(response: Response) -> Response:
    """``after_request`` hook: gzip a text response when the client accepts it."""
    if (response.status_code < 200 or response.status_code in (204, 206, 304)
            or "Content-Encoding" in response.headers or response.mimetype not in COMPRESSIBLE):
        return response
    length = response.content_length
    if length is not None and length < MINIMUM_SIZE:
        return response  # never compressed, whatever the client accepts: no Vary needed (redirects, small JSON)
    static = request.endpoint == "static"
    if not static and reflects_link():
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip() or (response.is_streamed and not static):
        return response
    if length is not None and length > MAXIMUM_SIZE:
        return response
    etag, _ = response.get_etag()
    key = (request.path, etag or "")
    body = _STATIC_CACHE.get(key) if static and etag else None
    if body is None:
        response.direct_passthrough = False  # static files come as a file wrapper; read them once
        data = response.get_data()
        if len(data) < MINIMUM_SIZE:
            return response
        body = gzip.compress(data, compresslevel=6, mtime=0)
        if static and etag:
            if len(_STATIC_CACHE) > 256:
                _STATIC_CACHE.clear()
            _STATIC_CACHE[key] = body
    else:
        unread = response.response
        if hasattr(unread, "close"):
            unread.close()  # the file wrapper of the static file, not needed: its gzip is cached
        response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.set_etag(etag, weak=True)  # same content, other encoding: still matches If-None-Match weakly
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
