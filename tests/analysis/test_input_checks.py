"""What the library refuses or notes instead of computing a wrong number in silence.

The expected values are worked out by hand in each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.change import rate_change
from analysis.drivers import SEPARATION, drivers, element_scores
from analysis.estimates import ZERO_WEIGHTS, satisfaction_rates, share_yes
from analysis.indices import (
    dimension_scores,
    health_satisfaction,
    likert_distribution,
    papi_index,
    pooled_share,
    sipas_index,
)
from analysis.weights import design_weights

ITEMS = {"q1": "access", "q2": "access", "q3": "staff"}


def _frame(overall: list) -> pd.DataFrame:
    n = len(overall)
    return pd.DataFrame({"unit_id": [1, 2] * (n // 2) + [1] * (n % 2), "overall": overall,
                         "q1": [4] * n, "q2": [3] * n, "q3": [5] * n})


@pytest.mark.parametrize("bad", [0, 7, 9, 4.5])
def test_every_function_refuses_answers_outside_the_likert_codes(bad: float) -> None:
    df = _frame([5, 4, 3, 2, 1, 5, 4, 3]).astype({"overall": float, "q1": float})
    df.loc[3, "overall"] = bad
    df.loc[3, "q1"] = bad
    shown = str(int(bad)) if float(bad).is_integer() else str(bad)
    with pytest.raises(ValueError, match=rf"item 'overall': values \[{shown}\] are not Likert answers 1..5"):
        satisfaction_rates(df, "overall")
    with pytest.raises(ValueError, match=rf"item 'overall': values \[{shown}\]"):
        drivers(df, pd.DataFrame({"a": np.arange(8.0)}, index=df.index))
    for call in (lambda: sipas_index(df, ITEMS), lambda: dimension_scores(df, ITEMS), lambda: papi_index(df, ITEMS),
                 lambda: likert_distribution(df, ["q1"]), lambda: element_scores(df, ITEMS),
                 lambda: pooled_share(df, ITEMS), lambda: health_satisfaction(df, ITEMS)):
        with pytest.raises(ValueError, match=rf"item 'q1': values \[{shown}\]"):
            call()


def test_text_in_a_likert_column_is_refused_by_name() -> None:
    df = pd.DataFrame({"overall": ["4", "very good"]})
    with pytest.raises(ValueError, match="item 'overall'"):
        satisfaction_rates(df, "overall")


def test_share_yes_names_the_unexpected_values() -> None:
    df = pd.DataFrame({"fee": ["yes", "no", "maybe"]})
    with pytest.raises(ValueError, match=r"item 'fee': values \['maybe'\] are not yes/no answers"):
        share_yes(df, "fee")


def test_a_group_whose_weights_are_all_zero_is_withheld_with_its_reason() -> None:
    df = pd.DataFrame({"unit_id": [1] * 6 + [2] * 6, "overall": [5, 5, 4, 2, 1, 5] * 2,
                       "w": [2.0] * 6 + [0.0] * 6})
    table = satisfaction_rates(df, weight="w", by="unit_id")
    assert table.loc[0, "rate"] == pytest.approx(4 / 6)
    assert np.isnan(table.loc[1, "rate"]) and table.loc[1, "withheld"] == ZERO_WEIGHTS
    assert table.loc[1, "n"] == 6  # the answers are still counted
    whole = satisfaction_rates(df, weight="w")
    assert whole.loc[0, "rate"] == pytest.approx(4 / 6)  # left out of the weighted total


def test_design_weights_note_units_without_a_usable_volume() -> None:
    df = pd.DataFrame({"unit_id": [1, 1, 2, 2, 3, 3, 3], "service_volume": [100, 100, 0, 0, 2, 2, 2]})
    with pytest.raises(ValueError, match=r"units \[2\] have no positive service volume"):
        design_weights(df, "service_volume")
    weights = design_weights(df, "service_volume", unusable="note")
    assert weights.tolist() == [50, 50, 0, 0, 1, 1, 1]
    assert weights.attrs["volume_notes"] == {2: "missing", 3: "smaller_than_respondents"}
    with pytest.warns(UserWarning, match=r"units \[3\] have a service volume smaller than their respondents"):
        kept = design_weights(df.query("unit_id != 2"), "service_volume")
    assert kept.tolist() == pytest.approx([50, 50, 2 / 3, 2 / 3, 2 / 3])


def test_fpc_notes_strata_without_a_usable_population_size() -> None:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"unit_id": np.repeat([1, 2, 3], 10), "overall": rng.integers(1, 6, 30),
                       "N": np.repeat([40.0, np.nan, 5.0], 10)})
    df["w"] = 1.0
    table = satisfaction_rates(df, weight="w", strata="unit_id", fpc="N")
    assert "[2, 3]" in table.attrs["notes"][0]
    # By hand: only stratum 1 is corrected (f = 10/40); the same as a huge N for strata 2 and 3.
    reference = satisfaction_rates(df.assign(N=np.repeat([40.0, 1e300, 1e300], 10)), weight="w",
                                   strata="unit_id", fpc="N")
    assert table.loc[0, "se"] == pytest.approx(reference.loc[0, "se"], rel=1e-12)
    assert reference.attrs["notes"] == []
    with pytest.raises(ValueError, match="must be the same for every respondent of a stratum"):
        satisfaction_rates(df.assign(N=np.arange(30.0) + 50), strata="unit_id", fpc="N")


def test_a_census_stratum_has_no_sampling_error() -> None:
    df = pd.DataFrame({"overall": [5, 4, 2, 1, 5], "N": 5})
    assert satisfaction_rates(df, fpc="N").loc[0, "se"] == 0


def test_drivers_refuse_too_few_answers_and_separation() -> None:
    rng = np.random.default_rng(11)
    small = pd.DataFrame({"overall": rng.integers(1, 6, 30)})
    scores = pd.DataFrame({"a": rng.uniform(1, 5, 30), "b": rng.uniform(1, 5, 30)})
    table = drivers(small, scores)
    assert table.empty and "too few answers" in table.attrs["notes"][0]
    n = 400
    overall = rng.integers(1, 6, n)
    separated = pd.DataFrame({"a": np.where(overall >= 4, 5.0, 1.0) , "b": rng.uniform(1, 5, n)})
    table = drivers(pd.DataFrame({"overall": overall}), separated)
    assert table.empty and table.attrs["notes"] == [SEPARATION.replace("an element", "element 'a'")]
    constant = separated.assign(a=3.0)
    assert "same score for every respondent" in drivers(pd.DataFrame({"overall": overall}), constant
                                                        ).attrs["notes"][0]


def test_element_scores_are_the_mean_of_the_answered_items() -> None:
    df = pd.DataFrame({"q1": pd.array([4, None, None], dtype="Int64"), "q2": pd.array([2, 5, None], dtype="Int64"),
                       "q3": pd.array([1, 1, 1], dtype="Int64")})
    scores = element_scores(df, ITEMS)
    assert scores["access"].tolist()[:2] == [3.0, 5.0] and np.isnan(scores["access"][2])
    assert scores["staff"].tolist() == [1.0, 1.0, 1.0]


def test_change_gives_a_reason_where_a_campaign_has_no_estimate() -> None:
    earlier = pd.DataFrame({"unit_id": [1, 2, 3], "rate": [0.5, 0.8, np.nan], "se": [0.02, 0.05, np.nan]})
    later = pd.DataFrame({"unit_id": [1, 2, 3, 4], "rate": [0.6, 0.78, 0.7, 0.9], "se": [0.03, 0.05, 0.1, 0.1]})
    table = rate_change(earlier, later, by="unit_id")
    # Unit 1: change 0.1, SE sqrt(0.02² + 0.03²) = 0.0360555, CI 0.1 ± 1.96 x 0.0360555 = (0.0293, 0.1707).
    assert table.loc[0, "se"] == pytest.approx(np.sqrt(0.02**2 + 0.03**2))
    assert table.loc[0, "ci_low"] == pytest.approx(0.1 - 1.959963984540054 * 0.0360555127546, abs=1e-9)
    assert table["verdict"].tolist()[:2] == ["improved", "no_clear_change"]
    assert pd.isna(table.loc[2, "verdict"]) and "one of the campaigns" in table.loc[2, "reason"]
    assert table.loc[3, "reason"] == "not surveyed in the earlier campaign"


def test_report_weights_keep_respondents_without_a_weighting_variable() -> None:
    from analysis.report import report_weights

    df = pd.DataFrame({"unit_id": [1, 1, 1, 2, 2], "service_volume": [30, 30, 30, 20, 20],
                       "gender": ["female", "male", None, "female", "male"]})
    weights = report_weights(df, {"gender": {"female": 0.5, "male": 0.5}})
    # Design weights 10, 10, 10, 10, 10: the one without a gender is 10/50 = 20 % "not stated" and keeps its
    # weight; the others are raked to 40 % women and 40 % men: 20 each side over two respondents = 10 each.
    assert weights.tolist() == pytest.approx([10, 10, 10, 10, 10])
    weights = report_weights(df.assign(gender=["female", "female", None, "female", "male"]),
                             {"gender": {"female": 0.5, "male": 0.5}})
    assert weights.tolist() == pytest.approx([20 / 3, 20 / 3, 10, 20 / 3, 20])


def test_sipas_index_gives_each_element_the_same_weight() -> None:
    df = pd.DataFrame({"q1": [5, 4, 1, 2], "q2": [5, 5, 5, 5], "q3": [1, 1, 1, 4]})
    # access: q1 2/4 = 0.5 and q2 4/4 = 1 -> 0.75; staff: q3 1/4 = 0.25; index (0.75 + 0.25) / 2 = 0.5,
    # while pooling all 12 answers gives 7/12.
    table = sipas_index(df, ITEMS)
    assert table.loc[0, "sipas_index"] == pytest.approx(0.5)
    assert table.loc[0, "elements"] == 2
    assert pooled_share(df, ITEMS).loc[0, "pooled_share"] == pytest.approx(7 / 12)
