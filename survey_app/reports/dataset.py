"""The data behind a campaign's reports: the tidy response frame with design weights, and the unit list.

Reading goes through :func:`analysis.data.read_database`, so the web reports and ``python -m analysis`` start
from the very same frame. The weight is :func:`analysis.design_weights` with each unit's service volume: a
unit that served 10 000 people counts for more of a sector's rate than one that served 300, whatever the
number of respondents each had. Inside one unit the weight is constant, so a unit's own rate is its plain
share of satisfied respondents.

A unit without a usable volume (none, or 0) gets weight 0: it is listed with a note and left out of the
weighted totals, instead of failing every report of the campaign. A unit whose volume is smaller than its
respondents counts each respondent once (weight 1), also with a note (``volume_notes``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis import design_weights, rake
from analysis.grouping import factorize
from analysis.margins import with_not_stated
from analysis.strata import design_strata

from ..collation import sort_key
from ..models import Campaign, CampaignUnit, Unit
from ..platform.extensions import db
from ..questionnaire_registry import registry
from ..revision import CampaignState
from .cache import fingerprint, report_cache
from .census import CensusMargins, load_margins, margins_path
from .mirror import mirrored

WEIGHT = "weight"
DESIGN_WEIGHT = "design_weight"
#: Prefix of the raking variables as raked on (with the "not stated" category filled in).
CALIBRATED = "raked_on_"
#: Columns of the stratified design of the reports: the unit, and its service volume for the FPC.
STRATUM, STRATUM_SIZE = "stratum", "stratum_size"
#: Respondents a row of :meth:`CampaignData.cells` stands for.
COUNT = "respondents_in_cell"
UNIT_COLUMNS = ("unit_id", "code", "name", "sector", "level", "area", "questionnaire_id", "service_volume",
                "target")


@dataclass(frozen=True)
class CampaignData:
    """One campaign's responses (``frame``, with a ``weight`` column) and its units (``units``, one row each)."""

    campaign_id: int
    frame: pd.DataFrame
    units: pd.DataFrame
    key: CampaignState
    volume_notes: Mapping[int, str] = field(default_factory=dict)
    #: The columns the weight was raked on (empty: design weights only), the census source and the share of
    #: respondents without a value per variable (their "not stated" category, see analysis.margins).
    calibration: tuple[str, ...] = ()
    census_source: str | None = None
    not_stated: Mapping[str, float] = field(default_factory=dict)
    #: Why the census margins could not be used (the reports then stay design-weighted), see
    #: :func:`.findings.raking_problem_text`.
    raking_problem: ValueError | None = None

    def unit(self, unit_id: int) -> pd.Series:
        return self.units.loc[self.units["unit_id"] == unit_id].iloc[0]

    def respondents(self, unit_id: int) -> int:
        """Number of responses of one unit (every response, whatever it answered)."""
        return self.unit_respondents.get(unit_id, 0)

    def unit_rows(self, unit_id: int) -> pd.DataFrame:
        """The responses of one unit: its own figures (shares, means, indices: no variance) are sums over
        them alone, the same as over the whole frame grouped by unit."""
        if not len(self.frame):
            return self.frame
        memo = self.__dict__.setdefault("_unit_rows", {})
        if unit_id not in memo:
            memo[unit_id] = self.frame.loc[self.frame["unit_id"].to_numpy() == unit_id]
        return memo[unit_id]  # type: ignore[no-any-return]

    def cells(self, item: str, weight: str = WEIGHT) -> pd.DataFrame | None:
        """The campaign collapsed to one row per unit and answer to ``item`` (missing included), with the
        unit's columns, ``weight`` and the number of respondents in :data:`COUNT`: the sufficient statistics
        of every rate grouped by units (unit, sector, area, level, province) with the design stratified by
        unit (:func:`analysis.satisfaction_rates` with ``frequency=COUNT`` gives the same figures as on the
        whole frame). ``None`` when the weight is not constant within each unit (raked weights): then only
        the whole frame will do. Kept per item on this state of the campaign.
        """
        memo = self.__dict__.setdefault("_cells", {})
        if (item, weight) not in memo:
            memo[item, weight] = _collapsed(self.frame, item, weight)
        return memo[item, weight]  # type: ignore[no-any-return]

    @cached_property
    def unit_respondents(self) -> dict[int, int]:
        """Responses per unit (units with at least one), counted once per state of the campaign."""
        if not len(self.frame):
            return {}
        counts = self.frame["unit_id"].value_counts(sort=False)
        return {int(unit): int(n) for unit, n in zip(counts.index.to_numpy(), counts.to_numpy(), strict=True)}


#: Columns constant within a unit that the rate tables group, stratify or weight by.
UNIT_LEVEL = ("unit_id", "sector", "area", "level", STRATUM, STRATUM_SIZE)


def _collapsed(frame: pd.DataFrame, item: str, weight: str) -> pd.DataFrame | None:
    """One row per (unit, answer) of ``frame`` with its :data:`COUNT` (see :meth:`CampaignData.cells`)."""
    if not len(frame) or item not in frame.columns or weight not in frame.columns:
        return None
    units, unit_keys = factorize(frame["unit_id"])
    first = np.empty(len(unit_keys), dtype=np.intp)
    first[units] = np.arange(len(frame))  # a row of each unit (its unit-level values are the same in every row)
    w = frame[weight].to_numpy(dtype=float, na_value=np.nan)
    level = [c for c in UNIT_LEVEL if c in frame.columns]
    for column in (weight, STRATUM, STRATUM_SIZE):
        if column in frame.columns:
            numbers = w if column == weight else frame[column].to_numpy(dtype=float, na_value=np.nan)
            same = numbers == numbers[first][units]
            if not np.all(same | (np.isnan(numbers) & np.isnan(numbers[first][units]))):
                return None
    answers, values = pd.factorize(frame[item], use_na_sentinel=True)
    width = len(values) + 1
    counts = np.bincount(units * width + answers + 1, minlength=len(unit_keys) * width)
    present = np.flatnonzero(counts)
    rows = first[present // width]
    out = frame[level].iloc[rows].reset_index(drop=True)
    out[weight] = w[rows]
    out[item] = values.take(present % width - 1, allow_fill=True).array
    out[COUNT] = counts[present]
    return out


def campaign_data(campaign_id: int) -> CampaignData:
    """The campaign's data, cached until a response arrives or anything that alters a report changes.

    The responses come from the worker's mirror of the campaign, which reads only the newer ones when it can.
    """
    key = fingerprint(campaign_id)
    path = margins_path(campaign_id)
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return report_cache().get_or_build(("data", campaign_id, key, stamp), lambda: _load(campaign_id, key))


def _load(campaign_id: int, key: CampaignState) -> CampaignData:
    # The units change only with a new revision (a unit joining, leaving, renamed, a volume corrected): kept
    # across new responses, which only raise the count received.
    units = report_cache().get_or_build(("units", campaign_id, key.revision), lambda: campaign_units(campaign_id))
    frame = mirrored(campaign_id, key).frame
    notes: dict[int, str] = {}
    if len(frame):
        frame = frame.copy(deep=False)  # new columns only: copy-on-write keeps the mirror's frame as it is
        weights = design_weights(frame, "service_volume", unusable="note")
        frame[WEIGHT] = weights.to_numpy()
        notes = {int(u): reason for u, reason in weights.attrs["volume_notes"].items()}
        frame[STRATUM], frame[STRATUM_SIZE] = design_strata(frame)
    else:
        frame = frame.assign(**{WEIGHT: pd.Series(dtype=float)})
    data = CampaignData(campaign_id, frame, units, key, notes)
    census = load_margins(campaign_id)
    return data if census is None or not len(frame) else _raked(data, census)


def _raked(data: CampaignData, census: CensusMargins) -> CampaignData:
    """The data with its weight raked to the census margins (design weights kept as ``design_weight``).

    Respondents who skipped a weighting question keep their place in a "not stated" category whose share is
    estimated from the design-weighted sample (:func:`analysis.margins.with_not_stated`). When raking is
    impossible (e.g. a census category without any respondent), the reports stay design-weighted and say why.
    """
    frame = data.frame
    try:
        filled, margins, estimated = with_not_stated(frame, census.margins, frame[WEIGHT])
        raked = rake(filled, margins, frame[WEIGHT])
    except ValueError as error:
        return replace(data, census_source=census.source, raking_problem=error)
    columns = {variable: f"{CALIBRATED}{variable}" for variable in margins}
    out = frame.assign(**{DESIGN_WEIGHT: frame[WEIGHT], WEIGHT: raked.to_numpy()}, **{  # type: ignore[arg-type]
        columns[v]: filled[v].astype(str).to_numpy() for v in margins})
    return replace(data, frame=out, calibration=tuple(columns.values()), census_source=census.source,
                   not_stated=estimated)


def campaign_units(campaign_id: int) -> pd.DataFrame:
    """Every unit of the campaign (also those without a response yet), with its questionnaire's target."""
    rows = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.sector, Unit.level, CampaignUnit.area,
               CampaignUnit.questionnaire_id, CampaignUnit.service_volume)
        .join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
        .where(CampaignUnit.campaign_id == campaign_id)
        .order_by(Unit.sector, Unit.name)
    ).all()
    units = pd.DataFrame(rows, columns=list(UNIT_COLUMNS[:-1]))
    units["target"] = [target_of(q, s) for q, s in zip(units["questionnaire_id"], units["sector"], strict=True)]
    # Vietnamese alphabetical order within a sector (SQL's order of names depends on the database).
    order = sorted(range(len(units)), key=lambda i: (units["sector"].iat[i], sort_key(units["name"].iat[i])))
    return units.iloc[order].reset_index(drop=True)


def target_of(questionnaire_id: str, sector: str) -> float:
    """The target rate of a unit's questionnaire (one-stop 90 %, health and education 80 %)."""
    forms = registry()
    if questionnaire_id in forms:
        return forms[questionnaire_id].target
    return sector_targets()[sector]


def sector_targets() -> dict[str, float]:
    """Target per sector, from the questionnaires served (the first questionnaire of a sector decides)."""
    targets: dict[str, float] = {}
    for form in registry().values():
        targets.setdefault(form.sector, form.target)
    return targets


def earlier_campaigns(campaign: Campaign) -> list[Campaign]:
    """This campaign and those that started before it, oldest first: the points of a trend line."""
    return list(db.session.scalars(
        select(Campaign).where(Campaign.starts_on <= campaign.starts_on).order_by(Campaign.starts_on, Campaign.id)
    ))
