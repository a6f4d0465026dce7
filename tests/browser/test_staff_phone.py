"""Staff pages on a 390-px phone (an officer checking progress from the field): nothing is wider than the screen,
and every figure of the progress table — quota and status included — is on screen without scrolling sideways.
Also: the kiosk page sends its heartbeat, which the campaign page then shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Live

pytestmark = pytest.mark.browser
WIDTH = 390

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5) && !el.closest(".sr-only, .skip")) {
      wide.push(el.tagName + "." + el.className + " " + Math.round(box.left) + "–" + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 10)};
}"""


def _sign_in(page: Any, live: Live) -> None:
    from survey_app.demo import DEMO_PASSWORDS

    page.goto(f"{live.url}/login")
    page.fill("input[name=email]", "admin@demo.local")
    page.fill("input[name=password]", DEMO_PASSWORDS["admin@demo.local"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _open_campaign(live: Live) -> int:
    from survey_app.models import Campaign
    from survey_app.platform.extensions import db

    with live.app.app_context():
        campaign = db.session.scalars(db.select(Campaign).where(Campaign.status == "open")).first()
        return campaign.id


def test_progress_page_fits_a_390px_phone(live: Live, new_page: Callable[..., Any],
                                          shoot: Callable[[Any, str], None]) -> None:
    page = new_page(viewport={"width": WIDTH, "height": 844}, has_touch=True, is_mobile=True)
    _sign_in(page, live)
    campaign_id = _open_campaign(live)
    for name, path in (("progress", f"/admin/campaigns/{campaign_id}/progress"),
                       ("campaign", f"/admin/campaigns/{campaign_id}"), ("alerts", "/admin/alerts")):
        page.goto(live.url + path, timeout=60_000)
        shoot(page, name)
        found = page.evaluate(OVERFLOWING)
        assert found["scroll"] <= WIDTH and found["wide"] == [], f"{name}: {found}"
    page.goto(f"{live.url}/admin/campaigns/{campaign_id}/progress", timeout=60_000)
    first = page.locator("table.progress tbody tr").first
    for label in ("Chỉ tiêu", "Trạng thái"):  # quota and status, the columns a 517-px table used to cut
        cell = first.locator(f"td[data-label='{label}']")
        box = cell.bounding_box()
        assert cell.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, label


def test_kiosk_heartbeat_reaches_the_campaign_page(live: Live, new_page: Callable[..., Any]) -> None:
    token = live.open_link(channel="kiosk")
    kiosk = new_page(has_touch=True)
    with kiosk.expect_response(lambda r: r.url.endswith(f"/k/{token}/heartbeat")) as beat:
        kiosk.goto(f"{live.url}/k/{token}")
    assert beat.value.status == 204
    device = kiosk.evaluate("() => window.localStorage.getItem('kiosk-device')")
    assert device and len(device) == 32
    staff = new_page()
    _sign_in(staff, live)
    from survey_app.models import CampaignUnit, Unit
    from survey_app.platform.extensions import db

    with live.app.app_context():
        campaign_id = db.session.scalars(db.select(CampaignUnit.campaign_id).join(Unit)
                                         .where(Unit.kiosk_token == token)).one()
    staff.goto(f"{live.url}/admin/campaigns/{campaign_id}")
    assert device[:6] in staff.locator("table.kiosks").inner_text()
