"""The figures behind the plain-words verdicts: each group's rate against its target, and a unit against its
sector, the province and its previous campaign.

Every number here comes from :mod:`analysis` (the tables of :mod:`survey_app.reports.tables`, one more
:func:`analysis.satisfaction_rates` call for the province as a whole, and
:func:`analysis.additional_respondents` for the answers still needed); :mod:`survey_app.reports.verdict` turns
them into sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import additional_respondents

from ..levels import level_name
from ..models import Campaign
from ..questionnaire_registry import registry
from . import tables
from .dataset import campaign_data
from .table import SECTORS
from .verdict import Badge, Standing, badge, comparisons, figure, official_key

DEFAULT_RULE = "at_least"


def target_rule(questionnaire_id: Any = None, sector: Any = None) -> str:
    """The target's inequality of a unit's questionnaire, or of the first questionnaire of its sector."""
    forms = registry()
    if questionnaire_id is not None and str(questionnaire_id) in forms:
        return forms[str(questionnaire_id)].target_rule
    for form in forms.values():
        if form.sector == sector:
            return form.target_rule
    return DEFAULT_RULE


def row_standing(row: Mapping[Any, Any], **extra: Any) -> Standing | None:
    """The standing of one table row (unit, sector or district), ``None`` for a row without a target."""
    target = figure(row, "target")
    if target is None:
        return None
    rate = figure(row, "rate")
    withheld = row.get("withheld")
    if isinstance(withheld, str) and withheld:
        rate = None
    n = int(figure(row, "n") or 0)
    more = None
    volume = figure(row, "service_volume")
    served = int(volume) if volume and volume > 0 else None
    if rate is not None:
        more = additional_respondents(rate, target, n, figure(row, "n_eff"), served)
    return Standing(rate=rate, ci_low=figure(row, "ci_low"), ci_high=figure(row, "ci_high"), target=target,
                    rule=target_rule(row.get("questionnaire_id"), row.get("sector")), n=n,
                    settled=str(row.get("verdict") or "not_yet_known"), more_needed=more, served=served,
                    sector=str(row.get("sector") or ""), min_group=tables.MIN_GROUP, group=_group(row), **extra)


def row_badge(row: Mapping[Any, Any]) -> Badge | None:
    """The verdict badge of a table row (official verdict over certainty), ``None`` without figure or target."""
    standing = row_standing(row)
    return badge(standing) if standing is not None else None


def official_keys(frame: pd.DataFrame) -> list[str]:
    """Each row's official verdict ("meets", "below"; "not_yet_known" without a figure or target): the colour of
    its badge and of its chart bar, the same on every page, PDF and chart."""
    keys = []
    for row in frame.to_dict("records"):
        standing = row_standing(row)
        keys.append(official_key(standing) if standing is not None else "not_yet_known")
    return keys


def _group(row: Mapping[Any, Any]) -> str:
    if "unit_id" in row:
        return "unit"
    return "area" if "area" in row else "sector"


@dataclass(frozen=True)
class UnitStanding:
    """A unit's standing and the sentences a director reads at the top of its page."""

    standing: Standing | None
    comparisons: list[str]


def unit_standing(campaign: Campaign, unit_id: int) -> UnitStanding:
    """The unit against its target, its sector, the province and the previous campaign it took part in."""
    data = campaign_data(campaign.id)
    units = tables.unit_rates(data)
    mine = units.loc[units["unit_id"] == unit_id].to_dict("records")
    if not mine:
        return UnitStanding(None, [])
    row = mine[0]
    sectors = tables.sector_rates(data)
    sector_row = sectors.loc[sectors["sector"] == row["sector"]].to_dict("records")
    peer_rate, peer_level = _peers(data, units, row)
    previous = _previous(campaign, unit_id)
    standing = row_standing(
        row,
        sector_rate=peer_rate if peer_level else (_shown(sector_row[0]) if sector_row else None),
        peer_level=peer_level,
        province_rate=province_rate(campaign),
        previous_rate=_shown(previous) if previous else None,
        previous_name=str(previous["campaign"]) if previous else "",
    )
    if standing is None:
        return UnitStanding(None, [])
    return UnitStanding(standing, comparisons(standing, str(SECTORS.get(standing.sector, standing.sector))))


def _peers(data: Any, units: pd.DataFrame, row: Mapping[Any, Any]) -> tuple[float | None, str]:
    """The rate of the unit's sector at its level, and the level's name, when at least two units of that group
    have figures (a group of one would compare the unit with itself); otherwise ``(None, "")``."""
    level = row.get("level")
    if not isinstance(level, str) or not level:
        return None, ""
    group = units[(units["sector"] == row["sector"]) & (units["level"] == level)]
    if sum(_shown(r) is not None for r in group.to_dict("records")) < 2:
        return None, ""
    rates = tables.level_rates(data)
    found = rates[(rates["sector"] == row["sector"]) & (rates["level"] == level)].to_dict("records")
    rate = _shown(found[0]) if found else None
    return (rate, level_name(level)) if rate is not None else (None, "")


def province_rate(campaign: Campaign) -> float | None:
    """The volume-weighted rate of the whole province (every unit, every sector), ``None`` below the threshold."""
    data = campaign_data(campaign.id)
    if len(data.frame) == 0 or tables.ITEM not in data.frame.columns:
        return None
    return _shown(tables.whole_rate(data).iloc[0].to_dict())


def _previous(campaign: Campaign, unit_id: int) -> dict[Any, Any] | None:
    trend = tables.unit_trend(campaign, unit_id)
    if len(trend) < 2:
        return None
    earlier = trend.loc[trend["campaign_id"] != campaign.id]
    return earlier.iloc[-1].to_dict() if len(earlier) else None


def _shown(row: Mapping[Any, Any]) -> float | None:
    withheld = row.get("withheld")
    return None if isinstance(withheld, str) and withheld else figure(row, "rate")
