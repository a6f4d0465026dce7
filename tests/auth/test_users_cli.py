"""``flask users create / disable / enable / reset-password / list`` through Flask's CLI runner.

Messages are printed in the application's default language; the tests compare them with the same message
translated by the application, so they hold whether or not the catalog has a translation yet.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_babel import gettext

from survey_app.models import User
from survey_app.platform.extensions import db
from tests.staff import english, sign_in


def message(app: Flask, text: str, **values: Any) -> str:
    with app.app_context():
        return gettext(text, **values)


def account(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one_or_none()
        if user is not None:
            _ = user.units  # load before the session closes
            db.session.expunge(user)
        return user


def test_create_agency_account_bound_to_units(app: Flask, runner: FlaskCliRunner,
                                              campaign_unit: dict[str, Any]) -> None:
    result = runner.invoke(args=["users", "create", "Clerk@Tinh.gov.vn", "--unit", "MC-TEST", "--name", "Clerk",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    assert message(app, "Account %(email)s created (%(role)s).", email="clerk@tinh.gov.vn", role="agency") \
        in result.output
    user = account(app, "clerk@tinh.gov.vn")
    assert user is not None and user.role == "agency" and user.active
    assert [unit.code for unit in user.units] == ["MC-TEST"]
    assert user.check_password("long-enough-1")


def test_create_prompts_for_the_password_twice(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "boss@tinh.gov.vn", "--role", "province_admin"],
                           input="long-enough-1\nlong-enough-1\n")
    assert result.exit_code == 0, result.output
    assert "long-enough-1" not in result.output
    user = account(app, "boss@tinh.gov.vn")
    assert user is not None and user.is_admin and user.check_password("long-enough-1")


@pytest.mark.parametrize(("args", "text", "values"), [
    (["--password", "short"], "Use at least %(count)d characters for the password", {"count": 10}),
    (["--password", "demo-admin-2026"], "Choose another password: this one is published with the demo", {}),
    (["--password", "long-enough-1", "--unit", "NO-SUCH"],
     "No unit has the code %(codes)s. `flask users create --help` shows the options.", {"codes": "NO-SUCH"}),
])
def test_create_refuses_with_a_clear_message(app: Flask, runner: FlaskCliRunner, args: list[str], text: str,
                                             values: dict[str, Any]) -> None:
    result = runner.invoke(args=["users", "create", "x@tinh.gov.vn", "--role", "province_admin", *args])
    assert result.exit_code == 1
    assert message(app, text, **values) in result.output
    assert account(app, "x@tinh.gov.vn") is None


def test_agency_account_needs_a_unit(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "x@tinh.gov.vn", "--password", "long-enough-1"])
    assert result.exit_code == 1
    assert message(app, "Choose at least one unit for an agency account") in result.output


def test_email_is_unique_whatever_its_case(app: Flask, runner: FlaskCliRunner, make_user: Any) -> None:
    make_user("taken@tinh.gov.vn", role="province_admin")
    result = runner.invoke(args=["users", "create", "TAKEN@tinh.gov.vn", "--role", "province_admin",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 1
    assert message(app, "Another account already uses this email address") in result.output


def test_disable_stops_sign_in_and_enable_restores_it(app: Flask, runner: FlaskCliRunner, client: Any,
                                                      make_user: Any) -> None:
    make_user("admin@tinh.gov.vn", role="province_admin")
    result = runner.invoke(args=["users", "disable", "admin@tinh.gov.vn"])
    assert result.exit_code == 0
    assert message(app, "Account %(email)s disabled.", email="admin@tinh.gov.vn") in result.output
    english(client)
    assert sign_in(client, "admin@tinh.gov.vn").status_code == 200  # the form again: refused
    runner.invoke(args=["users", "enable", "admin@tinh.gov.vn"])
    assert sign_in(client, "admin@tinh.gov.vn").status_code == 302


def test_reset_password(app: Flask, runner: FlaskCliRunner, make_user: Any) -> None:
    make_user("admin@tinh.gov.vn", role="province_admin")
    result = runner.invoke(args=["users", "reset-password", "admin@tinh.gov.vn"], input="new-password-9\n" * 2)
    assert result.exit_code == 0, result.output
    assert message(app, "Password of %(email)s changed.", email="admin@tinh.gov.vn") in result.output
    user = account(app, "admin@tinh.gov.vn")
    assert user is not None and user.check_password("new-password-9") and not user.check_password("pw-123456")


@pytest.mark.parametrize("command", ["disable", "enable", "reset-password"])
def test_unknown_account(app: Flask, runner: FlaskCliRunner, command: str) -> None:
    result = runner.invoke(args=["users", command, "ghost@tinh.gov.vn", *(
        ["--password", "long-enough-1"] if command == "reset-password" else [])])
    assert result.exit_code == 1
    assert message(app, "No account has the email address %(email)s.", email="ghost@tinh.gov.vn") in result.output


def test_list_shows_role_state_and_units(runner: FlaskCliRunner, campaign_unit: dict[str, Any],
                                         make_user: Any) -> None:
    make_user("agency@tinh.gov.vn", unit_ids=(campaign_unit["unit_id"],))
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "agency@tinh.gov.vn\tagency\t" in result.output and result.output.rstrip().endswith("MC-TEST")
