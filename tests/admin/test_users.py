"""Staff accounts managed in the web pages: create, edit role and units, disable, enable, new password."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import User
from survey_app.platform.extensions import db
from tests.admin.conftest import ADMIN, AGENCY, World
from tests.staff import english, post, sign_in, text


def account(app: Flask, email: str) -> tuple[str, bool, list[str]] | None:
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one_or_none()
        return (user.role, user.active, sorted(u.code for u in user.units)) if user else None


def new_user(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"email": "Clerk@Tinh.gov.vn", "name": "Clerk", "role": "agency",
                            "units": [str(world.unit_a), str(world.unit_b)], "password": "long-enough-1",
                            "confirm": "long-enough-1"}
    data.update(changes)
    return data


def test_create_agency_account(app: Flask, admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get("/admin/users/new"))
    assert 'id="units-0"' in page and "Bệnh viện B (BV-B)" in page
    response = post(admin_client, "/admin/users/new", new_user(world))
    assert response.status_code == 302
    assert account(app, "clerk@tinh.gov.vn") == ("agency", True, ["BV-B", "MC-TEST"])
    client = english(app.test_client())
    assert sign_in(client, "clerk@tinh.gov.vn", "long-enough-1").status_code == 302


@pytest.mark.parametrize(("changes", "field_error"), [
    ({"email": "not-an-email"}, "Enter an email address like name@example.gov.vn"),
    ({"email": AGENCY.upper()}, "Another account already uses this email address"),
    ({"email": ""}, "Enter the email address"),
    ({"units": []}, "Choose at least one unit for an agency account"),
    ({"password": "short", "confirm": "short"}, "Use at least 10 characters for the password"),
    ({"password": "demo-agency-2026", "confirm": "demo-agency-2026"},
     "Choose another password: this one is published with the demo"),
    ({"confirm": "something-else"}, "Enter the same password twice"),
])
def test_create_account_errors(app: Flask, admin_client: FlaskClient, world: World, changes: dict[str, Any],
                               field_error: str) -> None:
    response = post(admin_client, "/admin/users/new", new_user(world, **changes))
    assert response.status_code == 200
    assert text(response).count(field_error) == 2
    with app.app_context():
        assert db.session.query(User).count() == 2


def test_edit_account_role_and_units(app: Flask, admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get(f"/admin/users/{world.agency}"))
    checked = re.findall(r'<input checked id="units-\d" name="units" type="checkbox" value="(\d+)">', page)
    assert checked == [str(world.unit_a)]
    post(admin_client, f"/admin/users/{world.agency}", {"email": AGENCY, "name": "A", "role": "agency",
                                                        "units": [str(world.unit_b)]})
    assert account(app, AGENCY) == ("agency", True, ["BV-B"])
    post(admin_client, f"/admin/users/{world.agency}", {"email": AGENCY, "name": "A", "role": "province_admin",
                                                        "units": [str(world.unit_b)]})
    assert account(app, AGENCY) == ("province_admin", True, [])


def test_administrator_keeps_their_own_role_and_account(app: Flask, admin_client: FlaskClient, world: World) -> None:
    response = post(admin_client, f"/admin/users/{world.admin}", {"email": ADMIN, "role": "agency",
                                                                  "units": [str(world.unit_a)]})
    assert text(response).count("You cannot take away your own administrator role") == 2
    refused = post(admin_client, f"/admin/users/{world.admin}/disable", follow_redirects=True)
    assert "You cannot disable your own account." in text(refused)
    assert account(app, ADMIN) == ("province_admin", True, [])


def test_disable_and_enable(app: Flask, admin_client: FlaskClient, world: World) -> None:
    post(admin_client, f"/admin/users/{world.agency}/disable")
    assert account(app, AGENCY) == ("agency", False, ["MC-TEST"])
    other = english(app.test_client())
    assert sign_in(other, AGENCY).status_code == 200
    assert "Disabled" in text(admin_client.get("/admin/users"))
    post(admin_client, f"/admin/users/{world.agency}/enable")
    assert sign_in(other, AGENCY).status_code == 302


def test_set_a_new_password(app: Flask, admin_client: FlaskClient, world: World) -> None:
    short = post(admin_client, f"/admin/users/{world.agency}/password", {"password": "short", "confirm": "short"})
    assert text(short).count("Use at least 10 characters for the password") == 2
    done = post(admin_client, f"/admin/users/{world.agency}/password",
                {"password": "brand-new-pass", "confirm": "brand-new-pass"})
    assert done.status_code == 302
    client = english(app.test_client())
    assert sign_in(client, AGENCY, "pw-123456").status_code == 200
    assert sign_in(client, AGENCY, "brand-new-pass").status_code == 302


def test_create_translator_account_bound_to_one_language(app: Flask, admin_client: FlaskClient, world: World) -> None:
    missing = post(admin_client, "/admin/users/new", new_user(world, role="translator", units=[]))
    assert "Give the code of the language a translator account records" in text(missing)
    response = post(admin_client, "/admin/users/new", new_user(world, role="translator", units=[], language="en"))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(db.select(User).where(User.email == "clerk@tinh.gov.vn")).one()
        assert (user.role, user.language, user.units) == ("translator", "en", [])
        assert user.can_record("en") and not user.can_record("vi")
    assert "Translator (en)" in text(admin_client.get("/admin/users"))
