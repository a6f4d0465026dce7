"""Ending staff sessions (issue 11, finding 5): a sign-in cookie copied before a sign-out, a password change, a
reset or a disable opens nothing afterwards, re-enabling an account does not revive it, and a session ends
after a working day without a staff request."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from survey_app.auth import staff_session
from survey_app.models import User
from survey_app.platform.extensions import db
from tests.staff import english, post, sign_in

ADMIN, AGENCY = "admin@tinh.gov.vn", "agency@tinh.gov.vn"
STAFF_PAGE = "/admin/campaigns"


@pytest.fixture
def accounts(campaign_unit: dict[str, Any], make_user: Any) -> dict[str, int]:
    return {ADMIN: make_user(ADMIN, role="province_admin"),
            AGENCY: make_user(AGENCY, unit_ids=(campaign_unit["unit_id"],))}


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = english(app.test_client())
    assert sign_in(client, email).status_code == 302
    assert client.get(STAFF_PAGE).status_code == 200
    return client


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie, as a thief would."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = english(app.test_client())
    thief.set_cookie("session", cookie.value)
    return thief


def opens_staff_pages(client: FlaskClient) -> bool:
    return client.get(STAFF_PAGE).status_code == 200


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app: Flask, accounts: dict[str, int]) -> None:
    client = signed_in(app, ADMIN)
    thief = copy_of(app, client)
    assert opens_staff_pages(thief)  # the copy works while the session is open: it is a real copy
    post(client, "/logout")
    assert not opens_staff_pages(thief)
    assert thief.get(STAFF_PAGE).headers["Location"].startswith("/login")


def test_sign_out_ends_the_other_sessions_of_the_account_only(app: Flask, accounts: dict[str, int]) -> None:
    office, laptop, colleague = signed_in(app, ADMIN), signed_in(app, ADMIN), signed_in(app, AGENCY)
    post(office, "/logout")
    assert not opens_staff_pages(laptop)
    assert opens_staff_pages(colleague)
    assert opens_staff_pages(signed_in(app, ADMIN))  # signing in again works at once


def test_a_password_reset_from_the_command_line_ends_earlier_sessions(app: Flask, accounts: dict[str, int],
                                                                      runner: FlaskCliRunner) -> None:
    client = signed_in(app, AGENCY)
    result = runner.invoke(args=["users", "reset-password", AGENCY, "--password", "a-new-password-7"])
    assert result.exit_code == 0, result.output
    assert not opens_staff_pages(client)
    assert sign_in(client, AGENCY, "a-new-password-7").status_code == 302


def test_a_password_set_by_the_administrator_ends_the_users_sessions(app: Flask, accounts: dict[str, int]) -> None:
    agency, admin = signed_in(app, AGENCY), signed_in(app, ADMIN)
    response = post(admin, f"/admin/users/{accounts[AGENCY]}/password",
                    {"password": "a-new-password-7", "confirm": "a-new-password-7"})
    assert response.status_code == 302
    assert not opens_staff_pages(agency)
    assert opens_staff_pages(admin)


def test_administrators_changing_their_own_password_keep_only_the_session_they_did_it_in(
        app: Flask, accounts: dict[str, int]) -> None:
    here, elsewhere = signed_in(app, ADMIN), signed_in(app, ADMIN)
    response = post(here, f"/admin/users/{accounts[ADMIN]}/password",
                    {"password": "a-new-password-7", "confirm": "a-new-password-7"})
    assert response.status_code == 302
    assert opens_staff_pages(here)
    assert not opens_staff_pages(elsewhere)


@pytest.mark.parametrize("how", ["web", "cli"])
def test_re_enabling_an_account_does_not_revive_old_cookies(app: Flask, accounts: dict[str, int],
                                                            runner: FlaskCliRunner, how: str) -> None:
    agency = signed_in(app, AGENCY)
    before_sign_out = copy_of(app, agency)
    post(agency, "/logout")
    agency = signed_in(app, AGENCY)  # signed in again: this session is open when the account is disabled
    admin = signed_in(app, ADMIN)
    for action in ("disable", "enable"):
        if how == "web":
            assert post(admin, f"/admin/users/{accounts[AGENCY]}/{action}").status_code == 302
        else:
            assert runner.invoke(args=["users", action, AGENCY]).exit_code == 0
    assert not opens_staff_pages(agency)
    assert not opens_staff_pages(before_sign_out)
    assert opens_staff_pages(signed_in(app, AGENCY))


def test_a_session_ends_after_a_working_day_without_a_staff_request(app: Flask, accounts: dict[str, int],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert app.config["STAFF_SESSION_IDLE_SECONDS"] == 8 * 3600
    now = [1_900_000_000.0]
    monkeypatch.setattr(staff_session.time, "time", lambda: now[0])
    busy, idle = signed_in(app, ADMIN), signed_in(app, AGENCY)
    for _ in range(4):  # the busy one works every three hours, past the eight-hour mark
        now[0] += 3 * 3600
        assert opens_staff_pages(busy)
    assert not opens_staff_pages(idle)  # twelve hours since its last request
    response = idle.get(STAFF_PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_idle_time_is_a_setting(app: Flask, accounts: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["STAFF_SESSION_IDLE_SECONDS"] = 600
    now = [1_900_000_000.0]
    monkeypatch.setattr(staff_session.time, "time", lambda: now[0])
    client = signed_in(app, ADMIN)
    now[0] += 599
    assert opens_staff_pages(client)
    now[0] += 601
    assert not opens_staff_pages(client)


def test_a_cookie_with_a_made_up_session_version_is_refused(app: Flask, accounts: dict[str, int]) -> None:
    """The version is checked against the account, so a cookie signed before cannot claim a later one; and a
    cookie of the kind issued before versions existed (the bare id) no longer counts."""
    client = signed_in(app, ADMIN)
    with app.app_context():
        user = db.session.get(User, accounts[ADMIN])
        assert user is not None and user.get_id() == f"{accounts[ADMIN]}.0"
    for forged in (f"{accounts[ADMIN]}.1", str(accounts[ADMIN]), f"{accounts[ADMIN]}.x"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert not opens_staff_pages(client), forged
