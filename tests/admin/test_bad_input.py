"""Inputs that used to end in a 500 get a clear, localized 4xx answer instead (issue 11, finding 7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from questionnaires.answers import read_item
from questionnaires.model import Item
from survey_app.models import Campaign, Unit
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.admin.test_units import HEADER, upload
from tests.staff import csrf_token, text
from tests.survey.conftest import SMALL_ANSWERS, fill, small_questionnaire  # noqa: F401  (fixture)

HUGE_IDS = (2**31, 2**63, 10**30)


def _urls(app: Flask, world: World, huge: int) -> list[tuple[str, str]]:
    """(method, url) of every staff route with an id in its path; each id in turn made ``huge``."""
    found = []
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items() if converter.regex == r"\d+"]
        if not ids or not rule.rule.startswith(("/admin", "/reports")):
            continue
        values = {"campaign_id": world.campaign, "unit_id": world.unit_a, "user_id": world.agency,
                  "response_id": 1, "kind": "overall", "name": "units", "fmt": "csv", "channel": "qr"}
        for name in ids:
            path = rule.build({**values, name: huge}, append_unknown=False)[1]
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                found.append((method, path))
    return found


@pytest.mark.parametrize("who", ["admin_client", "agency_client"])
@pytest.mark.parametrize("huge", HUGE_IDS)
def test_an_id_too_large_for_the_database_is_not_found(request: pytest.FixtureRequest, app: Flask, world: World,
                                                       who: str, huge: int) -> None:
    client: FlaskClient = request.getfixturevalue(who)
    token = csrf_token(client)
    urls = _urls(app, world, huge)
    assert len(urls) > 20
    for method, url in urls:
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        assert response.status_code in (403, 404), (method, url, response.status_code)
    page = client.get(f"/admin/campaigns/{huge}")
    assert page.status_code in (403, 404) and "<h1" in text(page)


@pytest.mark.parametrize("path", ["poster.pdf", "poster.svg", "receipt-codes.pdf"])
def test_unit_codes_of_any_kind_make_a_valid_file_name(app: Flask, admin_client: FlaskClient, world: World,
                                                       path: str) -> None:
    with app.app_context():
        unit = db.session.get(Unit, world.unit_a)
        assert unit is not None
        unit.code = 'MC-ĐÔNG "A"\r\nSet-Cookie: x=1'
        db.session.commit()
    response = admin_client.get(f"/admin/campaigns/{world.campaign}/units/{world.unit_a}/{path}")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what a WSGI server must be able to send
    assert "\n" not in header and "\r" not in header and "Set-Cookie" not in response.headers
    prefix, extension = path.rsplit(".", 1)
    assert re.fullmatch(rf'inline; filename="{prefix}-MC-DONG-A-Set-Cookie-x-1\.{extension}"; '
                        rf"filename\*=UTF-8''{prefix}-MC-%C4%90%C3%94NG%20%22A%22Set-Cookie%3A%20x%3D1\.{extension}",
                        header), header


def test_a_report_download_name_is_rfc_6266(admin_client: FlaskClient, world: World) -> None:
    response = admin_client.get(f"/reports/{world.campaign}/responses.csv")  # the campaign is still collecting
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"campaign-{world.campaign}-responses-provisional.csv\"; "
        f"filename*=UTF-8''campaign-{world.campaign}-responses-provisional.csv")


def test_a_csv_value_over_the_field_limit_is_a_problem_with_its_line(app: Flask, admin_client: FlaskClient,
                                                                     world: World) -> None:
    content = HEADER + "MC-X,Unit X,one_stop,commune,Ba Bể,vi,1\n" + 'MC-Y,"' + "a" * 200_000 + '\n'
    response = upload(admin_client, content)
    assert response.status_code == 200
    page = text(response)
    assert "Nothing was imported" in page
    assert "Line 3: a value here is longer than 131072 characters" in page
    with app.app_context():
        assert db.session.query(Unit).filter_by(code="MC-X").count() == 0


@pytest.mark.parametrize("volume", ["²", "99999999999999999999999"])
def test_a_service_volume_that_is_no_database_integer_is_refused(app: Flask, admin_client: FlaskClient,
                                                                 world: World, volume: str) -> None:
    response = upload(admin_client, HEADER + f"MC-X,Unit X,one_stop,commune,Ba Bể,vi,{volume}\n")
    assert response.status_code == 200
    assert "Line 2, column service_volume: enter the number of services" in text(response)


@pytest.mark.parametrize("margin", ["1e-300", "0", "-1", "nan", "inf", "0.04"])
def test_planner_refuses_settings_it_does_not_offer(app: Flask, admin_client: FlaskClient, world: World,
                                                    margin: str) -> None:
    url = f"/admin/campaigns/{world.campaign}/planner"

    def quotas() -> list[int | None]:
        with app.app_context():
            campaign = db.session.get(Campaign, world.campaign)
            assert campaign is not None
            return [link.quota for link in campaign.units]

    before = quotas()
    response = admin_client.post(url, data={"csrf_token": csrf_token(admin_client), "margin": margin,
                                            "expected_rate": "0.5", "level": "0.95"})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Choose the margin of error, calculate, then save." in text(admin_client.get(url))
    assert quotas() == before


NUMBER = Item(id="visits", type="number", text="Visits")


@pytest.mark.parametrize("answer", ["9" * 309, "9" * 5000, "-" + "9" * 16, "1" * 16 + ",5"])
def test_a_number_with_too_many_digits_is_out_of_range(answer: str) -> None:
    assert read_item(NUMBER, answer) == (None, "out_of_range")


@pytest.mark.parametrize("answer", ["9" * 15, "-" + "9" * 15, "000000000000000000042", "0,5"])
def test_numbers_up_to_fifteen_digits_are_read(answer: str) -> None:
    value, problem = read_item(NUMBER, answer)
    assert problem is None and value == float(answer.replace(",", "."))


def test_a_huge_number_through_the_survey_page(app: Flask, client: FlaskClient, campaign_unit: dict[str, Any],
                                               small_questionnaire: None) -> None:  # noqa: F811
    response = fill(client, f"/s/{campaign_unit['token']}", {**SMALL_ANSWERS, "q_visits": "9" * 5000})
    assert response.status_code == 422
    assert "Enter a number between 1 and 20" in text(response)

