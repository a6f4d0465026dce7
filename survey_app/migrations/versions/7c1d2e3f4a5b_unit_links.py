"""Links belong to units: QR and kiosk tokens on the unit, earlier per-campaign tokens kept as aliases; late
answers (grace days, closing day); kiosks of code-only units.

Every campaign's token was printed (posters, receipt slips) and opened both the QR page and the kiosk: each
becomes an alias of its unit's QR link, so every printed poster and slip keeps working. The kiosk link is new
and never printed; kiosks set to an old address show the "link replaced" page until they are given the new
one (the old address was printed, so it must not reach the kiosk route).

Revision ID: 7c1d2e3f4a5b
Revises: 5b7e2c1d9a40
Create Date: 2026-12-01 03:40:00
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "7c1d2e3f4a5b"
down_revision = "5b7e2c1d9a40"
branch_labels = None
depends_on = None


def _token() -> str:
    return secrets.token_urlsafe(16)


def upgrade():
    op.create_table(
        "link_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("replaced_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("link_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_aliases_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qr_token", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("kiosk_token", sa.String(length=40), nullable=True))
    connection = op.get_bind()
    units = sa.table("units", sa.column("id", sa.Integer), sa.column("qr_token", sa.String),
                     sa.column("kiosk_token", sa.String))
    for (unit_id,) in connection.execute(sa.select(units.c.id)).all():
        connection.execute(units.update().where(units.c.id == unit_id)
                           .values(qr_token=_token(), kiosk_token=_token()))
    links = sa.table("campaign_units", sa.column("unit_id", sa.Integer), sa.column("token", sa.String))
    aliases = sa.table("link_aliases", sa.column("token", sa.String), sa.column("unit_id", sa.Integer),
                       sa.column("channel", sa.String), sa.column("replaced_on", sa.Date))
    rows = [{"token": token, "unit_id": unit_id, "channel": "legacy", "replaced_on": None}
            for unit_id, token in connection.execute(sa.select(links.c.unit_id, links.c.token)).all()]
    if rows:
        connection.execute(aliases.insert(), rows)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.alter_column("qr_token", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("kiosk_token", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint("uq_units_qr_token", ["qr_token"])
        batch_op.create_unique_constraint("uq_units_kiosk_token", ["kiosk_token"])

    with op.batch_alter_table("campaign_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kiosk_without_codes", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.drop_column("token")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_days", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))


def downgrade():
    """Back to one token per campaign: the unit's oldest working QR address where it has one, so what was
    printed before the upgrade works again; links rotated since then are lost."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
        batch_op.drop_column("late_days")
    with op.batch_alter_table("campaign_units", schema=None) as batch_op:
        batch_op.drop_column("kiosk_without_codes")
        batch_op.add_column(sa.Column("token", sa.String(length=40), nullable=True))
    connection = op.get_bind()
    links = sa.table("campaign_units", sa.column("id", sa.Integer), sa.column("unit_id", sa.Integer),
                     sa.column("token", sa.String))
    aliases = sa.table("link_aliases", sa.column("token", sa.String), sa.column("unit_id", sa.Integer),
                       sa.column("channel", sa.String), sa.column("replaced_on", sa.Date))
    spare: dict[int, list[str]] = {}
    for unit_id, token in connection.execute(
            sa.select(aliases.c.unit_id, aliases.c.token)
            .where(aliases.c.channel == "legacy", aliases.c.replaced_on.is_(None))).all():
        spare.setdefault(unit_id, []).append(token)
    for link_id, unit_id in connection.execute(sa.select(links.c.id, links.c.unit_id).order_by(links.c.id)).all():
        tokens = spare.get(unit_id)
        connection.execute(links.update().where(links.c.id == link_id)
                           .values(token=tokens.pop(0) if tokens else _token()))
    with op.batch_alter_table("campaign_units", schema=None) as batch_op:
        batch_op.alter_column("token", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint("campaign_units_token_key", ["token"])
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint("uq_units_kiosk_token", type_="unique")
        batch_op.drop_constraint("uq_units_qr_token", type_="unique")
        batch_op.drop_column("kiosk_token")
        batch_op.drop_column("qr_token")
    with op.batch_alter_table("link_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_aliases_unit_id"))
    op.drop_table("link_aliases")
