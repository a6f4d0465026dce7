"""XLSForm ``relevant`` expressions (a small part of XPath) parsed, then said in our ``show_if`` language.

Parsing first, into a tree, lets a refusal name the exact part not understood (``string-length(${a})``
rather than the whole cell), and lets the translation decide by meaning: ``${multi} = 'x'`` compares the
whole answer as ODK does (only ``x`` chosen), while ``selected(${multi}, 'x')`` asks whether ``x`` is among
the choices. The result is the mapping a YAML file would hold under ``show_if``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: Quotes include Excel's autocorrected ‘ ’ and “ ”.
TOKEN = re.compile(r"""\s*(?:(?P<ref>\$\{\s*[^}\s]+\s*\})|(?P<str>'[^']*'|"[^"]*"|‘[^’]*’|“[^”]*”)"""
                   r"""|(?P<num>-?\d+(?:\.\d+)?)"""
                   r"""|(?P<op>!=|<=|>=|=|<|>|\(|\)|,)|(?P<word>[A-Za-z_][\w:.-]*|\.))""")
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
#: Our rule's comparison keys for XPath's operators.
OPERATORS = {"=": "equals", "!=": "not_equals", "<": "below", "<=": "at_most", ">": "above", ">=": "at_least"}


class NotUnderstood(ValueError):
    """The part of an expression that cannot be said in our rule language (``part`` is shown to the author)."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


@dataclass(frozen=True)
class Node:
    """A parsed expression: ``kind`` is ref, str, num, call, cmp, and, or; ``text`` is its source."""

    kind: str
    value: str
    args: tuple[Node, ...] = ()
    text: str = ""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise NotUnderstood(text[position:].strip()[:40])
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise NotUnderstood(token[1] or self.text)
        self.at += 1
        return token

    def expression(self) -> Node:
        node = self.conjunction()
        while self.peek() == ("word", "or"):
            self.take()
            node = Node("or", "or", (node, self.conjunction()))
        return node

    def conjunction(self) -> Node:
        node = self.comparison()
        while self.peek() == ("word", "and"):
            self.take()
            node = Node("and", "and", (node, self.comparison()))
        return node

    def comparison(self) -> Node:
        left = self.primary()
        if self.peek()[1] in COMPARISONS:
            operator = self.take()[1]
            right = self.primary()
            return Node("cmp", operator, (left, right), f"{left.text} {operator} {right.text}")
        return left

    def primary(self) -> Node:
        kind, value = self.take()
        if value == "(" and kind == "op":
            node = self.expression()
            self.take(")")
            return node
        if kind == "ref":
            return Node("ref", value[2:-1].strip(), text=value)
        if kind == "str":
            return Node("str", value[1:-1], text=value)
        if kind == "num":
            return Node("num", value, text=value)
        if kind == "word" and self.peek()[1] == "(":
            self.take("(")
            args: list[Node] = []
            while self.peek()[1] != ")":
                args.append(self.expression())
                if self.peek()[1] == ",":
                    self.take()
            self.take(")")
            text = f"{value}({', '.join(arg.text for arg in args)})"
            return Node("call", value, tuple(args), text)
        raise NotUnderstood(value)


def parse(text: str) -> Node:
    """The tree of an expression; `NotUnderstood` names the first token that does not fit."""
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek()[0] != "end":
        raise NotUnderstood(" ".join(value for _, value in parser.tokens[parser.at:])[:40])
    return node


#: ``kind_of(xlsform name)`` → our item type (``single``, ``multi``, …) or ``None`` for an unknown name;
#: ``code_of(xlsform name, choice)`` → our option code.
KindOf = Callable[[str], str | None]


def translate(node: Node, kind_of: KindOf, id_of: Callable[[str], str],
              code_of: Callable[[str, str], str]) -> dict[str, object]:
    """The ``show_if`` mapping of an expression tree, or `NotUnderstood` naming the part that has none."""
    if node.kind in ("and", "or"):
        key = "all" if node.kind == "and" else "any"
        flat: list[dict[str, object]] = []
        for part in (translate(arg, kind_of, id_of, code_of) for arg in node.args):
            flat.extend(part[key] if set(part) == {key} else [part])  # type: ignore[arg-type]
        if key == "all":
            return {"all": list(flat)}
        merged: list[dict[str, object]] = []
        for part in flat:  # ``${q} = 'a' or ${q} = 'b'`` is one rule: q is a or b
            same = next((rule for rule in merged if set(rule) == set(part) == {"item", "values"}
                         and rule["item"] == part["item"]), None)
            if same is not None:
                same["values"] = [*same["values"], *part["values"]]  # type: ignore[misc]
            else:
                merged.append(part)
        return merged[0] if len(merged) == 1 else {"any": list(merged)}
    if node.kind == "call" and node.value == "not" and len(node.args) == 1:
        return {"not": translate(node.args[0], kind_of, id_of, code_of)}
    if node.kind == "call" and node.value == "selected" and len(node.args) == 2:
        ref, value = node.args
        if ref.kind == "ref" and value.kind in ("str", "num"):
            return {"item": id_of(ref.value), "values": [code_of(ref.value, value.value)]}
    if node.kind == "ref":
        return {"answered": id_of(node.value)}
    if node.kind == "cmp":
        return _comparison(node, kind_of, id_of, code_of)
    raise NotUnderstood(node.text or node.value)


def _comparison(node: Node, kind_of: KindOf, id_of: Callable[[str], str],
                code_of: Callable[[str, str], str]) -> dict[str, object]:
    left, right = node.args
    operator = node.value
    if left.kind in ("str", "num") and right.kind in ("ref", "call"):
        left, right = right, left
        operator = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(operator, operator)
    if left.kind == "call" and left.value == "count-selected" and len(left.args) == 1 \
            and left.args[0].kind == "ref" and right.kind == "num":
        return {"count": id_of(left.args[0].value), OPERATORS[operator]: _number(right.value)}
    if left.kind == "call" and left.value != "count-selected":
        raise NotUnderstood(left.text)
    if left.kind != "ref" or right.kind not in ("str", "num"):
        raise NotUnderstood(node.text)
    kind = kind_of(left.value)
    target = id_of(left.value)
    if right.kind == "str" and right.value == "" and operator in ("=", "!="):
        rule: dict[str, object] = {"answered": target}
        return rule if operator == "!=" else {"not": rule}
    if operator in ("=", "!=") and kind in ("single", "multi", "yes_no", "likert5", None):
        code = code_of(left.value, right.value)
        if kind == "multi":
            rule = {"item": target, "exactly": [code]}
        else:
            rule = {"item": target, "values": [code]}
        return rule if operator == "=" else {"not": rule}
    if kind in ("number", "likert5") and right.kind == "num":
        return {"item": target, OPERATORS[operator]: _number(right.value)}
    raise NotUnderstood(node.text)


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number
