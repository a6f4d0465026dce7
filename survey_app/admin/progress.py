"""Collection progress of a campaign: responses per unit against its quota, by channel and by day.

A unit is *behind schedule* when it has fewer responses than its quota prorated to the share of the period
elapsed (days counted in the province's time zone, the first day included): a unit with a quota of 90 on day 30
of a 90-day campaign is expected to have at least 30. A unit without a quota is never behind.

A province may have hundreds of units and a campaign a year of days, and the page is refreshed every minute by
every official who keeps it open. So the figures are kept per campaign state (:mod:`survey_app.revision`): the
campaign's units with their quotas per revision, the figures per state, viewer's units and day — a view between
two changes only slices and renders them. The page shows :data:`PAGE_UNITS` units at a time and the days older
than :data:`RECENT_DAYS` summed per week.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from ..collation import sorted_by
from ..models import Campaign, CampaignUnit, Response, Unit
from ..platform.extensions import db
from ..reports.cache import report_cache
from ..reports.mirror import current_state
from ..reports.table import Page
from ..revision import CampaignState

EXTENSION_KEY = "progress_counts"
FIGURES_KEY = "progress_figures"
#: Units shown on one page of the progress table.
PAGE_UNITS = 50
#: Days shown one by one at the top of the days table; earlier days are summed per week.
RECENT_DAYS = 14


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
class Period:
    """Responses of the days ``first``..``last`` (a week, or one day when both are the same)."""

    first: date
    last: date
    kiosk: int
    qr: int

    @property
    def total(self) -> int:
        return self.kiosk + self.qr

    @property
    def single_day(self) -> bool:
        return self.first == self.last


@dataclass(frozen=True)
class Progress:
    units: tuple[UnitProgress, ...]
    days: tuple[DayCount, ...]
    elapsed_share: float

    def page(self, number: int | None, size: int = PAGE_UNITS) -> tuple[tuple[UnitProgress, ...], Page]:
        """The units of page ``number`` (1-based; out of range gives the nearest page) and where it lies."""
        total = len(self.units)
        count = max(1, -(-total // size))
        number = min(max(number or 1, 1), count)
        start = (number - 1) * size
        return self.units[start:start + size], Page(number, count, min(start + 1, total), min(start + size, total),
                                                    total)

    @functools.cached_property
    def periods(self) -> tuple[Period, ...]:
        """Newest first: the last :data:`RECENT_DAYS` days one by one, then the earlier days per week (Monday to
        Sunday; the campaign's first week may be shorter)."""
        recent = [Period(d.day, d.day, d.kiosk, d.qr) for d in reversed(self.days[-RECENT_DAYS:])]
        weeks: dict[date, list[DayCount]] = {}
        for d in self.days[:-RECENT_DAYS]:
            weeks.setdefault(d.day - timedelta(days=d.day.weekday()), []).append(d)
        earlier = [Period(group[0].day, group[-1].day, sum(d.kiosk for d in group), sum(d.qr for d in group))
                   for _monday, group in sorted(weeks.items(), reverse=True)]
        return (*recent, *earlier)

    def rendered(self, key: Hashable, render: Callable[[], str]) -> str:
        """The page part ``render`` gives, made once per ``key`` (page, language) for these figures: the figures
        are cached per campaign state, so a view between two changes does not format them again."""
        memo = self.__dict__.setdefault("_rendered", {})  # frozen dataclass: a memo beside its fields
        if key not in memo:
            memo[key] = render()
        return memo[key]  # type: ignore[no-any-return]

    @property
    def recent_days(self) -> int:
        """How many of :attr:`periods` are single days."""
        return min(len(self.days), RECENT_DAYS)

    @functools.cached_property
    def busiest_period(self) -> int:
        return max((p.total for p in self.periods), default=0)

    @functools.cached_property
    def totals(self) -> UnitProgress:
        quotas = [u.quota for u in self.units if u.quota is not None]
        expected = [u.expected for u in self.units if u.expected is not None]
        return UnitProgress(0, "", "", sum(quotas) if quotas else None, sum(u.kiosk for u in self.units),
                            sum(u.qr for u in self.units), sum(expected) if expected else None)


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


def campaign_counts(campaign_id: int, state: CampaignState | None = None) -> Counts:
    """The campaign's counts, kept per worker and brought up to date with the newer responses only.

    The same rule as the reports' mirror (:mod:`survey_app.reports.mirror`): the responses after the last id
    counted are added if their number is the rise of ``responses_received``; any other change (a new revision:
    a response deleted…) counts again, in SQL (``GROUP BY``), never row by row in Python.
    """
    state = current_state(campaign_id) if state is None else state
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


@dataclass(frozen=True)
class UnitLine:
    """A unit of the campaign as the progress table needs it."""

    unit_id: int
    code: str
    name: str
    quota: int | None


def campaign_lines(campaign_id: int, state: CampaignState) -> tuple[UnitLine, ...]:
    """The campaign's units by name, kept per revision: a unit joining or leaving, a quota changed or a unit
    renamed raise the revision (triggers of :mod:`survey_app.revision`), so the list is read once per change."""

    def read() -> tuple[UnitLine, ...]:
        rows = db.session.execute(select(Unit.id, Unit.code, Unit.name, CampaignUnit.quota)
                                  .join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                                  .where(CampaignUnit.campaign_id == campaign_id)).all()
        return tuple(sorted_by((UnitLine(*row) for row in rows), lambda line: line.name))

    return report_cache().get_or_build(("progress-units", campaign_id, state.revision), read)


def visible_progress(campaign: Campaign, allowed: frozenset[int] | None, today: date) -> Progress | None:
    """The figures of the units of ``campaign`` in ``allowed`` (``None``: all), kept per campaign state, viewer's
    units and day; ``None`` when none of the campaign's units is allowed.

    Only the latest figures of each (campaign, viewer's units) are kept, replaced when the state or the day moves:
    while answers stream in, every new response is a new state, and keeping the older ones in the reports' cache
    would push out the report tables for figures nobody will ask for again."""
    state = current_state(campaign.id)
    lines = campaign_lines(campaign.id, state)
    if allowed is not None:
        lines = tuple(line for line in lines if line.unit_id in allowed)
    if not lines:
        return None
    held: dict[tuple[int, frozenset[int] | None], tuple[CampaignState, date, Progress]]
    held = current_app.extensions.setdefault(FIGURES_KEY, {})
    found = held.get((campaign.id, allowed))
    if found is not None and found[:2] == (state, today):
        return found[2]
    figures = campaign_progress(campaign, lines, today, state)
    held[campaign.id, allowed] = (state, today, figures)
    return figures


def campaign_progress(campaign: Campaign, links: Sequence[CampaignUnit | UnitLine], today: date,
                      state: CampaignState | None = None) -> Progress:
    """Figures for the given units of the campaign (the ones the viewer may see) as of ``state`` (default: now);
    days are the stored local days."""
    counts = campaign_counts(campaign.id, state)
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
        UnitProgress(link.unit_id, _code(link), _name(link), link.quota, by_unit[link.unit_id, "kiosk"],
                     by_unit[link.unit_id, "qr"],
                     math.floor(link.quota * share + 1e-9) if link.quota is not None else None)
        for link in links
    )
    last = min(today, campaign.ends_on)
    count = max((last - campaign.starts_on).days + 1, 0)
    days = tuple(DayCount(day, by_day[day, "kiosk"], by_day[day, "qr"])
                 for day in (campaign.starts_on + timedelta(days=n) for n in range(count)))
    return Progress(units=units, days=days, elapsed_share=share)


def _code(link: CampaignUnit | UnitLine) -> str:
    return link.code if isinstance(link, UnitLine) else link.unit.code


def _name(link: CampaignUnit | UnitLine) -> str:
    return link.name if isinstance(link, UnitLine) else link.unit.name
