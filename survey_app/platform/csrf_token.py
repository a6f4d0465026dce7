"""Flask-WTF's CSRF token for the survey pages, issued and checked with less work: same tokens, same checks.

Every survey page carries a token and every submission is checked against it. Flask-WTF's ``generate_csrf`` and
``validate_csrf`` build a serializer at each call, which JSON-encodes the session's raw token, tries to zlib-compress
it and base64-encodes it before signing, and undoes all of that when checking: in a submission's server time this
was a tenth. The encoded raw token depends only on the raw token, which stays the same for a whole visit, so here it
is encoded once and kept; signing and checking are itsdangerous' own (a ``TimestampSigner`` with the same salt, key
derivation and digest, its HMAC key derived once). The result is byte for byte the token Flask-WTF makes: the signed
token is cached in ``g`` under the same name, tokens from either side pass the other's check (a test holds both), and
the errors are Flask-WTF's.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from typing import cast

from flask import current_app, g, session
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from wtforms.validators import ValidationError

from .cookie_session import KeyCachingSigner

SALT = "wtf-csrf-token"  # Flask-WTF's
EXTENSION_KEY = "survey_csrf_signer"


@lru_cache(maxsize=4096)
def _payload(raw: str, secret_key: str | bytes) -> bytes:
    """The raw token as Flask-WTF's serializer encodes it before signing (JSON, maybe zlib, base64)."""
    return URLSafeTimedSerializer(secret_key, salt=SALT).dump_payload(raw)


def _signer(secret_key: str | bytes) -> KeyCachingSigner:
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != secret_key:
        serializer = URLSafeTimedSerializer(secret_key, salt=SALT, signer=KeyCachingSigner)
        cached = (secret_key, serializer.make_signer(SALT), serializer)
        current_app.extensions[EXTENSION_KEY] = cached
    return cast(KeyCachingSigner, cached[1])  # made by signer=KeyCachingSigner


def _settings() -> tuple[str | bytes, str]:
    secret_key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not secret_key:
        raise RuntimeError("A secret key is required to use CSRF.")
    return secret_key, current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"


def generate() -> str:
    """This request's signed token: the same one ``flask_wtf.csrf.generate_csrf`` returns in this request."""
    secret_key, field_name = _settings()
    token = g.get(field_name)
    if token is None:
        raw = session.get(field_name)
        if not isinstance(raw, str):  # none yet (or not a token): a fresh one, as Flask-WTF makes it
            raw = session[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
        token = _signer(secret_key).sign(_payload(raw, secret_key)).decode("ascii")
        setattr(g, field_name, token)
    return token


def validate(data: object) -> None:
    """Raise ``ValidationError`` unless ``data`` is a token of this session, signed within the time limit."""
    secret_key, field_name = _settings()
    time_limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field_name not in session:
        raise ValidationError("The CSRF session token is missing.")
    raw = session[field_name]
    try:
        payload = _signer(secret_key).unsign(data, max_age=time_limit)  # type: ignore[call-overload]
        if isinstance(raw, str) and hmac.compare_digest(payload, _payload(raw, secret_key)):
            return
        # Signed by us but encoded otherwise: decode it as Flask-WTF would, then compare.
        token = current_app.extensions[EXTENSION_KEY][2].load_payload(payload)
    except SignatureExpired as error:
        raise ValidationError("The CSRF token has expired.") from error
    except BadData as error:
        raise ValidationError("The CSRF token is invalid.") from error
    if not isinstance(token, str) or not isinstance(raw, str) or not hmac.compare_digest(raw, token):
        raise ValidationError("The CSRF tokens do not match.")
