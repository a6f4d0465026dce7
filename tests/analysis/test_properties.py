"""Properties that hold for any data: raking meets its margins, rates are rates, order does not matter."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.estimates import satisfaction_rates
from analysis.weights import poststratify, rake

SETTINGS = settings(max_examples=40, deadline=None)


def _shares(draw: st.DrawFn, k: int) -> dict[str, float]:
    raw = draw(st.lists(st.floats(0.02, 1.0), min_size=k, max_size=k))
    total = sum(raw)
    return {f"c{i}": v / total for i, v in enumerate(raw)}


@st.composite
def raking_cases(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, dict[str, float]], np.ndarray]:
    """Every cell of the cross-classification present (so the margins are reachable), plus random extra rows."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    grid = np.array(np.meshgrid(*[np.arange(k) for k in sizes])).reshape(len(sizes), -1).T
    n_extra = draw(st.integers(0, 60))
    extra = np.column_stack([rng.integers(0, k, n_extra) for k in sizes])
    codes = np.vstack([grid, extra])
    df = pd.DataFrame({f"v{j}": [f"c{c}" for c in codes[:, j]] for j in range(len(sizes))})
    margins = {f"v{j}": _shares(draw, k) for j, k in enumerate(sizes)}
    base = rng.uniform(0.2, 20.0, len(df))
    return df, margins, base


@st.composite
def rating_cases(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(2, 120))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    answers = rng.integers(1, 6, n).astype(object)
    answers[rng.random(n) < draw(st.floats(0.0, 0.5))] = None
    frame = pd.DataFrame({
        "unit": rng.integers(0, draw(st.integers(1, 6)), n),
        "stratum": np.repeat(np.arange((n + 1) // 2), 2)[:n] % 3,
        "overall": pd.array(answers, dtype="Int64"),
        "w": rng.uniform(0.1, 10.0, n) ** draw(st.sampled_from([0.0, 1.0, 2.0])),
    })
    return frame


@SETTINGS
@given(raking_cases())
def test_raked_weights_reproduce_every_margin(case: tuple[pd.DataFrame, dict, np.ndarray]) -> None:
    df, margins, base = case
    weights = rake(df, margins, base)
    assert abs(weights.sum() / base.sum() - 1) < 1e-12
    for variable, shares in margins.items():
        achieved = weights.groupby(df[variable]).sum() / weights.sum()
        for category, share in shares.items():
            assert abs(achieved[category] - share) < 1e-8


@SETTINGS
@given(raking_cases())
def test_poststratified_weights_reproduce_every_cell(case: tuple[pd.DataFrame, dict, np.ndarray]) -> None:
    df, _, base = case
    columns = list(df.columns)
    counts = {key: 10.0 + i for i, key in enumerate(df.drop_duplicates().itertuples(index=False, name=None))}
    weights = poststratify(df, counts, columns, base)
    grouped = weights.groupby([df[c] for c in columns]).sum()
    totals = {k if isinstance(k, tuple) else (k,): v for k, v in grouped.items()}
    for key, count in counts.items():
        assert abs(totals[key] - count) < 1e-8 * count


@SETTINGS
@given(rating_cases())
def test_rates_are_rates_and_intervals_contain_them(df: pd.DataFrame) -> None:
    for ci in ("logit", "wilson"):
        result = satisfaction_rates(df, weight="w", by="unit", min_n=1, ci=ci)
        shown = result.dropna(subset=["rate"])
        assert ((shown["rate"] >= 0) & (shown["rate"] <= 1)).all()
        assert (shown["ci_low"] >= 0).all() and (shown["ci_high"] <= 1).all()
        assert (shown["ci_low"] <= shown["rate"] + 1e-12).all()
        assert (shown["rate"] <= shown["ci_high"] + 1e-12).all()
        assert (shown["se"] >= 0).all()


@SETTINGS
@given(rating_cases(), st.integers(0, 2**32 - 1))
def test_permuting_rows_changes_nothing(df: pd.DataFrame, seed: int) -> None:
    shuffled = df.sample(frac=1.0, random_state=np.random.default_rng(seed)).reset_index(drop=True)
    strata = "stratum" if df["stratum"].value_counts().min() >= 2 else None
    before = satisfaction_rates(df, weight="w", by="unit", strata=strata, min_n=1, target=0.8)
    after = satisfaction_rates(shuffled, weight="w", by="unit", strata=strata, min_n=1, target=0.8)
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-9, atol=1e-12)
