"""Questionnaires: a typed model, loaded from YAML (or XLSForm) files with every problem located and explained.

Pure Python, never imports Flask, so the web layer, the analysis layer and command-line tools share one
meaning of a questionnaire::

    import questionnaires
    forms = questionnaires.load_directory()          # the shipped one_stop, health and education
    problems = questionnaires.check_file("my.yaml")  # [] when valid; each prints as file:line: field: message
"""

from __future__ import annotations

from .errors import Problem, QuestionnaireError
from .loader import check_file, load, load_directory, parse
from .model import (
    ITEM_TYPES,
    LIKERT_LABELS,
    NO,
    NOT_APPLICABLE,
    NOT_APPLICABLE_LABEL,
    ROLES,
    SECTORS,
    TARGET_RULES,
    YES,
    YES_NO_LABELS,
    Item,
    Option,
    Questionnaire,
    Section,
    ShowIf,
)

__all__ = [
    "ITEM_TYPES",
    "LIKERT_LABELS",
    "NO",
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_LABEL",
    "ROLES",
    "SECTORS",
    "TARGET_RULES",
    "YES",
    "YES_NO_LABELS",
    "Item",
    "Option",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "ShowIf",
    "check_file",
    "load",
    "load_directory",
    "parse",
]
