"""Satisfaction rates, standard errors, intervals and verdicts on cases small enough to compute by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.estimates import satisfaction_rates, share_yes
from analysis.intervals import logit_interval, verdicts, wilson_interval

Z95 = 1.959963984540054


@pytest.fixture
def six() -> pd.DataFrame:
    """Six respondents, two units, two strata; one missing answer (row 5)."""
    return pd.DataFrame({
        "unit": ["A", "A", "A", "B", "B", "B"],
        "overall": pd.array([5, 2, 4, 3, None, 4], dtype="Int64"),
        "w": [1.0, 2.0, 1.0, 1.0, 1.0, 3.0],
        "stratum": ["S1", "S1", "S2", "S1", "S2", "S2"],
    })


def test_rate_and_linearized_se_by_hand(six: pd.DataFrame) -> None:
    # Unit A: satisfied y = (1, 0, 1), w = (1, 2, 1), W = 4, p = 2/4 = 0.5.
    #   z_i = w_i (y_i - p) / W = (0.125, -0.25, 0.125), 0 for the three B rows; sum z = 0, sum z^2 = 0.09375.
    #   V = n/(n-1) (sum z^2 - (sum z)^2 / n) with n = 6, the WHOLE sample: 1.2 * 0.09375 = 0.1125.
    # Unit B: row 5 is missing, so y = (0, 1), w = (1, 3), W = 4, p = 0.75; z = (-0.1875, 0.1875);
    #   V = 1.2 * 0.0703125 = 0.084375.
    result = satisfaction_rates(six, weight="w", by="unit", min_n=1)
    assert result["unit"].tolist() == ["A", "B"]
    np.testing.assert_allclose(result["rate"], [0.5, 0.75], rtol=1e-15)
    np.testing.assert_allclose(result["se"], [math.sqrt(0.1125), math.sqrt(0.084375)], rtol=1e-12)
    assert result["n"].tolist() == [3, 2]
    # Kish: A (1 + 2 + 1)^2 / (1 + 4 + 1) = 16/6; B 16 / 10. Unweighted: A 2/3, B 1/2.
    np.testing.assert_allclose(result["n_eff"], [16 / 6, 1.6])
    np.testing.assert_allclose(result["unweighted_rate"], [2 / 3, 0.5])


def test_logit_interval_by_hand(six: pd.DataFrame) -> None:
    # A: logit(0.5) = 0, SE of the logit = 0.3354102 / (0.5 * 0.5) = 1.3416408; expit(-/+ 1.959964 * 1.3416408)
    #   = (0.0672596, 0.9327404).
    # B: logit(0.75) = ln 3, SE 0.2904738 / 0.1875; expit(ln 3 -/+ 1.959964 * 1.5491933) = (0.1258952, 0.9842490).
    result = satisfaction_rates(six, weight="w", by="unit", min_n=1)
    np.testing.assert_allclose(result["ci_low"], [0.06725957107558385, 0.125895156230355], rtol=1e-12)
    np.testing.assert_allclose(result["ci_high"], [0.9327404289244161, 0.9842490058706765], rtol=1e-12)


def test_stratified_se_by_hand(six: pd.DataFrame) -> None:
    # Unit A with strata S1 = rows 1, 2, 4 and S2 = rows 3, 5, 6 (n_h = 3 each, all respondents):
    #   S1: z = (0.125, -0.25, 0) -> sum -0.125, sum z^2 0.078125 -> 3/2 (0.078125 - 0.015625/3) = 0.109375
    #   S2: z = (0.125, 0, 0)     -> sum 0.125,  sum z^2 0.015625 -> 3/2 (0.015625 - 0.015625/3) = 0.015625
    #   V = 0.125.
    result = satisfaction_rates(six, weight="w", by="unit", strata="stratum", min_n=1)
    assert result.loc[0, "se"] == pytest.approx(math.sqrt(0.125), rel=1e-12)


def test_unweighted_whole_sample_is_the_textbook_proportion() -> None:
    # Equal weights, no groups: p = 3/5, V = n/(n-1) * sum((y - p)^2) / n^2 = p(1-p)/(n-1) = 0.24/4.
    df = pd.DataFrame({"overall": pd.array([5, 4, 4, 1, 2], dtype="Int64")})
    row = satisfaction_rates(df).iloc[0]
    assert row["rate"] == pytest.approx(0.6)
    assert row["se"] == pytest.approx(math.sqrt(0.24 / 4))
    assert list(satisfaction_rates(df).columns) == [
        "rate", "se", "ci_low", "ci_high", "n", "n_eff", "unweighted_rate", "withheld"]


def test_groups_under_min_n_are_withheld_with_a_reason(six: pd.DataFrame) -> None:
    result = satisfaction_rates(six, weight="w", by="unit", target=0.8)
    assert result["withheld"].tolist() == ["fewer than 5 respondents"] * 2
    assert result[["rate", "se", "ci_low", "ci_high", "unweighted_rate"]].isna().all().all()
    assert result["n"].tolist() == [3, 2]
    assert result["verdict"].tolist() == ["not_yet_known", "not_yet_known"]
    kept = satisfaction_rates(six, weight="w", by="unit", min_n=3)
    assert kept["withheld"].isna().tolist() == [True, False]


def test_verdicts_compare_the_interval_with_the_target() -> None:
    low = np.array([0.91, 0.85, 0.70, 0.90, np.nan])
    high = np.array([0.97, 0.95, 0.89, 0.95, np.nan])
    # meets: low >= target (0.90 >= 0.90 counts); below: high < target; otherwise not yet known.
    assert verdicts(low, high, np.full(5, 0.90)).tolist() == [
        "meets", "not_yet_known", "below", "meets", "not_yet_known"]


def test_target_per_group_from_a_mapping() -> None:
    df = pd.DataFrame({
        "sector": ["one_stop"] * 50 + ["health"] * 50,
        "overall": pd.array([5] * 47 + [2] * 3 + [4] * 41 + [1] * 9, dtype="Int64"),
    })
    result = satisfaction_rates(df, by="sector", target={"one_stop": 0.90, "health": 0.80})
    assert result.set_index("sector")["target"].to_dict() == {"health": 0.80, "one_stop": 0.90}
    # health 41/50 = 0.82 with CI about (0.69, 0.90): not yet known; one_stop 47/50 = 0.94 (0.83, 0.98): too.
    assert result["verdict"].tolist() == ["not_yet_known", "not_yet_known"]


def test_forty_of_forty_satisfied_is_not_proof_of_ninety_percent_but_four_hundred_is() -> None:
    # At p = 1 the logit interval is undefined; the Wilson interval on n_eff is used: low = n / (n + z^2).
    forty = pd.DataFrame({"overall": pd.array([5] * 40, dtype="Int64")})
    row = satisfaction_rates(forty, target=0.95).iloc[0]
    assert row["ci_low"] == pytest.approx(40 / (40 + Z95**2))
    assert row["ci_high"] == pytest.approx(1.0, abs=1e-15)
    assert row["verdict"] == "not_yet_known"
    many = pd.DataFrame({"overall": pd.array([5] * 380 + [2] * 20, dtype="Int64")})
    assert satisfaction_rates(many, target=0.90).iloc[0]["verdict"] == "meets"


def test_wilson_interval_equals_statsmodels_with_equal_weights() -> None:
    low, high = wilson_interval(np.array([0.3, 0.95]), np.array([50.0, 200.0]))
    reference = proportion_confint(np.array([15, 190]), np.array([50, 200]), alpha=0.05, method="wilson")
    np.testing.assert_allclose(low, reference[0], rtol=1e-12)
    np.testing.assert_allclose(high, reference[1], rtol=1e-12)


def test_wilson_option_uses_the_effective_sample_size(six: pd.DataFrame) -> None:
    result = satisfaction_rates(six, weight="w", by="unit", min_n=1, ci="wilson")
    expected = wilson_interval(np.array([0.5, 0.75]), np.array([16 / 6, 1.6]))
    np.testing.assert_allclose(result["ci_low"], expected[0])
    np.testing.assert_allclose(result["ci_high"], expected[1])


def test_logit_interval_is_nan_on_the_boundary() -> None:
    low, high = logit_interval(np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    assert np.isnan(low).all() and np.isnan(high).all()


def test_share_yes_counts_yes_and_leaves_out_missing() -> None:
    df = pd.DataFrame({"fee": pd.array([True, False, None, False, True, False], dtype="boolean")})
    row = share_yes(df, "fee").iloc[0]
    assert (row["rate"], row["n"]) == (0.4, 5)
    text = pd.DataFrame({"fee": ["yes", "no", None, "no", "yes", "no"]})
    assert share_yes(text, "fee").iloc[0]["rate"] == 0.4


def test_rows_outside_every_group_still_count_in_the_sample_size() -> None:
    # Row 3 has no unit: it is in no group but in n (= 4), as in R's domain estimation.
    df = pd.DataFrame({"unit": ["A", "A", None, "A"], "overall": pd.array([5, 1, 4, 5], dtype="Int64")})
    row = satisfaction_rates(df, by="unit", min_n=1).iloc[0]
    # p = 2/3, z = (1/9, -2/9, 0, 1/9): V = 4/3 * (6/81 - 0) = 8/81.
    assert row["se"] == pytest.approx(math.sqrt(8 / 81))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"item": "missing"}, "item: no column 'missing'"),
        ({"by": "nowhere"}, "by: columns ['nowhere'] are not in the data"),
        ({"weight": "nowhere"}, "weight: no column 'nowhere'"),
        ({"weight": [1.0, -1.0, 1.0, 1.0, 1.0, 1.0]}, "weight: 1 weight(s) are missing, infinite or negative"),
        ({"level": 95}, "level: must be between 0 and 1"),
        ({"ci": "exact"}, "ci: must be one of ('logit', 'wilson')"),
        ({"min_n": 0}, "min_n: must be at least 1"),
        ({"target": 90}, "target: must be a rate between 0 and 1"),
        ({"strata": "unit"}, "strata: strata [] (by position) have one respondent"),
    ],
)
def test_errors_name_the_argument(six: pd.DataFrame, kwargs: dict[str, object], message: str) -> None:
    frame = six.assign(unit=["A", "A", "B", "B", "C", "C"]) if kwargs.get("strata") else six
    if kwargs.get("strata"):
        frame.loc[5, "unit"] = "D"
        message = "strata: strata [2, 3] (by position) have one respondent"
    with pytest.raises(ValueError) as error:
        satisfaction_rates(frame, **kwargs)  # type: ignore[arg-type]
    assert message in str(error.value)


def test_yes_no_item_is_refused_by_satisfaction_rates() -> None:
    df = pd.DataFrame({"fee": pd.array([True, False], dtype="boolean")})
    with pytest.raises(ValueError, match="use share_yes"):
        satisfaction_rates(df, "fee")


def _collapsible(rng: np.random.Generator) -> pd.DataFrame:
    """400 respondents of 12 units in 3 sectors; the weight (volume / respondents) is constant within a unit;
    units are the strata (one single-respondent unit pooled into stratum -1 with another), some answers
    missing, one unit's volume unknown (no finite population correction there)."""
    sizes = np.array([60, 45, 30, 1, 1, 50, 40, 35, 55, 38, 25, 20])
    volumes = np.array([900, 500, 300, 50, 40, 2000, 800, 600, np.nan, 700, 300, 100])
    unit = np.repeat(np.arange(12), sizes)
    single = sizes[unit] == 1
    overall = rng.choice([1, 2, 3, 4, 5, 0], size=len(unit), p=[0.05, 0.1, 0.15, 0.35, 0.3, 0.05])
    paid = rng.choice(["yes", "no", None], size=len(unit), p=[0.1, 0.8, 0.1])
    return pd.DataFrame({
        "unit": unit, "sector": np.array(["health", "one_stop", "school"])[unit % 3],
        "overall": pd.array(np.where(overall == 0, None, overall), dtype="Int64"),
        "paid": pd.array(paid, dtype="string"),
        "w": np.where(np.isnan(volumes[unit]), 1.0, volumes[unit] / sizes[unit]),
        "stratum": np.where(single, -1, unit), "size": np.where(single, np.nan, volumes[unit]),
    })


def _collapse(df: pd.DataFrame, item: str) -> pd.DataFrame:
    """One row per (unit, answer) with how many respondents gave it (missing answers included)."""
    keys = ["unit", "sector", "w", "stratum", "size", item]
    return df.groupby(keys, dropna=False, observed=True).size().rename("times").reset_index()


@pytest.mark.parametrize("by", ["unit", "sector", None])
def test_a_collapsed_sample_with_frequencies_gives_the_figures_of_every_respondent(by: str | None) -> None:
    """A row standing for k identical respondents counts as those k rows: rates, SEs (stratified, with the
    finite population correction, n_h of the whole stratum), intervals, n, n_eff, verdicts and withheld groups."""
    df = _collapsible(np.random.default_rng(15))
    options = {"weight": "w", "by": by, "strata": "stratum", "fpc": "size", "target": 0.8, "min_n": 30}
    expanded = satisfaction_rates(df, **options)
    collapsed = satisfaction_rates(_collapse(df, "overall"), frequency="times", **options)
    assert len(_collapse(df, "overall")) < len(df) / 4
    pd.testing.assert_frame_equal(collapsed, expanded, check_exact=False, rtol=1e-12)
    assert collapsed.attrs["notes"] == expanded.attrs["notes"]
    unstratified = {"weight": "w", "by": by, "min_n": 5}
    pd.testing.assert_frame_equal(share_yes(_collapse(df, "paid"), "paid", frequency="times", **unstratified),
                                  share_yes(df, "paid", **unstratified), check_exact=False, rtol=1e-12)


def test_frequencies_must_be_whole_numbers_and_not_raked() -> None:
    df = _collapse(_collapsible(np.random.default_rng(1)), "overall")
    with pytest.raises(ValueError, match="frequency: 'times' must hold whole numbers"):
        satisfaction_rates(df.assign(times=df["times"] * 0.5), weight="w", frequency="times")
    with pytest.raises(ValueError, match="frequency: not with calibration"):
        satisfaction_rates(df.assign(sex="f"), weight="w", frequency="times", calibration=["sex"])
