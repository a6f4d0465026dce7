"""Calibrated and finite-population SEs, change between campaigns and the drivers model, against R ``survey``.

One R run per module (``Rscript``; reproduce with ``--basetemp=out``: the directory holds the CSV files and
``script.R``). Tolerances: rates 1e-9, SEs 1e-6 relative, CI bounds and coefficients 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.change import rate_change
from analysis.data import tidy
from analysis.drivers import drivers, element_scores
from analysis.estimates import satisfaction_rates, share_yes
from analysis.margins import with_not_stated
from analysis.simulation import SimulatedSurvey, simulate_survey
from analysis.weights import design_weights, rake

from .conftest import R_RATES, compare_rates, raw_frame, run_r

pytestmark = pytest.mark.rlang

MARGINS = ["gender", "age_group", "ethnicity"]

SCRIPT = R_RATES + r"""
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
sat <- function(x) ifelse(is.na(x), NA, as.numeric(x %in% 4:5))
d <- read.csv("in.csv", stringsAsFactors = FALSE, na.strings = "")
d$sat <- sat(d$overall)
m <- read.csv("margins.csv", stringsAsFactors = FALSE)
pop <- function(v, total) {
  x <- m[m$variable == v, ]
  out <- data.frame(x$category, x$share * total)
  names(out) <- c(v, "Freq")
  out
}
margins <- c("gender", "age_group", "ethnicity")
raking <- function(design, total) rake(design, lapply(margins, function(v) as.formula(paste0("~", v))),
                                       lapply(margins, pop, total = total),
                                       control = list(maxit = 1000, epsilon = 1e-13))
# Raked design: SEs that take the calibration into account.
raked <- raking(svydesign(ids = ~1, weights = ~base, data = d), sum(d$base))
write.csv(data.frame(w = weights(raked)), "raked_weights.csv", row.names = FALSE)
rates(raked, "unit_id", "sat", "raked_unit")
rates(raked, "sector", "sat", "raked_sector")
rates(raked, "sector", "fee", "raked_fee")

# Finite population correction: strata = units, fpc = service volume.
fpc <- svydesign(ids = ~1, strata = ~unit_id, fpc = ~service_volume, weights = ~base, data = d)
rates(fpc, "sector", "sat", "fpc_sector")
rates(fpc, "gender", "sat", "fpc_gender")
rates(raking(fpc, sum(d$base)), "sector", "sat", "fpc_raked_sector")

# "Not stated" category for respondents without a gender (margins with the estimated share).
m <- read.csv("margins_ns.csv", stringsAsFactors = FALSE)
ns <- raking(svydesign(ids = ~1, weights = ~base, data = read.csv("in_ns.csv", stringsAsFactors = FALSE,
             na.strings = "")), sum(d$base))
ns$variables$sat <- sat(ns$variables$overall)
write.csv(data.frame(w = weights(ns)), "ns_weights.csv", row.names = FALSE)
rates(ns, "sector", "sat", "ns_sector")

# Change between two independent campaigns: difference of svymeans, variances added.
e <- read.csv("later.csv", stringsAsFactors = FALSE, na.strings = "")
e$sat <- sat(e$overall)
one <- svyby(~sat, ~sector, svydesign(ids = ~1, weights = ~base, data = d), svymean, na.rm = TRUE)
two <- svyby(~sat, ~sector, svydesign(ids = ~1, weights = ~base, data = e), svymean, na.rm = TRUE)
write.csv(data.frame(group = one$sector, change = two$sat - one$sat, se = sqrt(SE(one)^2 + SE(two)^2)),
          "change.csv", row.names = FALSE)

# Drivers: weighted logistic regression with design-based SEs.
s <- read.csv("scores.csv")
s$sat <- sat(s$overall)
model <- function(design, name) {
  fit <- svyglm(sat ~ access + procedures + staff + results + feedback, design = design,
                family = quasibinomial(), control = glm.control(epsilon = 1e-12, maxit = 100))
  write.csv(data.frame(term = names(coef(fit)), coefficient = coef(fit), se = SE(fit)), paste0(name, ".csv"),
            row.names = FALSE)
}
model(svydesign(ids = ~1, weights = ~base, data = s), "drivers")
model(svydesign(ids = ~1, strata = ~unit_id, weights = ~base, data = s), "drivers_strata")
model(subset(svydesign(ids = ~1, weights = ~base, data = s), sector == "health"), "drivers_health")
"""


@pytest.fixture(scope="module")
def case(small_survey: SimulatedSurvey, small_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[pd.DataFrame, dict, Path]:
    """Both campaigns, written for R, and R's results."""
    df = small_frame.copy()
    df["base"] = design_weights(df, "service_volume")
    df["w"] = rake(df, small_survey.margins, "base")
    directory = tmp_path_factory.mktemp("r_design")
    columns = ["response_id", "unit_id", "sector", *MARGINS, "overall", "base", "service_volume"]
    written = df[columns].copy()
    written["fee"] = df["informal_fee"].astype("Float64")
    written.to_csv(directory / "in.csv", index=False, float_format="%.17g")
    rows = [(v, c, s) for v, shares in small_survey.margins.items() for c, s in shares.items()]
    pd.DataFrame(rows, columns=["variable", "category", "share"]).to_csv(
        directory / "margins.csv", index=False, float_format="%.17g")
    # Some respondents skip the gender question.
    skipped = df.copy()
    skipped.loc[np.random.default_rng(7).random(len(df)) < 0.08, "gender"] = None
    filled, margins_ns, estimated = with_not_stated(skipped, small_survey.margins, df["base"])
    filled[columns].to_csv(directory / "in_ns.csv", index=False, float_format="%.17g")
    rows = [(v, c, s) for v, shares in margins_ns.items() for c, s in shares.items()]
    pd.DataFrame(rows, columns=["variable", "category", "share"]).to_csv(
        directory / "margins_ns.csv", index=False, float_format="%.17g")
    later_survey = simulate_survey(1500, 12, np.random.default_rng(20260202), campaign_id=2)
    later = tidy(raw_frame(later_survey), later_survey.questionnaires)
    later["base"] = design_weights(later, "service_volume")
    later[["response_id", "unit_id", "sector", "overall", "base"]].to_csv(
        directory / "later.csv", index=False, float_format="%.17g")
    scores = element_scores(df, small_survey.questionnaires["one_stop"])
    pd.concat([df[["unit_id", "sector", "overall", "base"]], scores], axis=1).to_csv(
        directory / "scores.csv", index=False, float_format="%.17g")
    run_r(SCRIPT, directory)
    extra = {"filled": filled, "margins_ns": margins_ns, "estimated": estimated, "later": later,
             "scores": scores}
    return df, extra, directory


@pytest.mark.parametrize("by", ["unit_id", "sector"])
def test_calibrated_rates_equal_r_on_the_raked_design(case: tuple, by: str) -> None:
    df, _, directory = case
    np.testing.assert_allclose(df["w"], pd.read_csv(directory / "raked_weights.csv")["w"], rtol=1e-8)
    ours = satisfaction_rates(df, weight="w", by=by, calibration=MARGINS)
    compare_rates(ours, by, directory / f"raked_{'unit' if by == 'unit_id' else by}.csv")
    fixed = satisfaction_rates(df, weight="w", by=by)
    assert not np.allclose(fixed["se"], ours["se"], rtol=1e-3)  # the calibration does change the SEs


def test_calibrated_share_yes_equals_r(case: tuple) -> None:
    df, _, directory = case
    compare_rates(share_yes(df, "informal_fee", weight="w", by="sector", calibration=MARGINS), "sector",
             directory / "raked_fee.csv")


@pytest.mark.parametrize("by", ["sector", "gender"])
def test_finite_population_correction_equals_r(case: tuple, by: str) -> None:
    df, _, directory = case
    ours = satisfaction_rates(df, weight="base", by=by, strata="unit_id", fpc="service_volume")
    compare_rates(ours, by, directory / f"fpc_{by}.csv")
    assert ours.attrs["notes"] == []
    without = satisfaction_rates(df, weight="base", by=by, strata="unit_id")
    assert (ours["se"] < without["se"]).all()


def test_fpc_with_raking_equals_r(case: tuple) -> None:
    df, _, directory = case
    ours = satisfaction_rates(df, weight="w", by="sector", strata="unit_id", fpc="service_volume",
                              calibration=MARGINS)
    compare_rates(ours, "sector", directory / "fpc_raked_sector.csv")


def test_not_stated_category_keeps_everyone_and_equals_r(case: tuple, small_survey: SimulatedSurvey) -> None:
    df, extra, directory = case
    filled = extra["filled"]
    assert len(filled) == len(df) and filled["gender"].notna().all()
    share = extra["estimated"]["gender"]
    assert share == pytest.approx(df["base"][filled["gender"] == "not_stated"].sum() / df["base"].sum())
    assert set(extra["estimated"]) == {"gender"}  # margins without a missing value are left as they were
    assert extra["margins_ns"]["age_group"] == small_survey.margins["age_group"]
    weights = rake(filled, extra["margins_ns"], df["base"])
    np.testing.assert_allclose(weights, pd.read_csv(directory / "ns_weights.csv")["w"], rtol=1e-8)
    filled = filled.assign(w=weights)
    compare_rates(satisfaction_rates(filled, weight="w", by="sector", calibration=MARGINS), "sector",
             directory / "ns_sector.csv")


def test_change_between_campaigns_equals_r(case: tuple) -> None:
    df, extra, directory = case
    earlier = satisfaction_rates(df, weight="base", by="sector")
    later = satisfaction_rates(extra["later"], weight="base", by="sector")
    ours = rate_change(earlier, later, by="sector")
    theirs = pd.read_csv(directory / "change.csv")
    assert ours["sector"].tolist() == theirs["group"].tolist()
    np.testing.assert_allclose(ours["change"], theirs["change"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["se"], theirs["se"], rtol=1e-6)
    np.testing.assert_allclose(ours["ci_low"], theirs["change"] - 1.959963984540054 * theirs["se"], atol=1e-6)
    expected = ["improved" if lo > 0 else "worse" if hi < 0 else "no_clear_change"
                for lo, hi in zip(ours["ci_low"], ours["ci_high"], strict=True)]
    assert ours["verdict"].tolist() == expected


def _compare_model(ours: pd.DataFrame, reference: Path) -> None:
    theirs = pd.read_csv(reference).set_index("term")
    assert ours.attrs["intercept"] == pytest.approx(theirs.loc["(Intercept)", "coefficient"], abs=1e-6)
    assert ours.attrs["intercept_se"] == pytest.approx(theirs.loc["(Intercept)", "se"], rel=1e-6)
    ours = ours.set_index("element")
    np.testing.assert_allclose(ours["coefficient"], theirs.loc[ours.index, "coefficient"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours["se"], theirs.loc[ours.index, "se"], rtol=1e-6)


@pytest.mark.parametrize(("strata", "name"), [(None, "drivers"), ("unit_id", "drivers_strata")])
def test_drivers_equal_r_svyglm(case: tuple, strata: str | None, name: str) -> None:
    df, extra, directory = case
    ours = drivers(df, extra["scores"], weight="base", strata=strata)
    _compare_model(ours, directory / f"{name}.csv")
    assert ours["rank"].tolist() == list(range(1, 6))
    assert ours["coefficient"].is_monotonic_decreasing


def test_drivers_of_one_sector_equal_r_on_the_subset_design(case: tuple) -> None:
    df, extra, directory = case
    ours = drivers(df, extra["scores"], weight="base", where=df["sector"] == "health")
    _compare_model(ours, directory / "drivers_health.csv")
