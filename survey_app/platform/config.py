"""Default configuration; ``instance/config.py`` and the environment override it (see ``create_app``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def defaults(instance_path: str) -> dict[str, object]:
    """Settings that make a fresh clone work: SQLite in ``instance/``, Vietnamese first."""
    return {
        "SECRET_KEY": None,  # filled from instance/secret_key when neither config nor environment gives one
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "survey.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        # A kiosk may stand idle for hours: the CSRF token must outlive that (a stale token is also
        # handled gracefully by the survey blueprint, keeping the respondent's answers).
        "WTF_CSRF_TIME_LIMIT": 24 * 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # False so the demo works on http://127.0.0.1; production (HTTPS) sets both to True in instance/config.py.
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "RATELIMIT_STORAGE_URI": "memory://",
        # When the shared store (Redis) cannot be reached, count in memory rather than refuse every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "SUBMIT_RATE_LIMIT": "60 per minute",
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Failed sign-ins on one account from one address; then the same from all addresses together, a daily
        # backstop above the 480 a day one address can reach under the limit before (auth/routes.py).
        "LOGIN_ACCOUNT_RATE_LIMIT": "20 per hour",
        "LOGIN_ACCOUNT_BACKSTOP_LIMIT": "1000 per day",
        # A staff session ends after this long without a staff request: a working day (auth/staff_session.py).
        "STAFF_SESSION_IDLE_SECONDS": 8 * 3600,
        "KIOSK_IDLE_SECONDS": 90,
        "KIOSK_THANKS_SECONDS": 8,
        "KIOSK_NOTICE_REFRESH_SECONDS": 300,  # a kiosk between campaigns looks again for the next one
        "QUESTIONNAIRE_DIR": None,  # None: the shipped questionnaires
        "TRANSLATIONS_DIR": str(Path(__file__).resolve().parents[2] / "translations"),
        "SEND_FILE_MAX_AGE_DEFAULT": 7 * 24 * 3600,
        "MAX_CONTENT_LENGTH": 512 * 1024,
        # Kiosk health: a kiosk is flagged when silent this long during opening hours (province time; Monday = 0).
        "KIOSK_SILENT_MINUTES": 30,
        "KIOSK_OPENING_DAYS": (0, 1, 2, 3, 4),
        "KIOSK_OPENING_HOURS": ("07:30", "17:00"),
        # Alerts: the yes/no items that report an informal payment, and e-mail through SMTP (README, "Alerts").
        "INFORMAL_PAYMENT_ITEMS": ("informal_payment", "extra_fees"),
        # Comments (reports/topics.py, reports/comments.py): the topics staff tag comments with (keys of the built-in
        # topics, or {"key": "Label"}), and whether a comment mentioning an informal payment is kept from the unit
        # concerned (the province administrator still reads it); README, "Working the comments".
        "COMMENT_TOPICS": ("waiting_time", "attitude", "fees", "facilities", "procedures"),
        "COMMENT_PAYMENT_WITHHELD_FROM_UNITS": True,
        "ALERTS_DAILY_DIGEST": False,
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_DEFAULT_SENDER": "",
    }


def from_environment() -> dict[str, object]:
    """``SECRET_KEY``, ``DATABASE_URL`` and ``RATELIMIT_STORAGE_URI`` from the environment, when set: the values
    every application server of a province shares."""
    settings: dict[str, object] = {}
    for name in ("SECRET_KEY", "RATELIMIT_STORAGE_URI"):
        if os.environ.get(name):
            settings[name] = os.environ[name]
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    return settings


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` spellings hosting platforms hand out; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in ``instance/secret_key`` so sessions survive restarts of a default install."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()
