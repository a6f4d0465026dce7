"""Which language a page is shown in: ?lang=, the respondent's choice, Accept-Language, the unit's default, vi."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.pages import check_page


def shown(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """``(<html lang>, the "Start the survey" line)`` of a test page."""
    html = response.get_data(as_text=True)
    start = html.split('<p id="start">')[1].split("</p>")[0]
    return check_page(html).lang or "", start


def test_vietnamese_when_nothing_says_otherwise(lang_client: FlaskClient) -> None:
    assert shown(lang_client.get("/t/qr")) == ("vi", "Bắt đầu khảo sát")


@pytest.mark.parametrize(("header", "expected"), [
    ("en-US,en;q=0.9", ("en", "Start the survey")),
    ("fr-FR,fr;q=0.9", ("vi", "Bắt đầu khảo sát")),  # no French catalog: the default, not an error
    ("fr;q=0.9,en;q=0.5", ("en", "Start the survey")),
    ("vi-VN", ("vi", "Bắt đầu khảo sát")),
    ("en-GB", ("en", "Start the survey")),  # a regional variant matches its language
])
def test_accept_language_is_honoured(lang_client: FlaskClient, header: str, expected: tuple[str, str]) -> None:
    assert shown(lang_client.get("/t/qr", headers={"Accept-Language": header})) == expected


def test_query_language_of_a_poster_wins_and_is_kept_for_the_visit(lang_client: FlaskClient) -> None:
    assert shown(lang_client.get("/t/qr?lang=en", headers={"Accept-Language": "vi"})) == ("en", "Start the survey")
    assert shown(lang_client.get("/t/qr", headers={"Accept-Language": "vi"}))[0] == "en"


def test_unknown_query_language_falls_through(lang_client: FlaskClient) -> None:
    response = lang_client.get("/t/qr?lang=xx-YY", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert shown(response)[0] == "en"


def test_unit_default_applies_when_the_browser_names_no_known_language(lang_client: FlaskClient) -> None:
    assert shown(lang_client.get("/t/qr?unit=en"))[0] == "en"
    assert shown(lang_client.get("/t/qr?unit=en", headers={"Accept-Language": "vi"}))[0] == "vi"
    assert shown(lang_client.get("/t/qr?unit=xx"))[0] == "vi"


def test_kiosk_ignores_the_browser_language(lang_client: FlaskClient) -> None:
    """A kiosk's browser language says nothing about the person in front of it: the unit's default applies."""
    assert shown(lang_client.get("/t/kiosk?unit=vi", headers={"Accept-Language": "en"}))[0] == "vi"


def test_explicit_choice_beats_the_browser_and_the_unit(lang_client: FlaskClient) -> None:
    assert lang_client.post("/t/choose", data={"code": "en"}).status_code == 204
    assert shown(lang_client.get("/t/kiosk?unit=vi", headers={"Accept-Language": "vi"}))[0] == "en"


def test_choosing_a_language_without_catalog_is_refused(lang_client: FlaskClient) -> None:
    assert lang_client.post("/t/choose", data={"code": "fr"}).status_code == 400
    assert shown(lang_client.get("/t/kiosk?unit=vi"))[0] == "vi"


def test_kiosk_returns_to_the_unit_language_after_a_respondent(lang_client: FlaskClient) -> None:
    lang_client.post("/t/choose", data={"code": "en"})
    assert shown(lang_client.get("/t/kiosk?unit=vi"))[0] == "en"
    lang_client.post("/t/done")
    assert shown(lang_client.get("/t/kiosk?unit=vi", headers={"Accept-Language": "en"})) == ("vi", "Bắt đầu khảo sát")


@pytest.mark.parametrize(("query", "expected"), [("?lang=vi", "Lựa chọn không hợp lệ."),
                                                 ("?lang=en", "Not a valid choice.")])
def test_built_in_form_errors_are_translated(lang_client: FlaskClient, query: str, expected: str) -> None:
    assert lang_client.post(f"/t/form{query}", data={"colour": "green"}).get_data(as_text=True) == expected
