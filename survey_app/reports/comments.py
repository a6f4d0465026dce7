"""Free-text comments of a unit, and the province administrator's moderation flag.

Comments are the respondents' own words, so three rules apply wherever they appear (page, CSV, XLSX, PDF):
they are shown only for a unit with at least :data:`~survey_app.reports.tables.MIN_GROUP` respondents (in a
smaller group a comment's style or content may tell who wrote it); a comment the province administrator hid
(``responses.comment_hidden``) is never shown to an agency nor exported; and they are listed in alphabetical
order, not in the order they arrived, so that an agency cannot match a comment to the time of a visit.
Templates escape them like any other text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..collation import sort_key
from ..models import Response
from ..platform.extensions import db
from ..questionnaire_registry import registry
from .tables import MIN_GROUP


@dataclass(frozen=True)
class Comment:
    response_id: int
    text: str
    hidden: bool


def text_items(questionnaire_id: str) -> list[str]:
    """Ids of the free-text items of a questionnaire (``comment`` in the shipped ones)."""
    form = registry().get(questionnaire_id)
    return [item.id for item in form.items if item.type == "text"] if form else ["comment"]


def unit_comments(campaign_id: int, unit_id: int, questionnaire_id: str, respondents: int,
                  include_hidden: bool = False) -> list[Comment]:
    """The unit's comments readers may see: none below the small-cell threshold, hidden ones only on request."""
    if respondents < MIN_GROUP:
        return []
    items = text_items(questionnaire_id)
    query = select(Response.id, Response.answers, Response.comment_hidden).where(
        Response.campaign_id == campaign_id, Response.unit_id == unit_id)
    if not include_hidden:
        query = query.where(Response.comment_hidden.is_(False))
    comments = []
    for response_id, answers, is_hidden in db.session.execute(query):
        for item in items:
            text = (answers or {}).get(item)
            if isinstance(text, str) and text.strip():
                comments.append(Comment(response_id, text.strip(), bool(is_hidden)))
    return sorted(comments, key=lambda c: (sort_key(c.text), c.response_id))


def set_hidden(campaign_id: int, unit_id: int, response_id: int, hide: bool) -> bool:
    """Hide or show again the comment of one response; ``False`` when no such response in this unit."""
    response = db.session.get(Response, response_id)
    if response is None or response.campaign_id != campaign_id or response.unit_id != unit_id:
        return False
    response.comment_hidden = hide
    db.session.commit()
    return True
