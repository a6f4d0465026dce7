"""Form classes built from a questionnaire, and what the templates need to draw each question.

One WTForms class per questionnaire: a field per item, named ``q_<item id>`` so that no item id can collide
with a hidden field or a method of the form. The fields carry and re-display what was sent; whether an
answer is valid is decided by :func:`questionnaires.answers.read_answers`, the same rules any other entry
path uses, and this module only turns its problem codes into sentences a respondent can act on.

CSRF is checked by the form itself (the survey views are exempt from the global check) so that a stale token
on a kiosk that stood idle for hours re-displays the answers instead of losing them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from babel.lists import format_list
from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import ValidationError

from questionnaires import answers as rules
from questionnaires.model import Item, Questionnaire, Section

from ..platform import csrf_token

FIELD_PREFIX = "q_"
SUBMISSION_ID = re.compile(r"[0-9a-f]{32}\Z")
WIDGETS = {"likert5": "radio", "yes_no": "radio", "single": "radio", "multi": "checkbox", "number": "number",
           "text": "text"}


def field_name(item_id: str) -> str:
    """The HTML name (and id) of an item's field."""
    return FIELD_PREFIX + item_id


def new_submission_id() -> str:
    """A random id issued with each rendered form (128 bits, as hex); the server stores a given id once."""
    return os.urandom(16).hex()


@dataclass(frozen=True)
class Question:
    """One item as the template draws it: its field, offered choices, the skip-logic hint and first error."""

    item: Item
    number: int  # 1-based position in the questionnaire, shown before the question and in the error summary
    field: Field
    widget: str
    choices: tuple[tuple[str, str], ...]
    chosen: frozenset[str]
    condition: str | None
    rule_field: str | None
    rule_values: str | None

    @property
    def first_input_id(self) -> str:
        """Where the error summary links to: the first radio or checkbox of a group, else the field."""
        return f"{self.field.id}-0" if self.choices else str(self.field.id)

    @property
    def faces(self) -> bool:
        """True when the choices are the five-point scale, drawn as faces beside their words."""
        return self.item.type == "likert5"

    @property
    def spoken(self) -> tuple[str, ...]:
        """The texts a speaker button reads out, in order: the question, then each answer (see prompts.py)."""
        return (self.item.text, *(label for _, label in self.choices))

    @property
    def required_message(self) -> str | None:
        """What the one-question-per-screen kiosk says when Next is pressed on an unanswered required question."""
        return problem_message(self.item, rules.REQUIRED) if self.item.required else None


@dataclass(frozen=True)
class SummaryLink:
    """One line of the error summary: where it links to, which question (number and text) and what to do."""

    target: str
    number: int | None
    text: str
    message: str


class SurveyForm(FlaskForm):
    """Fields common to every questionnaire form; subclasses made by :func:`form_class` add the items."""

    questionnaire: ClassVar[Questionnaire]
    submission_id = HiddenField()
    receipt_code = StringField(_l("Receipt code"), filters=[lambda value: without_controls(value or "")])

    def __init__(self, *args: Any, receipt_code_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receipt_code_required = receipt_code_required
        self.answers: dict[str, Any] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF token, submission id, receipt code presence and every answer; errors land on their fields."""
        valid = super().validate(extra_validators)
        if not SUBMISSION_ID.match(self.submission_id.data or ""):
            self.submission_id.errors.append("invalid")
            valid = False
        if self.receipt_code_required and not self.normalised_code:
            self.receipt_code.errors.append(_("Enter the code printed on your receipt"))
            valid = False
        result = rules.read_answers(self.questionnaire, self.submitted_answers())
        for item_id, problem in result.problems.items():
            getattr(self, field_name(item_id)).errors.append(problem_message(self.questionnaire.item(item_id),
                                                                             problem))
        self.answers = result.answers
        return valid and result.ok

    @property
    def needs_resend(self) -> bool:
        """True when the answers may be fine but the page was stale: expired CSRF token or lost submission id."""
        token = getattr(self, "csrf_token", None)
        return bool((token is not None and token.errors) or self.submission_id.errors)

    def refresh_submission_id(self) -> None:
        """Issue a fresh id when the one sent back was missing or malformed (a valid one is kept for retries)."""
        if not SUBMISSION_ID.match(self.submission_id.data or ""):
            self.submission_id.data = new_submission_id()
        self.submission_id.errors = []

    @property
    def normalised_code(self) -> str:
        """The receipt code as stored (upper case, see admin/receipts.py), whatever spacing the citizen typed."""
        return normalise_code(self.receipt_code.data or "")

    def submitted_answers(self) -> dict[str, Any]:
        return {item.id: getattr(self, field_name(item.id)).data for item in self.questionnaire.items}

    def sections(self) -> list[tuple[Section, list[Question]]]:
        """Every section with its questions, in questionnaire order."""
        return [(section, [self.question(item) for item in section.items])
                for section in self.questionnaire.sections]

    def question(self, item: Item) -> Question:
        field = getattr(self, field_name(item.id))
        data = field.data
        chosen = frozenset(data if isinstance(data, list) else [data] if isinstance(data, str) else [])
        rule = item.show_if if item.show_if is not None and item.show_if.simple else None
        return Question(item=item, number=item_numbers(self.questionnaire)[item.id], field=field,
                        widget=WIDGETS[item.type], choices=rules.choices(item),
                        chosen=chosen, condition=condition_hint(self.questionnaire, item),
                        rule_field=field_name(rule.item) if rule else None,
                        rule_values=" ".join(rule.values) if rule else None)

    def error_links(self) -> list[SummaryLink]:
        """The error summary at the top of the page, in page order: each question named by number and text.

        "Choose an answer" fourteen times says nothing on its own; a person needs to know which question.
        """
        links = [SummaryLink(str(self.receipt_code.id), None, _("Receipt code"), self.receipt_code.errors[0])
                 ] if self.receipt_code.errors else []
        for item in self.questionnaire.items:
            question = self.question(item)
            if question.field.errors:
                links.append(SummaryLink(question.first_input_id, question.number, _(item.text),
                                         question.field.errors[0]))
        return links


@dataclass(frozen=True)
class ValidPost:
    """What is stored of a submission that passed every check."""

    answers: dict[str, Any]
    submission_id: str
    receipt_code: str | None


def read_valid_post(questionnaire: Questionnaire, formdata: Any, receipt_code_required: bool) -> ValidPost | None:
    """The values to store when a posted form is valid in every respect, read without building the form.

    Building a WTForms form of twenty-odd fields was a quarter of a submission's server time, and nearly every
    submission is valid. Those are read here straight from the posted values, by the same rules as
    :meth:`SurveyForm.validate` (CSRF token, submission id, receipt code, :func:`questionnaires.answers.read_answers`
    on the same filtered values); anything else gives ``None`` and the caller builds the form, which finds the
    problems and words them. A test holds the two paths to the same verdict and the same values.
    """
    submission_id = formdata.get("submission_id", "")
    if not isinstance(submission_id, str) or not SUBMISSION_ID.match(submission_id):
        return None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        try:
            csrf_token.validate(formdata.get(field))
        except ValidationError:
            return None
    code = None
    if receipt_code_required:
        code = normalise_code(without_controls(formdata.get("receipt_code") or ""))
        if not code:
            return None
    submitted: dict[str, Any] = {}
    for item in questionnaire.items:
        name = FIELD_PREFIX + item.id
        if item.type == "multi":
            submitted[item.id] = [value for value in formdata.getlist(name) if isinstance(value, str)]
        else:
            submitted[item.id] = without_controls(formdata.get(name) or "")
    result = rules.read_answers(questionnaire, submitted)
    return ValidPost(result.answers, submission_id, code) if result.ok else None


def normalise_code(text: str) -> str:
    """A receipt code as stored (upper case, see admin/receipts.py), whatever spacing the citizen typed."""
    return "".join(text.replace("-", " ").split()).upper()


@lru_cache(maxsize=32)
def form_class(questionnaire: Questionnaire) -> type[SurveyForm]:
    """The form class of a questionnaire (built once; the questionnaire is frozen, so the cache is safe)."""
    fields: dict[str, Any] = {"questionnaire": questionnaire}
    for item in questionnaire.items:
        fields[field_name(item.id)] = _field(item)
    return type(f"SurveyForm_{questionnaire.id}_v{questionnaire.version}", (SurveyForm,), fields)


@lru_cache(maxsize=32)
def item_numbers(questionnaire: Questionnaire) -> dict[str, int]:
    """Each item's 1-based number in questionnaire order (the numbers people see beside the questions)."""
    return {item.id: number for number, item in enumerate(questionnaire.items, start=1)}


class ValuesField(Field):
    """Every value sent under the field's name (checkboxes); ``[]`` when none."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [value for value in valuelist if isinstance(value, str)]


def _field(item: Item) -> Field:
    """A field that only carries what was sent; validation is :func:`questionnaires.answers.read_answers`.

    Choices are drawn by the template from the questionnaire, so no field needs a WTForms ``choices`` list.
    """
    if item.type == "multi":
        return ValuesField(item.text, default=[])
    if item.type == "text":
        return TextAreaField(item.text, filters=[lambda value: without_controls(value or "")])
    return StringField(item.text, filters=[lambda value: without_controls(value or "")])


def without_controls(text: str) -> str:
    """``text`` without control characters other than line breaks and tabs.

    A NUL byte sent back in an answer would make the re-displayed page invalid HTML, and PostgreSQL refuses it in
    any query; no person types one, so dropping them loses nothing.
    """
    if text.isprintable():  # the usual case, checked in C: no control character at all
        return text
    return "".join(ch for ch in text if ch in "\n\r\t" or unicodedata.category(ch) != "Cc")


def problem_message(item: Item, problem: str) -> str:
    """The sentence shown next to a question for a problem code of `questionnaires.answers`."""
    if problem in (rules.NOT_A_NUMBER, rules.OUT_OF_RANGE) or (problem == rules.REQUIRED and item.type == "number"):
        return number_message(item)
    if problem == rules.TOO_LONG:
        return _("Shorten your answer to %(count)s characters or fewer", count=item.max_length)
    if problem == rules.INVALID_CHOICE:
        return _("Choose one of the answers shown")
    if item.type == "multi":
        return _("Choose at least one answer")
    if item.type == "text":
        return _("Write your answer")
    return _("Choose an answer")


def number_message(item: Item) -> str:
    low = format_decimal(item.min) if item.min is not None else None
    high = format_decimal(item.max) if item.max is not None else None
    if low is not None and high is not None:
        return _("Enter a number between %(min)s and %(max)s", min=low, max=high)
    if low is not None:
        return _("Enter a number of %(min)s or more", min=low)
    if high is not None:
        return _("Enter a number of %(max)s or less", max=high)
    return _("Enter a number")


def condition_hint(questionnaire: Questionnaire, item: Item) -> str | None:
    """The plain-language skip-logic rule shown when JavaScript does not hide the question."""
    rule = item.show_if
    if rule is None:
        return None
    if not rule.simple:
        return _("Answer only if it applies to you, given your earlier answers")
    target = questionnaire.item(rule.item)
    labels = dict(rules.choices(target))
    answers = ["“" + _(labels.get(value, value)) + "”" for value in rule.values]
    return _("Answer only if you answered %(answers)s to: %(question)s",
             answers=format_list(answers, style="or", locale=str(get_locale() or "en")), question=_(target.text))
