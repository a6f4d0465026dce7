"""Flask's signed-cookie session, with the signing serializer and its HMAC keys made once instead of per request.

Flask builds a new serializer on every request, and itsdangerous derives the HMAC key from the secret key on
every signature it makes or checks. Every survey request opens the session (it holds the CSRF token's secret),
so at hundreds of submissions a second that setup was a visible share of the server's time. The cookies are
exactly Flask's: same salt, key derivation, digest and format; only the objects are kept.
"""

from __future__ import annotations

from typing import ClassVar

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

EXTENSION_KEY = "survey_session_serializer"


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
        identity = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = app.extensions.get(EXTENSION_KEY)
        if cached is None or cached[0] != identity:
            serializer = super().get_signing_serializer(app)
            assert serializer is not None
            serializer.signer = KeyCachingSigner
            cached = (identity, serializer)
            app.extensions[EXTENSION_KEY] = cached
        return cached[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
