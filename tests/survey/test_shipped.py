"""Each shipped questionnaire can be answered from start to end, and its QR page stays within the weight budget."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import questionnaires
from questionnaires.model import Item, Questionnaire
from survey_app.models import CampaignUnit, Response
from survey_app.platform.extensions import db
from tests.survey.conftest import fill

SHIPPED = questionnaires.load_directory()
PAGE_BUDGET_BYTES = 30 * 1024
MAX_REQUESTS = 6


def browser_answer(item: Item) -> tuple[Any, Any]:
    """``(what a browser sends, what must be stored)`` for a plausible answer to ``item``."""
    if item.type == "likert5":
        return "4", 4
    if item.type == "yes_no":
        return "yes", "yes"
    if item.type == "single":
        return item.options[-1].code, item.options[-1].code
    if item.type == "multi":
        codes = [option.code for option in item.options[:2]]
        return list(reversed(codes)), codes
    if item.type == "number":
        low = int(item.min) if item.min is not None else 3
        return str(low), low
    return "Cảm ơn, rất tốt.", "Cảm ơn, rất tốt."


def full_answers(form: Questionnaire) -> tuple[dict[str, Any], dict[str, Any]]:
    sent: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for item in form.items:
        sent["q_" + item.id], value = browser_answer(item)
        if item.visible(expected):
            expected[item.id] = value
    return sent, expected


def use_questionnaire(app: Flask, link_id: int, questionnaire_id: str) -> None:
    with app.app_context():
        link = db.session.get(CampaignUnit, link_id)
        assert link is not None
        link.questionnaire_id = questionnaire_id
        db.session.commit()


def test_the_three_sectors_are_shipped() -> None:
    assert {form.sector for form in SHIPPED.values()} == {"one_stop", "health", "education"}


@pytest.mark.parametrize("questionnaire_id", sorted(SHIPPED))
@pytest.mark.parametrize("channel", ["kiosk", "qr"])
def test_full_submission_of_each_shipped_questionnaire(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]],
        questionnaire_id: str, channel: str) -> None:
    use_questionnaire(app, campaign_unit["link_id"], questionnaire_id)
    form = SHIPPED[questionnaire_id]
    sent, expected = full_answers(form)
    url = (f"/k/{campaign_unit['kiosk_token']}/questions" if channel == "kiosk"
           else f"/s/{campaign_unit['token']}")
    response = fill(client, url, sent, lang="vi")
    assert response.status_code == 303, re.findall(r'class="error-message"[^>]*>([^<]*)', response.get_data(
        as_text=True))
    [row] = stored()
    assert row.answers == expected
    assert (row.questionnaire_id, row.questionnaire_version, row.channel, row.locale) == (
        form.id, form.version, channel, "vi")


@pytest.mark.parametrize("questionnaire_id", sorted(SHIPPED))
def test_qr_page_weight_and_request_budget(app: Flask, client: FlaskClient, campaign_unit: dict[str, Any],
                                           questionnaire_id: str) -> None:
    """≤ 30 KB compressed in total (page, stylesheet, script) and ≤ 6 requests, for a phone on a slow network."""
    use_questionnaire(app, campaign_unit["link_id"], questionnaire_id)
    html = client.get(f"/s/{campaign_unit['token']}").get_data()
    assets = re.findall(rb'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"', html)
    assert len(assets) + 1 <= MAX_REQUESTS
    total = len(gzip.compress(html))
    for asset in assets:
        response = client.get(asset.decode())
        assert response.status_code == 200
        total += len(gzip.compress(response.get_data()))
        response.close()
    assert total <= PAGE_BUDGET_BYTES
