"""``Content-Disposition`` for a download whose name holds a unit code: RFC 6266 with RFC 5987 encoding.

Unit codes come from people and CSV files: ``MC-ĐÔNG``, a quote, even a line break. Put raw into the header, a
quote ended the file name early, a line break made Werkzeug refuse the header (a 500) and a non-Latin-1 letter
left the demo server's connection hanging. The header carries the name twice: ``filename*=UTF-8''…``
(percent-encoded, which browsers use) and a plain ASCII ``filename="…"`` for older clients, with letters
stripped of their accents (Đ → D) and anything else unsafe turned into ``-``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The header value for ``filename`` (``inline`` shows a PDF or SVG in the browser, ``attachment`` saves it)."""
    clean = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C")  # no line breaks or controls
    ascii_name = unicodedata.normalize("NFKD", clean.replace("Đ", "D").replace("đ", "d"))
    ascii_name = _UNSAFE.sub("-", ascii_name.encode("ascii", "ignore").decode()).strip("-.") or "download"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"
