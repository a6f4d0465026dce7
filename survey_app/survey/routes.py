"""Routes of the `survey` blueprint: the kiosk (``/k/<token>``) and the QR link (``/s/<token>``).

Each view parses the request, asks :mod:`.forms` (which asks :mod:`questionnaires.answers`) whether the
answers are valid, hands them to :mod:`.submission` and renders. Pages are never cached (``no-store``), so the
next person at a kiosk cannot bring back the previous respondent's page with the Back button.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as HttpResponse

from .. import i18n
from ..extensions import csrf, limiter
from ..models import CampaignUnit
from ..questionnaire_registry import get as get_questionnaire
from . import links
from .blank_pages import blank_page
from .forms import SurveyForm, ValidPost, form_class, new_submission_id, read_valid_post, without_controls
from .submission import Outcome, Submission, province_today, store

bp = Blueprint("survey", __name__)

#: How long the kiosk's "Are you still there?" countdown runs before going back to the start screen
#: (``KIOSK_IDLE_COUNTDOWN_SECONDS`` overrides it).
IDLE_COUNTDOWN_SECONDS = 20
#: Link tokens are ``secrets.token_urlsafe``; anything else (e.g. a NUL byte, which PostgreSQL refuses) is a 404.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def _submit_limit() -> str:
    return str(current_app.config["SUBMIT_RATE_LIMIT"])


def _client_key() -> str:
    """Rate-limit key: a keyed hash of the client address, never the address itself.

    Flask-Limiter keeps the key in its storage and writes it in its log line when a limit is exceeded; the
    hash still tells one client from another (keyed with the secret key, so every worker agrees).
    """
    address = (get_remote_address() or "").encode()
    return hmac.new(str(current_app.secret_key).encode(), address, hashlib.sha256).hexdigest()[:24]


@bp.after_request
def _no_store(response: HttpResponse) -> HttpResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/k/<token>")
def kiosk_start(token: str) -> str:
    """Start screen: a new respondent begins here, in the unit's language until they choose another."""
    link = _open_link(token, "kiosk")
    i18n.forget_language()
    return render_template("survey/start.html", link=link,
                           languages=i18n.kiosk_languages(get_questionnaire(link.questionnaire_id)))


# The form and its submission are separate views so that only the submission passes the rate limiter (its
# bookkeeping was a tenth of the cost of serving a blank form).
@bp.get("/k/<token>/questions")
def kiosk_questions(token: str) -> HttpResponse | str:
    return _blank_form(token, "kiosk")


@bp.post("/k/<token>/questions")
@limiter.limit(_submit_limit, key_func=_client_key)
@csrf.exempt  # the form checks its own token: see forms.py
def kiosk_submit(token: str) -> HttpResponse | tuple[str, int]:
    return _submit(token, "kiosk")


@bp.get("/s/<token>")
def qr_questions(token: str) -> HttpResponse | str:
    return _blank_form(token, "qr")


@bp.post("/s/<token>")
@limiter.limit(_submit_limit, key_func=_client_key)
@csrf.exempt  # the form checks its own token: see forms.py
def qr_submit(token: str) -> HttpResponse | tuple[str, int]:
    return _submit(token, "qr")


@bp.get("/k/<token>/thanks")
def kiosk_thanks(token: str) -> str:
    """Thank the respondent in their language, then forget that language: the next one starts afresh."""
    page = render_template("survey/thanks.html", link=_link(token, "kiosk"), channel="kiosk",
                           thanks_seconds=current_app.config["KIOSK_THANKS_SECONDS"])
    i18n.forget_language()  # after rendering: this page is still in the respondent's language
    return page


@bp.get("/s/<token>/thanks")
def qr_thanks(token: str) -> str:
    return render_template("survey/thanks.html", link=_link(token, "qr"), channel="qr")


def _submit(token: str, channel: str) -> HttpResponse | tuple[str, int]:
    link = _open_link(token, channel)
    questionnaire = get_questionnaire(link.questionnaire_id)
    receipt_code_required = channel == "qr" and link.receipt_codes_required
    valid = read_valid_post(questionnaire, request.form, receipt_code_required)
    if valid is None:  # build the form only when something is wrong: it finds and words the problems
        form = form_class(questionnaire)(receipt_code_required=receipt_code_required)
        if not form.validate():
            if form.needs_resend:
                form.refresh_submission_id()
                return _render_form(link, form, channel, resend=True), 400
            return _render_form(link, form, channel), 422
        valid = ValidPost(form.answers, form.submission_id.data,
                          form.normalised_code if form.receipt_code_required else None)
    outcome = store(Submission(
        link=link, questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
        channel=channel, locale=i18n.current_language(), answers=valid.answers, submission_id=valid.submission_id,
        receipt_code=valid.receipt_code,
    ))
    if outcome in (Outcome.CODE_UNKNOWN, Outcome.CODE_USED):
        form = form_class(questionnaire)(receipt_code_required=receipt_code_required)
        form.validate()  # fills the fields again for the page
        form.receipt_code.errors.append(
            _("This code is not valid here. Check the code printed on your receipt.") if outcome is Outcome.CODE_UNKNOWN
            else _("This code has already been used. Each receipt code can answer once."))
        return _render_form(link, form, channel), 422
    # The thank-you page is the form's address + "/thanks" on both channels (see the routes above).
    return redirect(request.script_root + request.path.removesuffix("/questions") + "/thanks", code=303)


def _blank_form(token: str, channel: str) -> HttpResponse | str:
    """A new respondent's form: the same for everyone but two random values, so drawn once (see blank_pages)."""
    link = _open_link(token, channel)
    questionnaire = get_questionnaire(link.questionnaire_id)
    receipt_code_required = channel == "qr" and link.receipt_codes_required
    code = without_controls(request.args["code"])[:40] if "code" in request.args else ""

    def draw(submission_id: str) -> str:
        form = form_class(questionnaire)(receipt_code_required=receipt_code_required)
        form.submission_id.data = submission_id
        form.receipt_code.data = code
        return _render_form(link, form, channel)

    if code or session.get("_flashes"):  # something of this respondent on the page: draw it for them alone
        return draw(new_submission_id())
    key = (link.token, channel, i18n.current_language(), receipt_code_required, questionnaire.version,
           _one_per_screen(channel))
    return blank_page(key, draw)


def _one_per_screen(channel: str) -> bool:
    """One question per screen (drawn by kiosk.js over the one-page form): always on a kiosk, on request by QR."""
    return channel == "kiosk" or request.args.get("steps") == "1"


def _render_form(link: CampaignUnit, form: SurveyForm, channel: str, resend: bool = False) -> str:
    steps = _one_per_screen(channel)
    action = url_for("survey.kiosk_submit" if channel == "kiosk" else "survey.qr_submit", token=link.token,
                     steps=1 if steps and channel == "qr" else None)
    return render_template("survey/form.html", link=link, form=form, channel=channel, action=action,
                           resend=resend, steps=steps, languages=i18n.kiosk_languages(form.questionnaire),
                           idle_seconds=current_app.config["KIOSK_IDLE_SECONDS"],
                           idle_countdown=current_app.config.get("KIOSK_IDLE_COUNTDOWN_SECONDS",
                                                                 IDLE_COUNTDOWN_SECONDS))


def _link(token: str, channel: str) -> CampaignUnit:
    """The unit-in-campaign of a token, or the friendly 404 page.

    Pages are then in the unit's language unless the respondent chose another; a kiosk ignores its
    browser's Accept-Language, which says nothing about the person in front of it.
    """
    link = links.find(token) if TOKEN.match(token) else None
    if link is None:
        abort(404)
    i18n.use_unit_language(link.unit.default_locale, shared_device=channel == "kiosk")
    return link


def _open_link(token: str, channel: str) -> CampaignUnit:
    """Like :func:`_link`, but a campaign not taking answers today ends the request with a page that says so.

    410 Gone once the campaign has closed (or ended), 403 before it opens; both give the campaign period.
    """
    link = _link(token, channel)
    campaign = link.campaign
    today = province_today()
    if campaign.accepts_on(today):
        return link
    not_yet = today < campaign.starts_on or (campaign.status == "draft" and today <= campaign.ends_on)
    status = 403 if not_yet else 410
    page = render_template("survey/unavailable.html", link=link, campaign=campaign, not_yet=not_yet)
    abort(make_response(page, status))
