"""Storing a response: once per submission id, once per receipt code, never outside the campaign, no address."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, select

from survey_app.models import ReceiptCode, Response
from survey_app.platform.extensions import db
from survey_app.survey import submission
from tests.survey.conftest import SMALL_ANSWERS, fill, hidden_fields

pytestmark = pytest.mark.usefixtures("small_questionnaire")

Stored = Callable[[], list[Response]]


def test_same_submission_id_sent_twice_is_stored_once_and_both_see_the_thank_you_page(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    url = f"/k/{campaign_unit['kiosk_token']}/questions"
    data = {**hidden_fields(client.get(url).get_data(as_text=True)), **SMALL_ANSWERS}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == f"/k/{campaign_unit['kiosk_token']}/thanks"
    assert len(stored()) == 1


def test_duplicate_is_caught_by_the_unique_submission_id(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored, monkeypatch: pytest.MonkeyPatch) -> None:
    """No "already stored?" query before the insert: the unique id refuses the second one, which is then told
    apart from a real failure by one query — also when two requests race, since neither looks first."""
    url = f"/s/{campaign_unit['token']}"
    data = {**hidden_fields(client.get(url).get_data(as_text=True)), **SMALL_ANSWERS}
    real = submission.is_stored
    calls: list[str] = []

    def spy(submission_id: str) -> bool:
        calls.append(submission_id)
        return real(submission_id)

    monkeypatch.setattr(submission, "is_stored", spy)
    assert client.post(url, data=data).status_code == 303
    assert calls == []
    response = client.post(url, data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/thanks")
    assert calls == [data["submission_id"]]
    assert len(stored()) == 1


def test_each_form_carries_a_new_submission_id(client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    url = f"/s/{campaign_unit['token']}"
    ids = {hidden_fields(client.get(url).get_data(as_text=True))["submission_id"] for _ in range(3)}
    assert len(ids) == 3


def test_receipt_code_answers_once(client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored,
                                   receipt_codes: Callable[..., None]) -> None:
    receipt_codes("AB12CD34")
    url = f"/s/{campaign_unit['token']}"
    page = client.get(url + "?code=AB12CD34&lang=en").get_data(as_text=True)
    assert '<input type="hidden" name="receipt_code" value="AB12CD34">' in page  # carried, never typed again
    first = {**hidden_fields(page), **SMALL_ANSWERS}
    second = hidden_fields(client.get(url + "?code=AB12CD34").get_data(as_text=True))  # a second tab, same slip
    assert client.post(url, data=first).status_code == 303
    again = client.post(url, data={**second, **SMALL_ANSWERS, "receipt_code": "ab12 cd34"})
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert ('<p class="error-message" id="receipt_code-error">This code has already been used. '
            'Each receipt code can answer once.</p>') in html
    assert '<a href="#receipt_code">Receipt code <strong>This code has already been used.' in html
    assert 'value="4" autocomplete="off" checked>' in html
    assert len(stored()) == 1


def test_double_click_with_a_receipt_code_shows_thanks_not_code_used(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored,
        receipt_codes: Callable[..., None]) -> None:
    receipt_codes("AB12CD34")
    url = f"/s/{campaign_unit['token']}"
    data = {**hidden_fields(client.get(url + "?code=AB12CD34").get_data(as_text=True)), **SMALL_ANSWERS}
    assert data["receipt_code"] == "AB12CD34"
    assert [client.post(url, data=data).status_code for _ in range(2)] == [303, 303]
    assert len(stored()) == 1


@pytest.mark.parametrize(("code", "message"), [
    ("ZZ99ZZ99", "This code is not valid here. Check the code printed on your receipt."),
    ("", "Enter the code printed on your receipt"),
])
def test_a_form_posted_with_an_unknown_or_missing_code_is_refused_and_answers_kept(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored,
        receipt_codes: Callable[..., None], code: str, message: str) -> None:
    """Past the code page (a form kept from a valid code, its hidden code edited): the store refuses it too."""
    receipt_codes("AB12CD34")
    url = f"/s/{campaign_unit['token']}"
    response = fill(client, url + "?code=AB12CD34", {**SMALL_ANSWERS, "receipt_code": code})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error-message" id="receipt_code-error">{message}</p>' in html
    assert 'autocomplete="off">More chairs, please.</textarea>' in html
    assert stored() == []
    with app.app_context():
        assert db.session.scalar(select(ReceiptCode.used)) is False


RESPONSE_COLUMNS = {"id", "campaign_id", "unit_id", "questionnaire_id", "questionnaire_version", "channel", "locale",
                    "submitted_on", "answers", "submission_id", "comment_hidden"}


def test_no_client_address_is_stored_or_logged(app: Flask, client: FlaskClient, campaign_unit: dict[str, Any],
                                               stored: Stored, caplog: pytest.LogCaptureFixture) -> None:
    address = "203.0.113.77"
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_X_FORWARDED_FOR": address,
                                "HTTP_X_REAL_IP": address, "HTTP_USER_AGENT": "Kiosk/1.0 (Nguyễn Văn A 0912345678)"})
    caplog.set_level(logging.DEBUG)
    response = fill(client, f"/k/{campaign_unit['kiosk_token']}/questions", SMALL_ANSWERS)
    client.get(response.headers["Location"])
    with app.app_context():
        assert {column["name"] for column in inspect(db.engine).get_columns("responses")} == RESPONSE_COLUMNS
    [row] = stored()
    values = " ".join(str(getattr(row, column)) for column in RESPONSE_COLUMNS)
    for secret in (address, "Kiosk/1.0", "0912345678"):
        assert secret not in values
        assert secret not in caplog.text


@pytest.mark.parametrize(("status", "starts", "ends"), [
    ("closed", -30, 30), ("open", -30, -1), ("open", 2, 30), ("draft", -1, 30),
])
def test_no_campaign_taking_answers_gives_a_friendly_page_and_stores_nothing(
        client: FlaskClient, campaign_unit: dict[str, Any], set_campaign: Callable[..., None], stored: Stored,
        status: str, starts: int, ends: int) -> None:
    qr, kiosk = campaign_unit["token"], campaign_unit["kiosk_token"]
    set_campaign(status=status, starts=starts, ends=ends)
    for url in (f"/k/{kiosk}", f"/k/{kiosk}/questions", f"/s/{qr}"):
        response = client.get(url, query_string={"lang": "en"})
        html = response.get_data(as_text=True)
        assert response.status_code == 403, url
        assert "<h1>There is no survey at the moment</h1>" in html
        assert "Nothing was recorded." in html
    for url in (f"/k/{kiosk}/questions", f"/s/{qr}"):
        assert client.post(url, data=SMALL_ANSWERS).status_code == 403
    assert stored() == []


@pytest.mark.parametrize("url", ["/k/no-such-token", "/k/no-such-token/questions", "/s/no-such-token",
                                 "/k/no-such-token/thanks", "/s/no-such-token/thanks"])
def test_unknown_token_is_a_friendly_404(client: FlaskClient, url: str) -> None:
    response = client.get(url, query_string={"lang": "en"})
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.get_data(as_text=True)


def test_submissions_are_rate_limited_with_a_friendly_page_and_no_address_in_the_log(
        database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from survey_app import create_app
    from tests.conftest import CheckingClient

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True, "SUBMIT_RATE_LIMIT": "2 per minute",
                      "QUESTIONNAIRE_DIR": str(tmp_path / "questionnaires")})
    (tmp_path / "questionnaires").mkdir(exist_ok=True)
    from tests.survey.conftest import SMALL_QUESTIONNAIRE

    (tmp_path / "questionnaires" / "one_stop.yaml").write_text(SMALL_QUESTIONNAIRE, encoding="utf-8")
    with app.app_context():
        db.create_all()
    app.test_client_class = CheckingClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    token = _open_campaign_unit(app)
    caplog.set_level(logging.DEBUG)
    limiter_log = _listen(logging.getLogger("flask-limiter"), monkeypatch)
    try:
        statuses = [fill(client, f"/s/{token}", SMALL_ANSWERS).status_code for _ in range(3)]
        assert statuses == [303, 303, 429]
        html = fill(client, f"/s/{token}", SMALL_ANSWERS).get_data(as_text=True)
        assert "<h1>Too many attempts</h1>" in html
        assert client.get(f"/s/{token}").status_code == 200  # reading the form is not limited
        assert any("exceeded" in message for message in limiter_log)  # the breach is logged, by a hash
        assert not any("198.51.100.23" in message for message in [caplog.text, *limiter_log])
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "198.51.100.24"
        assert fill(other, f"/s/{token}", SMALL_ANSWERS).status_code == 303  # another phone is not blocked
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _listen(logger: logging.Logger, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message ``logger`` emits during the test, whatever logging set-up earlier tests left behind."""
    messages: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    monkeypatch.setattr(logging.root.manager, "disable", logging.NOTSET)
    monkeypatch.setattr(logger, "disabled", False)
    monkeypatch.setattr(logger, "level", logging.DEBUG)
    monkeypatch.setattr(logger, "handlers", [*logger.handlers, handler])
    logger.manager._clear_cache()
    return messages


def _open_campaign_unit(app: Flask) -> str:
    from datetime import date, timedelta

    from survey_app.models import Campaign, CampaignUnit, Unit

    with app.app_context():
        link = CampaignUnit(
            campaign=Campaign(name="Q", starts_on=date.today() - timedelta(days=1),
                              ends_on=date.today() + timedelta(days=1), status="open"),
            unit=Unit(code="U", name="Unit", sector="one_stop", level="commune"), questionnaire_id="one_stop")
        db.session.add(link)
        db.session.commit()
        return link.unit.qr_token


def _checkouts(app: Flask) -> list[object]:
    """Every connection taken from the application's pool from now on."""
    taken: list[object] = []
    with app.app_context():
        event.listen(db.engine, "checkout", lambda *args: taken.append(args[0]))
    return taken


def test_a_worker_serving_one_request_at_a_time_keeps_one_connection_for_its_inserts(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    url = f"/s/{campaign_unit['token']}"
    forms = [hidden_fields(client.get(url).get_data(as_text=True)) for _ in range(3)]
    assert client.post(url, data={**forms[0], **SMALL_ANSWERS}).status_code == 303
    taken = _checkouts(app)
    for form in forms[1:]:
        assert client.post(url, data={**form, **SMALL_ANSWERS}).status_code == 303
    assert taken == []  # the later inserts reused the kept connection: nothing taken from the pool
    assert len(stored()) == 3


def test_threaded_servers_take_a_pooled_connection_for_each_insert(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    url = f"/s/{campaign_unit['token']}"
    forms = [hidden_fields(client.get(url).get_data(as_text=True)) for _ in range(2)]
    taken = _checkouts(app)
    for form in forms:
        response = client.post(url, data={**form, **SMALL_ANSWERS}, environ_overrides={"wsgi.multithread": True})
        assert response.status_code == 303
    assert len(taken) == 2
    with app.app_context():
        assert db.engine.pool.checkedout() == 0  # each given back: threads never hold more than the pool has
    assert len(stored()) == 2


def test_a_kept_connection_that_broke_is_replaced_and_the_answers_are_stored(
        app: Flask, client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    """What a restarted database server does to a kept connection: the submission is still stored, once."""
    url = f"/s/{campaign_unit['token']}"
    forms = [hidden_fields(client.get(url).get_data(as_text=True)) for _ in range(2)]
    assert client.post(url, data={**forms[0], **SMALL_ANSWERS}).status_code == 303
    kept = submission._held.connection
    assert kept is not None
    kept.connection.dbapi_connection.close()  # underneath SQLAlchemy, as a server going away would
    response = client.post(url, data={**forms[1], **SMALL_ANSWERS})
    assert response.status_code == 303
    assert submission._held.connection is not kept
    assert [row.submission_id for row in stored()] == [forms[0]["submission_id"], forms[1]["submission_id"]]


def test_a_refused_receipt_code_leaves_no_transaction_open_on_the_kept_connection(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored,
        receipt_codes: Callable[..., None]) -> None:
    receipt_codes("AB12CD34")
    url = f"/s/{campaign_unit['token']}"
    with_code = url + "?code=AB12CD34"
    assert fill(client, with_code, {**SMALL_ANSWERS, "receipt_code": "AB12CD34"}).status_code == 303
    receipt_codes("EF56GH78")
    forged = fill(client, url + "?code=EF56GH78", {**SMALL_ANSWERS, "receipt_code": "ZZ99ZZ99"})
    assert forged.status_code == 422  # inserted, rolled back
    kept = submission._held.connection
    assert kept is not None and not kept.in_transaction()
    reused = fill(client, url + "?code=EF56GH78", {**SMALL_ANSWERS, "receipt_code": "AB12CD34"})
    assert reused.status_code == 422  # used: rolled back
    assert not kept.in_transaction()
    assert len(stored()) == 1


def test_the_stored_row_reads_back_as_the_orm_would_have_written_it(
        client: FlaskClient, campaign_unit: dict[str, Any], stored: Stored) -> None:
    """The insert goes to the driver with each column's own conversion: JSON answers, the dialect's date."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    before = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    response = fill(client, f"/s/{campaign_unit['token']}", SMALL_ANSWERS, lang="en")
    assert response.status_code == 303
    (row,) = stored()
    assert row.answers == {"staff_polite": 4, "complained": "yes", "complaint_handling": "na",
                           "services": ["land", "residence"], "visits": 2, "overall": 5,
                           "comment": "More chairs, please."}
    assert type(row.submitted_on) is date  # the province's day, nothing finer
    assert before <= row.submitted_on <= before + timedelta(days=1)
    assert (row.channel, row.locale, row.comment_hidden, row.questionnaire_id) == ("qr", "en", False, "one_stop")
    assert row.campaign_id == campaign_unit["campaign_id"] and row.unit_id == campaign_unit["unit_id"]
