"""The kiosk: start screen, questions, thank-you screen and back; nothing of one respondent reaches the next."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Response
from tests.survey.conftest import SMALL_ANSWERS, fill

pytestmark = pytest.mark.usefixtures("small_questionnaire")


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match
    return match.group(1)


def test_start_screen_names_the_unit_and_offers_each_language_in_itself(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    html = client.get(f"/k/{token}").get_data(as_text=True)
    assert "<h1>Bộ phận Một cửa thử nghiệm</h1>" in html
    assert f'lang="vi" hreflang="vi" href="/k/{token}/questions?lang=vi">Tiếng Việt</a>' in html
    assert f'lang="en" hreflang="en" href="/k/{token}/questions?lang=en">English</a>' in html
    assert html_lang(html) == "vi"


def test_full_kiosk_submission_is_stored_with_its_questionnaire_version_channel_and_language(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]]) -> None:
    token = campaign_unit["kiosk_token"]
    client.get(f"/k/{token}")
    client.get(f"/k/{token}/questions?lang=en")
    response = fill(client, f"/k/{token}/questions", SMALL_ANSWERS, lang=None)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/k/{token}/thanks"
    [row] = stored()
    assert row.answers == {"staff_polite": 4, "complained": "yes", "complaint_handling": "na",
                           "services": ["land", "residence"], "visits": 2, "overall": 5,
                           "comment": "More chairs, please."}
    assert (row.questionnaire_id, row.questionnaire_version) == ("one_stop", 7)
    assert (row.channel, row.locale) == ("kiosk", "en")
    assert (row.campaign_id, row.unit_id) == (campaign_unit["campaign_id"], campaign_unit["unit_id"])
    assert re.fullmatch(r"[0-9a-f]{32}", row.submission_id)


def test_thank_you_page_returns_to_the_start_without_javascript(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    app.config["KIOSK_THANKS_SECONDS"] = 5
    token = campaign_unit["kiosk_token"]
    html = client.get(f"/k/{token}/thanks").get_data(as_text=True)
    assert f'<noscript><meta http-equiv="refresh" content="5;url=/k/{token}"></noscript>' in html
    assert f'<a class="btn" href="/k/{token}" data-return-after="5">' in html  # kiosk.js, when it runs


def test_language_chosen_by_one_respondent_is_forgotten_after_the_thank_you_page(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    client.get(f"/k/{token}")
    response = fill(client, f"/k/{token}/questions", SMALL_ANSWERS, lang="en")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html_lang(thanks) == "en"  # still the respondent's language
    assert html_lang(client.get(f"/k/{token}").get_data(as_text=True)) == "vi"
    assert html_lang(client.get(f"/k/{token}/questions").get_data(as_text=True)) == "vi"


def test_returning_to_the_start_screen_forgets_an_abandoned_language_choice(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    client.get(f"/k/{token}/questions?lang=en")
    client.get(f"/k/{token}")  # the idle reset and "Cancel and start again" both land here
    assert html_lang(client.get(f"/k/{token}/questions").get_data(as_text=True)) == "vi"


def test_kiosk_ignores_the_browser_language_and_greets_in_the_unit_language(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    html = client.get(f"/k/{campaign_unit['kiosk_token']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(html) == "vi"


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.controls: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms.append(dict(attrs))
        elif tag in ("input", "textarea", "select") and dict(attrs).get("type") != "hidden":
            self.controls.append(dict(attrs))


def test_pages_are_never_cached_and_the_browser_never_remembers_answers(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    qr = campaign_unit["token"]
    for url in (f"/k/{token}", f"/k/{token}/questions", f"/k/{token}/thanks", f"/s/{qr}", "/k/unknown"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    page = _Controls()
    page.feed(client.get(f"/k/{token}/questions").get_data(as_text=True))
    assert [form.get("autocomplete") for form in page.forms] == ["off"]
    assert len(page.controls) == 6 + 2 + 6 + 3 + 1 + 5 + 1  # the overall question offers no "not applicable"
    assert {control.get("autocomplete") for control in page.controls} == {"off"}


def test_questions_page_carries_the_idle_reset_settings_for_kiosk_js(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    app.config["KIOSK_IDLE_SECONDS"] = 45
    token = campaign_unit["kiosk_token"]
    html = client.get(f"/k/{token}/questions?lang=en").get_data(as_text=True)
    assert f'data-idle-seconds="45" data-idle-countdown="20" data-start-url="/k/{token}"' in html
    assert "Are you still there?" in html
    assert '<script src="/static/js/kiosk.js" defer></script>' in html
    assert "style=" not in html
    assert f'<a href="/k/{token}">Cancel and start again</a>' in html
