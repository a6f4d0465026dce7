"""Confidence intervals for weighted proportions, and the verdict of an interval against a target.

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small expected number of
positive counts estimated from survey data. *Survey Methodology* 24, 193-201.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (``svyciprop``, section 2.3.)
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. *JASA* 22, 209-212.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

#: The ways :func:`interval` can build a confidence interval.
CI_METHODS = ("logit", "wilson")
#: Verdicts of a confidence interval against a target rate.
MEETS, BELOW, NOT_YET_KNOWN = "meets", "below", "not_yet_known"


def normal_quantile(level: float) -> float:
    """Two-sided normal quantile :math:`z_{1-\\alpha/2}` for a confidence ``level`` in (0, 1)."""
    if not 0 < level < 1:
        raise ValueError(f"level: must be between 0 and 1 (e.g. 0.95), not {level}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def logit_interval(rate: np.ndarray, se: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wald interval on the logit scale, transformed back: R ``svyciprop(method="logit", df=Inf)``.

    .. math:: \\operatorname{expit}\\bigl(\\operatorname{logit}\\hat p \\pm z\\,
              \\widehat{SE}(\\hat p) / (\\hat p (1 - \\hat p))\\bigr)

    The delta-method standard error of :math:`\\operatorname{logit}\\hat p` is what R's intercept-only
    quasi-binomial ``svyglm`` gives. The interval stays inside (0, 1) and is asymmetric near the bounds. It is
    undefined at :math:`\\hat p \\in \\{0, 1\\}` (returned as NaN here; see :func:`interval`).
    """
    z = normal_quantile(level)
    rate = np.asarray(rate, dtype=float)
    se = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (rate > 0) & (rate < 1)
        centre = np.where(inner, np.log(rate / (1 - rate)), np.nan)
        half = z * se / (rate * (1 - rate))
        low = 1 / (1 + np.exp(-(centre - half)))
        high = 1 / (1 + np.exp(-(centre + half)))
    return np.where(inner, low, np.nan), np.where(inner, high, np.nan)


def wilson_interval(rate: np.ndarray, n_eff: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval with the effective sample size in place of n (after Korn & Graubard 1998).

    .. math:: \\frac{\\hat p + z^2/2n^* \\pm z\\sqrt{\\hat p(1-\\hat p)/n^* + z^2/4n^{*2}}}{1 + z^2/n^*}

    with :math:`n^*` the effective sample size (Kish). Defined for :math:`\\hat p \\in \\{0, 1\\}` too.
    """
    z = normal_quantile(level)
    rate = np.asarray(rate, dtype=float)
    n = np.asarray(n_eff, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 1 + z * z / n
        centre = (rate + z * z / (2 * n)) / denominator
        half = z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / denominator
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def interval(
    rate: np.ndarray, se: np.ndarray, n_eff: np.ndarray, level: float = 0.95, method: str = "logit"
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval by ``method``: ``"logit"`` (default) or ``"wilson"`` (on the effective n).

    Where the logit interval is undefined (every answer satisfied, or none), the Wilson interval on the
    effective sample size is used instead, so that, e.g., 40 out of 40 satisfied gives a lower bound of
    about 0.91 rather than nothing.
    """
    if method not in CI_METHODS:
        raise ValueError(f"ci: must be one of {CI_METHODS}, not {method!r}")
    wilson_low, wilson_high = wilson_interval(rate, n_eff, level)
    if method == "wilson":
        return wilson_low, wilson_high
    low, high = logit_interval(rate, se, level)
    boundary = np.isnan(low) & ~np.isnan(np.asarray(rate, dtype=float))
    return np.where(boundary, wilson_low, low), np.where(boundary, wilson_high, high)


def verdicts(ci_low: np.ndarray, ci_high: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``meets`` when the interval lies at or above the target, ``below`` when wholly under it, otherwise
    ``not_yet_known`` (also for a missing interval or target)."""
    low = np.asarray(ci_low, dtype=float)
    high = np.asarray(ci_high, dtype=float)
    goal = np.asarray(target, dtype=float)
    result = np.full(low.shape, NOT_YET_KNOWN, dtype=object)
    result[low >= goal] = MEETS
    result[high < goal] = BELOW
    return result
