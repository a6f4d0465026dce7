"""The codebook of a campaign's raw responses: what each column holds and what each stored code means.

An analyst who opens ``responses.csv`` sees ``overall = 4`` and ``gender = female``; the codebook says that
``overall`` is "Overall, how satisfied are you with the service here?" and that 4 means "Satisfied", in the
language the export was asked in. It is built from the questionnaire files (never from the answers), so it
lists every item and every possible answer, including those nobody has chosen yet. The same labels feed the
labelled columns of the XLSX export and the value labels of the Stata file (:func:`value_labels`).

Stata value labels map integers to texts, so a ``single`` item's option codes are numbered 1, 2, … in
questionnaire order there (the ``stata`` column of the codebook), ``yes_no`` is 1/0 and ``likert5`` keeps 1..5
(``not applicable`` is missing, as in the analysis).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires.model import LIKERT_LABELS, NOT_APPLICABLE, NOT_APPLICABLE_LABEL, YES_NO_LABELS, Item, Questionnaire

from ..models import CampaignUnit
from ..platform.extensions import db
from ..questionnaire_registry import registry

#: Items whose answers are codes with labels (the others hold numbers or free text).
CODED = ("likert5", "yes_no", "single", "multi")
TYPE_NAMES = {
    "likert5": _l("Scale of 1 to 5"), "yes_no": _l("Yes or no"), "single": _l("One choice"),
    "multi": _l("Several choices (one column per choice: yes or no)"), "number": _l("Number"),
    "text": _l("Free text"),
}


@dataclass(frozen=True)
class Entry:
    """One line of the codebook: an item, or one answer code of an item (``code`` set)."""

    questionnaire: str
    item: str
    type: str
    text: str
    code: str = ""
    label: str = ""
    stata: int | None = None


def campaign_questionnaires(campaign_id: int) -> list[Questionnaire]:
    """The questionnaires the campaign's units answer, the one most units answer first (an item several share,
    such as ``overall``, takes its text from there in a column heading or a Stata label)."""
    used = Counter(db.session.scalars(db.select(CampaignUnit.questionnaire_id)
                                      .where(CampaignUnit.campaign_id == campaign_id)))
    forms = registry()
    return [forms[key] for key, _count in sorted(used.items(), key=lambda p: (-p[1], p[0])) if key in forms]


def answer_items(forms: Iterable[Questionnaire]) -> list[Item]:
    """Every item, each id once (the first questionnaire that has it gives its text and codes)."""
    seen: dict[str, Item] = {}
    for form in forms:
        for item in form.items:
            seen.setdefault(item.id, item)
    return list(seen.values())


def code_labels(item: Item) -> list[tuple[str, str]]:
    """``(stored code, label in the active language)`` of every possible answer of a coded item."""
    if item.type == "likert5":
        pairs = [(str(value), text) for value, text in LIKERT_LABELS]
        if item.role != "overall":
            pairs.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        return [(code, _(text)) for code, text in pairs]
    if item.type == "yes_no":
        return [(code, _(text)) for code, text in YES_NO_LABELS]
    return [(option.code, _(option.label)) for option in item.options]


def stata_codes(item: Item) -> dict[str, int]:
    """The integer a coded answer becomes in the Stata file (missing for "not applicable")."""
    if item.type == "likert5":
        return {str(value): value for value, _text in LIKERT_LABELS}
    if item.type == "yes_no":
        return {"yes": 1, "no": 0}
    if item.type == "single":
        return {option.code: number for number, option in enumerate(item.options, start=1)}
    return {}


def value_labels(item: Item) -> dict[int, str]:
    """Stata value labels of an item: ``{integer: label}`` in the active language."""
    numbers = stata_codes(item)
    return {numbers[code]: label[:32000] for code, label in code_labels(item) if code in numbers}


def entries(forms: Iterable[Questionnaire]) -> list[Entry]:
    """Every item of the questionnaires, each followed by its answer codes."""
    out: list[Entry] = []
    for form in forms:
        for item in form.items:
            kind = str(TYPE_NAMES.get(item.type, item.type))
            out.append(Entry(form.id, item.id, kind, _(item.text)))
            numbers = stata_codes(item)
            if item.type in CODED:
                out.extend(Entry(form.id, _column(item, code), kind, _(item.text), code, label, numbers.get(code))
                           for code, label in code_labels(item))
    return out


def _column(item: Item, code: str) -> str:
    """The export column of an answer: a multi item has one column per choice (``item.code``)."""
    return f"{item.id}.{code}" if item.type == "multi" else item.id


def columns() -> list[str]:
    """Headings of the codebook in the active language."""
    return [_("Questionnaire"), _("Column"), _("Type of answer"), _("Question"), _("Stored code"), _("Meaning"),
            _("Value in the Stata file")]
