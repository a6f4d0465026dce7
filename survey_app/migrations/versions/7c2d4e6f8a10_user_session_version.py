"""users.session_version: a sign-out, password change or disable ends every earlier session

Revision ID: 7c2d4e6f8a10
Revises: 5b1e0c7d9a42
Create Date: 2026-12-01 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c2d4e6f8a10'
down_revision = '5b1e0c7d9a42'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts start at version 0; the cookies they hold (plain user ids) no longer parse, so every
    # session opened before this release ends once, which is what an upgrade that closes finding 5 should do.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
