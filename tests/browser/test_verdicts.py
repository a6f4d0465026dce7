"""In Chromium: a director reads the verdict and certainty sentences on a unit's report, and a citizen reads them
on the public results page, which passes axe-core (WCAG 2.1 A and AA) in Vietnamese and in English.

The demo province is seeded by the `live` fixture; the sentences are checked against the figures the same page
shows in its table (the rate in the summary table must be the rate the verdict speaks of).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import Live, axe_violations


def _sign_in_admin(live: Live, page: Any) -> None:
    from survey_app.demo import DEMO_PASSWORDS

    page.goto(f"{live.url}/login")
    page.fill("input[name=email]", "admin@demo.local")
    page.fill("input[name=password]", DEMO_PASSWORDS["admin@demo.local"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_director_reads_the_verdict_and_certainty_on_a_unit_page(live: Live, new_page: Callable[..., Any],
                                                                 shoot: Callable[[Any, str], None]) -> None:
    from survey_app.models import Campaign, Unit
    from survey_app.platform.extensions import db

    with live.app.app_context():
        campaign = db.session.scalars(db.select(Campaign).where(Campaign.status == "open")).first()
        unit = db.session.scalars(db.select(Unit).where(Unit.code == "HCC-XA-BABE")).one()
        campaign_id, unit_id = campaign.id, unit.id
    page = new_page()
    _sign_in_admin(live, page)
    page.goto(f"{live.url}/reports/{campaign_id}/units/{unit_id}?lang=vi", timeout=60_000)
    official = page.locator("[data-verdict=official]").inner_text()
    certainty = page.locator("[data-verdict=certainty]").inner_text()
    rate = page.locator("#t-summary tbody tr th").first.inner_text()
    low, high = page.locator("#t-summary tbody tr td").first.inner_text().split(" – ")
    assert re.fullmatch(r"Kết luận chính thức: \d+,\d\s%, (đạt|chưa đạt) chỉ tiêu \(≥\s90\s%\)\.", official), official
    assert rate in official
    assert f"từ {low} đến {high}" in certainty
    assert certainty.startswith("Với độ tin cậy 95\u00a0%, tỷ lệ thực nằm trong khoảng từ ")
    assert re.search(r"(chắc chắn (chưa )?đạt chỉ tiêu\.|cần thêm khoảng [\d.]+ ý kiến\.)$", certainty), certainty
    assert "chưa biết" not in page.locator("main").inner_text().lower()
    shoot(page, "unit-verdict")


def test_citizen_reads_the_public_results_in_both_languages(live: Live, new_page: Callable[..., Any],
                                                            shoot: Callable[[Any, str], None]) -> None:
    from survey_app.models import Campaign, Response
    from survey_app.platform.extensions import db

    with live.app.app_context():
        # The demo's closed quarter (other browser tests may have closed small campaigns of their own).
        campaign = max(db.session.scalars(db.select(Campaign).where(Campaign.status == "closed")),
                       key=lambda c: db.session.scalar(db.select(db.func.count(Response.id))
                                                       .where(Response.campaign_id == c.id)))
        campaign.published_on = campaign.ends_on
        db.session.commit()
        campaign_id = campaign.id
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live.url}/results/{campaign_id}?lang=vi", timeout=60_000)
    verdicts = page.locator("[data-verdict=official]").all_inner_texts()
    assert verdicts and all(v.startswith("Kết luận chính thức: ") for v in verdicts)
    assert all(c.startswith("Với độ tin cậy 95") for c in page.locator("[data-verdict=certainty]").all_inner_texts())
    assert page.locator("#t-public-units tbody tr").count() > 3
    assert [v for v in axe_violations(page)] == []
    shoot(page, "public-vi")
    page.goto(f"{live.url}/results/{campaign_id}?lang=en", timeout=60_000)
    assert page.locator("[data-verdict=official]").first.inner_text().startswith("Official verdict: ")
    assert page.locator("html").get_attribute("lang") == "en"
    assert [v for v in axe_violations(page)] == []
    assert all(url.startswith(live.url) for url in requests)  # nothing from another site
