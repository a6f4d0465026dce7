"""campaign published_on: the day a closed campaign's results were made public

Revision ID: 5b7e2c1d9a40
Revises: 7b3e1c9d4a20
Create Date: 2026-12-01 04:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b7e2c1d9a40'
down_revision = '7b3e1c9d4a20'
branch_labels = None
depends_on = None


def upgrade():
    # Existing campaigns stay unpublished (NULL): publishing is a decision of the province.
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('published_on')
