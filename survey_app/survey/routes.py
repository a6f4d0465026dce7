"""Routes of the `survey` blueprint: a unit's kiosk (``/k/<token>``) and QR link (``/s/<token>``).

Each view finds the unit of its link (:mod:`.links`) and the campaign taking answers for it today, parses the
request, asks :mod:`.forms` (which asks :mod:`questionnaires.answers`) whether the answers are valid, hands them to
:mod:`.submission` and renders. Every refusal (no survey now, a replaced link, a wrong receipt code, answers
arriving too late) is a page in the respondent's language that stores nothing; see :mod:`.notices`. Pages are never
cached (``no-store``), so the next person at a kiosk cannot bring back the previous respondent's page with the
Back button.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as HttpResponse

from .. import i18n
from ..models import CampaignUnit
from ..platform.extensions import client_key, csrf, limiter
from ..questionnaire_registry import get as get_questionnaire
from . import codes, links, notices, stamp
from .blank_pages import blank_page
from .forms import SurveyForm, ValidPost, form_class, new_submission_id, read_valid_post
from .links import UnitLink
from .submission import Outcome, Submission, province_today, store

bp = Blueprint("survey", __name__)

#: How long the kiosk's "Are you still there?" countdown runs before going back to the start screen
#: (``KIOSK_IDLE_COUNTDOWN_SECONDS`` overrides it).
IDLE_COUNTDOWN_SECONDS = 20
#: Link tokens are ``secrets.token_urlsafe``; anything else (e.g. a NUL byte, which PostgreSQL refuses) is a 404.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def _submit_limit() -> str:
    return str(current_app.config["SUBMIT_RATE_LIMIT"])


@bp.after_request
def _no_store(response: HttpResponse) -> HttpResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/k/<token>")
def kiosk_start(token: str) -> str:
    """Start screen: a new respondent begins here, in the unit's language until they choose another."""
    link, place = _kiosk_place(token)
    i18n.forget_language()
    return render_template("survey/start.html", unit=link.unit, token=link.token,
                           languages=i18n.kiosk_languages(get_questionnaire(place.questionnaire_id)))


# The form and its submission are separate views so that only the submission passes the rate limiter (its
# bookkeeping was a tenth of the cost of serving a blank form).
@bp.get("/k/<token>/questions")
def kiosk_questions(token: str) -> HttpResponse | str:
    link, place = _kiosk_place(token)
    return _blank_form(link, place)


@bp.post("/k/<token>/questions")
@limiter.limit(_submit_limit, key_func=client_key)
@csrf.exempt  # the form checks its own token: see forms.py
def kiosk_submit(token: str) -> HttpResponse | tuple[str, int]:
    return _submit(token, "kiosk")


@bp.get("/s/<token>")
def qr_questions(token: str) -> HttpResponse | str | tuple[str, int]:
    """The questions; for a unit that needs receipt codes, first the code (a slip's QR link carries it)."""
    link = _link(token, "qr")
    place = _current(link)
    code = codes.read_code(request.args.get("code")) if "code" in request.args else None
    if not place.receipt_codes_required:
        if code is not None:
            return notices.render("no_code_needed", link, 200)
        return _blank_form(link, place)
    if code is None:
        return render_template("survey/code.html", unit=link.unit, token=link.token, code="", error=None)
    verdict = codes.check(place, code)
    if verdict is not codes.CodeCheck.VALID:
        return render_template("survey/code.html", unit=link.unit, token=link.token, code=code,
                               error=notices.code_message(verdict)), 422
    return _blank_form(link, place, code)


@bp.post("/s/<token>")
@limiter.limit(_submit_limit, key_func=client_key)
@csrf.exempt  # the form checks its own token: see forms.py
def qr_submit(token: str) -> HttpResponse | tuple[str, int]:
    return _submit(token, "qr")


@bp.get("/k/<token>/thanks")
def kiosk_thanks(token: str) -> str:
    """Thank the respondent in their language, then forget that language: the next one starts afresh."""
    link = _link(token, "kiosk", replaced_ok=True)
    page = render_template("survey/thanks.html", unit=link.unit, token=link.token, channel="kiosk",
                           thanks_seconds=current_app.config["KIOSK_THANKS_SECONDS"])
    i18n.forget_language()  # after rendering: this page is still in the respondent's language
    return page


@bp.get("/s/<token>/thanks")
def qr_thanks(token: str) -> str:
    link = _link(token, "qr", replaced_ok=True)
    return render_template("survey/thanks.html", unit=link.unit, token=link.token, channel="qr")


def _submit(token: str, channel: str) -> HttpResponse | tuple[str, int]:
    link = _link(token, channel)
    place = _stamped_place(link)
    if channel == "kiosk":
        _refuse_kiosk_without_code(link, place)
    questionnaire = get_questionnaire(place.questionnaire_id)
    receipt_code_required = channel == "qr" and place.receipt_codes_required
    valid = read_valid_post(questionnaire, request.form, receipt_code_required)
    if valid is None:  # build the form only when something is wrong: it finds and words the problems
        form = form_class(questionnaire)(receipt_code_required=receipt_code_required)
        if not form.validate():
            if form.needs_resend:
                form.refresh_submission_id()
                return _render_form(link, place, form, resend=True), 400
            return _render_form(link, place, form), 422
        valid = ValidPost(form.answers, form.submission_id.data,
                          form.normalised_code if form.receipt_code_required else None)
    outcome = store(Submission(
        link=place, questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
        channel=channel, locale=i18n.current_language(), answers=valid.answers, submission_id=valid.submission_id,
        receipt_code=valid.receipt_code,
    ))
    if outcome in (Outcome.CODE_UNKNOWN, Outcome.CODE_USED):
        form = form_class(questionnaire)(receipt_code_required=receipt_code_required)
        form.validate()  # fills the fields again for the page
        verdict = codes.check(place, valid.receipt_code or "")
        if verdict is codes.CodeCheck.VALID:  # consumed between the two queries: it is used now
            verdict = codes.CodeCheck.USED
        form.receipt_code.errors.append(notices.code_message(verdict))
        return _render_form(link, place, form), 422
    # The thank-you page is the form's address + "/thanks" on both channels (see the routes above).
    return redirect(request.script_root + request.path.removesuffix("/questions") + "/thanks", code=303)


def _blank_form(link: UnitLink, place: CampaignUnit, code: str = "") -> HttpResponse | str:
    """A new respondent's form: the same for everyone but two random values, so drawn once (see blank_pages)."""
    questionnaire = get_questionnaire(place.questionnaire_id)
    receipt_code_required = link.channel == "qr" and place.receipt_codes_required

    def draw(submission_id: str) -> str:
        form = form_class(questionnaire)(receipt_code_required=receipt_code_required)
        form.submission_id.data = submission_id
        form.receipt_code.data = code
        return _render_form(link, place, form)

    if code or session.get("_flashes"):  # something of this respondent on the page: draw it for them alone
        return draw(new_submission_id())
    key = (link.token, link.channel, place.campaign_id, province_today(), i18n.current_language(),
           receipt_code_required, questionnaire.version, _one_per_screen(link.channel))
    return blank_page(key, draw)


def _one_per_screen(channel: str) -> bool:
    """One question per screen (drawn by kiosk.js over the one-page form): always on a kiosk, on request by QR."""
    return channel == "kiosk" or request.args.get("steps") == "1"


def _render_form(link: UnitLink, place: CampaignUnit, form: SurveyForm, resend: bool = False) -> str:
    channel = link.channel
    steps = _one_per_screen(channel)
    action = url_for("survey.kiosk_submit" if channel == "kiosk" else "survey.qr_submit", token=link.token,
                     steps=1 if steps and channel == "qr" else None)
    return render_template("survey/form.html", unit=link.unit, token=link.token, form=form, channel=channel,
                           action=action, resend=resend, steps=steps,
                           languages=i18n.kiosk_languages(form.questionnaire),
                           stamp=stamp.sign(place.campaign_id, place.unit_id, province_today()),
                           idle_seconds=current_app.config["KIOSK_IDLE_SECONDS"],
                           idle_countdown=current_app.config.get("KIOSK_IDLE_COUNTDOWN_SECONDS",
                                                                 IDLE_COUNTDOWN_SECONDS))


def _link(token: str, channel: str, replaced_ok: bool = False) -> UnitLink:
    """The unit's link of a token, or the friendly 404 page; a replaced link ends with a page that says so.

    Pages are then in the unit's language unless the respondent chose another; a kiosk ignores its
    browser's Accept-Language, which says nothing about the person in front of it.
    """
    link = links.find(token, channel) if TOKEN.match(token) else None
    if link is None:
        abort(404)
    i18n.use_unit_language(link.unit.default_locale, shared_device=channel == "kiosk")
    if link.replaced and not replaced_ok:
        notices.stop("replaced", link, 410)
    return link


def _current(link: UnitLink) -> CampaignUnit:
    """The unit's place in the campaign taking answers today, or a page saying when the next one starts."""
    place = link.current(province_today())
    if place is None:
        notices.stop("no_survey", link, 403)
    assert place is not None
    return place


def _kiosk_place(token: str) -> tuple[UnitLink, CampaignUnit]:
    link = _link(token, "kiosk")
    place = _current(link)
    _refuse_kiosk_without_code(link, place)
    return link, place


def _refuse_kiosk_without_code(link: UnitLink, place: CampaignUnit) -> None:
    """A kiosk asks no receipt code, so at a unit that requires them it takes no answer unless the province chose
    so for that unit (``kiosk_without_codes``, e.g. a kiosk staff watch over)."""
    if place.receipt_codes_required and not place.kiosk_without_codes:
        notices.stop("kiosk_needs_code", link, 403)


def _stamped_place(link: UnitLink) -> CampaignUnit:
    """The campaign a posted form belongs to: the one its signed stamp names, if the stamp is this unit's.

    Answers filled in while that campaign took answers count for it, even after it closed, within its grace
    period (``late_days``); later ones are refused. A form without a valid stamp (an older page) counts for the
    campaign taking answers today.
    """
    today = province_today()
    sent = stamp.read(request.form.get(stamp.FIELD))
    place = link.participation(sent.campaign_id) if sent is not None and sent.unit_id == link.unit.id else None
    if place is None or sent is None:
        return _current(link)
    campaign = place.campaign
    if campaign.accepts_on(today) or campaign.accepts_late_on(today, sent.filled_on):
        return place
    notices.stop("too_late", link, 410, campaign=campaign)
    raise AssertionError("unreachable")
