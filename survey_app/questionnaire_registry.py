"""The questionnaires an application serves, loaded once per application and shared between requests.

Questionnaire objects are frozen, so sharing them across threads is safe. A malformed file stops the
application at start-up with the file, line and field of every problem, rather than at a citizen's kiosk.
"""

from __future__ import annotations

from flask import current_app

import questionnaires
from questionnaires.model import Questionnaire

EXTENSION_KEY = "survey_questionnaires"


def registry() -> dict[str, Questionnaire]:
    """Questionnaires by id for the current application (loaded on first use)."""
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None:
        cached = questionnaires.load_directory(current_app.config.get("QUESTIONNAIRE_DIR"))
        current_app.extensions[EXTENSION_KEY] = cached
    return cached


def get(questionnaire_id: str) -> Questionnaire:
    """The questionnaire with this id; ``KeyError`` if the application does not serve it."""
    return registry()[questionnaire_id]
