"""Census shares uploaded on the campaign's page: checked with clear messages, stored with their source, used by
the reports, and removable. Only the province administrator may do it (the access matrix covers the refusals)."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient

from survey_app.reports.census import load_margins
from tests.admin.conftest import World
from tests.staff import post, text


def _upload(client: FlaskClient, world: World, name: str, content: str, source: str = "Tổng điều tra 2019, bảng 1.3"):  # type: ignore[no-untyped-def]
    return post(client, f"/admin/campaigns/{world.campaign}/margins",
                {"file": (io.BytesIO(content.encode("utf-8")), name), "source": source},
                content_type="multipart/form-data")


def test_valid_shares_are_saved_with_their_source_and_can_be_cleared(app: Flask, admin_client: FlaskClient,
                                                                     world: World) -> None:
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/margins"))
    assert "No census shares are set" in page and "<code>gender</code>" in page
    shares = "variable;category;share\ngender;female;0,507\ngender;male;0,493\n"  # as a spreadsheet in Vietnamese
    done = _upload(admin_client, world, "census.csv", shares)
    assert done.status_code == 302
    with app.app_context():
        saved = load_margins(world.campaign)
    assert saved is not None and saved.margins == {"gender": {"female": 0.507, "male": 0.493}}
    assert saved.source == "Tổng điều tra 2019, bảng 1.3"
    page = text(admin_client.get(f"/admin/campaigns/{world.campaign}/margins"))
    assert "Source: Tổng điều tra 2019, bảng 1.3" in page and "50.7%" in page
    assert post(admin_client, f"/admin/campaigns/{world.campaign}/margins/clear").status_code == 302
    with app.app_context():
        assert load_margins(world.campaign) is None


def test_bad_shares_are_refused_with_a_clear_message_and_nothing_is_saved(app: Flask, admin_client: FlaskClient,
                                                                          world: World) -> None:
    cases = {
        ("m.yaml", "gender: {female: 0.5, male: 0.4}\n"): "&#39;gender&#39; sum to 0.9; they must sum to 1.",
        ("m.json", '{"gender": {"woman": 0.5, "male": 0.5}}'): "&#39;woman&#39; is not a code of the question",
        ("m.yaml", "shoe_size: {big: 1}\n"): "&#39;shoe_size&#39; is not a question with choices",
        ("m.yaml", "gender: {female: 51, male: 49}\n"): "must be a number from 0 to 1",
        ("m.txt", "gender: {female: 1}\n"): "The file must end in .yaml, .yml, .json or .csv",
        ("m.json", "{not json"): "The file cannot be read",
        ("m.csv", "a,b\n1,2\n"): "the first line must name the columns variable, category, share",
    }
    for (name, content), message in cases.items():
        response = _upload(admin_client, world, name, content)
        assert response.status_code == 200, name
        assert message in text(response), (name, text(response)[-2000:])
    assert "Say where the shares come from" in text(_upload(admin_client, world, "m.yaml", "gender: {female: 1}\n",
                                                            source="  "))
    with app.app_context():
        assert load_margins(world.campaign) is None


def test_the_page_speaks_vietnamese(admin_client: FlaskClient, world: World) -> None:
    admin_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    response = _upload(admin_client, world, "m.yaml", "gender: {female: 0.5, male: 0.4}\n")
    assert "phải có tổng bằng 1" in text(response)
