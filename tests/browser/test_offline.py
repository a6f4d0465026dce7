"""offline.js in Chromium: answers sent while the network is down are kept, shown as saved, resent once it is back,
and stored once however often they are resent."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Live, answer_every_question, translated

pytestmark = pytest.mark.browser

SAVED = ("There is no connection right now. Your answers are saved on this device and will be sent automatically "
         "when the connection is back.")
OUTBOX = "window.localStorage.getItem('survey-outbox')"


def test_answers_sent_offline_are_kept_then_sent_once_when_the_network_is_back(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True)
    page.goto(f"{live.url}/k/{token}")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")
    answer_every_question(page, touch=True)
    page.context.set_offline(True)
    page.get_by_role("button", name=translated("Send")).tap()

    note = page.locator("[data-offline-saved]")
    note.wait_for()
    assert note.inner_text() == translated(SAVED)
    assert page.locator("form[data-survey]").is_hidden()  # the next person does not see these answers
    assert page.locator("input:checked").count() == 0
    kept = page.evaluate(OUTBOX)
    assert kept and live.responses(token) == []
    shoot(page, "saved-offline")

    page.context.set_offline(False)
    page.wait_for_url(re.compile(r"/k/[^/]+/thanks$"), timeout=15_000)
    assert page.evaluate(OUTBOX) is None
    assert len(live.responses(token)) == 1
    shoot(page, "sent")

    # The same answers resent (a second tab, a retry after a lost reply): acknowledged, not stored again.
    page.evaluate("kept => window.localStorage.setItem('survey-outbox', kept)", kept)
    page.goto(f"{live.url}/k/{token}")
    _wait_until(lambda: page.evaluate(OUTBOX) is None)
    assert len(live.responses(token)) == 1


def _wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Poll from Python: Playwright's wait_for_function would evaluate a string in the page, which the CSP forbids."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_with_the_network_up_answers_go_straight_through(live: Live, new_page: Callable[..., Any]) -> None:
    token = live.open_link()
    page = new_page()
    page.goto(f"{live.url}/s/{token}")
    answer_every_question(page)
    page.get_by_role("button", name=translated("Send")).click()

    page.wait_for_url(re.compile(r"/s/[^/]+/thanks$"))
    assert page.evaluate(OUTBOX) is None
    assert len(live.responses(token)) == 1


def test_answers_kept_past_their_tokens_life_are_sent_with_a_fresh_token(
        live: Live, new_page: Callable[..., Any]) -> None:
    """A kiosk offline overnight: the kept answers' CSRF token has expired, and the server answers 400. The outbox
    takes the fresh token from that answer and sends again, instead of dropping the answers."""
    token = live.open_link()
    page = new_page()
    page.goto(f"{live.url}/s/{token}")
    answer_every_question(page)
    page.context.set_offline(True)
    page.get_by_role("button", name=translated("Send")).click()
    page.locator("[data-offline-saved]").wait_for()
    # What an expired token looks like to the server: a signature it no longer accepts.
    page.evaluate("""() => {
        const list = JSON.parse(window.localStorage.getItem('survey-outbox'));
        const params = new URLSearchParams(list[0].body);
        params.set('csrf_token', 'IjBkZjE.expired.signature');
        list[0].body = params.toString();
        window.localStorage.setItem('survey-outbox', JSON.stringify(list));
    }""")
    page.context.set_offline(False)
    page.reload()  # the next morning: the page loads again and sends what it kept
    _wait_until(lambda: page.evaluate(OUTBOX) is None, timeout=15)
    [stored] = live.responses(token)
    assert stored.channel == "qr"
