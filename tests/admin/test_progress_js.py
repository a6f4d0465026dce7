"""admin-progress.js in a real Chromium: the figures refresh in place (no reload), under the real CSP."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from survey_app.extensions import db
from survey_app.models import Response
from tests.admin.conftest import ADMIN, World
from tests.conftest import require

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    app.config["PROGRESS_REFRESH_SECONDS"] = 1
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
        tab = browser.new_page(locale="en-GB")
        tab.set_default_timeout(10_000)
        errors: list[str] = []
        tab.on("console", lambda message: errors.append(message.text)
               if "Content Security Policy" in message.text else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        assert errors == [], "script errors or CSP violations"


def test_progress_figures_refresh_without_reloading(app: Flask, page: Any, base_url: str, world: World) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill("pw-123456")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    page.goto(f"{base_url}/admin/campaigns/{world.campaign}/progress")
    kiosk = page.locator('tr[data-unit="MC-TEST"] td').first
    assert kiosk.inner_text() == "0"
    page.evaluate("window.notReloaded = true")
    with app.app_context():
        db.session.add(Response(campaign_id=world.campaign, unit_id=world.unit_a, questionnaire_id="one_stop",
                                questionnaire_version=1, channel="kiosk", locale="vi", answers={},
                                submission_id="browser-1"))
        db.session.commit()
    expect(kiosk).to_have_text("1")  # polls the page (no eval: the CSP forbids it)
    assert page.evaluate("window.notReloaded") is True
