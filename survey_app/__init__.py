"""Flask application for collecting citizen satisfaction surveys.

The package is a thin web layer: questionnaire logic lives in :mod:`questionnaires`, statistics in
:mod:`analysis`; views parse a request, call one of those, and render. What Flask, Flask-WTF and gunicorn need
around the application (configuration, extensions, error pages, headers, the request-path shortcuts) is in
:mod:`survey_app.platform`, which imports nothing from the rest of the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .platform import config as config_module
from .platform import row_id
from .platform.application import SurveyFlask
from .platform.extensions import csrf, db, limiter, login_manager, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: defaults → ``instance/config.py`` → environment → ``config`` (tests)."""
    app = SurveyFlask(__name__, instance_relative_config=True)
    app.config.from_mapping(config_module.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if config:
        app.config.from_mapping(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        _prepare_sqlite(app)

    _init_extensions(app)
    row_id.init_app(app)
    _register_blueprints(app)

    from . import cli, counter, i18n, prompts
    from .platform import compression, cookie_session, errors, security

    cookie_session.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    prompts.init_app(app)
    counter.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _prepare_sqlite(app: Flask) -> None:
    """Create the instance folder and give SQLite a busy timeout so concurrent writers wait, not fail."""
    import os

    os.makedirs(app.instance_path, exist_ok=True)
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("connect_args", {}).setdefault("timeout", 30)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (reports) run while kiosks write; foreign keys are off by default in SQLite."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _init_extensions(app: Flask) -> None:
    from pathlib import Path

    from . import models  # noqa: F401  (registers the tables on db.metadata for migrations and create_all)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    _announce_rate_limit_storage(app)
    login_manager.init_app(app)
    # babel is initialised by i18n.init_app, which owns the locale selector.


def _announce_rate_limit_storage(app: Flask) -> None:
    """Say at start when the rate limits are counted per process: with several workers or servers each one
    counts on its own, so a client gets the limit once per process (README, "Production"). Not said for a
    ``flask`` command other than ``run``: it serves no one."""
    import click

    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return
    if app.config.get("RATELIMIT_ENABLED", True) and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        app.logger.warning(
            "Rate limits are counted in this process's memory (RATELIMIT_STORAGE_URI=memory://): each worker "
            "process and server counts on its own. With several, set RATELIMIT_STORAGE_URI=redis://… (shared).")


def _register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .reports import bp as reports_bp
    from .results import bp as results_bp
    from .survey import bp as survey_bp

    app.register_blueprint(survey_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(results_bp, url_prefix="/results")
