r"""What drives overall satisfaction: a weighted logistic regression of "satisfied overall" on element scores.

For respondent :math:`i` with weight :math:`w_i`, :math:`y_i = 1` when the overall answer is satisfied (4 or
5) and :math:`x_{ie}` the mean of the respondent's answers (1..5) to the items of element :math:`e` (e.g. the
five SIPAS elements), the model is

.. math:: \operatorname{logit} P(y_i = 1) = \beta_0 + \sum_e \beta_e x_{ie},

fitted by weighted maximum likelihood (statsmodels ``GLM``, binomial family, the survey weights as variance
weights), which gives R's ``svyglm(family = quasibinomial)`` coefficients. The standard errors are the
design-based sandwich of Binder (1983), as R computes them: with the bread
:math:`A = (\sum_i w_i \hat\mu_i (1 - \hat\mu_i) x_i x_i^\top)^{-1}` and the influence values
:math:`u_i = A\, w_i (y_i - \hat\mu_i) x_i`,

.. math:: \widehat V(\hat\beta) = \sum_h \frac{n_h}{n_h - 1} \sum_{i \in h} (u_i - \bar u_h)(u_i - \bar u_h)^\top.

The model is fitted on the distinct (stratum, outcome, element scores) patterns with the sums of their
weights as frequency weights (:func:`compress`): the same coefficients and SEs as on every respondent, a
million responses in about a second instead of eight.

:math:`e^{\beta_e}` is the odds ratio of one more point on element :math:`e`, the others held fixed. It is an
*association* in this sample, not a proof that improving the element would raise satisfaction.

Only respondents who answered the overall question and at least one item of every element take part. Fewer
than ten respondents per element in the smaller outcome class (Peduzzi et al. 1996), an element without
variation, or a perfectly separating element give a note and no coefficients rather than an unstable one.

References
----------
Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex surveys.
*International Statistical Review* 51, 279-292.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Chapter 5, ``svyglm``.)
Peduzzi, P., Concato, J., Kemper, E., Holford, T. R. and Feinstein, A. R. (1996). A simulation study of the
number of events per variable in logistic regression analysis. *J. Clin. Epidemiol.* 49, 1373-1379.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from typing import NamedTuple

import numpy as np
import pandas as pd

from .grouping import group_codes
from .indices import Items, likert_codes, satisfaction_items
from .intervals import normal_quantile
from .weights import Weight, weight_array

#: Respondents needed per element in the smaller of the two outcome classes.
EVENTS_PER_ELEMENT = 10
#: Columns of a drivers table.
DRIVER_COLUMNS = ("element", "coefficient", "se", "ci_low", "ci_high", "odds_ratio", "rank")


def element_scores(df: pd.DataFrame, items: Items) -> pd.DataFrame:
    """Each respondent's mean answer (1..5) to the items of every element; NaN where none was answered.

    ``items`` is a questionnaire or ``{item_id: element}``; the columns of the result are the elements, in
    item order, aligned on ``df.index``.
    """
    mapping = satisfaction_items(items)
    elements = list(dict.fromkeys(mapping.values()))
    totals = {e: np.zeros(len(df)) for e in elements}
    counts = {e: np.zeros(len(df)) for e in elements}
    for item, element in mapping.items():
        codes = likert_codes(df, item)
        totals[element] += codes
        counts[element] += codes > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame({e: np.where(counts[e] > 0, totals[e] / counts[e], np.nan) for e in elements},
                            index=df.index)


def drivers(
    df: pd.DataFrame,
    items: Items | pd.DataFrame,
    outcome: str = "overall",
    weight: Weight = None,
    strata: str | None = None,
    satisfied: Collection[int] = (4, 5),
    level: float = 0.95,
    where: np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    """Association of each element's score with being satisfied overall, strongest first.

    Parameters
    ----------
    df : DataFrame
        Tidy responses (the whole sample of the campaign, or of a sector).
    items : Questionnaire, Mapping or DataFrame
        The elements: a questionnaire or ``{item_id: element}`` (scores from :func:`element_scores`), or a
        frame of ready scores aligned on ``df.index`` (one column per element).
    outcome : str
        Likert column of the overall question.
    weight : str, Series, array or None
        Final weights; ``None`` for an unweighted model.
    strata : str or None
        Column of design strata for the standard errors.
    satisfied : collection of int
        Overall answers counted as satisfied.
    level : float
        Confidence level of the coefficients' intervals.
    where : boolean array or Series, or None
        The domain to model (e.g. ``df["sector"] == "health"``); the rest of the sample still counts in the
        design's :math:`n_h`, as R's ``svyglm(..., design = subset(design, ...))``.

    Returns
    -------
    DataFrame
        One row per element with ``coefficient`` (change of the log-odds of being satisfied per point),
        ``se``, ``ci_low``, ``ci_high``, ``odds_ratio`` and ``rank`` (1 = strongest association), sorted by
        rank. ``attrs``: ``n`` (respondents in the model), ``intercept``, and ``notes`` (why there are no
        coefficients, or which respondents were left out). No coefficients (empty frame) when the data cannot
        support the model.
    """
    z = normal_quantile(level)
    scores = items if isinstance(items, pd.DataFrame) else element_scores(df, items)
    if not scores.index.equals(df.index):
        raise ValueError("items: the score frame must be aligned on the responses' index")
    w = weight_array(df, weight)
    codes = likert_codes(df, outcome)
    accepted = sorted({int(v) for v in satisfied})
    y = np.isin(codes, accepted).astype(float)
    x = scores.to_numpy(dtype=float)
    elements = [str(c) for c in scores.columns]
    domain = np.ones(len(df), dtype=bool) if where is None else np.asarray(where, dtype=bool)
    if domain.shape != (len(df),):
        raise ValueError(f"where: expected {len(df)} flags, got shape {domain.shape}")
    complete = domain & (codes > 0) & ~np.isnan(x).any(axis=1)
    notes: list[str] = []
    left_out = int(np.count_nonzero(domain & (codes > 0))) - int(np.count_nonzero(complete))
    if left_out:
        notes.append(f"{left_out} respondent(s) who answered the overall question but no item of some element "
                     "are left out of the model")
    stratum, _ = group_codes(df, [strata] if strata else [], "strata")
    refusal = _refusal(y[complete], x[complete], w[complete], elements)
    if refusal:
        return _empty(notes + [refusal], int(np.count_nonzero(complete)))
    patterns = compress(y[complete], x[complete], w[complete], stratum[complete] if strata else None)
    # statsmodels is imported here, not at the top: it is a tenth of a web worker's memory and seconds of its start,
    # and only this model needs it.
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    design = sm.add_constant(patterns.x, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            model = sm.GLM(patterns.y, design, family=sm.families.Binomial(), var_weights=patterns.w)
            # Newton-Raphson on the analytic score and Hessian: the same optimum as IRLS in fewer passes.
            fit = model.fit(method="newton", tol=1e-12, maxiter=100, disp=0)
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError):
            return _empty(notes + [SEPARATION], int(np.count_nonzero(complete)))
    params = np.asarray(fit.params)
    mu = np.asarray(fit.fittedvalues)
    if np.max(np.abs(design @ params)) > 30 or not np.all(np.isfinite(params)):
        return _empty(notes + [SEPARATION], int(np.count_nonzero(complete)))
    covariance = sandwich(design, patterns.y, mu, patterns.w, patterns.stratum,
                          np.bincount(stratum) if strata else np.array([len(df)]), patterns.w2)
    se = np.sqrt(np.diag(covariance))
    table = pd.DataFrame({"element": elements, "coefficient": params[1:], "se": se[1:]})
    table["ci_low"] = table["coefficient"] - z * table["se"]
    table["ci_high"] = table["coefficient"] + z * table["se"]
    table["odds_ratio"] = np.exp(table["coefficient"])
    table = table.sort_values("coefficient", ascending=False, kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    table.attrs.update(n=int(np.count_nonzero(complete)), intercept=float(params[0]), intercept_se=float(se[0]),
                       notes=notes)
    return table


#: Note given when an element separates the satisfied from the others perfectly.
SEPARATION = ("an element separates satisfied from unsatisfied respondents (almost) perfectly, so its "
              "coefficient would be unbounded; no model is shown")


def _refusal(y: np.ndarray, x: np.ndarray, w: np.ndarray, elements: list[str]) -> str | None:
    """Why the model cannot be fitted on these answers, or None."""
    positive = w > 0
    y, x = y[positive], x[positive]
    smaller = int(min(np.count_nonzero(y == 1), np.count_nonzero(y == 0)))
    needed = EVENTS_PER_ELEMENT * len(elements)
    if smaller < needed:
        return (f"too few answers: {smaller} respondent(s) in the smaller group (satisfied or not), "
                f"{needed} needed for {len(elements)} element(s)")
    for column, element in enumerate(elements):
        values = x[:, column]
        if np.all(values == values[0]):
            return f"element {element!r} has the same score for every respondent; it cannot explain anything"
        ones, zeros = values[y == 1], values[y == 0]
        if ones.min() > zeros.max() or ones.max() < zeros.min():
            return SEPARATION.replace("an element", f"element {element!r}")
    return None


def _empty(notes: list[str], n: int) -> pd.DataFrame:
    table = pd.DataFrame({c: pd.Series(dtype=float) for c in DRIVER_COLUMNS})
    table["element"] = table["element"].astype(object)
    table.attrs.update(n=n, intercept=float("nan"), intercept_se=float("nan"), notes=notes)
    return table


class Patterns(NamedTuple):
    """Respondents grouped by identical (stratum, outcome, element scores): one row per pattern."""

    y: np.ndarray
    x: np.ndarray
    #: Sum of the weights and of the squared weights of the pattern's respondents.
    w: np.ndarray
    w2: np.ndarray
    #: Stratum code of the pattern, or None without strata.
    stratum: np.ndarray | None


def compress(y: np.ndarray, x: np.ndarray, w: np.ndarray, stratum: np.ndarray | None) -> Patterns:
    """The distinct (stratum, outcome, scores) patterns with the sums of their weights and squared weights.

    Why: element scores are means of a few 1..5 answers, so a million respondents show only some ten thousand
    patterns. The likelihood's score :math:`\\sum_i w_i (y_i - \\mu(x_i)) x_i` and Hessian depend on a pattern's
    respondents only through :math:`\\sum w_i`, and the sandwich's within-stratum sums
    :math:`\\sum u_i u_i^\\top` and :math:`\\sum u_i` only through :math:`\\sum w_i^2` and :math:`\\sum w_i`
    (all :math:`u_i` of a pattern are :math:`w_i` times one vector), so the fit on the patterns with frequency
    weights gives the same coefficients and standard errors as the fit on every respondent.
    """
    columns = {"y": y, **{f"x{j}": x[:, j] for j in range(x.shape[1])}}
    if stratum is not None:
        columns["h"] = stratum
    keys = pd.DataFrame(columns)
    group = keys.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
    first = np.full(int(group.max(initial=-1)) + 1, -1, dtype=np.int64)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)  # first row of each pattern
    return Patterns(y[first], x[first], np.bincount(group, w), np.bincount(group, w * w),
                    None if stratum is None else stratum[first])


def sandwich(x: np.ndarray, y: np.ndarray, mu: np.ndarray, w: np.ndarray, stratum: np.ndarray | None,
             sizes: np.ndarray, w2: np.ndarray | None = None) -> np.ndarray:
    """Design-based covariance of logistic coefficients (formula in the module docstring).

    ``sizes`` holds :math:`n_h`, the respondents of each stratum in the whole sample (so that a model on a
    subset keeps the design's degrees of freedom, as R's ``svyglm`` on a subset does). On patterns from
    :func:`compress`, ``w`` and ``w2`` are each pattern's sums of weights and of squared weights (``w2``
    defaults to ``w**2``, one respondent per row).
    """
    w2 = w * w if w2 is None else w2
    bread = np.linalg.inv((x * (w * mu * (1 - mu))[:, None]).T @ x)
    direction = (x * (y - mu)[:, None]) @ bread  # u_i = w_i * direction of its pattern
    codes = np.zeros(len(y), dtype=np.intp) if stratum is None else stratum
    sizes = np.asarray(sizes, dtype=float)
    factor = np.where(sizes >= 2, sizes / np.maximum(sizes - 1, 1), 0.0)  # strata of one add nothing
    totals = np.column_stack([np.bincount(codes, direction[:, j] * w, minlength=len(sizes))
                              for j in range(x.shape[1])])
    squares = (direction * (w2 * factor[codes])[:, None]).T @ direction
    result: np.ndarray = squares - (totals * (factor / np.maximum(sizes, 1))[:, None]).T @ totals
    return result
