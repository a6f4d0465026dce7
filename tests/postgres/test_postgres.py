"""PostgreSQL for real: the production path, ``DATABASE_URL=postgresql://…``, from migrations to analysis.

The rest of the suite already runs every application test on both SQLite and PostgreSQL (see the ``database_url``
fixture in tests/conftest.py); these tests cover what only PostgreSQL has: the Alembic migrations on an empty
server database, the URL spellings hosting platforms hand out, and the demo province loaded and read back by the
analysis package through psycopg.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from survey_app import create_app
from survey_app.platform.extensions import db
from tests.postgres.server import PostgresServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_url(postgres: PostgresServer) -> Iterator[str]:
    """A database with no table at all, as a new production server has."""
    url = postgres.create_database(template=None)
    yield url
    postgres.drop_database(url)


def test_migrations_build_exactly_the_models_schema_on_postgresql(empty_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations disagree on PostgreSQL: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and back: a failed deployment can be rolled back and forward
        assert "responses" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_database_url_from_the_environment_runs_the_demo_and_the_analysis(
        empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.data import read_database
    from survey_app.database import prepare_database
    from survey_app.models import Response

    hosting_spelling = empty_url.replace("postgresql+psycopg://", "postgres://")
    monkeypatch.setenv("DATABASE_URL", hosting_spelling)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == empty_url
    with app.app_context():
        assert prepare_database(demo=True) is True
        assert prepare_database(demo=True) is False  # idempotent, as on SQLite
        stored = db.session.scalar(db.select(db.func.count()).select_from(Response))
        db.session.remove()
        db.engine.dispose()

    frame = read_database(empty_url)
    assert stored and len(frame) == stored
    assert frame["submitted_on"].notna().all()
