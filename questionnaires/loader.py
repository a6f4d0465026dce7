"""Read questionnaire files: YAML text → nodes with line numbers → checked `Questionnaire`.

The file is *composed* (parsed into PyYAML nodes, which keep their line) rather than loaded into plain
dicts, so that every problem found later can say on which line it is. All problems are collected before
anything is raised: an author fixing a file should see the whole list at once, as a compiler shows it.
An ``.xlsx`` path is read as an XLSForm workbook (see `questionnaires.xlsform`) with the same rules.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node

from .builder import build
from .errors import Problem, QuestionnaireError
from .model import Questionnaire

PACKAGE_DIR = Path(__file__).parent

StrPath = str | os.PathLike[str]


def compose(text: str, file: str) -> tuple[Node | None, list[Problem]]:
    """The node tree of a YAML text, or ``None`` and the syntax problem."""
    stream = io.StringIO(text)
    stream.name = file  # PyYAML names its marks after the stream
    try:
        return yaml.compose(stream, Loader=yaml.SafeLoader), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = ", ".join(str(part) for part in (error.context, error.problem) if part)
        return None, [Problem.of(file, mark.line + 1 if mark else 0, "", "yaml_syntax", detail=detail)]
    except yaml.YAMLError as error:  # a reader error: a character YAML does not allow
        return None, [Problem.of(file, 0, "", "yaml_syntax", detail=str(error))]


def _check_text(text: str, file: str) -> tuple[Questionnaire | None, list[Problem], Node | None]:
    root, problems = compose(text, file)
    if problems:
        return None, problems, None
    questionnaire, problems = build(root, file)
    return questionnaire, problems, root


def _check_path(path: StrPath) -> tuple[Questionnaire | None, list[Problem], Node | None]:
    file = os.fspath(path)
    if file.endswith(".xlsx"):
        from .xlsform import read_workbook  # openpyxl is only imported when a workbook is read

        questionnaire, problems = read_workbook(path)
        return questionnaire, problems, None
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem.of(file, 0, "", "unreadable", detail=str(error))], None
    return _check_text(text, file)


def parse(text: str, file: str = "<string>") -> Questionnaire:
    """The questionnaire written in YAML ``text``; ``file`` names it in problems.

    :raises QuestionnaireError: with every problem found.
    """
    questionnaire, problems, _ = _check_text(text, file)
    if questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire


def load(path: StrPath) -> Questionnaire:
    """The questionnaire of a YAML file (or an XLSForm ``.xlsx`` workbook).

    :raises QuestionnaireError: with every problem found, including an unreadable file.
    """
    questionnaire, problems, _ = _check_path(path)
    if questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire


def check_file(path: StrPath) -> list[Problem]:
    """Every problem of a questionnaire file, empty when it is valid. Never raises for a bad file."""
    return _check_path(path)[1]


def load_directory(path: StrPath | None = None) -> dict[str, Questionnaire]:
    """Every ``*.yaml`` questionnaire of a directory (default: the shipped ones), keyed by questionnaire id.

    :raises QuestionnaireError: with the problems of all files together, including two files with one id.
    """
    directory = Path(path) if path is not None else PACKAGE_DIR
    found: dict[str, Questionnaire] = {}
    problems: list[Problem] = []
    for file in sorted(directory.glob("*.yaml")):
        questionnaire, file_problems, root = _check_path(file)
        problems.extend(file_problems)
        if questionnaire is None:
            continue
        if questionnaire.id in found:
            problems.append(Problem.of(str(file), _key_line(root, "id"), "id", "duplicate_questionnaire",
                                       id=questionnaire.id, other=found[questionnaire.id].source))
            continue
        found[questionnaire.id] = questionnaire
    if problems:
        raise QuestionnaireError(problems)
    return found


def _key_line(root: Node | None, key: str) -> int:
    if isinstance(root, MappingNode):
        for key_node, _ in root.value:
            if key_node.value == key:
                return int(key_node.start_mark.line) + 1
    return 0
