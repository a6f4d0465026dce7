"""Blueprint `reports`: satisfaction reports, charts and exports; see routes.py (pages) and downloads.py."""

from . import downloads, provisional  # noqa: F401  (register the download routes and the provisional mark)
from .routes import bp

__all__ = ["bp"]
