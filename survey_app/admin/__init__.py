"""Blueprint `admin`: campaigns, units, staff accounts, posters and receipt codes, progress.

Importing the view modules registers their routes on ``bp``.
"""

from . import alert_views, campaigns, census, levels, printing, progress_views, publication, recordings, units, users  # noqa: F401
from .routes import bp

__all__ = ["bp"]
