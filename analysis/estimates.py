"""Weighted satisfaction rates and yes-shares by group, with linearized standard errors and verdicts.

The numbers are those of R's ``survey`` package with the final weights taken as fixed::

    d <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = df)   # strata optional
    svyby(~sat, ~group, d, svymean, na.rm = TRUE)                           # rate and SE
    svyby(~sat, ~group, d, svyciprop, method = "logit", df = Inf, vartype = "ci", na.rm = TRUE)

where ``sat`` is 1 for a satisfied answer, 0 for another answer and ``NA`` for a missing or "not applicable"
one. (``I(y %in% 4:5)`` would count missing answers as unsatisfied, because ``NA %in% 4:5`` is ``FALSE``.)

Each group is a *domain* of the whole sample (Lumley 2010, section 2.4.1): with
:math:`\\hat p_d = \\sum_{i \\in d} w_i y_i / \\sum_{i \\in d} w_i` over the valid answers of the domain, the
influence values are :math:`z_i = w_i (y_i - \\hat p_d) / \\sum_{j \\in d} w_j` inside the domain and 0 outside,
and

.. math:: \\widehat{V}(\\hat p_d) = \\sum_h \\frac{n_h}{n_h - 1} \\sum_{i \\in h} (z_i - \\bar z_h)^2,

where :math:`n_h` counts *every* respondent of stratum :math:`h` (the whole sample when there are no strata),
not only the domain's. Everything is computed for all groups at once with ``numpy.bincount``.

References
----------
Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex surveys.
*International Statistical Review* 51, 279-292.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer. (Chapter 6, Taylor series.)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from .calibration import calibrated_kernel, kernel_result
from .grouping import group_codes
from .indices import likert_codes
from .intervals import interval, verdicts
from .weights import Weight, weight_array

#: Columns of every result, after the group columns.
RESULT_COLUMNS = ("rate", "se", "ci_low", "ci_high", "n", "n_eff", "unweighted_rate")
Target: TypeAlias = float | Mapping[Any, float] | None


def satisfaction_rates(
    df: pd.DataFrame,
    item: str = "overall",
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
    satisfied: Collection[int] = (4, 5),
    strata: str | None = None,
    level: float = 0.95,
    target: Target = None,
    min_n: int = 5,
    ci: str = "logit",
    fpc: str | None = None,
    calibration: Sequence[str] | None = None,
    frequency: str | None = None,
) -> pd.DataFrame:
    """Weighted share of satisfied answers to a Likert item, per group, with SE, CI and verdict.

    Parameters
    ----------
    df : DataFrame
        Tidy responses (one row per response); the whole sample, also when only one group is of interest.
    item : str
        Likert column (1..5, missing and "not applicable" as NA).
    weight : str, Series, array or None
        Final weights computed once on the whole sample; ``None`` for an unweighted analysis (all 1).
    by : str, sequence of str or None
        Grouping columns; ``None`` for one row for the whole sample. Rows with a missing group value belong to
        no group (but still count in :math:`n_h`).
    satisfied : collection of int
        Answers counted as satisfied; 4 and 5 by default.
    strata : str or None
        Column of design strata (each with at least two respondents), e.g. the unit when the sample was drawn
        per unit.
    level : float
        Confidence level of the interval.
    target : float, Mapping or None
        Target rate, or ``{group key: target}`` (tuples for several ``by`` columns).
    min_n : int
        Groups with fewer valid answers of positive weight get NaN estimates and a ``withheld`` reason; a
        group whose answers all have weight 0 gets the reason :data:`ZERO_WEIGHTS`.
    ci : {"logit", "wilson"}
        ``"logit"``: as R ``svyciprop(method="logit", df=Inf)`` (Wilson on the effective n where the rate is 0
        or 1); ``"wilson"``: Wilson on Kish's effective sample size.
    fpc : str or None
        Column holding the population size :math:`N_h` of each stratum (of the whole sample without
        ``strata``), e.g. the unit's service volume: each stratum's variance term is multiplied by
        :math:`1 - n_h/N_h`, as R ``svydesign(ids=~1, strata=~s, fpc=~N, weights=~w)``. A stratum whose size is
        missing, or smaller than its respondents, is treated as drawn from an unknown, large population (no
        correction) and named in ``result.attrs["notes"]``.
    calibration : sequence of str or None
        The columns the weight was raked on (:func:`analysis.weights.rake`), in the order given there: the
        SEs are those of R's ``svyby(..., rake(design, ...), svymean)`` (see :mod:`analysis.calibration`).
    frequency : str or None
        Column of how many identical respondents each row stands for (a collapsed sample, e.g. one row per
        unit and answer with its count, when the weight is constant within a unit): every result equals that
        of the rows repeated that many times, up to the rounding of the sums, at the cost of the collapsed
        rows. Counts must be non-negative integers; not with ``calibration`` (raked weights differ within
        a cell).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``rate, se, ci_low, ci_high, n, n_eff, unweighted_rate, withheld`` and, with a
        target, ``target, verdict`` (``meets`` if ci_low >= target, ``below`` if ci_high < target, else
        ``not_yet_known``). ``n`` counts valid answers, ``n_eff`` is Kish's effective sample size.
        ``result.attrs["notes"]`` lists what the reader should know (strata without a usable size).

    Raises
    ------
    ValueError
        For answers outside the Likert codes 1..5 (naming the column and the values), among others.
    """
    _column(df, item)
    if isinstance(df[item].dtype, pd.BooleanDtype):
        raise ValueError(f"item: {item!r} is a yes/no item; use share_yes for it")
    codes = likert_codes(df, item)
    accepted = {int(v) for v in satisfied} if all(float(v).is_integer() for v in satisfied) else set()
    if not accepted or not accepted <= {1, 2, 3, 4, 5}:
        raise ValueError(f"satisfied: answers must be among the Likert codes 1..5, not {sorted(satisfied)}")
    valid = codes > 0
    y = np.isin(codes, sorted(accepted)).astype(float)
    return _rates(df, y, valid, weight, by, strata, level, target, min_n, ci, fpc, calibration, frequency)


def share_yes(
    df: pd.DataFrame,
    item: str,
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
    strata: str | None = None,
    level: float = 0.95,
    target: Target = None,
    min_n: int = 5,
    ci: str = "logit",
    fpc: str | None = None,
    calibration: Sequence[str] | None = None,
    frequency: str | None = None,
) -> pd.DataFrame:
    """Weighted share of "yes" to a yes/no item (e.g. "paid an informal fee"), as :func:`satisfaction_rates`.

    ``item`` is a boolean column (or holds the strings ``"yes"``/``"no"``); missing answers are left out.
    """
    column = _column(df, item)
    if isinstance(column.dtype, pd.BooleanDtype) or column.dtype == bool:
        values = column.to_numpy(dtype=float, na_value=np.nan)
    else:
        text = column.astype("string")
        unexpected = sorted(set(text.dropna().unique()) - {"yes", "no"})
        if unexpected:
            raise ValueError(f"item {item!r}: values {unexpected[:5]} are not yes/no answers; "
                             "it must hold booleans or 'yes'/'no'")
        values = text.map({"yes": 1.0, "no": 0.0}).to_numpy(dtype=float, na_value=np.nan)
    valid = ~np.isnan(values)
    return _rates(df, np.where(valid, values, 0.0), valid, weight, by, strata, level, target, min_n, ci, fpc,
                  calibration, frequency)


def _column(df: pd.DataFrame, item: str) -> pd.Series:
    if item not in df.columns:
        raise ValueError(f"item: no column {item!r} in the data")
    return df[item]


def _rates(
    df: pd.DataFrame,
    y: np.ndarray,
    valid: np.ndarray,
    weight: Weight,
    by: str | Sequence[str] | None,
    strata: str | None,
    level: float,
    target: Target,
    min_n: int,
    ci: str,
    fpc: str | None = None,
    calibration: Sequence[str] | None = None,
    frequency: str | None = None,
) -> pd.DataFrame:
    """Shared body of the public estimators: group, run the kernel, add intervals and verdicts."""
    if min_n < 1:
        raise ValueError(f"min_n: must be at least 1, not {min_n}")
    w = weight_array(df, weight)
    times = None if frequency is None else _frequencies(df, frequency)
    if times is not None and calibration:
        raise ValueError("frequency: not with calibration (raked weights differ between collapsed respondents)")
    columns = [] if by is None else ([by] if isinstance(by, str) else list(by))
    group, keys = group_codes(df, columns, "by")
    stratum, stratum_keys = group_codes(df, [strata] if strata else [], "strata")
    if strata and np.any(stratum < 0):
        raise ValueError(f"strata: {int(np.count_nonzero(stratum < 0))} respondent(s) have no {strata}")
    notes: list[str] = []
    fraction = None if fpc is None else _sampling_fractions(df, fpc, stratum, stratum_keys, strata, notes, times)
    if calibration:
        margin_codes = [_margin_codes(df, column) for column in calibration]
        size = np.bincount(stratum).astype(float)
        if len(size) > 1 and np.any(size == 1):
            raise ValueError("strata: some strata have one respondent; merge them")
        scale = size / (size - 1) * (1.0 if fraction is None else 1.0 - fraction)
        result = calibrated_kernel(y, valid, w, group, len(keys), stratum, scale, margin_codes)
    else:
        result = proportion_kernel(y, valid, w, group, len(keys), stratum, fraction, times)
    low, high = interval(result["rate"], result["se"], result["n_eff"], level, ci)
    table = keys.copy()
    for name, values in (("rate", result["rate"]), ("se", result["se"]), ("ci_low", low), ("ci_high", high)):
        table[name] = values
    table["n"] = result["n"]
    table["n_eff"] = result["n_eff"]
    table["unweighted_rate"] = result["unweighted_rate"]
    # A group is withheld when too few answers carry weight: answers of units left out (weight 0) don't count.
    inside = valid & (group >= 0) & (w > 0)
    weighted_n = np.bincount(group[inside], None if times is None else times[inside], minlength=len(keys))
    weightless = (result["n"] > 0) & ~(result["weight_total"] > 0)
    few = ~weightless & (weighted_n < min_n)
    table.loc[few | weightless, ["rate", "se", "ci_low", "ci_high", "unweighted_rate"]] = np.nan
    table["n_eff"] = np.where(weightless, 0.0, table["n_eff"])
    reasons = [ZERO_WEIGHTS if z else f"fewer than {min_n} respondents" if f else None
               for f, z in zip(few, weightless, strict=True)]
    table["withheld"] = pd.array(reasons, dtype="string")
    if target is not None:
        goals = _targets(target, keys)
        table["target"] = goals
        verdict = verdicts(table["ci_low"].to_numpy(), table["ci_high"].to_numpy(), goals)
        table["verdict"] = pd.array(verdict, dtype="string")
    table.attrs["notes"] = notes
    return table


#: Reason given for a group whose answers all carry a weight of 0 (e.g. units without a service volume).
ZERO_WEIGHTS = "all its weights are 0 (no usable service volume)"


def _margin_codes(df: pd.DataFrame, column: str) -> np.ndarray:
    """Codes of a raking variable; every respondent needs a value, as for :func:`analysis.weights.rake`."""
    codes, _ = group_codes(df, [column], "calibration")
    if np.any(codes < 0):
        raise ValueError(f"calibration: {int(np.count_nonzero(codes < 0))} respondent(s) have no {column}; "
                         "rake on a 'not stated' category (analysis.margins.with_not_stated)")
    return codes


def _frequencies(df: pd.DataFrame, frequency: str) -> np.ndarray:
    """The ``frequency`` column as floats, checked to hold non-negative whole numbers."""
    if frequency not in df.columns:
        raise ValueError(f"frequency: no column {frequency!r} in the data")
    times = df[frequency].to_numpy(dtype=float, na_value=np.nan)
    if not np.all(np.isfinite(times)) or np.any(times < 0) or np.any(times != np.round(times)):
        raise ValueError(f"frequency: {frequency!r} must hold whole numbers of respondents, 0 or more")
    return times


def _sampling_fractions(df: pd.DataFrame, fpc: str, stratum: np.ndarray, stratum_keys: pd.DataFrame,
                        strata: str | None, notes: list[str], times: np.ndarray | None = None) -> np.ndarray:
    """Sampling fraction of each stratum, 0 (and a note) where the population size is missing or too small."""
    if fpc not in df.columns:
        raise ValueError(f"fpc: no column {fpc!r} in the data")
    sizes = pd.Series(df[fpc].to_numpy(dtype=float, na_value=np.nan)).groupby(stratum)
    low, high = sizes.min().to_numpy(), sizes.max().to_numpy()
    if np.any((low != high) & ~np.isnan(low)):
        raise ValueError(f"fpc: {fpc!r} must be the same for every respondent of a stratum")
    count = np.bincount(stratum, times, minlength=len(low)).astype(float)
    unusable = ~np.isfinite(low) | (low < count)
    if np.any(unusable):
        labels = stratum_keys[strata].to_numpy()[unusable].tolist() if strata else ["the whole sample"]
        notes.append(f"population size ({fpc}) missing or smaller than the respondents for {labels[:20]}: "
                     "no finite population correction there")
    return np.where(unusable, 0.0, count / np.where(unusable, 1.0, low))


def proportion_kernel(
    y: np.ndarray,
    valid: np.ndarray,
    w: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    stratum: np.ndarray | None = None,
    fraction: np.ndarray | None = None,
    times: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    r"""Domain proportions and their linearized variance for all groups at once.

    With per group-and-stratum sums :math:`W_{gh} = \sum w_i`, :math:`A_{gh} = \sum w_i y_i`,
    :math:`D_{gh} = \sum w_i^2`, :math:`C_{gh} = \sum w_i^2 y_i` over valid answers (``y`` is 0/1, so
    :math:`y^2 = y`), :math:`\hat p_g = A_g / W_g` and the influence sums of the module docstring are
    :math:`S_{gh} = (A_{gh} - \hat p_g W_{gh}) / W_g` and
    :math:`Q_{gh} = (C_{gh}(1 - 2\hat p_g) + \hat p_g^2 D_{gh}) / W_g^2`; then
    :math:`\hat V_g = \sum_h n_h/(n_h - 1)\,(Q_{gh} - S_{gh}^2 / n_h)`. Three ``bincount`` passes
    over the rows, on bins of (group, stratum, answer), give every sum.

    Parameters
    ----------
    y : array of float
        1 for a positive answer, 0 otherwise (any value where not ``valid``).
    valid : array of bool
        Answer present.
    w : array of float
        Final weights.
    group : array of int
        Group index ``0 .. n_groups - 1``, or -1 for rows in no group.
    n_groups : int
        Number of groups.
    stratum : array of int or None
        Stratum index ``0 .. H - 1`` of every row, or None for one stratum.
    fraction : array of float or None
        Sampling fraction :math:`f_h = n_h / N_h` of each stratum (0 for an infinite population); the
        stratum's term is multiplied by :math:`1 - f_h` (finite population correction).
    times : array of float or None
        How many identical respondents each row stands for (a collapsed sample); None for one each.

    Returns
    -------
    dict
        Arrays ``rate, se, n, n_eff, unweighted_rate`` of length ``n_groups`` (NaN where a group has no
        valid answer).
    """
    if stratum is None or len(stratum) == 0:
        stratum = np.zeros(len(y), dtype=np.intp)
    n_strata = int(stratum.max(initial=0)) + 1
    if n_strata == 1:
        size = np.array([len(y) if times is None else times.sum()], dtype=float)
    else:
        size = np.bincount(stratum, times, minlength=n_strata) * 1.0
    if n_strata > 1 and np.any(size == 1):  # one respondent in all has no variance (NaN, as R gives)
        lonely = np.flatnonzero(size == 1).tolist()
        raise ValueError(f"strata: strata {lonely[:10]} (by position) have one respondent; merge them")
    # One bin per (group, stratum, answer); rows without a valid answer or a group go to a last, unused bin.
    cell = group if n_strata == 1 else group * n_strata + stratum
    key = cell * 2 + (y > 0.5)
    outside = ~valid if group.min(initial=0) >= 0 else ~valid | (group < 0)
    key[outside] = bins = n_groups * n_strata * 2
    shape = (n_groups, n_strata, 2)
    weighted = w if times is None else w * times
    total_hy = np.bincount(key, weights=weighted, minlength=bins + 1)[:bins].reshape(shape)
    square_hy = np.bincount(key, weights=weighted * w, minlength=bins + 1)[:bins].reshape(shape)
    count_hy = np.bincount(key, times, minlength=bins + 1)[:bins].reshape(shape)
    total_h, a_h = total_hy.sum(axis=2), total_hy[:, :, 1]
    d_h, c_h = square_hy.sum(axis=2), square_hy[:, :, 1]
    total, count = total_h.sum(axis=1), count_hy.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = a_h.sum(axis=1) / total
        p = rate[:, None]
        s = (a_h - p * total_h) / total[:, None]
        q = (c_h * (1 - 2 * p) + p * p * d_h) / (total**2)[:, None]
        correction = 1.0 if fraction is None else 1.0 - fraction
        variance = (correction * size / (size - 1) * (q - s * s / size)).sum(axis=1)
        n_eff = total**2 / d_h.sum(axis=1)
        unweighted = count_hy[:, :, 1].sum(axis=1) / count
    return kernel_result(rate, variance, count, total, n_eff, unweighted)


def _targets(target: float | Mapping[Any, float], keys: pd.DataFrame) -> np.ndarray:
    """Target of every group: one number for all, or looked up by group key."""
    if not isinstance(target, Mapping):
        value = float(target)
        if not 0 <= value <= 1:
            raise ValueError(f"target: must be a rate between 0 and 1, not {target}")
        return np.full(len(keys), value)
    if keys.shape[1] == 0:
        raise ValueError("target: a mapping of targets needs groups (by=...)")
    rows = keys.itertuples(index=False, name=None)
    lookup = [k[0] if len(k) == 1 else k for k in rows]
    return np.array([float(target.get(k, np.nan)) for k in lookup])
