"""Units: CSV import (all or nothing, problems named by line and column), into a campaign with service
volumes, and editing one unit in the form."""

from __future__ import annotations

import io
import re
from html import escape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from survey_app.i18n import available_locales
from survey_app.models import Campaign, CampaignUnit, Level, Unit
from survey_app.platform.extensions import db
from tests.admin.conftest import World
from tests.staff import post, text

HEADER = "code,name,sector,level,area,default_language,service_volume\n"
GOOD = HEADER + (
    "MC-NAMMAU,Bộ phận Một cửa xã Nam Mẫu,one_stop,commune,Ba Bể,vi,420\n"
    'TH-DUCXUAN,"Trường Tiểu học Đức Xuân, cơ sở 1",education,commune,Thành phố,en,900\n'
    "MC-TEST,Bộ phận Một cửa (tên mới),one_stop,province,Ba Bể,,\n"
)


def upload(client: FlaskClient, content: str | bytes, campaign: str = "") -> TestResponse:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return post(client, "/admin/units/import", {"file": (io.BytesIO(data), "units.csv"), "campaign": campaign},
                content_type="multipart/form-data")


def units(app: Flask) -> dict[str, tuple[str, str, str, str, str]]:
    with app.app_context():
        return {u.code: (u.name, u.sector, u.level, u.area, u.default_locale) for u in db.session.query(Unit)}


def test_import_adds_new_units_and_updates_existing_ones(app: Flask, admin_client: FlaskClient,
                                                         world: World) -> None:
    response = upload(admin_client, GOOD)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/units"
    stored = units(app)
    assert stored["MC-NAMMAU"] == ("Bộ phận Một cửa xã Nam Mẫu", "one_stop", "commune", "Ba Bể", "vi")
    assert stored["TH-DUCXUAN"] == ("Trường Tiểu học Đức Xuân, cơ sở 1", "education", "commune", "Thành phố", "en")
    assert stored["MC-TEST"][0] == "Bộ phận Một cửa (tên mới)" and stored["MC-TEST"][4] == "vi"
    assert len(stored) == 4
    assert "3 units imported." in text(admin_client.get("/admin/units"))


def test_excel_file_with_byte_order_mark_and_semicolons(app: Flask, admin_client: FlaskClient, world: World) -> None:
    content = "\ufeff" + GOOD.replace(",", ";").replace('"Trường Tiểu học Đức Xuân; cơ sở 1"',
                                                        "Trường Tiểu học Đức Xuân, cơ sở 1")
    assert upload(admin_client, content).status_code == 302
    assert units(app)["TH-DUCXUAN"][0] == "Trường Tiểu học Đức Xuân, cơ sở 1"


@pytest.mark.parametrize(("content", "problems"), [
    (HEADER + "MC-A,Một cửa A,one_stop,commune,Ba Bể,vi,10\nMC-B,Một cửa B,hospital,commune,Ba Bể,vi,10\n",
     ["Line 3, column sector: use one_stop, health or education"]),
    (HEADER + "MC-A,Một cửa A,one_stop,village,,vi,10\n", ["Line 2, column level: use province or commune"]),
    (HEADER + "MC-A,Một cửa A,one_stop,commune,,vi,lots\n",
     ["Line 2, column service_volume: enter the number of services in the period, a whole number of at least 0"]),
    (HEADER + ",,one_stop,commune,,vi,1\n", ["Line 2, column code: enter the unit code",
                                            "Line 2, column name: enter the unit name"]),
    (HEADER + "MC-A,A,one_stop,commune,,vi,1\nMC-A,B,one_stop,commune,,vi,1\n",
     ["Line 3, column code: the code MC-A is already on line 2"]),
    (HEADER + "MC-A,A,one_stop,commune,,vi\n", ["Line 2: this line has 6 values; the header has 7"]),
    ("code,name,sector,level\nMC-A,A,one_stop,commune\n",
     ["Line 1, column area: add this column to the header line",
      "Line 1, column default_language: add this column to the header line",
      "Line 1, column service_volume: add this column to the header line"]),
    (HEADER + "MC-TEST,Một cửa,health,commune,,vi,1\n",
     ["Line 2, column sector: this unit takes part in a campaign as one_stop: keep that sector"]),
    ("", ["The file is empty. Add a header line and one line per unit."]),
    (HEADER, ["The file has no units. Add one line per unit under the header line."]),
    ("code,name\n".encode("utf-16"), ["The file is not UTF-8 text. In Excel, save it as “CSV UTF-8” and upload it "
                                      "again."]),
])
def test_bad_file_imports_nothing_and_names_each_problem(app: Flask, admin_client: FlaskClient, world: World,
                                                        content: str | bytes, problems: list[str]) -> None:
    before = units(app)
    response = upload(admin_client, content)
    assert response.status_code == 200
    page = text(response)
    assert "Nothing was imported: correct these lines and upload the file again" in page
    listed = page.split('<ul class="import-problems">')[1].split("</ul>")[0]
    assert re.findall(r"<li>(.*?)</li>", listed) == [escape(problem) for problem in problems]
    assert units(app) == before


def test_unknown_language_lists_the_languages_with_a_catalog(app: Flask, admin_client: FlaskClient,
                                                             world: World) -> None:
    with app.test_request_context():
        codes = available_locales()
    expected = f"use {', '.join(codes[:-1])} or {codes[-1]}" if len(codes) > 1 else f"use {codes[0]}"
    page = text(upload(admin_client, HEADER + "MC-A,Một cửa A,one_stop,commune,,fr,10\n"))
    assert f"Line 2, column default_language: {expected}" in page
    assert "MC-A" not in units(app)


def test_one_bad_line_among_good_ones_imports_nothing(app: Flask, admin_client: FlaskClient, world: World) -> None:
    before = units(app)
    response = upload(admin_client, GOOD + "MC-X,X,one_stop,commune,,vi,-5\n")
    assert "Line 5, column service_volume:" in text(response)
    assert units(app) == before


def test_no_file_chosen(admin_client: FlaskClient, world: World) -> None:
    response = post(admin_client, "/admin/units/import", {"campaign": ""})
    assert response.status_code == 200 and text(response).count("Choose a CSV file") == 2


def test_import_into_a_campaign_sets_service_volumes(app: Flask, admin_client: FlaskClient, world: World) -> None:
    response = upload(admin_client, GOOD.replace(",,\n", ",,1500\n"), campaign=str(world.campaign))
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/campaigns/{world.campaign}"
    with app.app_context():
        campaign = db.session.get(Campaign, world.campaign)
        assert campaign is not None
        links = {link.unit.code: (link.questionnaire_id, link.service_volume) for link in campaign.units}
    assert links == {"MC-TEST": ("one_stop", 1500), "BV-B": ("health", 5000), "MC-NAMMAU": ("one_stop", 420),
                     "TH-DUCXUAN": ("education", 900)}


def test_import_into_a_campaign_needs_every_volume(app: Flask, admin_client: FlaskClient, world: World) -> None:
    response = upload(admin_client, GOOD, campaign=str(world.campaign))
    assert ("Line 4, column service_volume: enter the number of services in the period, a whole number of at "
            "least 0") in text(response)
    with app.app_context():
        assert db.session.query(CampaignUnit).filter_by(campaign_id=world.campaign).count() == 2


def _unit_form(**changes: Any) -> dict[str, Any]:
    data = {"code": "MC-TEST", "name": "Một cửa thử nghiệm", "sector": "one_stop", "level": "province",
            "area": "Ba Bể", "default_locale": "en"}
    data.update(changes)
    return data


def test_edit_unit(app: Flask, admin_client: FlaskClient, world: World) -> None:
    assert 'value="MC-TEST"' in text(admin_client.get(f"/admin/units/{world.unit_a}"))
    response = post(admin_client, f"/admin/units/{world.unit_a}", _unit_form())
    assert response.status_code == 302
    assert units(app)["MC-TEST"] == ("Một cửa thử nghiệm", "one_stop", "province", "Ba Bể", "en")


@pytest.mark.parametrize(("changes", "error"), [
    ({"code": "BV-B"}, "Another unit already has this code: choose a different one"),
    ({"code": ""}, "Enter the unit code"),
    ({"name": "x" * 201}, "Use at most 200 characters"),
    ({"sector": "health"}, "This unit takes part in a campaign: its sector cannot change"),
])
def test_edit_unit_errors(app: Flask, admin_client: FlaskClient, world: World, changes: dict[str, Any],
                          error: str) -> None:
    before = units(app)
    response = post(admin_client, f"/admin/units/{world.unit_a}", _unit_form(**changes))
    assert response.status_code == 200 and text(response).count(error) == 2
    assert units(app) == before


def test_add_a_unit(app: Flask, admin_client: FlaskClient, world: World) -> None:
    response = post(admin_client, "/admin/units/new", _unit_form(code="TH-MOI", sector="education", level="commune"))
    assert response.status_code == 302
    assert units(app)["TH-MOI"] == ("Một cửa thử nghiệm", "education", "commune", "Ba Bể", "en")


def test_a_file_from_before_the_reform_reads_its_district_column_as_the_area(app: Flask, admin_client: FlaskClient,
                                                                           world: World) -> None:
    old = GOOD.replace(",area,", ",district,")
    assert upload(admin_client, old).status_code == 302
    assert units(app)["MC-NAMMAU"][3] == "Ba Bể"


def test_levels_are_the_provinces_own(app: Flask, admin_client: FlaskClient, world: World) -> None:
    page = text(admin_client.get("/admin/levels"))
    assert "Cấp tỉnh" in page and "Cấp xã" in page and "Cấp huyện" not in page  # two tiers on a new database
    assert post(admin_client, "/admin/levels", {"code": "ward", "name": "Phường", "position": "3"}).status_code == 302
    assert upload(admin_client, HEADER + "PH-A,Một cửa phường A,one_stop,ward,,vi,\n").status_code == 302
    assert units(app)["PH-A"][2] == "ward"
    refused = text(upload(admin_client, HEADER + "MC-B,Một cửa B,one_stop,district,,vi,\n"))
    assert "Line 2, column level: use province, commune or ward" in refused
    assert "Phường" in text(admin_client.get("/admin/units"))


def test_a_level_in_use_cannot_be_removed(app: Flask, admin_client: FlaskClient, world: World) -> None:
    admin_client.get("/admin/levels")
    with app.app_context():
        db.session.add(Level(code="hamlet", name="Thôn", position=9))
        db.session.get(Unit, world.unit_a).level = "province"
        db.session.commit()
    page = text(post(admin_client, "/admin/levels/delete", {"code": "province"}, follow_redirects=True))
    assert "Units are still at level province: move them to another level first." in page
    post(admin_client, "/admin/levels/delete", {"code": "hamlet"})
    with app.app_context():
        assert {level.code for level in db.session.query(Level)} == {"province", "commune"}


def test_a_unit_keeps_a_retired_level_but_no_new_unit_gets_it(app: Flask, admin_client: FlaskClient,
                                                              world: World) -> None:
    # BV-B is at level "district", which the province's list (two tiers) no longer has.
    assert post(admin_client, f"/admin/units/{world.unit_b}",
                _unit_form(code="BV-B", sector="health", level="district")).status_code == 302
    response = post(admin_client, "/admin/units/new", _unit_form(code="MC-NEW", level="district"))
    assert response.status_code == 200 and "MC-NEW" not in units(app)


def test_each_campaign_keeps_the_grouping_its_units_had(app: Flask, admin_client: FlaskClient,
                                                        world: World) -> None:
    upload(admin_client, GOOD.replace(",,\n", ",,1500\n"), campaign=str(world.campaign))
    post(admin_client, f"/admin/units/{world.unit_a}", _unit_form(area=""))  # the reform: no district any more
    with app.app_context():
        link = db.session.query(CampaignUnit).filter_by(campaign_id=world.campaign, unit_id=world.unit_a).one()
        assert link.area == "Ba Bể" and db.session.get(Unit, world.unit_a).area == ""
