"""Application factory, configuration layering, migrations, error pages and security headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.platform.extensions import db


def test_environment_overrides_instance_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("KIOSK_IDLE_SECONDS = 33\nSECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/survey")
    app = create_app()
    app.config.from_pyfile(str(instance / "config.py"))  # same layering as instance/config.py
    assert app.config["KIOSK_IDLE_SECONDS"] == 33
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@localhost/survey"


def test_test_mapping_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert create_app({"SECRET_KEY": "from-test"}).config["SECRET_KEY"] == "from-test"


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff} — run `flask db migrate`"
        mode = db.session.execute(db.text("PRAGMA journal_mode")).scalar()
        assert mode == "wal"


def test_unknown_page_is_a_friendly_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_security_headers_on_every_response(client) -> None:  # type: ignore[no-untyped-def]
    headers = client.get("/no-such-page").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"  # survey pages: no-referrer (tests/robustness)


def test_page_titles_name_the_site_once(client) -> None:  # type: ignore[no-untyped-def]
    def title(url: str) -> str:
        return client.get(url).get_data(as_text=True).split("<title>")[1].split("</title>")[0]

    assert title("/?lang=en") == "Citizen satisfaction survey"
    assert title("/login?lang=en") == "Sign in – Citizen satisfaction survey"
