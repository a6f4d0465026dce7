"""Routes of the `auth` blueprint: staff sign-in and sign-out, and the staff home page at ``/``.

Sign-in is throttled twice: per client address (``LOGIN_RATE_LIMIT``) against one machine guessing many
passwords, and per account (``LOGIN_ACCOUNT_RATE_LIMIT``) against many machines guessing one account's password.
The limiter keys live in the limiter's storage only; the account key is a hash, so no email or address is kept.
"""

from __future__ import annotations

import hashlib
from functools import cache

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as WerkzeugResponse

from ..collation import sorted_by
from ..extensions import db, limiter, login_manager
from ..i18n import SESSION_KEY as LOCALE_KEY
from ..models import Campaign, CampaignUnit, Response, User
from .access import staff_required
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized() -> WerkzeugResponse:
    """Anonymous visitors of a staff page go to the sign-in page, and come back after signing in."""
    flash(_("Sign in to open this page."), "error")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.app_template_global()
def has_endpoint(endpoint: str) -> bool:
    """Whether a route exists, so shared templates can link to blueprints that may not be installed."""
    return endpoint in current_app.view_functions


def _account_key() -> str:
    email = request.form.get("email", "").strip().lower()
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so that both cases take the same time."""
    return generate_password_hash("not a password", method="scrypt")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an open redirect would make a convincing phishing link."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], key_func=_account_key,
               methods=["POST"])
def login() -> str | WerkzeugResponse:
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            check_password_hash(_dummy_hash(), form.password.data)
        elif user.check_password(form.password.data) and user.active:
            locale = session.get(LOCALE_KEY)
            session.clear()  # a fresh session (and CSRF token) for the signed-in user
            if locale:
                session[LOCALE_KEY] = locale
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
        form.form_errors.append(_("Email or password is not correct. Check both and try again."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> WerkzeugResponse:
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.home"))


@bp.route("/")
def home() -> str:
    """A public landing page for visitors; the dashboard of campaigns or of the user's units for staff."""
    if not current_user.is_authenticated:
        return render_template("auth/landing.html")
    return dashboard()


@staff_required
def dashboard() -> str:
    if current_user.is_admin:
        campaigns = db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc())).all()
        counts = dict(db.session.execute(
            select(Response.campaign_id, func.count()).group_by(Response.campaign_id)).all())
        return render_template("auth/dashboard_admin.html", campaigns=campaigns, counts=counts)
    unit_ids = [unit.id for unit in current_user.units]
    links = db.session.scalars(
        select(CampaignUnit).join(Campaign).where(CampaignUnit.unit_id.in_(unit_ids))
        .order_by(Campaign.starts_on.desc())).all()
    return render_template("auth/dashboard_agency.html", units=sorted_by(current_user.units, lambda u: u.name),
                           links=links)
