"""The drivers' models of a campaign, kept while answers stream in and refreshed when they have grown enough.

The drivers' table (:func:`analysis.drivers.drivers`, one weighted logistic regression per sector with
design-based standard errors) was half of the province report's cost right after a new response: it was
refitted on the whole campaign for every response. One response among thousands cannot change which element
goes most with satisfaction, so each worker keeps the sector models it last fitted, with the number of
responses they were fitted on, and fits them again only when

* the campaign's revision changed (a response deleted or moderated, a volume corrected, the campaign closed,
  census margins saved: anything but new responses), or the weighting (design or raked) is no longer the same;
* or the campaign has grown by at least ``REPORTS_DRIVERS_REFRESH`` (a share, default 1 %) since the fit.

This is a product decision, not a statistical identity: between two fits the table is that of a slightly
smaller sample, and the report says on how many responses it was computed when that is not the current count
(:func:`findings.drivers_table`). Every other figure of the reports is exact for the current count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import pandas as pd
from flask import current_app

EXTENSION_KEY = "reports_drivers"
#: Growth of the campaign (a share of the responses the models were fitted on) that triggers a new fit.
DEFAULT_REFRESH = 0.01


@dataclass(frozen=True)
class Fitted:
    """The models of every sector (``None`` where a sector has no answers to model), fitted on ``responses``."""

    basis: Hashable
    responses: int
    models: dict[str, pd.DataFrame | None]


class FittedModels:
    """The worker's latest fit per campaign, shared by its threads."""

    def __init__(self) -> None:
        self._held: dict[int, Fitted] = {}
        self._lock = threading.Lock()
        self.fits = 0

    def get_or_fit(self, campaign_id: int, basis: Hashable, responses: int, refresh: float,
                   fit: Callable[[], dict[str, pd.DataFrame | None]]) -> Fitted:
        """The held fit when it has the same ``basis`` and the campaign grew by less than ``refresh`` since;
        otherwise ``fit()`` now, on ``responses``."""
        with self._lock:
            held = self._held.get(campaign_id)
        if held is not None and held.basis == basis and held.responses <= responses < held.responses * (1 + refresh):
            return held
        fitted = Fitted(basis, responses, fit())
        with self._lock:
            self._held[campaign_id] = fitted
            self.fits += 1
        return fitted

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


def fitted_models() -> FittedModels:
    """The current application's held fits (created on first use)."""
    found = current_app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = current_app.extensions[EXTENSION_KEY] = FittedModels()
    return found  # type: ignore[no-any-return]


def refresh_share() -> float:
    """Growth that triggers a new fit, from ``REPORTS_DRIVERS_REFRESH`` (0 refits on every new response)."""
    return float(current_app.config.get("REPORTS_DRIVERS_REFRESH", DEFAULT_REFRESH))
