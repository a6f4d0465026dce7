"""The data behind a campaign's reports: the tidy response frame with design weights, and the unit list.

Reading goes through :func:`analysis.data.read_database`, so the web reports and ``python -m analysis`` start
from the very same frame. The weight is :func:`analysis.design_weights` with each unit's service volume: a
unit that served 10 000 people counts for more of a sector's rate than one that served 300, whatever the
number of respondents each had. Inside one unit the weight is constant, so a unit's own rate is its plain
share of satisfied respondents.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from analysis import design_weights, read_database

from ..collation import sort_key
from ..extensions import db
from ..models import Campaign, CampaignUnit, Unit
from ..questionnaire_registry import registry
from .cache import fingerprint, report_cache

WEIGHT = "weight"
UNIT_COLUMNS = ("unit_id", "code", "name", "sector", "level", "district", "questionnaire_id", "service_volume",
                "target")


@dataclass(frozen=True)
class CampaignData:
    """One campaign's responses (``frame``, with a ``weight`` column) and its units (``units``, one row each)."""

    campaign_id: int
    frame: pd.DataFrame
    units: pd.DataFrame
    key: tuple[int, int, int]

    def unit(self, unit_id: int) -> pd.Series:
        return self.units.loc[self.units["unit_id"] == unit_id].iloc[0]

    def respondents(self, unit_id: int) -> int:
        """Number of responses of one unit (every response, whatever it answered)."""
        return int((self.frame["unit_id"] == unit_id).sum()) if len(self.frame) else 0


def campaign_data(campaign_id: int) -> CampaignData:
    """The campaign's data, cached until a response arrives or a service volume changes."""
    key = fingerprint(campaign_id)
    return report_cache().get_or_build(("data", campaign_id, key), lambda: _load(campaign_id, key))


def _load(campaign_id: int, key: tuple[int, int, int]) -> CampaignData:
    units = campaign_units(campaign_id)
    frame = read_database(db.engine, campaign_id, registry())
    if len(frame):
        frame = frame.copy()
        frame[WEIGHT] = design_weights(frame, "service_volume").to_numpy()
    else:
        frame = frame.assign(**{WEIGHT: pd.Series(dtype=float)})
    return CampaignData(campaign_id, frame, units, key)


def campaign_units(campaign_id: int) -> pd.DataFrame:
    """Every unit of the campaign (also those without a response yet), with its questionnaire's target."""
    rows = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.sector, Unit.level, Unit.district,
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
