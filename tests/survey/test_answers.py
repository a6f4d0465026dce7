"""`questionnaires.answers`: what a browser sends becomes the stored value, or a named problem."""

from __future__ import annotations

from typing import Any

import pytest

from questionnaires import answers, parse
from questionnaires.model import Item, Option, ShowIf
from tests.survey.conftest import SMALL_QUESTIONNAIRE

FORM = parse(SMALL_QUESTIONNAIRE)
VALID = {"staff_polite": "4", "complained": "yes", "complaint_handling": "na", "services": ["residence", "land"],
         "visits": "2", "overall": "5", "comment": "  More chairs, please.\r\n"}


def test_a_valid_submission_is_converted_to_the_stored_conventions() -> None:
    result = answers.read_answers(FORM, VALID)
    assert result.ok
    assert result.answers == {"staff_polite": 4, "complained": "yes", "complaint_handling": "na",
                              "services": ["land", "residence"], "visits": 2, "overall": 5,
                              "comment": "More chairs, please."}


def test_answers_to_a_hidden_item_are_dropped_and_it_is_not_required() -> None:
    result = answers.read_answers(FORM, {**VALID, "complained": "no", "complaint_handling": "1"})
    assert result.ok
    assert "complaint_handling" not in result.answers
    result = answers.read_answers(FORM, {k: v for k, v in VALID.items() if k != "complaint_handling"}
                                  | {"complained": "no"})
    assert result.ok


def test_a_shown_item_is_required() -> None:
    submitted = {k: v for k, v in VALID.items() if k != "complaint_handling"}
    assert answers.read_answers(FORM, submitted).problems == {"complaint_handling": answers.REQUIRED}


def test_every_missing_required_answer_is_reported_and_optional_ones_are_not() -> None:
    result = answers.read_answers(FORM, {})
    assert result.problems == {"staff_polite": "required", "complained": "required", "services": "required",
                               "visits": "required", "overall": "required"}
    assert result.answers == {}


def test_unknown_item_ids_are_ignored() -> None:
    assert answers.read_answers(FORM, {**VALID, "ip_address": "1.2.3.4"}).answers.keys() == {
        "staff_polite", "complained", "complaint_handling", "services", "visits", "overall", "comment"}


NUMBER = Item(id="visits", type="number", text="Visits", min=1, max=20)


@pytest.mark.parametrize(("sent", "value", "problem"), [
    ("2", 2, None),
    (" 20 ", 20, None),
    ("2,5", 2.5, None),
    ("2.5", 2.5, None),
    ("0", None, answers.OUT_OF_RANGE),
    ("21", None, answers.OUT_OF_RANGE),
    ("two", None, answers.NOT_A_NUMBER),
    ("1e3", None, answers.NOT_A_NUMBER),
    ("nan", None, answers.NOT_A_NUMBER),
    ("", None, answers.REQUIRED),
])
def test_numbers(sent: str, value: Any, problem: str | None) -> None:
    assert answers.read_item(NUMBER, sent) == (value, problem)
    if value is not None:
        assert type(answers.read_item(NUMBER, sent)[0]) is type(value)


TEXT = Item(id="comment", type="text", text="Comment", required=False, max_length=10)


@pytest.mark.parametrize(("sent", "value", "problem"), [
    ("ok", "ok", None),
    ("  a\r\nb  ", "a\nb", None),
    ("nul\x00byte", "nulbyte", None),
    ("   ", None, None),
    ("x" * 11, None, answers.TOO_LONG),
    ("x" * 10, "x" * 10, None),
])
def test_text(sent: str, value: str | None, problem: str | None) -> None:
    assert answers.read_item(TEXT, sent) == (value, problem)


LIKERT = Item(id="q", type="likert5", text="Q")
OVERALL = Item(id="o", type="likert5", text="Overall?", role="overall")
MULTI = Item(id="m", type="multi", text="M", options=(Option("a", "A"), Option("b", "B")))


@pytest.mark.parametrize(("item", "sent", "value", "problem"), [
    (LIKERT, "1", 1, None),
    (LIKERT, "na", "na", None),
    (LIKERT, "6", None, answers.INVALID_CHOICE),
    (OVERALL, "5", 5, None),
    (OVERALL, "na", None, answers.INVALID_CHOICE),  # not offered: it would silently leave the rate's n
    (LIKERT, None, None, answers.REQUIRED),
    (MULTI, ["b", "a", "b"], ["a", "b"], None),
    (MULTI, ["a", "z"], None, answers.INVALID_CHOICE),
    (MULTI, [], None, answers.REQUIRED),
    (Item(id="y", type="yes_no", text="Y"), "no", "no", None),
    (Item(id="y", type="yes_no", text="Y"), "No", None, answers.INVALID_CHOICE),
])
def test_choices(item: Item, sent: Any, value: Any, problem: str | None) -> None:
    assert answers.read_item(item, sent) == (value, problem)


def test_the_overall_question_offers_the_five_points_and_no_not_applicable() -> None:
    assert [code for code, _ in answers.choices(OVERALL)] == ["1", "2", "3", "4", "5"]
    assert [code for code, _ in answers.choices(LIKERT)] == ["1", "2", "3", "4", "5", "na"]


def test_skip_logic_on_a_likert_answer_compares_the_stored_code() -> None:
    unhappy = Item(id="why", type="text", text="Why?", show_if=ShowIf("q", ("1", "2")))
    form = FORM.__class__(id="f", version=1, sector="one_stop", target=0.9, title="T",
                          sections=(FORM.sections[0].__class__(id="s", title="S", items=(LIKERT, unhappy)),))
    assert answers.read_answers(form, {"q": "1", "why": "slow"}).answers == {"q": 1, "why": "slow"}
    assert answers.read_answers(form, {"q": "5", "why": "slow"}).answers == {"q": 5}
