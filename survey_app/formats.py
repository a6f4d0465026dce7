"""How numbers, percentages and dates are written, in one place, for pages, PDFs, charts and report files.

Vietnamese administrative writing (and the reports an official signs) uses a dot between thousands and a comma
before decimals ("1.993", "82,5 %"), dates as dd/mm/yyyy with a four-digit year, and the time after the date
("14:30 01/10/2026" in speech, but "01/10/2026 14:30" in tables, which is what we use). English pages follow
English conventions ("1,993", "82.5%", "Oct 1, 2026"). Babel knows each locale's separators; what Babel leaves
to the caller, and what this module fixes once, is the choice of pattern: how many decimals a kind of figure
has, whether a space stands before the percent sign, and the date pattern. Every figure a reader sees goes
through these functions, so that like figures have the same number of decimals everywhere.

Outside a request (the charts drawn for a cached PNG, the DOCX report) pass ``locale`` explicitly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent

#: Decimals of each kind of figure: a rate "82,5 %", a difference in points "3,2", a count "1.993".
PERCENT_DECIMALS = 1
#: The Vietnamese percent sign follows a no-break space ("82,5 %"), as in the provincial plans; English has none.
PERCENT_SPACE = {"vi": "\u00a0"}
DATE_PATTERNS = {"vi": "dd/MM/yyyy"}
DATETIME_PATTERNS = {"vi": "dd/MM/yyyy HH:mm"}
DEFAULT_DATE = "medium"
DEFAULT_DATETIME = "medium"


def _language(locale: Any = None) -> str:
    """The language code of ``locale``, or of the request's locale when none is given."""
    if locale is None:
        from flask_babel import get_locale

        locale = get_locale()
    return str(locale).split("_")[0] if locale is not None else "vi"


def percent(value: float, locale: Any = None, decimals: int = PERCENT_DECIMALS) -> str:
    """A share (0.825) as a percentage: "82,5 %" in Vietnamese, "82.5%" in English."""
    language = _language(locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + PERCENT_SPACE.get(language, "") + "%"
    return str(babel_percent(value, pattern, locale=language))


def lazy_percent(value: float, decimals: int = 0, prefix: str = "") -> Any:
    """:func:`percent` evaluated when shown, for labels defined at import time ("95 %" in a column header)."""
    from flask_babel.speaklater import LazyString

    return LazyString(lambda: prefix + percent(value, decimals=decimals))


def points(value: float, locale: Any = None) -> str:
    """A difference between two rates in percentage points, unsigned ("3,2"): the sentence says which way."""
    return number(abs(value) * 100, locale, PERCENT_DECIMALS)


def number(value: float, locale: Any = None, decimals: int = 0) -> str:
    """A number with the locale's separators and exactly ``decimals`` decimals ("1.993", "4,25")."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(babel_decimal(value, pattern, locale=_language(locale)))


def date(value: dt.date, locale: Any = None) -> str:
    """A day: "01/10/2026" in Vietnamese, "Oct 1, 2026" in English."""
    language = _language(locale)
    return str(babel_date(value, DATE_PATTERNS.get(language, DEFAULT_DATE), locale=language))


def datetime(value: dt.datetime, locale: Any = None) -> str:
    """A moment in the province's time zone, the date first: "01/10/2026 15:04"."""
    language = _language(locale)
    return str(babel_datetime(value, DATETIME_PATTERNS.get(language, DEFAULT_DATETIME), tzinfo=_zone(),
                              locale=language))


def _zone() -> Any:
    """The province's time zone (``BABEL_DEFAULT_TIMEZONE``); naive datetimes are taken as UTC."""
    from babel.dates import get_timezone
    from flask import current_app, has_app_context

    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh") if has_app_context() else None
    return get_timezone(name or "Asia/Ho_Chi_Minh")


def register(app: Any) -> None:
    """Replace Flask-Babel's template filters by these, so templates need no change to follow the conventions."""
    app.jinja_env.filters.update(
        dateformat=lambda value, format=None: date(value) if value is not None else "",
        datetimeformat=lambda value, format=None: datetime(value) if value is not None else "",
        numberformat=lambda value: number(value) if value is not None else "",
        percentformat=lambda value, format=None, decimals=PERCENT_DECIMALS: (
            percent(value, decimals=decimals) if value is not None else ""),
    )
