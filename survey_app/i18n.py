"""Locale choice and fallback.

Order of preference for a request: an explicit choice (``?lang=`` or the language buttons, kept in the
respondent's session), then the browser's ``Accept-Language``, then the unit's default language (set by the
survey pages on ``g.unit_locale``), then Vietnamese. Only languages that have a catalog are offered; an unknown
code never raises, it falls back.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, request, session

from .extensions import babel

DEFAULT_LOCALE = "vi"
SESSION_KEY = "locale"


def available_locales() -> list[str]:
    """Locale codes with a catalog folder in the translations directory, Vietnamese first."""
    root = Path(current_app.config["TRANSLATIONS_DIR"])
    if not root.is_dir():
        return [DEFAULT_LOCALE]
    found = sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())
    return [DEFAULT_LOCALE] + [code for code in found if code != DEFAULT_LOCALE]


def normalise(code: str | None) -> str | None:
    """Map ``en-US``/``EN`` to a catalog code we have, or ``None``."""
    if not code:
        return None
    code = code.strip().replace("-", "_")
    available = available_locales()
    for candidate in (code, code.split("_")[0]):
        for known in available:
            if known.lower() == candidate.lower():
                return known
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    explicit = normalise(request.args.get("lang")) or normalise(session.get(SESSION_KEY))
    if explicit:
        return explicit
    best = request.accept_languages.best_match(available_locales())
    if best:
        return best
    return normalise(getattr(g, "unit_locale", None)) or DEFAULT_LOCALE


def current_locale_code() -> str:
    """The active locale as a BCP 47 tag for ``<html lang>``."""
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale).replace("_", "-") if locale is not None else DEFAULT_LOCALE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", app.config["TRANSLATIONS_DIR"])
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_locale_code"] = current_locale_code
