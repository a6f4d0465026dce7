"""Blueprint `admin`: campaigns, units, staff accounts, posters and receipt codes, progress.

Importing the view modules registers their routes on ``bp``.
"""

from . import campaigns, printing, progress_views, unit_links, units, users  # noqa: F401
from .routes import bp

__all__ = ["bp"]
