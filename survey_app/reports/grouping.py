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

_SEPARATORS = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def _bare_letters() -> dict[int, str]:
    """A translation table from every precomposed Latin letter with marks (Latin-1 to Latin Extended Additional,
    where all Vietnamese letters are) to its base letter, computed once from the Unicode decompositions."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base != chr(code) and base:
            table[code] = base
    return table


_BARE = _bare_letters()


def fold(text: str) -> str:
    """``text`` without tones, marks, case and punctuation: "Phải CHỜ đợi lâu!!" → "phai cho doi lau".

    Precomposed letters go through one translation table (C speed); text typed with combining marks (NFD) is
    composed first so it folds the same. Letters of other scripts are kept, so they still group and match."""
    bare = unicodedata.normalize("NFC", text).translate(_BARE).casefold()
    if not bare.isascii():
        bare = "".join(ch for ch in unicodedata.normalize("NFD", bare) if not unicodedata.combining(ch))
    return _REPEATS.sub(r"\1", _SEPARATORS.sub(" ", bare)).strip()


def signature(text: str, folded: str | None = None) -> str:
    """The key two near-identical comments share: their folded words as a sorted set (``folded``: ``text``
    already folded, to fold each comment once however often it is grouped or searched)."""
    return " ".join(sorted(set((fold(text) if folded is None else folded).split())))


def matches(text: str, query: str, folded: str | None = None) -> bool:
    """Whether every folded word of ``query`` occurs in the folded ``text`` (an empty query matches all)."""
    folded = fold(text) if folded is None else folded
    return all(word in folded for word in fold(query).split())


class Worded(Protocol):
    """Anything with a ``text``; a ``folded`` attribute, when present, is taken as its :func:`fold`."""

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
        key = (signature(comment.text, getattr(comment, "folded", None)), *(getattr(comment, name) for name in split))
        found.setdefault(key, []).append(comment)
    groups = [Group(_spelling(members), tuple(members)) for members in found.values()]
    return sorted(groups, key=lambda g: (-g.count, sort_key(g.text)))


def _spelling(members: Sequence[Worded]) -> str:
    counts: dict[str, int] = {}
    for member in members:
        counts[member.text] = counts.get(member.text, 0) + 1
    return min(counts, key=lambda text: (-counts[text], sort_key(text)))
