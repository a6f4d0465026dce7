"""What an imported XLSForm brings to the survey page: notes before questions, and compound skip logic.

Compound rules (``${a} = 'yes' and ${b} <= 2``) are not applied by the page's script, which knows only the
plain rule; the page says when to answer, and the server drops answers to questions the rule hides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import Response
from survey_app.questionnaire_registry import EXTENSION_KEY

from .conftest import SMALL_ANSWERS, SMALL_QUESTIONNAIRE, fill

IMPORTED = SMALL_QUESTIONNAIRE.replace(
    "        show_if: {item: complained, values: [yes]}",
    "        note: Only if something went wrong.\n"
    "        show_if: {all: [{item: complained, values: [yes]}, {item: staff_polite, at_most: 2}]}")


@pytest.fixture
def imported_questionnaire(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "one_stop.yaml").write_text(IMPORTED, encoding="utf-8")
    app.config["QUESTIONNAIRE_DIR"] = str(folder)
    app.extensions.pop(EXTENSION_KEY, None)


pytestmark = pytest.mark.usefixtures("imported_questionnaire")


def test_note_and_compound_condition_are_shown(client: FlaskClient, campaign_unit: dict[str, Any]) -> None:
    html = client.get(f"/s/{campaign_unit['token']}?lang=en").get_data(as_text=True)
    start = html.index('id="item-complaint_handling"')
    block = html[html.rindex("<div", 0, start):html.index("</div>", start)]
    assert '<p class="note">Only if something went wrong.</p>' in block
    assert "data-show-if" not in block
    assert "Answer only if it applies to you, given your earlier answers" in block


def test_server_applies_the_compound_rule(client: FlaskClient, campaign_unit: dict[str, Any],
                                          stored: Callable[[], list[Response]]) -> None:
    token = campaign_unit["token"]
    without = {key: value for key, value in SMALL_ANSWERS.items() if key != "q_complaint_handling"}
    fill(client, f"/s/{token}", {**SMALL_ANSWERS, "q_staff_polite": "4", "q_complaint_handling": "1"})
    assert "complaint_handling" not in stored()[0].answers  # staff were polite: the question was hidden
    response = fill(client, f"/s/{token}", {**without, "q_staff_polite": "2"})
    assert 'id="q_complaint_handling-error">Choose an answer' in response.get_data(as_text=True)
    fill(client, f"/s/{token}", {**without, "q_staff_polite": "2", "q_complaint_handling": "1"})
    assert stored()[-1].answers["complaint_handling"] == 1
