"""Flask's signed-cookie session, with less work per request: same cookies, same checks.

Every survey request opens the session (it holds the secret of the CSRF token), and a respondent sends the same
cookie with the form fetch and with the submission. Flask builds a new serializer each time, itsdangerous derives
the HMAC key from the secret key for every signature, then checks the signature and decodes the JSON: together
about a tenth of a submission's server time. Here the serializer and keys are made once, and a cookie whose
signature was checked in the last ``RECHECK_SECONDS`` is not checked and decoded again — the exact Cookie header it
came in is the cache key (so the header is not even parsed), so only a cookie this server signed and already
accepted can hit, and only sessions of plain values (strings, numbers) are kept, so no request can change what
another one reads. The cookie format, salt, key derivation and digest are exactly Flask's.
"""

from __future__ import annotations

import time
from typing import ClassVar

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

EXTENSION_KEY = "survey_session_serializer"
RECENT_KEY = "survey_recent_sessions"
RECHECK_SECONDS = 60.0
MAX_RECENT = 4096
LONGEST_KEPT = 4096  # bytes of Cookie header: browsers send at most a few KB
_PLAIN = (str, int, float, bool, type(None))


class KeyCachingSigner(TimestampSigner):
    """A timestamp signer that derives each HMAC key once per secret key, salt and method."""

    _derived: ClassVar[dict[tuple[object, ...], bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        cache_key = (secret_key if secret_key is not None else self.secret_keys[-1], self.salt,
                     self.key_derivation, self.digest_method)
        key = self._derived.get(cache_key)
        if key is None:
            key = super().derive_key(secret_key)
            if len(self._derived) > 64:  # only a rotated secret key adds entries
                self._derived.clear()
            self._derived[cache_key] = key
        return key


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, keeping one serializer per application and secret key."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        identity = _keys(app)
        cached = app.extensions.get(EXTENSION_KEY)
        if cached is None or cached[0] != identity:
            serializer = super().get_signing_serializer(app)
            assert serializer is not None
            serializer.signer = KeyCachingSigner
            cached = (identity, serializer)
            app.extensions[EXTENSION_KEY] = cached
        return cached[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # The whole Cookie header is the cache key: the same header carries the same session cookie, and a hit
        # skips parsing the header as well as checking the signature.
        header = request.environ.get("HTTP_COOKIE")
        if not header:
            return super().open_session(app, request)
        identity = _keys(app)
        kept = app.extensions.get(RECENT_KEY)
        if kept is None or kept[0] != identity:  # a new secret key: nothing checked with the old one counts
            kept = (identity, {})
            app.extensions[RECENT_KEY] = kept
        recent: dict[str, tuple[float, dict[str, object]]] = kept[1]
        now = time.monotonic()
        hit = recent.get(header)
        if hit is not None and now - hit[0] < RECHECK_SECONDS:
            return self.session_class(hit[1])
        session = super().open_session(app, request)
        if (session and request.cookies.get(self.get_cookie_name(app)) and len(header) <= LONGEST_KEPT
                and all(isinstance(item, _PLAIN) for item in session.values())):
            if len(recent) >= MAX_RECENT:
                recent.clear()
            recent[header] = (now, dict(session))
        return session


    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's, minus its dozen configuration look-ups when there is nothing to write (most requests)."""
        if not session.modified and not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def _keys(app: Flask) -> tuple[object, ...]:
    """The secret key and its fallbacks: what a serializer, or a cookie once checked, is valid for."""
    return (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
