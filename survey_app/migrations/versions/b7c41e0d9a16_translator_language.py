"""translator accounts (users.language) and one-tap counter answers (counter_answers)

A ``translator`` records the spoken prompts of one language (issue 16); existing accounts keep NULL. A counter
device stores one score per tap in its own table, apart from the questionnaire responses.

Revision ID: b7c41e0d9a16
Revises: 7c2d4e6f8a10
Create Date: 2026-12-01 04:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b7c41e0d9a16"
down_revision = "7c2d4e6f8a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=20), nullable=True))
    op.create_table(
        "counter_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    op.create_index("ix_counter_answers_campaign_id", "counter_answers", ["campaign_id"])
    op.create_index("ix_counter_answers_unit_id", "counter_answers", ["unit_id"])


def downgrade():
    op.drop_index("ix_counter_answers_unit_id", table_name="counter_answers")
    op.drop_index("ix_counter_answers_campaign_id", table_name="counter_answers")
    op.drop_table("counter_answers")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
