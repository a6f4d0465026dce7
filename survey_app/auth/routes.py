"""Routes of the `auth` blueprint: staff sign-in and sign-out, and the staff home page at ``/``.

Sign-in is throttled three ways, so that guessing is slow but nobody can lock a colleague out:

* per client address (``LOGIN_RATE_LIMIT``, every attempt): one machine trying many accounts;
* per account *and* address (``LOGIN_ACCOUNT_RATE_LIMIT``, failed attempts only): one machine guessing one
  account's password. An attacker's failures lock only the attacker's address out of that account: the
  account's owner, from their own address, still signs in with the right password;
* per account from any address (``LOGIN_ACCOUNT_BACKSTOP_LIMIT``, failed attempts only): a slow backstop against
  guessing spread over many addresses, set above what a single address can reach under the limit before.

Accounts and addresses reach the limiter's storage (process memory, or Redis) only as keyed hashes
(:func:`survey_app.platform.extensions.client_key`), so neither an email nor an address is kept there.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response as WerkzeugResponse

from ..collation import sorted_by
from ..i18n import SESSION_KEY as LOCALE_KEY
from ..models import Campaign, CampaignUnit, Response, User
from ..platform.extensions import client_key, db, keyed_hash, limiter, login_manager
from . import staff_session
from .access import staff_required
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return staff_session.load(user_id)


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
    return "login-account:" + keyed_hash(request.form.get("email", "").strip().lower())


def _account_address_key() -> str:
    return _account_key() + ":" + client_key()


def _failed(response: WerkzeugResponse) -> bool:
    """Whether a sign-in attempt failed: only a successful one answers with a redirect."""
    return response.status_code != 302


@cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so that both cases take the same time."""
    return generate_password_hash("not a password", method="scrypt")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an open redirect would make a convincing phishing link.

    The target is first normalised as Werkzeug will write it into the ``Location`` header (``iri_to_uri`` drops
    tabs and newlines, as browsers do, and quotes the rest), so what is checked is what the browser follows:
    ``next=/%09/evil.example`` (a tab) would otherwise pass as a path and leave as ``//evil.example``.
    """
    if not target or "\\" in target:  # browsers read a backslash as a slash: "/\\evil.example"
        return None
    location = iri_to_uri(target)
    parts = urlsplit(location)
    if parts.scheme or parts.netloc or not location.startswith("/") or location.startswith("//"):
        return None
    return location


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], key_func=_account_address_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_BACKSTOP_LIMIT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed)
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
            staff_session.begin(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
        form.form_errors.append(_("Email or password is not correct. Check both and try again."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> WerkzeugResponse:
    if current_user.is_authenticated:  # ends this session and every other one of the account
        staff_session.end_all(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.home"))


@bp.route("/")
def home() -> str | WerkzeugResponse:
    """A public landing page for visitors; the dashboard of campaigns or of the user's units for staff."""
    if not current_user.is_authenticated:
        return render_template("auth/landing.html")
    return dashboard()


@staff_required
def dashboard() -> str | WerkzeugResponse:
    if current_user.role == "translator":  # records prompts; sees no campaign, unit or answer
        return redirect(url_for("admin.recordings"))
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
