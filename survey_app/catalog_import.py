"""Texts of an imported XLSForm's other languages written into the gettext catalogs, and read back for export.

A workbook with ``label::Vietnamese (vi)`` columns carries its own translations; putting them in the
catalogs (created, like ``flask translations init`` does, when a language has none) makes the imported
questionnaire multilingual at once. A translation already in a catalog is kept: the translator's word wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from babel.messages.pofile import write_po

from .catalog import SOURCE_LANGUAGE, cldr_locale


def add_texts(texts: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    """Add ``{code: {msgid: translation}}`` to the current application's catalogs; the count added per code."""
    from .i18n import catalogs
    from .translation_status import init_catalog

    store = catalogs()
    added: dict[str, int] = {}
    for code, pairs in texts.items():  # never the questionnaire's own language: its texts are the msgids
        if not store.po_path(code).is_file():
            locale = cldr_locale(code)
            name = locale.get_display_name(code) if locale else code
            init_catalog(store, code, name or code, locale.english_name if locale else None,
                         None if locale else "vi")
        catalog = store.catalog(code)
        count = 0
        for msgid, text in pairs.items():
            message = catalog.get(msgid)
            if message is None:
                catalog.add(msgid, text)
                count += 1
            elif not message.string or message.fuzzy:
                message.string, message.flags = text, set()
                count += 1
        with store.po_path(code).open("wb") as out:
            write_po(out, catalog, width=76)
        added[code] = count
    return added


def languages_and_translate() -> tuple[dict[str, str], Callable[[str, str], str]]:
    """``{code: English name}`` of every catalog, source language first, and a lookup of one text."""
    from .i18n import catalogs

    store = catalogs()
    codes = [SOURCE_LANGUAGE, *(code for code in store.codes() if code != SOURCE_LANGUAGE)]
    languages = {code: (store.language(code).english_name if store.po_path(code).is_file() else "English")
                 for code in codes}

    def translate(code: str, text: str) -> str:
        if code == SOURCE_LANGUAGE or not store.po_path(code).is_file():
            return text
        message = store.catalog(code).get(text)
        return str(message.string) if message is not None and message.string and not message.fuzzy else ""

    return languages, translate
