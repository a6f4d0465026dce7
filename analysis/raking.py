"""Iterative proportional fitting on the cells of the cross-classified raking variables.

Raking multiplies a respondent's weight by one factor per margin category, so the result depends on the
respondent only through the cell (the combination of categories): fitting the few cell totals instead of the
rows gives the same weights at the cost of one pass over the rows (Deming & Stephan 1940; Lumley 2010, 7.4).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


class RakingError(ValueError):
    """Raking is impossible for this sample and these margins.

    The message is English, for logs and the command line; ``reason`` (one of :data:`REASONS`), ``variable``
    and ``categories`` let a user interface say the same thing in its own language.
    """

    def __init__(self, message: str, reason: str, variable: str | None = None,
                 categories: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.reason, self.variable, self.categories = reason, variable, tuple(str(c) for c in categories)

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None, tuple[str, ...]]]:
        return type(self), (str(self), self.reason, self.variable, self.categories)


#: Why raking can fail on a sample: a census category without respondents, sample values the census does not
#: have, a margin on a variable the data do not hold, no convergence (margins impossible together), base
#: weights that are all zero where it matters.
REASONS = ("empty_category", "unknown_category", "unknown_variable", "not_converged", "zero_weights")

#: Largest number of cross-classified raking cells handled with a dense table.
_DENSE_CELLS = 1_000_000


def cross_cells(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Index of each row's cell among the observed cells, and each observed cell's code in every margin."""
    dense_size = int(np.prod(sizes, dtype=np.float64)) if sizes else 1
    if dense_size <= _DENSE_CELLS:
        flat = np.ravel_multi_index(tuple(codes), tuple(sizes))
        present = np.flatnonzero(np.bincount(flat, minlength=dense_size))
        lookup = np.full(dense_size, -1, dtype=np.intp)
        lookup[present] = np.arange(len(present))
        return lookup[flat], [np.asarray(c) for c in np.unravel_index(present, tuple(sizes))]
    frame = pd.DataFrame({str(i): c for i, c in enumerate(codes)})
    groups = frame.groupby(list(frame.columns), sort=True)
    cell = groups.ngroup().to_numpy()
    keys = groups.size().index.to_frame(index=False)
    return cell, [keys[column].to_numpy() for column in keys.columns]


def fit_cells(
    cell_base: np.ndarray,
    cell_codes: list[np.ndarray],
    targets: list[np.ndarray],
    names: list[str],
    categories: list[list[str]],
    max_iter: int,
    tol: float,
) -> np.ndarray:
    """Iterative proportional fitting of the cell totals; returns each cell's multiplicative factor."""
    total = cell_base.sum()
    if not total > 0:
        raise RakingError("base_weight: the base weights sum to 0; give positive weights", "zero_weights")
    factor = np.ones_like(cell_base)
    for _ in range(max_iter):
        for codes, target in zip(cell_codes, targets, strict=True):
            current = np.bincount(codes, weights=cell_base * factor, minlength=len(target))
            if np.any(current <= 0):
                raise RakingError("base_weight: a margin category has only zero base weights; it cannot be raked",
                                  "zero_weights")
            factor *= (target * total / current)[codes]
        deviations = [
            np.abs(np.bincount(codes, weights=cell_base * factor, minlength=len(target)) / total - target)
            for codes, target in zip(cell_codes, targets, strict=True)
        ]
        if max(float(d.max()) for d in deviations) <= tol:
            return factor
    worst = int(np.argmax([d.max() for d in deviations]))
    category = categories[worst][int(np.argmax(deviations[worst]))]
    raise RakingError(
        f"rake did not converge in max_iter={max_iter} sweeps: margin {names[worst]!r} (category {category!r}) "
        f"is still {deviations[worst].max():.3g} from its share; the margins may be impossible for this sample "
        "(a combination of categories with no respondent) - merge categories or raise max_iter",
        "not_converged", names[worst], [category],
    )
