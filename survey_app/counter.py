"""One-tap counter mode: a device at a service counter asks one question, answered with one tap on a face.

``/c/<token>`` (the unit's kiosk token: the device stands in the office, like a kiosk) shows "How satisfied are
you with the service today?" and five faces with their words, each a submit button: one tap is one POST, which
stores the score at once, with or without JavaScript. After a low score (1 or 2) one follow-up screen offers a
few reasons, one tap again, added to the same answer; any screen goes back to the start after
``COUNTER_RETURN_SECONDS`` (3 s) on the thank-you page.

It is not the full questionnaire, so its answers go to their own table (models.CounterAnswer) and their own
report (:func:`report`): a tap at the counter and a considered answer to twenty questions are not the same
measurement. The rules of the survey pages hold: a submission id per rendered page stored once (a double tap
stores one answer), the CSRF token checked by the view, the same rate limit and rate-limit key, no time of day
and no address stored, and agency users see their own units only, never a group under 5 answers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as HttpResponse
from wtforms.validators import ValidationError

from . import i18n
from .auth.access import visible_unit_ids
from .models import Campaign, CounterAnswer, Unit
from .platform import csrf_token
from .platform.extensions import client_key, csrf, db, limiter
from .survey.forms import SUBMISSION_ID, new_submission_id
from .survey.routes import _kiosk_place, _submit_limit
from .survey.submission import province_today

bp = Blueprint("counter", __name__)

QUESTION = _l("How satisfied are you with the service today?")
#: The five points, as on the questionnaire's scale (same words, same faces).
SCORES = ((1, _l("Very dissatisfied")), (2, _l("Dissatisfied")), (3, _l("Neither satisfied nor dissatisfied")),
          (4, _l("Satisfied")), (5, _l("Very satisfied")))
LOW = (1, 2)
REASON_QUESTION = _l("What went wrong?")
REASONS = (("waiting", _l("Waiting time")), ("staff", _l("Staff attitude")),
           ("papers", _l("Papers and procedures")), ("fees", _l("Fees and charges")), ("other", _l("Something else")))
MIN_GROUP = 5


@bp.after_request
def _no_store(response: HttpResponse) -> HttpResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


def _valid_post() -> str | None:
    """The submission id of a POST whose CSRF token and id are valid, else ``None``."""
    sid = request.form.get("submission_id", "")
    if not SUBMISSION_ID.match(sid):
        return None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf_token.validate(request.form.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
        except ValidationError:
            return None
    return sid


@bp.get("/c/<token>")
def start(token: str, stale: bool = False) -> str:
    link, _place = _kiosk_place(token)
    i18n.forget_language()
    return render_template("survey/counter.html", link=link, step="start", question=QUESTION, scores=SCORES,
                           submission_id=new_submission_id(), stale=stale)


@bp.post("/c/<token>")
@limiter.limit(_submit_limit, key_func=client_key)
@csrf.exempt  # checked by _valid_post, so that a stale page asks for one more tap instead of failing
def tap(token: str) -> HttpResponse | tuple[str, int]:
    link, place = _kiosk_place(token)
    sid = _valid_post()
    score = request.form.get("score", "")
    if sid is None or score not in {str(value) for value, _ in SCORES}:
        return start(token, stale=True), 400
    answer = CounterAnswer(campaign_id=place.campaign_id, unit_id=place.unit_id, locale=i18n.current_language(),
                           submitted_on=province_today(), score=int(score), submission_id=sid)
    db.session.add(answer)
    try:
        db.session.commit()
    except IntegrityError:  # the same page sent twice (a double tap): stored once already
        db.session.rollback()
    if int(score) in LOW:
        return redirect(url_for("counter.why", token=token, sid=sid), code=303)
    return redirect(url_for("counter.thanks", token=token), code=303)


@bp.get("/c/<token>/why")
def why(token: str) -> str:
    link, _place = _kiosk_place(token)
    sid = request.args.get("sid", "")
    if not SUBMISSION_ID.match(sid):
        abort(404)
    return render_template("survey/counter.html", link=link, step="why", question=REASON_QUESTION,
                           reasons=REASONS, submission_id=sid)


@bp.post("/c/<token>/why")
@limiter.limit(_submit_limit, key_func=client_key)
@csrf.exempt  # checked by _valid_post
def reason(token: str) -> HttpResponse:
    """Add the reason to the low score of the same page; once only, and only to a low score of this unit."""
    link, _place = _kiosk_place(token)
    sid = _valid_post()
    chosen = request.form.get("reason", "")
    if sid is not None and chosen in dict(REASONS):
        db.session.execute(update(CounterAnswer).where(
            CounterAnswer.submission_id == sid, CounterAnswer.unit_id == link.unit.id,
            CounterAnswer.score.in_(LOW), CounterAnswer.reason.is_(None)).values(reason=chosen))
        db.session.commit()
    return redirect(url_for("counter.thanks", token=token), code=303)


@bp.get("/c/<token>/thanks")
def thanks(token: str) -> str:
    link, _place = _kiosk_place(token)
    page = render_template("survey/counter.html", link=link, step="thanks",
                           seconds=current_app.config.get("COUNTER_RETURN_SECONDS", 3))
    i18n.forget_language()
    return page


@bp.get("/reports/counter/<int:campaign_id>")
@login_required
def report(campaign_id: int) -> str:
    """Per unit: answers, share satisfied (4 or 5), each score's count and the reasons given for low scores."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or current_user.role == "translator":
        abort(404)
    query = (select(CounterAnswer.unit_id, CounterAnswer.score, CounterAnswer.reason, func.count())
             .where(CounterAnswer.campaign_id == campaign_id)
             .group_by(CounterAnswer.unit_id, CounterAnswer.score, CounterAnswer.reason))
    visible = visible_unit_ids()
    if visible is not None:
        query = query.where(CounterAnswer.unit_id.in_(visible))
    rows: dict[int, dict[str, Any]] = {}
    for unit_id, score, why_, count in db.session.execute(query):
        row = rows.setdefault(unit_id, {"n": 0, "scores": dict.fromkeys(range(1, 6), 0), "reasons": {}})
        row["n"] += count
        row["scores"][score] += count
        if why_:
            row["reasons"][why_] = row["reasons"].get(why_, 0) + count
    units = {unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(rows)))}
    table = [{"unit": units[unit_id], **row,
              "satisfied": (row["scores"][4] + row["scores"][5]) / row["n"] if row["n"] >= MIN_GROUP else None}
             for unit_id, row in sorted(rows.items(), key=lambda item: units[item[0]].name)]
    return render_template("reports/counter.html", campaign=campaign, table=table, min_group=MIN_GROUP,
                           reasons=dict(REASONS), scores=SCORES)


def init_app(app: Any) -> None:
    app.register_blueprint(bp)
