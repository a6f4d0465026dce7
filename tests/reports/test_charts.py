"""Charts: PNG images with a text alternative, cached per campaign and redrawn when a response arrives."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Unit
from survey_app.platform.extensions import db
from survey_app.reports.cache import LRUCache, report_cache
from survey_app.reports.charts import PROVINCE_KINDS, UNIT_KINDS
from tests.reports.conftest import Province, add_responses

PNG = b"\x89PNG\r\n\x1a\n"


def test_every_chart_is_a_png_with_alt_text_and_a_table_below(admin: FlaskClient, province: Province) -> None:
    pages = {
        f"/reports/{province.campaign_id}/?lang=en": (f"/reports/{province.campaign_id}/chart/", PROVINCE_KINDS),
        f"/reports/{province.campaign_id}/units/{province.unit_a}?lang=en":
            (f"/reports/{province.campaign_id}/units/{province.unit_a}/chart/", UNIT_KINDS),
    }
    for page_url, (prefix, kinds) in pages.items():
        page = admin.get(page_url).get_data(as_text=True)
        for kind in kinds:
            src = f'{prefix}{kind}.png'
            tag = page.split(f'<img src="{src}')[1].split(">")[0]
            assert 'alt="Chart of' in tag
            assert f'aria-describedby="t-{kind}"' in tag and f'id="t-{kind}"' in page
            image = admin.get(src)
            assert image.status_code == 200 and image.mimetype == "image/png"
            assert image.data.startswith(PNG)


def test_chart_is_cached_until_a_new_response_arrives(app: Flask, admin: FlaskClient, province: Province) -> None:
    url = f"/reports/{province.campaign_id}/units/{province.unit_a}/chart/trend.png"
    with app.app_context():
        cache = report_cache()
    first = admin.get(url).data
    misses = cache.misses
    assert admin.get(url).data == first
    assert cache.misses == misses  # served from the cache, nothing rebuilt
    with app.app_context():
        add_responses(province.campaign_id, db.session.get(Unit, province.unit_a), "one_stop", (1, 1, 1, 1))
        db.session.commit()
    redrawn = admin.get(url).data
    assert cache.misses > misses
    assert redrawn != first  # 5 of 11 satisfied now, not 5 of 7


def test_chart_depends_on_the_language(admin: FlaskClient, province: Province) -> None:
    url = f"/reports/{province.campaign_id}/chart/sectors.png"
    assert admin.get(f"{url}?lang=en").data != admin.get(f"{url}?lang=vi").data


def test_lru_cache_forgets_the_least_recently_used_entry() -> None:
    cache = LRUCache(size=2)
    cache.get_or_build("a", lambda: 1)
    cache.get_or_build("b", lambda: 2)
    cache.get_or_build("a", lambda: 0)  # a is now the most recent
    cache.get_or_build("c", lambda: 3)  # b goes
    assert cache.get_or_build("a", lambda: -1) == 1
    assert cache.get_or_build("b", lambda: -2) == -2
    assert len(cache) == 2


def test_a_chart_whose_figures_did_not_change_is_not_drawn_again(app: Flask, admin: FlaskClient, province: Province,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts are cached by content: an answer in unit A leaves unit B's item chart as it was."""
    from survey_app.reports import charts

    drawn: list[str] = []
    real = charts._png
    monkeypatch.setattr(charts, "_png", lambda figure: drawn.append("png") or real(figure))
    url = f"/reports/{province.campaign_id}/units/{province.unit_b}/chart/items.png"
    first = admin.get(url).data
    assert drawn == ["png"]
    with app.app_context():
        add_responses(province.campaign_id, db.session.get(Unit, province.unit_a), "one_stop", (1, 1))
        db.session.commit()
    assert admin.get(url).data == first
    assert drawn == ["png"]  # same figures: served from the cache
    with app.app_context():
        add_responses(province.campaign_id, db.session.get(Unit, province.unit_b), "health", (1, 1))
        db.session.commit()
    assert admin.get(url).data != first and drawn == ["png", "png"]
