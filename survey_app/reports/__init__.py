"""Blueprint `reports`: satisfaction reports, charts and exports; see routes.py (pages) and downloads.py."""

from . import downloads  # noqa: F401  (registers the download routes on the blueprint)
from .routes import bp

__all__ = ["bp"]
