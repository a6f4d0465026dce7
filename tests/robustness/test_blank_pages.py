"""The blank-page cache (survey_app/survey/blank_pages.py): each respondent gets their own CSRF token and
submission id, nothing of one respondent reaches another, and every cached copy still submits."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.robustness.conftest import response_count
from tests.robustness.test_fuzz import VALID, _body, _post

HIDDEN = re.compile(r'(name="(?:csrf_token|submission_id)"[^>]*value=")([^"]+)(")')


def _ids(page: str) -> dict[str, str]:
    return {m[0].split('"')[1]: m[2] for m in HIDDEN.finditer(page)}


def test_two_respondents_get_the_same_page_with_their_own_ids(app: Flask, fuzz_link: str) -> None:
    first, second = app.test_client(), app.test_client()
    page_one = first.get(f"/s/{fuzz_link}?lang=en").get_data(as_text=True)
    page_two = second.get(f"/s/{fuzz_link}?lang=en").get_data(as_text=True)
    one, two = _ids(page_one), _ids(page_two)

    assert one["submission_id"] != two["submission_id"]
    assert HIDDEN.sub(r"\1…\3", page_one) == HIDDEN.sub(r"\1…\3", page_two)
    for client, ids in ((first, one), (second, two)):
        assert _post(client, f"/s/{fuzz_link}", _body(VALID, ids["csrf_token"], ids["submission_id"])).status_code \
            == 303
    assert response_count(app) == 2


def test_a_receipt_code_from_the_link_is_never_shown_to_the_next_respondent(app: Flask, client: FlaskClient,
                                                                           fuzz_link: str) -> None:
    from survey_app.models import CampaignUnit, Unit
    from survey_app.platform.extensions import db

    with app.app_context():
        link = db.session.scalars(db.select(CampaignUnit).join(Unit).where(Unit.qr_token == fuzz_link)).one()
        link.receipt_codes_required = True
        db.session.commit()
    with_code = client.get(f"/s/{fuzz_link}?code=PERSONAL42").get_data(as_text=True)
    next_one = app.test_client().get(f"/s/{fuzz_link}").get_data(as_text=True)

    assert 'value="PERSONAL42"' in with_code
    assert "PERSONAL42" not in next_one
