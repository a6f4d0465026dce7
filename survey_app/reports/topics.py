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

import numpy as np
import pandas as pd
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..models import CommentReview, Response
from ..platform.extensions import db
from .mirror import mirrored
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

    Counted on every view (staff tag comments without changing the campaign's state), so its cost must not grow
    with the campaign: the responses of the units shown come from this worker's mirror of the campaign, and the
    database reads only the tagged comments in the campaign's range of ids (by their primary key), never the
    campaign's responses.
    """
    frame = mirrored(campaign_id).frame
    if frame.empty:
        return Counter()
    ids, units = frame["response_id"].to_numpy(np.int64), frame["unit_id"].to_numpy(np.int64)
    if not frame["response_id"].is_monotonic_increasing:
        order = np.argsort(ids, kind="stable")
        ids, units = ids[order], units[order]
    reported = np.bincount(units) >= MIN_GROUP  # by unit id: respondents enough to show the unit's comments
    # Two lookups by primary key, not a join: a join lets the database walk the campaign's responses instead.
    tagged = db.session.execute(select(CommentReview.response_id, CommentReview.topics).where(
        CommentReview.response_id.between(int(ids[0]), int(ids[-1])))).all()
    wanted = np.fromiter((row[0] for row in tagged), dtype=np.int64, count=len(tagged))
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    ours = (ids[at] == wanted) & reported[units[at]]  # a response of this campaign, in a unit shown
    tagged = [row for row, keep in zip(tagged, ours, strict=True) if keep]
    hidden: set[int] = set()
    for start in range(0, len(tagged), 500):
        chunk = [row[0] for row in tagged[start:start + 500]]
        hidden.update(db.session.scalars(select(Response.id).where(Response.id.in_(chunk),
                                                                   Response.comment_hidden.is_(True))))
    counts: Counter[str] = Counter()
    for response_id, keys in tagged:
        if response_id not in hidden:
            counts.update(keys or ())
    return counts
