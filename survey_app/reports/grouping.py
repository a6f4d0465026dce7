"""Comments that say the same thing, counted once: folding a text to a matching key, and grouping by it.

At a province's scale most comments repeat a handful of complaints ("Phải chờ lâu", "phải chờ lâu!!",
"PHAI CHO LAU"), so a page that lists each one buries the few that say something new. Two comments are put in
one group when their *signatures* are equal:

1. the text is **folded**: Unicode NFD, combining marks (Vietnamese tones and vowel marks) dropped, ``đ`` → ``d``,
   case folded, every run of characters that are not letters or digits made one space, and a letter repeated three
   or more times ("lâuuu") kept once. Folding is also what search compares, so "cho doi" finds "chờ đợi";
2. the **signature** is the set of the folded words, sorted: the same words in another order or with a word
   repeated ("rất rất tốt", "tốt rất") are near-identical.

Both steps are linear in the length of the text, so grouping thousands of comments takes milliseconds (see
``bench/comments_bench.py``), where a pairwise similarity (difflib, edit distance) would grow with the square of
their number and needs a threshold nobody can explain to an agency. Folding drops the distinction between words
that differ only by tone ("mua" buy / "mưa" rain); for grouping whole comments this is rare enough to accept and
the page still shows each group's own text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from ..collation import sort_key

_SEPARATORS = re.compile(r"[^0-9a-z]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def fold(text: str) -> str:
    """``text`` without tones, marks, case and punctuation: "Phải CHỜ đợi lâu!!" → "phai cho doi lau"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _REPEATS.sub(r"\1", _SEPARATORS.sub(" ", bare)).strip()


def signature(text: str) -> str:
    """The key two near-identical comments share: their folded words as a sorted set."""
    return " ".join(sorted(set(fold(text).split())))


def matches(text: str, query: str) -> bool:
    """Whether every folded word of ``query`` occurs in the folded ``text`` (an empty query matches all)."""
    folded = fold(text)
    return all(word in folded for word in fold(query).split())


class Worded(Protocol):
    @property
    def text(self) -> str: ...


T = TypeVar("T", bound=Worded)


@dataclass(frozen=True)
class Group(Generic[T]):
    """Comments with one signature; ``text`` is the spelling most of them use (alphabetically first on a tie)."""

    text: str
    members: tuple[T, ...]

    @property
    def count(self) -> int:
        return len(self.members)


def group(comments: Iterable[T], split: tuple[str, ...] = ()) -> list[Group[T]]:
    """``comments`` in groups of near-identical texts, the largest first, then alphabetically.

    ``split`` names attributes that must also be equal within a group (``("hidden",)``: a hidden comment is never
    grouped with shown ones, so hiding or showing a group is one decision).
    """
    found: dict[tuple[Hashable, ...], list[T]] = {}
    for comment in comments:
        key = (signature(comment.text), *(getattr(comment, name) for name in split))
        found.setdefault(key, []).append(comment)
    groups = [Group(_spelling(members), tuple(members)) for members in found.values()]
    return sorted(groups, key=lambda g: (-g.count, sort_key(g.text)))


def _spelling(members: Sequence[Worded]) -> str:
    counts: dict[str, int] = {}
    for member in members:
        counts[member.text] = counts.get(member.text, 0) + 1
    return min(counts, key=lambda text: (-counts[text], sort_key(text)))
