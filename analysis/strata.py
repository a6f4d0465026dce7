"""Design strata of a campaign: each unit's respondents are a sample of the people that unit served.

Shared by the web reports and ``python -m analysis`` so that both compute the same standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    units = frame["unit_id"].to_numpy()
    codes, counts = np.unique(units, return_inverse=True, return_counts=True)[1:]
    single = counts[codes] == 1
    volume = pd.to_numeric(frame["service_volume"], errors="coerce").to_numpy(dtype=float)
    if np.count_nonzero(single) == 1:
        return np.zeros(len(frame), dtype=np.int64), np.full(len(frame), np.nan)
    stratum = np.where(single, -1, codes).astype(np.int64)
    return stratum, np.where(single, np.nan, volume)


def with_strata(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the :data:`STRATUM` and :data:`STRATUM_SIZE` columns of :func:`design_strata`."""
    stratum, size = design_strata(frame)
    return frame.assign(**{STRATUM: stratum, STRATUM_SIZE: size})
