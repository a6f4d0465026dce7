"""The CSRF token of survey pages is Flask-WTF's, issued and checked as strictly, with the encoding done once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from flask import Flask, g, session
from flask_wtf.csrf import generate_csrf, validate_csrf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.validators import ValidationError

from survey_app import create_app
from survey_app.platform import csrf_token


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "first-key", "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unused.sqlite"})


@pytest.fixture
def request_context(app: Flask) -> Iterator[Flask]:
    with app.test_request_context("/"):
        yield app


def test_tokens_pass_flask_wtfs_check_and_the_other_way_round(request_context: Flask) -> None:
    ours = csrf_token.generate()
    assert generate_csrf() == ours  # one token per request, whichever asks first
    validate_csrf(ours)
    csrf_token.validate(ours)
    with request_context.app_context(), request_context.test_request_context("/"):  # another request, fresh g
        session["csrf_token"] = "f" * 40
        theirs = generate_csrf()
        csrf_token.validate(theirs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(min_size=1, max_size=120))
def test_the_token_is_byte_for_byte_flask_wtfs(app: Flask, raw: str) -> None:
    """Any raw session token (Flask-WTF's are 40 hex digits; odd ones too) is signed into Flask-WTF's exact token."""
    with app.test_request_context("/"), mock.patch("time.time", return_value=1_800_000_000.0):
        session["csrf_token"] = raw
        ours = csrf_token.generate()
        del g.csrf_token
        assert generate_csrf() == ours
        csrf_token.validate(ours)


@pytest.mark.parametrize(("token", "message"), [
    (None, "The CSRF token is missing."),
    ("", "The CSRF token is missing."),
    ("not-a-token", "The CSRF token is invalid."),
    ("a.b.c", "The CSRF token is invalid."),
])
def test_missing_or_forged_tokens_are_refused_with_flask_wtfs_messages(
        request_context: Flask, token: str | None, message: str) -> None:
    csrf_token.generate()
    with pytest.raises(ValidationError, match=message):
        csrf_token.validate(token)


def test_a_tampered_token_is_refused(request_context: Flask) -> None:
    token = csrf_token.generate()
    payload, timestamp, signature = token.split(".")
    other = "AA" if signature[-2:] != "AA" else "BB"
    with pytest.raises(ValidationError, match="invalid"):
        csrf_token.validate(f"{payload}.{timestamp}.{signature[:-2]}{other}")


def test_a_token_of_another_session_is_refused(request_context: Flask) -> None:
    token = csrf_token.generate()
    session["csrf_token"] = "0" * 40  # another respondent's session
    with pytest.raises(ValidationError, match="do not match"):
        csrf_token.validate(token)
    session.pop("csrf_token")
    with pytest.raises(ValidationError, match="session token is missing"):
        csrf_token.validate(token)


def test_tokens_expire_after_the_time_limit(request_context: Flask) -> None:
    request_context.config["WTF_CSRF_TIME_LIMIT"] = 60
    token = csrf_token.generate()
    csrf_token.validate(token)
    with mock.patch("time.time", return_value=time.time() + 61):
        with pytest.raises(ValidationError, match="expired"):
            csrf_token.validate(token)


def test_a_new_secret_key_invalidates_tokens_signed_with_the_old_one(request_context: Flask) -> None:
    token = csrf_token.generate()
    request_context.secret_key = "second-key"
    with pytest.raises(ValidationError, match="invalid"):
        csrf_token.validate(token)
    with pytest.raises(ValidationError, match="invalid"):
        validate_csrf(token)
