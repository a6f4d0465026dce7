"""The pages a respondent sees instead of the questions, each saying what happened and what to do, in the
respondent's language, and each storing nothing: no survey at the moment (with the next one's first day, if one is
planned), a replaced link, a kiosk at a unit that asks for receipt codes, answers that arrived after the survey
closed, a receipt code on a unit that needs none; and the messages for a receipt code that cannot be used.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort, current_app, make_response, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ..models import Campaign
from .codes import CodeCheck
from .links import UnitLink
from .submission import province_today


def _texts(kind: str, link: UnitLink, campaign: Campaign | None) -> tuple[str, list[str]]:
    """Heading and paragraphs of a notice."""
    unit = link.unit.name
    nothing = _("Nothing was recorded.")
    if kind == "no_survey":
        starts = link.next_start(province_today())
        if starts is not None:
            return _("There is no survey at the moment"), [
                _("The next survey at %(unit)s starts on %(date)s. Please come back then.", unit=unit,
                  date=format_date(starts, "long")), nothing]
        return _("There is no survey at the moment"), [
            _("No survey is planned at %(unit)s for now. Thank you for your interest.", unit=unit), nothing]
    if kind == "replaced":
        paragraphs = [_("%(unit)s has a new survey address. Scan the code on the poster in the office, or ask "
                        "the staff.", unit=unit), nothing]
        if link.channel == "kiosk":
            paragraphs.append(_("Staff: set this kiosk to the unit's new kiosk link, shown on the campaign page."))
        return _("This link has been replaced"), paragraphs
    if kind == "kiosk_needs_code":
        return _("Please answer with your receipt slip"), [
            _("At %(unit)s the survey is answered with the code printed on your receipt. Scan the QR code on your "
              "slip with your phone camera.", unit=unit), nothing]
    if kind == "too_late":
        assert campaign is not None
        return _("These answers arrived too late"), [
            _("The survey they were given for ended on %(date)s, and answers sent after that are not counted.",
              date=format_date(campaign.last_day, "long")), nothing]
    if kind == "no_code_needed":
        return _("No code is needed here"), [
            _("The survey at %(unit)s needs no receipt code: you can answer it without one.", unit=unit)]
    raise ValueError(f"unknown notice {kind!r}")


def render(kind: str, link: UnitLink, status: int, campaign: Campaign | None = None) -> tuple[str, int]:
    heading, paragraphs = _texts(kind, link, campaign)
    action = refresh = None
    if kind == "no_code_needed":
        action = (url_for("survey.qr_questions", token=link.token), _("Start the survey"))
    if kind == "no_survey" and link.channel == "kiosk":  # no one to press reload: look again now and then
        refresh = (current_app.config["KIOSK_NOTICE_REFRESH_SECONDS"],
                   url_for("survey.kiosk_start", token=link.token))
    page = render_template("survey/notice.html", heading=heading, paragraphs=paragraphs, unit=link.unit,
                           channel=link.channel, action=action, refresh=refresh)
    return page, status


def stop(kind: str, link: UnitLink, status: int, **extra: Any) -> NoReturn:
    """End the request with the notice."""
    abort(make_response(*render(kind, link, status, **extra)))


def code_message(verdict: CodeCheck) -> str:
    """What to tell someone whose receipt code cannot be used."""
    if verdict is CodeCheck.MISSING:
        return _("Enter the code printed on your receipt")
    if verdict is CodeCheck.USED:
        return _("This code has already been used. Each receipt code can answer once.")
    if verdict is CodeCheck.OTHER_UNIT:
        return _("This code belongs to another office's survey. Scan the QR code on your slip, or use the poster "
                 "of the office that served you.")
    if verdict is CodeCheck.OTHER_CAMPAIGN:
        return _("This code was for an earlier survey, which has ended. Ask for a new slip if you were served "
                 "today.")
    return _("This code is not valid here. Check the code printed on your receipt.")
