"""Design weights, raking, post-stratification, trimming and Kish's n on cases computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.margins import read_margins
from analysis.simulation import SimulatedSurvey
from analysis.weights import design_weights, kish_neff, poststratify, rake, rake_trimmed, trim_weights

MARGINS = {"gender": {"m": 0.4, "f": 0.6}, "age": {"y": 0.3, "o": 0.7}}


@pytest.fixture
def four() -> pd.DataFrame:
    """One respondent in each cell of gender x age."""
    return pd.DataFrame({"gender": ["m", "m", "f", "f"], "age": ["y", "o", "y", "o"]})


def test_design_weight_is_volume_over_respondents() -> None:
    # Unit 1 served 100 people and 4 answered: 25 each; unit 2 served 30 and 2 answered: 15 each.
    df = pd.DataFrame({"unit_id": [1, 1, 2, 1, 2, 1]})
    weights = design_weights(df, {1: 100, 2: 30})
    assert weights.tolist() == [25.0, 25.0, 15.0, 25.0, 15.0, 25.0]
    assert weights.sum() == 130
    from_column = design_weights(df.assign(service_volume=[100, 100, 30, 100, 30, 100]), "service_volume")
    pd.testing.assert_series_equal(from_column, weights)


def test_rake_of_a_full_two_by_two_table_is_the_product_of_the_margins(four: pd.DataFrame) -> None:
    # Starting from equal weights (odds ratio 1), raking keeps the odds ratio, so the solution is independence:
    # w = n * P(gender) * P(age) = 4 * (0.4*0.3, 0.4*0.7, 0.6*0.3, 0.6*0.7) = (0.48, 1.12, 0.72, 1.68); sum n = 4.
    weights = rake(four, MARGINS)
    np.testing.assert_allclose(weights, [0.48, 1.12, 0.72, 1.68], rtol=1e-12)
    assert weights.name == "weight"


def test_rake_keeps_the_total_of_the_base_weights(four: pd.DataFrame) -> None:
    weights = rake(four, MARGINS, base_weight=np.array([10.0, 10.0, 10.0, 10.0]))
    assert weights.sum() == pytest.approx(40.0)
    np.testing.assert_allclose(weights, 10 * np.array([0.48, 1.12, 0.72, 1.68]), rtol=1e-12)


def test_rake_reproduces_margins_of_a_skewed_sample(small_survey: SimulatedSurvey, small_frame: pd.DataFrame
                                                    ) -> None:
    weights = rake(small_frame, small_survey.margins, design_weights(small_frame, "service_volume"))
    for variable, shares in small_survey.margins.items():
        achieved = weights.groupby(small_frame[variable].astype(str)).sum() / weights.sum()
        for category, share in shares.items():
            assert achieved[category] == pytest.approx(share, abs=1e-10)


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({"gender": {"m": 0.4, "f": 0.5}}, "margins['gender']: shares sum to 0.9, not 1"),
        ({"gender": {"m": 0.4, "f": 0.5, "x": 0.1}}, "margins['gender']: categories ['x'] have a population share "
                                                     "but no respondent (empty sample cell)"),
        ({"gender": {"m": 1.0}}, "margins['gender']: sample values ['f'] have no positive population share"),
        ({"region": {"north": 1.0}}, "margins: no column 'region' in the data for margin 'region'"),
        ({"gender": {"m": "half", "f": 0.5}}, "margins['gender']['m']: share must be a number"),
        ({"gender": {"m": -0.1, "f": 1.1}}, "margins['gender']['m']: share must be in [0, 1]"),
        ({}, "margins: give at least one margin"),
    ],
)
def test_rake_errors_name_the_margin(four: pd.DataFrame, margins: dict, message: str) -> None:
    with pytest.raises(ValueError) as error:
        rake(four, margins)
    assert message in str(error.value)


def test_rake_refuses_respondents_without_a_value(four: pd.DataFrame) -> None:
    four.loc[2, "age"] = None
    with pytest.raises(ValueError, match=r"margins\['age'\]: 1 respondent\(s\) have no age"):
        rake(four, MARGINS)


def test_rake_that_cannot_converge_names_the_margin() -> None:
    # Gender and age are the same split in the sample (only m-y and f-o respondents), so no weights give
    # 40 % men and 30 % young people at once.
    df = pd.DataFrame({"gender": ["m", "f", "m", "f"], "age": ["y", "o", "y", "o"]})
    with pytest.raises(ValueError, match=r"rake did not converge in max_iter=50 sweeps: margin '(gender|age)'"):
        rake(df, MARGINS, max_iter=50)


def test_poststratify_by_hand() -> None:
    # Men: weights (1, 3), total 4, population 60 -> x15 -> (15, 45). Women: weight 2, population 40 -> 40.
    df = pd.DataFrame({"gender": ["m", "f", "m"], "base": [1.0, 2.0, 3.0]})
    weights = poststratify(df, {"m": 60, "f": 40}, "gender", "base")
    assert weights.tolist() == [15.0, 40.0, 45.0]
    cells = pd.DataFrame({"gender": ["m", "f"], "count": [60, 40]})
    assert poststratify(df, cells, ["gender"], "base").tolist() == [15.0, 40.0, 45.0]


def test_poststratify_on_two_columns_and_its_errors() -> None:
    df = pd.DataFrame({"gender": ["m", "f", "m"], "age": ["y", "y", "o"]})
    weights = poststratify(df, {("m", "y"): 5, ("f", "y"): 7, ("m", "o"): 9}, ["gender", "age"])
    assert weights.tolist() == [5.0, 7.0, 9.0]
    with pytest.raises(ValueError, match=r"cells: sample cells \[\('m', 'o'\)\] have no population count"):
        poststratify(df, {("m", "y"): 5, ("f", "y"): 7}, ["gender", "age"])
    with pytest.raises(ValueError, match=r"cells: cells \[\('f', 'o'\)\] have a population count but no respondent"):
        poststratify(df, {("m", "y"): 5, ("f", "y"): 7, ("m", "o"): 9, ("f", "o"): 1}, ["gender", "age"])


def test_kish_effective_sample_size() -> None:
    assert kish_neff([2.0, 2.0, 2.0]) == pytest.approx(3.0)
    # (1 + 3)^2 / (1 + 9) = 1.6
    assert kish_neff(np.array([1.0, 3.0])) == pytest.approx(1.6)
    assert np.isnan(kish_neff([]))
    with pytest.raises(ValueError, match="weights: must be finite and >= 0"):
        kish_neff([1.0, -1.0])


def test_trim_caps_at_k_times_the_median() -> None:
    weights = pd.Series([1.0, 1.0, 2.0, 2.0, 50.0])
    assert trim_weights(weights, k=3).tolist() == [1.0, 1.0, 2.0, 2.0, 6.0]
    with pytest.raises(ValueError, match="k: the cap must be at least 1"):
        trim_weights(weights, k=0.5)


def test_rake_trimmed_keeps_margins_and_the_cap(small_survey: SimulatedSurvey, small_frame: pd.DataFrame) -> None:
    base = design_weights(small_frame, "service_volume")
    weights = rake_trimmed(small_frame, small_survey.margins, base, k=8)
    assert weights.max() <= 8 * weights.median() * (1 + 1e-6)
    for variable, shares in small_survey.margins.items():
        achieved = weights.groupby(small_frame[variable].astype(str)).sum() / weights.sum()
        assert max(abs(achieved[c] - s) for c, s in shares.items()) < 1e-10
    with pytest.raises(ValueError, match=r"k: the raked weights cannot be kept under 1.5 x median"):
        rake_trimmed(small_frame, small_survey.margins, base, k=1.5)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_read_margins_from_yaml_or_json(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"census{suffix}"
    content = {"margins": {"gender": {"male": 0.49, "female": 0.51}}}
    path.write_text(json.dumps(content) if suffix == ".json" else "margins:\n  gender: {male: 0.49, female: 0.51}\n")
    assert read_margins(path) == {"gender": {"male": 0.49, "female": 0.51}}


def test_read_margins_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "census.txt"
    path.write_text("gender: {}")
    with pytest.raises(ValueError, match="must end in .yaml, .yml or .json"):
        read_margins(path)


def test_design_weights_need_a_volume_for_every_unit() -> None:
    df = pd.DataFrame({"unit_id": [1, 2]})
    with pytest.raises(ValueError, match=r"unit_volumes: units \[2\] have no positive service volume"):
        design_weights(df, {1: 100})
