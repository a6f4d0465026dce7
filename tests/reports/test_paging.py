"""Long report tables are shown a page at a time: a ministry may have thousands of units."""

from __future__ import annotations

import pandas as pd
import pytest

from survey_app.reports.table import Column, Page, Table, paged


def _units(count: int) -> Table:
    return Table("units", "Units", (Column("name", "Unit"),), pd.DataFrame({"name": [f"U{i}" for i in range(count)]}))


@pytest.mark.parametrize(("count", "asked", "page", "names"), [
    (120, None, Page(1, 3, 1, 50, 120), ("U0", "U49")),
    (120, 3, Page(3, 3, 101, 120, 120), ("U100", "U119")),
    (120, 9, Page(3, 3, 101, 120, 120), ("U100", "U119")),  # past the end: the last page
    (120, -2, Page(1, 3, 1, 50, 120), ("U0", "U49")),
    (50, 2, Page(1, 1, 1, 50, 50), ("U0", "U49")),
    (0, 1, Page(1, 1, 0, 0, 0), None),
])
def test_a_page_holds_fifty_rows_and_says_which(count: int, asked: int | None, page: Page,
                                                names: tuple[str, str] | None) -> None:
    part, found = paged(_units(count), asked)
    assert found == page
    if names is None:
        assert len(part.frame) == 0
    else:
        assert (part.frame["name"].iat[0], part.frame["name"].iat[-1]) == names
        assert len(part.frame) == page.last - page.first + 1


def test_the_same_table_gives_the_same_page_object() -> None:
    table = _units(80)
    assert paged(table, 2)[0] is paged(table, 2)[0]


def test_the_province_page_lists_units_fifty_at_a_time(app, admin, province) -> None:  # type: ignore[no-untyped-def]
    from survey_app.models import Campaign, CampaignUnit, Unit
    from survey_app.platform.extensions import db

    with app.app_context():
        campaign = db.session.get(Campaign, province.campaign_id)
        for n in range(52):
            unit = Unit(code=f"X-{n:02d}", name=f"Trường Thêm {n:02d}", sector="education", level="commune")
            campaign.units.append(CampaignUnit(unit=unit, questionnaire_id="education", service_volume=100))
        db.session.commit()
    first = admin.get(f"/reports/{province.campaign_id}/?sort=name&lang=en").get_data(as_text=True)
    assert "Units 1–50 of 56" in first and "Next page" in first and "Previous page" not in first
    last = admin.get(f"/reports/{province.campaign_id}/?sort=name&page=2&lang=en").get_data(as_text=True)
    assert "Units 51–56 of 56" in last and "Previous page" in last and "Next page" not in last
    assert "Trường Thêm 51" in last and "Trường Thêm 51" not in first
