"""Error pages: a staff 404 or 403 keeps the staff menu and offers a way back; citizen pages keep citizen wording."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.admin.conftest import AGENCY, World
from tests.staff import english, sign_in, text


def test_staff_404_keeps_the_menu_and_a_way_back(admin_client: FlaskClient, world: World) -> None:
    response = admin_client.get("/admin/campaigns/9999", headers={"Referer": "http://localhost/admin/campaigns"})
    page = text(response)
    assert response.status_code == 404
    assert 'aria-label="Main menu"' in page and ">Units<" in page and "Sign out" in page
    assert "This page does not exist, or your account cannot see it." in page
    assert 'href="http://localhost/admin/campaigns">Back to the previous page' in page
    assert "scan the QR code" not in page


def test_a_foreign_referrer_is_not_offered_as_the_way_back(admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get("/admin/nothing-here", headers={"Referer": "https://evil.example/"}))
    assert "evil.example" not in page and "Staff home page" in page


def test_staff_403_says_who_has_access(client: FlaskClient, world: World) -> None:
    english(client)
    sign_in(client, AGENCY)
    response = client.get("/admin/units")
    page = text(response)
    assert response.status_code == 403
    assert "You do not have access to this page" in page and "This page is for province administrators" in page
    assert 'aria-label="Main menu"' in page
    assert "Staff home page" in page


def test_agency_404_for_another_units_campaign_does_not_reveal_it(client: FlaskClient, world: World) -> None:
    english(client)
    sign_in(client, AGENCY)
    response = client.get(f"/admin/campaigns/{world.other_campaign}")
    assert response.status_code == 404 and "or your account cannot see it" in text(response)


def test_citizen_404_keeps_citizen_wording_even_for_signed_in_staff(admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get("/s/no-such-token"))
    assert "Check the address, or scan the QR code again." in page
    assert 'aria-label="Main menu"' not in page
