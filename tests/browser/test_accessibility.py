"""axe-core on the pages citizens and agencies use: no violation of the WCAG 2.1 A and AA rules.

axe checks what a machine can (names, labels, contrast, landmarks, language, ARIA); it does not replace a person
with a screen reader, but a page it flags is certainly wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Live, answer_every_question, axe_violations, translated

pytestmark = pytest.mark.browser


def _assert_accessible(page: Any, what: str, allowed: tuple[str, ...] = ()) -> None:
    violations = [v for v in axe_violations(page) if v["id"] not in allowed]
    assert violations == [], f"{what}: " + json.dumps(violations, ensure_ascii=False, indent=1)


def test_kiosk_pages_have_no_wcag_violations(live: Live, new_page: Callable[..., Any],
                                             shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True)
    page.goto(f"{live.url}/k/{token}")
    _assert_accessible(page, "kiosk start")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")
    _assert_accessible(page, "kiosk questions")
    answer_every_question(page, touch=True)
    page.get_by_role("button", name=translated("Send")).tap()
    page.wait_for_url("**/thanks")
    _assert_accessible(page, "kiosk thank-you")  # its return to the start waits while the person touches it
    shoot(page, "thanks")


def test_qr_pages_have_no_wcag_violations(live: Live, new_page: Callable[..., Any],
                                          shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link()
    page = new_page(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page.goto(f"{live.url}/s/{token}")
    _assert_accessible(page, "QR form")
    answer_every_question(page, touch=True, skip=("overall",))
    page.get_by_role("button", name=translated("Send")).tap()
    page.locator(".error-summary").wait_for()
    _assert_accessible(page, "QR form with an error")
    shoot(page, "error")
    page.context.set_offline(True)
    page.locator("#item-overall .choices label").first.tap()
    page.get_by_role("button", name=translated("Send")).tap()
    page.locator("[data-offline-saved]").wait_for()
    _assert_accessible(page, "QR form saved offline")
    page.context.set_offline(False)
    page.wait_for_url("**/thanks")
    _assert_accessible(page, "QR thank-you")


def test_sign_in_and_report_pages_have_no_wcag_violations(live: Live, new_page: Callable[..., Any],
                                                          shoot: Callable[[Any, str], None]) -> None:
    from survey_app.demo import DEMO_PASSWORDS
    from survey_app.models import Campaign, Unit
    from survey_app.platform.extensions import db

    with live.app.app_context():  # the demo province, seeded by the `live` fixture
        campaign = db.session.scalars(db.select(Campaign).where(Campaign.status == "open")).first()
        unit = db.session.scalars(db.select(Unit).where(Unit.code == "HCC-XA-BABE")).one()
        campaign_id, unit_id = campaign.id, unit.id
    page = new_page()
    page.goto(f"{live.url}/login")
    _assert_accessible(page, "sign-in")
    page.fill("input[name=email]", "admin@demo.local")
    page.fill("input[name=password]", DEMO_PASSWORDS["admin@demo.local"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    for name, path in (("reports", "/reports/"), ("campaign report", f"/reports/{campaign_id}/"),
                       ("unit report", f"/reports/{campaign_id}/units/{unit_id}")):
        # A cold report is built from every answer (weights, raking, the drivers model): allow it time on a busy CI.
        response = page.goto(live.url + path, timeout=60_000)
        assert response is not None and response.status == 200, name
        _assert_accessible(page, name)
        shoot(page, name.replace(" ", "-"))
