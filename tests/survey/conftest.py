"""Fixtures of the survey pages: a small questionnaire written inline, and helpers to fill a form as a browser.

``fill(client, url, answers)`` GETs the form, keeps its hidden fields (CSRF token, submission id) and POSTs
the answers, exactly as a browser without JavaScript would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from survey_app.models import Campaign, ReceiptCode, Response
from survey_app.platform.extensions import db
from survey_app.questionnaire_registry import EXTENSION_KEY

SMALL_QUESTIONNAIRE = """\
id: one_stop
version: 7
sector: one_stop
target: 0.9
title: Your visit today
sections:
  - id: main
    title: Your visit
    items:
      - id: staff_polite
        type: likert5
        text: How polite the staff were
      - id: complained
        type: yes_no
        text: Did you make a complaint?
      - id: complaint_handling
        type: likert5
        text: How your complaint was handled
        show_if: {item: complained, values: [yes]}
      - id: services
        type: multi
        text: Which services did you use?
        options: {land: Land, residence: Residence, other: Something else}
      - id: visits
        type: number
        text: How many times did you come for this procedure?
        min: 1
        max: 20
      - id: overall
        type: likert5
        text: Overall, how satisfied are you?
        role: overall
      - id: comment
        type: text
        text: What should we improve?
        required: false
        max_length: 50
"""

#: A complete, valid submission of SMALL_QUESTIONNAIRE as a browser sends it.
SMALL_ANSWERS: dict[str, Any] = {"q_staff_polite": "4", "q_complained": "yes", "q_complaint_handling": "na",
                                 "q_services": ["residence", "land"], "q_visits": "2", "q_overall": "5",
                                 "q_comment": "More chairs, please."}


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.values[a["name"] or ""] = a.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.values


def fill(client: FlaskClient, url: str, answers: dict[str, Any], lang: str | None = "en") -> TestResponse:
    """GET ``url`` (in ``lang``, kept for the visit), then POST its hidden fields with ``answers`` to the same address.

    English by default, so that messages can be asserted whatever the state of the Vietnamese catalog.
    """
    page = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}" if lang else url)
    assert page.status_code == 200, page.status_code
    data: dict[str, Any] = {**hidden_fields(page.get_data(as_text=True)), **answers}
    return client.post(url.split("?")[0], data=data)


@pytest.fixture
def small_questionnaire(app: Flask, tmp_path: Path) -> None:
    """Serve SMALL_QUESTIONNAIRE (id ``one_stop``, so the ``campaign_unit`` fixture uses it)."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "one_stop.yaml").write_text(SMALL_QUESTIONNAIRE, encoding="utf-8")
    app.config["QUESTIONNAIRE_DIR"] = str(folder)
    app.extensions.pop(EXTENSION_KEY, None)


@pytest.fixture
def stored(app: Flask) -> Callable[[], list[Response]]:
    """Every stored response, oldest first (detached copies, safe to read after the request)."""

    def read() -> list[Response]:
        with app.app_context():
            rows = list(db.session.scalars(select(Response).order_by(Response.id)))
            db.session.expunge_all()
            return rows

    return read


@pytest.fixture
def set_campaign(app: Flask, campaign_unit: dict[str, Any]) -> Callable[..., None]:
    """Change the fixture campaign: ``set_campaign(status=..., starts=days from today, ends=...)``."""

    def change(status: str = "open", starts: int = -30, ends: int = 30) -> None:
        with app.app_context():
            campaign = db.session.get(Campaign, campaign_unit["campaign_id"])
            assert campaign is not None
            campaign.status = status
            campaign.starts_on = date.today() + timedelta(days=starts)
            campaign.ends_on = date.today() + timedelta(days=ends)
            db.session.commit()

    return change


@pytest.fixture
def receipt_codes(app: Flask, campaign_unit: dict[str, Any]) -> Callable[..., None]:
    """Require receipt codes on the fixture unit and create ``codes``."""

    def make(*codes: str) -> None:
        from survey_app.models import CampaignUnit

        with app.app_context():
            link = db.session.get(CampaignUnit, campaign_unit["link_id"])
            assert link is not None
            link.receipt_codes_required = True
            db.session.add_all(ReceiptCode(campaign_unit_id=link.id, code=code) for code in codes)
            db.session.commit()

    return make
