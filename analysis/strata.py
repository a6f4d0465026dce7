"""Design strata of a campaign: each unit's respondents are a sample of the people that unit served.

Shared by the web reports and ``python -m analysis`` so that both compute the same standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .grouping import factorize

#: Column names of the stratum and of its population size in a frame prepared by :func:`with_strata`.
STRATUM, STRATUM_SIZE = "design_stratum", "design_stratum_size"


def design_strata(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each response's stratum (its unit) and the stratum's population size (the unit's service volume).

    Every unit's respondents are a sample of the people it served, so the variance is computed within units
    with the finite population correction :math:`1 - n_u/N_u` (``analysis.satisfaction_rates(strata=...,
    fpc=...)``). A unit with a single respondent cannot show its own variability: such units are pooled into
    one stratum without correction (collapsed strata; Wolter 2007, section 2.5), and if there is only one such
    respondent the design is taken as unstratified (stratum 0 for all, no correction).
    """
    codes, units = factorize(frame["unit_id"])
    if np.any(codes < 0):
        raise ValueError(f"unit_id: {int(np.count_nonzero(codes < 0))} response(s) have no unit")
    volume = pd.to_numeric(frame["service_volume"], errors="coerce").to_numpy(dtype=float)
    strata = unit_strata(np.bincount(codes, minlength=len(units)))
    if strata is None:
        return rows_strata(strata, codes, volume)
    stratum = strata[codes]
    return stratum, np.where(stratum < 0, np.nan, volume)  # each row's own volume, as given


def unit_strata(respondents: np.ndarray) -> np.ndarray | None:
    """The stratum of each unit (by unit code) given its respondents: its own code, or -1 for the pooled units of
    a single respondent; ``None`` when the design is unstratified (a single such respondent). Works on counts
    per unit, so a frame that grew by a few responses needs only its counts updated (the reports' mirror)."""
    single = respondents == 1
    if np.count_nonzero(single) == 1:
        return None
    return np.where(single, -1, np.arange(len(respondents))).astype(np.int64)


def rows_strata(strata: np.ndarray | None, codes: np.ndarray,
                unit_volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's stratum and stratum size from :func:`unit_strata` and one volume per unit (``codes``: each
    row's unit code)."""
    if strata is None:
        return np.zeros(len(codes), dtype=np.int64), np.full(len(codes), np.nan)
    return strata[codes], np.where(strata < 0, np.nan, unit_volumes)[codes]  # one gather per column


def with_strata(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the :data:`STRATUM` and :data:`STRATUM_SIZE` columns of :func:`design_strata`."""
    stratum, size = design_strata(frame)
    return frame.assign(**{STRATUM: stratum, STRATUM_SIZE: size})
