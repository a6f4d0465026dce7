"""The session cookie is Flask's, checked as strictly, even though recently checked cookies are not decoded twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, flash, get_flashed_messages, session
from flask.sessions import SecureCookieSessionInterface

from survey_app import create_app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app({"TESTING": True, "SECRET_KEY": "first-key", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unused.sqlite"})

    @app.get("/_put/<value>")
    def put(value: str) -> str:
        session["value"] = value
        return "ok"

    @app.get("/_get")
    def get() -> str:
        return str(session.get("value"))

    @app.get("/_flash/<text>")
    def add_flash(text: str) -> str:
        flash(text)
        return "ok"

    @app.get("/_flashes")
    def flashes() -> str:
        return ",".join(get_flashed_messages())

    return app


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("session").value


def test_cookies_are_the_same_as_flasks(app: Flask) -> None:
    ours = app.test_client()
    ours.get("/_put/mine")
    cookie = _cookie(ours)
    app.session_interface = SecureCookieSessionInterface()  # Flask's own reads ours…
    plain = app.test_client()
    plain.set_cookie("session", cookie)
    assert plain.get("/_get").text == "mine"
    plain.get("/_put/flasks")
    from survey_app.platform.cookie_session import SessionInterface

    app.session_interface = SessionInterface()  # …and ours reads Flask's
    again = app.test_client()
    again.set_cookie("session", _cookie(plain))
    assert again.get("/_get").text == "flasks"


def test_a_tampered_cookie_is_refused_even_after_the_genuine_one_was_accepted(app: Flask) -> None:
    client = app.test_client()
    client.get("/_put/genuine")
    cookie = _cookie(client)
    assert client.get("/_get").text == "genuine"  # now remembered as checked
    payload, rest = cookie.split(".", 1)
    forged = app.test_client()
    forged.set_cookie("session", payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest)
    assert forged.get("/_get").text == "None"


def test_a_new_secret_key_forgets_cookies_checked_with_the_old_one(app: Flask) -> None:
    client = app.test_client()
    client.get("/_put/old")
    assert client.get("/_get").text == "old"
    app.secret_key = "second-key"
    assert client.get("/_get").text == "None"


def test_sessions_holding_lists_are_never_shared_between_requests(app: Flask) -> None:
    client = app.test_client()
    client.get("/_flash/first")
    cookie = _cookie(client)
    other = app.test_client()
    other.set_cookie("session", cookie)
    assert client.get("/_flashes").text == "first"
    assert other.get("/_flashes").text == "first"  # the same cookie, read afresh: still there for this client
    assert client.get("/_flashes").text == ""


def test_the_session_is_read_whatever_other_cookies_come_with_it(app: Flask) -> None:
    """The whole Cookie header is what is remembered: other cookies beside the session change nothing."""
    client = app.test_client()
    client.get("/_put/mine")
    assert client.get("/_get").text == "mine"
    client.set_cookie("theme", "dark")
    assert client.get("/_get").text == "mine"
    client.set_cookie("session", "")  # the session cookie gone, the other one still sent
    assert client.get("/_get").text == "None"


def test_a_remembered_header_is_not_shared_with_a_header_carrying_another_session(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    first.get("/_put/first")
    second.get("/_put/second")
    for _ in range(2):  # the second round is served from what was remembered
        assert first.get("/_get").text == "first"
        assert second.get("/_get").text == "second"
