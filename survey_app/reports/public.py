"""The figures of the public results page (:mod:`survey_app.results`): what a citizen may read of a campaign.

The same tables as the staff reports (so the same numbers and the same small-cell rule), reduced to what is
made public: the province's rate, each sector's and each unit's rate against its target with the verdict
sentences, and the change of each sector since the previous campaign. A group with fewer than 5 respondents
is left out entirely (not even its name with an empty cell), and comments are never part of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.change import rate_change

from ..collation import sort_key
from ..models import Campaign
from ..platform.extensions import db
from . import tables
from .dataset import campaign_data
from .findings import CHANGE_VERDICTS
from .standing import row_standing
from .table import SECTORS, missing
from .unit_tables import official_indices
from .verdict import Standing, change, figure


@dataclass(frozen=True)
class PublicRow:
    """One sector or unit as the public page shows it."""

    name: str
    sector: str
    standing: Standing
    change: str = ""


@dataclass(frozen=True)
class PublicIndex:
    name: str
    sector: str
    sipas: float | None
    health_overall: float | None
    health_comprehensive: float | None


@dataclass(frozen=True)
class PublicResults:
    campaign: Campaign
    respondents: int
    province_rate: float | None
    province_low: float | None
    province_high: float | None
    sectors: list[PublicRow]
    units: list[PublicRow]
    previous: Campaign | None
    #: The ministries' indices of the one-stop shops and health units with 5 respondents or more
    #: (:func:`.unit_tables.official_indices`): one row each, ``None`` where an index does not apply.
    indices: list[PublicIndex] = field(default_factory=list)
    indices_note: str = ""


def public_results(campaign: Campaign) -> PublicResults:
    data = campaign_data(campaign.id)
    previous = db.session.scalars(
        select(Campaign).where(Campaign.starts_on < campaign.starts_on, Campaign.published_on.is_not(None))
        .order_by(Campaign.starts_on.desc()).limit(1)).first()
    before, clear = {}, {}
    now = tables.sector_rates(data)
    if previous is not None:
        earlier_table = tables.sector_rates(campaign_data(previous.id))
        before = {r["sector"]: r for r in earlier_table.to_dict("records")}
        # Whether each change is clear (its 95 % interval excludes zero), as in the province report.
        verdicts = rate_change(earlier_table, now, by="sector")
        clear = {r["sector"]: r["verdict"] for r in verdicts.to_dict("records") if isinstance(r["verdict"], str)}
    order = list(SECTORS)
    sectors = []
    for row in sorted(now.to_dict("records"),
                      key=lambda r: order.index(r["sector"]) if r["sector"] in order else len(order)):
        standing = row_standing(row)
        if standing is None or standing.rate is None:
            continue
        earlier = before.get(row["sector"])
        earlier_rate = _shown_rate(earlier) if earlier else None
        sentence = change(standing.rate, earlier_rate, previous.name) if earlier_rate is not None and previous else ""
        if sentence and row["sector"] in clear:
            sentence = f"{sentence} {CHANGE_VERDICTS[clear[row['sector']]]}."
        sectors.append(PublicRow(str(SECTORS.get(row["sector"], row["sector"])), row["sector"], standing, sentence))
    units = []
    for row in tables.unit_rates(data).to_dict("records"):
        standing = row_standing(row)
        if standing is not None and standing.rate is not None:
            units.append(PublicRow(str(row["name"]), str(row["sector"]), standing))
    units.sort(key=lambda r: (order.index(r.sector) if r.sector in order else len(order), sort_key(r.name)))
    rate = low = high = None
    if len(data.frame) and tables.ITEM in data.frame.columns:
        whole = tables.whole_rate(data)
        first = whole.iloc[0].to_dict()
        if not _withheld(first):
            rate, low, high = figure(first, "rate"), figure(first, "ci_low"), figure(first, "ci_high")
    found = official_indices(data)
    indices = [PublicIndex(str(r["name"]), str(r["sector"]),
                           *(None if missing(r[key]) else float(r[key])
                             for key in ("sipas_index", "health_overall", "health_comprehensive")))
               for r in found.frame.to_dict("records")]
    return PublicResults(campaign, len(data.frame), rate, low, high, sectors, units, previous, indices,
                         str(found.caption))



def _withheld(row: dict) -> bool:  # type: ignore[type-arg]
    reason = row.get("withheld")
    return isinstance(reason, str) and bool(reason)


def _shown_rate(row: dict) -> float | None:  # type: ignore[type-arg]
    return None if _withheld(row) else figure(row, "rate")
