"""Import an XLSForm workbook, and write any questionnaire as our YAML so a converted form can be committed.

Many survey teams draft in XLSForm (https://xlsform.org): sheets ``survey`` (type, name, label, hint,
required, relevant), ``choices`` (list_name, name, label) and ``settings`` (form_id, version, form_title).
We read the subset that maps onto our model, plus our columns ``dimension``, ``role``,
``weighting_variable``, ``min``, ``max``, ``max_length`` in ``survey`` and ``sector``, ``target``, ``intro``
in ``settings``. Types: ``likert5``, ``yes_no``, ``select_one L`` (single), ``select_multiple L`` (multi),
``integer``/``decimal`` (number), ``text``; ``begin group``/``end group`` make sections. ``relevant`` may
only be ``${item} = 'value'``, possibly joined with ``or``. Blank ``required`` means optional, as in XLSForm.

Cells become YAML nodes marked with ``workbook:sheet`` and their row, then go through the same builder as a
YAML file, so a workbook gets the same checks and messages, with spreadsheet rows for lines.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .builder import build
from .errors import Problem, QuestionnaireError
from .model import Item, Questionnaire

SURVEY_COLUMNS = {"name": "id", "label": "text", "hint": "help"}
GROUP_COLUMNS = {"name": "id", "label": "title", "hint": "intro"}
SETTINGS_COLUMNS = {"form_id": "id", "form_title": "title"}
TYPES = {"integer": "number", "decimal": "number", "select_one": "single", "select_multiple": "multi"}
CONDITION = re.compile(r"\$\{(\w+)\}\s*=\s*'?([\w.-]*)'?")
TRUE, FALSE = ("yes", "true", "true()", "1"), ("no", "false", "false()", "0")

Row = dict[str, tuple[object, Mark]]
_RESOLVER = Resolver()


def _scalar(value: object, mark: Mark) -> ScalarNode:
    """A scalar node as YAML would have composed the cell's text (numbers and booleans typed)."""
    if isinstance(value, bool):
        return ScalarNode("tag:yaml.org,2002:bool", str(value).lower(), mark, mark)
    if isinstance(value, int | float):
        tag = "int" if isinstance(value, int) or value.is_integer() and abs(value) < 1e15 else "float"
        text = str(int(value)) if tag == "int" else repr(value)
        return ScalarNode(f"tag:yaml.org,2002:{tag}", text, mark, mark)
    text = str(value).strip()
    return ScalarNode(_RESOLVER.resolve(ScalarNode, text, (True, False)), text, mark, mark)


def _flag(value: object) -> object:
    """XLSForm's spellings of yes and no as booleans; anything else is left for the builder to report."""
    text = str(value).strip().lower()
    return True if text in TRUE else False if text in FALSE else value


def _mapping(pairs: list[tuple[str, Node]], mark: Mark) -> MappingNode:
    return MappingNode("tag:yaml.org,2002:map", [(_scalar(key, node.start_mark), node) for key, node in pairs],
                       mark, mark)


def _rows(sheet: Any, name: str) -> Iterator[Row]:
    """Non-blank rows as ``{column: (value, mark)}``; marks name ``workbook:sheet`` and the row."""
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, ())]
    for number, cells in enumerate(rows, start=2):
        row = {column: (cell, Mark(name, 0, number - 1, index, None, 0))
               for index, (column, cell) in enumerate(zip(header, cells, strict=False))
               if column and cell is not None and str(cell).strip() != ""}
        if row:
            yield row


class _Reader:
    """Turns the three sheets into the node tree of a questionnaire, reporting what only XLSForm can get wrong."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def report(self, mark: Mark, field: str, code: str, **params: object) -> None:
        self.problems.append(Problem.of(str(mark.name), mark.line + 1, field, code, **params))

    def choices(self, rows: Iterator[Row]) -> dict[str, list[tuple[Node, Node]]]:
        lists: dict[str, list[tuple[Node, Node]]] = {}
        for row in rows:
            if {"list_name", "name", "label"} <= row.keys():
                name, label = row["name"], row["label"]
                lists.setdefault(str(row["list_name"][0]).strip(), []).append(
                    (_scalar(name[0], name[1]), _scalar(label[0], label[1])))
        return lists

    def item(self, row: Row, lists: dict[str, list[tuple[Node, Node]]]) -> MappingNode:
        path = f"items[{str(row['name'][0]).strip()}]" if "name" in row else "items[?]"
        pairs: list[tuple[str, Node]] = []
        for column, (value, mark) in row.items():
            if column == "type":
                kind, _, list_name = str(value).strip().partition(" ")
                pairs.append(("type", _scalar(TYPES.get(kind, kind), mark)))
                if kind in ("select_one", "select_multiple"):
                    options = lists.get(list_name.strip())
                    if options is None:
                        self.report(mark, f"{path}.type", "unknown_choice_list", list=list_name.strip())
                    pairs.append(("options", MappingNode("tag:yaml.org,2002:map", options or [], mark, mark)))
            elif column == "required":
                pairs.append(("required", _scalar(_flag(value), mark)))
            elif column == "relevant":
                rule = self.condition(str(value), mark, f"{path}.relevant")
                pairs.extend([("show_if", rule)] if rule is not None else [])
            else:
                pairs.append((SURVEY_COLUMNS.get(column, column), _scalar(value, mark)))
        mark = next(iter(row.values()))[1]
        if "required" not in row:
            pairs.append(("required", _scalar(False, mark)))
        return _mapping(pairs, mark)

    def condition(self, text: str, mark: Mark, field: str) -> Node | None:
        """``${q} = 'a' or ${q} = 'b'`` → ``show_if: {item: q, values: [a, b]}``."""
        matches = [CONDITION.fullmatch(part.strip()) for part in re.split(r"\s+or\s+", text.strip())]
        targets = {match.group(1) for match in matches if match}
        if not all(matches) or len(targets) != 1:
            self.report(mark, field, "unsupported_relevant", value=text)
            return None
        values = SequenceNode("tag:yaml.org,2002:seq",
                              [_scalar(match.group(2), mark) for match in matches if match], mark, mark)
        return _mapping([("item", _scalar(targets.pop(), mark)), ("values", values)], mark)

    def sections(self, rows: Iterator[Row], lists: dict[str, list[tuple[Node, Node]]],
                 title: Node | None) -> list[Node]:
        """Groups become sections; items outside any group go to a section ``main`` titled like the form."""
        sections: list[tuple[list[tuple[str, Node]], list[Node], Mark]] = []
        current: list[Node] | None = None
        for row in rows:
            kind = str(row.get("type", ("", None))[0]).strip().replace("_", " ")
            mark = next(iter(row.values()))[1]
            if kind == "end group":
                current = None
                continue
            if kind == "begin group" or current is None:
                head: list[tuple[str, Node]] = [("id", _scalar("main", mark))] + ([("title", title)] if title else [])
                if kind == "begin group":
                    head = [(GROUP_COLUMNS.get(column, column), _scalar(value, cell))
                            for column, (value, cell) in row.items() if column != "type"]
                current = []
                sections.append((head, current, mark))
            if kind != "begin group":
                current.append(self.item(row, lists))
        return [_mapping([*head, ("items", SequenceNode("tag:yaml.org,2002:seq", items, mark, mark))], mark)
                for head, items, mark in sections]


def read_workbook(path: str | os.PathLike[str]) -> tuple[Questionnaire | None, list[Problem]]:
    """The questionnaire of an XLSForm workbook, or ``None`` and every problem."""
    import openpyxl  # only needed here; the web layer never imports this module

    file = os.fspath(path)
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        return None, [Problem.of(file, 0, "", "unreadable", detail=str(error))]
    reader = _Reader()
    missing = [name for name in ("survey", "settings") if name not in book.sheetnames]
    for name in missing:
        reader.problems.append(Problem.of(file, 0, "", "missing_sheet", sheet=name))
    if missing:
        return None, reader.problems
    lists = reader.choices(_rows(book["choices"], f"{file}:choices")) if "choices" in book.sheetnames else {}
    settings = next(_rows(book["settings"], f"{file}:settings"), {})
    top: list[tuple[str, Node]] = [(SETTINGS_COLUMNS.get(column, column), _scalar(value, mark))
                                   for column, (value, mark) in settings.items()]
    start = Mark(f"{file}:survey", 0, 0, 0, None, 0)
    sections = reader.sections(_rows(book["survey"], f"{file}:survey"), lists, dict(top).get("title"))
    top.append(("sections", SequenceNode("tag:yaml.org,2002:seq", sections, start, start)))
    book.close()
    questionnaire, problems = build(_mapping(top, start), file)
    problems = sorted(reader.problems + problems, key=lambda problem: (problem.file, problem.line))
    return (None if problems else questionnaire), problems


def load_workbook(path: str | os.PathLike[str]) -> Questionnaire:
    """Like `read_workbook`, raising `QuestionnaireError` with every problem."""
    questionnaire, problems = read_workbook(path)
    if questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire


def _item_data(item: Item) -> dict[str, object]:
    """The keys of an item that differ from the model's defaults, in our file's order."""
    data: dict[str, object] = {"id": item.id, "type": item.type, "text": item.text}
    if not item.required:
        data["required"] = False
    optional = {"help": item.help, "dimension": item.dimension, "role": item.role,
                "weighting_variable": item.weighting_variable, "min": item.min, "max": item.max}
    data.update((key, value) for key, value in optional.items() if value is not None)
    if item.type == "text":
        data["max_length"] = item.max_length
    if item.options:
        data["options"] = {option.code: option.label for option in item.options}
    if item.show_if is not None:
        data["show_if"] = {"item": item.show_if.item, "values": list(item.show_if.values)}
    return data


def to_yaml(questionnaire: Questionnaire, comment: str = "") -> str:
    """Our YAML text for a questionnaire, which `questionnaires.loader.parse` reads back to an equal model.

    ``comment`` becomes the header comment (say where the form came from and which instrument it follows).
    """
    data: dict[str, object] = {"id": questionnaire.id, "version": questionnaire.version,
                               "sector": questionnaire.sector, "target": questionnaire.target,
                               "target_rule": questionnaire.target_rule, "title": questionnaire.title}
    if questionnaire.intro:
        data["intro"] = questionnaire.intro
    data["sections"] = [
        {"id": section.id, "title": section.title, **({"intro": section.intro} if section.intro else {}),
         "items": [_item_data(item) for item in section.items]}
        for section in questionnaire.sections
    ]
    header = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
