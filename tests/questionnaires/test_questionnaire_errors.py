"""The problem catalogue: every template formats, is found by ``pybabel extract -k N_``, and translates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from questionnaires import Problem, QuestionnaireError, errors

TEMPLATES = sorted(set(errors.CATALOGUE.values()) | {errors.UNKNOWN_KEY_SUGGEST})
BY_NAME = {**errors.CATALOGUE, "unknown_key (suggestion)": errors.UNKNOWN_KEY_SUGGEST}


@pytest.mark.parametrize("template", BY_NAME.values(), ids=BY_NAME.keys())
def test_template_formats_with_its_parameters(template: str) -> None:
    params = {name: "x" for name in re.findall(r"%\((\w+)\)s", template)}
    message = template % params
    assert "%(" not in message and "%%" not in message
    assert message.endswith((".", "?"))


def test_every_template_is_extracted_with_the_n_keyword() -> None:
    found = extract_from_file("python", Path(errors.__file__), keywords={"N_": None})
    assert sorted({message for _, message, _, _ in found}) == TEMPLATES


def test_str_is_file_line_field_message() -> None:
    problem = Problem.of("one_stop.yaml", 12, "items[q3].type", "bad_type", item="q3", value="likert6",
                         allowed="likert5, yes_no")
    assert str(problem) == ("one_stop.yaml:12: items[q3].type: Item 'q3' has type 'likert6'. "
                            "Use one of: likert5, yes_no.")
    assert str(Problem.of("x.yaml", 1, "", "empty_file")).startswith("x.yaml:1: The file is empty.")


def test_translated_formats_the_translation_of_the_template() -> None:
    catalog = {errors.BAD_TARGET: "Chỉ tiêu phải lớn hơn 0 và không quá 1 (ví dụ 0.9 là 90%%), không phải '%(value)s'."}
    problem = Problem.of("f.yaml", 4, "target", "bad_target", value="90")
    assert problem.translated(lambda text: catalog.get(text, text)) == (
        "Chỉ tiêu phải lớn hơn 0 và không quá 1 (ví dụ 0.9 là 90%), không phải '90'.")
    assert problem.translated(lambda text: text) == problem.message


def test_problems_are_values() -> None:
    one = Problem.of("f.yaml", 1, "id", "bad_id", value="X")
    assert one == Problem.of("f.yaml", 1, "id", "bad_id", value="X")
    assert len({one, Problem.of("f.yaml", 1, "id", "bad_id", value="X")}) == 1


def test_error_carries_every_problem() -> None:
    problems = [Problem.of("f.yaml", 1, "id", "bad_id", value="X"), Problem.of("f.yaml", 3, "sector", "bad_sector",
                                                                              value="y", allowed="a")]
    error = QuestionnaireError(problems)
    assert error.problems == tuple(problems)
    assert str(error).splitlines() == [str(problem) for problem in problems]
