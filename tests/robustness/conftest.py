"""Fixtures for the load, crash, fuzz and security tests.

``served`` is the real thing: gunicorn (two workers) on a free port of 127.0.0.1, over a migrated SQLite file or a
PostgreSQL database, with one open campaign — the same server ``bench/load.py`` measures. ``fuzz_link`` serves
``questionnaires/fuzz.yaml`` beside this file, which has every item type, to the in-process test client.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from bench.server import Server, prepare
from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db
from tests.postgres.server import PostgresServer, free_port

HERE = Path(__file__).parent


@dataclass
class Served:
    server: Server
    database_url: str
    token: str

    @property
    def qr_path(self) -> str:
        return f"/s/{self.token}"


@pytest.fixture
def served_database(database_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database on the test's backend, schema by the Alembic migrations (as in production)."""
    if not database_url.startswith("postgresql"):
        yield database_url
        return
    postgres: PostgresServer = request.getfixturevalue("postgres")
    url = postgres.create_database(template=None)
    yield url
    postgres.drop_database(url)


@pytest.fixture
def served(served_database: str, tmp_path: Path) -> Iterator[Served]:
    token = prepare(served_database)
    server = Server(served_database, free_port(), workers=2, log=tmp_path / "gunicorn.log")
    server.start()
    try:
        yield Served(server, served_database, token)
    finally:
        server.stop()


@pytest.fixture
def fuzz_link(app: Flask) -> str:
    return open_fuzz_link(app)


def open_fuzz_link(app: Flask) -> str:
    """An open campaign whose unit asks ``fuzz.yaml``; returns the unit's QR link token."""
    app.config["QUESTIONNAIRE_DIR"] = str(HERE / "questionnaires")
    with app.app_context():
        unit = Unit(code="FUZZ", name="Bộ phận Một cửa xã thử", sector="one_stop", level="commune")
        today = date.today()
        campaign = Campaign(name="Fuzz", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1),
                            status="open")
        link = CampaignUnit(campaign=campaign, unit=unit, questionnaire_id="fuzz")
        db.session.add_all([unit, campaign, link])
        db.session.commit()
        return unit.qr_token


def response_count(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(Response)) or 0
        db.session.remove()
        return count
