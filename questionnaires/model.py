"""Typed, immutable model of a questionnaire.

The model is the single meaning of a questionnaire file: the web layer builds forms from it, the analysis
layer reads item types, dimensions and roles from it, and the Babel extractor collects its texts. It is
frozen so that a loaded questionnaire can be shared between requests and threads without copying.

Texts (``text``, ``help``, option labels, section titles) are written in English and translated through
gettext by whoever displays them; the model never translates.

Stored answer values (the ``answers`` JSON of a response, keyed by item id) are, per item type:

===========  ==============================================================
``likert5``  integer 1..5, or the string ``"na"`` ("not applicable"; never offered on the overall item)
``yes_no``   ``"yes"`` or ``"no"``
``single``   one option code (string)
``multi``    list of option codes (strings), in questionnaire order
``number``   integer or float within ``min``/``max``
``text``     string of at most ``max_length`` characters
===========  ==============================================================

An unanswered optional item, or an item hidden by its ``show_if`` rule, is absent from ``answers``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ITEM_TYPES = ("likert5", "yes_no", "single", "multi", "number", "text")
SECTORS = ("one_stop", "health", "education")
ROLES = ("overall", "demographic")
#: How a rate is compared with its target for the official verdict: "at_least" reads "≥ 90 %", "above" "> 80 %".
TARGET_RULES = ("at_least", "above")


def reaches_target(rate: float, target: float, rule: str) -> bool:
    """Whether ``rate`` reaches ``target`` under ``rule`` ("at_least": ≥, "above": >)."""
    return rate > target if rule == "above" else rate >= target
NOT_APPLICABLE = "na"
YES, NO = "yes", "no"

#: The five points of every ``likert5`` item, in order, with their English labels (translated by gettext).
LIKERT_LABELS: tuple[tuple[int, str], ...] = (
    (1, "Very dissatisfied"),
    (2, "Dissatisfied"),
    (3, "Neither satisfied nor dissatisfied"),
    (4, "Satisfied"),
    (5, "Very satisfied"),
)
NOT_APPLICABLE_LABEL = "Not applicable"
YES_NO_LABELS: tuple[tuple[str, str], ...] = ((YES, "Yes"), (NO, "No"))


@dataclass(frozen=True)
class Option:
    """One choice of a ``single`` or ``multi`` item: a stable code that is stored, and a label that is shown."""

    code: str
    label: str


#: The tests a `ShowIf` rule can make. ``in``: the answer (any chosen code of a ``multi``) is one of
#: ``values``; ``exactly``: the whole answer is ``values`` (a ``multi`` with just those codes chosen);
#: comparisons of a number or likert5 answer (or, with ``count``, of how many codes are chosen) with
#: ``number``; ``answered``; and ``all``/``any``/``not`` of the rules in ``parts``.
COMPARISONS = ("equals", "not_equals", "below", "at_most", "above", "at_least")
RULE_TESTS = ("in", "exactly", *COMPARISONS, "answered", "all", "any", "not")


@dataclass(frozen=True)
class ShowIf:
    """Skip logic: the item is shown only when the rule holds on the answers given so far.

    The plain rule (``test == "in"``) holds when item ``item`` has one of ``values`` (compared as strings);
    for a ``multi`` item, when any chosen code is in ``values``. An unanswered item makes every test but
    ``not`` false, as an empty answer does in ODK.
    """

    item: str
    values: tuple[str, ...] = ()
    test: str = "in"
    number: float | None = None
    count: bool = False
    parts: tuple[ShowIf, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.test in ("all", "any", "not"):
            results = [part.holds(answers) for part in self.parts]
            return all(results) if self.test == "all" else any(results) if self.test == "any" else not results[0]
        value = answers.get(self.item)
        if value is None or value == [] or value == "":
            return False
        chosen = value if isinstance(value, (list, tuple)) else [value]
        if self.test == "answered":
            return True
        if self.test == "in":
            return any(str(v) in self.values for v in chosen)
        if self.test == "exactly":
            return sorted(str(v) for v in chosen) == sorted(self.values)
        measured = len(chosen) if self.count else value
        if isinstance(measured, bool) or not isinstance(measured, int | float) or self.number is None:
            return False  # "not applicable" or a text is neither above nor below a number
        return _compare(self.test, measured, self.number)

    def references(self) -> Iterator[ShowIf]:
        """The rules that test one item (this rule, or those inside ``all``/``any``/``not``)."""
        if self.parts:
            for part in self.parts:
                yield from part.references()
        else:
            yield self

    @property
    def simple(self) -> bool:
        """True for the plain rule, which the survey page's script applies as answers change."""
        return self.test == "in"


def _compare(test: str, value: float, number: float) -> bool:
    return {"equals": value == number, "not_equals": value != number, "below": value < number,
            "at_most": value <= number, "above": value > number, "at_least": value >= number}[test]


@dataclass(frozen=True)
class Item:
    """One question. ``line`` is where it starts in its source file, for error messages.

    ``note`` is a display-only text shown before the question (XLSForm's ``note`` rows): it is no question,
    so it has no answer, no field and no place in the analysis.

    ``line`` (like `Section.line` and `Questionnaire.source`) is left out of ``==``: two questionnaires are
    equal when they mean the same, however their files are laid out.
    """

    id: str
    type: str
    text: str
    required: bool = True
    help: str | None = None
    options: tuple[Option, ...] = ()
    dimension: str | None = None
    role: str | None = None
    weighting_variable: str | None = None
    show_if: ShowIf | None = None
    min: float | None = None
    max: float | None = None
    max_length: int = 1000
    note: str | None = None
    line: int = field(default=0, compare=False)

    @property
    def is_satisfaction(self) -> bool:
        """True for the Likert items that count towards satisfaction indices (everything but demographics)."""
        return self.type == "likert5" and self.role != "demographic"

    def visible(self, answers: Mapping[str, Any]) -> bool:
        """Whether the item is asked, given the answers so far (skip logic)."""
        return self.show_if is None or self.show_if.holds(answers)

    def texts(self) -> Iterator[str]:
        """Every translatable string of the item."""
        if self.note:
            yield self.note
        yield self.text
        if self.help:
            yield self.help
        for option in self.options:
            yield option.label


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    intro: str | None = None
    line: int = field(default=0, compare=False)

    def texts(self) -> Iterator[str]:
        yield self.title
        if self.intro:
            yield self.intro
        for item in self.items:
            yield from item.texts()


@dataclass(frozen=True)
class Questionnaire:
    """A whole questionnaire; ``(id, version)`` identifies what a stored answer means."""

    id: str
    version: int
    sector: str
    target: float
    title: str
    sections: tuple[Section, ...]
    intro: str | None = None
    #: How the official verdict compares the rate with the target: ``at_least`` (≥) or ``above`` (>).
    target_rule: str = "at_least"
    source: str = field(default="", compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def reaches_target(self, rate: float) -> bool:
        """The official verdict on a point estimate: the target's own inequality (≥ or >), no sampling error."""
        return reaches_target(rate, self.target, self.target_rule)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def overall(self) -> Item:
        """The item the satisfaction rate is built on (the loader guarantees exactly one)."""
        return next(item for item in self.items if item.role == "overall")

    @property
    def demographics(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.role == "demographic")

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimensions in order of first appearance."""
        seen: dict[str, None] = {}
        for item in self.items:
            if item.dimension:
                seen.setdefault(item.dimension, None)
        return tuple(seen)

    def texts(self) -> Iterator[str]:
        """Every translatable string, questionnaire-specific ones and the fixed Likert/yes-no labels used."""
        yield self.title
        if self.intro:
            yield self.intro
        for section in self.sections:
            yield from section.texts()
        types = {item.type for item in self.items}
        if "likert5" in types:
            yield from (label for _, label in LIKERT_LABELS)
            yield NOT_APPLICABLE_LABEL
        if "yes_no" in types:
            yield from (label for _, label in YES_NO_LABELS)
