"""offline.js in Chromium: answers sent while the network is down are kept, shown as saved, resent once it is back,
and stored once however often they are resent."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Live, answer_every_question, translated

pytestmark = pytest.mark.browser

SAVED = ("There is no connection right now. Your answers are saved on this device and will be sent automatically "
         "when the connection is back.")
OUTBOX = "window.localStorage.getItem('survey-outbox')"


def test_answers_sent_offline_are_kept_then_sent_once_when_the_network_is_back(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True)
    page.goto(f"{live.url}/k/{token}")
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")
    answer_every_question(page, touch=True)
    page.context.set_offline(True)
    page.get_by_role("button", name=translated("Send")).tap()

    note = page.locator("[data-offline-saved]")
    note.wait_for()
    assert note.inner_text() == translated(SAVED)
    assert page.locator("form[data-survey]").is_hidden()  # the next person does not see these answers
    assert page.locator("input:checked").count() == 0
    kept = page.evaluate(OUTBOX)
    assert kept and live.responses(token) == []
    shoot(page, "saved-offline")

    page.context.set_offline(False)
    page.wait_for_url(re.compile(r"/k/[^/]+/thanks$"), timeout=15_000)
    assert page.evaluate(OUTBOX) is None
    assert len(live.responses(token)) == 1
    shoot(page, "sent")

    # The same answers resent (a second tab, a retry after a lost reply): acknowledged, not stored again.
    page.evaluate("kept => window.localStorage.setItem('survey-outbox', kept)", kept)
    page.goto(f"{live.url}/k/{token}")
    _wait_until(lambda: page.evaluate(OUTBOX) is None)
    assert len(live.responses(token)) == 1


def _wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Poll from Python: Playwright's wait_for_function would evaluate a string in the page, which the CSP forbids."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_with_the_network_up_answers_go_straight_through(live: Live, new_page: Callable[..., Any]) -> None:
    token = live.open_link()
    page = new_page()
    page.goto(f"{live.url}/s/{token}")
    answer_every_question(page)
    page.get_by_role("button", name=translated("Send")).click()

    page.wait_for_url(re.compile(r"/s/[^/]+/thanks$"))
    assert page.evaluate(OUTBOX) is None
    assert len(live.responses(token)) == 1


def test_answers_kept_past_their_tokens_life_are_sent_with_a_fresh_token(
        live: Live, new_page: Callable[..., Any]) -> None:
    """A kiosk offline overnight: the kept answers' CSRF token has expired, and the server answers 400. The outbox
    takes the fresh token from that answer and sends again, instead of dropping the answers."""
    token = live.open_link()
    page = new_page()
    page.goto(f"{live.url}/s/{token}")
    answer_every_question(page)
    page.context.set_offline(True)
    page.get_by_role("button", name=translated("Send")).click()
    page.locator("[data-offline-saved]").wait_for()
    # What an expired token looks like to the server: a signature it no longer accepts.
    page.evaluate("""() => {
        const list = JSON.parse(window.localStorage.getItem('survey-outbox'));
        const params = new URLSearchParams(list[0].body);
        params.set('csrf_token', 'IjBkZjE.expired.signature');
        list[0].body = params.toString();
        window.localStorage.setItem('survey-outbox', JSON.stringify(list));
    }""")
    page.context.set_offline(False)
    page.reload()  # the next morning: the page loads again and sends what it kept
    _wait_until(lambda: page.evaluate(OUTBOX) is None, timeout=15)
    [stored] = live.responses(token)
    assert stored.channel == "qr"


def test_answers_kept_until_after_the_campaign_closed_are_refused_counted_and_shown_on_the_campaign_page(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    """Issue 12, "Bad input": an answer kept offline on a kiosk and sent after its campaign closed without a grace
    period is refused; the kiosk says so to the person still there, counts it, and its health report carries the
    count to the campaign page, so the province learns that answers were lost."""
    from survey_app.models import Campaign, CampaignUnit, Unit
    from survey_app.platform.extensions import db
    from survey_app.survey.submission import province_today
    from tests.browser.test_staff_phone import _sign_in

    token = live.open_link(channel="kiosk")
    kiosk = new_page(has_touch=True)
    kiosk.goto(f"{live.url}/k/{token}")
    kiosk.get_by_role("link", name="Tiếng Việt").tap()
    kiosk.wait_for_url("**/questions?*")
    answer_every_question(kiosk, touch=True)
    kiosk.context.set_offline(True)
    kiosk.get_by_role("button", name=translated("Send")).tap()
    kiosk.locator("[data-offline-saved]").wait_for()

    with live.app.app_context():  # the province closes the campaign today, with no days of grace
        campaign = db.session.scalars(db.select(Campaign).join(CampaignUnit).join(Unit)
                                      .where(Unit.kiosk_token == token)).one()
        campaign.status, campaign.closed_on, campaign.late_days = "closed", province_today(), 0
        db.session.commit()
        campaign_id = campaign.id

    with kiosk.expect_response(lambda r: r.url.endswith(f"/k/{token}/heartbeat")
                               and (r.request.post_data_json or {}).get("refused") == 1) as beat:
        kiosk.context.set_offline(False)
    assert beat.value.status == 204
    heading = kiosk.locator("main h1")
    heading.wait_for()
    assert heading.inner_text() == translated("These answers arrived too late")
    assert translated("Nothing was recorded.") in kiosk.locator("main").inner_text()
    assert kiosk.evaluate(OUTBOX) is None  # out of the outbox, never resent
    assert kiosk.evaluate("() => window.localStorage.getItem('survey-refused')") == "1"  # a count, no answers
    assert live.responses(token) == []
    shoot(kiosk, "refused")

    device = kiosk.evaluate("() => window.localStorage.getItem('kiosk-device')")
    staff = new_page()
    _sign_in(staff, live)
    staff.goto(f"{live.url}/admin/campaigns/{campaign_id}")
    row = staff.locator("table.kiosks tbody tr", has_text=device[:6])
    assert row.get_attribute("class") == "attention"
    assert row.locator("[data-refused]").inner_text() == "1"
    shoot(staff, "campaign-page")
