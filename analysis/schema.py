"""The tables :mod:`analysis.data` reads, as SQLAlchemy Core metadata (no Flask, no ORM).

They mirror the columns the web application writes (its Alembic migrations own the real schema); only the
columns named here are read. ``create_all`` on this metadata gives a database the analysis can read, which the
tests and the benchmark use.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

metadata = sa.MetaData()

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("sector", sa.String(20), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("default_locale", sa.String(10)),
    # Written, not read: the web application's units need them (the grouping now lives on campaign_units).
    sa.Column("area", sa.String(100), default=""),
    sa.Column("qr_token", sa.String(40), unique=True),
    sa.Column("kiosk_token", sa.String(40), unique=True),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("starts_on", sa.Date),
    sa.Column("ends_on", sa.Date),
    sa.Column("status", sa.String(20)),
    sa.Column("created_at", sa.DateTime),
)

campaign_units = sa.Table(
    "campaign_units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
    sa.Column("questionnaire_id", sa.String(80)),
    sa.Column("service_volume", sa.Integer),
    sa.Column("quota", sa.Integer),
    sa.Column("receipt_codes_required", sa.Boolean, default=False),
    sa.Column("area", sa.String(100), default=""),  # the unit's grouping in this campaign (a district before 2025)
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
    sa.Column("questionnaire_id", sa.String(80), nullable=False),
    sa.Column("questionnaire_version", sa.Integer, nullable=False),
    sa.Column("channel", sa.String(20)),
    sa.Column("locale", sa.String(10)),
    sa.Column("submitted_on", sa.Date),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("submission_id", sa.String(64), unique=True),
    sa.Column("comment_hidden", sa.Boolean, default=False),
)

#: Responses packed into column blocks (:mod:`analysis.blocks`): derived from ``responses``, rebuilt at will.
response_blocks = sa.Table(
    "response_blocks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    sa.Column("first_id", sa.Integer, nullable=False),
    sa.Column("last_id", sa.Integer, nullable=False),
    sa.Column("responses", sa.Integer, nullable=False),
    sa.Column("stale", sa.Boolean, nullable=False, default=False),
    sa.Column("format", sa.Integer, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("campaign_id", "first_id"),
)


def install_triggers(metadata: sa.MetaData, create: Callable[[str], tuple[str, ...]],
                     drop: Callable[[str], tuple[str, ...]], table: str) -> None:
    """Run ``create(dialect)`` whenever ``metadata.create_all`` creates ``table`` (and ``drop`` before a drop_all),
    on SQLite and PostgreSQL: triggers that keep derived data true come with the tables themselves."""

    @sa.event.listens_for(metadata, "after_create")
    def _create(target: sa.MetaData, connection: sa.Connection, **_: object) -> None:
        if connection.dialect.name in ("sqlite", "postgresql") and sa.inspect(connection).has_table(table):
            for statement in create(connection.dialect.name):
                connection.exec_driver_sql(statement)

    @sa.event.listens_for(metadata, "before_drop")
    def _drop(target: sa.MetaData, connection: sa.Connection, **_: object) -> None:
        if connection.dialect.name in ("sqlite", "postgresql"):
            for statement in drop(connection.dialect.name):
                connection.exec_driver_sql(statement)
