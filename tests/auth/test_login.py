"""Staff sign-in: success, failure that never tells which part was wrong, disabled accounts, throttling,
safe redirects after sign-in, sign-out, and the session cookie's flags."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import create_app
from survey_app.models import User
from survey_app.platform.extensions import db, limiter
from tests.conftest import CheckingClient
from tests.staff import csrf_token, english, post, sign_in, text

WRONG = "Email or password is not correct. Check both and try again."


@pytest.fixture
def staff(client: FlaskClient, campaign_unit: dict[str, Any], make_user: Any) -> FlaskClient:
    make_user("admin@tinh.gov.vn", role="province_admin")
    make_user("agency@tinh.gov.vn", unit_ids=(campaign_unit["unit_id"],))
    return english(client)


def test_landing_page_shows_no_data(staff: FlaskClient) -> None:
    page = text(staff.get("/"))
    assert "Staff sign-in" in page
    assert "Khảo sát Quý thử" not in page and "MC-TEST" not in page


def test_admin_signs_in_and_sees_the_campaigns(staff: FlaskClient) -> None:
    response = sign_in(staff, "admin@tinh.gov.vn")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = text(staff.get("/"))
    assert "Campaigns of the province" in page and "Khảo sát Quý thử" in page
    assert 'href="/admin/users"' in page


def test_agency_user_sees_their_units(staff: FlaskClient) -> None:
    sign_in(staff, "AGENCY@tinh.gov.vn ")  # case and stray spaces do not matter
    page = text(staff.get("/"))
    assert "Your units" in page and "Bộ phận Một cửa thử nghiệm" in page and "Khảo sát Quý thử" in page
    assert 'href="/admin/users"' not in page and 'href="/admin/units"' not in page


@pytest.mark.parametrize(("email", "password"), [
    ("admin@tinh.gov.vn", "wrong-password"),
    ("nobody@tinh.gov.vn", "pw-123456"),
])
def test_wrong_email_or_password_gets_the_same_answer(staff: FlaskClient, email: str, password: str) -> None:
    response = sign_in(staff, email, password)
    assert response.status_code == 200
    assert WRONG in text(response)
    assert staff.get("/admin/campaigns").status_code == 302


def test_empty_form_says_what_to_enter(staff: FlaskClient) -> None:
    page = text(sign_in(staff, "", ""))
    assert "Enter your email address" in page and "Enter your password" in page


def test_disabled_user_cannot_sign_in_and_loses_open_session(app: Flask, staff: FlaskClient) -> None:
    sign_in(staff, "agency@tinh.gov.vn")
    assert staff.get("/admin/campaigns").status_code == 200
    with app.app_context():
        user = db.session.query(User).filter_by(email="agency@tinh.gov.vn").one()
        user.active = False
        db.session.commit()
    assert staff.get("/admin/campaigns").status_code == 302  # the open session no longer counts
    response = sign_in(staff, "agency@tinh.gov.vn")
    assert response.status_code == 200 and WRONG in text(response)


def test_after_sign_in_goes_back_to_the_page_asked_for(staff: FlaskClient) -> None:
    asked = staff.get("/admin/campaigns")
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/login?next=")
    response = staff.post(asked.headers["Location"], data={"csrf_token": csrf_token(staff),
                                                           "email": "admin@tinh.gov.vn", "password": "pw-123456"})
    assert response.headers["Location"] == "/admin/campaigns"


@pytest.mark.parametrize("target", [
    "//evil.example/x", "https://evil.example/", "/\\evil.example",
    # Werkzeug drops tabs and newlines when it writes the Location header, as browsers do (finding 2).
    "/\t/evil.example", "/\n/evil.example", "/\r\n/x", "\t//evil.example", " //evil.example",
    "/\t\\evil.example", "javascript:alert(1)", "http:/evil.example", "/\x00/x",
])
def test_sign_in_never_redirects_to_another_site(staff: FlaskClient, target: str) -> None:
    response = staff.post("/login", query_string={"next": target},
                          data={"csrf_token": csrf_token(staff), "email": "admin@tinh.gov.vn", "password": "pw-123456"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//")), location
    assert urlsplit(location).netloc == "" and "evil" not in location.split("?")[0].lstrip("/")[:12]


def test_sign_in_keeps_a_path_with_its_query_and_quotes_what_needs_quoting(staff: FlaskClient) -> None:
    response = staff.post("/login", query_string={"next": "/reports/1?unit=2&q=Bắc Kạn"},
                          data={"csrf_token": csrf_token(staff), "email": "admin@tinh.gov.vn", "password": "pw-123456"})
    assert response.headers["Location"] == "/reports/1?unit=2&q=B%E1%BA%AFc%20K%E1%BA%A1n"


def test_sign_out_needs_post_and_ends_the_session(staff: FlaskClient) -> None:
    sign_in(staff, "admin@tinh.gov.vn")
    assert staff.get("/logout").status_code == 405
    response = post(staff, "/logout")
    assert response.status_code == 302
    assert staff.get("/admin/campaigns").status_code == 302


def test_passwords_are_stored_as_scrypt_hashes(app: Flask, staff: FlaskClient) -> None:
    with app.app_context():
        stored = db.session.query(User).filter_by(email="admin@tinh.gov.vn").one().password_hash
    assert stored.startswith("scrypt:") and "pw-123456" not in stored


def test_session_cookie_is_http_only_and_same_site(staff: FlaskClient) -> None:
    response = sign_in(staff, "admin@tinh.gov.vn")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the localhost demo; production sets SESSION_COOKIE_SECURE


@pytest.fixture
def throttled(database_url: str) -> Iterator[Callable[..., FlaskClient]]:
    """``throttled(**settings)``: a client of an application with rate limiting on (off in the other tests)."""
    apps: list[Flask] = []

    def make(**settings: Any) -> FlaskClient:
        app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url,
                          "RATELIMIT_ENABLED": True, **settings})
        with app.app_context():
            db.create_all()
            user = User(email="admin@tinh.gov.vn", role="province_admin")
            user.set_password("pw-123456")
            db.session.add(user)
            db.session.commit()
        app.test_client_class = CheckingClient
        apps.append(app)
        return english(app.test_client())

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_sign_in_is_throttled_per_address(throttled: Callable[..., FlaskClient]) -> None:
    client = throttled(LOGIN_RATE_LIMIT="3 per minute")
    for _ in range(3):
        assert sign_in(client, "admin@tinh.gov.vn", "wrong-password").status_code == 200
    refused = sign_in(client, "admin@tinh.gov.vn", "pw-123456")
    assert refused.status_code == 429
    assert "Too many attempts" in text(refused)
    assert client.get("/login").status_code == 200  # only attempts count, not reading the page


def test_someone_elses_wrong_guesses_do_not_lock_the_owner_out(throttled: Callable[..., FlaskClient]) -> None:
    """Finding 8: failures from one address lock that address out of the account, not the account's owner."""
    client = throttled(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per hour")
    attacker, owner = {"REMOTE_ADDR": "203.0.113.66"}, {"REMOTE_ADDR": "10.1.2.3"}
    for _ in range(3):
        assert sign_in(client, "admin@tinh.gov.vn", "guess", environ_overrides=attacker).status_code == 200
    refused = sign_in(client, "admin@tinh.gov.vn", "pw-123456", environ_overrides=attacker)
    assert refused.status_code == 429
    assert re.search(r"Try again in \d+ (minutes?|hours?) \(at \d{1,2}:\d{2}", text(refused)), text(refused)
    assert int(refused.headers["Retry-After"]) > 0
    assert sign_in(client, "admin@tinh.gov.vn", "pw-123456", environ_overrides=owner).status_code == 302


def test_only_failed_sign_ins_count_against_an_account(throttled: Callable[..., FlaskClient]) -> None:
    client = throttled(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per hour",
                       LOGIN_ACCOUNT_BACKSTOP_LIMIT="2 per day")
    for _ in range(4):
        assert sign_in(client, "admin@tinh.gov.vn").status_code == 302
        post(client, "/logout")


def test_guessing_spread_over_many_addresses_meets_the_backstop(throttled: Callable[..., FlaskClient]) -> None:
    client = throttled(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_BACKSTOP_LIMIT="4 per day")
    for number in range(4):
        response = sign_in(client, "admin@tinh.gov.vn", "guess", environ_overrides={"REMOTE_ADDR": f"10.0.0.{number}"})
        assert response.status_code == 200
    refused = sign_in(client, "admin@tinh.gov.vn", "pw-123456", environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert refused.status_code == 429 and re.search(r"Try again in \d+ (hours?|days?)", text(refused))
    other = sign_in(client, "other@tinh.gov.vn", "guess", environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another account is not affected


def test_the_wait_is_said_in_vietnamese_too(throttled: Callable[..., FlaskClient]) -> None:
    client = throttled(LOGIN_RATE_LIMIT="1 per minute")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    sign_in(client, "admin@tinh.gov.vn", "guess")
    refused = sign_in(client, "admin@tinh.gov.vn", "guess")
    assert refused.status_code == 429
    assert re.search(r"Hãy thử lại sau \d+ (giây|phút) nữa \(lúc \d{1,2}:\d{2}\)", text(refused)), text(refused)


def test_limits_are_counted_under_keyed_hashes_not_addresses_or_emails(throttled: Callable[..., FlaskClient]) -> None:
    client = throttled(LOGIN_RATE_LIMIT="100 per minute")
    sign_in(client, "admin@tinh.gov.vn", "guess", environ_overrides={"REMOTE_ADDR": "198.51.100.23"})
    keys = " ".join(str(key) for key in limiter.storage.storage)  # type: ignore[attr-defined]  (memory://)
    assert keys and "198.51.100.23" not in keys and "admin@tinh.gov.vn" not in keys


def test_memory_counting_is_announced_at_start(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url})
    assert "RATELIMIT_STORAGE_URI=memory://" in caplog.text
    caplog.clear()
    create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url,
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1"})
    assert "memory://" not in caplog.text


def test_sign_in_still_works_when_the_shared_store_is_down(throttled: Callable[..., FlaskClient]) -> None:
    """Nothing listens on port 1: the limits are counted in memory until Redis is back, and nobody is refused."""
    client = throttled(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", LOGIN_RATE_LIMIT="2 per minute")
    assert sign_in(client, "admin@tinh.gov.vn").status_code == 302
    post(client, "/logout")
    assert sign_in(client, "admin@tinh.gov.vn", "guess").status_code == 200
    assert sign_in(client, "admin@tinh.gov.vn").status_code == 429  # still limited, in memory


def test_staff_sign_in_works_behind_an_https_proxy(staff: FlaskClient) -> None:
    """Finding 1, as a browser behaves: it sends a Referer only as the sign-in page's Referrer-Policy allows, and
    behind HTTPS Flask-WTF refuses a staff form without a same-origin one. The real browser over real TLS is in
    tests/production/test_production.py."""
    app = staff.application
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    page = staff.get("/login", environ_overrides=proxied)
    policy = page.headers["Referrer-Policy"]
    assert policy == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in text(page)
    referer = {} if policy == "no-referrer" else {"HTTP_REFERER": "https://localhost/login"}
    response = staff.post("/login", data={"csrf_token": csrf_token(staff), "email": "admin@tinh.gov.vn",
                                          "password": "pw-123456"}, environ_overrides={**proxied, **referer})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    elsewhere = staff.post("/logout", data={"csrf_token": csrf_token(staff)},
                           environ_overrides={**proxied, "HTTP_REFERER": "https://evil.example/"})
    assert elsewhere.status_code == 400  # the protection stays: a form posted from another site is refused


def test_production_cookie_flag_marks_the_session_cookie_secure(throttled: Callable[..., FlaskClient]) -> None:
    client = throttled(SESSION_COOKIE_SECURE=True)
    cookie = sign_in(client, "admin@tinh.gov.vn").headers["Set-Cookie"]
    assert "Secure" in cookie
