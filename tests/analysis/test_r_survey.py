"""The analysis numbers against R's ``survey`` package (Lumley), run through ``Rscript`` on the same data.

Reproduce by hand: run the tests with ``--basetemp=out``; each module's directory holds ``in.csv``, the
R script and R's outputs. Conventions (DESIGN.md, "Analysis contract"): the weights are computed once on the
whole sample and taken as fixed (``svydesign(ids=~1, weights=~w)``); groups are domains (``svyby``); the CI is
``svyciprop(method="logit", df=Inf)``; R's ``rake`` runs with a tight ``epsilon`` (its default of 1 stops
early). Tolerances: weights 1e-8 relative, rates 1e-9, standard errors 1e-6 relative, CI bounds 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.estimates import satisfaction_rates, share_yes
from analysis.simulation import SimulatedSurvey
from analysis.weights import design_weights, poststratify, rake

from .conftest import R_RATES, compare_rates, run_r

pytestmark = pytest.mark.rlang

SCRIPT = R_RATES + r"""
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
d <- read.csv("in.csv", stringsAsFactors = FALSE, na.strings = "")
m <- read.csv("margins.csv", stringsAsFactors = FALSE)
# NA %in% 4:5 is FALSE, so keep missing answers missing explicitly.
d$sat <- ifelse(is.na(d$overall), NA, as.numeric(d$overall %in% 4:5))

start <- svydesign(ids = ~1, weights = ~base, data = d)
pop <- function(v) {
  x <- m[m$variable == v, ]
  out <- data.frame(x$category, x$share * sum(d$base))
  names(out) <- c(v, "Freq")
  out
}
raked <- rake(start, list(~gender, ~age_group, ~ethnicity), lapply(c("gender", "age_group", "ethnicity"), pop),
              control = list(maxit = 1000, epsilon = 1e-13))
write.csv(data.frame(id = d$response_id, w = weights(raked)), "rake.csv", row.names = FALSE)
ps <- postStratify(start, ~sector, read.csv("cells.csv", stringsAsFactors = FALSE))
write.csv(data.frame(id = d$response_id, w = weights(ps)), "poststratify.csv", row.names = FALSE)

plain <- svydesign(ids = ~1, weights = ~w, data = d)
rates(plain, "unit_id", "sat", "by_unit")
rates(plain, "gender", "sat", "by_gender")
rates(plain, "sector", "fee", "fee_by_sector")
stratified <- svydesign(ids = ~1, strata = ~unit_id, weights = ~w, data = d)
rates(stratified, "sector", "sat", "by_sector_strata_unit")
rates(stratified, "gender", "sat", "by_gender_strata_unit")
whole <- svyciprop(~sat, plain, method = "logit", df = Inf, na.rm = TRUE)
write.csv(data.frame(rate = as.numeric(whole), se = sqrt(as.numeric(attr(whole, "var"))),
                     ci_low = attr(whole, "ci")[1], ci_high = attr(whole, "ci")[2]), "whole.csv", row.names = FALSE)
"""


@pytest.fixture(scope="module")
def case(small_survey: SimulatedSurvey, small_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[pd.DataFrame, Path]:
    """The data with base and final weights, written for R; R run once for the whole module."""
    df = small_frame.copy()
    df["base"] = design_weights(df, "service_volume")
    df["w"] = rake(df, small_survey.margins, "base")
    directory = tmp_path_factory.mktemp("r_survey")
    columns = ["response_id", "unit_id", "sector", "gender", "age_group", "ethnicity", "overall", "base", "w"]
    written = df[columns].copy()
    written["fee"] = df["informal_fee"].astype("Float64")  # 1 yes, 0 no, NA missing
    written.to_csv(directory / "in.csv", index=False, float_format="%.17g")
    margins = [(v, c, s) for v, shares in small_survey.margins.items() for c, s in shares.items()]
    pd.DataFrame(margins, columns=["variable", "category", "share"]).to_csv(
        directory / "margins.csv", index=False, float_format="%.17g")
    cells = pd.DataFrame({"sector": ["education", "health", "one_stop"], "Freq": [5000.0, 20000.0, 8000.0]})
    cells.to_csv(directory / "cells.csv", index=False)
    run_r(SCRIPT, directory)
    return df, directory


def test_rake_weights_equal_r_rake(case: tuple[pd.DataFrame, Path]) -> None:
    df, directory = case
    theirs = pd.read_csv(directory / "rake.csv")
    np.testing.assert_allclose(df["w"].to_numpy(), theirs["w"].to_numpy(), rtol=1e-8)


def test_poststratified_weights_equal_r_poststratify(case: tuple[pd.DataFrame, Path]) -> None:
    df, directory = case
    ours = poststratify(df, {"education": 5000, "health": 20000, "one_stop": 8000}, "sector", "base")
    theirs = pd.read_csv(directory / "poststratify.csv")
    np.testing.assert_allclose(ours.to_numpy(), theirs["w"].to_numpy(), rtol=1e-8)


@pytest.mark.parametrize("by", ["unit_id", "gender"])
def test_rates_by_group_equal_r_svyby(case: tuple[pd.DataFrame, Path], by: str) -> None:
    df, directory = case
    ours = satisfaction_rates(df, "overall", weight="w", by=by)
    compare_rates(ours, by, directory / f"by_{'unit' if by == 'unit_id' else by}.csv")


@pytest.mark.parametrize("by", ["sector", "gender"])
def test_stratified_rates_equal_r_svyby(case: tuple[pd.DataFrame, Path], by: str) -> None:
    df, directory = case
    ours = satisfaction_rates(df, "overall", weight="w", by=by, strata="unit_id")
    compare_rates(ours, by, directory / f"by_{by}_strata_unit.csv")


def test_share_yes_equals_r_svyby(case: tuple[pd.DataFrame, Path]) -> None:
    df, directory = case
    compare_rates(share_yes(df, "informal_fee", weight="w", by="sector"), "sector", directory / "fee_by_sector.csv")


def test_whole_sample_rate_equals_r_svyciprop(case: tuple[pd.DataFrame, Path]) -> None:
    df, directory = case
    ours = satisfaction_rates(df, "overall", weight="w").iloc[0]
    theirs = pd.read_csv(directory / "whole.csv").iloc[0]
    assert ours["rate"] == pytest.approx(theirs["rate"], abs=1e-9)
    assert ours["se"] == pytest.approx(theirs["se"], rel=1e-6)
    assert ours["ci_low"] == pytest.approx(theirs["ci_low"], abs=1e-6)
    assert ours["ci_high"] == pytest.approx(theirs["ci_high"], abs=1e-6)
