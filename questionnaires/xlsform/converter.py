"""Convert the sheets of an XLSForm workbook into a questionnaire, accounting for every survey row.

Cells become YAML nodes marked with ``workbook:sheet`` and their row, then go through the same builder as a
YAML file, so a workbook gets the same checks as a file, with spreadsheet rows for lines. What XLSForm
cannot say about a satisfaction survey (sector, target, which question is the overall one, which questions
are demographics and which lists are 5-point scales) comes from `Options`, given on the command line, or
from ``sector``/``target`` columns in settings and ``role``/``dimension``/``weighting_variable`` columns.

Nothing is dropped quietly: every row of the survey sheet ends as an item, a section, or a warning naming
it (`Conversion.rows` says which), and what cannot be converted is refused with its sheet, row and column.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..builder import build
from ..errors import Problem
from ..model import SECTORS, Questionnaire
from . import dialect
from .expressions import NotUnderstood, parse, translate
from .reader import Book, Sheet, column_letter, read_book

#: ``relevant`` constants: always shown (no rule), never shown (the row is left out with a warning).
ALWAYS, NEVER = ("true()", "true", "1", "yes"), ("false()", "false", "0", "no")
TRUE, FALSE = ("yes", "true", "true()", "1", "y"), ("no", "false", "false()", "0", "n", "")
LIKERT_CODES = ("1", "2", "3", "4", "5")
#: Our own survey columns, read as they are (see the README's XLSForm section).
OWN_COLUMNS = ("dimension", "role", "weighting_variable", "min", "max", "max_length")
_RESOLVER = Resolver()


@dataclass(frozen=True)
class Options:
    """What the command line adds to a workbook; each may also come from the workbook itself."""

    sector: str | None = None
    target: float | None = None
    overall: str | None = None
    demographics: tuple[tuple[str, str], ...] = ()
    likert: tuple[str, ...] = ()


@dataclass
class Conversion:
    """The outcome: ``questionnaire`` or ``None`` with ``problems``; ``warnings`` about what was left out;
    ``rows`` maps each survey row number to ``item``, ``section`` or ``warning``; ``texts`` maps a language
    code to ``{text in the questionnaire: text in that language}`` for the catalogs."""

    questionnaire: Questionnaire | None
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[int, str] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    language: str = ""


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


def _text(value: object, mark: Mark) -> ScalarNode:
    """A text, never typed: ``Yes`` stays the word."""
    return ScalarNode("tag:yaml.org,2002:str", str(value).strip(), mark, mark)


def _node(value: object, mark: Mark) -> Node:
    """Plain Python data (a translated rule) as nodes at ``mark``."""
    if isinstance(value, dict):
        return _mapping([(key, _node(item, mark)) for key, item in value.items()], mark)
    if isinstance(value, list):
        return SequenceNode("tag:yaml.org,2002:seq", [_node(item, mark) for item in value], mark, mark)
    return _scalar(value, mark) if isinstance(value, int | float) else _text(value, mark)


def _mapping(pairs: list[tuple[str, Node]], mark: Mark) -> MappingNode:
    return MappingNode("tag:yaml.org,2002:map", [(_text(key, node.start_mark), node) for key, node in pairs],
                       mark, mark)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class _Row:
    number: int
    cells: dict[str, object]  # base column (language-less) → value, for the main language
    texts: dict[str, dict[str, str]]  # text column → language → text
    marks: dict[str, Mark]


class _Sheet:
    """A sheet's header read once: columns by base name, duplicates, languages, media and unknown columns."""

    def __init__(self, book: Book, sheet: Sheet, conversion: Conversion) -> None:
        self.name = f"{book.file}:{sheet.name}"
        self.sheet = sheet
        self.conversion = conversion
        numbers = sorted(sheet.rows)
        self.header_row = numbers[0] if numbers else 1
        header = sheet.rows.get(self.header_row, [])
        self.columns: dict[int, dialect.Column] = {}
        seen: dict[tuple[str, str | None], str] = {}
        for index, cell in enumerate(header):
            if cell is None:
                continue
            found = dialect.column(cell)
            key = (found.base, found.language)
            if key in seen:
                self.problem(self.header_row, index, "duplicate_column", column=found.header, first=seen[key])
                continue
            seen[key] = column_letter(index)
            self.columns[index] = found
        for ref in sheet.merged:
            self.conversion.problems.append(Problem.of(self.name, int(re.sub(r"\D", "", ref.split(":")[0])),
                                                       ref, "merged_cells", cells=ref))
        for row, col in sheet.formulas:
            self.problem(row, col - 1, "formula_without_value", cell=f"{column_letter(col - 1)}{row}")

    def problem(self, row: int, index: int, code: str, **params: object) -> None:
        header = self.columns.get(index)
        where = f"{column_letter(index)} ({header.header})" if header else column_letter(index)
        self.conversion.problems.append(Problem.of(self.name, row, where, code, **params))

    def languages(self) -> set[str]:
        return {found.language for found in self.columns.values() if found.language}

    def bases(self) -> set[str]:
        return {found.base for found in self.columns.values()}

    def rows(self, language: str | None) -> list[_Row]:
        """Data rows: for each text column the text in ``language`` (or the plain column), others as they are."""
        result = []
        for number in sorted(self.sheet.rows):
            if number <= self.header_row:
                continue
            cells: dict[str, object] = {}
            texts: dict[str, dict[str, str]] = {}
            marks: dict[str, Mark] = {}
            for index, value in enumerate(self.sheet.rows[number]):
                found = self.columns.get(index)
                if found is None or value is None:
                    continue
                mark = Mark(self.name, 0, number - 1, index, None, 0)
                if found.base in dialect.TEXT_COLUMNS:
                    texts.setdefault(found.base, {})[found.language or ""] = _cell_text(value)
                    marks.setdefault(found.base, mark)
                else:
                    cells[found.base] = value
                    marks[found.base] = mark
            for base, by_language in texts.items():
                chosen = by_language.get(language or "") or by_language.get("") or next(iter(by_language.values()))
                cells[base] = chosen
            if cells:
                result.append(_Row(number, cells, texts, marks))
        return result


def _main_language(settings: dict[str, object], languages: set[str], plain: bool) -> str:
    """The language whose texts the questionnaire is written in (the others go to catalogs)."""
    default = settings.get("default_language")
    if default:
        return dialect.language_code(str(default))
    if plain or not languages:
        return ""
    return "en" if "en" in languages else sorted(languages)[0]


def convert(path: str | os.PathLike[str], options: Options | None = None) -> Conversion:
    """Read and convert a workbook; never raises for anything a file can contain."""
    book, problems = read_book(path)
    conversion = Conversion(None, problems)
    if book is None:
        return conversion
    try:
        _Converter(book, options or Options(), conversion).run()
    except RecursionError:
        conversion.problems.append(Problem.of(book.file, 0, "", "too_deep"))
    conversion.problems.sort(key=lambda problem: (problem.file, problem.line))
    if conversion.problems:
        conversion.questionnaire = None
    return conversion


class _Converter:
    def __init__(self, book: Book, options: Options, conversion: Conversion) -> None:
        self.book = book
        self.options = options
        self.conversion = conversion
        self.file = book.file
        self.unknown_lists = False
        self.repeat_depth = 0
        self.refused_names: set[str] = set()
        self.suggested: set[str] = set()
        self.notes: list[_Row] = []

    def problem(self, row: _Row | None, sheet: str, column: str, code: str, **params: object) -> None:
        self.conversion.problems.append(Problem.of(f"{self.file}:{sheet}", row.number if row else 0, column, code,
                                                   **params))

    def warn(self, sheet: str, row: int, column: str, code: str, **params: object) -> None:
        """Something left out that the author should know of, located like a problem."""
        self.conversion.warnings.append(Problem.of(f"{self.file}:{sheet}", row, column, code, **params))

    def run(self) -> None:
        sheets = self.book.sheets
        if "survey" not in sheets:
            self.conversion.problems.append(Problem.of(self.file, 0, "", "missing_sheet", sheet="survey"))
            return
        survey = _Sheet(self.book, sheets["survey"], self.conversion)
        choices = _Sheet(self.book, sheets["choices"], self.conversion) if sheets.get("choices", Sheet("")).rows \
            else None
        settings_sheet = _Sheet(self.book, sheets["settings"], self.conversion) if "settings" in sheets else None
        settings_rows = settings_sheet.rows(None) if settings_sheet else []
        settings = settings_rows[0].cells if settings_rows else {}
        settings_row = settings_rows[0] if settings_rows else None
        if "type" not in survey.bases():
            self.problem(None, survey.sheet.name, "type", "missing_column", column_name="type")
            return
        languages = survey.languages() | (choices.languages() if choices else set())
        plain = "label" in survey.bases() and any(
            found.base == "label" and found.language is None for found in survey.columns.values())
        self.language = _main_language(settings, languages, plain)
        self.conversion.language = self.language
        self.languages = sorted(languages - {self.language})
        self.lists = self.read_choices(choices) if choices else {}
        rows = self.survey_rows = survey.rows(self.language)
        self.check_columns(survey)
        self.names = self.read_names(rows)
        sections = self.sections(rows, settings, survey.sheet.name)
        top = self.top(settings, settings_row, sections)
        start = Mark(f"{self.file}:{survey.sheet.name}", 0, 0, 0, None, 0)
        top[-1] = ("sections", SequenceNode("tag:yaml.org,2002:seq", top[-1][1].value, start, start))
        if not sections and not self.conversion.problems:
            self.problem(None, survey.sheet.name, "type", "no_questions")
        questionnaire, problems = build(_mapping(top, start), f"{self.file}:survey")
        problems = [problem for problem in problems if not (problem.code == "empty_list" and not sections)]
        self.conversion.problems.extend(_as_columns(problem) for problem in problems
                                        if (problem.code != "no_overall" or self.options.overall) and not (
                                            problem.code == "missing_options" and self.unknown_lists) and not (
                                            problem.code == "show_if_unknown"
                                            and problem.params.get("target") in self.refused_names) and not (
                                            problem.code == "duplicate_option"
                                            and problem.params.get("item") in self.refused_names))
        if questionnaire is not None and not self.conversion.problems:
            self.conversion.questionnaire = questionnaire
        self.collect_texts(rows)

    # Choices.
    def read_choices(self, sheet: _Sheet) -> dict[str, list[tuple[str, str, Mark, _Row]]]:
        lists: dict[str, list[tuple[str, str, Mark, _Row]]] = {}
        bases = sheet.bases()
        if "list_name" not in bases:
            self.problem(None, sheet.sheet.name, "list_name", "missing_column", column_name="list_name")
            return lists
        for row in sheet.rows(self.language):
            name, list_name = row.cells.get("name"), row.cells.get("list_name")
            if list_name is None or name is None:
                self.warn(sheet.sheet.name, row.number, "list_name", "choice_left_out")
                continue
            label = row.cells.get("label")
            lists.setdefault(_cell_text(list_name), []).append(
                (_cell_text(name), _cell_text(label) if label is not None else _cell_text(name),
                 row.marks.get("name") or next(iter(row.marks.values())), row))
        self.choice_rows = lists
        return lists

    def code_of(self, list_name: str, name: str) -> str:
        return dialect.identifier(name, "abcdefghijklmnopqrstuvwxyz0123456789")

    # Survey columns and names.
    def check_columns(self, survey: _Sheet) -> None:
        ignored, media = [], []
        for found in survey.columns.values():
            if found.base in dialect.REFUSED_COLUMNS:
                continue  # refused on the rows that use it
            if found.base in dialect.MEDIA_COLUMNS:
                media.append(found.header)
            elif found.base in ("default", "constraint", "required_message", "constraint_message"):
                continue  # warned on the rows that use them
            elif found.base in dialect.IGNORED_COLUMNS or found.base.split(":")[0] in dialect.IGNORED_COLUMNS:
                ignored.append(found.header)
            elif found.base not in ("type", "name", "label", "hint", "required", "relevant", *OWN_COLUMNS):
                ignored.append(found.header)
        if media:
            self.warn(survey.sheet.name, survey.header_row, "", "media_left_out", columns=", ".join(media))
        if ignored:
            self.warn(survey.sheet.name, survey.header_row, "", "columns_left_out", columns=", ".join(ignored))

    def read_names(self, rows: list[_Row]) -> dict[str, tuple[str, str]]:
        """XLSForm name → (our id, our type), for expressions and piping."""
        names: dict[str, tuple[str, str]] = {}
        renamed = []
        for row in rows:
            kind = dialect.survey_type(row.cells.get("type", ""))
            name = _cell_text(row.cells.get("name", ""))
            if name and kind.kind and kind.kind not in ("begin group", "end group"):
                our = dialect.identifier(name)
                if our != name:
                    renamed.append(f"{name} → {our}")
                names.setdefault(name, (our, self.type_of(kind)))  # a second one is reported as a duplicate
                self.suggest_likert(kind, row)
        if renamed:
            self.warn("survey", 0, "name", "names_changed", names=", ".join(renamed))
        return names

    def type_of(self, kind: dialect.Type) -> str:
        """``select_one`` over 1–5 (or a ``--likert`` list) is likert5, over yes/no is yes_no."""
        if kind.kind == "single" and not kind.or_other:
            if self.is_likert(kind.list_name):
                return "likert5"
            if tuple(code.lower() for code, *_ in self.lists.get(kind.list_name, [])) == ("yes", "no"):
                return "yes_no"
        return kind.kind

    def suggest_likert(self, kind: dialect.Type, row: _Row) -> None:
        """A ``select_one`` over five choices that stays ``single`` is named, so a scale is never lost quietly."""
        entries = self.lists.get(kind.list_name, [])
        if kind.kind == "single" and len(entries) == 5 and self.type_of(kind) == "single" \
                and kind.list_name not in self.suggested:
            self.suggested.add(kind.list_name)
            self.warn("survey", row.number, "type", "likert_suggested", list=kind.list_name)

    def is_likert(self, list_name: str) -> bool:
        codes = tuple(code for code, *_ in self.lists.get(list_name, []))
        return list_name in self.options.likert or codes == LIKERT_CODES

    # Sections.
    def sections(self, rows: list[_Row], settings: dict[str, object], sheet: str) -> list[Node]:
        """Groups become sections in order; items stay where they are (a nested group's end resumes the outer)."""
        stem = os.path.splitext(os.path.basename(self.file))[0]
        title = _cell_text(settings.get("form_title") or settings.get("form_id") or stem)
        stack: list[tuple[str, str]] = []  # (id, title) of open groups
        sections: list[list[Any]] = []  # [id, title, intro, items, mark, rows]
        used: dict[str, int] = {}
        metadata: list[str] = []
        current: list[Node] | None = None

        def open_section(section_id: str, section_title: str, intro: str | None, mark: Mark,
                         rows_here: list[int]) -> list[Node]:
            count = used.get(section_id, 0)
            used[section_id] = count + 1
            items: list[Node] = []
            sections.append([f"{section_id}_{count + 1}" if count else section_id, section_title, intro, items, mark,
                             rows_here])
            return items

        for row in rows:
            mark = next(iter(row.marks.values()))
            kind = self.kept_type(row, sheet, metadata)
            if kind is None:
                continue
            if kind.kind == "begin group":
                self.drop_notes(sheet)
                name = _cell_text(row.cells.get("name", "")) or f"group_{row.number}"
                label = row.cells.get("label")
                group_title = _cell_text(label) if label else (stack[-1][1] if stack else title)
                stack.append((dialect.identifier(name), group_title))
                hint = row.cells.get("hint")
                current = open_section(stack[-1][0], group_title, _cell_text(hint) if hint else None, mark,
                                       [row.number])
                self.conversion.rows[row.number] = "section"
                continue
            if kind.kind == "end group":
                if stack:
                    stack.pop()
                current = None
                self.drop_notes(sheet)
                self.conversion.rows[row.number] = "section"
                continue
            if current is None:
                section_id, section_title = stack[-1] if stack else ("main", title)
                current = open_section(section_id, section_title, None, mark, [])
            if kind.kind == "note":
                self.notes.append(row)
                continue
            item = self.item(row, kind, sheet)
            if item is not None:
                current.extend(item)
                sections[-1][5].append(row.number)
                self.conversion.rows[row.number] = "item"
        self.drop_notes(sheet)
        if metadata:
            self.warn(sheet, 0, "type", "metadata_left_out", rows=", ".join(metadata))
        return self.section_nodes(sections, sheet)

    def section_nodes(self, sections: list[list[Any]], sheet: str) -> list[Node]:
        """A node per section that kept a question; a group left empty is warned about, with its rows."""
        result: list[Node] = []
        for section_id, section_title, intro, items, mark, numbers in sections:
            if not items:
                for number in numbers:
                    self.conversion.rows[number] = "warning"
                self.warn(sheet, mark.line + 1, "type", "empty_group", group=section_id)
                continue
            pairs: list[tuple[str, Node]] = [("id", _text(section_id, mark)), ("title", _text(section_title, mark))]
            if intro:
                pairs.append(("intro", _text(intro, mark)))
            pairs.append(("items", SequenceNode("tag:yaml.org,2002:seq", items, mark, mark)))
            result.append(_mapping(pairs, mark))
        return result

    def kept_type(self, row: _Row, sheet: str, metadata: list[str]) -> dialect.Type | None:
        """The row's type, or ``None`` for a row left out (warned, or listed in ``metadata``) or refused."""
        kind = dialect.survey_type(row.cells["type"]) if "type" in row.cells else None
        first_word = _cell_text(row.cells.get("type", "")).lower().replace("_", " ").split(" ")[0]
        if kind is not None and kind.refused in ("repeat", "loop") and first_word in ("begin", "end"):
            self.repeat_depth += 1 if first_word == "begin" else -1
            if first_word == "end":
                return None  # the refusal of its "begin" row covers the whole repeat
        elif self.repeat_depth > 0:
            return None  # inside a refused repeat: its rows would only repeat the refusal
        if kind is None or not kind.kind and not kind.refused and not kind.metadata:
            self.warn(sheet, row.number, "type", "row_without_type")
            self.conversion.rows[row.number] = "warning"
            return None
        if kind.metadata:
            metadata.append(f"{row.number} ({_cell_text(row.cells['type'])})")
            self.conversion.rows[row.number] = "warning"
            return None
        if kind.refused:
            self.problem(row, sheet, "type", "unsupported_feature", feature=kind.refused,
                         value=_cell_text(row.cells["type"]))
            self.refused_names.add(dialect.identifier(_cell_text(row.cells.get("name", "")) or "x"))
            return None
        if _cell_text(row.cells.get("relevant", "")).lower() in NEVER:
            self.warn(sheet, row.number, "relevant", "never_shown", name=_cell_text(row.cells.get("name", "")),
                      value=_cell_text(row.cells["relevant"]))
            self.conversion.rows[row.number] = "warning"
            return None
        return kind

    def take_notes(self, sheet: str) -> str | None:
        """The ``note`` rows waiting for the question they precede, as one text shown before it."""
        texts = [self.piped(_cell_text(row.cells.get("label") or row.cells.get("hint") or ""), row, sheet)
                 for row in self.notes]
        for row in self.notes:
            self.conversion.rows[row.number] = "item"
            if "relevant" in row.cells:
                self.warn(sheet, row.number, "relevant", "note_condition_left_out",
                          value=_cell_text(row.cells["relevant"]))
        self.notes = []
        return "\n\n".join(text for text in texts if text) or None

    def drop_notes(self, sheet: str) -> None:
        """Notes with no question after them in their group: named in a warning."""
        for row in self.notes:
            text = _cell_text(row.cells.get("label") or "")
            self.warn(sheet, row.number, "label", "note_left_out", text=text[:60])
            self.conversion.rows[row.number] = "warning"
        self.notes = []

    # One item.
    def item(self, row: _Row, kind: dialect.Type, sheet: str) -> list[Node] | None:
        cells, marks = row.cells, row.marks
        for column, feature in dialect.REFUSED_COLUMNS.items():
            if column in cells:
                self.problem(row, sheet, column, "unsupported_feature", feature=feature,
                             value=_cell_text(cells[column]))
                self.refused_names.add(dialect.identifier(_cell_text(cells.get("name", "")) or "x"))
        name = _cell_text(cells.get("name", ""))
        mark = marks.get("type")
        assert mark is not None
        if not name:
            self.problem(row, sheet, "name", "missing_name")
            return None
        our, our_type = self.names[name][0], self.type_of(kind)
        pairs: list[tuple[str, Node]] = [("id", _text(our, marks.get("name", mark))),
                                         ("type", _text(our_type, mark))]
        label = cells.get("label")
        if label is None:
            self.problem(row, sheet, "label", "missing_label", name=name)
            return None
        note = self.take_notes(sheet)
        if note:
            pairs.append(("note", _text(note, mark)))
        pairs.append(("text", _text(self.piped(_cell_text(label), row, sheet), marks["label"])))
        if cells.get("hint") is not None:
            pairs.append(("help", _text(self.piped(_cell_text(cells["hint"]), row, sheet), marks["hint"])))
        required = _cell_text(cells.get("required", "")).lower()
        if required not in TRUE + FALSE:
            self.problem(row, sheet, "required", "bad_required", value=cells["required"])
        pairs.append(("required", _scalar(required in TRUE, marks.get("required", mark))))
        extra = self.choice_pairs(row, kind, sheet, our, our_type, pairs)
        if "relevant" in cells:
            rule = self.rule(row, sheet)
            if rule is not None:
                pairs.append(("show_if", _node(rule, marks["relevant"])))
        for column in OWN_COLUMNS:
            if column in cells:
                pairs.append((column, _scalar(cells[column], marks[column])))
        self.role_flags(our, name, pairs, mark)
        self.keep_or_warn(row, sheet, our_type, pairs)
        return [_mapping(pairs, mark), *extra]

    def choice_pairs(self, row: _Row, kind: dialect.Type, sheet: str, our: str, our_type: str,
                     pairs: list[tuple[str, Node]]) -> list[Node]:
        """Options of a select (``or_other`` adds "other" and the question asking which); the extra items."""
        if kind.kind not in ("single", "multi"):
            return []
        mark = row.marks["type"]
        options = self.options_of(row, kind, sheet)
        if our_type not in ("likert5", "yes_no"):
            if kind.or_other:
                options.append(("other", _text("Other", mark)))
            pairs.append(("options", _mapping(options, mark)))
        return [self.other_item(our, mark)] if kind.or_other else []

    def other_item(self, our: str, mark: Mark) -> Node:
        """``select_one x or_other``: the "Other" choice asks what, as ODK does, in a text question after it."""
        rule = {"item": our, "values": ["other"]}
        return _node({"id": f"{our}_other"[:64], "type": "text", "text": "Please specify", "required": False,
                      "show_if": rule}, mark)

    def options_of(self, row: _Row, kind: dialect.Type, sheet: str) -> list[tuple[str, Node]]:
        entries = self.lists.get(kind.list_name)
        if entries is None:
            self.problem(row, sheet, "type", "unknown_choice_list", list=kind.list_name)
            self.unknown_lists = True
            return []
        return [(self.code_of(kind.list_name, code), _text(label, mark)) for code, label, mark, _ in entries]

    def role_flags(self, our: str, name: str, pairs: list[tuple[str, Node]], mark: Mark) -> None:
        given = dict(pairs)
        if self.options.overall in (name, our) and "role" not in given:
            pairs.append(("role", _text("overall", mark)))
        for item, variable in self.options.demographics:
            if item in (name, our) and "role" not in given:
                pairs.append(("role", _text("demographic", mark)))
                pairs.append(("weighting_variable", _text(variable, mark)))

    def keep_or_warn(self, row: _Row, sheet: str, our_type: str, pairs: list[tuple[str, Node]]) -> None:
        """``constraint`` becomes min/max/max_length when it says only that; the rest is named in a warning."""
        cells = row.cells
        if "constraint" in cells:
            bounds = _bounds(_cell_text(cells["constraint"]), our_type)
            if bounds is None:
                self.warn(sheet, row.number, "constraint", "constraint_left_out", value=_cell_text(cells["constraint"]))
            else:
                present = {key for key, _ in pairs}
                pairs.extend((key, _scalar(value, row.marks["constraint"])) for key, value in bounds.items()
                             if key not in present)
        for column, code in (("constraint_message", "message_left_out"), ("required_message", "message_left_out"),
                             ("default", "default_left_out")):
            if column in cells:
                self.warn(sheet, row.number, column, code, value=_cell_text(cells[column]))

    def piped(self, text: str, row: _Row, sheet: str) -> str:
        """``${q}`` in a label: shown as the question's own words would need the earlier answer; warned."""
        for found in re.findall(r"\$\{\s*([^}\s]+)\s*\}", text):
            self.warn(sheet, row.number, "label", "piping_left_out", value=f"${{{found}}}")
        return text

    def rule(self, row: _Row, sheet: str) -> dict[str, object] | None:
        text = _cell_text(row.cells["relevant"])
        if text.lower() in ALWAYS:
            return None
        try:
            return translate(parse(text), lambda name: self.names.get(name, ("", None))[1],
                             lambda name: self.names.get(name, (dialect.identifier(name), ""))[0],
                             lambda name, value: self.code_of("", value))
        except NotUnderstood as error:
            self.problem(row, sheet, "relevant", "unsupported_relevant", value=text, part=error.part)
            return None

    # The whole questionnaire.
    def top(self, settings: dict[str, object], row: _Row | None, sections: list[Node]) -> list[tuple[str, Node]]:
        start = Mark(f"{self.file}:settings", 0, row.number - 1 if row else 0, 0, None, 0)
        stem = os.path.splitext(os.path.basename(self.file))[0]
        form_id = dialect.identifier(_cell_text(settings.get("form_id") or stem))
        version_cell = settings.get("version")
        version: object = version_cell
        if isinstance(version_cell, str) and version_cell.strip().isdigit():
            version = int(version_cell)
        elif version_cell is None or not isinstance(version_cell, int | float):
            version = 1  # Kobo writes versions such as 'vAVYf...' or dates: the questionnaire starts at 1
            if version_cell is not None:
                self.warn("settings", row.number if row else 0, "version", "version_replaced",
                          value=_cell_text(version_cell))
        title = _cell_text(settings.get("form_title") or settings.get("form_id") or stem)
        sector = self.options.sector or (_cell_text(settings["sector"]) if "sector" in settings else None)
        target = self.options.target if self.options.target is not None else settings.get("target")
        if sector is None:
            self.problem(None, "settings", "sector", "give_sector", allowed="|".join(SECTORS))
        if target is None:
            self.problem(None, "settings", "target", "give_target")
        self.overall_missing = not self.options.overall and not self.mentions_overall()
        if self.overall_missing:
            likert = [our for our, kind in self.names.values() if kind == "likert5"]
            self.problem(None, "survey", "role", "give_overall", items=", ".join(likert) or "-")
        pairs: list[tuple[str, Node]] = [
            ("id", _text(form_id, start)), ("version", _scalar(version, settings_mark(row, "version", start))),
            ("sector", _text(sector or "one_stop", settings_mark(row, "sector", start))),
            ("target", _scalar(target if target is not None else 0.9, settings_mark(row, "target", start))),
            # How the rate is held against the target (``at_least``: ≥, ``above``: >); the loader checks it.
            *([("target_rule", _text(_cell_text(settings["target_rule"]),
                                     settings_mark(row, "target_rule", start)))]
              if settings.get("target_rule") else []),
            ("title", _text(title, start)),
                                         *([("intro", _text(_cell_text(settings["intro"]),
                                                            settings_mark(row, "intro", start)))]
                                           if settings.get("intro") else []),
                                         ("sections", SequenceNode("tag:yaml.org,2002:seq", sections, start, start))]
        return pairs

    def mentions_overall(self) -> bool:
        return any(_cell_text(row.cells.get("role", "")) == "overall" for row in self.survey_rows)

    def collect_texts(self, rows: list[_Row]) -> None:
        """Texts of the other languages keyed by the main language's text, for the gettext catalogs."""
        all_rows = list(rows) + [row for entries in getattr(self, "choice_rows", {}).values()
                                 for *_, row in entries]
        for row in all_rows:
            for by_language in row.texts.values():
                main = by_language.get(self.language) or by_language.get("")
                if not main:
                    main = next(iter(by_language.values()))
                for language, text in by_language.items():
                    if language and language != self.language and text:
                        self.conversion.texts.setdefault(language, {})[main] = text


def settings_mark(row: _Row | None, column: str, default: Mark) -> Mark:
    return row.marks.get(column, default) if row else default


def _bounds(constraint: str, kind: str) -> dict[str, float] | None:
    """``. >= 0 and . <= 120`` → ``{min: 0, max: 120}``; ``string-length(.) <= 200`` → ``{max_length: 200}``."""
    found: dict[str, float] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        number = re.fullmatch(r"\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)", part.strip())
        length = re.fullmatch(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)", part.strip())
        if number and kind == "number":
            value = float(number.group(2))
            found["min" if number.group(1) == ">=" else "max"] = int(value) if value.is_integer() else value
        elif length and kind == "text":
            found["max_length"] = int(length.group(1))
        else:
            return None
    return found


#: The builder's field names for the XLSForm columns they come from.
COLUMN_OF = {"text": "label", "help": "hint", "id": "name", "show_if": "relevant", "options": "type",
             "title": "label", "intro": "hint"}


def _as_columns(problem: Problem) -> Problem:
    """A builder problem renamed to the XLSForm column it concerns (``items[q].text`` → ``label``)."""
    last = re.sub(r"\[.*?\]", "", problem.field).split(".")
    key = next((part for part in reversed(last) if part in COLUMN_OF), last[-1] if last else "")
    column = COLUMN_OF.get(key, key)
    return Problem(problem.file, problem.line, column, problem.code, problem.template, problem.params)
