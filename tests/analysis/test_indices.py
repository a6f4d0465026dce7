"""Dimension scores, the PAPI-style, SIPAS and health ministry indices, Likert distributions, computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.indices import (
    dimension_scores,
    health_satisfaction,
    likert_distribution,
    papi_index,
    pooled_share,
    satisfaction_items,
    sipas_index,
)
from analysis.simulation import questionnaire

ITEMS = {"a1": "access", "a2": "access", "s1": "staff"}


@pytest.fixture
def three() -> pd.DataFrame:
    return pd.DataFrame({
        "unit": ["X", "X", "Y"],
        "a1": pd.array([5, 3, 4], dtype="Int64"),
        "a2": pd.array([4, None, 2], dtype="Int64"),
        "s1": pd.array([1, 5, None], dtype="Int64"),
        "w": [1.0, 1.0, 2.0],
    })


def test_dimension_scores_by_hand(three: pd.DataFrame) -> None:
    # access answers (weight): 5 (1), 4 (1), 3 (1), 4 (2), 2 (2): total weight 7, satisfied 1 + 1 + 2 = 4,
    #   share 4/7, mean (5 + 4 + 3 + 8 + 4) / 7 = 24/7, index 10 (24/7 - 1) / 4 = 170/28.
    # staff answers: 1 (1), 5 (1): share 1/2, mean 3, index 5.
    scores = dimension_scores(three, ITEMS, weight="w")
    assert scores["dimension"].tolist() == ["access", "staff"]
    assert scores["share_satisfied"].tolist() == pytest.approx([4 / 7, 0.5])
    assert scores["mean_score"].tolist() == pytest.approx([24 / 7, 3.0])
    assert scores["index"].tolist() == pytest.approx([170 / 28, 5.0])
    assert scores["answers"].tolist() == [5, 2]


def test_papi_index_is_the_sum_of_dimension_indices(three: pd.DataFrame) -> None:
    assert papi_index(three, ITEMS, weight="w")["papi_index"].iloc[0] == pytest.approx(170 / 28 + 5)


def test_pooled_share_pools_every_answer(three: pd.DataFrame) -> None:
    # Satisfied weight 4 (access) + 1 (staff) = 5 over 7 + 2 = 9 answers' weight.
    row = pooled_share(three, ITEMS, weight="w").iloc[0]
    assert row["pooled_share"] == pytest.approx(5 / 9)
    assert row["answers"] == 7


def test_sipas_index_averages_criteria_within_elements_then_elements(three: pd.DataFrame) -> None:
    # a1: 5 (1), 3 (1), 4 (2) -> 3/4 satisfied; a2: 4 (1), 2 (2) -> 1/3; access (3/4 + 1/3) / 2 = 13/24.
    # s1: 1 (1), 5 (1) -> 1/2; staff 1/2. SIPAS (13/24 + 1/2) / 2 = 25/48 (the pooled share is 5/9).
    row = sipas_index(three, ITEMS, weight="w").iloc[0]
    assert row["sipas_index"] == pytest.approx(25 / 48)
    assert row["elements"] == 2
    assert row["answers"] == 7


def test_sipas_index_of_a_group_missing_an_element_is_not_given(three: pd.DataFrame) -> None:
    # Unit X unweighted: a1 5, 3 -> 1/2; a2 4 -> 1; access 3/4; s1 1, 5 -> 1/2: (3/4 + 1/2) / 2 = 5/8.
    # Unit Y answered no staff question: a mean over one element is not the index.
    table = sipas_index(three, ITEMS, by="unit")
    assert table.loc[0, "sipas_index"] == pytest.approx(5 / 8)
    assert pd.isna(table.loc[1, "sipas_index"]) and table.loc[1, "elements"] == 1


@pytest.fixture
def patients() -> pd.DataFrame:
    return pd.DataFrame({
        "ward": ["A", "A", "B", "B"],
        "a1": pd.array([5, 4, 3, None], dtype="Int64"),
        "a2": pd.array([4, None, 5, None], dtype="Int64"),
        "s1": pd.array([5, 4, None, None], dtype="Int64"),
        "w": [1.0, 1.0, 2.0, 5.0],
    })


def test_health_ministry_rates_by_hand(patients: pd.DataFrame) -> None:
    # Answers (weight): 5 4 5 (1), 4 4 (1), 3 5 (2); the last patient answered nothing.
    # Overall rate: satisfied 3 + 2 + 2 = 7 over 3 + 2 + 4 = 9. Comprehensive: the first two answered only 4-5,
    # the third did not: (1 + 1) / (1 + 1 + 2) = 1/2. Mean score (14 + 8 + 2 * 8) / 9 = 38/9.
    row = health_satisfaction(patients, ITEMS, weight="w").iloc[0]
    assert row["satisfaction_rate"] == pytest.approx(7 / 9)
    assert row["comprehensive_rate"] == pytest.approx(0.5)
    assert row["mean_score"] == pytest.approx(38 / 9)
    assert row["answers"] == 7 and row["respondents"] == 3


def test_health_ministry_rates_by_group(patients: pd.DataFrame) -> None:
    table = health_satisfaction(patients, ITEMS, by="ward")
    assert table["ward"].tolist() == ["A", "B"]
    assert table["satisfaction_rate"].tolist() == pytest.approx([1.0, 0.5])
    assert table["comprehensive_rate"].tolist() == pytest.approx([1.0, 0.0])
    assert table["respondents"].tolist() == [2, 1]


def test_indices_by_group(three: pd.DataFrame) -> None:
    # Unit X unweighted: access 5, 4, 3 -> 2/3 satisfied; staff 1, 5 -> 1/2. Unit Y: access 4, 2; no staff answer.
    scores = dimension_scores(three, ITEMS, by="unit")
    assert scores["unit"].tolist() == ["X", "X", "Y", "Y"]
    assert scores["share_satisfied"].tolist()[:3] == pytest.approx([2 / 3, 0.5, 0.5])
    assert pd.isna(scores["share_satisfied"].iloc[3])
    assert pd.isna(papi_index(three, ITEMS, by="unit")["papi_index"].iloc[1])


def test_likert_distribution_shares(three: pd.DataFrame) -> None:
    table = likert_distribution(three, ["a1", "s1"], weight="w")
    # a1: 5 (1), 3 (1), 4 (2) of 4; s1: 1 (1), 5 (1) of 2.
    assert table.loc["a1", [1, 2, 3, 4, 5]].tolist() == [0.0, 0.0, 0.25, 0.5, 0.25]
    assert table.loc["s1", [1, 5]].tolist() == [0.5, 0.5]
    assert table["n"].tolist() == [3, 2]


def test_satisfaction_items_of_a_questionnaire_leave_out_overall_and_demographics() -> None:
    items = satisfaction_items(questionnaire("one_stop"))
    assert "overall" not in items and "gender" not in items
    assert set(items.values()) == {"access", "procedures", "staff", "results", "feedback"}
    with pytest.raises(ValueError, match="items: give a Questionnaire or a non-empty mapping"):
        satisfaction_items({})
