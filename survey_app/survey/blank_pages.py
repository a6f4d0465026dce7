"""A per-process cache of blank survey pages, so that opening a survey costs a lookup instead of a render.

Two respondents opening the same unit's survey, on the same channel and in the same language, get the same page
except for two random values: the CSRF token and the submission id. Drawing twenty-odd questions with their
translated choices is most of the cost of serving a respondent (about 10 ms, against about 1 ms for the rest), so
the page is drawn once and later copies get the two fresh values swapped in.

The page is also compressed once. gzip of a 25 KB page took half a millisecond per request, more than the rest of
the form fetch; so the constant stretches between the two values are deflated once each (ending on a byte
boundary, with no back-references across stretches) and each request only adds the two fresh values as *stored*
(uncompressed) deflate blocks, which is a few bytes of framing. The result is a single ordinary gzip stream
(RFC 1951 §3.2.4 allows any sequence of blocks) that every browser decodes; it is a few per cent larger than
compressing the whole page in one go, and is compressed at the highest level to make up for it.

Entries live ``BLANK_PAGE_SECONDS`` (config, default 30; 0 turns the cache off): an edited unit name or
translation shows within that time. Each application keeps its own pages. Whether the
campaign takes answers is checked on every request before the cache is consulted, and pages carrying anything
of one respondent (a receipt code from the link, flashed messages, errors) are never cached.
"""

from __future__ import annotations

import re
import struct
import time
import zlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from flask import Response, current_app

from ..platform import csrf_token
from ..platform.compression import accepts_gzip
from .forms import new_submission_id

EXTENSION_KEY = "survey_blank_pages"
MAX_PAGES = 512  # a province's units × channels × languages; each page is ~25 KB plain and ~5 KB compressed
#: gzip member header: deflate, no name or comment, no modification time, "unknown" operating system.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Template:
    """A drawn page cut around its fresh values: ``texts[0] value texts[1] value … texts[-1]``.

    ``slots[i]`` says which value goes after ``texts[i]`` (0: CSRF token, 1: submission id); ``deflated[i]`` is
    ``texts[i]`` compressed on its own, ending on a byte boundary, the last one with the final block.
    """

    drawn_at: float
    texts: tuple[bytes, ...]
    slots: tuple[int, ...]
    deflated: tuple[bytes, ...]

    @classmethod
    def cut(cls, page: str, values: Sequence[str], drawn_at: float = 0.0) -> Template:
        pattern = "|".join(re.escape(value) for value in values)
        parts = re.split(f"({pattern})", page)
        texts = tuple(part.encode() for part in parts[0::2])
        slots = tuple(values.index(value) for value in parts[1::2])
        deflated = []
        for number, text in enumerate(texts):
            compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            last = number == len(texts) - 1
            deflated.append(compressor.compress(text) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
        return cls(drawn_at, texts, slots, tuple(deflated))

    def plain(self, values: Sequence[str]) -> bytes:
        """The page with ``values`` in its slots."""
        encoded = [value.encode() for value in values]
        pieces = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            pieces += (encoded[slot], text)
        return b"".join(pieces)

    def gzipped(self, values: Sequence[str]) -> bytes:
        """The same page as a gzip stream, with no compression work beyond a checksum."""
        encoded = [value.encode() for value in values]
        pieces = [GZIP_HEADER, self.deflated[0]]
        crc, size = zlib.crc32(self.texts[0]), len(self.texts[0])
        for slot, text, deflated in zip(self.slots, self.texts[1:], self.deflated[1:], strict=True):
            value = encoded[slot]
            # A stored block: BFINAL 0 and BTYPE 00 in the first byte (we are on a byte boundary), LEN, NLEN.
            pieces += (struct.pack("<BHH", 0, len(value), 0xFFFF ^ len(value)), value, deflated)
            crc = zlib.crc32(text, zlib.crc32(value, crc))
            size += len(value) + len(text)
        pieces.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(pieces)


def blank_page(key: Hashable, draw: Callable[[str], str]) -> Response:
    """The blank page for ``key`` with a fresh CSRF token and submission id, gzip-compressed when accepted.

    ``draw(submission_id)`` renders the page when no fresh copy is cached; it must put that id in the page, and
    the page's CSRF token must be this request's (:func:`survey_app.platform.csrf_token.generate` and Flask-WTF's
    ``generate_csrf`` return the same one value per request).
    """
    submission_id = new_submission_id()
    lifetime = float(current_app.config.get("BLANK_PAGE_SECONDS", 30))
    if lifetime <= 0:
        return Response(draw(submission_id), mimetype="text/html")
    values = (csrf_token.generate(), submission_id)
    now = time.monotonic()
    pages: dict[Hashable, Template] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    template = pages.get(key)
    if template is None or now - template.drawn_at >= lifetime:
        page = draw(submission_id)
        if any(value not in page for value in values):
            # nothing safe to swap (e.g. CSRF switched off in tests): never cache such a page
            return Response(page, mimetype="text/html")
        template = Template.cut(page, values, now)
        if len(pages) >= MAX_PAGES:
            pages.clear()
        pages[key] = template
    if accepts_gzip():
        response = Response(template.gzipped(values), content_type=HTML)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(template.plain(values), content_type=HTML)
    response.vary.add("Accept-Encoding")
    return response
