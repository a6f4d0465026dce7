"""The one-tap counter device in Chromium: each tap on a face stores one answer, then the start comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from survey_app.models import CounterAnswer
from survey_app.platform.extensions import db
from tests.browser.conftest import Live, axe_violations, translated

pytestmark = pytest.mark.browser


def _stored(live: Live) -> list[tuple[int, str | None]]:
    with live.app.app_context():
        return [(a.score, a.reason) for a in db.session.scalars(db.select(CounterAnswer).order_by(CounterAnswer.id))]


def test_each_tap_on_a_face_stores_one_answer_and_the_device_returns_to_the_start(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    live.app.config["COUNTER_RETURN_SECONDS"] = 1
    token = live.open_link(channel="kiosk")
    before = len(_stored(live))
    page = new_page(has_touch=True)
    page.goto(f"{live.url}/c/{token}")
    assert axe_violations(page) == []
    shoot(page, "start")
    faces = page.locator(".counter-choices button")
    assert faces.count() == 5
    faces.nth(4).tap()  # "Very satisfied"
    page.wait_for_url("**/thanks")
    assert axe_violations(page) == []
    page.wait_for_url(f"**/c/{token}", timeout=5000)  # back to the start by itself
    page.locator(".counter-choices button").nth(0).tap()  # "Very dissatisfied": one reason is asked
    page.wait_for_url("**/why?*")
    assert axe_violations(page) == []
    page.get_by_role("button", name=translated("Waiting time")).tap()
    page.wait_for_url("**/thanks")
    page.wait_for_url(f"**/c/{token}", timeout=5000)
    page.locator(".counter-choices button").nth(3).tap()
    page.wait_for_url("**/thanks")
    assert _stored(live)[before:] == [(5, None), (1, "waiting"), (4, None)]
