"""Administrative levels, read from the ``levels`` table: a province lists its own.

Since 1 July 2025 Vietnam's local government has two tiers, province and commune (Law on the Organisation of Local
Government No. 72/2025/QH15, in force from that day), and the one-stop shops are the provincial public
administrative service centre and the communes' ones. Nothing in the
code names a level: the migration lists those a database already uses (so districts stay for older campaigns)
plus the two current tiers; a database made without migrations (tests) starts from :data:`CURRENT_TIERS`.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from .models import Level
from .platform.extensions import db

#: The two tiers since 1 July 2025, used when the ``levels`` table is still empty.
CURRENT_TIERS: tuple[tuple[str, str], ...] = (("province", "Cấp tỉnh"), ("commune", "Cấp xã"))


def level_names() -> dict[str, str]:
    """Level code → name, in the province's order; read once per request."""
    if "level_names" not in g:
        rows = db.session.execute(select(Level.code, Level.name).order_by(Level.position, Level.code)).all()
        g.level_names = dict(rows) if rows else dict(CURRENT_TIERS)
    return g.level_names


def level_name(code: str) -> str:
    """The level's name, or its code when the list no longer has it."""
    return level_names().get(code, code)
