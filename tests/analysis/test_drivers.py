"""The drivers model fitted on distinct answer patterns equals the fit on every respondent.

The reference here is computed without :mod:`analysis.drivers`' compression or sandwich: statsmodels' GLM on
all respondents, and the stratified sandwich written out stratum by stratum, respondent by respondent.
(The comparison with R's ``svyglm`` is in ``test_r_design.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.drivers import compress, drivers, element_scores
from analysis.simulation import SimulatedSurvey
from analysis.weights import design_weights, rake


def _every_respondent(df: pd.DataFrame, scores: pd.DataFrame, w: np.ndarray, strata: str | None
                      ) -> tuple[np.ndarray, np.ndarray]:
    y = df["overall"].isin([4, 5]).to_numpy(dtype=float)
    keep = df["overall"].notna().to_numpy() & scores.notna().all(axis=1).to_numpy()
    x = sm.add_constant(scores.to_numpy()[keep], has_constant="add")
    fit = sm.GLM(y[keep], x, family=sm.families.Binomial(), var_weights=w[keep]).fit(tol=1e-13, maxiter=200)
    beta = np.asarray(fit.params)
    mu = 1 / (1 + np.exp(-x @ beta))
    bread = np.linalg.inv(sum(w[keep][i] * mu[i] * (1 - mu[i]) * np.outer(x[i], x[i]) for i in range(len(mu))))
    u = np.array([bread @ (w[keep][i] * (y[keep][i] - mu[i]) * x[i]) for i in range(len(mu))])
    labels = df[strata].to_numpy() if strata else np.zeros(len(df))
    covariance = np.zeros((x.shape[1], x.shape[1]))
    for h in np.unique(labels):
        n_h = int(np.count_nonzero(labels == h))
        rows = u[labels[keep] == h]
        centred = rows - rows.sum(axis=0) / n_h  # respondents outside the model count in n_h with u = 0
        covariance += n_h / (n_h - 1) * (centred.T @ centred + (n_h - len(rows)) * np.outer(
            rows.sum(axis=0) / n_h, rows.sum(axis=0) / n_h))
    return beta, np.sqrt(np.diag(covariance))


@pytest.mark.parametrize("strata", [None, "unit_id"])
def test_fit_on_answer_patterns_equals_the_fit_on_every_respondent(
        small_survey: SimulatedSurvey, small_frame: pd.DataFrame, strata: str | None) -> None:
    df = small_frame
    w = rake(df, small_survey.margins, design_weights(df, "service_volume")).to_numpy()
    scores = element_scores(df, small_survey.questionnaires["one_stop"])
    ours = drivers(df, scores, weight=w, strata=strata)
    beta, se = _every_respondent(df, scores, w, strata)
    by_element = ours.set_index("element").loc[list(scores.columns)]
    np.testing.assert_allclose(by_element["coefficient"], beta[1:], rtol=0, atol=1e-9)
    np.testing.assert_allclose(by_element["se"], se[1:], rtol=1e-9)
    assert ours.attrs["intercept"] == pytest.approx(beta[0], abs=1e-9)
    assert ours.attrs["intercept_se"] == pytest.approx(se[0], rel=1e-9)


def test_patterns_are_fewer_than_respondents_and_keep_their_weights(
        small_survey: SimulatedSurvey, small_frame: pd.DataFrame) -> None:
    scores = element_scores(small_frame, small_survey.questionnaires["one_stop"]).fillna(3.0).to_numpy()
    y = small_frame["overall"].isin([4, 5]).to_numpy(dtype=float)
    w = np.linspace(0.5, 3.0, len(y))
    patterns = compress(y, scores, w, None)
    assert len(patterns.y) < len(y)
    assert patterns.w.sum() == pytest.approx(w.sum(), rel=1e-12)
    assert patterns.w2.sum() == pytest.approx((w * w).sum(), rel=1e-12)
    # Two respondents with the same answers and outcome land in the same pattern with their weights added.
    twin = compress(np.array([1.0, 1.0, 0.0]), np.array([[2.0], [2.0], [2.0]]), np.array([1.5, 2.5, 4.0]), None)
    assert sorted(twin.w.tolist()) == [4.0, 4.0] and sorted(twin.w2.tolist()) == [8.5, 16.0]
