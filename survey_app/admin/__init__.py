"""Blueprint `admin`: campaigns, units, staff accounts, posters and receipt codes, progress.

Importing the view modules registers their routes on ``bp``.
"""

from . import (  # noqa: F401  (importing a view module registers its routes)
    alert_views,
    campaigns,
    census,
    levels,
    printing,
    progress_views,
    publication,
    recordings,
    unit_links,
    units,
    users,
)
from .routes import bp

__all__ = ["bp"]
