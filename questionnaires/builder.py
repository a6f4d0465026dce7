"""Build a `Questionnaire` from a tree of YAML nodes, collecting every problem instead of stopping at the first.

Both sources end here: `loader` composes YAML files into nodes, `xlsform` makes nodes from spreadsheet
cells. A node's mark carries its file (or ``workbook:sheet``) and its 0-based line (or row), so a single
set of rules and a single error catalogue serve both, and every problem points where the author must look.

Identifiers and codes are read from the raw text of the node, never from YAML's type resolution: in YAML
1.1 ``no`` is ``False`` and ``18_29`` is the integer 1829, which must not happen to a stored answer code.
Numbers and booleans are resolved the YAML way. The checks that involve several items live in `rules`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import UNKNOWN_KEY_SUGGEST, Problem
from .model import COMPARISONS, ITEM_TYPES, ROLES, SECTORS, TARGET_RULES, Item, Option, Questionnaire, Section, ShowIf
from .rules import TYPE_KEYS, Located, check_items

ID = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
#: Option codes may start with a digit, as age groups do (``18_29``).
CODE = re.compile(r"[a-z0-9][a-z0-9_]{0,63}\Z")
MAX_TEXT_LENGTH = 10_000
NULL = "tag:yaml.org,2002:null"

#: Keys of each mapping, with whether they are required.
TOP_KEYS = {"id": True, "version": True, "sector": True, "target": True, "target_rule": False, "title": True,
            "intro": False, "sections": True}
SECTION_KEYS = {"id": True, "title": True, "intro": False, "items": True}
ITEM_KEYS = {"id": True, "type": True, "text": True, "required": False, "help": False, "options": False,
             "dimension": False, "role": False, "weighting_variable": False, "show_if": False, "min": False,
             "max": False, "max_length": False, "note": False}

Pairs = dict[str, tuple[Node, Node]]


def scalar_text(node: Node) -> str:
    """The text of a scalar as the model stores it; the Babel extractor uses the same so msgids match."""
    return str(node.value).strip()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Builder:
    """One pass over one questionnaire's nodes; ``problems`` holds everything found."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()

    def report(self, node: Node | None, field: str, code: str, template: str | None = None, /,
               **params: object) -> None:
        mark = node.start_mark if node is not None else None
        file, line = (str(mark.name), mark.line + 1) if mark is not None else (self.file, 0)
        self.problems.append(Problem.of(file, line, field, code, template, **params))

    # Shapes and scalars.
    def mapping(self, node: Node | None, path: str, keys: dict[str, bool]) -> Pairs | None:
        """Key → (key node, value node), reporting duplicate, unknown and missing keys."""
        if not isinstance(node, MappingNode):
            self.report(node, path, "not_mapping", key=path or "questionnaire")
            return None
        found: Pairs = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.report(key_node, _join(path, key), "duplicate_key", key=key,
                            first=found[key][0].start_mark.line + 1)
            elif key in keys:
                found[key] = (key_node, value_node)
            else:
                self.unknown_key(key_node, _join(path, key), key, keys)
        for key, required in keys.items():
            if required and key not in found:
                self.report(node, _join(path, key), "missing_key", key=key)
        return found

    def unknown_key(self, node: Node, field: str, key: str, keys: dict[str, bool]) -> None:
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.75)
        if close:
            self.report(node, field, "unknown_key", UNKNOWN_KEY_SUGGEST, key=key, suggestion=close[0])
        else:
            self.report(node, field, "unknown_key", key=key, allowed=", ".join(keys))

    def sequence(self, node: Node | None, path: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.report(node, path, "not_list", key=path)
            return []
        if not node.value:
            self.report(node, path, "empty_list", key=path)
        return list(node.value)

    def text(self, node: Node | None, path: str) -> str:
        """Text to show; empty string (and a problem) when it is not usable."""
        if node is None:
            return ""
        if not isinstance(node, ScalarNode):
            self.report(node, path, "not_text", key=path)
            return ""
        if node.tag == NULL or not scalar_text(node):
            self.report(node, path, "empty_text", key=path)
            return ""
        return scalar_text(node)

    def optional_text(self, node: Node | None, path: str) -> str | None:
        return None if node is None else self.text(node, path) or None

    def name(self, node: Node | None, path: str, code: str, valid: Callable[[str], object] = ID.match,
             **params: object) -> str:
        """An id, code or keyword, read as written; ``""`` when absent, or when invalid, with a problem."""
        if node is None:
            return ""
        value = str(node.value) if isinstance(node, ScalarNode) else "..."
        if not valid(value):
            self.report(node, path, code, value=value, **params)
            return ""
        return value

    def choice(self, node: Node | None, path: str, allowed: tuple[str, ...], code: str, **params: object) -> str:
        return self.name(node, path, code, allowed.__contains__, allowed=", ".join(allowed), **params)

    def checked(self, node: Node | None, path: str, kinds: tuple[str, ...], valid: Callable[[Any], bool],
                code: str, **params: object) -> Any:
        """The YAML value of a scalar resolved as one of ``kinds`` (``int``, ``float``, ``bool``) and ``valid``.

        ``None`` when absent, or when invalid, with a problem.
        """
        value = None
        if isinstance(node, ScalarNode) and node.tag.rsplit(":", 1)[-1] in kinds:
            try:
                value = self._constructor.construct_object(node)
            except (ValueError, TypeError, ArithmeticError):  # an explicit tag such as ``!!int abc``
                value = None
        if node is not None and (value is None or not valid(value)):
            self.report(node, path, code, value=getattr(node, "value", "..."), **params)
            return None
        return value

    def number(self, node: Node | None, path: str) -> float | None:
        number: float | None = self.checked(node, path, ("int", "float"), _anything, "not_number", key=path)
        return number

    def boolean(self, node: Node | None, path: str, default: bool) -> bool:
        flag: bool | None = self.checked(node, path, ("bool",), _anything, "not_boolean", key=path)
        return default if flag is None else flag

    # The questionnaire.
    def questionnaire(self, root: Node | None) -> Questionnaire | None:
        if root is None:
            self.problems.append(Problem.of(self.file, 1, "", "empty_file"))
            return None
        top = self.mapping(root, "", TOP_KEYS)
        if top is None:
            return None
        get = {key: pair[1] for key, pair in top.items()}
        version = self.checked(get.get("version"), "version", ("int",), lambda value: value > 0, "bad_version")
        target = self.checked(get.get("target"), "target", ("int", "float"), lambda value: 0 < value <= 1,
                              "bad_target")
        located: list[Located] = []
        questionnaire = Questionnaire(
            id=self.name(get.get("id"), "id", "bad_id"),
            version=version or 0,
            sector=self.choice(get.get("sector"), "sector", SECTORS, "bad_sector"),
            target=float(target or 0),
            target_rule=self.choice(get.get("target_rule"), "target_rule", TARGET_RULES, "bad_target_rule")
            or TARGET_RULES[0],
            title=self.text(get.get("title"), "title"),
            intro=self.optional_text(get.get("intro"), "intro"),
            sections=self.sections(get.get("sections"), located),
            source=self.file,
        )
        if "sections" in top:
            check_items(self.report, top["sections"][0], located)
        return None if self.problems else questionnaire

    def sections(self, node: Node | None, located: list[Located]) -> tuple[Section, ...]:
        sections: list[Section] = []
        seen: dict[str, int] = {}
        for index, section_node in enumerate(self.sequence(node, "sections")):
            section = self.section(section_node, index, located)
            if section is None:
                continue
            if section.id in seen:
                self.report(section_node, f"sections[{section.id}].id", "duplicate_section",
                            section=section.id, first=seen[section.id])
            elif section.id:
                seen[section.id] = section.line
            sections.append(section)
        return tuple(sections)

    def section(self, node: Node, index: int, located: list[Located]) -> Section | None:
        path = f"sections[{_peek_id(node) or index}]"
        pairs = self.mapping(node, path, SECTION_KEYS)
        if pairs is None:
            return None
        get = {key: pair[1] for key, pair in pairs.items()}
        items = []
        for number, item_node in enumerate(self.sequence(get.get("items"), f"{path}.items")):
            item = self.item(item_node, f"{path}.items[{number}]", located)
            if item is not None:
                items.append(item)
        return Section(id=self.name(get.get("id"), f"{path}.id", "bad_id"),
                       title=self.text(get.get("title"), f"{path}.title"), items=tuple(items),
                       intro=self.optional_text(get.get("intro"), f"{path}.intro"), line=node.start_mark.line + 1)

    def item(self, node: Node, fallback: str, located: list[Located]) -> Item | None:
        item_id = _peek_id(node)
        path = f"items[{item_id}]" if item_id else fallback
        pairs = self.mapping(node, path, ITEM_KEYS)
        if pairs is None:
            return None
        get = {key: pair[1] for key, pair in pairs.items()}
        type_ = self.choice(get.get("type"), f"{path}.type", ITEM_TYPES, "bad_type", item=item_id)
        max_length = self.checked(get.get("max_length"), f"{path}.max_length", ("int",),
                                  lambda value: 1 <= value <= MAX_TEXT_LENGTH, "bad_max_length", item=item_id,
                                  limit=MAX_TEXT_LENGTH)
        item = Item(
            id=self.name(get.get("id"), f"{path}.id", "bad_id"),
            type=type_,
            text=self.text(get.get("text"), f"{path}.text"),
            required=self.boolean(get.get("required"), f"{path}.required", True),
            help=self.optional_text(get.get("help"), f"{path}.help"),
            options=self.options(get.get("options"), path, item_id) if type_ in TYPE_KEYS["options"] else (),
            dimension=self.name(get.get("dimension"), f"{path}.dimension", "bad_id") or None,
            role=self.choice(get.get("role"), f"{path}.role", ROLES, "bad_role", item=item_id) or None,
            weighting_variable=self.name(get.get("weighting_variable"), f"{path}.weighting_variable",
                                         "bad_id") or None,
            show_if=self.show_if(get.get("show_if"), path),
            min=self.number(get.get("min"), f"{path}.min"),
            max=self.number(get.get("max"), f"{path}.max"),
            max_length=max_length or 1000,
            note=self.optional_text(get.get("note"), f"{path}.note"),
            line=node.start_mark.line + 1,
        )
        located.append(Located(item, path, node, pairs))
        return item

    def options(self, node: Node | None, path: str, item_id: str) -> tuple[Option, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return ()  # reported by `rules` as missing options
        if not isinstance(node, MappingNode):
            self.report(node, f"{path}.options", "not_mapping", key=f"{path}.options")
            return ()
        options: dict[str, Option] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            code = str(key_node.value)
            field = f"{path}.options.{code}"
            if code in options:
                self.report(key_node, field, "duplicate_option", item=item_id, option=code, first=first[code])
                continue
            self.name(key_node, field, "bad_code", CODE.match)
            options[code] = Option(code, self.text(value_node, field))
            first[code] = key_node.start_mark.line + 1
        return tuple(options.values())

    def show_if(self, node: Node | None, path: str) -> ShowIf | None:
        """A rule: ``{item, values}``, ``{item, exactly}``, ``{item, below: 3}`` (any comparison),
        ``{count: item, at_least: 2}``, ``{answered: item}``, or ``{all | any: [rules]}``, ``{not: rule}``."""
        if node is None:
            return None
        field = f"{path}.show_if"
        keys = {str(key.value) for key, _ in node.value} if isinstance(node, MappingNode) else set()
        combined = keys & {"all", "any", "not"}
        if len(keys) == 1 and combined:
            pairs = self.mapping(node, field, {key: True for key in combined})
            test = combined.pop()
            if pairs is None:
                return None
            value = pairs[test][1]
            nodes = [value] if test == "not" else self.sequence(value, f"{field}.{test}")
            parts = tuple(rule for rule in (self.show_if(part, path) for part in nodes) if rule is not None)
            return ShowIf("", test=test, parts=parts) if len(parts) == len(nodes) else None
        if "answered" in keys:
            pairs = self.mapping(node, field, {"answered": True})
            return ShowIf(self.name(pairs["answered"][1], f"{field}.answered", "bad_id"),
                          test="answered") if pairs and "answered" in pairs else None
        compared = [key for key in COMPARISONS if key in keys]
        if compared or "count" in keys:
            counted = "count" in keys
            allowed = {("count" if counted else "item"): True, **{key: False for key in COMPARISONS}}
            pairs = self.mapping(node, field, allowed)
            if pairs is None or len(compared) != 1 or ("count" if counted else "item") not in pairs:
                if pairs is not None and len(compared) != 1:
                    self.report(node, field, "missing_key", key=" | ".join(COMPARISONS))
                return None
            number = self.number(pairs[compared[0]][1], f"{field}.{compared[0]}")
            target = self.name(pairs["count" if counted else "item"][1], f"{field}.item", "bad_id")
            return ShowIf(target, test=compared[0], number=number, count=counted)
        exact = "exactly" in keys
        pairs = self.mapping(node, field, {"item": True, "exactly" if exact else "values": True})
        values_key = "exactly" if exact else "values"
        if pairs is None or "item" not in pairs or values_key not in pairs:
            return None
        values_node = pairs[values_key][1]
        if isinstance(values_node, SequenceNode):
            nodes = self.sequence(values_node, f"{field}.{values_key}")
        else:
            nodes = [values_node]
        values = tuple(str(value.value) if isinstance(value, ScalarNode) else "..." for value in nodes)
        return ShowIf(self.name(pairs["item"][1], f"{field}.item", "bad_id"), values,
                      test="exactly" if exact else "in")


def _anything(value: object) -> bool:
    return True


def _peek_id(node: Node) -> str:
    """The id of a section or item if it is valid, to name it in paths before it is checked."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "id" and isinstance(value_node, ScalarNode) and ID.match(str(value_node.value)):
                return str(value_node.value)
    return ""


def build(root: Node | None, file: str) -> tuple[Questionnaire | None, list[Problem]]:
    """The questionnaire, or ``None`` and every problem in file and line order."""
    builder = Builder(file)
    questionnaire = builder.questionnaire(root)
    problems = sorted(builder.problems, key=lambda problem: (problem.file, problem.line))
    return (None if problems else questionnaire), problems
