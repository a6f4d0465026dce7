"""A per-process cache of blank survey pages, so that opening a survey costs a lookup instead of a render.

Two respondents opening the same unit's survey, on the same channel and in the same language, get the same page
except for two random values: the CSRF token and the submission id. Drawing twenty-odd questions with their
translated choices is most of the cost of serving a respondent (about 10 ms, against about 1 ms for the rest), so
the page is drawn once and later copies get the two fresh values swapped in.

Entries live ``BLANK_PAGE_SECONDS`` (config, default 30; 0 turns the cache off): an edited unit name or
translation shows within that time. Each application keeps its own pages. Whether the
campaign takes answers is checked on every request before the cache is consulted, and pages carrying anything
of one respondent (a receipt code from the link, flashed messages, errors) are never cached.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable

from flask import current_app
from flask_wtf.csrf import generate_csrf

EXTENSION_KEY = "survey_blank_pages"
MAX_PAGES = 512  # a province's units × channels × languages; each page is ~25 KB


def blank_page(key: Hashable, draw: Callable[[str], str]) -> str:
    """The blank page for ``key`` with a fresh CSRF token and submission id.

    ``draw(submission_id)`` renders the page when no fresh copy is cached; it must put that id in the page, and
    the page's CSRF token must be this request's (Flask-WTF's ``generate_csrf`` returns one value per request).
    """
    submission_id = uuid.uuid4().hex
    lifetime = float(current_app.config.get("BLANK_PAGE_SECONDS", 30))
    if lifetime <= 0:
        return draw(submission_id)
    token = generate_csrf()
    now = time.monotonic()
    pages: dict[Hashable, tuple[float, str, str, str]] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    cached = pages.get(key)
    if cached is not None and now - cached[0] < lifetime:
        _, page, old_token, old_id = cached
        return page.replace(old_token, token, 1).replace(old_id, submission_id, 1)
    page = draw(submission_id)
    if token not in page or submission_id not in page:
        return page  # nothing safe to swap (e.g. CSRF switched off in tests): never cache such a page
    if len(pages) >= MAX_PAGES:
        pages.clear()
    pages[key] = (now, page, token, submission_id)
    return page
