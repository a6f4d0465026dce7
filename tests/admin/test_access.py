"""Role matrix: every admin route × (anonymous, agency user of unit A, province administrator).

Anonymous visitors are sent to the sign-in page; an agency user gets 403 on administrator pages, 404 on the
pages of a unit (or of a campaign) that is not theirs — and no byte of that unit's data — and the page itself
for their own unit.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from flask.testing import FlaskClient

from tests.admin.conftest import World
from tests.staff import english, post, text

ADMIN_ONLY = [
    ("GET", "/admin/campaigns/new"),
    ("POST", "/admin/campaigns/new"),
    ("GET", "/admin/campaigns/{campaign}/edit"),
    ("POST", "/admin/campaigns/{campaign}/edit"),
    ("POST", "/admin/campaigns/{campaign}/open"),
    ("POST", "/admin/campaigns/{campaign}/close"),
    ("GET", "/admin/campaigns/{campaign}/confirm-open"),
    ("GET", "/admin/campaigns/{campaign}/confirm-close"),
    ("GET", "/admin/alerts"),
    ("GET", "/admin/levels"),
    ("POST", "/admin/levels"),
    ("POST", "/admin/levels/delete"),
    ("POST", "/admin/campaigns/{campaign}/publish"),
    ("POST", "/admin/campaigns/{campaign}/unpublish"),
    ("GET", "/admin/campaigns/{campaign}/results-poster.pdf"),
    ("GET", "/admin/campaigns/{campaign}/planner"),
    ("GET", "/admin/campaigns/{campaign}/margins"),
    ("POST", "/admin/campaigns/{campaign}/margins"),
    ("POST", "/admin/campaigns/{campaign}/margins/clear"),
    ("POST", "/admin/campaigns/{campaign}/planner"),
    ("POST", "/admin/campaigns/{campaign}/units/{unit_a}/receipt-codes"),
    ("GET", "/admin/units"),
    ("GET", "/admin/units/new"),
    ("POST", "/admin/units/new"),
    ("GET", "/admin/units/{unit_a}"),
    ("POST", "/admin/units/{unit_a}"),
    ("GET", "/admin/units/import"),
    ("POST", "/admin/units/import"),
    ("GET", "/admin/units/{unit_a}/links"),
    ("GET", "/admin/units/{unit_a}/links/{channel}/replace"),
    ("POST", "/admin/units/{unit_a}/links/{channel}/replace"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{agency}"),
    ("POST", "/admin/users/{agency}"),
    ("POST", "/admin/users/{agency}/disable"),
    ("POST", "/admin/users/{agency}/enable"),
    ("GET", "/admin/users/{agency}/password"),
    ("POST", "/admin/users/{agency}/password"),
    ("GET", "/admin/recordings/"),
    ("GET", "/admin/recordings/{code}/{questionnaire}"),
]
#: Administrator routes that an administrator's empty post cannot pass either (a recording must come with it).
ADMIN_POSTS = [("POST", "/admin/recordings/{code}/{key}")]
#: Values of the placeholders that are not ids of the test world.
NAMES = {"code": "vi", "questionnaire": "one_stop", "key": "0123456789abcdef", "channel": "qr"}
# (own page, the same page for a unit or campaign the agency user may not see)
SCOPED = [
    ("/admin/campaigns/{campaign}", "/admin/campaigns/{other_campaign}"),
    ("/admin/campaigns/{campaign}/progress", "/admin/campaigns/{other_campaign}/progress"),
    ("/admin/campaigns/{campaign}/progress.json", "/admin/campaigns/{other_campaign}/progress.json"),
    ("/admin/campaigns/{campaign}/units/{unit_a}/poster.pdf", "/admin/campaigns/{campaign}/units/{unit_b}/poster.pdf"),
    ("/admin/campaigns/{campaign}/units/{unit_a}/poster.svg", "/admin/campaigns/{campaign}/units/{unit_b}/poster.svg"),
    ("/admin/campaigns/{campaign}/units/{unit_a}/receipt-codes.pdf",
     "/admin/campaigns/{campaign}/units/{unit_b}/receipt-codes.pdf"),
]
EVERY_ROUTE = ADMIN_ONLY + ADMIN_POSTS + [("GET", "/admin/campaigns")] + [("GET", own) for own, _ in SCOPED] + \
    [("GET", other) for _, other in SCOPED]


def _url(template: str, world: World) -> str:
    return template.format(**vars(world), **NAMES)


def _request(client: FlaskClient, method: str, url: str):  # type: ignore[no-untyped-def]
    return post(client, url) if method == "POST" else client.get(url)


def test_every_admin_route_is_in_the_matrix(app) -> None:  # type: ignore[no-untyped-def]
    listed = {template.replace("{campaign}", "<int:campaign_id>").replace("{other_campaign}", "<int:campaign_id>")
              .replace("{unit_a}", "<int:unit_id>").replace("{unit_b}", "<int:unit_id>")
              .replace("{agency}", "<int:user_id>").replace("{code}", "<code>")
              .replace("{questionnaire}", "<questionnaire_id>").replace("{key}", "<key>")
              .replace("{channel}", "<channel>") for _, template in EVERY_ROUTE}
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert routes == listed


@pytest.mark.parametrize(("method", "template"), EVERY_ROUTE)
def test_anonymous_is_sent_to_sign_in(client: FlaskClient, world: World, method: str, template: str) -> None:
    url = _url(template, world)
    response = _request(english(client), method, url)
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    assert location.path == "/login"
    assert url in location.query.replace("%2F", "/")


@pytest.mark.parametrize(("method", "template"), ADMIN_ONLY + ADMIN_POSTS)
def test_agency_user_is_refused_admin_pages(agency_client: FlaskClient, world: World, method: str,
                                            template: str) -> None:
    response = _request(agency_client, method, _url(template, world))
    assert response.status_code == 403
    assert "You do not have access to this page" in text(response)


@pytest.mark.parametrize(("own", "other"), SCOPED)
def test_agency_user_reaches_own_unit_only(agency_client: FlaskClient, world: World, own: str, other: str) -> None:
    mine = agency_client.get(_url(own, world))
    assert mine.status_code == 200
    refused = agency_client.get(_url(other, world))
    assert refused.status_code == 404
    body = refused.get_data()
    assert "Bệnh viện B".encode() not in body and b"BV-B" not in body


@pytest.mark.parametrize(("method", "template"), ADMIN_ONLY + [("GET", "/admin/campaigns")] +
                         [("GET", other) for _, other in SCOPED])
def test_admin_reaches_everything(admin_client: FlaskClient, world: World, method: str, template: str) -> None:
    response = _request(admin_client, method, _url(template, world))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert urlparse(response.headers["Location"]).path != "/login"


def test_agency_pages_show_only_their_units(agency_client: FlaskClient, world: World) -> None:
    for url in (f"/admin/campaigns/{world.campaign}", f"/admin/campaigns/{world.campaign}/progress", "/",
                "/admin/campaigns"):
        page = text(agency_client.get(url))
        assert "MC-TEST" in page or "Khảo sát Quý thử" in page
        assert "Bệnh viện B" not in page and "BV-B" not in page and "Chỉ bệnh viện B" not in page
    data = agency_client.get(f"/admin/campaigns/{world.campaign}/progress.json").get_json()
    assert [row["code"] for row in data["units"]] == ["MC-TEST"]
