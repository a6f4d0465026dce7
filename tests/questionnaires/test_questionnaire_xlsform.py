"""XLSForm workbooks read into the same model, with the same problems located by sheet and row.

Workbooks are built here with openpyxl, row by row, so each test shows the spreadsheet it reads.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import questionnaires
from questionnaires import Questionnaire, ShowIf
from questionnaires.xlsform import convert, load_workbook, read_workbook, to_yaml

HEADER = ["type", "name", "label", "hint", "required", "relevant", "dimension", "role", "weighting_variable"]
SURVEY = [
    HEADER,                                                                                     # row 1
    ["begin group", "visit", "Your visit", "Tell us about today."],                              # row 2
    ["select_one kinds", "kind", "What did you come for?", None, "yes"],                       # row 3
    ["likert5", "staff_polite", "How polite the staff were", None, "yes", None, "staff"],        # row 4
    ["yes_no", "complained", "Did you complain?"],                                               # row 5
    ["likert5", "handling", "How your complaint was handled", None, None, "${complained} = 'yes'",
     "feedback"],                                                                               # row 6
    ["select_multiple kinds", "also", "Anything else?", None, "no", "${kind} = 'land' or ${kind} = 'other'"],
    ["integer", "visits", "How many times did you come?"],                                       # row 8
    ["end group"],                                                                               # row 9
    ["begin_group", "summary", "Overall"],                                                       # row 10
    ["likert5", "overall", "Overall, how satisfied are you?", None, "TRUE", None, None, "overall"],
    ["select_one genders", "gender", "Your gender", None, None, None, None, "demographic", "gender"],
    ["end_group"],
]
CHOICES = [
    ["list_name", "name", "label"],
    ["kinds", "land", "Land"],
    ["kinds", "other", "Something else"],
    ["genders", "female", "Female"],
    ["genders", "male", "Male"],
]
SETTINGS = [["form_id", "version", "form_title", "sector", "target"], ["visit_form", 2, "Your visit", "one_stop", 0.9]]


def workbook(path: Path, survey: list[list[object]] = SURVEY, choices: list[list[object]] | None = CHOICES,
             settings: list[list[object]] | None = SETTINGS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(name)
            for row in rows:
                extra.append(row)
    book.save(path)
    return path


@pytest.fixture
def form(tmp_path: Path) -> Questionnaire:
    return load_workbook(workbook(tmp_path / "form.xlsx"))


def test_workbook_reads_into_the_model(form: Questionnaire) -> None:
    assert (form.id, form.version, form.sector, form.target, form.title) == ("visit_form", 2, "one_stop", 0.9,
                                                                             "Your visit")
    assert [(section.id, section.title, section.intro) for section in form.sections] == [
        ("visit", "Your visit", "Tell us about today."), ("summary", "Overall", None)]
    assert [(item.id, item.type, item.required) for item in form.items] == [
        ("kind", "single", True), ("staff_polite", "likert5", True), ("complained", "yes_no", False),
        ("handling", "likert5", False), ("also", "multi", False), ("visits", "number", False),
        ("overall", "likert5", True), ("gender", "single", False)]
    assert [(option.code, option.label) for option in form.item("kind").options] == [
        ("land", "Land"), ("other", "Something else")]
    assert form.item("handling").show_if == ShowIf("complained", ("yes",))
    assert form.item("also").show_if == ShowIf("kind", ("land", "other"))
    assert form.item("staff_polite").dimension == "staff"
    assert form.item("gender").weighting_variable == "gender"
    assert [item.line for item in form.items] == [3, 4, 5, 6, 7, 8, 11, 12]


def test_round_trip_through_our_yaml(form: Questionnaire, tmp_path: Path) -> None:
    text = to_yaml(form, comment="Converted from form.xlsx.\nFollows SIPAS.")
    assert text.startswith("# Converted from form.xlsx.\n# Follows SIPAS.\nid: visit_form\n")
    path = tmp_path / "visit_form.yaml"
    path.write_text(text, encoding="utf-8")
    assert questionnaires.check_file(path) == []
    assert questionnaires.load(path) == form


@pytest.mark.parametrize("name", ["one_stop", "health", "education"])
def test_shipped_questionnaires_round_trip(name: str) -> None:
    form = questionnaires.load_directory()[name]
    assert questionnaires.parse(to_yaml(form)) == form


def test_load_and_check_file_read_workbooks(tmp_path: Path) -> None:
    path = workbook(tmp_path / "form.xlsx")
    assert questionnaires.check_file(path) == []
    assert questionnaires.load(path) == load_workbook(path)


def replaced(row: int, column: str, value: object) -> list[list[object]]:
    survey = [list(cells) + [None] * (len(HEADER) - len(cells)) for cells in SURVEY]
    survey[row - 1][HEADER.index(column)] = value
    return survey


@pytest.mark.parametrize(("survey", "expected"), [
    pytest.param(replaced(4, "type", "likert6"), [("survey", "bad_type", 4, "type")],
                 id="bad-type"),
    pytest.param(replaced(3, "type", "select_one nope"),
                 [("survey", "unknown_choice_list", 3, "type")],
                 id="unknown-choice-list"),
    pytest.param(replaced(6, "relevant", "string-length(${complained}) > 2"),
                 [("survey", "unsupported_relevant", 6, "relevant")],
                 id="unsupported-relevant"),
    pytest.param(replaced(6, "relevant", "${visits_later} = 'yes'"),
                 [("survey", "show_if_unknown", 6, "relevant")], id="relevant-unknown-item"),
    pytest.param(replaced(11, "role", None), [("survey", "give_overall", 0, "role")], id="no-overall"),
    pytest.param(replaced(8, "name", "kind"), [("survey", "duplicate_item", 8, "name")],
                 id="duplicate-name"),
    pytest.param(replaced(12, "weighting_variable", None),
                 [("survey", "missing_weighting", 12, "weighting_variable")], id="no-weighting-variable"),
])
def test_problems_name_sheet_and_row(tmp_path: Path, survey: list[list[object]],
                                     expected: list[tuple[str, str, int, str]]) -> None:
    path = workbook(tmp_path / "form.xlsx", survey=survey)
    questionnaire, problems = read_workbook(path)
    assert questionnaire is None
    assert [(p.file.rsplit(":", 1)[1], p.code, p.line, p.field) for p in problems] == expected
    assert all(p.file.startswith(f"{path}:") for p in problems)


def test_unknown_column_is_named_in_a_warning(tmp_path: Path) -> None:
    survey = [[*HEADER, "requried"], *SURVEY[1:4], [*SURVEY[4], *[None] * 6, "yes"], *SURVEY[5:]]
    conversion = convert(workbook(tmp_path / "form.xlsx", survey=survey))
    assert conversion.questionnaire is not None
    assert [(warning.line, warning.code, warning.params["columns"]) for warning in conversion.warnings] == [
        (1, "columns_left_out", "requried")]


def test_settings_problems_point_at_the_settings_sheet(tmp_path: Path) -> None:
    settings = [SETTINGS[0], ["visit_form", 0, "Your visit", "police", 0.9]]
    path = workbook(tmp_path / "form.xlsx", settings=settings)
    assert [(p.file, p.line, p.field, p.code) for p in questionnaires.check_file(path)] == [
        (f"{path}:settings", 2, "version", "bad_version"), (f"{path}:settings", 2, "sector", "bad_sector")]


def test_missing_sheet_and_unreadable_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "form.xlsx", settings=None)
    assert [(p.file, p.code) for p in questionnaires.check_file(path)] == [
        (f"{path}:settings", "give_sector"), (f"{path}:settings", "give_target")]
    assert "give --sector one_stop|health|education" in str(questionnaires.check_file(path)[0]).lower()
    broken = tmp_path / "broken.xlsx"
    broken.write_text("type,name,label\ntext,q,Q\n", encoding="utf-8")
    assert [p.code for p in questionnaires.check_file(broken)] == ["not_workbook_text"]
    binary = tmp_path / "photo.xlsx"
    binary.write_bytes(bytes(range(256)))
    assert [p.code for p in questionnaires.check_file(binary)] == ["not_workbook"]


def test_items_outside_groups_form_one_section(tmp_path: Path) -> None:
    survey = [HEADER, ["likert5", "overall", "Overall?", None, "yes", None, None, "overall"]]
    form = load_workbook(workbook(tmp_path / "form.xlsx", survey=survey, choices=None))
    assert [(section.id, section.title, len(section.items)) for section in form.sections] == [("main", "Your visit", 1)]
