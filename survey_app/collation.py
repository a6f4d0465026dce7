"""Vietnamese alphabetical order for every sorted list of names (units, districts, people's comments).

Vietnamese orders letters as a, ă, â, b, c, d, đ, e, ê, … o, ô, ơ, … u, ư, … and, within a letter, the
tones as level, grave, hook, tilde, acute, dot below (a, à, ả, ã, á, ạ). Neither code-point order (which puts
"Đ" after "Z") nor the default Unicode collation (which treats "ă" and "â" as accented "a") gives that. ICU's
collator for the ``vi`` locale implements the CLDR Vietnamese tailoring, so we use it (PyICU) rather than a
hand-written table. PyICU was chosen over pyuca because pyuca implements only the untailored Unicode order.

SQL ``ORDER BY`` cannot be trusted for this (SQLite compares bytes; PostgreSQL's order depends on the
server's locale), so lists are sorted in Python with :func:`sort_key`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

import icu

T = TypeVar("T")


@lru_cache(maxsize=4)
def _collator(language: str) -> Any:
    return icu.Collator.createInstance(icu.Locale(language))


def sort_key(text: object, language: str = "vi") -> bytes:
    """A key that orders texts alphabetically in ``language`` (Vietnamese by default: Đ after D, tones in order)."""
    return bytes(_collator(language).getSortKey("" if text is None else str(text)))


def sorted_by(items: Iterable[T], key: Callable[[T], object], language: str = "vi") -> list[T]:
    """``items`` sorted by the text ``key`` gives for each, in the alphabetical order of ``language``."""
    return sorted(items, key=lambda item: sort_key(key(item), language))
