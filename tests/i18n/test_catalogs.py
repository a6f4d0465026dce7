"""The shipped catalogs: Vietnamese and English translate every extracted string, safely and in the right words."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from babel.messages.catalog import Catalog

from survey_app.catalog import Catalogs, catalog_ids
from survey_app.platform.config import defaults

SHIPPED = Catalogs(str(defaults("instance")["TRANSLATIONS_DIR"]))
WORD = re.compile(r"[A-Za-z]{3,}")
FORMAT = re.compile(r"%\(\w+\)[sdif]|%%|%[sdif]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%%")
# Strings Vietnamese writes exactly as English does (proper names, acronyms, file formats).
SAME_IN_VIETNAMESE = frozenset({"Email", "CSV", "XLSX", "PDF", "PNG", "SVG", "QR", "ID", "OK", "Kinh", "Dao",
                                "Excel (XLSX)", "Stata (DTA)"})


@pytest.mark.parametrize("code", ["vi", "en"])
def test_every_extracted_string_is_translated(fresh_template: Catalog, code: str) -> None:
    missing = sorted(catalog_ids(fresh_template) - SHIPPED.translated(code))
    assert missing == [], (f"{len(missing)} strings have no {code} translation (empty, fuzzy or absent): run "
                           f"`flask --app survey_app translations update`, translate, and see README 'Translating'. "
                           f"First ones: {missing[:10]}")


def _placeholders(text: str) -> Counter[str]:
    return Counter(FORMAT.findall(text))


@pytest.mark.parametrize("code", ["vi", "en"])
def test_translations_keep_their_placeholders(code: str) -> None:
    """A translation that drops, renames or adds ``%(name)s`` (or an escaped ``%%``) would break its page."""
    problems = []
    for message in SHIPPED.catalog(code):
        msgid = message.id[-1] if isinstance(message.id, tuple) else message.id  # the plural form, if any
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problems += [(msgid, msgstr) for msgstr in strings
                     if msgid and msgstr and _placeholders(msgid) != _placeholders(msgstr)]
    assert problems == []


def test_vietnamese_is_not_english() -> None:
    same = sorted(message.id for message in SHIPPED.catalog("vi")
                  if message.id and message.string == message.id and WORD.search(PLACEHOLDER.sub("", message.id))
                  and message.id not in SAME_IN_VIETNAMESE)
    assert same == [], f"left in English in the Vietnamese catalog: {same}"


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("Very dissatisfied", "Rất không hài lòng"),
    ("Dissatisfied", "Không hài lòng"),
    ("Neither satisfied nor dissatisfied", "Bình thường"),
    ("Satisfied", "Hài lòng"),
    ("Very satisfied", "Rất hài lòng"),
    ("Not applicable", "Không áp dụng"),
])
def test_satisfaction_scale_in_administrative_vietnamese(english: str, vietnamese: str) -> None:
    assert SHIPPED.catalog("vi")[english].string == vietnamese


def test_english_catalog_is_the_source_text() -> None:
    changed = [m.id for m in SHIPPED.catalog("en") if m.id and not isinstance(m.id, tuple) and m.string != m.id]
    assert changed == []


def test_shipped_languages_are_named_in_themselves() -> None:
    assert [(lang.code, lang.name) for lang in SHIPPED.languages()][:2] == [("vi", "Tiếng Việt"), ("en", "English")]
