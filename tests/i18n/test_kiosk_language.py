"""The real survey pages: a kiosk goes back to its unit's language after each respondent; a QR link keeps ?lang=."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.pages import check_page


def lang_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return check_page(response.get_data(as_text=True)).lang or ""


def test_kiosk_returns_to_the_unit_language_after_a_respondent(client: FlaskClient,
                                                              campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["kiosk_token"]
    english_browser = {"Accept-Language": "en"}
    assert lang_of(client.get(f"/k/{token}", headers=english_browser)) == "vi"  # the unit's language, not the browser's
    assert lang_of(client.get(f"/k/{token}/questions?lang=en")) == "en"  # the respondent chose English
    assert lang_of(client.get(f"/k/{token}/questions")) == "en"  # kept while they answer
    assert lang_of(client.get(f"/k/{token}/thanks")) == "en"  # thanked in their language
    assert lang_of(client.get(f"/k/{token}", headers=english_browser)) == "vi"  # the next person starts in vi


def test_kiosk_start_screen_names_each_language_in_itself(client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    html = client.get(f"/k/{campaign_unit['kiosk_token']}").get_data(as_text=True)
    assert ">Tiếng Việt</a>" in html and ">English</a>" in html


def test_qr_link_language_is_kept_for_the_visit(client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    token = campaign_unit["token"]
    assert lang_of(client.get(f"/s/{token}?lang=en")) == "en"
    assert lang_of(client.get(f"/s/{token}")) == "en"


def test_qr_link_follows_the_browser(client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    assert lang_of(client.get(f"/s/{campaign_unit['token']}", headers={"Accept-Language": "en-GB,en"})) == "en"
