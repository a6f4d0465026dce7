"""Flask extensions, created unbound so that models and blueprints can import them without the app.

Every extension is bound to an application in :func:`survey_app.create_app`; nothing here imports from the
rest of the package, which keeps import order free of cycles.
"""

import hashlib
import hmac
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # What models subclass. db.Model is made at run time (Base with Flask-SQLAlchemy's mixins), so a type checker
    # cannot see it; Base has the same columns and mapping.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def keyed_hash(value: str) -> str:
    """``value`` hashed with the secret key: a rate-limit key that does not reveal what it counts.

    A plain hash of an IPv4 address or an email is undone by trying them all; without the secret key this is not.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The client's address (after ProxyFix) as a rate-limit key; the address itself is never stored or logged."""
    return keyed_hash(get_remote_address())


limiter = Limiter(key_func=client_key, default_limits=[])
