"""Helpers for tests of staff pages (auth, admin): signing in and posting forms with their CSRF token.

Staff pages are asserted in English: the client sends ``Accept-Language: en``, so a Vietnamese translation
landing later does not change what the tests read.
"""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def english(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token, read from a page with a form: the home page (its sign-out button) when signed
    in, else the sign-in page."""
    for url in ("/", "/login"):
        match = _TOKEN.search(client.get(url).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no page with a CSRF token")


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
    """POST ``data`` with a valid CSRF token, as the browser would after loading a page of the site."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = "pw-123456", **kwargs: Any) -> TestResponse:
    return client.post("/login", data={"csrf_token": csrf_token(client), "email": email, "password": password},
                       **kwargs)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
