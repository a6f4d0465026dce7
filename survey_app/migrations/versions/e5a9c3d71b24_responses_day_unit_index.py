"""responses: index (campaign_id, submitted_on, unit_id) for the streamed raw-responses export

The export sends a campaign's answers by day and unit; with this index the database returns them in that order
as it reads them, so the first rows leave at once instead of after a sort of the whole campaign.

Revision ID: e5a9c3d71b24
Revises: 8d3f1a2b6c70
Create Date: 2026-12-01 07:20:00
"""
from alembic import op

revision = "e5a9c3d71b24"
down_revision = "8d3f1a2b6c70"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_responses_campaign_day_unit", "responses", ["campaign_id", "submitted_on", "unit_id"])


def downgrade():
    op.drop_index("ix_responses_campaign_day_unit", table_name="responses")
