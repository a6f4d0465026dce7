"""The tables :mod:`analysis.data` reads, as SQLAlchemy Core metadata (no Flask, no ORM).

They mirror the columns the web application writes (its Alembic migrations own the real schema); only the
columns named here are read. ``create_all`` on this metadata gives a database the analysis can read, which the
tests and the benchmark use.
"""

from __future__ import annotations

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
