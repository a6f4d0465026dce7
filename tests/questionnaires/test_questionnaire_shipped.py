"""The three shipped questionnaires load, and carry what the web and analysis layers rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

import questionnaires
from questionnaires import Questionnaire

PACKAGE = Path(questionnaires.__file__).parent

SHIPPED = {
    # id: (sector, target, dimensions in order, instrument cited in the header comment)
    "one_stop": ("one_stop", 0.90, ("access", "procedures", "staff", "results", "feedback"), "2640/QĐ-BNV"),
    "health": ("health", 0.80, ("access", "transparency", "facilities", "staff", "results"), "3869/QĐ-BYT"),
    "education": ("education", 0.80, ("access", "facilities", "environment", "teaching", "results",
                                      "teacher_attitude", "contact"), "2329/QĐ-BGDĐT"),
}
DEMOGRAPHICS = {
    "gender": [("female", "Female"), ("male", "Male"), ("other", "Other")],
    "age_group": [("18_29", "18 to 29"), ("30_44", "30 to 44"), ("45_59", "45 to 59"), ("60_plus", "60 or older")],
    "ethnicity": [("kinh", "Kinh"), ("tay", "Tày"), ("nung", "Nùng"), ("hmong", "H'Mông"), ("dao", "Dao"),
                  ("other", "Other")],
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Questionnaire]:
    return questionnaires.load_directory()


def test_exactly_the_three_questionnaires_are_shipped(shipped: dict[str, Questionnaire]) -> None:
    assert sorted(shipped) == sorted(SHIPPED)
    assert {Path(form.source).name for form in shipped.values()} == {f"{name}.yaml" for name in SHIPPED}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_file_has_no_problem(name: str) -> None:
    assert questionnaires.check_file(PACKAGE / f"{name}.yaml") == []


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_sector_target_dimensions_and_source(shipped: dict[str, Questionnaire], name: str) -> None:
    sector, target, dimensions, instrument = SHIPPED[name]
    form = shipped[name]
    assert (form.id, form.version, form.sector, form.target) == (name, 1, sector, target)
    assert form.dimensions == dimensions
    header = (PACKAGE / f"{name}.yaml").read_text(encoding="utf-8").split("\nid:")[0]
    assert instrument in header


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_overall_item(shipped: dict[str, Questionnaire], name: str) -> None:
    overall = shipped[name].overall
    assert (overall.id, overall.type, overall.role, overall.required) == ("overall", "likert5", "overall", True)
    assert [item.id for item in shipped[name].items if item.role == "overall"] == ["overall"]


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_demographics_are_optional_and_named_after_their_weighting_variable(
        shipped: dict[str, Questionnaire], name: str) -> None:
    demographics = shipped[name].demographics
    assert [item.id for item in demographics] == list(DEMOGRAPHICS)
    for item in demographics:
        assert (item.type, item.required, item.weighting_variable) == ("single", False, item.id)
        assert [(option.code, option.label) for option in item.options] == DEMOGRAPHICS[item.id]


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_optional_free_text_comment(shipped: dict[str, Questionnaire], name: str) -> None:
    comment = shipped[name].item("comment")
    assert (comment.type, comment.required, comment.max_length) == ("text", False, 1000)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_answerable_in_about_three_minutes(shipped: dict[str, Questionnaire], name: str) -> None:
    form = shipped[name]
    assert 15 <= len(form.items) <= 22
    assert all(len(text) <= 120 for text in form.texts()), "keep texts short for low-literacy respondents"


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_satisfaction_item_but_overall_has_a_dimension(shipped: dict[str, Questionnaire], name: str) -> None:
    items = shipped[name].items
    assert all(item.dimension for item in items if item.is_satisfaction and item.role != "overall")
    assert not any(item.dimension for item in items if item.type != "likert5")


def test_one_stop_has_sipas_dimensions_papi_items_and_skip_logic(shipped: dict[str, Questionnaire]) -> None:
    form = shipped["one_stop"]
    for dimension in SHIPPED["one_stop"][2]:
        assert 2 <= sum(item.dimension == dimension for item in form.items) <= 4
    assert form.item("informal_payment").type == form.item("on_time").type == "yes_no"
    assert form.item("procedure_kind").type == "single"
    handling = form.item("feedback_handling")
    assert handling.show_if == questionnaires.ShowIf("feedback_given", ("yes",))
    assert handling.visible({"feedback_given": "yes"})
    assert not handling.visible({"feedback_given": "no"})
    assert not handling.visible({})


def test_health_has_would_return_scale_patient_type_and_envelope(shipped: dict[str, Questionnaire]) -> None:
    form = shipped["health"]
    assert [option.code for option in form.item("would_return").options] == [
        "definitely_not", "no_but_no_choice", "prefer_other", "maybe", "definitely_yes"]
    assert [option.code for option in form.item("patient_type").options] == ["outpatient", "inpatient"]
    assert form.item("informal_payment").type == "yes_no"


def test_education_asks_about_fees_and_paid_extra_classes(shipped: dict[str, Questionnaire]) -> None:
    form = shipped["education"]
    assert form.item("extra_fees").type == form.item("extra_tutoring").type == "yes_no"
    assert not form.item("extra_fees").required and not form.item("extra_tutoring").required


@pytest.mark.parametrize(("name", "rule", "at_target"), [("one_stop", "at_least", True), ("health", "above", False),
                                                        ("education", "above", False)])
def test_target_rule_as_the_plans_state_it(shipped: dict[str, Questionnaire], name: str, rule: str,
                                           at_target: bool) -> None:
    """One-stop offices must reach "≥ 90 %", hospitals and schools "> 80 %": a rate equal to it differs."""
    form = shipped[name]
    assert form.target_rule == rule
    assert form.reaches_target(form.target) is at_target
    assert form.reaches_target(form.target + 0.001)
    assert not form.reaches_target(form.target - 0.001)
