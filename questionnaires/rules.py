"""Rules about items in relation to their type and to each other: the meaning checks after the shape checks.

They run once every item has been read, so a questionnaire with several mistakes gets all of them at once.
What they protect: answers are stored under item ids (ids unique), the satisfaction rate is built on one
item (exactly one likert5 ``overall``), raking needs one categorical item per weighting variable, and skip
logic must be decidable from answers already given (``show_if`` points back, at a value that can occur).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import LIKERT_LABELS, NO, NOT_APPLICABLE, YES, Item, ShowIf

#: Item keys that only some types take.
TYPE_KEYS = {"options": ("single", "multi"), "min": ("number",), "max": ("number",), "max_length": ("text",)}
#: Types whose answers form a small set of codes that skip logic can compare with.
SHOW_IF_TYPES = ("likert5", "yes_no", "single", "multi")
DEMOGRAPHIC_TYPES = ("single", "yes_no")

#: ``report(node, field, code, template=None, **params)`` of the builder.
Report = Callable[..., None]


@dataclass(frozen=True)
class Located:
    """An item read from a source, with the nodes it came from, to point problems at the right line."""

    item: Item
    path: str
    node: Node
    pairs: dict[str, tuple[Node, Node]]

    def key(self, key: str) -> Node:
        return self.pairs[key][0] if key in self.pairs else self.node

    def value(self, key: str) -> Node:
        return self.pairs[key][1] if key in self.pairs else self.node


def answer_codes(item: Item) -> tuple[str, ...]:
    """The stored answers of an item, as the strings `ShowIf.values` are compared with."""
    if item.type == "likert5":
        scale = tuple(str(value) for value, _ in LIKERT_LABELS)
        return scale if item.role == "overall" else (*scale, NOT_APPLICABLE)
    if item.type == "yes_no":
        return (YES, NO)
    return tuple(option.code for option in item.options)


def check_items(report: Report, sections_key: Node, located: list[Located]) -> None:
    """Report every rule broken by the items of one questionnaire, in source order."""
    for entry in located:
        if entry.item.type:
            _check_type_keys(report, entry)
            _check_role(report, entry)
    _check_unique(report, located)
    _check_overall(report, sections_key, located)
    _check_show_if(report, located)


def _check_type_keys(report: Report, entry: Located) -> None:
    item, path = entry.item, entry.path
    for key, types in TYPE_KEYS.items():
        if key in entry.pairs and item.type not in types:
            report(entry.key(key), f"{path}.{key}", "misplaced_key", item=item.id, type=item.type, key=key,
                   types=", ".join(types))
    if item.type in TYPE_KEYS["options"] and not item.options and _options_absent(entry):
        report(entry.key("options"), f"{path}.options", "missing_options", item=item.id, type=item.type)
    elif item.type in TYPE_KEYS["options"] and len(item.options) == 1 == len(entry.value("options").value):
        report(entry.value("options"), f"{path}.options", "too_few_options", item=item.id)
    if item.min is not None and item.max is not None and item.min > item.max:
        report(entry.value("min"), f"{path}.min", "bad_range", item=item.id, min=item.min, max=item.max)


def _options_absent(entry: Located) -> bool:
    """No options at all (a wrongly shaped ``options`` is reported where it is read)."""
    node = entry.pairs.get("options", (None, None))[1]
    return node is None or not node.value or (isinstance(node, ScalarNode) and node.tag.endswith(":null"))


def _check_role(report: Report, entry: Located) -> None:
    item, path = entry.item, entry.path
    if item.role == "overall" and item.type != "likert5":
        report(entry.value("role"), f"{path}.role", "overall_not_likert", item=item.id, type=item.type)
    if item.role == "demographic" and item.weighting_variable is None and "weighting_variable" not in entry.pairs:
        report(entry.value("role"), f"{path}.weighting_variable", "missing_weighting", item=item.id)
    if item.role == "demographic" and item.type not in DEMOGRAPHIC_TYPES:
        report(entry.value("type"), f"{path}.type", "demographic_type", item=item.id, type=item.type)
    if item.role != "demographic" and "weighting_variable" in entry.pairs:
        report(entry.key("weighting_variable"), f"{path}.weighting_variable", "misplaced_weighting",
               item=item.id)


def _check_unique(report: Report, located: list[Located]) -> None:
    """Item ids and weighting variables are each used once."""
    ids: dict[str, int] = {}
    variables: dict[str, str] = {}
    for entry in located:
        item = entry.item
        if item.id in ids:
            report(entry.value("id"), f"{entry.path}.id", "duplicate_item", item=item.id, first=ids[item.id])
        elif item.id:
            ids[item.id] = item.line
        variable = item.weighting_variable
        if variable and item.role == "demographic" and variable in variables:
            report(entry.value("weighting_variable"), f"{entry.path}.weighting_variable", "duplicate_weighting",
                   item=item.id, value=variable, first=variables[variable])
        elif variable and item.role == "demographic":
            variables[variable] = item.id


def _check_overall(report: Report, sections_key: Node, located: list[Located]) -> None:
    overall = [entry for entry in located if entry.item.role == "overall"]
    if not overall and located:
        report(sections_key, "sections", "no_overall")
    for extra in overall[1:]:
        report(extra.value("role"), f"{extra.path}.role", "many_overall", item=extra.item.id,
               first=overall[0].item.id, first_line=overall[0].item.line)


def _check_show_if(report: Report, located: list[Located]) -> None:
    by_id: dict[str, Located] = {}
    for entry in located:
        by_id.setdefault(entry.item.id, entry)  # a duplicate id is reported; rules refer to the first
    earlier: set[str] = set()
    for entry in located:
        rule = entry.item.show_if
        for leaf in rule.references() if rule is not None else ():
            if leaf.item:
                _check_rule(report, entry, leaf, by_id.get(leaf.item), leaf.item in earlier)
        earlier.add(entry.item.id)


#: Types whose answers a comparison with a number (or a count of choices) can test.
NUMBER_TYPES = ("number", "likert5")


def _check_rule(report: Report, entry: Located, rule: ShowIf, target: Located | None, is_earlier: bool) -> None:
    item, path = entry.item, f"{entry.path}.show_if"
    rule_node = entry.value("show_if")
    parts = dict((str(k.value), v) for k, v in rule_node.value) if isinstance(rule_node, MappingNode) else {}
    item_node = parts.get("item", rule_node)
    if target is None:
        report(item_node, f"{path}.item", "show_if_unknown", item=item.id, target=rule.item)
        return
    if not is_earlier:
        report(item_node, f"{path}.item", "show_if_later", item=item.id, target=target.item.id)
        return
    kind = target.item.type
    allowed_types = {"in": SHOW_IF_TYPES, "exactly": SHOW_IF_TYPES, "answered": (kind,)}.get(
        rule.test, ("multi",) if rule.count else NUMBER_TYPES)
    if kind not in allowed_types:
        if kind:
            report(item_node, f"{path}.item", "show_if_target_type", item=item.id, target=target.item.id,
                   type=kind)
        return
    if rule.test not in ("in", "exactly"):
        return
    allowed = answer_codes(target.item)
    if not allowed:
        return  # a choice item without options, reported as such
    values_node = parts.get("values", parts.get("exactly", rule_node))
    nodes = values_node.value if isinstance(values_node, SequenceNode) else [values_node]
    for value, node in zip(rule.values, nodes, strict=False):
        if value not in allowed:
            report(node, f"{path}.values", "show_if_value", item=item.id, target=target.item.id, value=value,
                   allowed=", ".join(allowed))
