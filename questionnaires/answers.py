"""Submitted form values → stored answers, with skip logic applied and every problem named per item.

This is the one place that decides what a valid answer is, so the web form, an offline queue or an import
all store the same values (the conventions are in the `questionnaires.model` docstring). It is pure: it
takes the values as a browser sends them (strings, lists of strings for ``multi``) and returns new objects.

Skip logic is applied in questionnaire order, which the loader guarantees is enough (a ``show_if`` rule
points at an earlier item): an item whose rule does not hold is neither required nor stored, whatever was
sent for it — a respondent without JavaScript sees every question and may have answered one that does not
apply to them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import LIKERT_LABELS, NOT_APPLICABLE, NOT_APPLICABLE_LABEL, YES_NO_LABELS, Item, Questionnaire

#: Problem codes, one per kind of message the respondent reads.
REQUIRED = "required"
INVALID_CHOICE = "invalid_choice"
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"
TOO_LONG = "too_long"

_INTEGER = re.compile(r"[+-]?\d+\Z")
#: Whole-number digits an answer may have: 15 keeps every value exact as a float in the analysis (2**53 has 16),
#: and a 309-digit answer would be infinite there.
_MAX_DIGITS = 15
_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)\Z")

#: What a browser may send for one field: one string, several (checkboxes), or nothing.
Submitted = str | Sequence[str] | None


@dataclass(frozen=True)
class ReadAnswers:
    """The outcome of reading one submission: ``answers`` to store and ``problems`` (item id → problem code).

    ``answers`` is complete only when ``problems`` is empty; the caller must not store it otherwise.
    """

    answers: dict[str, Any]
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def choices(item: Item) -> tuple[tuple[str, str], ...]:
    """The answers an item offers as ``(code, English label)``, in display order; empty for number and text.

    The codes are the strings a browser sends and `ShowIf.values` compares with; likert5 ends with "not
    applicable", which is stored as ``"na"`` and never counted as satisfied or dissatisfied. The overall item
    offers no "not applicable": everyone who used the service can rate it, and such an answer would silently
    leave the satisfaction rate's denominator.
    """
    if item.type == "likert5":
        scale = tuple((str(value), label) for value, label in LIKERT_LABELS)
        return scale if item.role == "overall" else (*scale, (NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
    if item.type == "yes_no":
        return tuple(YES_NO_LABELS)
    return tuple((option.code, option.label) for option in item.options)


def read_answers(questionnaire: Questionnaire, submitted: Mapping[str, Submitted]) -> ReadAnswers:
    """Check and convert the values ``submitted`` (keyed by item id) for every item of ``questionnaire``.

    Values for unknown item ids are ignored. Hidden items (``show_if`` not holding on the answers read so
    far) are dropped and not required.
    """
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for item in questionnaire.items:
        if not item.visible(answers):
            continue
        value, problem = read_item(item, submitted.get(item.id))
        if problem is not None:
            problems[item.id] = problem
        elif value is not None:
            answers[item.id] = value
    return ReadAnswers(answers, problems)


def read_item(item: Item, submitted: Submitted) -> tuple[Any, str | None]:
    """``(stored value or None when unanswered, problem code or None)`` for one visible item."""
    values = _strings(submitted)
    if item.type == "multi":
        return _read_multi(item, values)
    raw = values[0].strip() if values else ""
    if not raw:
        return None, REQUIRED if item.required else None
    if item.type == "number":
        return _read_number(item, raw)
    if item.type == "text":
        return _read_text(item, values[0])
    if raw not in _codes(item):
        return None, INVALID_CHOICE
    if item.type == "likert5" and raw != NOT_APPLICABLE:
        return int(raw), None
    return raw, None


_CODES: dict[int, tuple[Item, frozenset[str]]] = {}


def _codes(item: Item) -> frozenset[str]:
    """The codes of :func:`choices`, kept per item: every submission checks twenty-odd answers against them."""
    cached = _CODES.get(id(item))
    if cached is None or cached[0] is not item:  # the identity check guards against a reused id()
        if len(_CODES) > 4096:
            _CODES.clear()
        cached = (item, frozenset(code for code, _ in choices(item)))
        _CODES[id(item)] = cached
    return cached[1]


def _strings(submitted: Submitted) -> list[str]:
    if submitted is None:
        return []
    if isinstance(submitted, str):
        return [submitted]
    return [value for value in submitted if isinstance(value, str)]


def _read_multi(item: Item, values: list[str]) -> tuple[list[str] | None, str | None]:
    """Chosen codes in questionnaire order, duplicates dropped."""
    chosen = {value.strip() for value in values if value.strip()}
    if not chosen:
        return None, REQUIRED if item.required else None
    ordered = [code for code, _ in choices(item) if code in chosen]
    if len(ordered) != len(chosen):
        return None, INVALID_CHOICE
    return ordered, None


def _read_number(item: Item, raw: str) -> tuple[int | float | None, str | None]:
    """An integer when written as one, else a float; a decimal comma ("2,5") is read as a point."""
    text = raw.replace(" ", "")
    if len(re.split(r"[.,]", text.lstrip("+-0"), maxsplit=1)[0]) > _MAX_DIGITS:
        return None, OUT_OF_RANGE  # before int(): Python refuses to read more than 4 300 digits (a 500)
    if _INTEGER.match(text):
        number: int | float = int(text)
    elif _DECIMAL.match(text):
        number = float(text.replace(",", "."))
    else:
        return None, NOT_A_NUMBER
    if not math.isfinite(number):
        return None, NOT_A_NUMBER
    if (item.min is not None and number < item.min) or (item.max is not None and number > item.max):
        return None, OUT_OF_RANGE
    return number, None


def _read_text(item: Item, raw: str) -> tuple[str | None, str | None]:
    """Free text with line breaks normalised and control characters removed (PostgreSQL JSON rejects NUL)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if not text:
        return None, REQUIRED if item.required else None
    if len(text) > item.max_length:
        return None, TOO_LONG
    return text, None

