"""Locale choice and fallback.

Order of preference for a request:

1. ``?lang=<code>`` (a QR poster can carry a language), remembered in the session for the following pages;
2. the respondent's explicit choice on the start screen (:func:`choose_language`, kept in the session until
   :func:`forget_language`, which the kiosk calls after each respondent);
3. the browser's ``Accept-Language`` — except on a shared device (a kiosk), whose browser says nothing about
   the person in front of it;
4. the unit's default language (:func:`use_unit_language`, called by the survey pages);
5. Vietnamese.

Only languages with a catalog in the translations folder are chosen; an unknown code never raises, it falls
through. A language Babel/CLDR does not know (Tày ``tyz``, Dao ``ium``…) is supported by handing Flask-Babel
a *formatting* locale it can parse (Vietnamese unless the language's metadata says otherwise) while
:class:`CatalogDomain` serves the catalog of the real code. ``<html lang>`` carries the real code.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, get_locale, refresh
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from . import formats
from .catalog import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, Catalogs, Language, coverage
from .platform.extensions import babel

DEFAULT_LOCALE = FALLBACK_LANGUAGE
SESSION_KEY = "locale"
QUERY_PARAMETER = "lang"
EXTENSION_KEY = "survey_catalogs"
#: Longer language codes and Accept-Language headers are worked out each time rather than remembered, so that
#: odd requests cannot fill the memos below with large strings.
LONGEST_REMEMBERED = 200

log = logging.getLogger(__name__)


def catalogs() -> Catalogs:
    """The translations folder of the current application."""
    return current_app.extensions[EXTENSION_KEY]


def available_locales() -> list[str]:
    """Codes of the languages that have a catalog, Vietnamese first (always present)."""
    return list(_available())


def _available() -> tuple[str, ...]:
    codes = catalogs().code_tuple()
    return codes if DEFAULT_LOCALE in codes else (DEFAULT_LOCALE, *codes)


def languages() -> list[Language]:
    """Every language with a catalog, with its name in itself; Vietnamese first."""
    return catalogs().languages()


def language_name(code: str) -> str:
    """The language's name in itself ("Tiếng Việt", "English"), or the code when there is no such language."""
    return catalogs().language(code).name if code in _available() else code


def normalise(code: str | None) -> str | None:
    """Map ``en-US``/``EN``/``tyz`` to a code with a catalog, or ``None``."""
    if not code or not isinstance(code, str):
        return None
    if len(code) > LONGEST_REMEMBERED:
        return _normalised.__wrapped__(code, _available())
    return _normalised(code, _available())


# Every request asks for its language a few times with the same handful of codes, so the answers are memos: keyed
# on the codes that have a catalog too, so a language added to the translations folder is seen at once.
@lru_cache(maxsize=1024)
def _normalised(code: str, available: tuple[str, ...]) -> str | None:
    code = code.strip().replace("-", "_")
    for candidate in (code, code.split("_")[0]):
        for known in available:
            if known.lower() == candidate.lower():
                return known
    return None


@lru_cache(maxsize=256)
def _browser_language(header: str, available: tuple[str, ...]) -> str | None:
    """The best of ``available`` for an Accept-Language header (Werkzeug's matching, remembered per header)."""
    return parse_accept_header(header, LanguageAccept).best_match(available)


@lru_cache(maxsize=64)
def _formatting_locale(identifier: str) -> Locale:
    """A parsed Babel locale: Flask-Babel takes a ready one as it is instead of parsing the code every request."""
    return Locale.parse(identifier)


def choose_language(code: str | None) -> bool:
    """Record a respondent's explicit choice; ``False`` (and nothing recorded) for a code without catalog."""
    chosen = normalise(code)
    if chosen is None:
        return False
    session[SESSION_KEY] = chosen
    _refresh()
    return True


def forget_language() -> None:
    """Forget the respondent's choice: the next page is in the unit's (or the browser's) language again."""
    session.pop(SESSION_KEY, None)
    _refresh()


def use_unit_language(code: str | None, shared_device: bool = False) -> None:
    """Tell the selector the unit's default language; on a ``shared_device`` (kiosk) ignore Accept-Language."""
    g.unit_locale = code
    g.shared_device = shared_device
    _refresh()


def _refresh() -> None:
    """Flask-Babel's ``refresh``, only when this request has already settled a language (usually it has not)."""
    if g.pop("survey_language", None) is not None:
        refresh()


def _query_language() -> str | None:
    """``?lang=``, if any (looked up with ``in`` first: a missing key costs Werkzeug an exception)."""
    args = request.args
    return args.get(QUERY_PARAMETER) if QUERY_PARAMETER in args else None


def _choose() -> str:
    """The language code for this request (see the module docstring for the order)."""
    explicit = normalise(_query_language()) or normalise(session.get(SESSION_KEY))
    if explicit:
        return explicit
    if not g.get("shared_device"):
        header = request.headers.get("Accept-Language", "")
        best = (_browser_language(header, _available()) if len(header) <= LONGEST_REMEMBERED
                else request.accept_languages.best_match(_available()))
        if best:
            return best
    return normalise(g.get("unit_locale")) or DEFAULT_LOCALE


def select_locale() -> str | Locale:
    """Flask-Babel's locale selector: remembers the real language, returns a locale CLDR can format with."""
    if not has_request_context():
        return DEFAULT_LOCALE
    code = _choose()
    g.survey_language = code
    return _formatting_locale(catalogs().language(code).formatting_locale)


def current_language() -> str:
    """The code of the language pages are shown in (``tyz`` even though dates are formatted as ``vi``)."""
    forced = getattr(g.get("_flask_babel"), "forced_babel_locale", None) if g else None
    if forced is not None:  # inside flask_babel.force_locale
        return str(forced)
    settled = g.get("survey_language") if g else None  # set by the selector, removed by _refresh
    if settled:
        return settled
    locale = get_locale()  # runs the selector when needed, which records the real code
    if has_request_context() and g.get("survey_language"):
        return g.survey_language
    return str(locale) if locale is not None else DEFAULT_LOCALE


def current_locale_code() -> str:
    """The active language as a BCP 47 tag, for ``<html lang>``."""
    return current_language().replace("_", "-")


def current_direction() -> str:
    """``ltr`` or ``rtl`` for ``<html dir>``."""
    code = current_language()
    return catalogs().language(code).direction if code in _available() else "ltr"


def translated_share(code: str, texts: list[str] | tuple[str, ...] | set[str]) -> tuple[int, int]:
    """``(translated, total)`` of ``texts`` in the language's own catalog (fallbacks not counted)."""
    return coverage(catalogs().translated(code), texts)


def languages_for(questionnaire: object) -> list[Language]:
    """Languages a kiosk may offer for a questionnaire: those whose every questionnaire text is translated.

    Vietnamese is always offered (it is the fallback and must be complete) and so is English (the message ids
    are English).
    """
    texts = set(questionnaire.texts())  # type: ignore[attr-defined]
    offered = []
    for language in languages():
        done, total = translated_share(language.code, texts)
        if language.code in (DEFAULT_LOCALE, SOURCE_LANGUAGE) or done == total:
            offered.append(language)
    return offered


def kiosk_languages(questionnaire: object) -> list[tuple[str, str]]:
    """``(code, name in itself)`` of the languages offered on a kiosk start screen for this questionnaire."""
    return [(language.code, language.name) for language in languages_for(questionnaire)]


class CatalogDomain(Domain):
    """Flask-Babel domain that serves the catalog of the real language code, not of the formatting locale."""

    def get_translations(self) -> NullTranslations:
        if not has_app_context() or EXTENSION_KEY not in current_app.extensions:
            return NullTranslations()
        code = current_language()
        cached = g.get("_survey_translations")
        if cached is None or cached[0] != code:  # looked up once per request and language, not per string
            cached = (code, catalogs().translations(code))
            g._survey_translations = cached
        return cached[1]


class _FormTranslations:
    """WTForms' translations, resolved at each call: the page's language may be settled after the form exists."""

    def ugettext(self, message: str) -> str:
        return CatalogDomain().get_translations().ugettext(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return CatalogDomain().get_translations().ungettext(singular, plural, n)


def _translate_form_messages() -> None:
    """Give Flask-WTF our catalogs for WTForms' built-in messages (see :mod:`survey_app.form_messages`).

    Flask-WTF looks for a ready ``request.wtforms_translations`` before loading WTForms' own catalogs.
    """
    request.wtforms_translations = _FormTranslations()  # type: ignore[attr-defined]


def _remember_query_language() -> None:
    """Keep ``?lang=`` for the rest of the visit (the QR form posts back without the query string)."""
    code = normalise(_query_language())
    if code and session.get(SESSION_KEY) != code:
        session[SESSION_KEY] = code


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our selector and domain; compile stale catalogs so ``.mo`` files are fresh."""
    store = Catalogs(app.config["TRANSLATIONS_DIR"], app.config.get("TRANSLATIONS_RECHECK_SECONDS", 2.0))
    if not store.po_path(DEFAULT_LOCALE).is_file():
        raise RuntimeError(f"The Vietnamese catalog {store.po_path(DEFAULT_LOCALE)} is missing: pages would show "
                           "English. Set TRANSLATIONS_DIR to the project's translations folder.")
    app.extensions[EXTENSION_KEY] = store
    try:
        for path in store.compile():
            log.info("compiled %s", path)
    except OSError as error:  # a read-only install still works: stale catalogs are compiled in memory
        log.warning("could not write compiled catalogs (%s); compiling in memory instead", error)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(store.root)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = CatalogDomain()
    app.before_request(_remember_query_language)
    app.before_request(_translate_form_messages)
    formats.register(app)
    app.jinja_env.globals.update(current_locale_code=current_locale_code, current_direction=current_direction,
                                 language_name=language_name)
