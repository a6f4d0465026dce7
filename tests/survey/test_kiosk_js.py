"""kiosk.js in a real Chromium: live skip logic, one press of Send, the idle reset — under the real CSP."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import require

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("small_questionnaire")]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    require(CHROMIUM is not None, "Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        tab = browser.new_page()
        tab.set_default_timeout(10_000)
        errors: list[str] = []
        tab.on("console", lambda message: errors.append(message.text)
               if "Content Security Policy" in message.text else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        assert errors == [], "script errors or CSP violations"


def test_follow_up_question_appears_only_for_the_answer_that_asks_for_it(
        page: Any, base_url: str, campaign_unit: dict[str, Any]) -> None:
    page.goto(f"{base_url}/s/{campaign_unit['token']}?lang=en")
    follow_up = page.locator("#item-complaint_handling")
    assert follow_up.is_hidden()
    assert page.locator("#q_complaint_handling-condition").count() == 1
    page.get_by_label("Yes", exact=True).check()
    assert follow_up.is_visible()
    assert page.locator("#q_complaint_handling-condition").is_hidden()  # the no-JS hint is not needed
    page.get_by_label("No", exact=True).check()
    assert follow_up.is_hidden()


def test_send_button_is_disabled_after_one_press(page: Any, base_url: str, campaign_unit: dict[str, Any]) -> None:
    page.goto(f"{base_url}/s/{campaign_unit['token']}?lang=en")
    # Count submissions and keep the page (a network that never answers, no navigation) to inspect the button.
    page.evaluate("""() => {
        window.sent = 0;
        window.fetch = () => new Promise(() => {});
        HTMLFormElement.prototype.submit = () => {};
        document.querySelector("form[data-survey]").addEventListener("submit", (event) => {
            event.preventDefault(); window.sent += 1; });
    }""")
    send = page.locator("button[data-send]")
    assert send.is_enabled()
    send.click()
    page.wait_for_function("document.querySelector('button[data-send]').disabled")
    page.evaluate("document.querySelector('button[data-send]').click()")
    assert page.evaluate("window.sent") == 1


@pytest.mark.slow
def test_idle_kiosk_asks_then_goes_back_to_the_start(page: Any, app: Flask, base_url: str,
                                                      campaign_unit: dict[str, Any]) -> None:
    app.config.update(KIOSK_IDLE_SECONDS=1, KIOSK_IDLE_COUNTDOWN_SECONDS=2)
    token = campaign_unit["token"]
    page.goto(f"{base_url}/k/{token}/questions?lang=en")
    page.get_by_label("Satisfied", exact=True).first.check()
    dialog = page.locator("#idle")
    dialog.wait_for(state="visible", timeout=5000)
    assert "Are you still there?" in dialog.inner_text()
    page.get_by_role("button", name="Continue").click()
    assert dialog.is_hidden()
    dialog.wait_for(state="visible", timeout=5000)
    page.wait_for_url(f"{base_url}/k/{token}", timeout=5000)
    assert page.locator("h1").inner_text() == "Bộ phận Một cửa thử nghiệm"
