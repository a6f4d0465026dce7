"""Population margins for raking: reading them from a file and checking them against a sample.

A margin is the population distribution of one weighting variable, given as shares that sum to 1::

    {"gender": {"male": 0.49, "female": 0.51},
     "age_group": {"18-29": 0.25, "30-44": 0.30, "45-59": 0.27, "60+": 0.18},
     "ethnicity": {"kinh": 0.85, "other": 0.15}}

The same mapping is what a YAML or JSON margins file holds (optionally under a top-level ``margins`` key),
typically built from the provincial census (Tổng điều tra dân số và nhà ở).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
import yaml

from .raking import RakingError

Margins: TypeAlias = Mapping[str, Mapping[str, float]]

#: How far the shares of one margin may be from summing to 1.
SUM_TOLERANCE = 1e-6


def read_margins(path: str | Path) -> dict[str, dict[str, float]]:
    """Read population margins from a ``.yaml``/``.yml`` or ``.json`` file and check them.

    Parameters
    ----------
    path : str or Path
        File holding ``{variable: {category: share}}``, optionally under a top-level ``margins`` key.

    Returns
    -------
    dict
        ``{variable: {category: share}}`` with categories as strings and shares as floats.

    Raises
    ------
    ValueError
        If the suffix is not one of ``.yaml``, ``.yml``, ``.json``, or the content is not valid margins
        (see :func:`check_margins`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix in (".yaml", ".yml"):
        content = yaml.safe_load(text)
    elif suffix == ".json":
        content = json.loads(text)
    else:
        raise ValueError(f"path: margins file {path} must end in .yaml, .yml or .json, not {suffix!r}")
    if isinstance(content, Mapping) and "margins" in content:
        content = content["margins"]
    if not isinstance(content, Mapping):
        raise ValueError(f"{path}: expected a mapping {{variable: {{category: share}}}}")
    return check_margins(content)


def check_margins(margins: Margins) -> dict[str, dict[str, float]]:
    """Check that every margin is a non-empty mapping of categories to shares in [0, 1] summing to 1.

    Returns a plain copy with string categories and float shares.

    Raises
    ------
    ValueError
        Naming the margin (and category) that is wrong and what is expected.
    """
    if not isinstance(margins, Mapping) or not margins:
        raise ValueError("margins: give at least one margin, e.g. {'gender': {'male': 0.49, 'female': 0.51}}")
    checked: dict[str, dict[str, float]] = {}
    for variable, shares in margins.items():
        if not isinstance(shares, Mapping) or not shares:
            raise ValueError(f"margins[{variable!r}]: expected a non-empty mapping {{category: share}}")
        clean: dict[str, float] = {}
        for category, share in shares.items():
            try:
                value = float(share)
            except (TypeError, ValueError):
                raise ValueError(
                    f"margins[{variable!r}][{category!r}]: share must be a number, not {share!r}"
                ) from None
            if not (0.0 <= value <= 1.0) or math.isnan(value):
                raise ValueError(f"margins[{variable!r}][{category!r}]: share must be in [0, 1], not {value}")
            clean[str(category)] = value
        total = math.fsum(clean.values())
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise ValueError(
                f"margins[{variable!r}]: shares sum to {total:.10g}, not 1; "
                f"correct them so that they sum to 1 (within {SUM_TOLERANCE:g})"
            )
        checked[str(variable)] = clean
    return checked


def sample_codes(column: pd.Series, variable: str, shares: Mapping[str, float]) -> tuple[np.ndarray, list[str]]:
    """Codes (0, 1, ...) of the sample's categories in the order of ``shares``, after checking the sample.

    Raises
    ------
    ValueError
        If a respondent has no value, a sample value is not a category of the margin (or has share 0), or a
        category with a positive share has no respondent (an empty sample cell).
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    missing = int(np.count_nonzero(codes < 0))
    if missing:
        raise ValueError(
            f"margins[{variable!r}]: {missing} respondent(s) have no {variable}; "
            "drop or impute them before weighting"
        )
    categories = [c for c, s in shares.items() if s > 0]
    position = {c: i for i, c in enumerate(categories)}
    observed = [str(u) for u in uniques]
    unknown = sorted(set(observed) - set(categories))
    if unknown:
        raise RakingError(
            f"margins[{variable!r}]: sample values {unknown} have no positive population share; "
            f"allowed categories are {categories}", "unknown_category", variable, unknown,
        )
    empty = [c for c in categories if c not in set(observed)]
    if empty:
        raise RakingError(
            f"margins[{variable!r}]: categories {empty} have a population share but no respondent "
            "(empty sample cell); merge them with a neighbouring category", "empty_category", variable, empty,
        )
    lookup = np.array([position[u] for u in observed], dtype=np.intp)
    return lookup[codes], categories


#: Category given to respondents who did not state a weighting variable (see :func:`with_not_stated`).
NOT_STATED = "not_stated"


def with_not_stated(
    df: pd.DataFrame, margins: Margins, base_weight: np.ndarray | pd.Series | None = None, label: str = NOT_STATED
) -> tuple[pd.DataFrame, dict[str, dict[str, float]], dict[str, float]]:
    r"""Margins and sample with a "not stated" category for respondents who skipped a weighting variable.

    Demographic questions are optional, so some respondents have no gender or age group. Dropping them
    would lose their answers; imputing a value would invent one. Instead they form their own category whose
    population share is *estimated* from the sample (design-weighted), and the census shares of the stated
    categories are scaled to the rest:

    .. math:: \hat\pi_{\text{ns}} = \frac{\sum_{i \text{ not stated}} d_i}{\sum_i d_i}, \qquad
              \pi^*_c = (1 - \hat\pi_{\text{ns}})\, \pi_c,

    with :math:`d_i` the base (design) weights. Raking to these margins keeps every respondent, leaves the
    weight of those who did not answer unchanged in total, and rakes the others to the census
    distribution among those who stated a value (this assumes that stating or not is unrelated to the
    category, the usual "missing at random within the sample" assumption). R expresses the same thing by
    adding the category to ``population.margins`` of ``rake()``. Only margins with a missing value change.

    Returns
    -------
    tuple
        The frame with ``label`` filled in where a weighting variable is missing (a copy; the other columns
        unchanged), the augmented margins, and ``{variable: estimated not-stated share}`` for the variables
        that needed it (to be shown on the report).
    """
    checked = check_margins(margins)
    weights = np.ones(len(df)) if base_weight is None else np.asarray(base_weight, dtype=float)
    total = float(weights.sum())
    frame = df.copy()
    augmented: dict[str, dict[str, float]] = {}
    estimated: dict[str, float] = {}
    for variable, shares in checked.items():
        if variable not in frame.columns:
            raise RakingError(f"margins: no column {variable!r} in the data for margin {variable!r}",
                              "unknown_variable", variable)
        if label in shares:
            raise ValueError(f"margins[{variable!r}]: {label!r} is reserved for respondents without a value")
        missing = frame[variable].isna().to_numpy()
        if not missing.any():
            augmented[variable] = dict(shares)
            continue
        share = float(weights[missing].sum()) / total if total > 0 else 0.0
        column = frame[variable].astype(object)
        column[missing] = label
        frame[variable] = column
        augmented[variable] = {c: s * (1 - share) for c, s in shares.items()} | {label: share}
        estimated[variable] = share
    return frame, augmented, estimated
