"""Catalogue of the problems a questionnaire file can have, each said so that its author can fix it alone.

Following pyxform's ``errors.py``, every message names *where* (file, line, field: carried by `Problem`),
*what* is wrong and *how to fix it*. Templates are plain module-level strings wrapped in the no-op marker
`N_`, so ``pybabel extract -k N_`` collects them and the web layer can show them in the user's language
through `Problem.translated`. Parameters are codes, ids, numbers or lists of codes, never English words,
so a translated template needs nothing else translated. A literal percent sign is written ``%%``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it: it is translated when it is shown."""
    return message


# File and YAML level.
UNREADABLE = N_("The file cannot be read (%(detail)s). Check the file name and that it is UTF-8 text.")
YAML_SYNTAX = N_("This is not valid YAML: %(detail)s. Check the indentation and the quotes on this line.")
EMPTY_FILE = N_("The file is empty. Start it with the keys id, version, sector, target, title and sections.")
MISSING_SHEET = N_("The workbook has no sheet '%(sheet)s'. Add it with the XLSForm columns.")
MISSING_COLUMN = N_("The sheet has no column '%(column_name)s'. Add it to the first row.")
UNKNOWN_CHOICE_LIST = N_(
    "The choice list '%(list)s' is not in the choices sheet. Add rows with list_name '%(list)s' there."
)
UNSUPPORTED_RELEVANT = N_(
    "The condition '%(value)s' cannot be used: '%(part)s' is not understood. Use comparisons of earlier "
    "questions (=, !=, <, <=, >, >=), selected(), count-selected(), and, or, not() and parentheses."
)
DAMAGED_WORKBOOK = N_("The workbook cannot be read (%(detail)s). Open it in Excel or LibreOffice and save it again.")
NOT_WORKBOOK = N_("This file is not an Excel workbook. Save the form as .xlsx (or .xls) and convert that file.")
NOT_WORKBOOK_TEXT = N_(
    "This file is text (CSV?), not an Excel workbook. An XLSForm needs its survey, choices and settings sheets: "
    "save it as .xlsx."
)
DUPLICATE_COLUMN = N_("The column '%(column)s' is already in column %(first)s. Keep only one of them.")
MERGED_CELLS = N_("The cells %(cells)s are merged. Unmerge them and write the value in each row it applies to.")
FORMULA_WITHOUT_VALUE = N_(
    "Cell %(cell)s holds a formula saved without its result. Open the workbook in Excel or LibreOffice, "
    "let it calculate and save it again, or type the value."
)
TOO_DEEP = N_("The workbook nests too deeply to be read. Simplify its conditions or groups.")
UNSUPPORTED_FEATURE = N_(
    "'%(value)s' uses %(feature)s, which a satisfaction survey here does not have. Remove the row or rewrite it "
    "as a question."
)
MISSING_NAME = N_("This question has no name. Write a short id in the name column, for example 'staff_polite'.")
MISSING_LABEL = N_("The question '%(name)s' has no label. Write the question in the label column.")
BAD_REQUIRED = N_("'%(value)s' is not yes or no. Write yes, no, or leave the cell empty (no).")
NO_QUESTIONS = N_(
    "The survey sheet has no question a respondent can answer here (only rows that are left out). "
    "Add questions of type select_one, select_multiple, integer, decimal or text."
)
GIVE_SECTOR = N_(
    "The workbook does not say its sector. Give --sector %(allowed)s, or add a 'sector' column to settings."
)
GIVE_TARGET = N_(
    "The workbook does not say its target satisfaction rate. Give --target 0.9 (for 90%%), "
    "or add a 'target' column to settings."
)
GIVE_OVERALL = N_(
    "No question is marked as the overall satisfaction question. Give --overall NAME with one of the 5-point "
    "questions (%(items)s), or write 'overall' in a 'role' column."
)
DUPLICATE_QUESTIONNAIRE = N_(
    "The questionnaire id '%(id)s' is also used in %(other)s. Give every questionnaire its own id."
)

# Shape of the data.
NOT_MAPPING = N_("'%(key)s' must be a mapping: lines of 'key: value' indented under it.")
NOT_LIST = N_("'%(key)s' must be a list. Start each entry on its own line with '- '.")
NOT_TEXT = N_("'%(key)s' must be text. Write it after the colon, in quotes if it contains ': ' or ' #'.")
EMPTY_TEXT = N_("'%(key)s' is empty. Write the text that respondents will read.")
EMPTY_LIST = N_("'%(key)s' has no entries. Add at least one.")
NOT_BOOLEAN = N_("'%(key)s' must be true or false, not '%(value)s'.")
NOT_NUMBER = N_("'%(key)s' must be a number, not '%(value)s'.")
MISSING_KEY = N_("The required key '%(key)s' is missing. Add a line '%(key)s: ...' here.")
UNKNOWN_KEY = N_("The key '%(key)s' is not known here. Use only: %(allowed)s.")
UNKNOWN_KEY_SUGGEST = N_("The key '%(key)s' is not known here. Did you mean '%(suggestion)s'?")
DUPLICATE_KEY = N_("The key '%(key)s' is already given on line %(first)s. Keep only one of them.")
BAD_ID = N_(
    "'%(value)s' is not a valid id. Use lower-case letters, digits and '_', starting with a letter, "
    "for example 'staff_polite'."
)
BAD_CODE = N_(
    "'%(value)s' is not a valid option code. Use lower-case letters, digits and '_', for example '18_29'."
)

# The questionnaire as a whole.
BAD_VERSION = N_(
    "The version must be a whole number of 1 or more, not '%(value)s'. "
    "Add 1 each time the meaning of a question changes."
)
BAD_SECTOR = N_("The sector '%(value)s' is not known. Use one of: %(allowed)s.")
BAD_TARGET = N_(
    "The target must be a share above 0 and at most 1, for example 0.9 for 90%%, not '%(value)s'."
)
BAD_TARGET_RULE = N_(
    "The target rule '%(value)s' is not known. Use one of: %(allowed)s (at_least: the rate must reach the "
    "target, '≥ 90%%'; above: the rate must exceed it, '> 80%%')."
)
DUPLICATE_SECTION = N_(
    "The section id '%(section)s' is already used on line %(first)s. Give each section its own id."
)
DUPLICATE_ITEM = N_(
    "The item id '%(item)s' is already used on line %(first)s. "
    "Give each item its own id: answers are stored under it."
)
NO_OVERALL = N_(
    "No item has 'role: overall'. Add 'role: overall' to the likert5 question about overall satisfaction."
)
MANY_OVERALL = N_(
    "Item '%(item)s' is a second 'role: overall' item; '%(first)s' on line %(first_line)s is the first. "
    "Keep exactly one."
)
DUPLICATE_WEIGHTING = N_(
    "Item '%(item)s' uses the weighting variable '%(value)s' already used by item '%(first)s'. Use it once."
)

# One item.
BAD_TYPE = N_("Item '%(item)s' has type '%(value)s'. Use one of: %(allowed)s.")
BAD_ROLE = N_("Item '%(item)s' has role '%(value)s'. Use one of: %(allowed)s, or leave 'role' out.")
OVERALL_NOT_LIKERT = N_("Item '%(item)s' has 'role: overall' but type '%(type)s'. Make it a likert5 item.")
MISSING_WEIGHTING = N_(
    "Demographic item '%(item)s' has no 'weighting_variable'. Add the population margin it matches, "
    "for example 'weighting_variable: gender'."
)
MISPLACED_WEIGHTING = N_(
    "Item '%(item)s' has a 'weighting_variable' but no 'role: demographic'. "
    "Add the role or remove the variable."
)
DEMOGRAPHIC_TYPE = N_(
    "Demographic item '%(item)s' has type '%(type)s'. "
    "Use single or yes_no, so that answers match population groups."
)
MISSING_OPTIONS = N_(
    "Item '%(item)s' of type '%(type)s' has no options. "
    "Add 'options:' with one 'code: label' line per choice."
)
TOO_FEW_OPTIONS = N_("Item '%(item)s' has only one option. Give at least two, or use a yes_no item.")
DUPLICATE_OPTION = N_(
    "Item '%(item)s' has the option code '%(option)s' twice (first on line %(first)s). "
    "Give each option its own code."
)
MISPLACED_KEY = N_(
    "Item '%(item)s' of type '%(type)s' cannot have '%(key)s'; only these types can: %(types)s. "
    "Remove '%(key)s' or change the type."
)
BAD_RANGE = N_("Item '%(item)s' has min %(min)s greater than max %(max)s. Swap the two numbers.")
BAD_MAX_LENGTH = N_("Item '%(item)s' has max_length '%(value)s'. Use a whole number from 1 to %(limit)s.")
SHOW_IF_UNKNOWN = N_(
    "Item '%(item)s' depends on item '%(target)s', which does not exist. Use the id of an earlier item."
)
SHOW_IF_LATER = N_(
    "Item '%(item)s' depends on item '%(target)s', which is not asked before it. "
    "Move '%(item)s' after '%(target)s' or depend on an earlier item."
)
SHOW_IF_TARGET_TYPE = N_(
    "Item '%(item)s' depends on item '%(target)s' of type '%(type)s'. "
    "Depend only on a likert5, yes_no, single or multi item."
)
SHOW_IF_VALUE = N_(
    "Item '%(item)s' is shown when '%(target)s' is '%(value)s', but '%(target)s' has no such answer. "
    "Use one of: %(allowed)s."
)

# Warnings of an XLSForm import: what was left out, so that nothing is lost without the author knowing.
CHOICE_LEFT_OUT = N_("This choice has no list_name or no name; it is left out.")
MEDIA_LEFT_OUT = N_("The media columns %(columns)s are left out: images and sounds are not shown.")
COLUMNS_LEFT_OUT = N_("The columns %(columns)s are left out: they only change how a phone shows the form.")
NAMES_CHANGED = N_("Names changed into ids (lower case letters, digits and _): %(names)s.")
METADATA_LEFT_OUT = N_("Rows the phone records by itself are left out: %(rows)s.")
EMPTY_GROUP = N_("The group '%(group)s' has no question left; it is not made a section.")
ROW_WITHOUT_TYPE = N_("This row has no type; it is left out.")
NEVER_SHOWN = N_("'%(name)s' is left out: its relevant '%(value)s' never shows it.")
NOTE_CONDITION_LEFT_OUT = N_(
    "The note's relevant '%(value)s' is left out: the note is shown with the question after it, under that "
    "question's condition."
)
NOTE_LEFT_OUT = N_("The note '%(text)s' is left out: no question follows it in its group.")
CONSTRAINT_LEFT_OUT = N_(
    "The constraint '%(value)s' is not checked: only number ranges and text lengths are."
)
MESSAGE_LEFT_OUT = N_("The message '%(value)s' is left out: the survey's own message is shown.")
DEFAULT_LEFT_OUT = N_("The default '%(value)s' is left out: answers are never filled in beforehand.")
PIPING_LEFT_OUT = N_("'%(value)s' in this text is shown as written: answers are not put into texts.")
LIKERT_SUGGESTED = N_(
    "The list '%(list)s' has five choices but is read as a plain choice, outside the satisfaction index. "
    "If it is a 5-point satisfaction scale, give --likert %(list)s (its choices in order, worst first)."
)
VERSION_REPLACED = N_("The version '%(value)s' is not a whole number; version 1 is used.")

#: Every problem code and its default template. A code names the kind of problem and stays stable; tests
#: and tools match on it. ``unknown_key`` also uses `UNKNOWN_KEY_SUGGEST` when a close key exists.
CATALOGUE: dict[str, str] = {
    "unreadable": UNREADABLE,
    "yaml_syntax": YAML_SYNTAX,
    "empty_file": EMPTY_FILE,
    "missing_sheet": MISSING_SHEET,
    "missing_column": MISSING_COLUMN,
    "unknown_choice_list": UNKNOWN_CHOICE_LIST,
    "unsupported_relevant": UNSUPPORTED_RELEVANT,
    "damaged_workbook": DAMAGED_WORKBOOK,
    "not_workbook": NOT_WORKBOOK,
    "not_workbook_text": NOT_WORKBOOK_TEXT,
    "duplicate_column": DUPLICATE_COLUMN,
    "merged_cells": MERGED_CELLS,
    "formula_without_value": FORMULA_WITHOUT_VALUE,
    "too_deep": TOO_DEEP,
    "unsupported_feature": UNSUPPORTED_FEATURE,
    "missing_name": MISSING_NAME,
    "missing_label": MISSING_LABEL,
    "bad_required": BAD_REQUIRED,
    "no_questions": NO_QUESTIONS,
    "give_sector": GIVE_SECTOR,
    "choice_left_out": CHOICE_LEFT_OUT,
    "media_left_out": MEDIA_LEFT_OUT,
    "columns_left_out": COLUMNS_LEFT_OUT,
    "names_changed": NAMES_CHANGED,
    "metadata_left_out": METADATA_LEFT_OUT,
    "empty_group": EMPTY_GROUP,
    "row_without_type": ROW_WITHOUT_TYPE,
    "never_shown": NEVER_SHOWN,
    "note_condition_left_out": NOTE_CONDITION_LEFT_OUT,
    "note_left_out": NOTE_LEFT_OUT,
    "constraint_left_out": CONSTRAINT_LEFT_OUT,
    "message_left_out": MESSAGE_LEFT_OUT,
    "default_left_out": DEFAULT_LEFT_OUT,
    "piping_left_out": PIPING_LEFT_OUT,
    "version_replaced": VERSION_REPLACED,
    "likert_suggested": LIKERT_SUGGESTED,
    "give_target": GIVE_TARGET,
    "give_overall": GIVE_OVERALL,
    "duplicate_questionnaire": DUPLICATE_QUESTIONNAIRE,
    "not_mapping": NOT_MAPPING,
    "not_list": NOT_LIST,
    "not_text": NOT_TEXT,
    "empty_text": EMPTY_TEXT,
    "empty_list": EMPTY_LIST,
    "not_boolean": NOT_BOOLEAN,
    "not_number": NOT_NUMBER,
    "missing_key": MISSING_KEY,
    "unknown_key": UNKNOWN_KEY,
    "duplicate_key": DUPLICATE_KEY,
    "bad_id": BAD_ID,
    "bad_code": BAD_CODE,
    "bad_version": BAD_VERSION,
    "bad_sector": BAD_SECTOR,
    "bad_target": BAD_TARGET,
    "bad_target_rule": BAD_TARGET_RULE,
    "duplicate_section": DUPLICATE_SECTION,
    "duplicate_item": DUPLICATE_ITEM,
    "no_overall": NO_OVERALL,
    "many_overall": MANY_OVERALL,
    "duplicate_weighting": DUPLICATE_WEIGHTING,
    "bad_type": BAD_TYPE,
    "bad_role": BAD_ROLE,
    "overall_not_likert": OVERALL_NOT_LIKERT,
    "missing_weighting": MISSING_WEIGHTING,
    "misplaced_weighting": MISPLACED_WEIGHTING,
    "demographic_type": DEMOGRAPHIC_TYPE,
    "missing_options": MISSING_OPTIONS,
    "too_few_options": TOO_FEW_OPTIONS,
    "duplicate_option": DUPLICATE_OPTION,
    "misplaced_key": MISPLACED_KEY,
    "bad_range": BAD_RANGE,
    "bad_max_length": BAD_MAX_LENGTH,
    "show_if_unknown": SHOW_IF_UNKNOWN,
    "show_if_later": SHOW_IF_LATER,
    "show_if_target_type": SHOW_IF_TARGET_TYPE,
    "show_if_value": SHOW_IF_VALUE,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a questionnaire source, located precisely enough to fix it without searching.

    ``line`` is 1-based (a spreadsheet row for XLSForm; 0 when the whole file is concerned); ``field`` is a
    path such as ``items[q3].type``; ``params`` fill the ``%(name)s`` slots of ``template``.
    """

    file: str
    line: int
    field: str
    code: str
    template: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, file: str, line: int, field: str, code: str, template: str | None = None, /,
           **params: object) -> Problem:
        """Build a problem whose template is the catalogue's one for ``code`` unless given."""
        return cls(file, line, field, code, template or CATALOGUE[code], dict(params))

    @property
    def message(self) -> str:
        """The English message."""
        return self.template % self.params

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of ``gettext`` (e.g. ``flask_babel.gettext``)."""
        return gettext(self.template) % self.params

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class QuestionnaireError(ValueError):
    """A questionnaire source has problems; ``problems`` lists all of them, in file and line order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
