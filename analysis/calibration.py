r"""Variance of domain proportions when the weights were raked: the influence values are first made
orthogonal to the raking margins, as R's ``survey`` does for a ``rake()``\ d design.

Why: raking forces the weighted shares of the margins (gender, age group, ...) to their census values, so the
part of a rate's sampling error that the margins explain is removed. Taking the raked weights as fixed ignores
this and usually overstates (sometimes understates) the SE.

R (``survey:::svyrecvar``, the ``"raking"`` branch; Lumley 2010, section 7.4) starts from the influence values
:math:`z_i = w_i (y_i - \hat p_d) / \sum_{j \in d} w_j` of the domain (0 outside it and for missing answers)
and runs ten sweeps of backfitting over the margins, in the order they were raked on:

.. math:: z_i \leftarrow z_i - w_i \, \overline{(z/w)}_{c_m(i)},

where :math:`\overline{(z/w)}_c` is the *unweighted* mean of :math:`z_j / w_j` over all respondents of
category :math:`c` of margin :math:`m`. The stratified variance formula is then applied to the residual
:math:`z`. Since every step subtracts :math:`w_i` times a number that depends only on the respondent's raking
cell :math:`k` (the combination of categories), :math:`z_i = z^0_i - w_i a_{k(i)}`; the sweeps run on the
matrix :math:`a` (groups x cells) and the variance is assembled from sums per (group, stratum, cell), so the
rows are read once.

References
----------
Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling. *JASA* 87, 376-382.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Section 7.4, raking.)
"""

from __future__ import annotations

import numpy as np

#: Backfitting sweeps over the margins: R's ``svyrecvar`` runs exactly ten.
SWEEPS = 10


def calibrated_kernel(
    y: np.ndarray,
    valid: np.ndarray,
    w: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    stratum: np.ndarray,
    scale: np.ndarray,
    margin_codes: list[np.ndarray],
) -> dict[str, np.ndarray]:
    r"""Domain proportions and their variance after raking on ``margin_codes`` (one code array per margin).

    ``scale`` holds each stratum's factor :math:`(1 - f_h)\, n_h / (n_h - 1)`. Returns the arrays
    ``rate, se, n, n_eff, unweighted_rate`` as :func:`analysis.estimates.proportion_kernel`.
    """
    n_strata = len(scale)
    sizes = [int(c.max(initial=-1)) + 1 for c in margin_codes]
    cell, cell_codes = _cells(margin_codes, sizes)
    n_cells = len(cell_codes[0])
    size_h = np.bincount(stratum, minlength=n_strata).astype(float)
    # Whole-sample sums per (stratum, cell): every respondent carries a raked weight.
    hk = stratum * n_cells + cell
    weight_hk = np.bincount(hk, weights=w, minlength=n_strata * n_cells).reshape(n_strata, n_cells)
    square_hk = np.bincount(hk, weights=w * w, minlength=n_strata * n_cells).reshape(n_strata, n_cells)
    count_k = np.bincount(cell, minlength=n_cells).astype(float)
    # Sums over the valid answers of each group, per (group, stratum, cell, answer), on the present bins only.
    # Answers of weight 0 (units left out) have z = 0 and no part in the sums; they still count in n_k.
    inside = valid & (group >= 0) & (w > 0)
    answered = valid & (group >= 0)
    positive = y[inside] > 0.5
    key = ((group[inside].astype(np.int64) * n_strata + stratum[inside]) * n_cells + cell[inside]) * 2 + positive
    bins, index = np.unique(key, return_inverse=True)
    wi = w[inside]
    sums = {name: np.bincount(index, weights=values, minlength=len(bins)) for name, values in
            (("w", wi), ("w2", wi * wi), ("n", np.ones(len(wi))))}
    answer = bins % 2 == 1
    rest = bins // 2
    b_cell = rest % n_cells
    b_stratum = (rest // n_cells) % n_strata
    b_group = rest // (n_cells * n_strata)
    total = np.bincount(b_group, weights=sums["w"], minlength=n_groups)
    count = np.bincount(group[answered], minlength=n_groups).astype(float)
    weighted_count = np.bincount(b_group, weights=sums["n"], minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.bincount(b_group, weights=sums["w"] * answer, minlength=n_groups) / total
        p = np.nan_to_num(rate[b_group])
        scale_g = np.where(total > 0, 1.0 / total, 0.0)[b_group]
        # z0 of one bin's rows is w (answer - p) / W_g, the same for every row of the bin up to w.
        residual = answer - p
        z_sum = sums["w"] * residual * scale_g
        z_square = sums["w2"] * residual * residual * scale_g * scale_g
        e_sum = sums["n"] * residual * scale_g  # sum of z0 / w
        zw = sums["w2"] * residual * scale_g  # sum of z0 * w
    gh = b_group * n_strata + b_stratum
    s0 = np.bincount(gh, weights=z_sum, minlength=n_groups * n_strata).reshape(n_groups, n_strata)
    q0 = np.bincount(gh, weights=z_square, minlength=n_groups * n_strata).reshape(n_groups, n_strata)
    e0 = np.bincount(b_group * n_cells + b_cell, weights=e_sum, minlength=n_groups * n_cells).reshape(
        n_groups, n_cells)
    a = _backfit(e0, count_k, cell_codes, sizes)
    s = s0 - a @ weight_hk.T
    cross = np.bincount(gh, weights=a[b_group, b_cell] * zw, minlength=n_groups * n_strata).reshape(
        n_groups, n_strata)
    q = q0 - 2 * cross + (a * a) @ square_hk.T
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (scale * (q - s * s / size_h)).sum(axis=1)
        squares = np.bincount(b_group, weights=sums["w2"], minlength=n_groups)
        n_eff = total**2 / squares
        unweighted = np.bincount(b_group, weights=sums["n"] * answer, minlength=n_groups) / weighted_count
    return kernel_result(rate, variance, count, total, n_eff, unweighted)


def kernel_result(rate: np.ndarray, variance: np.ndarray, count: np.ndarray, total: np.ndarray,
                  n_eff: np.ndarray, unweighted: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays every proportion kernel returns, NaN (or 0 for ``n_eff``) for groups without an answer."""
    empty = count == 0
    return {
        "rate": np.where(empty, np.nan, rate),
        "se": np.where(empty, np.nan, np.sqrt(np.maximum(variance, 0.0))),
        "n": count.astype(np.int64),
        "n_eff": np.where(empty, 0.0, n_eff),
        "unweighted_rate": np.where(empty, np.nan, unweighted),
        "weight_total": total,
    }


def _cells(margin_codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each row's raking cell among the observed cells, and each cell's category in every margin."""
    flat = np.ravel_multi_index(tuple(margin_codes), tuple(sizes))
    present, cell = np.unique(flat, return_inverse=True)
    return cell.astype(np.intp), [np.asarray(c) for c in np.unravel_index(present, tuple(sizes))]


def _backfit(e0: np.ndarray, count_k: np.ndarray, cell_codes: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """The matrix ``a`` (groups x cells) after R's ten sweeps of ``x <- x - w * ave(x / w, margin)``."""
    a = np.zeros_like(e0)
    for _ in range(SWEEPS):
        for codes, size in zip(cell_codes, sizes, strict=True):
            members = np.bincount(codes, weights=count_k, minlength=size)
            current = e0 - a * count_k  # sum of z / w per cell
            per_category = np.zeros((e0.shape[0], size))
            np.add.at(per_category.T, codes, current.T)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(members > 0, per_category / members, 0.0)
            a = a + mean[:, codes]
    return a
