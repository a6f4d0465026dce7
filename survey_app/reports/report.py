"""What a province report and a unit report contain: the tables, in the order the page, the PDF and the
exports show them. Each table is a frame from :mod:`survey_app.reports.tables` (one :mod:`analysis` call)
wrapped in a :class:`~survey_app.reports.table.Table` that says how to show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .. import formats
from ..models import Campaign
from ..questionnaire_registry import registry
from . import findings, tables, topics
from .cache import fingerprint, report_cache
from .comments import Comment, unit_comments
from .dataset import campaign_data, earlier_campaigns
from .paging import rating_label, topic_counts
from .table import Column, Table
from .unit_tables import dimension_table, item_table, share_table

RATE_COLUMNS = (
    Column("rate", _l("Satisfaction rate"), "percent", True),
    Column("ci_low", _l("%(level)s confidence interval", level=formats.lazy_percent(0.95)), "interval", True),
    Column("target", _l("Target"), "percent"),
    Column("verdict", _l("Verdict"), "verdict", True),
    Column("respondents", _l("Respondents"), "count", True),
    Column("n", _l("Valid answers to the overall question"), "count", True),
    Column("withheld", _l("Note"), "withheld"),
)
UNIT_SORT_DEFAULT = "-rate"
METHOD_PROVINCE = _l("Weighted by the number of people each unit served.")
METHOD_UNIT = _l("The rate is the share of the unit's respondents who were satisfied or very satisfied.")


@dataclass(frozen=True)
class ProvinceReport:
    """A campaign seen from the province; for an agency user only ``units`` (its own), the rest ``None``."""

    campaign: Campaign
    units: Table
    sectors: Table | None
    areas: Table | None
    trend: Table | None
    change: Table | None = None
    drivers: Table | None = None
    methods: Table | None = None
    topics: Table | None = None

    def tables(self) -> dict[str, Table]:
        found = (self.sectors, self.units, self.areas, self.trend, self.change, self.drivers, self.methods,
                 self.topics)
        return {t.name: t for t in found if t is not None}


@dataclass(frozen=True)
class UnitReport:
    """One unit in one campaign; ``respondents`` decides whether comments may be shown."""

    campaign: Campaign
    unit: dict[Any, Any]
    respondents: int
    summary: Table
    dimensions: Table
    items: Table
    shares: Table
    trend: Table
    comments: list[Comment]
    change: Table | None = None
    topics: Table | None = None

    def tables(self) -> dict[str, Table]:
        listed = (self.summary, self.change, self.dimensions, self.items, self.shares, self.trend,
                  self.topics, self.comment_table())
        return {t.name: t for t in listed if t is not None}

    def comment_table(self) -> Table:
        visible = [c for c in self.comments if not c.hidden]
        frame = pd.DataFrame({
            "comment": pd.Series([c.text for c in visible], dtype="string"),
            "day": pd.Series([formats.date(c.day) if c.day else "" for c in visible], dtype="string"),
            "rating": pd.Series([rating_label(c.rating) or "" for c in visible], dtype="string")})
        return Table("comments", _l("Comments"), (Column("comment", _l("Comment")), Column("day", _l("Day")),
                                                  Column("rating", _l("Overall rating"))), frame)


def data_key(campaign: Campaign) -> tuple[object, ...]:
    """What a report of the campaign depends on: its state and that of every earlier campaign (trend, change).

    A few indexed queries; the cached tables of a report are reused as long as it is the same.
    """
    return tuple((c.id, fingerprint(c.id)) for c in earlier_campaigns(campaign))


def province_report(campaign: Campaign, unit_ids: Iterable[int] | None = None,
                    sort: str | None = None) -> ProvinceReport:
    """The province view; ``unit_ids`` (an agency's units) narrows it to those units' own rows, without rank.

    Cached until the data of this campaign or an earlier one changes (see :mod:`survey_app.reports.cache`).
    """
    wanted = tuple(sorted(unit_ids)) if unit_ids is not None else None
    # The locale is part of the key: captions and notes are sentences in the reader's language.
    key = ("province report", campaign.id, wanted, sort, str(get_locale()), data_key(campaign))
    built = report_cache().get_or_build(key, lambda: _province_report(campaign, wanted, sort))
    # The tables are shared; the campaign is this request's, and the topics are counted now (staff tag comments
    # without changing the campaign's state).
    found = topics.table(topics.campaign_counts(campaign.id)) if wanted is None else None
    return replace(built, campaign=campaign, topics=found)


def _province_report(campaign: Campaign, unit_ids: Iterable[int] | None, sort: str | None) -> ProvinceReport:
    data = campaign_data(campaign.id)
    grouped = bool((data.units["area"] != "").any())  # no area column for a campaign whose units have none
    columns = [Column("name", _l("Unit"), "unit", True), Column("sector", _l("Sector"), "sector", True),
               *([Column("area", _l("Area"), "text", True)] if grouped else []), *RATE_COLUMNS]
    if unit_ids is None:  # a rank compares with other units' results: the province's view only
        columns.insert(3 if grouped else 2, Column("rank", _l("Rank in sector"), "rank", True))
    unit_frame, sort_key = tables.sort_table(tables.unit_rates(data, unit_ids), sort,
                                             [c.key for c in columns if c.sortable], UNIT_SORT_DEFAULT)
    units = Table("units", _l("Units"), tuple(columns), unit_frame, sort=sort_key)
    if unit_ids is not None:
        return ProvinceReport(campaign, units, None, None, None)
    sectors = Table("sectors", _l("Sectors"), (Column("sector", _l("Sector"), "sector"), *RATE_COLUMNS),
                    tables.sector_rates(data), caption=findings.weighting_caption(data))
    by_area = tables.area_rates(data)  # empty for a campaign whose units have no grouping (two tiers, no areas)
    areas = Table("areas", _l("Areas"), (Column("area", _l("Area")), Column("sector", _l("Sector"), "sector"),
                                         *RATE_COLUMNS), by_area) if len(by_area) else None
    trend = Table("trend", _l("Trend"), (Column("campaign", _l("Campaign")), Column("sector", _l("Sector"), "sector"),
                                        *RATE_COLUMNS), tables.sector_trend(campaign))
    return ProvinceReport(campaign, units, sectors, areas, trend, findings.change_table(campaign),
                          findings.drivers_table(data), findings.methods_table(data))


def unit_report(campaign: Campaign, unit_id: int, include_hidden: bool = False) -> UnitReport:
    """The unit view; ``include_hidden`` lists moderated comments too (for the province administrator); payment
    mentions follow :func:`~survey_app.reports.comments.withholds_payment` for the current reader.

    The tables are cached as the province's (:func:`province_report`); the comments and their topics are read
    each time (they depend on the reader and on staff's tags, which no response count follows).
    """
    key = ("unit report", campaign.id, unit_id, str(get_locale()), data_key(campaign))
    built = report_cache().get_or_build(key, lambda: _unit_report(campaign, unit_id))
    comments = unit_comments(campaign.id, unit_id, str(built.unit["questionnaire_id"]), built.respondents,
                             include_hidden)
    topic_table = topics.table(topic_counts(comments)) if built.respondents >= tables.MIN_GROUP else None
    return replace(built, campaign=campaign, comments=comments, topics=topic_table)


def _unit_report(campaign: Campaign, unit_id: int) -> UnitReport:
    data = campaign_data(campaign.id)
    unit = data.unit(unit_id).to_dict()
    form = registry().get(str(unit["questionnaire_id"]))
    respondents = data.respondents(unit_id)
    summary = Table("summary", _l("Overall satisfaction"), RATE_COLUMNS, tables.unit_rates(data, [unit_id]))
    trend = Table("trend", _l("Trend"), (Column("campaign", _l("Campaign")), *RATE_COLUMNS),
                  tables.unit_trend(campaign, unit_id))
    return UnitReport(campaign, unit, respondents, summary, dimension_table(data, unit_id, form),
                      item_table(data, unit_id, form), share_table(data, unit_id, form), trend, [],
                      findings.unit_change_table(campaign, unit_id))

