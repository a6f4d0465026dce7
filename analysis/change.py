r"""Change of a weighted rate between two campaigns, with its confidence interval and a plain verdict.

Two campaigns are independent samples (a new sample is drawn each time), so the variance of the difference
is the sum of the two variances (Lumley 2010, section 2.2; Kish 1965, section 12.4):

.. math:: \hat\Delta = \hat p_2 - \hat p_1, \qquad
          \widehat{SE}(\hat\Delta) = \sqrt{\widehat{SE}(\hat p_1)^2 + \widehat{SE}(\hat p_2)^2},

and the interval is :math:`\hat\Delta \pm z_{1-\alpha/2} \widehat{SE}`. In R this is the difference of two
``svymean``\ s, one per campaign design, with the variances added. The verdict is ``improved`` when the whole
interval lies above 0, ``worse`` when it lies below 0, and ``no_clear_change`` otherwise.

References
----------
Kish, L. (1965). *Survey Sampling*. Wiley.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .intervals import normal_quantile

#: Verdicts of a change between two campaigns.
IMPROVED, WORSE, NO_CLEAR_CHANGE = "improved", "worse", "no_clear_change"


def rate_change(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Change of each group's rate from the ``earlier`` to the ``later`` campaign.

    Parameters
    ----------
    earlier, later : DataFrame
        Results of :func:`analysis.estimates.satisfaction_rates` (or ``share_yes``) for each campaign, with
        the same ``by`` columns; each was computed on its own campaign's whole sample and weights.
    by : str, sequence of str or None
        The group columns of both tables (``None`` for one row per table).
    level : float
        Confidence level of the interval of the change.

    Returns
    -------
    DataFrame
        The ``by`` columns (groups of either campaign), ``rate_earlier, rate_later, change, se, ci_low,
        ci_high, verdict`` and ``reason`` (why a group has no verdict: absent or withheld in a campaign).
    """
    z = normal_quantile(level)
    columns = [] if by is None else ([by] if isinstance(by, str) else list(by))
    for name, table in (("earlier", earlier), ("later", later)):
        missing = [c for c in [*columns, "rate", "se"] if c not in table.columns]
        if missing:
            raise ValueError(f"{name}: the table has no columns {missing}; give results of satisfaction_rates")
    keep = [*columns, "rate", "se"]
    if columns:
        both = earlier[keep].merge(later[keep], on=columns, how="outer", suffixes=("_earlier", "_later"),
                                   indicator=True)
    else:
        both = pd.concat([earlier[keep].add_suffix("_earlier").reset_index(drop=True),
                          later[keep].add_suffix("_later").reset_index(drop=True)], axis=1)
        both["_merge"] = "both"
    change = both["rate_later"] - both["rate_earlier"]
    se = np.sqrt((both["se_earlier"] ** 2 + both["se_later"] ** 2).to_numpy(dtype=float))
    table = both[columns].copy()
    table["rate_earlier"] = both["rate_earlier"].to_numpy(dtype=float)
    table["rate_later"] = both["rate_later"].to_numpy(dtype=float)
    table["change"] = change.to_numpy(dtype=float)
    table["se"] = se
    table["ci_low"] = table["change"] - z * table["se"]
    table["ci_high"] = table["change"] + z * table["se"]
    known = table["ci_low"].notna()
    verdict = np.where(table["ci_low"] > 0, IMPROVED, np.where(table["ci_high"] < 0, WORSE, NO_CLEAR_CHANGE))
    verdict = verdict.astype(object)
    verdict[~known.to_numpy()] = None
    table["verdict"] = pd.array(verdict, dtype="string")
    side = both["_merge"].astype(str)
    reason = np.where(side == "left_only", "not surveyed in the later campaign",
                      np.where(side == "right_only", "not surveyed in the earlier campaign",
                               "no estimate in one of the campaigns (too few answers)"))
    reason = reason.astype(object)
    reason[known.to_numpy()] = None
    table["reason"] = pd.array(reason, dtype="string")
    return table
