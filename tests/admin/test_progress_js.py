"""admin-progress.js in a real Chromium: the figures refresh in place (no reload), under the real CSP."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from survey_app.models import Response
from survey_app.platform.extensions import db
from tests.admin.conftest import ADMIN, World

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_locale() -> str:
    return "en-GB"


def test_progress_figures_refresh_without_reloading(app: Flask, page: Any, base_url: str, world: World) -> None:
    from playwright.sync_api import expect

    app.config["PROGRESS_REFRESH_SECONDS"] = 1

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
