"""A valid submission is read without building the WTForms form: both paths must reach the same verdict.

`read_valid_post` accepts a post only when `SurveyForm.validate` would, and then stores exactly what the form
would have stored; when it refuses, the view falls back to the form, which words the problems. Random posts —
valid, with a value missing, wrong, duplicated, a control character, a stale token — hold the two together.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_wtf.csrf import generate_csrf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from questionnaires import parse
from survey_app import create_app
from survey_app.survey.forms import form_class, read_valid_post
from tests.survey.conftest import SMALL_ANSWERS, SMALL_QUESTIONNAIRE

QUESTIONNAIRE = parse(SMALL_QUESTIONNAIRE, "small.yaml")
ODD_VALUES = ["", "4", "6", "na", "yes", "no", "maybe", "land", "other", "0", "21", "2.5", " 3 ", "x" * 60, "\x00",
              "a\x07b", "Chữ có dấu", "\u2028", "4\x00", "\x1byes", "la\x7fnd"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder: Path = tmp_path_factory.mktemp("fast")
    return create_app({"TESTING": True, "SECRET_KEY": "fast", "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/unused.sqlite"})


def post(draw: st.DrawFn, token: str) -> MultiDict[str, str]:
    """A complete valid post with zero, one or two fields spoilt, and maybe a bad id, token or receipt code."""
    fields: list[tuple[str, str]] = []
    spoilt = draw(st.sets(st.sampled_from(sorted(SMALL_ANSWERS)), max_size=2))
    for name, value in SMALL_ANSWERS.items():
        values = value if isinstance(value, list) else [value]
        change = draw(st.sampled_from(["drop", "odd", "twice", "control"])) if name in spoilt else "keep"
        if change == "drop":
            continue
        if change == "odd":
            values = draw(st.lists(st.sampled_from(ODD_VALUES), min_size=1, max_size=3))
        if change == "twice":
            values = [*values, draw(st.sampled_from(ODD_VALUES))]
        if change == "control":  # a control character somewhere in a valid value
            at, char = draw(st.integers(0, len(values[0]))), draw(st.sampled_from(["\x00", "\x07", "\x1b", "\x7f"]))
            values = [values[0][:at] + char + values[0][at:], *values[1:]]
        if name == "q_comment" and change == "keep":  # free text: any characters, control ones included
            values = [draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))]
        fields += [(name, v) for v in values]
    fields.append(("submission_id", draw(st.sampled_from(["0" * 32, "f" * 32, "0" * 32, "F" * 32, "0" * 31, ""]))))
    fields.append(("csrf_token", draw(st.sampled_from([token, token, token, token[:-1] + "A", "", "x"]))))
    code = draw(st.sampled_from([None, "AB12-CD34", " ab12 cd34 ", "", "\x01", "ab\x0012"]))
    if code is not None:
        fields.append(("receipt_code", code))
    return MultiDict(draw(st.permutations(fields)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), receipt_code_required=st.booleans())
def test_the_quick_reading_agrees_with_the_form(app: Flask, data: st.DataObject, receipt_code_required: bool) -> None:
    with app.test_request_context("/s/x", method="POST"):
        formdata = post(data.draw, generate_csrf())
        quick = read_valid_post(QUESTIONNAIRE, formdata, receipt_code_required)
        form = form_class(QUESTIONNAIRE)(formdata=formdata, receipt_code_required=receipt_code_required)
        valid = form.validate()

        assert (quick is not None) == valid
        if quick is not None:
            assert quick.answers == form.answers
            assert quick.submission_id == form.submission_id.data
            assert quick.receipt_code == (form.normalised_code if receipt_code_required else None)


def test_a_complete_post_takes_the_quick_path(app: Flask) -> None:
    with app.test_request_context("/s/x", method="POST"):
        answers = [(name, v) for name, vs in SMALL_ANSWERS.items() for v in (vs if isinstance(vs, list) else [vs])]
        formdata = MultiDict([*answers, ("submission_id", "a" * 32), ("csrf_token", generate_csrf())])
        quick = read_valid_post(QUESTIONNAIRE, formdata, receipt_code_required=False)
    assert quick is not None and quick.answers["services"] == ["land", "residence"] and quick.answers["visits"] == 2
