"""The kiosk one question per screen (issue 16), in Chromium, by touch: faces and words, progress, Back and Next.

The form underneath is the one-page form (what a browser without JavaScript shows); kiosk.js shows one question
at a time. These tests check what a person sees and what is stored, and run axe-core on every screen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from questionnaires import load as load_questionnaire
from survey_app.questionnaire_registry import registry
from tests.browser.conftest import Live, answer_screen_by_screen, axe_violations, translated

pytestmark = pytest.mark.browser

CURRENT = "form.stepping .question:not(.step-off):not([hidden])"


def _progress(number: int, total: int) -> str:
    return translated("Question %(number)s of %(total)s") % {"number": number, "total": total}


def _visible_questions(page: Any) -> list[str]:
    return page.evaluate("""Array.from(document.querySelectorAll('.question'))
        .filter(q => q.offsetParent !== null).map(q => q.id)""")


def test_a_kiosk_questionnaire_is_answered_by_touch_one_screen_at_a_time(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True, viewport={"width": 1280, "height": 800})
    posts: list[str] = []
    # The kiosk's heartbeat (a POST a minute to /heartbeat, for the campaign page) is not an answer sent.
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" and not request.url.endswith("/heartbeat") else None)
    page.goto(f"{live.url}/k/{token}")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")

    # The first screen: one question, its number among all, the five faces with their words, no Back yet.
    assert _visible_questions(page) == ["item-procedure_kind"]
    count = page.locator("[data-step-count]")
    total = int(re.findall(r"\d+", count.inner_text())[-1])
    assert count.inner_text() == _progress(1, total) and count.get_attribute("aria-live") == "polite"
    assert not page.locator("[data-step-back]").is_visible()
    assert not page.get_by_role("button", name=translated("Send")).is_visible()

    # Next without an answer stays on the question and says what to do, as the server would.
    page.locator("[data-step-next]").tap()
    assert _visible_questions(page) == ["item-procedure_kind"]
    assert page.locator("#q_procedure_kind-error").inner_text() == translated("Choose an answer")
    shoot(page, "needs-an-answer")
    page.locator("#item-procedure_kind .choices label").first.tap()
    assert page.locator("#q_procedure_kind-error").inner_text() == ""
    page.locator("[data-step-next]").tap()

    # Second screen: a satisfaction question drawn as five faces, each beside its words.
    faces = page.locator(f"{CURRENT} .choices.faces label")
    assert faces.count() == 6 and page.locator(f"{CURRENT} .choices.faces svg.face").count() == 5
    assert faces.nth(0).inner_text().strip() == translated("Very dissatisfied")
    assert count.inner_text() == _progress(2, total)
    faces.nth(1).tap()
    shoot(page, "faces")
    # Back keeps the answer given; Next returns to the one after it with its answer kept too.
    page.locator("[data-step-back]").tap()
    assert _visible_questions(page) == ["item-procedure_kind"]
    assert page.locator("#q_procedure_kind-0").is_checked()
    page.locator("[data-step-next]").tap()
    assert page.locator(f"{CURRENT} input:checked").get_attribute("value") == "2"

    screens: list[str] = []

    def check(page: Any) -> None:
        [shown] = _visible_questions(page)
        screens.append(shown)
        violations = axe_violations(page)
        assert violations == [], shown + ": " + json.dumps(violations, ensure_ascii=False, indent=1)

    answer_screen_by_screen(page, touch=True, on_screen=check)
    assert screens[-1] == "item-comment"
    # Skip logic screen by screen: "Did you give feedback?" got its first answer (yes), so its follow-up showed.
    assert "item-feedback_handling" in screens
    overall = page.locator("#item-overall .choices label")
    assert overall.count() == 5  # no "not applicable" on the overall question
    # The count grew by the follow-up question when it showed; the last screen is the last of that count.
    assert count.inner_text() == _progress(total + 1, total + 1) == _progress(len(screens) + 1, len(screens) + 1)
    shoot(page, "last-screen")
    page.get_by_role("button", name=translated("Send")).tap()
    page.wait_for_url("**/thanks")
    [response] = live.responses(token)
    assert response.answers["access_waiting_area"] == 2  # the answer given before going Back and on again
    assert response.answers["overall"] == 4 and response.answers["feedback_given"] == "yes"
    assert len(posts) == 1


#: Every kind of question on one kiosk: likert (faces), yes/no, number, single and multiple choice, free text.
EVERY_KIND = Path(__file__).resolve().parents[1] / "robustness" / "questionnaires" / "fuzz.yaml"

#: What a person must be able to reach on a screen: any of these cut off at the left or right edge is a failure
#: (an element wholly left of the page is the visually-hidden pattern, e.g. the skip link until it has focus).
CUT_OFF = """() => Array.from(document.querySelectorAll(
    'h1, h2, legend, p, label, a, button, textarea, input[type=text], input[type=number], .progress'))
  .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && r.right > 0 && (r.left < -1 || r.right > window.innerWidth + 1); })
  .map(e => e.outerHTML.slice(0, 80))"""


def _fits(page: Any, screen: str) -> None:
    """Nothing scrolls sideways, nothing readable or pressable is cut off, and axe-core finds nothing."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), screen
    assert page.evaluate(CUT_OFF) == [], screen
    violations = axe_violations(page)
    assert violations == [], screen + ": " + json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.fixture
def every_kind(live: Live) -> Iterator[str]:
    """A kiosk link to a questionnaire with one item of every type, served beside the shipped ones for one test."""
    questionnaire = load_questionnaire(EVERY_KIND)
    with live.app.app_context():
        registry()[questionnaire.id] = questionnaire
    try:
        yield live.open_link(questionnaire.id, channel="kiosk")
    finally:
        with live.app.app_context():
            registry().pop(questionnaire.id)


def test_every_kind_of_screen_works_at_200_percent_zoom(
        live: Live, every_kind: str, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    """A 1280 × 800 kiosk at 200 % zoom lays out like a 640 × 400 window: start, each kind of question, the
    missing-answer message, the thank-you page and the one-page form's error summary all fit its width."""
    page = new_page(has_touch=True, viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page.goto(f"{live.url}/k/{every_kind}")
    _fits(page, "start")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")

    page.locator("[data-step-next]").tap()  # no answer yet: the screen says what to do
    assert page.locator("#q_overall-error").inner_text() == translated("Choose an answer")
    kinds: dict[str, str] = {}
    screens: list[str] = []

    def check(page: Any) -> None:
        current = page.locator(CURRENT)
        widget = current.locator("input, textarea").first
        if current.locator(".faces").count():
            kind = "faces"
        elif widget.get_attribute("type") in ("radio", "checkbox"):
            kind = widget.get_attribute("type")
        elif widget.get_attribute("inputmode") in ("numeric", "decimal"):
            kind = "number"
            widget.fill("1")  # required here, and answer_screen_by_screen answers choices only
        else:
            kind = "text"
        screens.append(kind)
        assert len(screens) < 20, screens  # a screen that never lets the person go on
        if kind in kinds:  # the same kind of screen again: the layout check alone
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), kind
            return
        kinds[kind] = current.get_attribute("id")
        _fits(page, kind)
        nxt = page.locator("[data-step-next]:visible, form.stepping [type=submit]:visible").first
        nxt.scroll_into_view_if_needed()
        box = nxt.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 640, kind

    answer_screen_by_screen(page, touch=True, on_screen=check)
    # likert (faces), yes/no and single choice (radio), multiple choice (checkbox), number, free text
    assert set(kinds) == {"faces", "radio", "checkbox", "number", "text"}, kinds
    shoot(page, "zoomed-last-screen")
    page.get_by_role("button", name=translated("Send")).tap()
    page.wait_for_url("**/thanks")
    _fits(page, "thank-you")

    page.goto(f"{live.url}/s/{live.qr_token(every_kind)}")  # the one-page form, sent with nothing answered
    page.get_by_role("button", name=translated("Send")).tap()
    summary = page.locator(".error-summary")
    summary.wait_for()
    _fits(page, "error summary")
    assert summary.get_by_role("link").first.bounding_box()["width"] <= 640
    shoot(page, "zoomed-error-summary")


def test_an_invalid_answer_is_posted_once_and_shown_with_the_question_named(
        live: Live, new_page: Callable[..., Any]) -> None:
    """The QR form on one page: the server's answer replaces the page; the form is not posted a second time."""
    token = live.open_link()
    page = new_page()
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live.url}/s/{token}")
    page.locator("#q_procedure_kind-0").check()
    page.get_by_role("button", name=translated("Send")).click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert len(posts) == 1
    first = summary.get_by_role("link").first
    assert first.inner_text().startswith(translated("Question %(number)s") % {"number": 2} + ":")
    assert translated("Choose an answer") in first.inner_text()
    assert first.bounding_box()["height"] >= 44  # a large target (WCAG 2.5.5: 44 × 44 CSS px)
    assert page.locator("#q_procedure_kind-0").is_checked()  # nothing lost
    assert live.responses(token) == []
