"""Blueprint `reports`: satisfaction reports, charts and exports; see routes.py (pages) and downloads.py."""

from . import (
    downloads,  # noqa: F401  (registers the download routes on the blueprint)
    moderation,  # noqa: F401  (the comment list, topics and hiding)
    provisional,  # noqa: F401  (the provisional mark)
    submission,  # noqa: F401  (the report to the People's Committee)
)
from .routes import bp

__all__ = ["bp"]
