"""The translations folder: which languages exist, their names, their compiled catalogs.

A language is a folder ``translations/<code>/`` holding ``LC_MESSAGES/messages.po`` and, optionally, a small
``language.yaml`` (``name`` in the language itself, ``english_name``, ``formatting_locale``, ``direction``).
Adding a language therefore needs no code, and the code need not be known to Babel/CLDR: Tày (``tyz``), Dao
(``ium``) and Hmong (``hmn``) are not, so their numbers and dates are formatted as Vietnamese unless the
metadata says otherwise.

Catalogs are read from the compiled ``.mo`` when it is at least as new as the ``.po``; otherwise the ``.po`` is
compiled in memory. A missing or stale ``.mo`` therefore never shows English to a Vietnamese reader. Whether a
file changed is checked at most every ``recheck_seconds`` (2 s by default): every page asks for the language list
and its catalog several times, and a dozen ``stat`` calls per request were a tenth of a submission's server time.
Every language except Vietnamese and English falls back *per string* to the Vietnamese catalog, so an
untranslated entry shows Vietnamese, never an empty label. English is the language of the message ids, so it
needs no fallback; Vietnamese, the default, must be complete (the test suite checks it).
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

FALLBACK_LANGUAGE = "vi"
SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
METADATA_FILE = "language.yaml"

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Language:
    """One language folder: its code, its name in itself (shown on the start screen) and formatting locale."""

    code: str
    name: str
    english_name: str
    formatting_locale: str
    direction: str = "ltr"


def cldr_locale(code: str) -> Locale | None:
    """The Babel locale for ``code``, or ``None`` when CLDR does not know it."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _read_metadata(folder: Path) -> dict[str, object]:
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        log.error("%s: unreadable, using defaults: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def describe(folder: Path) -> Language:
    """The :class:`Language` of a folder, from its metadata file with CLDR (or the code) filling gaps."""
    code = folder.name
    meta = _read_metadata(folder)
    known = cldr_locale(code)
    formatting = str(meta.get("formatting_locale") or (code if known else FALLBACK_LANGUAGE))
    if cldr_locale(formatting) is None:
        log.error("%s: formatting_locale %r is not a CLDR locale; using %r", folder, formatting, FALLBACK_LANGUAGE)
        formatting = FALLBACK_LANGUAGE
    native = known.get_display_name() if known else None
    english = known.get_display_name("en") if known else None
    name = str(meta.get("name") or (native[:1].upper() + native[1:] if native else code))
    direction = str(meta.get("direction") or (known.text_direction if known else "ltr"))
    return Language(code=code, name=name, english_name=str(meta.get("english_name") or english or code),
                    formatting_locale=formatting, direction=direction)


def translated_ids(catalog: Catalog) -> frozenset[str]:
    """Message ids that have a usable translation: a non-empty, non-fuzzy ``msgstr`` (what ``.mo`` keeps)."""
    found = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if strings and all(strings):
            found.add(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)
    return frozenset(found)


def catalog_ids(catalog: Catalog) -> frozenset[str]:
    """Every message id of a catalog or template (the first form of a plural)."""
    return frozenset(m.id[0] if isinstance(m.id, (list, tuple)) else m.id for m in catalog if m.id)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _write_atomically(path: Path, catalog: Catalog) -> None:
    """Write ``.mo`` through a temporary file, so a concurrent reader never sees half a catalog."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Catalogs:
    """The languages and catalogs of one translations folder; cached, and re-read when a file changes."""

    def __init__(self, root: str | os.PathLike[str], recheck_seconds: float = 2.0) -> None:
        self.root = Path(root)
        self.recheck_seconds = recheck_seconds
        self._meta: dict[str, tuple[int, Language]] = {}
        self._po: dict[str, tuple[int, Catalog]] = {}
        self._translations: dict[str, tuple[tuple[int, ...], NullTranslations]] = {}
        self._recent: dict[tuple[str, str], tuple[float, object]] = {}

    def _recently(self, key: tuple[str, str], compute: Callable[[], T]) -> T:
        """``compute()``, reused for ``recheck_seconds``: the files behind it are looked at no more often."""
        now = time.monotonic()
        hit = self._recent.get(key)
        if hit is not None and now - hit[0] < self.recheck_seconds:
            return hit[1]  # type: ignore[return-value]
        value = compute()
        self._recent[key] = (now, value)
        return value

    def po_path(self, code: str) -> Path:
        return self.root / code / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo_path(self, code: str) -> Path:
        return self.root / code / "LC_MESSAGES" / f"{DOMAIN}.mo"

    @property
    def template_path(self) -> Path:
        return self.root / f"{DOMAIN}.pot"

    def codes(self) -> list[str]:
        """Codes of the folders holding a catalog: Vietnamese first, English second, then by code."""
        return list(self.code_tuple())

    def code_tuple(self) -> tuple[str, ...]:
        """:meth:`codes` as the tuple kept between checks (no copy: each request asks for it)."""
        return self._recently(("codes", ""), self._scan_codes)

    def _scan_codes(self) -> tuple[str, ...]:
        if not self.root.is_dir():
            return ()
        found = sorted(entry.name for entry in os.scandir(self.root)
                       if entry.is_dir() and not entry.name.startswith(".") and self.po_path(entry.name).is_file())
        first = [code for code in (FALLBACK_LANGUAGE, SOURCE_LANGUAGE) if code in found]
        return (*first, *(code for code in found if code not in first))

    def languages(self) -> list[Language]:
        return [self.language(code) for code in self.codes()]

    def language(self, code: str) -> Language:
        return self._recently(("language", code), lambda: self._language(code))

    def _language(self, code: str) -> Language:
        folder = self.root / code
        stamp = _mtime(folder / METADATA_FILE)
        cached = self._meta.get(code)
        if cached is None or cached[0] != stamp:
            cached = (stamp, describe(folder))
            self._meta[code] = cached
        return cached[1]

    def catalog(self, code: str) -> Catalog:
        """The parsed ``.po`` of a language (raises ``FileNotFoundError`` when it has none)."""
        path = self.po_path(code)
        stamp = _mtime(path)
        cached = self._po.get(code)
        if cached is None or cached[0] != stamp:
            with path.open("rb") as handle:
                cached = (stamp, read_po(handle, locale=None, domain=DOMAIN))
            self._po[code] = cached
        return cached[1]

    def translated(self, code: str) -> frozenset[str]:
        """Message ids with a usable translation in this language's own catalog (no fallback counted)."""
        if not self.po_path(code).is_file():
            return frozenset()
        return translated_ids(self.catalog(code))

    def template_ids(self) -> frozenset[str]:
        """Every message id of ``messages.pot``, or of the Vietnamese catalog when no template was extracted."""
        if self.template_path.is_file():
            with self.template_path.open("rb") as handle:
                return catalog_ids(read_po(handle))
        if self.po_path(FALLBACK_LANGUAGE).is_file():
            return catalog_ids(self.catalog(FALLBACK_LANGUAGE))
        return frozenset()

    def _own(self, code: str) -> NullTranslations:
        """One language's translations without fallback: the ``.mo`` when fresh, else compiled in memory."""
        po, mo = self.po_path(code), self.mo_path(code)
        if not po.is_file():
            return NullTranslations()
        if _mtime(mo) >= _mtime(po):
            with mo.open("rb") as handle:
                return Translations(handle, domain=DOMAIN)
        log.warning("%s is missing or older than its .po; compiling in memory", mo)
        buffer = io.BytesIO()
        write_mo(buffer, self.catalog(code))
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)

    def translations(self, code: str) -> NullTranslations:
        """Translations for ``code``, falling back string by string to Vietnamese (see the module docstring)."""
        return self._recently(("translations", code), lambda: self._translations_of(code))

    def _translations_of(self, code: str) -> NullTranslations:
        chain = [code] if code in (FALLBACK_LANGUAGE, SOURCE_LANGUAGE) else [code, FALLBACK_LANGUAGE]
        stamp = tuple(_mtime(path) for c in chain for path in (self.po_path(c), self.mo_path(c)))
        cached = self._translations.get(code)
        if cached is None or cached[0] != stamp:
            first, *rest = (self._own(c) for c in chain)
            for fallback in rest:
                first.add_fallback(fallback)
            cached = (stamp, first)
            self._translations[code] = cached
        return cached[1]

    def compile(self, codes: Iterable[str] | None = None, force: bool = False) -> list[Path]:
        """Write the ``.mo`` of every catalog whose ``.mo`` is missing or older than its ``.po``."""
        written = []
        for code in self._scan_codes() if codes is None else codes:
            po, mo = self.po_path(code), self.mo_path(code)
            if force or _mtime(mo) < _mtime(po):
                _write_atomically(mo, self.catalog(code))
                written.append(mo)
        self._recent.clear()  # what this process just wrote is seen at once
        return written


def coverage(translated: frozenset[str], texts: Iterable[str]) -> tuple[int, int]:
    """``(translated, total)`` over the distinct non-empty ``texts``."""
    wanted = {text for text in texts if text}
    return len(wanted & translated), len(wanted)
