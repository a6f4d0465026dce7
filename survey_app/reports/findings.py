"""Two readings of a campaign beyond its rates: the change since the previous campaign, and what goes with
overall satisfaction ("what to fix first").

Both are one :mod:`analysis` call each: :func:`analysis.change.rate_change` on the sector rates of the two
campaigns (independent samples, variances added), and :func:`analysis.drivers.drivers` per sector (weighted
logistic regression of "satisfied overall" on the element scores, design-based SEs). A driver is an
association in this campaign's answers, not a proof of cause; the report says so next to the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.change import IMPROVED, NO_CLEAR_CHANGE, WORSE, rate_change
from analysis.drivers import drivers

from .. import formats
from ..models import Campaign
from ..questionnaire_registry import registry
from .dataset import DESIGN_WEIGHT, STRATUM, WEIGHT, CampaignData, campaign_data, earlier_campaigns
from .drivers import fitted_models, refresh_share
from .table import Column, Table
from .tables import province_rate, sector_rates, sector_rates_with, unit_rates
from .unit_tables import DIMENSIONS

CHANGE_VERDICTS = {IMPROVED: _l("Improved"), WORSE: _l("Worse"), NO_CLEAR_CHANGE: _l("No clear change")}
CHANGE_COLUMNS = (
    Column("sector", _l("Sector"), "sector"),
    Column("rate_earlier", _l("Previous campaign"), "percent"),
    Column("rate_later", _l("This campaign"), "percent"),
    Column("points", _l("Change (percentage points)"), "number"),
    Column("ci_low", _l("%(level)s confidence interval", level=formats.lazy_percent(0.95)), "interval"),
    Column("change_verdict", _l("Verdict")),
)
UNIT_CHANGE_COLUMNS = (
    Column("campaign", _l("Compared with")),
    *(c for c in CHANGE_COLUMNS if c.key != "sector"),
)
DRIVER_COLUMNS = (
    Column("sector", _l("Sector"), "sector"),
    Column("rank", _l("Order"), "rank"),
    Column("element_name", _l("Element")),
    Column("odds_ratio", _l("Odds of being satisfied, per point more"), "number"),
    Column("note", _l("Note")),
)


def change_table(campaign: Campaign) -> Table | None:
    """Each sector's and the whole province's change since the campaign before this one (``None`` for a first
    campaign)."""
    previous = [c for c in earlier_campaigns(campaign) if c.id != campaign.id]
    if not previous:
        return None
    earlier_data, later_data = campaign_data(previous[-1].id), campaign_data(campaign.id)
    sectors = rate_change(_comparable(sector_rates(earlier_data)), _comparable(sector_rates(later_data)),
                          by="sector")
    whole = rate_change(_comparable(province_rate(earlier_data)), _comparable(province_rate(later_data)),
                        by="scope")
    whole = whole.drop(columns=["scope"]).assign(sector=str(_("Whole province")))
    return _change(pd.concat([sectors, whole], ignore_index=True), CHANGE_COLUMNS, previous[-1])


def unit_change_table(campaign: Campaign, unit_id: int) -> Table | None:
    """One unit's change since the last earlier campaign it took part in (``None`` when there is none).

    Each campaign's unit rate is estimated on that campaign's whole sample, as on the unit's own page then."""
    previous = [c for c in earlier_campaigns(campaign)
                if c.id != campaign.id and unit_id in set(campaign_data(c.id).units["unit_id"])]
    if not previous:
        return None
    earlier = _comparable(unit_rates(campaign_data(previous[-1].id), [unit_id]))
    later = _comparable(unit_rates(campaign_data(campaign.id), [unit_id]))
    table = rate_change(earlier, later, by="unit_id")
    return _change(table.assign(campaign=previous[-1].name), UNIT_CHANGE_COLUMNS, previous[-1])


def _comparable(rates: pd.DataFrame) -> pd.DataFrame:
    """A rate table with the figures of withheld groups blanked: a change is never computed from them."""
    withheld = rates["withheld"].notna().to_numpy() if "withheld" in rates.columns else np.zeros(len(rates), bool)
    return rates.assign(rate=rates["rate"].mask(withheld), se=rates["se"].mask(withheld))


def _change(table: pd.DataFrame, columns: tuple[Column, ...], previous: Campaign) -> Table:
    """The rows of :func:`analysis.change.rate_change` in the reader's words, under a caption naming the earlier
    campaign."""
    table["points"] = table["change"] * 100
    table["change_verdict"] = [str(CHANGE_VERDICTS[v]) if isinstance(v, str) else _("Not comparable")
                               for v in table["verdict"]]
    table["withheld"] = pd.array([None] * len(table), dtype="string")
    caption = _l("Since %(campaign)s. Each campaign is its own sample: the change is clear only when its whole "
                 "95%% confidence interval is above zero (improved) or below zero (worse).",
                 campaign=previous.name)
    return Table("change", _l("Change since last campaign"), columns, table, caption=caption)


def drivers_table(data: CampaignData) -> Table:
    """Per sector, the elements ranked by how strongly their score goes with being satisfied overall.

    The models are those held by the worker (:mod:`survey_app.reports.drivers`): refitted when the campaign's
    revision or weighting changes or its responses grow by ``REPORTS_DRIVERS_REFRESH``; the caption then says
    on how many responses they were fitted when that is not the current count.
    """
    basis = (data.key.revision, data.calibration, data.census_source, str(data.raking_problem))
    fitted = fitted_models().get_or_fit(data.campaign_id, basis, len(data.frame), refresh_share(),
                                        lambda: _sector_models(data))
    rows = []
    for sector, model in fitted.models.items():
        if model is None:
            rows.append({"sector": sector, "note": _("No answers yet.")})
            continue
        if model.empty:
            rows.append({"sector": sector, "note": _refusal(model.attrs["notes"][-1])})
            continue
        for record in model.to_dict("records"):
            rows.append({"sector": sector, "rank": record["rank"], "odds_ratio": record["odds_ratio"],
                         "or_low": np.exp(record["ci_low"]), "or_high": np.exp(record["ci_high"]),
                         "element_name": str(DIMENSIONS.get(record["element"], record["element"])),
                         "note": "" if record["ci_low"] > 0 else _("Not clearly associated")})
    table = pd.DataFrame(rows, columns=["sector", "rank", "element_name", "odds_ratio", "or_low", "or_high",
                                        "note"])
    table["rank"] = pd.array(table["rank"].to_numpy(dtype=float, na_value=np.nan), dtype="Float64").astype("Int64")
    table["withheld"] = pd.array([None] * len(table), dtype="string")
    caption = str(_("Elements whose score goes most with being satisfied overall come first (weighted logistic "
                    "regression of the overall answer on the element scores). This is an association in these "
                    "answers, not proof that improving an element would raise satisfaction."))
    if fitted.responses != len(data.frame):
        caption += " " + _("Computed on %(computed)s responses (the campaign now has %(current)s); computed again "
                           "once the responses have grown by %(share)s.", computed=formats.number(fitted.responses),
                           current=formats.number(len(data.frame)), share=formats.percent(refresh_share()))
    return Table("drivers", _l("What to fix first"), DRIVER_COLUMNS, table, caption=caption)


def _sector_models(data: CampaignData) -> dict[str, pd.DataFrame | None]:
    """:func:`analysis.drivers.drivers` of every sector of the campaign (``None``: nothing to model yet)."""
    forms = {form.sector: form for form in registry().values()}
    models: dict[str, pd.DataFrame | None] = {}
    frame = data.frame
    for sector in sorted(data.units["sector"].unique()):
        form = forms.get(sector)
        items = {i.id: i.dimension for i in form.items if i.is_satisfaction and i.dimension} if form else {}
        present = {item: element for item, element in items.items() if item in frame.columns}
        if not present or "overall" not in frame.columns or not (frame["sector"] == sector).any():
            models[sector] = None
            continue
        models[sector] = drivers(frame, present, weight=WEIGHT, strata=STRATUM,
                                 where=(frame["sector"] == sector).to_numpy())
    return models


def _refusal(note: str) -> str:
    """The reader's words for why no model is shown (the library's notes are in English)."""
    if note.startswith("too few answers"):
        return _("Too few answers to tell which element matters most.")
    if "same score for every respondent" in note:
        return _("An element got the same score from everyone, so it cannot be compared.")
    return _("One element separates satisfied from unsatisfied respondents perfectly; no model is shown.")


METHOD_COLUMNS = (
    Column("sector", _l("Sector"), "sector"),
    Column("rate_design", _l("Weighted by units' volumes"), "percent"),
    Column("se_design", _l("Its standard error (points)"), "number"),
    Column("rate_raked", _l("Also raked to the census"), "percent"),
    Column("se_raked", _l("Its standard error (points)"), "number"),
    Column("n", _l("Valid answers to the overall question"), "count"),
    Column("withheld", _l("Note"), "withheld"),
)


def weighting_caption(data: CampaignData) -> str:
    """How the figures are weighted, with the census source when they are raked."""
    if data.calibration:
        text = _("Weighted by the number of people each unit served, then raked to the census shares of %(variables)s "
                 "(source: %(source)s).", variables=", ".join(v.split("_on_")[-1] for v in data.calibration),
                 source=data.census_source)
        if data.not_stated:
            shares = ", ".join(f"{v} {share:.1%}" for v, share in data.not_stated.items())
            text += " " + _("Respondents who did not state a weighting variable form their own group, with its "
                            "share estimated from the sample (%(shares)s).", shares=shares)
        return text
    if data.raking_problem:
        return _("Census margins are set (source: %(source)s) but could not be used, so the figures are weighted by "
                 "units' volumes only: %(problem)s", source=data.census_source,
                 problem=raking_problem_text(data.raking_problem))
    return _("Weighted by the number of people each unit served; no census margins are set for this campaign.")


def raking_problem_text(error: ValueError) -> str:
    """Why raking failed, in the reader's language (:class:`analysis.raking.RakingError` says why in a word; the
    variable and category names are the margins' own codes, as in the weighting caption)."""
    reason = getattr(error, "reason", None)
    variable = getattr(error, "variable", None) or ""
    categories = ", ".join(getattr(error, "categories", ()))
    if reason == "empty_category":
        return _("no respondent is in the census categories %(categories)s of %(variable)s; merge them with a "
                 "neighbouring category in the margins.", categories=categories, variable=variable)
    if reason == "unknown_category":
        return _("respondents answered %(categories)s for %(variable)s, which the census margins do not have; add "
                 "these categories to the margins.", categories=categories, variable=variable)
    if reason == "unknown_variable":
        return _("no questionnaire of this campaign asks %(variable)s; remove this margin.", variable=variable)
    if reason == "not_converged":
        return _("the margins cannot all be met at once with these respondents (%(variable)s, category "
                 "%(categories)s stays off its share); merge sparse categories.", variable=variable,
                 categories=categories)
    if reason == "zero_weights":
        return _("a census category holds only respondents of units without a usable service volume; enter the "
                 "units' volumes.")
    return _("the margins do not fit this campaign's answers; check them against the questionnaires.")


def methods_table(data: CampaignData) -> Table | None:
    """Design-weighted and raked sector rates side by side (the methods appendix), when the data are raked."""
    if not data.calibration:
        return None
    design = sector_rates_with(data, DESIGN_WEIGHT)
    raked = sector_rates(data)
    table = raked[["sector", "n", "withheld"]].copy()
    table["rate_design"] = design["rate"].to_numpy()
    table["se_design"] = design["se"].to_numpy() * 100
    table["rate_raked"] = raked["rate"].to_numpy()
    table["se_raked"] = raked["se"].to_numpy() * 100
    caption = _l("The standard errors of the raked rates take the raking into account, as R's survey package "
                 "does for a raked design; both are stratified by unit with the finite population correction.")
    return Table("methods", _l("Methods: design-weighted and raked rates"), METHOD_COLUMNS, table, caption=caption)
