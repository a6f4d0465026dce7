"""The security promises of the issue, checked over HTTP: CSRF, headers, per-client limits, login throttling.

Client addresses in these tests are only WSGI environ values (127.0.0.x); no traffic leaves the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app
from survey_app.platform.extensions import db
from tests.conftest import CheckingClient
from tests.robustness.conftest import open_fuzz_link, response_count
from tests.robustness.test_fuzz import VALID, _body, _fresh_form, _post


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    """The application with its rate limits on (the shared ``app`` fixture turns them off)."""
    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                              "RATELIMIT_ENABLED": True, "SUBMIT_RATE_LIMIT": "3 per minute",
                              "LOGIN_RATE_LIMIT": "5 per minute"})
    application.test_client_class = CheckingClient
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_survey_post_without_its_csrf_token_is_refused_and_nothing_stored(
        app: Flask, client: FlaskClient, fuzz_link: str) -> None:
    _, submission_id = _fresh_form(client, fuzz_link)
    body = _body(VALID, "", submission_id).replace(b"csrf_token=&", b"")
    reply = _post(client, f"/s/{fuzz_link}", body)

    assert reply.status_code == 400
    assert response_count(app) == 0


def test_sign_in_without_csrf_token_is_refused(client: FlaskClient) -> None:
    reply = client.post("/login", data={"email": "admin@example.org", "password": "whatever-123"})
    assert reply.status_code == 400


@pytest.mark.parametrize("path", ["/k/{kiosk}", "/k/{kiosk}/questions", "/s/{token}", "/s/{token}/thanks",
                                  "/login", "/no-such-page"])
def test_every_page_sends_the_security_headers(app: Flask, client: FlaskClient, fuzz_link: str, path: str) -> None:
    from survey_app.models import Unit

    with app.app_context():
        kiosk = db.session.scalars(db.select(Unit.kiosk_token).where(Unit.qr_token == fuzz_link)).one()
    response = client.get(path.format(token=fuzz_link, kiosk=kiosk))
    assert response.status_code in (200, 404)
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert re.search(r"(^|; )script-src 'self'(;|$)", policy), policy  # no 'unsafe-inline', no other host
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Survey links carry the unit's token: no Referer at all; staff forms need a same-origin one (finding 1).
    assert headers["Referrer-Policy"] == ("no-referrer" if path.startswith(("/k/", "/s/")) else "same-origin")


def test_survey_pages_are_never_cached_and_static_files_are(client: FlaskClient, fuzz_link: str) -> None:
    assert client.get(f"/s/{fuzz_link}").headers["Cache-Control"] == "no-store"
    static = client.get("/static/js/kiosk.js")
    assert static.status_code == 200
    max_age = re.search(r"max-age=(\d+)", static.headers["Cache-Control"])
    assert max_age and int(max_age[1]) >= 3600
    static.close()


def test_submissions_are_limited_per_client(limited_app: Flask) -> None:
    token = open_fuzz_link(limited_app)
    crowd = limited_app.test_client()
    crowd.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    statuses = []
    for _ in range(4):
        csrf, submission_id = _fresh_form(crowd, token)
        statuses.append(_post(crowd, f"/s/{token}", _body(VALID, csrf, submission_id)).status_code)
    limited = crowd.post(f"/s/{token}", data={})
    neighbour = limited_app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "127.0.0.3"
    csrf, submission_id = _fresh_form(neighbour, token)

    assert statuses == [303, 303, 303, 429]
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert _post(neighbour, f"/s/{token}", _body(VALID, csrf, submission_id)).status_code == 303
    assert response_count(limited_app) == 4


def test_sign_in_attempts_are_throttled(limited_app: Flask) -> None:
    client = limited_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.4"
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]  # type: ignore[index]
    statuses = [client.post("/login", data={"csrf_token": csrf, "email": f"guess{n}@example.org",
                                            "password": "wrong-password"}).status_code for n in range(6)]

    assert statuses == [200] * 5 + [429]  # five refusals shown on the sign-in page, then "Too many attempts"
