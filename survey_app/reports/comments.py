"""Free-text comments of a unit, and staff's work on them (hiding with a reason, topic tags).

Comments are the respondents' own words, so these rules apply wherever they appear (page, CSV, XLSX, PDF):

* they are shown only for a unit with at least :data:`~survey_app.reports.tables.MIN_GROUP` respondents (in a
  smaller group a comment's style or content may tell who wrote it);
* a comment the province administrator hid (``responses.comment_hidden``, with a reason in ``comment_reviews``) is
  never shown to an agency nor exported;
* a comment that mentions an informal payment (its folded text contains one of ``COMMENT_PAYMENT_WORDS``) or whose
  respondent answered "yes" to an item of ``INFORMAL_PAYMENT_ITEMS`` is withheld from the unit's own staff when
  ``COMMENT_PAYMENT_WITHHELD_FROM_UNITS`` is set (the default): the person who reported a bribe must not be
  findable by the people who asked for it. The province administrator still reads it;
* each carries its day (the stored ``submitted_on``, never a time) and the respondent's overall rating, and they
  are grouped and ordered by how many say the same, then alphabetically (:mod:`~survey_app.reports.grouping`),
  never in the order they arrived.

Templates escape them like any other text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import or_, select

from questionnaires.model import YES

from ..models import CommentReview, Response, User, province_today
from ..platform.extensions import db
from ..questionnaire_registry import registry
from .grouping import fold
from .tables import MIN_GROUP

#: Folded words and phrases that mark a mention of an informal payment (``COMMENT_PAYMENT_WORDS`` replaces them).
PAYMENT_WORDS = ("phong bi", "boi duong", "lot tay", "dut lot", "tien ngoai", "tien tra them", "chi them",
                 "tien cam on", "tien che nuoc", "hoi lo", "tham nhung", "nhung nhieu", "bribe", "informal payment",
                 "under the table", "extra money")


@dataclass(frozen=True)
class Comment:
    """One response's comment with what staff may see about it (``rating``: the overall answer, 1–5, "na" or
    ``None``); ``hidden_*`` say why, by whom and on which day it was hidden."""

    response_id: int
    text: str
    hidden: bool
    day: dt.date | None = None
    rating: Any = None
    topics: tuple[str, ...] = ()
    payment: bool = False
    hidden_reason: str | None = None
    hidden_by: str | None = None
    hidden_on: dt.date | None = None
    folded: str | None = None  # grouping.fold(text), computed once when loaded


def text_items(questionnaire_id: str) -> list[str]:
    """Ids of the free-text items of a questionnaire (``comment`` in the shipped ones)."""
    form = registry().get(questionnaire_id)
    return [item.id for item in form.items if item.type == "text"] if form else ["comment"]


def overall_item(questionnaire_id: str) -> str:
    form = registry().get(questionnaire_id)
    return form.overall.id if form else "overall"


def withholds_payment() -> bool:
    """Whether payment mentions are kept from the current reader: anyone but a province administrator, when the
    province so sets (outside a request, e.g. a command, nothing is known of the reader: withheld)."""
    if not current_app.config.get("COMMENT_PAYMENT_WITHHELD_FROM_UNITS", True):
        return False
    return not (has_request_context() and current_user.is_authenticated and current_user.is_admin)


@lru_cache(maxsize=4)
def _payment_phrases(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f" {fold(word)} " for word in words)


def mentions_payment(folded: str, answers: dict[str, Any]) -> bool:
    """Whether a comment (``folded``: its :func:`~survey_app.reports.grouping.fold`) tells of an informal payment,
    in its words or in its respondent's yes/no answers."""
    padded = f" {folded} "
    if any(phrase in padded for phrase in
           _payment_phrases(tuple(current_app.config.get("COMMENT_PAYMENT_WORDS", PAYMENT_WORDS)))):
        return True
    return any(answers.get(item) == YES for item in current_app.config.get("INFORMAL_PAYMENT_ITEMS", ()))


def unit_comments(campaign_id: int, unit_id: int, questionnaire_id: str, respondents: int,
                  include_hidden: bool = False, withhold_payment: bool | None = None) -> list[Comment]:
    """The unit's comments the reader may see: none below the small-cell threshold, hidden ones only on request,
    payment mentions only where :func:`withholds_payment` allows (``withhold_payment`` overrides it)."""
    if respondents < MIN_GROUP:
        return []
    withhold = withholds_payment() if withhold_payment is None else withhold_payment
    items, overall = text_items(questionnaire_id), overall_item(questionnaire_id)
    query = (select(Response.id, Response.answers, Response.comment_hidden, Response.submitted_on,
                    CommentReview.topics, CommentReview.hidden_reason, CommentReview.hidden_on, User.name, User.email)
             .outerjoin(CommentReview, CommentReview.response_id == Response.id)
             .outerjoin(User, User.id == CommentReview.hidden_by_id)
             .where(Response.campaign_id == campaign_id, Response.unit_id == unit_id,
                    # only rows with a comment: most have none, and decoding every row's answers was the cost
                    or_(*(Response.answers[item].as_string().is_not(None) for item in items))))
    if not include_hidden:
        query = query.where(Response.comment_hidden.is_(False))
    comments = []
    for row in db.session.execute(query):
        answers = row.answers or {}
        for item in items:
            text = answers.get(item)
            if not (isinstance(text, str) and text.strip()):
                continue
            folded = fold(text)
            payment = mentions_payment(folded, answers)
            if payment and withhold:
                continue
            comments.append(Comment(row.id, text.strip(), bool(row.comment_hidden), row.submitted_on,
                                    answers.get(overall), tuple(row.topics or ()), payment, row.hidden_reason,
                                    (row.name or row.email) if row.comment_hidden else None, row.hidden_on,
                                    folded))
    return comments


def campaign_comments(campaign_id: int) -> list[Comment]:
    """The shown comments of every unit of the campaign with at least ``MIN_GROUP`` respondents, for the
    province's own report (hidden ones left out; payment mentions kept: the province reads them)."""
    rows = db.session.execute(select(Response.id, Response.unit_id, Response.questionnaire_id, Response.answers,
                                     Response.comment_hidden).where(Response.campaign_id == campaign_id)).all()
    sizes: dict[int, int] = {}
    for row in rows:
        sizes[row.unit_id] = sizes.get(row.unit_id, 0) + 1
    items: dict[str, list[str]] = {}
    comments = []
    for row in rows:
        if row.comment_hidden or sizes[row.unit_id] < MIN_GROUP:
            continue
        for item in items.setdefault(row.questionnaire_id, text_items(row.questionnaire_id)):
            text = (row.answers or {}).get(item)
            if isinstance(text, str) and text.strip():
                comments.append(Comment(row.id, text.strip(), False))
    return comments


def _review(response_id: int) -> CommentReview:
    review = db.session.get(CommentReview, response_id)
    if review is None:
        review = CommentReview(response_id=response_id, topics=[])
        db.session.add(review)
    return review


def _responses(campaign_id: int, unit_id: int, response_ids: Iterable[int]) -> list[Response]:
    return list(db.session.scalars(select(Response).where(
        Response.id.in_(list(response_ids)), Response.campaign_id == campaign_id, Response.unit_id == unit_id)))


def set_hidden(campaign_id: int, unit_id: int, response_ids: Iterable[int], hide: bool, by: User | None = None,
               reason: str = "", today: dt.date | None = None) -> int:
    """Hide (with ``reason``, ``by`` and the day) or show again the comments of these responses of the unit;
    the number changed (0 when none is the unit's). Showing again clears the reason: the undo is complete."""
    found = _responses(campaign_id, unit_id, response_ids)
    for response in found:
        response.comment_hidden = hide
        review = _review(response.id)
        review.hidden_reason = reason.strip() if hide else None
        review.hidden_by_id = by.id if hide and by is not None else None
        review.hidden_on = (today or province_today()) if hide else None
    db.session.commit()
    return len(found)


def set_topics(campaign_id: int, unit_id: int, response_ids: Iterable[int], topics: list[str]) -> int:
    """Give these responses' comments exactly ``topics``; the number changed (0 when none is the unit's)."""
    found = _responses(campaign_id, unit_id, response_ids)
    for response in found:
        _review(response.id).topics = list(topics)
    db.session.commit()
    return len(found)
