"""Group codes: turn grouping columns into integer codes ``0 .. G-1`` (sorted by key) and a table of keys.

Estimates over many groups then cost a few ``numpy.bincount`` calls instead of a Python loop per group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Integer columns whose range is at most this many times the row count are coded by offset, not hashing.
_DENSE_RATIO = 4
#: Largest cross-product of group counts coded with a dense table.
_MAX_DENSE = 10_000_000


def factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Sorted codes of one column (-1 for missing values) and the sorted distinct values."""
    dtype = column.dtype
    if dtype.kind in "iu" and len(column) > 0 and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        values = column.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low <= _DENSE_RATIO * len(values) + 1024:
            offset = values - low
            present = np.flatnonzero(np.bincount(offset, minlength=high - low + 1))
            lookup = np.full(high - low + 1, -1, dtype=np.intp)
            lookup[present] = np.arange(len(present))
            return lookup[offset], pd.Index(present + low, dtype=dtype, name=column.name)
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    return codes.astype(np.intp, copy=False), pd.Index(uniques, name=column.name)


def group_codes(df: pd.DataFrame, columns: Sequence[str], argument: str = "by") -> tuple[np.ndarray, pd.DataFrame]:
    """Codes of the groups formed by ``columns`` and one row of key values per observed group.

    With no columns every row is in the single group 0 and the key table has one row and no column. A row
    with a missing value in any grouping column gets code -1.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{argument}: columns {missing} are not in the data")
    if not columns:
        return np.zeros(len(df), dtype=np.intp), pd.DataFrame(index=pd.RangeIndex(1))
    parts = [factorize(df[c]) for c in columns]
    if len(parts) == 1:
        codes, uniques = parts[0]
        return codes, pd.DataFrame({columns[0]: uniques}).reset_index(drop=True)
    sizes = tuple(len(u) for _, u in parts)
    if np.prod(sizes, dtype=np.float64) > _MAX_DENSE:
        grouped = df[list(columns)].groupby(list(columns), sort=True, dropna=True, observed=True)
        sparse = grouped.ngroup().to_numpy(dtype=float, na_value=np.nan)
        keys = grouped.size().index.to_frame(index=False)
        return np.where(np.isnan(sparse), -1, sparse).astype(np.intp), keys
    codes_list = [c for c, _ in parts]
    missing_row = np.zeros(len(df), dtype=bool)
    for c in codes_list:
        missing_row |= c < 0
    flat = np.ravel_multi_index(tuple(np.where(missing_row, 0, c) for c in codes_list), sizes)
    flat = np.where(missing_row, -1, flat)
    present = np.flatnonzero(np.bincount(flat[~missing_row], minlength=int(np.prod(sizes))))
    lookup = np.full(int(np.prod(sizes)), -1, dtype=np.intp)
    lookup[present] = np.arange(len(present))
    codes = np.where(missing_row, -1, lookup[np.where(missing_row, 0, flat)])
    positions = np.unravel_index(present, sizes)
    keys = pd.DataFrame({c: u[p] for c, (_, u), p in zip(columns, parts, positions, strict=True)})
    return codes.astype(np.intp), keys.reset_index(drop=True)
