"""translator accounts: users.language

A ``translator`` records the spoken prompts of one language (issue 16); existing accounts keep NULL.

Revision ID: b7c41e0d9a16
Revises: 2822f0a295d3
Create Date: 2026-12-01 04:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b7c41e0d9a16"
down_revision = "2822f0a295d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
