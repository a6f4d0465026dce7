"""administrative levels as data, a grouping per campaign unit, kiosk heartbeats, alerts sent

Since 1 July 2025 local government has two tiers (province, commune). Levels become rows of ``levels``
(the existing units' levels are kept, so districts stay listed for the campaigns that had them); the unit's
``district`` becomes its ``area``, and each campaign keeps the grouping its units had (``campaign_units.area``,
copied from the unit), so later edits leave earlier reports alone.

Revision ID: 7b3e1c9d4a20
Revises: b7c41e0d9a16
Create Date: 2026-12-01 03:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7b3e1c9d4a20'
down_revision = 'b7c41e0d9a16'
branch_labels = None
depends_on = None

# Names given to the levels an existing database already uses; a province renames them on the Levels page.
KNOWN = {"province": ("Cấp tỉnh", 1), "district": ("Cấp huyện (trước 01/7/2025)", 2), "commune": ("Cấp xã", 3)}


def upgrade():
    levels = op.create_table(
        'levels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    connection = op.get_bind()
    used = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT level FROM units"))}
    codes = sorted(used | {"province", "commune"}, key=lambda code: (KNOWN.get(code, (code, 9))[1], code))
    op.bulk_insert(levels, [{"code": code, "name": KNOWN.get(code, (code, 0))[0], "position": n}
                            for n, code in enumerate(codes, start=1)])
    # Plain RENAME COLUMN (PostgreSQL, SQLite 3.25+): a batch copy of ``units`` would have to drop a table that
    # other tables' foreign keys point at.
    op.execute("ALTER TABLE units RENAME COLUMN district TO area")
    with op.batch_alter_table('campaign_units') as batch:
        batch.add_column(sa.Column('area', sa.String(length=100), nullable=False, server_default=''))
    connection.execute(sa.text(
        "UPDATE campaign_units SET area = (SELECT units.area FROM units WHERE units.id = campaign_units.unit_id)"))
    op.create_table(
        'kiosk_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.String(length=40), nullable=False),
        sa.Column('first_seen', sa.DateTime(), nullable=False),
        sa.Column('last_seen', sa.DateTime(), nullable=False),
        sa.Column('unsent', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'device_id'),
    )
    op.create_index(op.f('ix_kiosk_devices_unit_id'), 'kiosk_devices', ['unit_id'], unique=False)
    op.create_table(
        'alert_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade():
    op.drop_table('alert_notices')
    op.drop_index(op.f('ix_kiosk_devices_unit_id'), table_name='kiosk_devices')
    op.drop_table('kiosk_devices')
    with op.batch_alter_table('campaign_units') as batch:
        batch.drop_column('area')
    op.execute("ALTER TABLE units RENAME COLUMN area TO district")
    op.drop_table('levels')
