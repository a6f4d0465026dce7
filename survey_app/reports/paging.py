"""One page of a unit's grouped comments: search, topic filter and a fixed page size.

A unit page used to list every comment with its own form (1 818 at the demo's scale, 746–961 KB of HTML). Here a
page holds at most :data:`PAGE_SIZE` groups of near-identical comments (:mod:`~survey_app.reports.grouping`), so
its size no longer grows with the number of comments. Search folds tones and case on both sides ("cho doi" finds
"chờ đợi"); the links to other pages are plain GET links carrying the search and the topic, so everything works
without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from questionnaires.model import LIKERT_LABELS, NOT_APPLICABLE, NOT_APPLICABLE_LABEL

from .comments import Comment
from .grouping import Group, group, matches

PAGE_SIZE = 50
_RATINGS = dict(LIKERT_LABELS)


def rating_label(value: object) -> str | None:
    """The overall answer's label in the reader's language ("Hài lòng"), ``None`` when unanswered."""
    if value == NOT_APPLICABLE:
        return _(NOT_APPLICABLE_LABEL)
    label = _RATINGS.get(value) if isinstance(value, int) and not isinstance(value, bool) else None
    return _(label) if label else None


@dataclass(frozen=True)
class CommentGroup:
    """A group as a page shows it: the text, how many, their days and ratings, topics and hidden state."""

    group: Group[Comment]

    @property
    def text(self) -> str:
        return self.group.text

    @property
    def count(self) -> int:
        return self.group.count

    @property
    def key(self) -> int:
        """The response the group's forms name; the server finds the rest of the group from it."""
        return min(c.response_id for c in self.group.members)

    @property
    def first(self) -> Comment:
        return min(self.group.members, key=lambda c: c.response_id)

    @property
    def hidden(self) -> bool:
        return self.first.hidden

    @property
    def days(self) -> tuple[dt.date, dt.date] | None:
        known = [c.day for c in self.group.members if c.day is not None]
        return (min(known), max(known)) if known else None

    @property
    def ratings(self) -> list[tuple[str, int]]:
        """Each overall answer given in the group with how many gave it, best first ("Rất hài lòng", 3)."""
        counts = Counter(c.rating for c in self.group.members if rating_label(c.rating))
        order = [value for value, _text in reversed(LIKERT_LABELS)] + [NOT_APPLICABLE]
        return [(str(rating_label(value)), counts[value]) for value in order if counts[value]]

    @property
    def topics(self) -> set[str]:
        return {topic for c in self.group.members for topic in c.topics}


@dataclass(frozen=True)
class CommentPage:
    groups: list[CommentGroup]
    page: int
    pages: int
    matching: int
    query: str
    topic: str

    @property
    def numbers(self) -> list[int]:
        """Page numbers to link: the first, the last and two either side of this one."""
        near = range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)
        return sorted({1, self.pages, *near})


def comment_page(comments: Sequence[Comment], query: str = "", topic: str = "", page: int = 1,
                 size: int = PAGE_SIZE) -> CommentPage:
    """Page ``page`` (clamped to the pages there are) of the groups matching ``query`` and ``topic``."""
    query, topic = query.strip(), topic.strip()
    found = [c for c in comments
             if (not topic or topic in c.topics) and (not query or matches(c.text, query, c.folded))]
    groups = group(found, split=("hidden",))
    pages = max(1, math.ceil(len(groups) / size))
    page = min(max(1, page), pages)
    shown = [CommentGroup(g) for g in groups[(page - 1) * size: page * size]]
    return CommentPage(shown, page, pages, len(found), query, topic)


def group_members(comments: Sequence[Comment], response_id: int) -> list[int]:
    """The responses grouped with ``response_id`` among ``comments`` (empty when it is not one of them)."""
    for found in group(comments, split=("hidden",)):
        ids = [c.response_id for c in found.members]
        if response_id in ids:
            return ids
    return []


def topic_counts(comments: Sequence[Comment]) -> Counter[str]:
    """Shown (not hidden) comments per topic."""
    return Counter(topic for c in comments if not c.hidden for topic in c.topics)
