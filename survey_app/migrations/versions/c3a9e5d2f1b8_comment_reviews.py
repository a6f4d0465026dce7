"""comment_reviews: staff's topic tags of a comment and the reason, author and day of hiding it

Comments hidden before this release keep their flag (``responses.comment_hidden``) and get a review row without
a reason, so the page can say that the reason was not recorded; no other data changes.

Revision ID: c3a9e5d2f1b8
Revises: e5a9c3d71b24
Create Date: 2026-12-01 07:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3a9e5d2f1b8"
down_revision = "e5a9c3d71b24"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment_reviews",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["hidden_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("response_id"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    empty, true = ("'[]'::json", "true") if postgres else ("'[]'", "1")
    op.execute(f"INSERT INTO comment_reviews (response_id, topics) "
               f"SELECT id, {empty} FROM responses WHERE comment_hidden = {true}")


def downgrade():
    op.drop_table("comment_reviews")
