"""Forms of the `auth` blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Email and password; the error for a wrong pair never says which of the two was wrong."""

    email = StringField(_l("Email address"), validators=[DataRequired(_l("Enter your email address")),
                                                         Length(max=200)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))],
                             render_kw={"autocomplete": "current-password"})
