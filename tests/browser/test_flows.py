"""A citizen's way through the survey in a real Chromium: kiosk by touch in Vietnamese, QR on a phone, a mistake
shown and fixed, and the whole kiosk flow with JavaScript switched off."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Live, answer_every_question, translated

pytestmark = pytest.mark.browser

COMMENT = "Cán bộ rất nhiệt tình, cảm ơn."


def _nothing_of_the_previous_respondent(page: Any) -> None:
    assert page.locator("input:checked").count() == 0
    assert COMMENT not in page.content()
    for area in page.locator("textarea").all():
        assert area.input_value() == ""


def test_kiosk_by_touch_in_vietnamese_then_reset_for_the_next_person(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True, viewport={"width": 1080, "height": 1600})
    page.goto(f"{live.url}/k/{token}")
    shoot(page, "start")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")
    assert page.locator("html").get_attribute("lang") == "vi"
    shoot(page, "questions")
    assert answer_every_question(page, touch=True) >= 15
    page.locator("textarea").first.fill(COMMENT)
    shoot(page, "answered")
    page.get_by_role("button", name=translated("Send")).tap()

    page.wait_for_url(re.compile(r"/k/[^/]+/thanks$"))
    assert page.locator("h1").inner_text() == translated("Thank you")
    shoot(page, "thanks")
    page.wait_for_url(re.compile(rf"/k/{token}$"), timeout=15_000)  # back to the start on its own
    shoot(page, "reset")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")
    _nothing_of_the_previous_respondent(page)
    shoot(page, "next-person")
    for step in range(4):  # the next person presses Back, again and again
        if page.go_back() is None:
            break
        page.wait_for_load_state()
        _nothing_of_the_previous_respondent(page)
        shoot(page, f"back-{step + 1}")

    [response] = live.responses(token)
    assert (response.channel, response.locale) == ("kiosk", "vi")
    assert response.answers["comment"] == COMMENT


def test_kiosk_thank_you_waits_while_the_person_is_still_touching_it(live: Live, new_page: Callable[..., Any]) -> None:
    """WCAG 2.2.1: the return to the start (KIOSK_THANKS_SECONDS = 2 here) is counted again from each touch."""
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True)
    page.goto(f"{live.url}/k/{token}/questions")
    answer_every_question(page, touch=True)
    page.get_by_role("button", name=translated("Send")).tap()
    page.wait_for_url(re.compile(r"/k/[^/]+/thanks$"))
    for _ in range(8):  # 4 s of touches, twice the delay
        page.touchscreen.tap(5, 5)
        page.wait_for_timeout(500)
        assert page.url.endswith("/thanks")
    page.wait_for_url(re.compile(rf"/k/{token}$"), timeout=10_000)


def test_qr_survey_on_a_small_phone(live: Live, new_page: Callable[..., Any],
                                    shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link()
    page = new_page(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(f"{live.url}/s/{token}")
    shoot(page, "form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    answer_every_question(page, touch=True)
    page.get_by_role("button", name=translated("Send")).tap()

    page.wait_for_url(re.compile(r"/s/[^/]+/thanks$"))
    assert page.locator("h1").inner_text() == translated("Thank you")
    shoot(page, "thanks")
    [response] = live.responses(token)
    assert response.channel == "qr"


def test_a_missing_answer_is_shown_then_fixed(live: Live, new_page: Callable[..., Any],
                                              shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link()
    page = new_page()
    page.goto(f"{live.url}/s/{token}")
    answer_every_question(page, skip=("overall",))
    page.get_by_role("button", name=translated("Send")).click()

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert translated("Please check these answers") in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")  # read out first
    assert page.locator("#item-overall .error-message").inner_text() == translated("Choose an answer")
    assert live.responses(token) == []
    shoot(page, "error")
    summary.get_by_role("link").first.click()
    page.locator("#item-overall .choices label").nth(4).click()
    shoot(page, "fixed")
    page.get_by_role("button", name=translated("Send")).click()

    page.wait_for_url(re.compile("/thanks$"))
    [response] = live.responses(token)
    assert response.answers["overall"] == 5


def test_kiosk_works_without_javascript(live: Live, new_page: Callable[..., Any],
                                        shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link(channel="kiosk")
    page = new_page(java_script_enabled=False)
    page.goto(f"{live.url}/k/{token}")
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_url("**/questions?*")
    follow_up = page.locator("#item-feedback_handling")
    assert follow_up.is_visible()  # without skip logic every question shows, with a hint on when to answer
    assert page.locator("#q_feedback_handling-condition").is_visible()
    answer_every_question(page)
    shoot(page, "answered")
    page.get_by_role("button", name=translated("Send")).click()

    page.wait_for_url(re.compile("/thanks$"))
    shoot(page, "thanks")
    page.wait_for_url(re.compile(rf"/k/{token}$"), timeout=15_000)  # the meta refresh needs no script
    [response] = live.responses(token)
    assert response.channel == "kiosk"
