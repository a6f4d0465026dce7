"""``flask questionnaires convert`` puts a workbook's other languages into the catalogs; export writes them out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
from babel.messages.pofile import read_po
from flask import Flask

SURVEY = [["type", "name", "label::English (en)", "label::Vietnamese (vi)", "label::Tày (tyz)"],
          ["select_one sat", "overall", "Overall, how satisfied are you?", "Nhìn chung, ông/bà hài lòng không?",
           "Tổng thể, mình hài lòng bấu?"]]
CHOICES = [["list_name", "name", "label::English (en)", "label::Vietnamese (vi)", "label::Tày (tyz)"],
           *[["sat", code, f"Point {code}", f"Mức {code}", f"Mức {code} tyz"] for code in range(1, 6)]]


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for row in SURVEY:
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    book.save(path)
    return path


def _translations(root: Path, code: str) -> dict[str, str]:
    with (root / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {str(message.id): str(message.string) for message in read_po(handle) if message.id}


def test_convert_writes_each_language_into_its_catalog(tmp_path: Path, translations_dir: Path,
                                                       make_app: Callable[[], Flask]) -> None:
    runner = make_app().test_cli_runner()
    out = tmp_path / "form.yaml"
    result = runner.invoke(args=["questionnaires", "convert", str(_workbook(tmp_path / "form.xlsx")), "--out",
                                 str(out), "--sector", "health", "--target", "0.85", "--overall", "overall"])
    assert result.exit_code == 0, result.output
    assert "text: Overall, how satisfied are you?" in out.read_text(encoding="utf-8")
    assert _translations(translations_dir, "vi")["Overall, how satisfied are you?"] == \
        "Nhìn chung, ông/bà hài lòng không?"
    assert _translations(translations_dir, "tyz")["Overall, how satisfied are you?"] == "Tổng thể, mình hài lòng bấu?"
    assert (translations_dir / "tyz" / "language.yaml").is_file()  # created as `flask translations init` does


def test_convert_asks_for_what_xlsform_cannot_say(tmp_path: Path, make_app: Callable[[], Flask]) -> None:
    result = make_app().test_cli_runner().invoke(
        args=["questionnaires", "convert", str(_workbook(tmp_path / "form.xlsx"))])
    assert result.exit_code == 1
    assert "Give --sector one_stop|health|education" in result.output
    assert "Give --overall NAME with one of the 5-point questions (overall)" in result.output
    assert "Traceback" not in result.output


def test_export_xlsform_command_writes_every_language(tmp_path: Path, make_app: Callable[[], Flask]) -> None:
    app = make_app()
    from questionnaires import load_directory
    from survey_app.questionnaire_registry import EXTENSION_KEY

    app.extensions[EXTENSION_KEY] = load_directory()
    path = tmp_path / "one_stop.xlsx"
    result = app.test_cli_runner().invoke(args=["questionnaires", "export-xlsform", "one_stop", str(path)])
    assert result.exit_code == 0, result.output
    header = [cell.value for cell in next(openpyxl.load_workbook(path)["survey"].iter_rows(max_row=1))]
    assert "label::English (en)" in header and "label::Vietnamese (vi)" in header
