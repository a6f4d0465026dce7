"""Collection progress of a campaign: responses per unit against its quota, by channel and by day.

A unit is *behind schedule* when it has fewer responses than its quota prorated to the share of the period
elapsed (days counted in the province's time zone, the first day included): a unit with a quota of 90 on day 30
of a 90-day campaign is expected to have at least 30. A unit without a quota is never behind.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..models import Campaign, CampaignUnit, Response
from ..platform.extensions import db


@dataclass(frozen=True)
class UnitProgress:
    unit_id: int
    code: str
    name: str
    quota: int | None
    kiosk: int
    qr: int
    expected: int | None

    @property
    def responses(self) -> int:
        return self.kiosk + self.qr

    @property
    def behind(self) -> bool:
        return self.expected is not None and self.responses < self.expected

    @property
    def share_of_quota(self) -> float | None:
        return self.responses / self.quota if self.quota else None


@dataclass(frozen=True)
class DayCount:
    day: date
    kiosk: int
    qr: int

    @property
    def total(self) -> int:
        return self.kiosk + self.qr


@dataclass(frozen=True)
class Progress:
    units: tuple[UnitProgress, ...]
    days: tuple[DayCount, ...]
    elapsed_share: float

    @property
    def totals(self) -> UnitProgress:
        quotas = [u.quota for u in self.units if u.quota is not None]
        expected = [u.expected for u in self.units if u.expected is not None]
        return UnitProgress(0, "", "", sum(quotas) if quotas else None, sum(u.kiosk for u in self.units),
                            sum(u.qr for u in self.units), sum(expected) if expected else None)

    @property
    def busiest_day(self) -> int:
        return max((d.total for d in self.days), default=0)


def elapsed_share(campaign: Campaign, today: date) -> float:
    """Share of the campaign's days that have begun by ``today`` (0 before the first day, 1 after the last)."""
    total = (campaign.ends_on - campaign.starts_on).days + 1
    begun = (min(today, campaign.ends_on) - campaign.starts_on).days + 1
    return min(max(begun, 0), total) / total


def campaign_progress(campaign: Campaign, links: Sequence[CampaignUnit], today: date) -> Progress:
    """Figures for the given units of the campaign (the ones the viewer may see); days are the stored local days."""
    rows = db.session.execute(
        select(Response.unit_id, Response.channel, Response.submitted_on)
        .where(Response.campaign_id == campaign.id, Response.unit_id.in_([link.unit_id for link in links]))
    ).all()
    by_unit: Counter[tuple[int, str]] = Counter()
    by_day: Counter[tuple[date, str]] = Counter()
    for unit_id, channel, submitted_on in rows:
        by_unit[unit_id, channel] += 1
        by_day[submitted_on, channel] += 1
    share = elapsed_share(campaign, today)
    units = tuple(
        UnitProgress(link.unit_id, link.unit.code, link.unit.name, link.quota, by_unit[link.unit_id, "kiosk"],
                     by_unit[link.unit_id, "qr"],
                     math.floor(link.quota * share + 1e-9) if link.quota is not None else None)
        for link in links
    )
    last = min(today, campaign.ends_on)
    count = max((last - campaign.starts_on).days + 1, 0)
    days = tuple(DayCount(day, by_day[day, "kiosk"], by_day[day, "qr"])
                 for day in (campaign.starts_on + timedelta(days=n) for n in range(count)))
    return Progress(units=units, days=days, elapsed_share=share)
