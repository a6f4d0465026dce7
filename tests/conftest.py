"""Shared fixtures: a fresh application and SQLite file per test, a client that checks every page.

Area-specific fixtures live in the conftest of each test folder.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.models import Campaign, CampaignUnit, Unit, User
from survey_app.platform.extensions import db
from tests.pages import check_page
from tests.postgres.server import PostgresServer, binaries, prepare_template

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a tool is missing, but fail in CI, where the tool must have been installed."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


# Every test that uses `app` runs on each backend: SQLite and a real PostgreSQL server (see tests/postgres/).
# SURVEY_TEST_BACKENDS=sqlite runs one half only, e.g. while iterating on a change.
BACKENDS = [name for name in os.environ.get("SURVEY_TEST_BACKENDS", "sqlite,postgresql").split(",") if name]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throw-away PostgreSQL server per session, on 127.0.0.1, with a template holding the schema."""
    bin_dir = binaries()
    require(bin_dir is not None, "PostgreSQL server binaries not found (apt-get install postgresql)")
    assert bin_dir is not None
    server = PostgresServer.start(bin_dir)
    try:
        prepare_template(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty-schema database for one test: a SQLite file, or a PostgreSQL database from the template."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "test.sqlite")
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An application on a fresh database (SQLite file in WAL mode, or PostgreSQL), schema from the models, and
    a fresh instance folder (files a test stores there, such as census margins, never reach another test)."""
    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
    })
    application.instance_path = str(tmp_path_factory.mktemp("instance"))
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


class CheckingClient(FlaskClient):
    """A test client that runs :func:`tests.pages.check_page` on every HTML page it receives."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 302 and response.get_data():
            check_page(response.get_data(as_text=True))
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = CheckingClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def campaign_unit(app: Flask) -> dict[str, object]:
    """One open campaign (covering today) with one one-stop shop; returns plain ids and the unit's QR link token
    (``token``) and kiosk link token (``kiosk_token``)."""
    with app.app_context():
        unit = Unit(code="MC-TEST", name="Bộ phận Một cửa thử nghiệm", sector="one_stop", level="district",
                    area="Ba Bể", default_locale="vi")
        today = date.today()
        campaign = Campaign(name="Khảo sát Quý thử", starts_on=today - timedelta(days=30),
                            ends_on=today + timedelta(days=30), status="open")
        link = CampaignUnit(campaign=campaign, unit=unit, questionnaire_id="one_stop", service_volume=1000,
                            quota=100)
        db.session.add_all([unit, campaign, link])
        db.session.commit()
        return {"unit_id": unit.id, "campaign_id": campaign.id, "link_id": link.id, "token": unit.qr_token,
                "kiosk_token": unit.kiosk_token}


@pytest.fixture
def make_user(app: Flask):  # type: ignore[no-untyped-def]
    """Factory: ``make_user(email, role, unit_ids=(), password="pw-123456")`` → user id."""

    def make(email: str, role: str = "agency", unit_ids: tuple[int, ...] = (), password: str = "pw-123456") -> int:
        with app.app_context():
            user = User(email=email, role=role, name=email.split("@")[0])
            user.set_password(password)
            user.units = [db.session.get(Unit, uid) for uid in unit_ids]
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """The test's application served on 127.0.0.1 by a thread, for a script test in a real browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser_locale() -> str | None:
    """The browser's language for `page` (a test module overrides this fixture to choose one)."""
    return None


@pytest.fixture
def page(base_url: str, browser_locale: str | None) -> Iterator[object]:
    """A Chromium tab (Playwright) for `base_url`; the test fails on any script error or CSP violation.

    tests/browser/ has its own fixtures: one browser for the folder and the whole demo province.
    """
    require(CHROMIUM is not None, "Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-background-networking"])
        tab = browser.new_page(locale=browser_locale) if browser_locale else browser.new_page()
        tab.set_default_timeout(10_000)
        errors: list[str] = []
        tab.on("console", lambda message: errors.append(message.text)
               if "Content Security Policy" in message.text else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        assert errors == [], "script errors or CSP violations"
