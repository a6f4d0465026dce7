"""The Babel extractor finds every text of a questionnaire, at its line, with context for the translator.

Run through Babel's own entry points (`extract_from_file`, `extract_from_dir`), as ``pybabel extract -F
babel.cfg`` does with the mapping ``[questionnaire: questionnaires/**.yaml]``.
"""

from __future__ import annotations

import configparser
import io
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir, extract_from_file

import questionnaires
from questionnaires import LIKERT_LABELS, NOT_APPLICABLE_LABEL, YES_NO_LABELS, QuestionnaireError
from questionnaires.babel import extract_questionnaire

METHOD = "questionnaires.babel:extract_questionnaire"
PACKAGE = Path(questionnaires.__file__).parent
ROOT = PACKAGE.parent
FIXED = {label for _, label in LIKERT_LABELS + YES_NO_LABELS} | {NOT_APPLICABLE_LABEL}
SHIPPED = sorted(PACKAGE.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_every_text_is_extracted_in_order(path: Path) -> None:
    messages = [message for _, message, _, _ in extract_from_file(METHOD, path)]
    assert messages == list(questionnaires.load(path).texts())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_line_numbers_point_at_the_text(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for lineno, message, _, _ in extract_from_file(METHOD, path):
        line = lines[lineno - 1]
        if message in FIXED:  # shown with the first item of its answer type
            assert line.strip() in ("type: likert5", "type: yes_no"), (lineno, message)
        elif line.endswith(">-"):  # folded text starts on the next line
            assert message.startswith(lines[lineno].strip()), (lineno, message)
        else:
            assert line.endswith(": " + message), (lineno, message)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_comments_name_the_questionnaire_and_item(path: Path) -> None:
    form = questionnaires.load(path)
    results = extract_from_file(METHOD, path)
    assert all(comments[0].startswith(f"Questionnaire {form.id}") for _, _, comments, _ in results)
    by_line = {lineno: comments for lineno, message, comments, _ in results if message not in FIXED}
    for item in form.items:
        assert by_line[item.line + 2] == [f"Questionnaire {form.id}, item {item.id}: question"]


def test_comments_for_help_options_and_fixed_labels() -> None:
    results = extract_from_file(METHOD, PACKAGE / "one_stop.yaml")
    comments = {message: comments[0] for _, message, comments, _ in results}
    assert comments["H'Mông"] == "Questionnaire one_stop, item ethnicity: answer 'hmong'"
    assert comments["Please do not write your name or phone number."] == (
        "Questionnaire one_stop, item comment: help below the question")
    assert comments["Not applicable"] == "Questionnaire one_stop: answer of every likert5 (satisfaction) question"
    assert comments["Yes"] == "Questionnaire one_stop: answer of every yes_no question"


def test_extract_from_dir_with_the_babel_cfg_pattern(tmp_path: Path) -> None:
    target = tmp_path / "questionnaires"
    target.mkdir()
    for path in SHIPPED:
        shutil.copy(path, target / path.name)
    found = list(extract_from_dir(tmp_path, [("questionnaires/**.yaml", METHOD)]))
    assert {filename for filename, *_ in found} == {f"questionnaires/{path.name}" for path in SHIPPED}
    title = "Your visit to the hospital or health station"
    line = (PACKAGE / "health.yaml").read_text(encoding="utf-8").splitlines().index(f"title: {title}") + 1
    assert ("questionnaires/health.yaml", line, title, ["Questionnaire health: title"], None) in found


def test_the_extractor_is_registered_in_setup_cfg() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options.entry_points"]["babel.extractors"].split("\n")
    assert f"questionnaire = {METHOD}" in [line.strip() for line in lines]


def test_a_file_with_mistakes_still_gives_its_texts() -> None:
    source = b"id: draft\ntitle: Draft\nsections:\n  - id: s\n    items:\n      - id: q\n        type: yes_no\n"
    source += b"        text: Is it a draft?\n        requried: true\n"
    results = list(extract(METHOD, io.BytesIO(source)))
    assert [(lineno, message) for lineno, message, _, _ in results] == [
        (2, "Draft"), (8, "Is it a draft?"), (7, "Yes"), (7, "No")]


def test_invalid_yaml_stops_extraction_with_the_line() -> None:
    with pytest.raises(QuestionnaireError) as raised:
        list(extract_questionnaire(io.BytesIO(b"title: [unclosed\n"), ["_"], [], {}))
    assert raised.value.problems[0].code == "yaml_syntax"
