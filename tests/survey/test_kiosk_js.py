"""kiosk.js in a real Chromium: live skip logic, one press of Send, the idle reset — under the real CSP."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("small_questionnaire")]

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
    token = campaign_unit["kiosk_token"]
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
