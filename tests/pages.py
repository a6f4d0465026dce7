"""Checks every rendered page must pass, whatever the route (after alphagov's ``client_request``).

A page is valid HTML5, has ``<html lang>`` equal to the active locale, exactly one ``<h1>`` whose text
starts the ``<title>``, forms that name their action and method, unique element ids, labels that point at
existing controls, and no inline script (the content security policy would block it anyway).
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import html5lib


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.h1: list[str] = []
        self.title = ""
        self.lang: str | None = None
        self.forms: list[dict[str, str | None]] = []
        self.inline_scripts = 0
        self._in: list[str] = []
        self._text: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label" and a.get("for"):
            self.label_for.append(a["for"] or "")
        if tag == "form":
            self.forms.append(a)
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        if tag in ("h1", "title"):
            self._in.append(tag)
            self._text[tag] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "title") and self._in and self._in[-1] == tag:
            self._in.pop()
            text = " ".join(self._text[tag].split())
            if tag == "h1":
                self.h1.append(text)
            else:
                self.title = text

    def handle_data(self, data: str) -> None:
        for tag in self._in:
            self._text[tag] += data


def check_page(html: str, locale: str | None = None) -> _Collector:
    """Assert the structural rules above; return what was collected for further assertions."""
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(html)
    page = _Collector()
    page.feed(html)
    assert page.lang, "the <html> element has no lang attribute"
    if locale:
        assert page.lang == locale, f"<html lang={page.lang!r}>, expected {locale!r}"
    assert len(page.h1) == 1, f"expected exactly one <h1>, found {page.h1!r}"
    assert page.title.startswith(page.h1[0]), f"<title> {page.title!r} does not start with <h1> {page.h1[0]!r}"
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    missing = [f for f in page.label_for if f not in page.ids]
    assert not missing, f"labels point at missing ids: {missing}"
    for form in page.forms:
        assert form.get("action"), f"a form has no action: {form}"
        assert form.get("method"), f"a form has no method: {form}"
    assert page.inline_scripts == 0, "inline <script> found"
    return page
