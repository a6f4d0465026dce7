"""Who may open which report, chart and export: every route × (province admin, agency of unit A, anonymous).

Expected: the province administrator opens everything; the agency user of unit A opens A's pages and
downloads and the campaign page (narrowed to A), gets 404 for unit B (as if it did not exist) and 403 for
whatever covers the whole province; an anonymous visitor is sent to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.reports.charts import PROVINCE_KINDS, UNIT_KINDS
from tests.reports.conftest import Province, sign_in
from tests.reports.test_comments import form_token

UNIT_TABLES = ("summary", "dimensions", "items", "shares", "trend", "comments")
Route = Callable[[Province], str]

# (route, what the agency user of unit A gets)
ROUTES: list[tuple[str, Route, int]] = [
    ("index", lambda p: "/reports/", 200),
    ("campaign", lambda p: f"/reports/{p.campaign_id}/", 200),
    ("campaign sorted", lambda p: f"/reports/{p.campaign_id}/?sort=-n", 200),
    ("unit A", lambda p: f"/reports/{p.campaign_id}/units/{p.unit_a}", 200),
    ("unit B", lambda p: f"/reports/{p.campaign_id}/units/{p.unit_b}", 404),
    ("unit A pdf", lambda p: f"/reports/{p.campaign_id}/units/{p.unit_a}/report.pdf", 200),
    ("unit B pdf", lambda p: f"/reports/{p.campaign_id}/units/{p.unit_b}/report.pdf", 404),
    ("province pdf", lambda p: f"/reports/{p.campaign_id}/report.pdf", 403),
    ("province workbook", lambda p: f"/reports/{p.campaign_id}/report.xlsx", 403),
    ("unit A workbook", lambda p: f"/reports/{p.campaign_id}/units/{p.unit_a}/report.xlsx", 200),
    ("unit B workbook", lambda p: f"/reports/{p.campaign_id}/units/{p.unit_b}/report.xlsx", 404),
    ("units csv", lambda p: f"/reports/{p.campaign_id}/tables/units.csv", 200),
    ("units xlsx", lambda p: f"/reports/{p.campaign_id}/tables/units.xlsx", 200),
    *[(f"{name} {fmt}", (lambda p, n=name, f=fmt: f"/reports/{p.campaign_id}/tables/{n}.{f}"), 403)
      for name in ("sectors", "areas", "trend") for fmt in ("csv", "xlsx")],
    *[(f"responses {fmt}", (lambda p, f=fmt: f"/reports/{p.campaign_id}/responses.{f}"), 403)
      for fmt in ("csv", "xlsx", "dta")],
    *[(f"province chart {kind}", (lambda p, k=kind: f"/reports/{p.campaign_id}/chart/{k}.png"), 403)
      for kind in PROVINCE_KINDS],
    *[(f"unit {letter} chart {kind}",
       (lambda p, k=kind, u=letter: f"/reports/{p.campaign_id}/units/{getattr(p, 'unit_' + u)}/chart/{k}.png"),
       200 if letter == "a" else 404)
      for kind in UNIT_KINDS for letter in ("a", "b")],
    *[(f"unit {letter} table {name} {fmt}",
       (lambda p, n=name, f=fmt, u=letter: f"/reports/{p.campaign_id}/units/{getattr(p, 'unit_' + u)}/tables/{n}.{f}"),
       200 if letter == "a" else 404)
      for name in UNIT_TABLES for fmt in ("csv", "xlsx") for letter in ("a", "b")],
]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: who may open what does not depend on the database, and the matrix is large (the figures
    themselves are checked on both backends in the other modules)."""
    return "sqlite:///" + str(tmp_path / "test.sqlite")


@pytest.fixture
def clients(app: Flask, make_user, province: Province) -> dict[str, FlaskClient]:  # type: ignore[no-untyped-def]
    admin_id = make_user("admin@example.org", role="province_admin")
    agency_id = make_user("agency-a@example.org", role="agency", unit_ids=(province.unit_a,))
    return {
        "admin": sign_in(app.test_client(), admin_id),
        "agency": sign_in(app.test_client(), agency_id),
        "anonymous": app.test_client(),
    }


@pytest.mark.parametrize(("route", "agency_status"), [(r, s) for _, r, s in ROUTES], ids=[n for n, _, _ in ROUTES])
def test_role_matrix(clients: dict[str, FlaskClient], province: Province, route: Route, agency_status: int) -> None:
    url = route(province)
    assert clients["admin"].get(url).status_code == 200
    assert clients["agency"].get(url).status_code == agency_status
    anonymous = clients["anonymous"].get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")


@pytest.mark.parametrize("unit", ["unit_a", "unit_b"])
def test_moderation_is_for_the_province_admin_only(clients: dict[str, FlaskClient], province: Province,
                                                    unit: str) -> None:
    url = f"/reports/{province.campaign_id}/units/{getattr(province, unit)}/comments/{province.a_comment_ids[0]}"
    agency_token = form_token(clients["agency"].get(f"/reports/{province.campaign_id}/").get_data(as_text=True))
    assert clients["agency"].post(url, data={"hide": "1", "csrf_token": agency_token}).status_code == 403
    anonymous_token = form_token(clients["anonymous"].get("/login").get_data(as_text=True))
    anonymous = clients["anonymous"].post(url, data={"hide": "1", "csrf_token": anonymous_token})
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")


def test_agency_sees_only_its_own_units_on_the_campaign_page(clients: dict[str, FlaskClient],
                                                             province: Province) -> None:
    page = clients["agency"].get(f"/reports/{province.campaign_id}/?lang=en").get_data(as_text=True)
    assert "Nậm Mẫu" in page
    assert "Trung tâm Y tế huyện Ba Bể" not in page
    assert "Bộc Bố" not in page
    assert "You see your own units only." in page
    assert "Rank in sector" not in page  # a rank would compare with units the agency may not see
    units_csv = clients["agency"].get(f"/reports/{province.campaign_id}/tables/units.csv").get_data(as_text=True)
    assert "Nậm Mẫu" in units_csv and "Ba Bể" in units_csv  # A's own district
    assert "Trung tâm Y tế" not in units_csv


def test_agency_does_not_see_campaigns_without_its_units(app: Flask, make_user, province: Province) -> None:  # type: ignore[no-untyped-def]
    stranger = sign_in(app.test_client(), make_user("other@example.org", role="agency", unit_ids=(province.unit_d,)))
    earlier = f"/reports/{province.earlier_id}/"
    assert stranger.get(earlier).status_code == 404
    index = stranger.get("/reports/?lang=en").get_data(as_text=True)
    assert "Khảo sát Quý III/2026" in index
    assert "Khảo sát Quý I/2026" not in index


def test_unknown_chart_and_table_names_are_not_found(clients: dict[str, FlaskClient], province: Province) -> None:
    base = f"/reports/{province.campaign_id}"
    for url in (f"{base}/chart/nonsense.png", f"{base}/units/{province.unit_a}/chart/nonsense.png",
                f"{base}/tables/nonsense.csv", f"{base}/units/{province.unit_a}/tables/nonsense.xlsx",
                f"{base}/units/{province.unit_a}/tables/summary.pdf", "/reports/9999/"):
        assert clients["admin"].get(url).status_code == 404, url
