"""Flask extensions, created unbound so that models and blueprints can import them without the app.

Every extension is bound to an application in :func:`survey_app.create_app`; nothing here imports from the
rest of the package, which keeps import order free of cycles.
"""

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
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# The client address is used only as an in-memory rate-limit key; it is never stored or logged.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
