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
