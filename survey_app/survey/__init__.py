"""Citizen-facing pages: the kiosk (`/k/<token>`) and the QR link (`/s/<token>`); see routes.py."""

from .routes import bp

__all__ = ["bp"]
