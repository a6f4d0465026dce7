"""Bring a database to the current schema (Alembic migrations) and optionally fill the demo province."""

from __future__ import annotations

from flask_migrate import upgrade


def prepare_database(demo: bool = False) -> bool:
    """Upgrade the schema to the latest migration; with ``demo``, seed the demo data once.

    Returns whether demo data was added. Must run inside an application context.
    """
    upgrade()
    if not demo:
        return False
    from .demo import seed

    return seed()
