"""``flask questionnaires …`` commands as an official would run them."""

from __future__ import annotations

from pathlib import Path

import openpyxl

SHIPPED = Path(__file__).resolve().parent.parent / "questionnaires"


def test_check_accepts_every_shipped_questionnaire(runner) -> None:  # type: ignore[no-untyped-def]
    files = sorted(str(p) for p in SHIPPED.glob("*.yaml"))
    result = runner.invoke(args=["questionnaires", "check", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count(": OK") == 3


def test_check_names_file_line_and_field_of_a_mistake(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: trial\nversion: 1\nsector: one_stop\ntarget: 1.5\ntitle: Trial\nsections:\n"
        "  - id: s1\n    title: Only\n    items:\n"
        "      - id: overall\n        type: likert5\n        role: overall\n        text: Overall?\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["questionnaires", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:4: target:" in result.output


def test_list_shows_the_served_questionnaires(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["questionnaires", "list"])
    assert result.exit_code == 0
    for form_id, target in (("one_stop", "90%"), ("health", "80%"), ("education", "80%")):
        line = next(line for line in result.output.splitlines() if line.startswith(form_id + "\t"))
        assert f"target {target}" in line


def test_convert_writes_yaml_that_checks_clean(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "role"])
    survey.append(["likert5", "overall", "Overall, how satisfied are you?", "yes", "overall"])
    survey.append(["select_one sex", "gender", "Your gender", "", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["sex", "female", "Female"])
    choices.append(["sex", "male", "Male"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "sector", "target", "form_title"])
    settings.append(["trial", 1, "health", 0.8, "Trial"])
    path = tmp_path / "trial.xlsx"
    book.save(path)
    out = tmp_path / "trial.yaml"
    result = runner.invoke(args=["questionnaires", "convert", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["questionnaires", "check", str(out)]).exit_code == 0


def test_convert_reports_the_sheet_and_row_of_a_bad_cell(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "role"])
    survey.append(["likert6", "overall", "Overall?", "yes", "overall"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "sector", "target", "form_title"])
    settings.append(["trial", 1, "health", 0.8, "Trial"])
    path = tmp_path / "trial.xlsx"
    book.save(path)
    result = runner.invoke(args=["questionnaires", "convert", str(path)])
    assert result.exit_code == 1
    assert "trial.xlsx:survey:2:" in result.output
