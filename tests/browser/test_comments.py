"""In Chromium, with JavaScript off (everything must work without it): the province officer searches a unit's
comments without typing tones, tags a group of near-identical comments with a topic, and hides one with a reason;
the comment list passes axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import Live, axe_violations
from tests.browser.test_verdicts import _sign_in_admin


def test_officer_searches_tags_and_hides_comments_without_javascript(live: Live, new_page: Callable[..., Any],
                                                                     shoot: Callable[[Any, str], None]) -> None:
    from survey_app.extensions import db
    from survey_app.models import Campaign, Unit

    with live.app.app_context():
        campaign = db.session.scalars(db.select(Campaign).where(Campaign.status == "open")).first()
        unit = db.session.scalars(db.select(Unit).where(Unit.code == "HCC-XA-BABE")).one()
        campaign_id, unit_id = campaign.id, unit.id
    page = new_page(java_script_enabled=False)
    _sign_in_admin(live, page)
    page.goto(f"{live.url}/reports/{campaign_id}/units/{unit_id}?lang=vi", timeout=60_000)
    page.fill("#comment-q", "cho lau")  # "chờ lâu" typed without tones
    page.locator("form.comment-search button").click()
    page.wait_for_load_state()
    assert "/comments?q=cho+lau" in page.url
    groups = page.locator("#comment-list > li")
    assert groups.count() == 1
    first = groups.first
    assert "Phải chờ lâu, cần thêm ghế ngồi." in first.locator("blockquote").inner_text()
    assert re.search(r"\d+ người đã viết ý kiến này", first.inner_text())
    assert "Đánh giá chung:" in first.inner_text()

    first.locator("summary").click()
    first.get_by_label("Thời gian chờ").check()
    first.get_by_role("button", name="Lưu chủ đề").click()
    page.wait_for_load_state()
    assert "/comments?q=cho+lau" in page.url  # back on the same search
    assert "Thời gian chờ" in page.locator("#comment-list .tag").first.inner_text()

    page.locator("#comment-list > li").first.get_by_label("Lý do ẩn").fill("Thử nghiệm ẩn ý kiến")
    page.locator("#comment-list > li").first.get_by_role("button", name="Ẩn ý kiến này").click()
    page.wait_for_load_state()
    note = page.locator(".hidden-note").first.inner_text()
    assert "Lý do: Thử nghiệm ẩn ý kiến" in note
    assert axe_violations(page) == []
    shoot(page, "comments-hidden")
    page.locator("#comment-list > li").first.get_by_role("button", name="Hiển thị lại ý kiến này").click()
    page.wait_for_load_state()
    assert page.locator(".hidden-note").count() == 0
