"""`pybabel extract` (through babel.cfg and the questionnaire extractor) collects every text a respondent reads."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

import questionnaires
from questionnaires.model import LIKERT_LABELS, NOT_APPLICABLE_LABEL
from survey_app.catalog import catalog_ids
from survey_app.translation_status import PROJECT_ROOT

SHIPPED = sorted(questionnaires.load_directory())


@pytest.mark.parametrize("questionnaire_id", SHIPPED)
def test_every_questionnaire_text_is_extracted(fresh_template: Catalog, questionnaire_id: str) -> None:
    form = questionnaires.load_directory()[questionnaire_id]
    missing = [text for text in form.texts() if text not in fresh_template]
    assert missing == [], f"{questionnaire_id}: texts missing from the template: {missing}"


def test_questionnaire_texts_carry_their_source_line(fresh_template: Catalog) -> None:
    form = questionnaires.load_directory()[SHIPPED[0]]
    message = fresh_template[form.items[0].text]
    assert message is not None
    assert any(path.endswith(f"{SHIPPED[0]}.yaml") and line > 0 for path, line in message.locations)


def test_fixed_answer_labels_are_extracted(fresh_template: Catalog) -> None:
    for label in [label for _, label in LIKERT_LABELS] + [NOT_APPLICABLE_LABEL]:
        assert label in fresh_template


def test_interface_strings_are_extracted_beside_questionnaire_texts(fresh_template: Catalog) -> None:
    ids = catalog_ids(fresh_template)
    assert "Skip to content" in ids  # a template (base.html)
    assert "Page not found" in ids  # a lazy_gettext (_l) string in Python
    files = {path.split("/")[0] for message in fresh_template for path, _ in message.locations}
    assert {"questionnaires", "survey_app"} <= files


def test_locations_are_relative_to_the_project(fresh_template: Catalog) -> None:
    paths = [path for message in fresh_template for path, _ in message.locations]
    assert paths and not [path for path in paths if path.startswith("/") or str(PROJECT_ROOT) in path]
