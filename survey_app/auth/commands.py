"""``flask users …``: create, disable, enable and list staff accounts, and reset a password.

Passwords are prompted for (hidden, twice) unless given with ``--password`` — convenient for scripts, but it
leaves the password in the shell history, so the prompt is the default.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from ..models import ROLES, Unit, User
from ..platform.extensions import db
from .accounts import AccountError, create_user, find_user, reset_password, set_active

users_cli = AppGroup("users", help="Manage staff accounts.")


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _user_or_fail(email: str) -> User:
    user = find_user(email)
    if user is None:
        _fail(_("No account has the email address %(email)s.", email=email))
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="agency", show_default=True)
@click.option("--unit", "unit_codes", multiple=True, help="Code of a unit the agency account sees (repeat).")
@click.option("--name", default="", help="Name shown in the staff pages.")
@click.option("--language", default=None, help="For a translator: the code of the language it records (e.g. tyz).")
@click.password_option(help="The password (prompted for when left out).")
def create_command(email: str, role: str, unit_codes: tuple[str, ...], name: str, language: str | None,
                   password: str) -> None:
    """Create an active account for EMAIL."""
    units = db.session.scalars(select(Unit).where(Unit.code.in_(unit_codes))).all()
    unknown = sorted(set(unit_codes) - {unit.code for unit in units})
    if unknown:
        _fail(_("No unit has the code %(codes)s. `flask users create --help` shows the options.",
                codes=", ".join(unknown)))
    try:
        user = create_user(email, password, role, name, units, language)
    except AccountError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(_("Account %(email)s created (%(role)s).", email=user.email, role=user.role))


@users_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable the account of EMAIL: it can no longer sign in, and open sessions end."""
    user = _user_or_fail(email)
    set_active(user, False)
    db.session.commit()
    click.echo(_("Account %(email)s disabled.", email=user.email))


@users_cli.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Enable the account of EMAIL again."""
    user = _user_or_fail(email)
    set_active(user, True)
    db.session.commit()
    click.echo(_("Account %(email)s enabled.", email=user.email))


@users_cli.command("reset-password")
@click.argument("email")
@click.password_option(help="The new password (prompted for when left out).")
def reset_password_command(email: str, password: str) -> None:
    """Give the account of EMAIL a new password."""
    user = _user_or_fail(email)
    try:
        reset_password(user, password)
    except AccountError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(_("Password of %(email)s changed.", email=user.email))


@users_cli.command("list")
def list_command() -> None:
    """List the accounts: email, role, active or disabled, units."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = _("active") if user.active else _("disabled")
        click.echo(f"{user.email}\t{user.role}\t{state}\t{', '.join(sorted(u.code for u in user.units))}")
