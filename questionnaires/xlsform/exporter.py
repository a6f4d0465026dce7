"""Write a questionnaire out: as our YAML (to commit a converted workbook) or as an XLSForm workbook.

The workbook is for a province that wants to edit in Excel or open the form in KoboToolbox: every language
of the catalogs becomes ``label::Name (code)`` columns, our likert5 and yes_no items become ``select_one``
over lists that the importer reads back as the same types, and our columns (``role``, ``dimension``,
``weighting_variable``) ride along, so `converter.convert` gives back an equal questionnaire.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import yaml

from ..model import LIKERT_LABELS, YES_NO_LABELS, Item, Questionnaire, ShowIf

#: XPath operators of our comparisons.
XPATH = {"equals": "=", "not_equals": "!=", "below": "<", "at_most": "<=", "above": ">", "at_least": ">="}


def _rule_data(rule: ShowIf) -> dict[str, object]:
    if rule.test in ("all", "any"):
        return {rule.test: [_rule_data(part) for part in rule.parts]}
    if rule.test == "not":
        return {"not": _rule_data(rule.parts[0])}
    if rule.test == "answered":
        return {"answered": rule.item}
    if rule.test in XPATH:
        number = int(rule.number) if rule.number is not None and float(rule.number).is_integer() else rule.number
        return {"count" if rule.count else "item": rule.item, rule.test: number}
    return {"item": rule.item, "exactly" if rule.test == "exactly" else "values": list(rule.values)}


def _item_data(item: Item) -> dict[str, object]:
    """The keys of an item that differ from the model's defaults, in our file's order."""
    data: dict[str, object] = {"id": item.id, "type": item.type, "text": item.text}
    if item.note:
        data = {"id": item.id, "type": item.type, "note": item.note, "text": item.text}
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
        data["show_if"] = _rule_data(item.show_if)
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


def relevant(rule: ShowIf, kinds: Mapping[str, str]) -> str:
    """The XPath of a rule, as ODK reads it (``kinds`` maps item ids to types)."""
    if rule.test in ("all", "any"):
        joined = f" {'and' if rule.test == 'all' else 'or'} ".join(
            f"({relevant(part, kinds)})" if part.test in ("all", "any") else relevant(part, kinds)
            for part in rule.parts)
        return joined
    if rule.test == "not":
        return f"not({relevant(rule.parts[0], kinds)})"
    ref = f"${{{rule.item}}}"
    if rule.test == "answered":
        return f"{ref} != ''"
    if rule.test in XPATH:
        number = int(rule.number) if rule.number is not None and float(rule.number).is_integer() else rule.number
        return f"{'count-selected(' + ref + ')' if rule.count else ref} {XPATH[rule.test]} {number}"
    if rule.test == "exactly":
        return f"{ref} = '{' '.join(rule.values)}'"
    if kinds.get(rule.item) == "multi":
        return " or ".join(f"selected({ref}, '{value}')" for value in rule.values)
    return " or ".join(f"{ref} = '{value}'" for value in rule.values)


#: ``translate(language code, English text)`` → the text in that language, or ``""`` when not translated.
Translate = Callable[[str, str], str]


def _row_texts(text: str | None, languages: Mapping[str, str], translate: Translate) -> list[object]:
    return [(translate(code, text) or text) if text else None for code in languages]


def to_xlsform(questionnaire: Questionnaire, path: str | os.PathLike[str], languages: Mapping[str, str],
               translate: Translate) -> None:
    """Write ``questionnaire`` as an XLSForm workbook with a ``label::Name (code)`` column per language.

    ``languages`` maps codes to names in order, the source language (English) first.
    """
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    names = [f"{name} ({code})" for code, name in languages.items()]
    survey.append(["type", "name", *(f"label::{name}" for name in names), *(f"hint::{name}" for name in names),
                   "required", "relevant", "constraint", "dimension", "role", "weighting_variable"])
    lists: dict[str, list[tuple[str, str]]] = {}
    kinds = {item.id: item.type for item in questionnaire.items}
    for section in questionnaire.sections:
        survey.append(["begin_group", section.id, *_row_texts(section.title, languages, translate),
                       *_row_texts(section.intro, languages, translate)])
        for item in section.items:
            if item.note:
                survey.append(["note", f"{item.id}_note"[:64], *_row_texts(item.note, languages, translate)])
            survey.append([_type(item, lists), item.id, *_row_texts(item.text, languages, translate),
                           *_row_texts(item.help, languages, translate), "yes" if item.required else "no",
                           relevant(item.show_if, kinds) if item.show_if else None, _constraint(item),
                           item.dimension, item.role, item.weighting_variable])
        survey.append(["end_group", section.id])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{name}" for name in names)])
    for list_name, options in lists.items():
        for code, label in options:
            choices.append([list_name, code, *_row_texts(label, languages, translate)])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language", "sector", "target", "target_rule",
                     "intro"])
    settings.append([questionnaire.id, questionnaire.version, questionnaire.title, names[0], questionnaire.sector,
                     questionnaire.target, questionnaire.target_rule, questionnaire.intro])
    book.save(os.fspath(path))


def _type(item: Item, lists: dict[str, list[tuple[str, str]]]) -> str:
    """The XLSForm type; likert5 and yes_no become lists the importer recognises (codes 1–5; yes, no)."""
    if item.type == "likert5":
        lists.setdefault("likert5", [(str(value), label) for value, label in LIKERT_LABELS])
        return "select_one likert5"
    if item.type == "yes_no":
        lists.setdefault("yes_no", list(YES_NO_LABELS))
        return "select_one yes_no"
    if item.type in ("single", "multi"):
        list_name = f"{item.id}_options"
        lists[list_name] = [(option.code, option.label) for option in item.options]
        return f"{'select_one' if item.type == 'single' else 'select_multiple'} {list_name}"
    return {"number": "decimal", "text": "text"}.get(item.type, item.type)


def _constraint(item: Item) -> str | None:
    parts = [f". >= {_plain(item.min)}" if item.min is not None else "",
             f". <= {_plain(item.max)}" if item.max is not None else "",
             f"string-length(.) <= {item.max_length}" if item.type == "text" and item.max_length != 1000 else ""]
    return " and ".join(part for part in parts if part) or None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
