"""Every kind of mistake in a questionnaire file gives its own problem, at the right line and field.

Each case edits one valid file (`VALID`, line numbers in the margin of `test_valid_file_has_no_problem`) and
lists every problem expected, as ``(code, line, field)``. Like pyxform's tests, the file is written inline
so that the case reads as what an author would type.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import questionnaires
from questionnaires import Problem, QuestionnaireError

VALID = """\
id: test
version: 1
sector: health
target: 0.8
title: A test
sections:
  - id: visit
    title: Your visit
    items:
      - id: kind
        type: single
        text: What for?
        options:
          land: Land
          other: Other
      - id: complained
        type: yes_no
        text: Did you complain?
      - id: handling
        type: likert5
        text: How was it handled?
        show_if:
          item: complained
          values: [yes]
      - id: age
        type: number
        text: Your age
        min: 18
        max: 120
      - id: comment
        type: text
        text: Anything else?
        max_length: 500
  - id: summary
    title: Overall
    items:
      - id: overall
        type: likert5
        text: Overall?
        role: overall
      - id: gender
        type: single
        text: Your gender
        role: demographic
        weighting_variable: gender
        options:
          female: Female
          male: Male
"""


def edited(old: str, new: str) -> str:
    assert VALID.count(old) == 1, f"{old!r} must occur once in VALID"
    return VALID.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "form.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def found(problems: list[Problem]) -> list[tuple[str, int, str]]:
    return [(problem.code, problem.line, problem.field) for problem in problems]


def test_valid_file_has_no_problem(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    assert questionnaires.check_file(path) == []
    questionnaire = questionnaires.load(path)
    assert questionnaire.item("handling").show_if == questionnaires.ShowIf("complained", ("yes",))
    assert [item.line for item in questionnaire.items] == [10, 16, 19, 25, 30, 37, 41]
    assert questionnaire.source == str(path)


CASES = [
    # The file itself.
    pytest.param("", None, [("empty_file", 1, "")], id="empty-file"),
    pytest.param("- a\n- b\n", None, [("not_mapping", 1, "")], id="top-level-list"),
    pytest.param("text: Did you complain?", "text: Did you: complain?", [("yaml_syntax", 18, "")],
                 id="yaml-colon-in-text"),
    pytest.param("      - id: age\n", "     - id: age\n", [("yaml_syntax", 25, "")], id="yaml-indentation"),
    # Top-level keys.
    pytest.param("title: A test\n", "title: A test\nlanguage: vi\n", [("unknown_key", 6, "language")],
                 id="unknown-top-level-key"),
    pytest.param("sector: health\n", "", [("missing_key", 1, "sector")], id="missing-top-level-key"),
    pytest.param("version: 1\n", "version: 1\nversion: 2\n", [("duplicate_key", 3, "version")],
                 id="duplicate-key"),
    pytest.param("id: test", "id: Test-1", [("bad_id", 1, "id")], id="id-format"),
    pytest.param("version: 1", "version: 0", [("bad_version", 2, "version")], id="version-zero"),
    pytest.param("version: 1", "version: 1.5", [("bad_version", 2, "version")], id="version-float"),
    pytest.param("version: 1", "version: '1'", [("bad_version", 2, "version")], id="version-string"),
    pytest.param("sector: health", "sector: police", [("bad_sector", 3, "sector")], id="sector"),
    pytest.param("target: 0.8", "target: 0", [("bad_target", 4, "target")], id="target-zero"),
    pytest.param("target: 0.8", "target: 80", [("bad_target", 4, "target")], id="target-percent"),
    pytest.param("target: 0.8", "target: high", [("bad_target", 4, "target")], id="target-text"),
    pytest.param("target: 0.8", "target: 0.8\ntarget_rule: more", [("bad_target_rule", 5, "target_rule")],
                 id="target-rule"),
    pytest.param("title: A test", "title:", [("empty_text", 5, "title")], id="empty-title"),
    # Sections.
    pytest.param("  - id: summary", "  - id: visit", [("duplicate_section", 34, "sections[visit].id")],
                 id="duplicate-section"),
    pytest.param("    title: Overall\n", "", [("missing_key", 34, "sections[summary].title")],
                 id="section-without-title"),
    # Item keys.
    pytest.param("type: yes_no", "type: likert6", [("bad_type", 17, "items[complained].type")], id="item-type"),
    pytest.param("text: Your age\n", "text: Your age\n        requried: false\n",
                 [("unknown_key", 28, "items[age].requried")], id="misspelled-item-key"),
    pytest.param("text: Your age\n", "text: Your age\n        colour: red\n",
                 [("unknown_key", 28, "items[age].colour")], id="unknown-item-key"),
    pytest.param("        text: What for?\n", "", [("missing_key", 10, "items[kind].text")], id="item-without-text"),
    pytest.param("text: What for?", "text:", [("empty_text", 12, "items[kind].text")], id="empty-item-text"),
    pytest.param("text: Your age\n", "text: Your age\n        required: maybe\n",
                 [("not_boolean", 28, "items[age].required")], id="required-not-boolean"),
    pytest.param("      - id: comment", "      - id: kind", [("duplicate_item", 30, "items[kind].id")],
                 id="duplicate-item"),
    pytest.param("      - id: comment", "      - id: 2nd_comment", [("bad_id", 30, "sections[visit].items[4].id")],
                 id="item-id-format"),
    # Options.
    pytest.param("        options:\n          land: Land\n          other: Other\n", "",
                 [("missing_options", 10, "items[kind].options")], id="single-without-options"),
    pytest.param("other: Other", "land: Other", [("duplicate_option", 15, "items[kind].options.land")],
                 id="duplicate-option"),
    pytest.param("          other: Other\n", "", [("too_few_options", 14, "items[kind].options")],
                 id="one-option"),
    pytest.param("land: Land", "Land!: Land", [("bad_code", 14, "items[kind].options.Land!")], id="option-code"),
    pytest.param("options:\n          land: Land\n          other: Other\n", "options: [land, other]\n",
                 [("not_mapping", 13, "items[kind].options")], id="options-as-list"),
    pytest.param("text: Did you complain?\n", "text: Did you complain?\n        options: {a: A, b: B}\n",
                 [("misplaced_key", 19, "items[complained].options")], id="options-on-yes-no"),
    # Roles and demographics.
    pytest.param("        role: overall\n", "", [("no_overall", 6, "sections")], id="no-overall"),
    pytest.param("text: How was it handled?\n", "text: How was it handled?\n        role: overall\n",
                 [("many_overall", 41, "items[overall].role")], id="two-overall"),
    pytest.param("text: Did you complain?\n", "text: Did you complain?\n        text: Again?\n",
                 [("duplicate_key", 19, "items[complained].text")], id="duplicate-item-key"),
    pytest.param("type: likert5\n        text: Overall?", "type: yes_no\n        text: Overall?",
                 [("overall_not_likert", 40, "items[overall].role")], id="overall-not-likert"),
    pytest.param("role: overall", "role: main",
                 [("no_overall", 6, "sections"), ("bad_role", 40, "items[overall].role")], id="unknown-role"),
    pytest.param("        weighting_variable: gender\n", "",
                 [("missing_weighting", 44, "items[gender].weighting_variable")], id="demographic-without-variable"),
    pytest.param("max: 120\n", "max: 120\n        weighting_variable: age\n",
                 [("misplaced_weighting", 30, "items[age].weighting_variable")], id="variable-without-demographic"),
    pytest.param("type: single\n        text: Your gender", "type: text\n        text: Your gender",
                 [("demographic_type", 42, "items[gender].type"), ("misplaced_key", 46, "items[gender].options")],
                 id="demographic-text"),
    # Skip logic.
    pytest.param("item: complained", "item: complaint", [("show_if_unknown", 23, "items[handling].show_if.item")],
                 id="show-if-unknown-item"),
    pytest.param("item: complained", "item: age", [("show_if_later", 23, "items[handling].show_if.item")],
                 id="show-if-later-item"),
    pytest.param("item: complained", "item: handling", [("show_if_later", 23, "items[handling].show_if.item")],
                 id="show-if-itself"),
    pytest.param("values: [yes]", "values: [maybe]", [("show_if_value", 24, "items[handling].show_if.values")],
                 id="show-if-value"),
    pytest.param("max_length: 500\n", "max_length: 500\n        show_if: {item: age, values: ['30']}\n",
                 [("show_if_target_type", 34, "items[comment].show_if.item")], id="show-if-on-number"),
    pytest.param("          values: [yes]\n", "", [("missing_key", 23, "items[handling].show_if.values")],
                 id="show-if-without-values"),
    # Numbers and text.
    pytest.param("min: 18", "min: 150", [("bad_range", 28, "items[age].min")], id="min-above-max"),
    pytest.param("min: 18", "min: eighteen", [("not_number", 28, "items[age].min")], id="min-not-number"),
    pytest.param("max_length: 500", "max_length: 0", [("bad_max_length", 33, "items[comment].max_length")],
                 id="max-length-zero"),
    pytest.param("max_length: 500", "max_length: many", [("bad_max_length", 33, "items[comment].max_length")],
                 id="max-length-text"),
    pytest.param("min: 18\n        max: 120\n", "max_length: 3\n",
                 [("misplaced_key", 28, "items[age].max_length")], id="max-length-on-number"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_problem_code_line_and_field(tmp_path: Path, old: str, new: str | None,
                                     expected: list[tuple[str, int, str]]) -> None:
    text = old if new is None else edited(old, new)
    path = write(tmp_path, text)
    problems = questionnaires.check_file(path)
    assert found(problems) == expected
    assert all(problem.file == str(path) for problem in problems)
    with pytest.raises(QuestionnaireError) as raised:
        questionnaires.load(path)
    assert raised.value.problems == tuple(problems)


def test_misspelled_key_names_the_key_and_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, edited("text: Your age\n", "text: Your age\n        requried: false\n"))
    [problem] = questionnaires.check_file(path)
    assert str(problem) == (f"{path}:28: items[age].requried: "
                            "The key 'requried' is not known here. Did you mean 'required'?")


def test_unknown_type_message_lists_the_types(tmp_path: Path) -> None:
    [problem] = questionnaires.check_file(write(tmp_path, edited("type: yes_no", "type: likert6")))
    assert problem.message == ("Item 'complained' has type 'likert6'. "
                               "Use one of: likert5, yes_no, single, multi, number, text.")


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = (VALID.replace("target: 0.8", "target: 2")
            .replace("type: yes_no", "type: yesno")
            .replace("        min: 18\n", "        minimum: 18\n")
            .replace("      - id: comment", "      - id: kind")
            .replace("        role: overall\n", ""))
    problems = questionnaires.check_file(write(tmp_path, text))
    assert found(problems) == [
        ("bad_target", 4, "target"),
        ("no_overall", 6, "sections"),
        ("bad_type", 17, "items[complained].type"),
        ("unknown_key", 28, "items[age].minimum"),
        ("duplicate_item", 30, "items[kind].id"),
    ]
    with pytest.raises(QuestionnaireError) as raised:
        questionnaires.parse(text, "form.yaml")
    assert str(raised.value).splitlines()[0].startswith("form.yaml:4: target: The target must be")


def test_yes_no_codes_are_not_read_as_booleans(tmp_path: Path) -> None:
    """YAML 1.1 reads ``no`` as False and ``18_29`` as 1829; codes must stay as written."""
    text = edited("          female: Female\n          male: Male\n", "          no: None\n          18_29: Young\n")
    questionnaire = questionnaires.load(write(tmp_path, text))
    assert [option.code for option in questionnaire.item("gender").options] == ["no", "18_29"]


def test_unreadable_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    assert found(questionnaires.check_file(missing)) == [("unreadable", 0, "")]
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("title: Tày".encode("latin-1"))
    assert found(questionnaires.check_file(latin1)) == [("unreadable", 0, "")]
    with pytest.raises(QuestionnaireError):
        questionnaires.load(missing)


def test_load_directory_reports_every_file_and_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, "# the same questionnaire again\n" + VALID, "b.yaml")
    write(tmp_path, edited("sector: health", "sector: police"), "c.yaml")
    with pytest.raises(QuestionnaireError) as raised:
        questionnaires.load_directory(tmp_path)
    assert [(Path(p.file).name, p.code, p.line) for p in raised.value.problems] == [
        ("b.yaml", "duplicate_questionnaire", 2),
        ("c.yaml", "bad_sector", 3),
    ]
    assert "also used in" in raised.value.problems[0].message


def test_load_directory_keys_by_id(tmp_path: Path) -> None:
    write(tmp_path, VALID, "first.yaml")
    write(tmp_path, edited("id: test", "id: other"), "second.yaml")
    write(tmp_path, "not: a questionnaire", "ignored.yml")
    assert sorted(questionnaires.load_directory(tmp_path)) == ["other", "test"]
