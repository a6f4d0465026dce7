"""The ``<int:…>`` URL converter, bounded to the ids a database row can have.

Werkzeug's ``int`` converter accepts any number of digits; ``/admin/campaigns/9223372036854775808`` then reached
the database, where SQLite raises ``OverflowError`` and PostgreSQL refuses a value beyond its ``integer`` column:
a 500 instead of "not found". Every id column is SQLAlchemy's ``Integer`` (32 bits on PostgreSQL), so a path
with a larger number cannot name a row and gets the ordinary localized 404 page without a query.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter
from werkzeug.routing.map import Map

#: The largest value of PostgreSQL's ``integer`` (SQLite's integers are wider).
LARGEST_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``int`` as Werkzeug reads it, but at most :data:`LARGEST_ID` unless a rule says otherwise."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, LARGEST_ID if max is None else max, signed)


def init_app(app: Flask) -> None:
    """Replace the ``int`` converter; call before any blueprint adds its rules."""
    converters: dict[str, Any] = app.url_map.converters
    converters["int"] = RowIdConverter
