"""The tables of one unit's report beyond its overall rate: dimensions, Likert items, yes/no questions.

As everywhere in the reports, each figure comes from one :mod:`analysis` call on the whole campaign's frame,
grouped by unit, of which the unit's row is kept; groups of fewer than five answers are withheld by
``analysis`` itself (``min_n``). Question texts are English in the questionnaire and translated here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis import dimension_scores, health_satisfaction, likert_distribution, sipas_index
from questionnaires.model import LIKERT_LABELS, Questionnaire

from .. import formats
from ..questionnaire_registry import registry
from .dataset import WEIGHT, CampaignData
from .table import Column, Table
from .tables import MIN_GROUP, estimate

#: Names of the dimension codes the shipped questionnaires use (SIPAS elements; health and education topics).
DIMENSIONS = {
    "access": _l("Access to the service"), "procedures": _l("Procedures"), "staff": _l("Staff"),
    "results": _l("Results"), "feedback": _l("Comments and complaints"), "transparency": _l("Information and waiting"),
    "facilities": _l("Facilities"), "environment": _l("School environment"), "teaching": _l("Teaching"),
    "teacher_attitude": _l("Teachers' attitude"), "contact": _l("Contact with the family"),
}
#: Names that depend on the sector, where one word would be wrong for another sector's people.
SECTOR_DIMENSIONS = {
    ("one_stop", "staff"): _l("Civil servants handling the file"),
    ("health", "staff"): _l("Doctors, nurses and other staff"),
    ("education", "staff"): _l("Teachers and school staff"),
}
LIKERT_KEYS = tuple(f"answer_{value}" for value, _text in LIKERT_LABELS)
DIMENSION_COLUMNS = (
    Column("dimension", _l("Dimension")),
    Column("share_satisfied", _l("Satisfied answers"), "percent"),
    Column("mean_score", _l("Mean score (1 to 5)"), "number"),
    Column("index", _l("Index (0 to 10)"), "number"),
    Column("respondents", _l("Respondents"), "count"),
    Column("withheld", _l("Note"), "withheld"),
)
ITEM_COLUMNS = (
    Column("question", _l("Question")),
    *(Column(key, _l(text), "percent") for key, (_value, text) in zip(LIKERT_KEYS, LIKERT_LABELS, strict=True)),
    Column("n", _l("Answers"), "count"),
    Column("withheld", _l("Note"), "withheld"),
)
SHARE_COLUMNS = (
    Column("question", _l("Question")),
    Column("rate", _l("Answered yes"), "percent"),
    Column("ci_low", _l("%(level)s confidence interval", level=formats.lazy_percent(0.95)), "interval"),
    Column("n", _l("Answers"), "count"),
    Column("withheld", _l("Note"), "withheld"),
)


def share_table(data: CampaignData, unit_id: int, form: Questionnaire | None) -> Table:
    """Share answering "yes" to each yes/no question of the unit's questionnaire (informal payments, extra
    tutoring, results on time…), one :func:`analysis.share_yes` call per question."""
    rows = []
    for item in form.items if form else ():
        if item.type != "yes_no":
            continue
        row = _unit_row(data, unit_id, item.id)
        row["question"] = _(item.text)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["question", "rate", "ci_low", "ci_high", "n", "withheld"])
    return Table("shares", _l("Yes/no questions"), SHARE_COLUMNS, frame)


def _unit_row(data: CampaignData, unit_id: int, item_id: str) -> dict[Any, object]:
    empty: dict[str, object] = {"rate": None, "ci_low": None, "ci_high": None, "n": 0,
                                "withheld": f"fewer than {MIN_GROUP} respondents"}
    if item_id not in data.frame.columns or not len(data.frame):
        return empty
    table = estimate(data, item_id, weight=WEIGHT, share=True, by="unit_id", min_n=MIN_GROUP)[0]
    found = table.loc[table["unit_id"] == unit_id]
    if found.empty:
        return empty
    return found.iloc[0][["rate", "ci_low", "ci_high", "n", "withheld"]].to_dict()



def dimension_table(data: CampaignData, unit_id: int, form: Questionnaire | None) -> Table:
    """Share satisfied, mean score and 0-10 index per dimension (SIPAS elements for one-stop shops), from
    :func:`analysis.indices.dimension_scores`; a dimension answered by fewer than five respondents is withheld."""
    mapping = _dimension_items(data, form)
    columns = ["dimension", "share_satisfied", "mean_score", "index", "respondents", "withheld"]
    if not mapping or not len(data.frame):
        return Table("dimensions", _l("Dimensions"), DIMENSION_COLUMNS, pd.DataFrame(columns=columns))
    rows = data.unit_rows(unit_id)  # a unit's scores are sums over its own responses
    scores = dimension_scores(rows, mapping, weight=WEIGHT, by="unit_id")
    scores = scores.loc[scores["unit_id"] == unit_id].reset_index(drop=True)
    scores["respondents"] = [
        int(rows[[i for i, d in mapping.items() if d == dimension]].notna().any(axis=1).sum())
        for dimension in scores["dimension"]
    ]
    scores["withheld"] = _withheld(scores["respondents"])
    scores["dimension"] = [dimension_label(d, form.sector if form else "") for d in scores["dimension"]]
    caption = official_index(data, unit_id, mapping, form.sector if form else "", int(rows.shape[0]))
    return Table("dimensions", _l("Dimensions"), DIMENSION_COLUMNS, scores[columns], caption=caption)


def official_index(data: CampaignData, unit_id: int, mapping: dict[str, str], sector: str,
                   respondents: int) -> str | None:
    """The ministry's index of the unit's sector, with its source, under the dimensions table.

    One-stop shops: the SIPAS index (Bộ Nội vụ, QĐ 2640/QĐ-BNV 2017, QĐ 1001/QĐ-BNV 2023) as
    :func:`analysis.sipas_index` reads it; health: the Ministry of Health's overall and comprehensive
    satisfaction rates (QĐ 3869/QĐ-BYT 2019, :func:`analysis.health_satisfaction`). None for other sectors, and
    for a unit of fewer than five respondents (withheld like every figure of the unit).
    """
    if respondents < MIN_GROUP or not mapping:
        return None
    if sector == "one_stop":
        table = sipas_index(data.unit_rows(unit_id), mapping, weight=WEIGHT, by="unit_id")
        value = table.loc[table["unit_id"] == unit_id, "sipas_index"]
        if value.empty or pd.isna(value.iloc[0]):
            return None
        return _("SIPAS index: %(value)s (share satisfied per question, averaged within each element, then over the "
                 "elements; our reading of the Ministry of Home Affairs' method, QĐ 2640/QĐ-BNV and QĐ "
                 "1001/QĐ-BNV, whose formula text we could not consult).", value=formats.percent(value.iloc[0]))
    if sector == "health":
        table = health_satisfaction(data.unit_rows(unit_id), mapping, weight=WEIGHT, by="unit_id")
        row = table.loc[table["unit_id"] == unit_id]
        if row.empty or pd.isna(row["satisfaction_rate"].iloc[0]):
            return None
        return _("Ministry of Health index (QĐ 3869/QĐ-BYT): overall satisfaction %(overall)s (answers 4 or 5 over "
                 "all answers to the questions above), comprehensive satisfaction %(comprehensive)s (patients who "
                 "answered 4 or 5 to every question).", overall=formats.percent(row["satisfaction_rate"].iloc[0]),
                 comprehensive=formats.percent(row["comprehensive_rate"].iloc[0]))
    return None


def item_table(data: CampaignData, unit_id: int, form: Questionnaire | None) -> Table:
    """Share of each answer, from very dissatisfied to very satisfied, for each Likert question of the unit
    (:func:`analysis.indices.likert_distribution`); a question with fewer than five answers is withheld."""
    items = [item for item in (form.items if form else ()) if item.is_satisfaction and item.id in data.frame.columns]
    rows = data.unit_rows(unit_id)
    columns = ["item", "question", *LIKERT_KEYS, "n", "withheld"]
    if not items:
        return Table("items", _l("Questions"), ITEM_COLUMNS, pd.DataFrame(columns=columns))
    shares = likert_distribution(rows, [item.id for item in items], weight=WEIGHT)
    shares.columns = [*LIKERT_KEYS, "n"]
    table = shares.reset_index()
    table["question"] = [_(item.text) for item in items]
    table["withheld"] = _withheld(table["n"])
    return Table("items", _l("Questions"), ITEM_COLUMNS, table[columns])


def dimension_label(code: str, sector: str = "") -> str:
    """The translated name of a dimension code (questionnaires name dimensions by code only), in the words of
    the unit's sector: a hospital's staff are doctors and nurses, not civil servants (công chức)."""
    label = SECTOR_DIMENSIONS.get((sector, code), DIMENSIONS.get(code))
    return str(label) if label is not None else code.replace("_", " ").capitalize()


def _dimension_items(data: CampaignData, form: Questionnaire | None) -> dict[str, str]:
    if form is None:
        return {}
    return {item.id: item.dimension for item in form.items
            if item.is_satisfaction and item.dimension and item.id in data.frame.columns}


def _withheld(counts: pd.Series) -> pd.Series:
    return pd.Series([f"fewer than {MIN_GROUP} respondents" if n < MIN_GROUP else None for n in counts],
                     index=counts.index, dtype="string")


INDEX_COLUMNS = (
    Column("name", _l("Unit"), "unit"),
    Column("sector", _l("Sector"), "sector"),
    Column("sipas_index", _l("SIPAS index"), "percent"),
    Column("health_overall", _l("Ministry of Health: overall satisfaction"), "percent"),
    Column("health_comprehensive", _l("Ministry of Health: comprehensive satisfaction"), "percent"),
    Column("respondents", _l("Respondents"), "count"),
)


def official_indices(data: CampaignData) -> Table:
    """The ministries' indices of every unit with at least five respondents, for the report to the People's
    Committee and the public results: the SIPAS index of one-stop shops and the Ministry of Health's overall and
    comprehensive satisfaction of health units, each computed as on the unit's page (:func:`official_index`),
    over all units of one questionnaire at once. Units of other sectors and smaller units are left out.
    """
    parts = []
    forms = registry()
    sizes = data.unit_respondents
    for questionnaire_id, units in data.units.groupby("questionnaire_id", sort=True):
        form = forms.get(str(questionnaire_id))
        wanted = [int(u) for u in units["unit_id"] if sizes.get(int(u), 0) >= MIN_GROUP]
        mapping = _dimension_items(data, form)
        if form is None or form.sector not in ("one_stop", "health") or not wanted or not mapping:
            continue
        rows = pd.concat([data.unit_rows(u) for u in wanted])
        if form.sector == "one_stop":
            found = sipas_index(rows, mapping, weight=WEIGHT, by="unit_id")[["unit_id", "sipas_index"]]
        else:
            found = health_satisfaction(rows, mapping, weight=WEIGHT, by="unit_id").rename(
                columns={"satisfaction_rate": "health_overall", "comprehensive_rate": "health_comprehensive"})
        parts.append(found.merge(units[["unit_id", "name", "sector"]], on="unit_id"))
    columns = [c.key for c in INDEX_COLUMNS]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["unit_id", *columns])
    frame = frame.reindex(columns=["unit_id", *columns])
    # No index (an element of SIPAS without any answer, see analysis.sipas_index): nothing to list.
    frame = frame.loc[frame[["sipas_index", "health_overall", "health_comprehensive"]].notna().any(axis=1)]
    frame["respondents"] = [sizes.get(int(u), 0) for u in frame["unit_id"]]
    order = data.units["unit_id"].tolist()  # the campaign's own order: sector, then Vietnamese alphabetical
    frame = frame.sort_values("unit_id", key=lambda ids: ids.map(order.index)).reset_index(drop=True)
    caption = _("SIPAS index: share satisfied per question, averaged within each element, then over the elements "
                "(our reading of the Ministry of Home Affairs' method, QĐ 2640/QĐ-BNV and QĐ 1001/QĐ-BNV). "
                "Ministry of Health (QĐ 3869/QĐ-BYT): overall satisfaction is the share of answers 4 or 5 to the "
                "questions of the care, comprehensive satisfaction the share of patients who answered 4 or 5 to "
                "every question. Units with fewer than %(min)d respondents are not listed, nor one-stop shops whose "
                "answers leave an element of the index without any answer.", min=MIN_GROUP)
    return Table("indices", _l("Official indices"), INDEX_COLUMNS, frame, caption=caption)
