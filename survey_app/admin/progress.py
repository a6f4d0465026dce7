"""Collection progress of a campaign: responses per unit against its quota, by channel and by day.

A unit is *behind schedule* when it has fewer responses than its quota prorated to the share of the period
elapsed (days counted in the province's time zone, the first day included): a unit with a quota of 90 on day 30
of a 90-day campaign is expected to have at least 30. A unit without a quota is never behind.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from ..models import Campaign, CampaignUnit, Response
from ..platform.extensions import db
from ..reports.mirror import current_state
from ..revision import CampaignState

EXTENSION_KEY = "progress_counts"


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

    @functools.cached_property
    def totals(self) -> UnitProgress:
        quotas = [u.quota for u in self.units if u.quota is not None]
        expected = [u.expected for u in self.units if u.expected is not None]
        return UnitProgress(0, "", "", sum(quotas) if quotas else None, sum(u.kiosk for u in self.units),
                            sum(u.qr for u in self.units), sum(expected) if expected else None)

    @functools.cached_property  # the template asks for it once per day
    def busiest_day(self) -> int:
        return max((d.total for d in self.days), default=0)


def elapsed_share(campaign: Campaign, today: date) -> float:
    """Share of the campaign's days that have begun by ``today`` (0 before the first day, 1 after the last)."""
    total = (campaign.ends_on - campaign.starts_on).days + 1
    begun = (min(today, campaign.ends_on) - campaign.starts_on).days + 1
    return min(max(begun, 0), total) / total


@dataclass(frozen=True)
class Counts:
    """Responses of a campaign per (unit, channel) and per (unit, day, channel), as of ``state``."""

    state: CampaignState
    by_unit: Counter[tuple[int, str]]
    by_day: Counter[tuple[int, date, str]]
    per_day: Counter[tuple[date, str]]  # every unit together


def campaign_counts(campaign_id: int) -> Counts:
    """The campaign's counts, kept per worker and brought up to date with the newer responses only.

    The same rule as the reports' mirror (:mod:`survey_app.reports.mirror`): the responses after the last id
    counted are added if their number is the rise of ``responses_received``; any other change (a new revision:
    a response deleted…) counts again, in SQL (``GROUP BY``), never row by row in Python.
    """
    state = current_state(campaign_id)
    held: dict[int, Counts] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    counts = held.get(campaign_id)
    if counts is not None and counts.state == state:
        return counts
    if (counts is not None and counts.state.revision == state.revision and state.received > counts.state.received
            and state.last_id > counts.state.last_id):
        rows = db.session.execute(_grouped(campaign_id).where(Response.id > counts.state.last_id,
                                                              Response.id <= state.last_id)).all()
        if sum(int(row[3]) for row in rows) == state.received - counts.state.received:
            held[campaign_id] = _counted(state, rows, counts)
            return held[campaign_id]
    rows = db.session.execute(_grouped(campaign_id).where(Response.id <= state.last_id)).all()
    held[campaign_id] = _counted(state, rows)
    return held[campaign_id]


def _grouped(campaign_id: int) -> Select:  # type: ignore[type-arg]
    return (select(Response.unit_id, Response.channel, Response.submitted_on, func.count())
            .where(Response.campaign_id == campaign_id)
            .group_by(Response.unit_id, Response.channel, Response.submitted_on))


def _counted(state: CampaignState, rows: Sequence[Any], base: Counts | None = None) -> Counts:
    by_unit: Counter[tuple[int, str]] = Counter(base.by_unit if base else ())
    by_day: Counter[tuple[int, date, str]] = Counter(base.by_day if base else ())
    per_day: Counter[tuple[date, str]] = Counter(base.per_day if base else ())
    for unit_id, channel, submitted_on, number in rows:
        by_unit[unit_id, channel] += number
        by_day[unit_id, submitted_on, channel] += number
        per_day[submitted_on, channel] += number
    return Counts(state, by_unit, by_day, per_day)


def campaign_progress(campaign: Campaign, links: Sequence[CampaignUnit], today: date) -> Progress:
    """Figures for the given units of the campaign (the ones the viewer may see); days are the stored local days."""
    counts = campaign_counts(campaign.id)
    wanted = {link.unit_id for link in links}
    by_unit = counts.by_unit
    by_day = counts.per_day
    if not wanted >= {unit_id for unit_id, _channel in by_unit}:  # an agency: its own units' days only
        by_day = Counter()
        for (unit_id, day, channel), number in counts.by_day.items():
            if unit_id in wanted:
                by_day[day, channel] += number
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
