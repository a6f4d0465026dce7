"""Benchmark of the analysis pipeline at 1 000 000 responses over 200 units (prints figures, asserts nothing).

Run: ``python bench/analysis_bench.py [--responses N] [--units U] [--repeat R]``. It draws the responses once
(``numpy.random.default_rng(20260101)``, the synthetic questionnaires of :mod:`analysis.simulation`), writes the
CSV export, a Parquet copy of the tidy frame and a SQLite database of the web application's schema into a
temporary directory, then times each stage (best of ``R``):

* load: CSV export, Parquet, SQLite (``read_database`` with the questionnaires, i.e. SQL-side JSON extraction);
* rake (design weights, then raking to three census margins);
* satisfaction rates by unit, by sector, by area; indices (dimension scores, PAPI-style, SIPAS-style);
* the same rates by unit with (a) a bare numpy ``bincount`` kernel and (b) samplics ``TaylorEstimator``, with
  the ratios and the largest differences;
* the whole pipeline from Parquet (load, rake, three rate tables, indices) in a fresh process, with its peak
  resident memory;
* the design of the reports: rates with SEs calibrated on the raking margins, stratified by unit with the finite
  population correction, and the drivers model (weighted logistic regression with sandwich SEs, statsmodels,
  fitted on the distinct answer patterns with frequency weights) beside R ``svyglm(family=quasibinomial)`` on
  the same data, with the largest differences (R skipped when ``Rscript`` is absent).

Wall time is what is printed; CPU time is printed beside it because on a shared machine other processes can
take the cores (wall >> CPU then).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.data import read_csv, read_database, tidy, write_export_csv  # noqa: E402
from analysis.database import LEADING_COLUMNS  # noqa: E402
from analysis.estimates import satisfaction_rates  # noqa: E402
from analysis.indices import dimension_scores, papi_index, sipas_index  # noqa: E402
from analysis.simulation import SimulatedSurvey, simulate_survey, write_database  # noqa: E402
from analysis.weights import design_weights, rake  # noqa: E402

SEED = 20260101


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall time and best CPU time of ``repeat`` runs, and the last result."""
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def report(label: str, wall: float, cpu: float, note: str = "") -> None:
    print(f"  {label:<44} {wall:8.3f} s   (cpu {cpu:7.3f} s){'   ' + note if note else ''}", flush=True)


def peak_rss_mb() -> float:
    """Peak resident memory of this process image: VmHWM (reset by exec, unlike ru_maxrss, which a child
    started with fork + exec inherits from its parent), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_frame(survey: SimulatedSurvey) -> pd.DataFrame:
    units = survey.units.rename(columns={"id": "unit_id", "code": "unit_code", "name": "unit_name"})
    frame = survey.responses.merge(
        units[["unit_id", "unit_code", "unit_name", "sector", "level", "area", "service_volume"]], on="unit_id")
    items = [c for c in survey.responses.columns if c not in LEADING_COLUMNS]
    return frame[[*LEADING_COLUMNS, *items]]


def pipeline(df: pd.DataFrame, survey_margins: dict, questionnaire: Any) -> dict[str, pd.DataFrame]:
    """Weights, the three rate tables and the indices: what a campaign report computes."""
    weights = rake(df, survey_margins, design_weights(df, "service_volume"))
    return {
        "unit": satisfaction_rates(df, weight=weights, by="unit_id", target=0.8),
        "sector": satisfaction_rates(df, weight=weights, by="sector", target=0.8),
        "area": satisfaction_rates(df, weight=weights, by="area", target=0.8),
        "dimensions": dimension_scores(df, questionnaire, weights, by="unit_id"),
        "papi": papi_index(df, questionnaire, weights, by="unit_id"),
        "sipas": sipas_index(df, questionnaire, weights, by="unit_id"),
    }


def bare_kernel(unit: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rate and linearized SE by unit, straight numpy: units already coded 0..G-1, y NaN when missing."""
    valid = ~np.isnan(y)
    g, wv, yv = unit[valid], w[valid], y[valid]
    groups = int(unit.max()) + 1
    total = np.bincount(g, wv, groups)
    rate = np.bincount(g, wv * yv, groups) / total
    z = wv * (yv - rate[g]) / total[g]
    n = len(y)
    variance = n / (n - 1) * np.bincount(g, z * z, groups)  # sum of z within a domain is 0
    return rate, np.sqrt(variance)


def samplics_rates(unit: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics import PopParam, TaylorEstimator

        estimator = TaylorEstimator(PopParam.mean)
        estimator.estimate(y=y, samp_weight=w, domain=unit, remove_nan=True)
    keys = sorted(estimator.point_est)
    return (np.array([estimator.point_est[k] for k in keys]), np.array([estimator.stderror[k] for k in keys]))


def run_pipeline_child(parquet: Path, margins: Path, questionnaire_json: Path) -> None:
    """In a fresh process: the whole pipeline from Parquet once, then its time and peak memory as JSON."""
    from analysis.simulation import questionnaire

    sector = json.loads(questionnaire_json.read_text())["sector"]
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    df = pd.read_parquet(parquet)
    pipeline(df, json.loads(margins.read_text()), questionnaire(sector))
    print(json.dumps({"wall": time.perf_counter() - started_wall, "cpu": time.process_time() - started_cpu,
                      "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pipeline", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pipeline:
        run_pipeline_child(*args.pipeline)
        return
    print(f"analysis benchmark: {args.responses:,} responses over {args.units} units, best of {args.repeat}")
    with tempfile.TemporaryDirectory(prefix="analysis_bench_") as temporary:
        measure(args, Path(temporary))


def measure(args: argparse.Namespace, directory: Path) -> None:
    wall = time.perf_counter()
    survey = simulate_survey(args.responses, args.units, np.random.default_rng(SEED))
    raw = raw_frame(survey)
    frame = tidy(raw, survey.questionnaires)
    csv_path, parquet_path = directory / "export.csv", directory / "responses.parquet"
    write_export_csv(raw, csv_path)
    frame.to_parquet(parquet_path)
    url = "sqlite:///" + str(directory / "survey.sqlite")
    write_database(survey, url)
    del raw
    items = sum(1 for c in survey.responses.columns if c not in LEADING_COLUMNS)
    print(f"setup (simulate, CSV, Parquet, SQLite): {time.perf_counter() - wall:.1f} s; {items} items, "
          f"{frame.shape[1]} tidy columns, CSV {csv_path.stat().st_size / 1e6:.0f} MB, "
          f"SQLite {(directory / 'survey.sqlite').stat().st_size / 1e6:.0f} MB")
    del frame
    stages(args, survey, csv_path, parquet_path, url)
    design_stages(args, survey, parquet_path, directory)
    margins_path, form_path = directory / "margins.json", directory / "questionnaire.json"
    margins_path.write_text(json.dumps(survey.margins))
    form_path.write_text(json.dumps({"sector": "one_stop"}))
    del survey
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run([sys.executable, __file__, "--pipeline", str(parquet_path), str(margins_path),
                               str(form_path)], capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["wall"])
    print("whole pipeline from Parquet (fresh process: load, rake, rates by unit/sector/area, indices):")
    report("pipeline", best["wall"], best["cpu"], "bar < 2 s")
    print(f"  peak RSS of the pipeline process: {max(r['peak_rss_mb'] for r in runs):.0f} MB (bar < 1500 MB)")
    print(f"peak RSS of this process (setup included): {peak_rss_mb():.0f} MB")


def stages(args: argparse.Namespace, survey: SimulatedSurvey, csv_path: Path, parquet_path: Path, url: str) -> None:
    """Time each stage, then rates by unit three ways."""
    print("stages:")
    w, c, _ = timed(lambda: read_csv(csv_path, survey.questionnaires), args.repeat)
    report("load CSV export -> tidy frame", w, c)
    w, c, df = timed(lambda: pd.read_parquet(parquet_path), args.repeat)
    report("load Parquet (pyarrow) -> tidy frame", w, c)
    w, c, from_db = timed(lambda: read_database(url, 1, survey.questionnaires), args.repeat)
    report("load SQLite (json_extract in SQL) -> tidy", w, c, "bar < 15 s")
    pd.testing.assert_frame_equal(from_db, df, check_categorical=False)
    del from_db
    w, c, weights = timed(lambda: rake(df, survey.margins, design_weights(df, "service_volume")), args.repeat)
    report("design weights + rake to 3 margins", w, c, "bar <= 0.3 s")
    rates: dict[str, pd.DataFrame] = {}
    for by in ("unit_id", "sector", "area"):
        w, c, rates[by] = timed(lambda by=by: satisfaction_rates(df, weight=weights, by=by, target=0.8), args.repeat)
        report(f"satisfaction rates by {by}", w, c)
    one_stop = survey.questionnaires["one_stop"]
    w, c, _ = timed(lambda: (dimension_scores(df, one_stop, weights, by="unit_id"),
                             papi_index(df, one_stop, weights, by="unit_id"),
                             sipas_index(df, one_stop, weights, by="unit_id")), args.repeat)
    report("indices (dimensions, PAPI, SIPAS) by unit", w, c)

    print("rates by unit, three ways:")
    unit = df["unit_id"].to_numpy() - 1
    y = df["overall"].to_numpy(dtype=float, na_value=np.nan)
    y = np.where(np.isnan(y), np.nan, (y >= 4).astype(float))
    wv = weights.to_numpy()
    bare_wall = bare_cpu = w_unit = c_unit = float("inf")
    for _ in range(args.repeat):  # interleaved, so that both see the same load from other processes
        wall, cpu, (bare_rate, bare_se) = timed(lambda: bare_kernel(unit, y, wv), 1)
        bare_wall, bare_cpu = min(bare_wall, wall), min(bare_cpu, cpu)
        wall, cpu, _ = timed(lambda: satisfaction_rates(df, weight=weights, by="unit_id"), 1)
        w_unit, c_unit = min(w_unit, wall), min(c_unit, cpu)
    report("(a) bare numpy bincount kernel", bare_wall, bare_cpu)
    sam_wall, sam_cpu, (sam_rate, sam_se) = timed(lambda: samplics_rates(unit, y, wv), 1)
    report("(b) samplics TaylorEstimator (1 run)", sam_wall, sam_cpu)
    report("analysis.satisfaction_rates", w_unit, c_unit)
    ours = rates["unit_id"]
    print(f"  ours / bare kernel: {w_unit / bare_wall:.2f}x wall, {c_unit / bare_cpu:.2f}x cpu (bar <= 3x);  "
          f"samplics / ours: {sam_wall / w_unit:.0f}x wall, {sam_cpu / c_unit:.0f}x cpu (bar >= 50x)")
    print(f"  largest difference in rate: vs bare {np.max(np.abs(ours['rate'] - bare_rate)):.2e}, "
          f"vs samplics {np.max(np.abs(ours['rate'] - sam_rate)):.2e} (bar 1e-9)")
    print(f"  largest relative difference in SE: vs bare {np.max(np.abs(ours['se'] / bare_se - 1)):.2e}, "
          f"vs samplics {np.max(np.abs(ours['se'] / sam_se - 1)):.2e}")


R_SVYGLM = """
suppressMessages(library(survey))
d <- read.csv("scores.csv")
d$sat <- ifelse(is.na(d$overall), NA, as.numeric(d$overall %in% 4:5))
design <- svydesign(ids = ~1, weights = ~w, data = d)
elements <- setdiff(names(d), c("row", "overall", "w", "sat"))
elapsed <- system.time(fit <- svyglm(as.formula(paste("sat ~", paste(elements, collapse = "+"))),
                                     design = design, family = quasibinomial(),
                                     control = glm.control(epsilon = 1e-12, maxit = 100)))[["elapsed"]]
write.csv(data.frame(term = names(coef(fit)), coefficient = coef(fit), se = SE(fit), elapsed = elapsed),
          "svyglm.csv", row.names = FALSE)
"""


def design_stages(args: argparse.Namespace, survey: SimulatedSurvey, parquet_path: Path, directory: Path) -> None:
    """Calibrated and FPC rates, and the drivers model beside R's svyglm on the same data."""
    from analysis.drivers import drivers, element_scores

    df = pd.read_parquet(parquet_path)
    weights = rake(df, survey.margins, design_weights(df, "service_volume"))
    print("design of the reports:")
    plain_wall, plain_cpu, _ = timed(lambda: satisfaction_rates(df, weight=weights, by="unit_id"), args.repeat)
    report("rates by unit, weights taken as fixed", plain_wall, plain_cpu)
    for by in ("unit_id", "sector"):
        w, c, _ = timed(lambda by=by: satisfaction_rates(df, weight=weights, by=by, calibration=list(survey.margins)),
                        args.repeat)
        report(f"rates by {by}, SEs calibrated on 3 margins", w, c)
    w, c, _ = timed(lambda: satisfaction_rates(df, weight=weights, by="sector", strata="unit_id",
                                               fpc="service_volume", calibration=list(survey.margins)), args.repeat)
    report("rates by sector, strata + FPC + calibration", w, c)
    scores = element_scores(df, survey.questionnaires["one_stop"])
    w, c, model = timed(lambda: drivers(df, scores, weight=weights), args.repeat)
    report(f"drivers: logistic model, {model.attrs['n']:,} respondents", w, c, "bar < 5 s")
    complete = df["overall"].notna().to_numpy() & scores.notna().all(axis=1).to_numpy()
    outcome = df["overall"].isin([4, 5]).rename("satisfied")
    patterns = len(pd.concat([outcome, scores], axis=1)[complete].drop_duplicates())
    print(f"  fitted on {patterns:,} distinct (outcome, element scores) patterns")
    w, c, _ = timed(lambda: drivers(df, scores, weight=weights, strata="unit_id"), args.repeat)
    report(f"drivers, stratified by unit ({df['unit_id'].nunique()} strata)", w, c, "bar < 5 s")
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("  R svyglm: Rscript not found, skipped")
        return
    frame = pd.concat([df[["overall"]], scores], axis=1).assign(w=weights.to_numpy())
    frame.insert(0, "row", np.arange(len(frame)))
    frame.to_csv(directory / "scores.csv", index=False, float_format="%.17g")
    (directory / "svyglm.R").write_text(R_SVYGLM, encoding="utf-8")
    subprocess.run([rscript, "--vanilla", "svyglm.R"], cwd=directory, check=True, capture_output=True)
    theirs = pd.read_csv(directory / "svyglm.csv").set_index("term")
    ours = model.set_index("element")
    report("R svyglm(family=quasibinomial), same data", float(theirs["elapsed"].iloc[0]), float("nan"),
           "fit only, CSV reading not counted")
    print(f"  largest difference from R: coefficient "
          f"{np.max(np.abs(ours['coefficient'] - theirs.loc[ours.index, 'coefficient'])):.1e}, SE relative "
          f"{np.max(np.abs(ours['se'] / theirs.loc[ours.index, 'se'] - 1)):.1e}")


if __name__ == "__main__":
    main()
