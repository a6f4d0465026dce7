"""Answers keep their day only; receipt codes keep whether they were used, not when

``responses.submitted_at`` (UTC, to the microsecond) becomes ``responses.submitted_on``: the day of the answer in
the province's time zone (the application's ``BABEL_DEFAULT_TIMEZONE``). ``receipt_codes.used_at`` becomes the
flag ``receipt_codes.used``. A time that fine let anyone holding the database join an answer to the receipt
slip used with it, or to a line of a web server's log.

The day is filled one local day at a time (``UPDATE … WHERE submitted_at >= start AND < end``, the bounds worked
out in Python with the zone's own rules), so it runs the same on SQLite and PostgreSQL and does one statement per
day of collection, not one per response.

Revision ID: 5b1e0c7d9a42
Revises: 2822f0a295d3
Create Date: 2026-12-01 03:40:00
"""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = '5b1e0c7d9a42'
down_revision = '2822f0a295d3'
branch_labels = None
depends_on = None


def _zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Asia/Ho_Chi_Minh")


def _utc(day, zone: ZoneInfo) -> datetime:
    """Naive UTC moment at which the local ``day`` begins (as the old column stored times)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
    with op.batch_alter_table('receipt_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used', sa.Boolean(), nullable=False, server_default=sa.false()))

    bind = op.get_bind()
    responses = sa.table('responses', sa.column('submitted_at', sa.DateTime()), sa.column('submitted_on', sa.Date()))
    first, last = bind.execute(sa.select(sa.func.min(responses.c.submitted_at),
                                         sa.func.max(responses.c.submitted_at))).one()
    if first is not None:
        zone = _zone()
        day = first.replace(tzinfo=UTC).astimezone(zone).date()
        end = last.replace(tzinfo=UTC).astimezone(zone).date()
        while day <= end:
            bind.execute(responses.update()
                         .where(responses.c.submitted_at >= _utc(day, zone),
                                responses.c.submitted_at < _utc(day + timedelta(days=1), zone))
                         .values(submitted_on=day))
            day += timedelta(days=1)
    codes = sa.table('receipt_codes', sa.column('used_at', sa.DateTime()), sa.column('used', sa.Boolean()))
    bind.execute(codes.update().where(codes.c.used_at.is_not(None)).values(used=True))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.alter_column('submitted_on', existing_type=sa.Date(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_responses_submitted_at'))
        batch_op.drop_column('submitted_at')
        batch_op.create_index(batch_op.f('ix_responses_submitted_on'), ['submitted_on'], unique=False)
    with op.batch_alter_table('receipt_codes', schema=None) as batch_op:
        batch_op.drop_column('used_at')


def downgrade():
    """The time of day is gone for good: each answer comes back at the start of its local day."""
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('receipt_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_at', sa.DateTime(), nullable=True))

    bind = op.get_bind()
    zone = _zone()
    responses = sa.table('responses', sa.column('submitted_at', sa.DateTime()), sa.column('submitted_on', sa.Date()))
    for (day,) in bind.execute(sa.select(responses.c.submitted_on).distinct()).all():
        bind.execute(responses.update().where(responses.c.submitted_on == day)
                     .values(submitted_at=_utc(day, zone)))
    codes = sa.table('receipt_codes', sa.column('used_at', sa.DateTime()), sa.column('used', sa.Boolean()))
    bind.execute(codes.update().where(codes.c.used.is_(True))
                 .values(used_at=datetime.now(UTC).replace(tzinfo=None)))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.alter_column('submitted_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_responses_submitted_on'))
        batch_op.drop_column('submitted_on')
        batch_op.create_index(batch_op.f('ix_responses_submitted_at'), ['submitted_at'], unique=False)
    with op.batch_alter_table('receipt_codes', schema=None) as batch_op:
        batch_op.drop_column('used')
