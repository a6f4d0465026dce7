"""Topic tags staff give comments, and how many comments each topic has.

A province chooses its list in ``COMMENT_TOPICS`` (``instance/config.py``): either keys of the built-in topics
below, whose labels are translated, or a mapping ``{"key": "Label"}`` for topics of its own (shown as written).
A tag whose key is later removed from the list stays stored but is no longer shown or counted.

Counts are of comments, not respondents, and only of comments a reader may see: hidden ones never count, and
units with fewer than :data:`~survey_app.reports.tables.MIN_GROUP` respondents show no comment, so none of theirs
count either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..models import CommentReview, Response
from ..platform.extensions import db
from .dataset import campaign_data
from .table import Column, Table
from .tables import MIN_GROUP

BUILT_IN = {
    "waiting_time": _l("Waiting time"),
    "attitude": _l("Staff attitude"),
    "fees": _l("Fees and payments"),
    "facilities": _l("Facilities"),
    "procedures": _l("Procedures and paperwork"),
    "information": _l("Information and guidance"),
    "praise": _l("Praise"),
}
DEFAULT_TOPICS = ("waiting_time", "attitude", "fees", "facilities", "procedures")
COLUMNS = (Column("topic", _l("Topic")), Column("comments", _l("Comments"), "count"))


def catalogue() -> dict[str, Any]:
    """The province's topics in its order: key → label, translated when shown (a lazy string for the built-in
    ones, so a table built for an English page still reads Vietnamese in the Vietnamese report)."""
    configured = current_app.config.get("COMMENT_TOPICS", DEFAULT_TOPICS)
    if isinstance(configured, Mapping):
        return {str(key): str(label) for key, label in configured.items()}
    return {str(key): BUILT_IN.get(key, str(key).replace("_", " ").capitalize()) for key in configured}


def chosen(keys: Iterable[str]) -> list[str]:
    """The known topic keys among ``keys`` (a form's checkboxes), in the catalogue's order."""
    wanted = set(keys)
    return [key for key in catalogue() if key in wanted]


def table(counts: Mapping[str, int]) -> Table:
    """Comments per topic, every configured topic listed (0 included), in the catalogue's order."""
    labels = catalogue()
    frame = pd.DataFrame({"topic": pd.Series(list(labels.values()), dtype="object"),
                          "comments": pd.Series([counts.get(key, 0) for key in labels], dtype="int64")})
    return Table("topics", _l("Comments by topic"), COLUMNS, frame,
                 caption=_l("Topics are given by staff; a comment may have several, or none yet."))


def campaign_counts(campaign_id: int) -> Counter[str]:
    """Shown comments per topic over the campaign's units of at least ``MIN_GROUP`` respondents.

    The units come from the campaign's cached data (counting them in SQL grouped every response of the
    campaign on each view of the province report); only the tagged comments are read.
    """
    reported = sorted(u for u, n in campaign_data(campaign_id).unit_respondents.items() if n >= MIN_GROUP)
    counts: Counter[str] = Counter()
    if not reported:
        return counts
    # Driven by the reviews (few) with a lookup of each one's response: as a join, SQLite without statistics
    # scanned every response of the campaign first.
    shown = (select(Response.id).where(Response.id == CommentReview.response_id, Response.campaign_id == campaign_id,
                                       Response.comment_hidden.is_(False), Response.unit_id.in_(reported)))
    query = select(CommentReview.topics).where(shown.exists())
    for (keys,) in db.session.execute(query):
        counts.update(keys or ())
    return counts
