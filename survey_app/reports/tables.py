"""The tables of the reports, each one call of :mod:`analysis` on a campaign's frame, plus names for display.

No statistic is computed here: rates, intervals, verdicts and the small-cell rule (``min_n``) all come from
:func:`analysis.satisfaction_rates` and :func:`analysis.share_yes`. This module only chooses the grouping and the
weight, joins unit names, and orders rows. Every table keeps the ``withheld`` column of ``analysis``: a row with
a reason there has no figure, and the templates and exports show none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from analysis import satisfaction_rates, share_yes

from ..collation import sort_key
from ..models import Campaign
from .dataset import (
    COUNT,
    STRATUM,
    STRATUM_SIZE,
    WEIGHT,
    CampaignData,
    campaign_data,
    earlier_campaigns,
    sector_targets,
)

#: Smallest group whose figures, chart bars or comments are shown (the province's small-cell rule).
MIN_GROUP = 5
ITEM = "overall"
#: The ``scope`` of the whole-province row (:func:`province_rate`).
PROVINCE = "province"


def kept(table: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """A table of the campaign's data, worked out once per state of the campaign (the data object is kept
    per state) and shared by the province page, every unit page and the standings; each caller gets its own
    copy to change."""
    @functools.wraps(table)
    def once(data: CampaignData, *args: Any) -> pd.DataFrame:
        memo = data.__dict__.setdefault("_tables", {})
        key = (table.__name__, *args)
        if key not in memo:
            memo[key] = table(data, *args)
        return memo[key].copy()  # type: ignore[no-any-return]

    return once


def unit_rates(data: CampaignData, unit_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Design-weighted overall satisfaction per unit with 95 % CI, target, verdict and rank within the sector.

    All units of the campaign appear, those without enough answers with ``withheld`` set. The rates are
    computed on the whole campaign (weights and variance are those of the whole sample), then ``unit_ids``
    narrows the rows shown (an agency sees its own units only).
    """
    table = _all_unit_rates(data)
    if unit_ids is not None:
        table = table[table["unit_id"].isin(set(unit_ids))]
    return table.reset_index(drop=True)


@kept
def _all_unit_rates(data: CampaignData) -> pd.DataFrame:
    units = data.units
    rates = _rates(data, "unit_id", dict(zip(units["unit_id"], units["target"], strict=True)))
    table = units.merge(rates.drop(columns=["target"], errors="ignore"), on="unit_id", how="left")
    table = _fill_empty(table)
    ranked = table["rate"].notna()
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[ranked, "rank"] = (
        table.loc[ranked].groupby("sector")["rate"].rank(ascending=False, method="min").astype("int64")
    )
    return table


def sector_rates(data: CampaignData) -> pd.DataFrame:
    """Weighted overall satisfaction per sector against the sector's target."""
    return sector_rates_with(data, WEIGHT)


@kept
def sector_rates_with(data: CampaignData, weight: str) -> pd.DataFrame:
    """Overall satisfaction per sector with the given weight column (the reports' weight, or the design weight)."""
    sectors = pd.DataFrame({"sector": sorted(data.units["sector"].unique())})
    targets = sector_targets()
    sectors["target"] = sectors["sector"].map(targets)
    sectors["service_volume"] = sectors["sector"].map(_volumes(data.units, "sector"))
    rates = _rates(data, "sector", targets, weight)
    return _fill_empty(sectors.merge(rates.drop(columns=["target"], errors="ignore"), on="sector", how="left"))


@kept
def province_rate(data: CampaignData) -> pd.DataFrame:
    """The whole province's rate in one row (``scope`` = "province"): every unit counts for the people it served,
    as in the sector rates, on the whole sample of the campaign."""
    rates = _rates(data, "scope", {PROVINCE: float("nan")}, constant={"scope": PROVINCE})
    return _fill_empty(pd.DataFrame({"scope": [PROVINCE]}).merge(rates.drop(columns=["target"], errors="ignore"),
                                                                  on="scope", how="left"))


@kept
def whole_rate(data: CampaignData) -> pd.DataFrame:
    """The whole campaign's rate in one row, unstratified (the figure of the public page and of a unit's
    comparison with the province); see :func:`province_rate` for the stratified one of the tables."""
    if len(data.frame) == 0 or ITEM not in data.frame.columns:
        return pd.DataFrame()
    return estimate(data, ITEM, weight=WEIGHT, min_n=MIN_GROUP)[0]


@kept
def area_rates(data: CampaignData) -> pd.DataFrame:
    """Design-weighted overall satisfaction per area (a district before the 2025 reform) and sector (targets
    differ between sectors). Units without an area are left out; a campaign with none gives an empty table."""
    grouped = data.units[data.units["area"] != ""]
    pairs = grouped[["area", "sector"]].drop_duplicates().sort_values(["sector", "area"])
    targets = sector_targets()
    pairs["target"] = pairs["sector"].map(targets)
    goal = {(d, s): targets[s] for d, s in zip(pairs["area"], pairs["sector"], strict=True)}
    volumes = _volumes(grouped, ["area", "sector"])
    pairs["service_volume"] = [volumes.get(key, float("nan")) for key in zip(pairs["area"], pairs["sector"],
                                                                                strict=True)]
    rates = _rates(data, ["area", "sector"], goal)
    table = pairs.merge(rates.drop(columns=["target"], errors="ignore"), on=["area", "sector"], how="left")
    return _fill_empty(table).reset_index(drop=True)


@kept
def level_rates(data: CampaignData) -> pd.DataFrame:
    """Design-weighted overall satisfaction per sector and administrative level (provincial hospitals, commune
    health stations…): the peers a unit is compared with. Units without a level are left out."""
    levelled = data.units[data.units["level"].fillna("") != ""]
    pairs = levelled[["sector", "level"]].drop_duplicates().sort_values(["sector", "level"])
    targets = sector_targets()
    goal = {(s, v): targets[s] for s, v in zip(pairs["sector"], pairs["level"], strict=True)}
    rates = _rates(data, ["sector", "level"], goal)
    pairs = pairs.assign(target=pairs["sector"].map(targets))
    table = pairs.merge(rates.drop(columns=["target"], errors="ignore"), on=["sector", "level"], how="left")
    return _fill_empty(table).reset_index(drop=True)


def sector_trend(campaign: Campaign) -> pd.DataFrame:
    """Each sector's rate in this campaign and every earlier one (each campaign is its own sample)."""
    frames = []
    for earlier in earlier_campaigns(campaign):
        table = sector_rates(campaign_data(earlier.id))
        table.insert(0, "campaign", earlier.name)
        table.insert(0, "campaign_id", earlier.id)
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def unit_trend(campaign: Campaign, unit_id: int) -> pd.DataFrame:
    """One unit's rate in this campaign and every earlier campaign it took part in."""
    frames = []
    for earlier in earlier_campaigns(campaign):
        data = campaign_data(earlier.id)
        if unit_id not in set(data.units["unit_id"]):
            continue
        table = unit_rates(data, [unit_id])
        table.insert(0, "campaign", earlier.name)
        table.insert(0, "campaign_id", earlier.id)
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def sort_table(table: pd.DataFrame, sort: str | None, allowed: Iterable[str], default: str) -> tuple[pd.DataFrame, str]:
    """Rows ordered by ``?sort=column`` (``-column`` for descending); an unknown column falls back to default.

    Rows without a figure go last whichever the direction, so a ranking never starts with a withheld unit.
    """
    key = sort if sort and sort.lstrip("-") in set(allowed) else default
    column = key.lstrip("-")
    texts = column in table.columns and not pd.api.types.is_numeric_dtype(table[column])
    collate = (lambda values: values.map(sort_key)) if texts else None  # names in Vietnamese order
    ordered = table.sort_values(column, ascending=not key.startswith("-"), na_position="last", kind="stable",
                                key=collate)
    return ordered.reset_index(drop=True), key


def _volumes(units: pd.DataFrame, by: str | list[str]) -> dict:  # type: ignore[type-arg]
    """People served by each group of units in the period: the population of the group's finite-population
    correction. Unknown (NaN) when a unit of the group has no usable volume, since a partial sum would make the
    group look smaller than it is and the correction too strong."""
    volume = pd.to_numeric(units["service_volume"], errors="coerce")
    known = volume.where(volume > 0)
    totals = known.groupby([units[c] for c in ([by] if isinstance(by, str) else by)]).sum(min_count=1)
    complete = known.notna().groupby([units[c] for c in ([by] if isinstance(by, str) else by)]).all()
    return totals.where(complete).to_dict()


def _rates(data: CampaignData, by: str | list[str], target: dict,  # type: ignore[type-arg]
           weight: str = WEIGHT, constant: dict[str, str] | None = None) -> pd.DataFrame:
    """Rates of the groups (stratified by unit, with the finite population correction), and their respondents.

    ``respondents`` counts every response of the group; ``n`` the valid answers to the overall question.
    ``constant`` adds columns of one value (the whole province's ``scope``).
    """
    columns = [by] if isinstance(by, str) else list(by)
    if len(data.frame) == 0 or ITEM not in data.frame.columns:
        return pd.DataFrame(columns=columns)
    calibration = list(data.calibration) if weight == WEIGHT and data.calibration else None
    rates, source, counted = estimate(data, ITEM, weight=weight, by=by, target=target, min_n=MIN_GROUP,
                                      strata=STRATUM, fpc=STRATUM_SIZE, calibration=calibration,
                                      constant=constant)
    grouped = source.groupby(columns, observed=True)
    respondents = (grouped[counted].sum() if counted else grouped.size()).rename("respondents").reset_index()
    return rates.merge(respondents, on=columns, how="left")


def estimate(data: CampaignData, item: str, weight: str = WEIGHT, share: bool = False,
             constant: dict[str, str] | None = None, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """:func:`analysis.satisfaction_rates` (``share``: :func:`analysis.share_yes`) of the campaign's ``item``,
    with the frame it ran on and its frequency column.

    It runs on the campaign collapsed to one row per unit and answer (:meth:`CampaignData.cells`, a few
    hundred rows kept per state of the campaign, ``frequency`` = their counts) whenever that gives every
    figure: groups of whole units, weights constant within a unit. With raked weights (``calibration``) it
    runs on every response.
    """
    function = share_yes if share else satisfaction_rates
    cells = None if options.get("calibration") else data.cells(item, weight)
    source = data.frame if cells is None else cells
    if constant:
        source = source.assign(**constant)
    counted = None if cells is None else COUNT
    return function(source, item=item, weight=weight, frequency=counted, **options), source, counted


def _fill_empty(table: pd.DataFrame) -> pd.DataFrame:
    """Groups without any answer: n = 0, withheld, verdict "not yet known"."""
    for column in ("rate", "se", "ci_low", "ci_high", "n_eff", "unweighted_rate"):
        if column not in table.columns:
            table[column] = float("nan")
    table["n"] = table["n"].fillna(0).astype("int64") if "n" in table.columns else 0
    respondents = table["respondents"] if "respondents" in table.columns else pd.Series(0, index=table.index)
    table["respondents"] = respondents.fillna(0).astype("int64")
    withheld = table["withheld"] if "withheld" in table.columns else pd.Series(pd.NA, index=table.index)
    table["withheld"] = withheld.astype("string").mask(table["n"] < MIN_GROUP, f"fewer than {MIN_GROUP} respondents")
    verdict = table["verdict"] if "verdict" in table.columns else pd.Series(pd.NA, index=table.index)
    table["verdict"] = verdict.astype("string").fillna("not_yet_known")
    return table
