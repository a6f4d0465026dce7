"""Babel extractor for questionnaire YAML, so questionnaire texts are translated like every other string.

``pybabel extract`` calls `extract_questionnaire` for files mapped to the ``questionnaire`` method
(registered in setup.cfg; babel.cfg maps ``[questionnaire: questionnaires/**.yaml]``). It yields every text a
respondent reads, at the line where it is written, with a translator comment naming the questionnaire and
the item: the same English words may need different translations in different places, and the translator
sees neither the form nor the YAML. The fixed answer labels (Likert scale, yes/no, not applicable) come from
`questionnaires.model` and are yielded at the first item that shows them.

Extraction reads the YAML nodes directly, without the loader's checks, so a file with a mistake still gives
its texts; only a file that is not YAML at all stops extraction, with a `QuestionnaireError`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .builder import NULL, scalar_text
from .errors import QuestionnaireError
from .loader import compose
from .model import LIKERT_LABELS, NOT_APPLICABLE_LABEL, YES_NO_LABELS

#: Babel's extraction result: line number, function name (none here), message, translator comments.
Message = tuple[int, str | None, str, list[str]]


def extract_questionnaire(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                          options: Mapping[str, Any]) -> Iterator[Message]:
    """Yield ``(lineno, None, text, [comment])`` for every translatable text of one questionnaire file.

    ``keywords`` and ``comment_tags`` concern source code and are ignored; ``options`` may give the file
    ``encoding`` (default UTF-8).
    """
    raw = fileobj.read()
    text = raw.decode(options.get("encoding", "utf-8-sig")) if isinstance(raw, bytes) else raw
    root, problems = compose(text, str(getattr(fileobj, "name", "<questionnaire>")))
    if problems:
        raise QuestionnaireError(problems)
    for line, message, comment in _texts(root):
        yield line, None, message, [comment]


def _pairs(node: Node | None) -> dict[str, Node]:
    if not isinstance(node, MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value}


def _entries(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _name(node: Node | None) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else "?"


def _text(node: Node | None, comment: str) -> Iterator[tuple[int, str, str]]:
    if isinstance(node, ScalarNode) and node.tag != NULL and scalar_text(node):
        yield node.start_mark.line + 1, scalar_text(node), comment


def _texts(root: Node | None) -> Iterator[tuple[int, str, str]]:
    """``(line, text, comment)`` in file order, then the fixed labels of the answer types used."""
    top = _pairs(root)
    where = f"Questionnaire {_name(top.get('id'))}"
    yield from _text(top.get("title"), f"{where}: title")
    yield from _text(top.get("intro"), f"{where}: introduction")
    first_use: dict[str, int] = {}
    for section_node in _entries(top.get("sections")):
        section = _pairs(section_node)
        in_section = f"{where}, section {_name(section.get('id'))}"
        yield from _text(section.get("title"), f"{in_section}: title")
        yield from _text(section.get("intro"), f"{in_section}: introduction")
        for item_node in _entries(section.get("items")):
            item = _pairs(item_node)
            in_item = f"{where}, item {_name(item.get('id'))}"
            yield from _text(item.get("note"), f"{in_item}: note shown before the question")
            yield from _text(item.get("text"), f"{in_item}: question")
            yield from _text(item.get("help"), f"{in_item}: help below the question")
            options = item.get("options")
            for code, label in options.value if isinstance(options, MappingNode) else []:
                yield from _text(label, f"{in_item}: answer '{_name(code)}'")
            type_node = item.get("type")
            if isinstance(type_node, ScalarNode):
                first_use.setdefault(str(type_node.value), type_node.start_mark.line + 1)
    yield from _fixed_labels(where, first_use)


def _fixed_labels(where: str, first_use: dict[str, int]) -> Iterator[tuple[int, str, str]]:
    if "likert5" in first_use:
        comment = f"{where}: answer of every likert5 (satisfaction) question"
        for _, label in LIKERT_LABELS:
            yield first_use["likert5"], label, comment
        yield first_use["likert5"], NOT_APPLICABLE_LABEL, comment
    if "yes_no" in first_use:
        for _, label in YES_NO_LABELS:
            yield first_use["yes_no"], label, f"{where}: answer of every yes_no question"
