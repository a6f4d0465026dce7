"""Generated hostile submissions: never a 5xx, always a page that says what to do, and nothing stored.

Each example starts from a correct answer set to ``questionnaires/fuzz.yaml`` (every item type, with skip
logic) and breaks it in at least one way — a required answer missing, a code that is not offered, a number that
is not one, text over the limit, bytes that are not UTF-8, ten thousand checkbox values — then adds noise that
must be ignored (unknown items, unknown fields). Bodies are built as raw bytes, as a hostile client would send.
"""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from survey_app.models import CampaignUnit, ReceiptCode, Response, Unit
from survey_app.platform.extensions import db
from tests.robustness.conftest import response_count

Pairs = list[tuple[bytes, bytes]]

VALID: dict[bytes, list[bytes]] = {
    b"q_overall": [b"4"], b"q_paid_extra": [b"no"], b"q_visits": [b"2"], b"q_procedure_kind": [b"land"],
    b"q_channels": [b"poster", b"staff"], b"q_comment": [b"Nhanh, g\xe1\xbb\x8dn."],
}
CHOICES = {b"q_overall": {b"1", b"2", b"3", b"4", b"5", b"na"}, b"q_paid_extra": {b"yes", b"no"},
           b"q_procedure_kind": {b"land", b"residence", b"other"},
           b"q_channels": {b"poster", b"website", b"staff", b"friends"}}
REQUIRED = [b"q_overall", b"q_paid_extra", b"q_visits", b"q_procedure_kind", b"q_channels"]
SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

letters = st.text(st.characters(categories=["L"]), min_size=1, max_size=40).map(str.encode)
invalid_utf8 = st.binary(min_size=1, max_size=30).filter(lambda b: _not_utf8(b))


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@st.composite
def broken(draw: st.DrawFn) -> tuple[str, dict[bytes, list[bytes]]]:
    """(what was broken, fields) — fields that no correct reading of the questionnaire can accept."""
    fields = {name: list(values) for name, values in VALID.items()}
    kind = draw(st.sampled_from(["missing", "not offered", "not a number", "out of range", "too long",
                                 "invalid utf-8", "control characters", "10 000 checkbox values"]))
    if kind == "missing":
        fields.pop(draw(st.sampled_from(REQUIRED)))
    elif kind == "not offered":
        name = draw(st.sampled_from(sorted(CHOICES)))
        fields[name] = [draw(letters.filter(lambda v, n=name: v.strip() not in CHOICES[n]))]
    elif kind == "not a number":
        fields[b"q_visits"] = [draw(letters)]
    elif kind == "out of range":
        fields[b"q_visits"] = [str(draw(st.one_of(st.integers(max_value=0), st.integers(min_value=21),
                                                  st.floats(min_value=20.001, allow_nan=False)))).encode()]
    elif kind == "too long":
        fields[b"q_comment"] = [b"a" * draw(st.integers(min_value=201, max_value=400_000))]
    elif kind == "control characters":  # echoed back on the error page, which must stay valid HTML
        fields[b"q_visits"] = [b"\x00\x1b" + draw(letters)]  # dropped controls leave letters: not a number
        fields[b"q_comment"] = [draw(st.binary(max_size=50)) + b"\x00\x1b"]
    elif kind == "invalid utf-8":
        fields[draw(st.sampled_from(sorted(CHOICES)))] = [draw(invalid_utf8)]
    else:
        codes = sorted(CHOICES[b"q_channels"]) + [draw(letters.filter(lambda v: v not in CHOICES[b"q_channels"]))]
        fields[b"q_channels"] = [codes[i % len(codes)] for i in range(10_000)]
    for index, value in enumerate(draw(st.lists(st.binary(max_size=200), max_size=4))):
        fields[b"q_unknown_%d" % index] = [value]  # unknown items: ignored, never stored
    return kind, fields


def _body(fields: dict[bytes, list[bytes]], csrf: str, submission_id: str) -> bytes:
    pairs: Pairs = [(b"csrf_token", csrf.encode()), (b"submission_id", submission_id.encode())]
    pairs += [(name, value) for name, values in fields.items() for value in values]
    return b"&".join(quote_from_bytes(k).encode() + b"=" + quote_from_bytes(v).encode() for k, v in pairs)


def _fresh_form(client: FlaskClient, token: str, code: str = "") -> tuple[str, str]:
    """Open the form in English (remembered in the session) and return its CSRF token and submission id."""
    page = client.get(f"/s/{token}?lang=en" + (f"&code={code}" if code else "")).get_data(as_text=True)

    def hidden(name: str) -> str:
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', page)
        assert match, f"no {name} in the form"
        return match[1] or match[2]

    return hidden("csrf_token"), hidden("submission_id")


def _post(client: FlaskClient, path: str, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def test_the_correct_base_answers_are_accepted(app: Flask, client: FlaskClient, fuzz_link: str) -> None:
    """Guards the fuzz tests below: their base is valid, so each refusal is due to the breakage alone."""
    csrf, submission_id = _fresh_form(client, fuzz_link)
    fields = dict(VALID)
    fields[b"q_unknown"] = [b"ignored"]
    reply = _post(client, f"/s/{fuzz_link}", _body(fields, csrf, submission_id))

    assert reply.status_code == 303
    assert response_count(app) == 1


@SETTINGS
@given(case=broken())
def test_a_broken_submission_is_refused_with_a_clear_page_and_nothing_stored(
        app: Flask, client: FlaskClient, fuzz_link: str, case: tuple[str, dict[bytes, list[bytes]]]) -> None:
    kind, fields = case
    csrf, submission_id = _fresh_form(client, fuzz_link)
    reply = _post(client, f"/s/{fuzz_link}", _body(fields, csrf, submission_id))
    page = reply.get_data(as_text=True)

    assert reply.status_code in (413, 422), (kind, reply.status_code)
    if reply.status_code == 422:
        assert "Please check these answers" in page
    else:
        assert "The answers sent were too large" in page
    assert response_count(app) == 0


@SETTINGS
@given(token=st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=60)
       .filter(lambda t: t.strip(".")),
       csrf=st.one_of(st.none(), st.text(st.characters(codec="utf-8"), max_size=100)),
       submission_id=st.one_of(st.none(), st.text(st.characters(codec="utf-8"), max_size=80)))
@example(token="ab\x00cd", csrf=None, submission_id=None)  # PostgreSQL refuses NUL in text: must not be a 500
@example(token="x" * 60, csrf="", submission_id="\x00" * 32)
def test_a_wrong_token_csrf_or_submission_id_is_refused(
        app: Flask, client: FlaskClient, fuzz_link: str, token: str, csrf: str | None,
        submission_id: str | None) -> None:
    real_csrf, real_id = _fresh_form(client, fuzz_link)
    body = _body(VALID, real_csrf if csrf is None else csrf, real_id if submission_id is None else submission_id)
    wrong_token = _post(client, "/s/" + quote_from_bytes(token.encode(), safe=""), body)
    assert wrong_token.status_code == 404
    assert "Page not found" in wrong_token.get_data(as_text=True)

    if csrf is not None or submission_id is not None:
        reply = _post(client, f"/s/{fuzz_link}", body)
        assert reply.status_code == 400
        assert "your answers were not sent yet" in reply.get_data(as_text=True)
    assert response_count(app) == 0


@pytest.mark.parametrize("repeats", [1, 10_000])
def test_repeated_checkbox_values_are_stored_once_each(app: Flask, client: FlaskClient, fuzz_link: str,
                                                        repeats: int) -> None:
    csrf, submission_id = _fresh_form(client, fuzz_link)
    fields = dict(VALID)
    fields[b"q_channels"] = [b"staff", b"poster"] * repeats
    assert _post(client, f"/s/{fuzz_link}", _body(fields, csrf, submission_id)).status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Response.answers)).one()["channels"] == ["poster", "staff"]


@SETTINGS
@given(code=st.text(st.characters(codec="utf-8"), max_size=60))
@example(code="AB\x00CD")
@example(code="ab-12345")  # issued to another unit
def test_a_wrong_receipt_code_is_refused_and_the_right_one_still_works(
        app: Flask, client: FlaskClient, fuzz_link: str, code: str) -> None:
    with app.app_context():
        link = db.session.scalars(db.select(CampaignUnit).join(Unit).where(Unit.qr_token == fuzz_link)).one()
        link.receipt_codes_required = True
        if not db.session.scalars(db.select(ReceiptCode)).first():
            db.session.add(ReceiptCode(campaign_unit_id=link.id, code="GOOD2026"))
        db.session.commit()
    csrf, submission_id = _fresh_form(client, fuzz_link, code="GOOD2026")  # past the code page, then edited
    fields = dict(VALID)
    fields[b"receipt_code"] = [code.encode()]
    reply = _post(client, f"/s/{fuzz_link}", _body(fields, csrf, submission_id))

    if "".join(code.split()).upper() == "GOOD2026":
        assert reply.status_code == 303
        return
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert ("This code is not valid here" in page) or ("Enter the code printed on your receipt" in page)
    assert response_count(app) == 0
