"""Staff account views: list, create, edit (role and units), disable or enable, set a new password.

The same rules as ``flask users`` apply (``auth.accounts``). An administrator cannot disable their own account
or take away their own administrator role, so the province is never locked out by a slip of the mouse.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from ..auth import staff_session
from ..auth.access import admin_required
from ..auth.accounts import AccountError, check_account, create_user, reset_password, set_active
from ..collation import sorted_by
from ..models import Unit, User
from ..platform.extensions import db
from .forms import NewUserForm, PasswordForm, UserForm
from .routes import bp


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _with_units(form: UserForm) -> dict[int, Unit]:
    units = sorted_by(db.session.scalars(select(Unit)).all(), lambda unit: unit.name)
    form.units.choices = [SelectChoice(unit.id, f"{unit.name} ({unit.code})") for unit in units]
    return {unit.id: unit for unit in units}


def _with_languages(form: UserForm) -> None:
    from ..i18n import catalogs

    form.language.choices = [SelectChoice("", "–")] + [SelectChoice(language.code, f"{language.name} ({language.code})")
                                                      for language in catalogs().languages()]


def _show_error(form: UserForm | PasswordForm, error: AccountError) -> None:
    getattr(form, error.field).errors = [error.message]


@bp.route("/users")
@admin_required
def users() -> str:
    accounts = db.session.scalars(select(User).order_by(User.role.desc(), User.email)).all()
    return render_template("admin/users.html", users=accounts)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> str | WerkzeugResponse:
    form = NewUserForm()
    units = _with_units(form)
    _with_languages(form)
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.password.data, form.role.data, form.name.data or "",
                               [units[i] for i in form.units.data or [] if i in units], form.language.data or None)
        except AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Account %(email)s created. Give the person their password in person or by phone.",
                    email=user.email), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int) -> str | WerkzeugResponse:
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    units = _with_units(form)
    _with_languages(form)
    if not form.is_submitted():
        form.units.data = [unit.id for unit in user.units]
    if form.validate_on_submit():
        chosen = [units[i] for i in form.units.data or [] if i in units]
        try:
            if user.id == current_user.id and form.role.data != "province_admin":
                raise AccountError("role", _("You cannot take away your own administrator role"))
            user.email = check_account(form.email.data, form.role.data, chosen, existing=user)
            if form.role.data == "translator" and not form.language.data:
                raise AccountError("language", _("Give the code of the language a translator account records"))
        except AccountError as error:
            _show_error(form, error)
        else:
            user.name, user.role = (form.name.data or "").strip(), form.role.data
            user.units = chosen if user.role == "agency" else []
            user.language = form.language.data if user.role == "translator" else None
            db.session.commit()
            flash(_("Account %(email)s saved.", email=user.email), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@admin_required
def user_disable(user_id: int) -> WerkzeugResponse:
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
    else:
        set_active(user, False)
        db.session.commit()
        flash(_("Account %(email)s disabled: it can no longer sign in.", email=user.email), "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@admin_required
def user_enable(user_id: int) -> WerkzeugResponse:
    user = _user_or_404(user_id)
    set_active(user, True)
    db.session.commit()
    flash(_("Account %(email)s enabled.", email=user.email), "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def user_password(user_id: int) -> str | WerkzeugResponse:
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data)
        except AccountError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            if user.id == current_user.id:  # the administrator's own other sessions end; this one goes on
                staff_session.begin(user)
            flash(_("Password of %(email)s changed.", email=user.email), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_password.html", form=form, user=user)
