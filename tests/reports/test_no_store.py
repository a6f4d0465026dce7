"""Staff pages, above all those showing citizens' comments, are never kept in a browser or proxy cache (issue 11,
finding 9): a shared office computer must not show them again from its cache after sign-out."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.reports.conftest import A_COMMENTS, Province


@pytest.mark.parametrize("who", ["admin", "agency"])
def test_the_unit_page_with_comments_is_not_stored(request: pytest.FixtureRequest, province: Province,
                                                    who: str) -> None:
    client: FlaskClient = request.getfixturevalue(who)
    page = client.get(f"/reports/{province.campaign_id}/units/{province.unit_a}")
    assert page.status_code == 200 and A_COMMENTS[0] in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"] and "private" in page.headers["Cache-Control"]
    for url in (f"/reports/{province.campaign_id}/", "/reports/", "/admin/campaigns"):
        response = client.get(url)
        assert response.status_code in (200, 403) and "no-store" in response.headers["Cache-Control"], url


def test_a_chart_keeps_its_own_short_cache(admin: FlaskClient, province: Province) -> None:
    chart = admin.get(f"/reports/{province.campaign_id}/units/{province.unit_a}/chart/dimensions.png")
    assert chart.status_code == 200 and chart.headers["Cache-Control"] == "private, max-age=300"
