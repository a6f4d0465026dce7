"""Routes that work a unit's comments: the paged list with search and topic filter, topic tags, hiding.

Who may do what: the unit's own agency staff and the province administrator read the list and set topics
(:func:`~survey_app.reports.access.unit_or_404` answers 404 for any other unit); only the province administrator
hides a comment, always with a reason, and shows it again. A form acts on a whole group of near-identical
comments (:func:`~survey_app.reports.paging.group_members`), found again on the server from one response id among
the comments this reader may see, so a form can never reach a comment its reader cannot see. Each form sends
back where it came from (``back``, ``page``, ``q``, ``within``: the topic filter) so the reader returns to the
same place; these are plain values, never an address, so they cannot redirect anywhere else.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth.access import admin_required, staff_required
from ..models import Campaign
from . import topics
from .access import campaign_or_404, unit_or_404
from .comments import Comment, set_hidden, set_topics, unit_comments
from .dataset import campaign_data
from .paging import comment_page, group_members
from .routes import bp

#: Longest reason kept for hiding a comment (a sentence, not a report).
REASON_LENGTH = 500


def reader_comments(campaign: Campaign, unit_id: int) -> tuple[dict[Any, Any], list[Comment]]:
    """The unit's row and the comments the current user may see (hidden ones for the administrator only)."""
    data = campaign_data(campaign.id)
    unit = data.unit(unit_id).to_dict()
    comments = unit_comments(campaign.id, unit_id, str(unit["questionnaire_id"]), data.respondents(unit_id),
                             include_hidden=current_user.is_admin)
    return unit, comments


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


@bp.route("/<int:campaign_id>/units/<int:unit_id>/comments")
@staff_required
def comments(campaign_id: int, unit_id: int) -> str:
    """Every comment of the unit the reader may see, grouped, searchable, filtered by topic, a page at a time."""
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    unit, listed = reader_comments(found, unit_id)
    topic = request.args.get("topic", "")
    page = comment_page(listed, request.args.get("q", "")[:200], topic if topic in topics.catalogue() else "",
                        _page_number(request.args.get("page")))
    return render_template("reports/comments.html", campaign=found, unit=unit, page=page, total=len(listed),
                           respondents=campaign_data(found.id).respondents(unit_id), topics=topics.catalogue())


def _back(campaign_id: int, unit_id: int) -> WerkzeugResponse:
    """To the page the form was on: the unit page, or the same page of the comment list."""
    if request.form.get("back") == "list":
        args: dict[str, Any] = {"q": request.form.get("q", ""), "topic": request.form.get("within", ""),
                "page": request.form.get("page", "")}
        return redirect(url_for("reports.comments", campaign_id=campaign_id, unit_id=unit_id,
                                **{k: v for k, v in args.items() if v}, _anchor="comment-list"))
    return redirect(url_for("reports.unit", campaign_id=campaign_id, unit_id=unit_id, _anchor="comments"))


def _group(campaign_id: int, unit_id: int, response_id: int) -> list[int]:
    found = campaign_or_404(campaign_id)
    unit_or_404(found, unit_id)
    members = group_members(reader_comments(found, unit_id)[1], response_id)
    if not members:
        abort(404)
    return members


@bp.route("/<int:campaign_id>/units/<int:unit_id>/comments/<int:response_id>", methods=["POST"])
@admin_required
def moderate(campaign_id: int, unit_id: int, response_id: int) -> WerkzeugResponse:
    """Hide a group of comments from agencies and exports, with a reason, or show it again (the undo)."""
    members = _group(campaign_id, unit_id, response_id)
    hide = request.form.get("hide") == "1"
    reason = " ".join(request.form.get("reason", "").split())
    if hide and not reason:
        flash(_("Enter the reason for hiding this comment; nothing was changed."), "error")
        return _back(campaign_id, unit_id)
    if len(reason) > REASON_LENGTH:
        flash(_("Shorten the reason to %(count)s characters or fewer; nothing was changed.",
                count=REASON_LENGTH), "error")
        return _back(campaign_id, unit_id)
    changed = set_hidden(campaign_id, unit_id, members, hide, current_user, reason)
    if hide:
        flash(ngettext("%(num)s comment is hidden from agencies and exports.",
                       "%(num)s identical comments are hidden from agencies and exports.", changed), "info")
    else:
        flash(ngettext("%(num)s comment is shown again.", "%(num)s identical comments are shown again.", changed),
              "info")
    return _back(campaign_id, unit_id)


@bp.route("/<int:campaign_id>/units/<int:unit_id>/comments/<int:response_id>/topics", methods=["POST"])
@staff_required
def tag(campaign_id: int, unit_id: int, response_id: int) -> WerkzeugResponse:
    """Give a group of comments the topics ticked in the form (none ticked: no topic)."""
    members = _group(campaign_id, unit_id, response_id)
    chosen = topics.chosen(request.form.getlist("topic"))
    changed = set_topics(campaign_id, unit_id, members, chosen)
    flash(ngettext("Topics saved for %(num)s comment.", "Topics saved for %(num)s identical comments.", changed),
          "info")
    return _back(campaign_id, unit_id)
