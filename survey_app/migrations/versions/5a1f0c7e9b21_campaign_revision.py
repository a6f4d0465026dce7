"""campaigns.revision and responses_received kept by triggers; index responses(campaign_id, id)

The reports cache each campaign's responses per worker and read only the newer ones; the database tells every
worker what changed (see survey_app/revision.py). Existing campaigns start at revision 0 with their count of
stored responses.

Revision ID: 5a1f0c7e9b21
Revises: c3a9e5d2f1b8
Create Date: 2026-12-01 07:20:00

"""
import sqlalchemy as sa
from alembic import op

from survey_app.revision import drop_statements, trigger_statements

revision = '5a1f0c7e9b21'
down_revision = 'c3a9e5d2f1b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('responses_received', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE campaigns SET responses_received = "
               "(SELECT count(*) FROM responses WHERE responses.campaign_id = campaigns.id)")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_campaign_id_id', ['campaign_id', 'id'], unique=False)
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.get_bind().exec_driver_sql(statement)


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.get_bind().exec_driver_sql(statement)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_campaign_id_id')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('responses_received')
        batch_op.drop_column('revision')
