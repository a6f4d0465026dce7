"""Staff accounts: the rules both the web forms and ``flask users`` apply.

Passwords are hashed with scrypt (``User.set_password``); the rules are length (at least 10 characters, as
NIST SP 800-63B advises over composition rules) and not being one of the demo passwords, which are published in
the README and must never protect a real account.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..models import ROLES, Unit, User
from ..platform.extensions import db
from .staff_session import end_all

MIN_PASSWORD_LENGTH = 10
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A rule an account change breaks; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_password_rules(password: str) -> None:
    from ..demo import DEMO_PASSWORDS

    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", _("Use at least %(count)d characters for the password",
                                         count=MIN_PASSWORD_LENGTH))
    if password in DEMO_PASSWORDS.values():
        raise AccountError("password", _("Choose another password: this one is published with the demo"))


def check_account(email: str, role: str, units: Sequence[Unit], existing: User | None = None) -> str:
    """Check the email (well formed, not taken by another account), the role and its units; return the email."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 200:
        raise AccountError("email", _("Enter an email address like name@example.gov.vn"))
    other = find_user(email)
    if other is not None and other is not existing:
        raise AccountError("email", _("Another account already uses this email address"))
    if role not in ROLES:
        raise AccountError("role", _("Choose province_admin, agency or translator"))
    if role == "agency" and not units:
        raise AccountError("units", _("Choose at least one unit for an agency account"))
    return email


def create_user(email: str, password: str, role: str, name: str = "", units: Sequence[Unit] = (),
                language: str | None = None) -> User:
    """A new, active account (added to the session, not committed); a translator needs its ``language``."""
    email = check_account(email, role, units)
    if role == "translator" and not language:
        raise AccountError("language", _("Give the code of the language a translator account records"))
    check_password_rules(password)
    user = User(email=email, name=name.strip(), role=role, active=True,
                units=list(units) if role == "agency" else [],
                language=language if role == "translator" else None)
    user.set_password(password)
    db.session.add(user)
    return user


def reset_password(user: User, password: str) -> None:
    """A new password, which also ends every session of the account opened with the old one."""
    check_password_rules(password)
    user.set_password(password)
    end_all(user)


def set_active(user: User, active: bool) -> None:
    """Enable or disable the account; disabling ends its sessions, and enabling does not bring them back."""
    if not active:
        end_all(user)
    user.active = active
