"""XLSForm (https://xlsform.org) in and out: import a KoboToolbox or ODK workbook, export a questionnaire.

``reader`` opens the file (``.xlsx`` or ``.xls``, by content), ``dialect`` reduces XLSForm's spellings,
``expressions`` says ``relevant`` in our rule language, ``converter`` makes the questionnaire and accounts
for every row, ``exporter`` writes our YAML or an XLSForm workbook. The web layer never imports this package.
"""

from __future__ import annotations

import os

from ..errors import Problem, QuestionnaireError
from ..model import Questionnaire
from .converter import Conversion, Options, convert
from .exporter import to_xlsform, to_yaml

__all__ = ["Conversion", "Options", "convert", "load_workbook", "read_workbook", "to_xlsform", "to_yaml"]


def read_workbook(path: str | os.PathLike[str],
                  options: Options | None = None) -> tuple[Questionnaire | None, list[Problem]]:
    """The questionnaire of an XLSForm workbook, or ``None`` and every problem."""
    conversion = convert(path, options)
    return conversion.questionnaire, conversion.problems


def load_workbook(path: str | os.PathLike[str], options: Options | None = None) -> Questionnaire:
    """Like `read_workbook`, raising `QuestionnaireError` with every problem."""
    questionnaire, problems = read_workbook(path, options)
    if questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire
