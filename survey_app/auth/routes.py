"""Routes of the `auth` blueprint: staff sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint

from ..extensions import db, login_manager
from ..models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
