"""Survey weights: design weights, raking, post-stratification, trimming and Kish's effective sample size.

The weights are computed once on the whole sample and then taken as fixed by every estimate (see
:mod:`analysis.estimates`). They reproduce R's ``survey`` package: ``rake`` and ``postStratify`` give the same
weights as :func:`rake` and :func:`poststratify` (R's ``rake`` stops at ``epsilon=1`` by default, so compare with
a tight ``control=list(epsilon=1e-12, maxit=1000)``).

References
----------
Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table when the
expected marginal totals are known. *Annals of Mathematical Statistics* 11, 427-444.
Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling. *JASA* 87, 376-382.
Kish, L. (1965). *Survey Sampling*. Wiley. (Effective sample size, section 11.7.)
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Chapter 7: post-stratification,
raking and calibration.)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from .grouping import factorize, group_codes
from .margins import Margins, check_margins, sample_codes
from .raking import cross_cells, fit_cells

Weight: TypeAlias = str | pd.Series | np.ndarray | None


def weight_array(df: pd.DataFrame, weight: Weight, argument: str = "weight") -> np.ndarray:
    """The weights of the rows of ``df`` as a float array, checked to be finite and non-negative.

    ``weight`` is a column name of ``df``, a Series aligned on ``df.index``, an array of ``len(df)``, or
    ``None`` for an explicitly unweighted analysis (every weight 1).
    """
    if weight is None:
        return np.ones(len(df))
    if isinstance(weight, str):
        if weight not in df.columns:
            raise ValueError(f"{argument}: no column {weight!r} in the data")
        values = df[weight].to_numpy(dtype=float, na_value=np.nan)
    elif isinstance(weight, pd.Series):
        aligned = weight if weight.index.equals(df.index) else weight.reindex(df.index)
        values = aligned.to_numpy(dtype=float, na_value=np.nan)
    else:
        values = np.asarray(weight, dtype=float)
        if values.shape != (len(df),):
            raise ValueError(f"{argument}: expected {len(df)} weights, got an array of shape {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        bad = int(np.count_nonzero(~np.isfinite(values) | (values < 0)))
        raise ValueError(f"{argument}: {bad} weight(s) are missing, infinite or negative; all must be >= 0")
    return values


def design_weights(
    df: pd.DataFrame,
    unit_volumes: Mapping[Any, float] | pd.Series | str,
    unit: str = "unit_id",
    unusable: str = "raise",
) -> pd.Series:
    """Design weights: the service volume of the respondent's unit divided by the unit's respondents.

    .. math:: w_i = N_{u(i)} / n_{u(i)}

    so that the weights of a unit add up to its volume ``N_u`` (people served in the campaign period).

    Parameters
    ----------
    df : DataFrame
        One row per response.
    unit_volumes : Mapping, Series or str
        Volume per unit (keyed by the values of ``df[unit]``), or the name of a column of ``df`` holding it
        (e.g. ``"service_volume"``).
    unit : str
        Column identifying the unit.
    unusable : {"raise", "note"}
        What to do with a unit whose volume is missing or not positive, or smaller than its respondents.
        ``"raise"``: a ``ValueError`` naming the units of the first kind, a ``UserWarning`` naming those of the
        second (their weights, below 1, are kept). ``"note"``: the first kind gets weight 0 (it is left
        out of every weighted total, its own unweighted figures stay available) and the second weight 1 (its
        volume is taken to be its respondents, so that no respondent counts for less than one person); both
        are listed in ``result.attrs["volume_notes"]`` as ``{unit: "missing" | "smaller_than_respondents"}``.

    Returns
    -------
    Series
        Named ``"design_weight"``, aligned on ``df.index``.
    """
    if unusable not in ("raise", "note"):
        raise ValueError(f"unusable: must be 'raise' or 'note', not {unusable!r}")
    if unit not in df.columns:
        raise ValueError(f"unit: no column {unit!r} in the data")
    codes, units = factorize(df[unit])
    if np.any(codes < 0):
        raise ValueError(f"unit: {int(np.count_nonzero(codes < 0))} response(s) have no {unit}")
    if isinstance(unit_volumes, str):
        if unit_volumes not in df.columns:
            raise ValueError(f"unit_volumes: no column {unit_volumes!r} in the data")
        volumes = unit_values(df[unit_volumes].to_numpy(dtype=float, na_value=np.nan), codes, len(units),
                              unit_volumes)
    else:
        lookup = pd.Series(unit_volumes, dtype=float)
        volumes = lookup.reindex(units).to_numpy(dtype=float, na_value=np.nan)
    per_unit, notes = unit_design_weights(units, volumes, np.bincount(codes, minlength=len(units)), unusable)
    weights = pd.Series(per_unit[codes], index=df.index, name="design_weight")
    weights.attrs["volume_notes"] = notes
    return weights


def unit_values(values: np.ndarray, codes: np.ndarray, units: int, column: str) -> np.ndarray:
    """The value of a column that is constant within each unit, per unit code (NaN where a unit has none);
    a ``ValueError`` if a unit has two different values. Two vector passes instead of a grouped min and max."""
    per_unit = np.full(units, np.nan)
    known = ~np.isnan(values)
    per_unit[codes[known]] = values[known]
    if not np.array_equal(values[known], per_unit[codes[known]]):
        raise ValueError(f"unit_volumes: {column!r} differs within a unit (several campaigns?); "
                         "compute design weights per campaign")
    return per_unit


def unit_design_weights(units: pd.Index | np.ndarray, volumes: np.ndarray, respondents: np.ndarray,
                        unusable: str = "raise") -> tuple[np.ndarray, dict[Any, str]]:
    """The design weight of each unit (volume / respondents) and the notes of :func:`design_weights`, from one
    volume and one count of respondents per unit: the whole computation once those are known, so a frame
    that grew by a few responses gets its weights from updated counts (the reports' mirror)."""
    units = np.asarray(units)
    missing = ~(volumes > 0) | ~np.isfinite(volumes)
    small = ~missing & (volumes < respondents)
    if unusable == "raise" and missing.any():
        raise ValueError(f"unit_volumes: units {units[missing].tolist()[:10]} have no positive service volume; "
                         "give one for each unit")
    if unusable == "raise" and small.any():
        warnings.warn(f"unit_volumes: units {units[small].tolist()[:10]} have a service volume smaller than their "
                      "respondents, so their respondents get weights below 1; check the volumes", stacklevel=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(missing, 0.0, np.where(small & (unusable == "note"), 1.0, volumes / respondents))
    notes = {u: "missing" for u in units[missing].tolist()} | {u: SMALL_VOLUME for u in units[small].tolist()}
    return per_unit, notes


#: Note of a unit whose service volume is smaller than its number of respondents.
SMALL_VOLUME = "smaller_than_respondents"


def rake(
    df: pd.DataFrame,
    margins: Margins,
    base_weight: Weight = None,
    max_iter: int = 1000,
    tol: float = 1e-10,
) -> pd.Series:
    """Rake (iterative proportional fitting) the base weights to population margins.

    Each sweep multiplies the weights of every category of each margin in turn by
    ``target_share * W / (current weighted total of the category)``, where ``W`` is the total of the base
    weights, which the raked weights keep (as R ``survey::rake`` does). The limit is the raking-ratio
    calibration estimator of Deville & Särndal (1992): the weights closest to the base weights in the
    Kullback-Leibler sense that reproduce every margin. Since raking multiplies weights by factors that depend
    only on the respondent's cell (the cross-classification of the margins), the iteration runs on the cell
    totals and costs one pass over the rows.

    Parameters
    ----------
    df : DataFrame
        Sample holding one column per margin (e.g. ``gender``, ``age_group``, ``ethnicity``).
    margins : Mapping
        ``{variable: {category: share}}``; shares sum to 1 (they are rescaled to sum to exactly 1).
    base_weight : str, Series, array or None
        Weights to start from (usually :func:`design_weights`); ``None`` means 1 for everyone, so that the raked
        weights sum to n.
    max_iter : int
        Largest number of sweeps over all margins.
    tol : float
        Convergence: every weighted margin share within ``tol`` of its target.

    Returns
    -------
    Series
        Named ``"weight"``, aligned on ``df.index``.

    Raises
    ------
    ValueError
        For a margin column missing from ``df``, a respondent without a value, a value not in the margin, a
        margin category without respondents, shares not summing to 1, or no convergence (naming the margin).
    """
    if max_iter < 1:
        raise ValueError(f"max_iter: must be a positive integer, not {max_iter}")
    if not tol > 0:
        raise ValueError(f"tol: must be positive, not {tol}")
    checked = check_margins(margins)
    base = weight_array(df, base_weight, "base_weight")
    codes, categories = [], []
    for variable, shares in checked.items():
        if variable not in df.columns:
            raise ValueError(f"margins: no column {variable!r} in the data for margin {variable!r}")
        variable_codes, variable_categories = sample_codes(df[variable], variable, shares)
        codes.append(variable_codes)
        categories.append(variable_categories)
    cell, cell_margin_codes = cross_cells(codes, [len(c) for c in categories])
    cell_base = np.bincount(cell, weights=base, minlength=len(cell_margin_codes[0]))
    targets = []
    for shares, variable_categories in zip(checked.values(), categories, strict=True):
        share = np.array([shares[c] for c in variable_categories])
        targets.append(share / share.sum())
    factor = fit_cells(cell_base, cell_margin_codes, targets, list(checked), categories, max_iter, tol)
    return pd.Series(base * factor[cell], index=df.index, name="weight")


def poststratify(
    df: pd.DataFrame,
    cells: Mapping[Any, float] | pd.Series | pd.DataFrame,
    by: str | Sequence[str],
    base_weight: Weight = None,
) -> pd.Series:
    """Post-stratify the base weights to known population counts of the cells defined by ``by``.

    .. math:: w_i = d_i \\, N_c / \\sum_{j \\in c} d_j  \\quad (i \\in c)

    as R ``survey::postStratify`` (Lumley 2010, section 7.3).

    Parameters
    ----------
    df : DataFrame
        Sample holding the ``by`` columns.
    cells : Mapping, Series or DataFrame
        Population count per cell: ``{value: count}`` (``{(v1, v2): count}`` for several columns), a Series
        indexed the same way, or a DataFrame with the ``by`` columns and a ``count`` column. Values are
        compared as strings.
    by : str or sequence of str
        Columns defining the cells.
    base_weight : str, Series, array or None
        Weights to start from; ``None`` means 1.

    Returns
    -------
    Series
        Named ``"weight"``, aligned on ``df.index``.

    Raises
    ------
    ValueError
        If a sample cell has no (or a zero) population count, or a populated cell has no respondent.
    """
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in df.columns]
    if not columns or missing:
        raise ValueError(f"by: columns {missing or columns} are not in the data; give existing column names")
    base = weight_array(df, base_weight, "base_weight")
    population = _population_counts(cells, columns)
    cell, keys = group_codes(df, columns, "by")
    if np.any(cell < 0):
        raise ValueError(f"by: {int(np.count_nonzero(cell < 0))} respondent(s) have no value in {columns}; "
                         "drop or impute them first")
    sample_keys = [tuple(str(v) for v in row) for row in keys.itertuples(index=False, name=None)]
    counts = np.array([population.get(k, 0.0) for k in sample_keys])
    absent = [k for k, c in zip(sample_keys, counts, strict=True) if not c > 0]
    if absent:
        raise ValueError(f"cells: sample cells {absent[:10]} have no population count; add them to cells")
    empty = sorted(set(k for k, c in population.items() if c > 0) - set(sample_keys))
    if empty:
        raise ValueError(f"cells: cells {empty[:10]} have a population count but no respondent; merge them")
    totals = np.bincount(cell, weights=base, minlength=len(counts))
    return pd.Series(base * (counts / totals)[cell], index=df.index, name="weight")


def _population_counts(cells: Mapping[Any, float] | pd.Series | pd.DataFrame, columns: list[str]
                       ) -> dict[tuple[str, ...], float]:
    """Population counts keyed by tuples of strings, one element per ``by`` column."""
    if isinstance(cells, pd.DataFrame):
        if "count" not in cells.columns or not set(columns) <= set(cells.columns):
            raise ValueError(f"cells: a DataFrame needs the columns {columns} and 'count'")
        keys = [tuple(str(v) for v in row) for row in cells[columns].itertuples(index=False, name=None)]
        values = cells["count"].to_numpy(dtype=float)
    else:
        items = list(cells.items())
        keys = [tuple(str(v) for v in (k if isinstance(k, tuple) else (k,))) for k, _ in items]
        values = np.array([v for _, v in items], dtype=float)
    if any(len(k) != len(columns) for k in keys):
        raise ValueError(f"cells: every key must have one value per column of by={columns}")
    if np.any(~np.isfinite(values) | (values < 0)):
        raise ValueError("cells: population counts must be finite and >= 0")
    return dict(zip(keys, values.tolist(), strict=True))


def trim_weights(weights: pd.Series, k: float = 5.0) -> pd.Series:
    """Cap every weight at ``k`` times the median weight (the total is not kept; re-rake afterwards)."""
    if not k >= 1:
        raise ValueError(f"k: the cap must be at least 1 x the median, not {k}")
    cap = k * float(np.median(weights.to_numpy(dtype=float)))
    return weights.clip(upper=cap)


def rake_trimmed(
    df: pd.DataFrame,
    margins: Margins,
    base_weight: Weight = None,
    k: float = 5.0,
    max_rounds: int = 50,
    max_iter: int = 1000,
    tol: float = 1e-10,
) -> pd.Series:
    """Rake, cap the weights at ``k`` x median, re-rake, and repeat until the raked weights respect the cap.

    Trimming trades a little bias for less variance (Kish's design effect falls); caps of 5 or 6 times the
    median are common (Battaglia, Izrael, Hoaglin & Frankel 2009, "Practical considerations in raking survey
    data", *Survey Practice* 2(5)). The margins are always reproduced exactly (the last step is a rake); the
    cap is met to a relative ``1e-6``.

    Raises
    ------
    ValueError
        When the cap cannot be met: a round brings no progress (the margins need weights above the cap) or
        ``max_rounds`` rounds are not enough. Raise ``k`` or merge sparse margin categories.
    """
    weights = rake(df, margins, base_weight, max_iter=max_iter, tol=tol)
    best = np.inf
    for _ in range(max_rounds):
        ratio = float(weights.max()) / float(np.median(weights.to_numpy()))
        if ratio <= k * (1 + 1e-6):
            return weights
        if ratio >= best * (1 - 1e-9):  # no more progress: the cap cannot be met with these margins
            break
        best = ratio
        weights = rake(df, margins, trim_weights(weights, k), max_iter=max_iter, tol=tol)
    raise ValueError(
        f"k: the raked weights cannot be kept under {k} x median (best reached: {min(best, ratio):.3g} x) with "
        "these margins; raise k or merge sparse margin categories"
    )


def kish_neff(weights: pd.Series | np.ndarray | Sequence[float]) -> float:
    """Kish's effective sample size :math:`(\\sum w)^2 / \\sum w^2` (Kish 1965).

    Equals n for equal weights and falls as weights vary: the size of a simple random sample that would give
    a mean the same precision, ignoring any correlation of weights with the outcome. ``nan`` for no weights.
    """
    values = np.asarray(weights, dtype=float)
    if np.any(~np.isfinite(values) | (values < 0)):
        raise ValueError("weights: must be finite and >= 0")
    squares = float(np.dot(values, values))
    return float(values.sum() ** 2 / squares) if squares > 0 else float("nan")
