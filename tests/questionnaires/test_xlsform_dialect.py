"""XLSForm as KoboToolbox and ODK users write it: languages, .xls, spellings, skip logic, refusals, export.

Every workbook is built here, row by row, so each test shows the spreadsheet it reads.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlwt

import questionnaires
from questionnaires.xlsform import Options, convert, to_xlsform, to_yaml

FLAGS = Options(sector="health", target=0.8, overall="overall")
CHOICES = [["list name", "name", "label::English (en)", "label::Vietnamese (vi)"],
           ["sat", 1, "Very bad", "Rất tệ"], ["sat", 2, "Bad", "Tệ"], ["sat", 3, "So-so", "Bình thường"],
           ["sat", 4, "Good", "Tốt"], ["sat", 5, "Very good", "Rất tốt"],
           ["kinds", "land", "Land", "Đất đai"], ["kinds", "other", "Other", "Khác"]]


def book(path: Path, survey: list[list[object]], choices: list[list[object]] | None = CHOICES,
         settings: list[list[object]] | None = None, sheet_names: tuple[str, str, str] = ("survey", "choices",
                                                                                          "settings")) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = sheet_names[0]
    for row in survey:
        first.append(row)
    for name, rows in zip(sheet_names[1:], (choices, settings), strict=True):
        if rows is not None:
            sheet = workbook.create_sheet(name)
            for row in rows:
                sheet.append(row)
    workbook.save(path)
    return path


SURVEY = [["TYPE", "Name", "label::English (en)", "label::Vietnamese (vi)", "hint::English (en)",
           "hint::Vietnamese (vi)", "relevant"],
          ["start", "start"], ["deviceid", "deviceid"],
          ["begin group", "visit", "Your visit", "Chuyến đi"],
          ["Select One kinds", "kind", "What for?", "Việc gì?"],
          ["begin_group", "inner"],
          ["select_one sat", "staff", "Staff", "Cán bộ", "Be honest", "Hãy thật lòng"],
          ["end_group"],
          ["select_multiple kinds", "also", "Also?", "Còn gì?", None, None, "${kind} = 'land'"],
          ["end group"],
          ["select_one sat", "overall", "Overall?", "Nhìn chung?"]]


def test_kobo_dialect_and_languages(tmp_path: Path) -> None:
    conversion = convert(book(tmp_path / "kobo.xlsx", SURVEY), FLAGS)
    form = conversion.questionnaire
    assert form is not None, conversion.problems
    assert [(section.id, section.title) for section in form.sections] == [
        ("visit", "Your visit"), ("inner", "Your visit"), ("visit_2", "Your visit"), ("main", "kobo")]
    assert [(item.id, item.type) for item in form.items] == [
        ("kind", "single"), ("staff", "likert5"), ("also", "multi"), ("overall", "likert5")]
    assert form.overall.id == "overall" and form.item("staff").help == "Be honest"
    assert conversion.texts["vi"]["What for?"] == "Việc gì?"
    assert conversion.texts["vi"]["Land"] == "Đất đai" and conversion.texts["vi"]["Be honest"] == "Hãy thật lòng"
    metadata = [warning for warning in conversion.warnings if warning.code == "metadata_left_out"]
    assert [warning.params["rows"] for warning in metadata] == ["2 (start), 3 (deviceid)"]
    assert sorted(conversion.rows) == list(range(2, 12))


def test_default_language_decides_the_questionnaire_texts(tmp_path: Path) -> None:
    settings = [["form_id", "default_language"], ["kobo", "Vietnamese (vi)"]]
    conversion = convert(book(tmp_path / "kobo.xlsx", SURVEY, settings=settings), FLAGS)
    assert conversion.questionnaire is not None
    assert conversion.questionnaire.item("kind").text == "Việc gì?"
    assert conversion.texts["en"]["Việc gì?"] == "What for?"


def test_language_codes_in_parentheses_decide_the_catalog() -> None:
    from questionnaires.xlsform.dialect import column

    assert column("label::Vietnamese (vi)").language == "vi"
    assert column("label::Tày (tyz)").language == "tyz"
    assert column("Label::English").language == "en"
    assert column("list name").base == "list_name"


def test_old_xls_format(tmp_path: Path) -> None:
    workbook = xlwt.Workbook()
    for name, rows in (("survey", SURVEY), ("choices", CHOICES)):
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    workbook.save(str(tmp_path / "old.xls"))
    conversion = convert(tmp_path / "old.xls", FLAGS)
    assert conversion.questionnaire is not None, conversion.problems
    new = convert(book(tmp_path / "new.xlsx", SURVEY), FLAGS).questionnaire
    assert new is not None and conversion.questionnaire.sections[:3] == new.sections[:3]


def test_a_renamed_workbook_is_read_by_its_content(tmp_path: Path) -> None:
    path = book(tmp_path / "form.xlsx", SURVEY)
    renamed = tmp_path / "form.xls"
    renamed.write_bytes(path.read_bytes())
    assert convert(renamed, FLAGS).questionnaire == convert(path, FLAGS).questionnaire


def test_plain_label_is_the_questionnaire_language_and_others_go_to_catalogs(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "label::Vietnamese (vi)"], ["select_one sat", "overall", "Overall?",
                                                                    "Nhìn chung?"]]
    choices = [["list_name", "name", "label", "label::Vietnamese (vi)"], *[row[:2] + row[2:4] for row in CHOICES[1:6]]]
    conversion = convert(book(tmp_path / "plain.xlsx", survey, choices), FLAGS)
    assert conversion.questionnaire is not None and conversion.questionnaire.item("overall").text == "Overall?"
    assert conversion.texts == {"vi": {"Overall?": "Nhìn chung?", "Very bad": "Rất tệ", "Bad": "Tệ",
                                       "So-so": "Bình thường", "Good": "Tốt", "Very good": "Rất tốt"}}


def test_styled_last_row_of_a_libreoffice_sheet_is_not_walked(tmp_path: Path) -> None:
    path = book(tmp_path / "styled.xlsx", SURVEY)
    workbook = openpyxl.load_workbook(path)
    workbook["survey"].cell(row=1_048_576, column=1_024).font = openpyxl.styles.Font(bold=True)
    workbook.save(path)
    assert convert(path, FLAGS).questionnaire is not None


@pytest.mark.parametrize(("relevant", "answers", "shown"), [
    ("selected(${also}, 'land')", {"also": ["land", "other"]}, True),
    ("${also} = 'land'", {"also": ["land", "other"]}, False),  # the whole value, as ODK compares it
    ("${also} = 'land'", {"also": ["land"]}, True),
    ("${staff} >= 4 and ${kind} != 'other'", {"staff": 4, "kind": "land"}, True),
    ("${staff} >= 4 and ${kind} != 'other'", {"staff": 4, "kind": "other"}, False),
    ("(${staff} < 3 or ${staff} > 4) and not(${kind} = \"land\")", {"staff": 5, "kind": "other"}, True),
    ("count-selected(${also}) >= 2", {"also": ["land"]}, False),
    ("${kind}", {"kind": "land"}, True),
    ("${kind}", {}, False),
    ("${staff} <= 2", {"staff": "na"}, False),
])
def test_skip_logic_people_write(tmp_path: Path, relevant: str, answers: dict[str, object], shown: bool) -> None:
    survey = [["type", "name", "label", "relevant"], ["select_one kinds", "kind", "What for?"],
              ["select_multiple kinds", "also", "Also?"], ["select_one sat", "staff", "Staff?"],
              ["text", "why", "Why?", relevant], ["select_one sat", "overall", "Overall?"]]
    choices = [[cell for index, cell in enumerate(row) if index != 3] for row in CHOICES]
    conversion = convert(book(tmp_path / "skip.xlsx", survey, choices), FLAGS)
    assert conversion.questionnaire is not None, conversion.problems
    assert conversion.questionnaire.item("why").visible(answers) is shown


def test_refusals_name_row_and_feature(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "relevant", "choice_filter"], ["begin repeat", "people", "People"],
              ["text", "who", "Who?"], ["end repeat"], ["geopoint", "where", "Where?"], ["calculate", "total", None],
              ["select_one kinds", "kind", "What for?", None, "${x} = 1"],
              ["text", "why", "Why?", "string-length(${kind}) > 3"], ["select_one sat", "overall", "Overall?"]]
    conversion = convert(book(tmp_path / "refused.xlsx", survey), FLAGS)
    assert conversion.questionnaire is None
    found = [(p.line, p.field, p.code, p.params.get("feature") or p.params.get("part")) for p in conversion.problems]
    assert found == [(2, "type", "unsupported_feature", "repeat"), (5, "type", "unsupported_feature", "geo"),
                     (6, "type", "unsupported_feature", "calculate"),
                     (7, "choice_filter", "unsupported_feature", "choice_filter"),
                     (8, "relevant", "unsupported_relevant", "string-length(${kind})")]
    assert "'begin repeat' uses repeat" in str(conversion.problems[0])


def test_notes_are_shown_before_the_next_question(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["note", "welcome", "Thank you for coming."],
              ["note", "anon", "It is anonymous."],
              ["select_one sat", "overall", "Overall?"], ["note", "bye", "Goodbye."]]
    conversion = convert(book(tmp_path / "notes.xlsx", survey), FLAGS)
    form = conversion.questionnaire
    assert form is not None, conversion.problems
    assert [item.id for item in form.items] == ["overall"]
    assert form.item("overall").note == "Thank you for coming.\n\nIt is anonymous."
    assert "Thank you for coming.\n\nIt is anonymous." in set(form.texts())
    assert [(warning.line, warning.code) for warning in conversion.warnings] == [(5, "note_left_out")]
    assert "The note 'Goodbye.' is left out" in str(conversion.warnings[0])
    assert questionnaires.parse(to_yaml(form)) == form


def test_duplicate_headers_and_merged_cells_are_reported(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "relevant", "relevant"], ["select_one sat", "overall", "Overall?"],
              ["text", "why", "Why?"]]
    path = book(tmp_path / "dup.xlsx", survey)
    workbook = openpyxl.load_workbook(path)
    workbook["survey"].merge_cells("C2:C3")
    workbook.save(path)
    codes = [(p.line, p.code) for p in convert(path, FLAGS).problems]
    assert codes == [(1, "duplicate_column"), (2, "merged_cells"), (3, "missing_label")]


def test_missing_semantics_are_asked_as_flags(tmp_path: Path) -> None:
    conversion = convert(book(tmp_path / "kobo.xlsx", SURVEY))
    messages = [problem.message for problem in conversion.problems]
    assert any("Give --sector one_stop|health|education" in message for message in messages)
    assert any("Give --target 0.9" in message for message in messages)
    assert any("Give --overall NAME" in message and "staff, overall" in message for message in messages)


def test_likert_flag_and_or_other(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["select_one agree", "polite", "Polite?"],
              ["select_one kinds or_other", "kind", "What for?"], ["select_one sat", "overall", "Overall?"]]
    choices = [["list_name", "name", "label"], *[["agree", code, code] for code in "abcde"],
               ["kinds", "land", "Land"], ["kinds", "tax", "Tax"], *[row[:3] for row in CHOICES[1:6]]]
    conversion = convert(book(tmp_path / "a.xlsx", survey, choices), FLAGS)
    plain = conversion.questionnaire
    assert plain is not None and plain.item("polite").type == "single"
    assert [(warning.line, warning.code) for warning in conversion.warnings] == [(2, "likert_suggested")]
    assert "give --likert agree" in str(conversion.warnings[0])
    flagged = convert(book(tmp_path / "b.xlsx", survey, choices),
                      Options("health", 0.8, "overall", likert=("agree",))).questionnaire
    assert flagged is not None and flagged.item("polite").type == "likert5"
    assert [option.code for option in flagged.item("kind").options] == ["land", "tax", "other"]
    assert flagged.item("kind_other").visible({"kind": "other"}) and not flagged.item("kind_other").visible({})


@pytest.mark.parametrize("name", ["one_stop", "health", "education"])
def test_export_imports_back_and_pyxform_accepts_it(tmp_path: Path, name: str) -> None:
    xls2xform = pytest.importorskip("pyxform.xls2xform")
    form = questionnaires.load_directory()[name]
    path = tmp_path / f"{name}.xlsx"
    to_xlsform(form, path, {"en": "English", "vi": "Vietnamese"},
               lambda code, text: f"[{code}] {text}" if code == "vi" else text)
    conversion = convert(path)
    assert conversion.problems == []
    assert conversion.questionnaire == form
    title = form.sections[0].title
    assert conversion.texts["vi"][title] == f"[vi] {title}"
    xml = xls2xform.convert(xlsform=str(path), validate=False).xform
    assert f'id="{form.id}"' in xml


def test_formula_without_its_value_is_reported(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["select_one sat", "overall", "=\"Overall\"&\"?\""]]
    codes = [(p.line, p.field, p.code) for p in convert(book(tmp_path / "formula.xlsx", survey), FLAGS).problems]
    assert (2, "C (label)", "formula_without_value") in codes  # openpyxl saves formulas without their result


def test_demographic_flag_constraint_and_warned_columns(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "constraint", "default", "hint"],
              ["select_one genders", "gender", "Gender?"],
              ["integer", "visits", "Visits?", ". >= 1 and . <= 20", "1"],
              ["text", "why", "Why, ${gender}?", "regex(., '^[a-z]+$')"],
              ["select_one sat", "overall", "Overall?"]]
    choices = [*[row[:3] for row in CHOICES], ["genders", "f", "Female"], ["genders", "m", "Male"]]
    conversion = convert(book(tmp_path / "demo.xlsx", survey, choices),
                         Options("health", 0.8, "overall", demographics=(("gender", "gender"),)))
    form = conversion.questionnaire
    assert form is not None, conversion.problems
    assert (form.item("gender").role, form.item("gender").weighting_variable) == ("demographic", "gender")
    assert (form.item("visits").min, form.item("visits").max) == (1, 20)
    assert [(warning.line, warning.field, warning.code) for warning in conversion.warnings] == [
        (3, "default", "default_left_out"), (4, "label", "piping_left_out"),
        (4, "constraint", "constraint_left_out")]
