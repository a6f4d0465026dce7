"""Invalid answers come back with a message next to the question and a summary at the top; nothing is lost.

Also the CSRF check, which on these pages must keep the answers too: a kiosk may stand idle for hours.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import itsdangerous
import pytest
from flask.testing import FlaskClient

from survey_app.models import Response
from tests.survey.conftest import SMALL_ANSWERS, fill, hidden_fields

pytestmark = pytest.mark.usefixtures("small_questionnaire")

RESEND = ("This page was open for a long time, so your answers were not sent yet. They are all kept: "
          "please press Send again.")


def test_invalid_submission_is_shown_again_with_every_answer_kept_and_nothing_stored(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]]) -> None:
    token = campaign_unit["kiosk_token"]
    sent = {**SMALL_ANSWERS, "q_overall": "", "q_visits": "25", "q_comment": "Chairs <b>now</b>"}
    response = fill(client, f"/k/{token}/questions", sent)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert stored() == []
    # Each question is named by its number and text, not only by what to do (issue 16).
    assert ('<ul><li><a href="#q_visits"><span class="q-ref">Question 5:</span> How many times did you come for '
            'this procedure? <strong>Enter a number between 1 and 20</strong></a></li>'
            '<li><a href="#q_overall-0"><span class="q-ref">Question 6:</span> Overall, how satisfied are you? '
            '<strong>Choose an answer</strong></a></li></ul>') in html
    assert '<legend><span class="q-number">6.</span> Overall, how satisfied are you?</legend>' in html
    assert '<p class="error-message" id="q_visits-error">Enter a number between 1 and 20</p>' in html
    assert '<p class="error-message" id="q_overall-error">Choose an answer</p>' in html
    assert 'id="q_staff_polite-3" name="q_staff_polite" value="4" autocomplete="off" checked>' in html
    assert 'id="q_complained-0" name="q_complained" value="yes" autocomplete="off" checked>' in html
    assert 'id="q_complaint_handling-5" name="q_complaint_handling" value="na" autocomplete="off" checked>' in html
    assert 'id="q_services-0" name="q_services" value="land" autocomplete="off" checked>' in html
    assert 'id="q_services-1" name="q_services" value="residence" autocomplete="off" checked>' in html
    assert 'id="q_services-2" name="q_services" value="other" autocomplete="off">' in html
    assert 'name="q_visits" value="25"' in html
    assert 'autocomplete="off">Chairs &lt;b&gt;now&lt;/b&gt;</textarea>' in html
    assert html.count(" checked>") == 5


@pytest.mark.parametrize(("field", "value", "message"), [
    ("q_staff_polite", "", "Choose an answer"),
    ("q_staff_polite", "7", "Choose one of the answers shown"),
    ("q_services", [], "Choose at least one answer"),
    ("q_visits", "", "Enter a number between 1 and 20"),
    ("q_visits", "many", "Enter a number between 1 and 20"),
    ("q_comment", "x" * 51, "Shorten your answer to 50 characters or fewer"),
])
def test_error_messages(client: FlaskClient, campaign_unit: dict[str, Any], field: str, value: Any,
                        message: str) -> None:
    html = fill(client, f"/s/{campaign_unit['token']}", {**SMALL_ANSWERS, field: value}).get_data(as_text=True)
    assert f'<p class="error-message" id="{field}-error">{message}</p>' in html
    assert html.count('class="error-message"') == 1


def test_skip_logic_is_explained_without_javascript_and_marked_for_kiosk_js(
        client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    html = client.get(f"/s/{campaign_unit['token']}?lang=en").get_data(as_text=True)
    assert ('<div class="question" id="item-complaint_handling" data-required="Choose an answer" '
            'data-show-if="q_complained" '
            'data-show-if-values="yes">') in html
    assert "Answer only if you answered “Yes” to: Did you make a complaint?" in html


def test_server_drops_answers_to_skipped_questions_and_does_not_require_them(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]]) -> None:
    token = campaign_unit["token"]
    fill(client, f"/s/{token}", {**SMALL_ANSWERS, "q_complained": "no", "q_complaint_handling": "1"})
    without = {key: value for key, value in SMALL_ANSWERS.items() if key != "q_complaint_handling"}
    fill(client, f"/s/{token}", {**without, "q_complained": "no"})
    assert [sorted(row.answers) for row in stored()] == [
        ["comment", "complained", "overall", "services", "staff_polite", "visits"]] * 2
    response = fill(client, f"/s/{token}", without)  # "yes": now the follow-up question is required
    assert '<p class="error-message" id="q_complaint_handling-error">Choose an answer</p>' in response.get_data(
        as_text=True)


def test_post_without_csrf_token_stores_nothing_and_keeps_the_answers(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]]) -> None:
    url = f"/k/{campaign_unit['kiosk_token']}/questions"
    fields = hidden_fields(client.get(url + "?lang=en").get_data(as_text=True))
    response = client.post(url, data={**SMALL_ANSWERS, "submission_id": fields["submission_id"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert stored() == []
    assert RESEND in html
    assert 'value="4" autocomplete="off" checked>' in html
    assert hidden_fields(html)["csrf_token"]


def test_expired_csrf_token_after_hours_idle_keeps_answers_and_send_again_stores_once(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"/k/{campaign_unit['kiosk_token']}/questions"
    two_days_ago = int(time.time()) - 2 * 24 * 3600
    with monkeypatch.context() as patch:  # the form was rendered two days ago (longer than WTF_CSRF_TIME_LIMIT)
        patch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: two_days_ago)
        stale = hidden_fields(client.get(url + "?lang=en").get_data(as_text=True))
    response = client.post(url, data={**stale, **SMALL_ANSWERS})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert stored() == []
    assert RESEND in html
    assert 'autocomplete="off">More chairs, please.</textarea>' in html
    fresh = hidden_fields(html)
    assert fresh["csrf_token"] != stale["csrf_token"]
    assert fresh["submission_id"] == stale["submission_id"]
    assert client.post(url, data={**fresh, **SMALL_ANSWERS}).status_code == 303
    assert len(stored()) == 1


def test_missing_submission_id_is_replaced_and_the_respondent_asked_to_send_again(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Callable[[], list[Response]]) -> None:
    url = f"/s/{campaign_unit['token']}"
    fields = hidden_fields(client.get(url + "?lang=en").get_data(as_text=True))
    response = client.post(url, data={**SMALL_ANSWERS, "csrf_token": fields["csrf_token"], "submission_id": "x"})
    assert response.status_code == 400
    assert RESEND in response.get_data(as_text=True)
    assert len(hidden_fields(response.get_data(as_text=True))["submission_id"]) == 32
    assert stored() == []
