"""Blueprint `admin`; see routes.py."""

from .routes import bp

__all__ = ["bp"]
