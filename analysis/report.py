"""A campaign report: weights, rates with verdicts, indices and planning tables, charts, and their files.

:func:`build_report` computes everything from a tidy frame and returns plain tables and figures (nothing is
written); :func:`write_report` writes each table as CSV and all of them as one XLSX workbook, and each figure
as PNG and SVG. The chart texts come from ``labels`` (English by default) so that callers can translate them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import charts
from .answers import item_specs
from .estimates import satisfaction_rates, share_yes
from .indices import dimension_scores, health_satisfaction, likert_distribution, papi_index, sipas_index
from .margins import with_not_stated
from .sample_size import required_sample_sizes
from .spreadsheet import spreadsheet_safe
from .strata import STRATUM, STRATUM_SIZE, with_strata
from .weights import design_weights, kish_neff, rake, rake_trimmed

#: Targets by sector when no questionnaire gives one (one-stop shops 90 %, health and education 80 %).
SECTOR_TARGETS = {"one_stop": 0.90, "health": 0.80, "education": 0.80}
#: What each ``by`` choice groups on.
GROUPINGS = {"unit": ["unit_id"], "sector": ["sector"], "area": ["area", "sector"]}
LABELS = {
    "answers": ("Very dissatisfied", "Dissatisfied", "Neither", "Satisfied", "Very satisfied"),
    "likert_title": "Answers per question", "share": "Share of answers", "rate": "Satisfied (weighted)",
    "rates_title": "Satisfaction by {by}", "target": "Target", "withheld": "fewer than 5 respondents",
}


@dataclass(frozen=True)
class Report:
    """Tables (plain DataFrames) and figures of one report, keyed by file stem."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)


def sector_targets(questionnaires: Any = None) -> dict[str, float]:
    """Target rate per sector: from the questionnaires where given, else :data:`SECTOR_TARGETS`."""
    targets = dict(SECTOR_TARGETS)
    values = questionnaires.values() if isinstance(questionnaires, Mapping) else (questionnaires or [])
    for q in values:
        if hasattr(q, "sector") and hasattr(q, "target"):
            targets[q.sector] = float(q.target)
    return targets


def report_weights(df: pd.DataFrame, margins: Mapping[str, Mapping[str, float]] | None = None,
                   trim: float | None = None, unweighted: bool = False) -> pd.Series:
    """Final weights: unit volume / respondents, then raked to ``margins`` (trimmed at ``trim`` x median)."""
    return report_design(df, margins, trim, unweighted).weights


@dataclass(frozen=True)
class Design:
    """What the estimates of a report need: the frame (with the columns the weight was raked on, "not stated"
    filled in, and the strata), the final weights, and the design options of :func:`satisfaction_rates`."""

    frame: pd.DataFrame
    weights: pd.Series
    calibration: list[str] | None = None
    strata: str | None = None
    fpc: str | None = None

    def options(self) -> dict[str, Any]:
        """The ``calibration``, ``strata`` and ``fpc`` arguments of :func:`satisfaction_rates`."""
        return {"calibration": self.calibration, "strata": self.strata, "fpc": self.fpc}


def report_design(df: pd.DataFrame, margins: Mapping[str, Mapping[str, float]] | None = None,
                  trim: float | None = None, unweighted: bool = False, calibrate: bool = True,
                  finite_population: bool = True) -> Design:
    """Weights and variance design of a report, as the web reports compute them.

    * Weights: unit volume / respondents, then raked to ``margins`` (trimmed at ``trim`` x median and
      re-raked); respondents who skipped a weighting question are raked in a "not stated" category
      (:mod:`analysis.margins`).
    * ``calibrate`` (with margins): SEs that take the raking into account, as R's ``rake()`` design
      (:mod:`analysis.calibration`). After trimming the final weights still meet the margins, and the SEs are
      those of raking to them.
    * ``finite_population``: strata = units, each with its service volume as population size (finite
      population correction, :mod:`analysis.strata`); units of one respondent are pooled, units without a
      usable volume get no correction and a note.

    ``unweighted`` gives every respondent weight 1 and a simple random sample's variance (no strata, no raking).
    """
    if unweighted:
        return Design(df, pd.Series(np.ones(len(df)), index=df.index, name="weight"))
    base = design_weights(df, "service_volume")
    frame = with_strata(df) if finite_population else df
    strata = STRATUM if finite_population else None
    fpc = STRATUM_SIZE if finite_population else None
    if not margins:
        return Design(frame, base.rename("weight"), None, strata, fpc)
    filled, margins, _ = with_not_stated(frame, margins, base)
    weights = rake_trimmed(filled, margins, base, k=trim) if trim else rake(filled, margins, base)
    if not calibrate:
        return Design(frame, weights, None, strata, fpc)
    columns = {variable: f"calibrated_on_{variable}" for variable in margins}
    frame = frame.assign(**{columns[v]: filled[v].astype(str).to_numpy() for v in margins})
    return Design(frame, weights, list(columns.values()), strata, fpc)


def build_report(df: pd.DataFrame, weights: pd.Series, questionnaires: Any = None, by: Sequence[str] = ("unit",),
                 item: str = "overall", min_n: int = 5, level: float = 0.95, ci: str = "logit",
                 labels: Mapping[str, Any] | None = None, design: Mapping[str, Any] | None = None) -> Report:
    """Compute the tables and charts of a campaign report (see the module docstring).

    ``design`` holds the variance options of :func:`satisfaction_rates` (``calibration``, ``strata``, ``fpc``),
    e.g. ``report_design(...).options()`` with ``df = report_design(...).frame``.
    """
    unknown = [b for b in by if b not in GROUPINGS]
    if unknown:
        raise ValueError(f"by: {unknown} not allowed; choose from {list(GROUPINGS)}")
    text = {**LABELS, **(labels or {})}
    targets = sector_targets(questionnaires)
    report = Report()
    report.tables["weights"] = _weights_table(weights)
    options: dict[str, Any] = {"weight": weights, "min_n": min_n, "level": level, "ci": ci, **(design or {})}
    for name in by:
        table = _rates_by(df, name, item, targets, options)
        report.tables[f"rates_by_{name}"] = table
        label = "unit_name" if name == "unit" else name
        shown = table.assign(**{label: table[label].astype(str) + (" · " + table["sector"].astype(str)
                                                                   if name == "area" else "")})
        report.figures[f"rates_by_{name}"] = charts.rates_chart(
            shown, label, title=str(text["rates_title"]).format(by=name), xlabel=str(text["rate"]),
            target_label=str(text["target"]), withheld_label=str(text["withheld"]))
    specs = item_specs(questionnaires) if questionnaires is not None else {}
    for yes_no in [i for i, s in specs.items() if s.type == "yes_no" and i in df.columns]:
        report.tables[f"yes_{yes_no}_by_sector"] = share_yes(df, yes_no, by="sector", **options)
    _add_indices(report, df, weights, questionnaires, text)
    report.tables["sample_size"] = _sample_size_table(df)
    return report


def _rates_by(df: pd.DataFrame, name: str, item: str, targets: Mapping[str, float],
              options: Mapping[str, Any]) -> pd.DataFrame:
    """Rates by unit (with its code, name and sector), by sector, or by area and sector, with verdicts
    against the sector's target."""
    columns = GROUPINGS[name]
    pairs = df[["unit_id", "sector", "area"]].drop_duplicates()
    if name == "unit":
        goal: dict[Any, float] = {u: targets.get(str(s), np.nan) for u, s in zip(pairs["unit_id"], pairs["sector"],
                                                                                strict=True)}
    elif name == "sector":
        goal = dict(targets)
    else:
        goal = {(d, s): targets.get(str(s), np.nan) for d, s in zip(pairs["area"], pairs["sector"], strict=True)}
    table = satisfaction_rates(df, item, by=columns, target=goal, **options)
    if name == "unit":
        units = df.drop_duplicates("unit_id").set_index("unit_id")[["unit_code", "unit_name", "sector"]]
        attributes = units.reindex(table["unit_id"]).reset_index(drop=True)
        table = pd.concat([table[["unit_id"]], attributes, table.drop(columns="unit_id")], axis=1)
    return table


def _add_indices(report: Report, df: pd.DataFrame, weights: pd.Series, questionnaires: Any,
                 text: Mapping[str, Any]) -> None:
    values = questionnaires.values() if isinstance(questionnaires, Mapping) else (questionnaires or [])
    for q in values:
        if not hasattr(q, "items"):
            continue
        part = df["questionnaire_id"].astype(str) == q.id
        items = [i.id for i in q.items if i.is_satisfaction and i.dimension and i.id in df.columns]
        if not part.any() or not items:
            continue
        subset, w = df[part.to_numpy()], weights[part.to_numpy()]
        report.tables[f"dimensions_{q.id}"] = dimension_scores(subset, q, w, by="unit_code")
        papi = papi_index(subset, q, w, by="unit_code")
        indices = papi.merge(sipas_index(subset, q, w, by="unit_code"), on="unit_code")
        if getattr(q, "sector", None) == "health":
            health = health_satisfaction(subset, q, w, by="unit_code").drop(columns="answers")
            indices = indices.merge(health, on="unit_code")
        report.tables[f"indices_{q.id}"] = indices
        likert = [i.id for i in q.items if i.is_satisfaction and i.id in df.columns]
        distribution = likert_distribution(subset, likert, w)
        report.tables[f"answers_{q.id}"] = distribution.reset_index()
        report.figures[f"answers_{q.id}"] = charts.likert_chart(
            distribution, list(text["answers"]), {i.id: i.text for i in q.items},
            title=f"{text['likert_title']} – {q.id}", xlabel=str(text["share"]))


def _weights_table(weights: pd.Series) -> pd.DataFrame:
    w = weights.to_numpy(dtype=float)
    neff = kish_neff(w)
    return pd.DataFrame([{
        "respondents": len(w), "sum_of_weights": w.sum(), "kish_n_eff": neff,
        "design_effect": len(w) / neff if neff else np.nan, "min": np.min(w) if len(w) else np.nan,
        "median": np.median(w) if len(w) else np.nan, "max": np.max(w) if len(w) else np.nan,
    }])


def _sample_size_table(df: pd.DataFrame) -> pd.DataFrame:
    units = df.groupby(["unit_id", "unit_code", "unit_name", "sector"], observed=True, sort=True).agg(
        volume=("service_volume", "first"), respondents=("response_id", "size")).reset_index()
    volume = units["volume"].to_numpy(dtype=float, na_value=0.0)
    units["needed_5_points"] = required_sample_sizes(volume, margin=0.05)
    expected = units["sector"].astype(str).map(SECTOR_TARGETS).fillna(0.5).to_numpy(dtype=float)
    units["needed_at_target_rate"] = [int(required_sample_sizes([v], 0.05, float(r))[0])
                                      for v, r in zip(volume, expected, strict=True)]
    units["shortfall"] = np.maximum(units["needed_5_points"] - units["respondents"], 0)
    return units


def write_report(report: Report, out_dir: str | Path, formats: Sequence[str] = charts.FORMATS) -> list[Path]:
    """Write every table as ``<name>.csv`` and all in ``report.xlsx``, every figure as ``<name>.<format>``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in report.tables.items():
        path = out / f"{name}.csv"
        spreadsheet_safe(table).to_csv(path, index=False, encoding="utf-8-sig")
        written.append(path)
    workbook = out / "report.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, table in report.tables.items():
            spreadsheet_safe(_excel_ready(table)).to_excel(writer, sheet_name=name[:31], index=False)
    written.append(workbook)
    for name, figure in report.figures.items():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            path.write_bytes(charts.figure_bytes(figure, fmt))
            written.append(path)
    return written


def _excel_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot hold time zones: datetimes become naive UTC."""
    result = table.copy()
    for column in result.columns:
        if isinstance(result[column].dtype, pd.DatetimeTZDtype):
            result[column] = result[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return result
