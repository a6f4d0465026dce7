"""kiosk_devices.refused: how many answers a kiosk kept offline were refused when finally sent (too late)

Revision ID: 8d3f1a2b6c70
Revises: 7c1d2e3f4a5b
Create Date: 2026-12-01 05:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8d3f1a2b6c70'
down_revision = '7c1d2e3f4a5b'
branch_labels = None
depends_on = None


def upgrade():
    # Kiosks known before this release have had nothing refused that they reported: 0.
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.drop_column('refused')
