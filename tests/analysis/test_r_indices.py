"""The SIPAS index and the health ministry's rates against R ``survey`` on the raked test survey, by sector.

R computes each from its definition (docs/methods.md, "Indices"): the SIPAS index as the mean over elements of
the mean over their questions of ``svymean(~as.numeric(q %in% 4:5))``; the overall health rate as ``svyratio`` of each
respondent's satisfied answers to their answers; the comprehensive rate as ``svymean`` of "every answer 4 or 5"
among respondents who answered; the mean score as ``svyratio`` of the sum of answers to their number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.indices import health_satisfaction, satisfaction_items, sipas_index
from analysis.simulation import SimulatedSurvey
from analysis.weights import design_weights, rake

from .conftest import run_r

pytestmark = pytest.mark.rlang

SCRIPT = r"""
suppressMessages(library(survey))
d <- read.csv("in.csv", stringsAsFactors = FALSE)
m <- read.csv("items.csv", stringsAsFactors = FALSE)
design <- svydesign(ids = ~1, weights = ~w, data = d)
share <- function(item) {
  f <- as.formula(paste0("~as.numeric(", item, " %in% 4:5)"))
  est <- svyby(f, ~sector, subset(design, !is.na(d[[item]])), svymean)
  setNames(est[[2]], est$sector)
}
shares <- sapply(m$item, share)
elements <- sapply(unique(m$element), function(e) rowMeans(shares[, m$item[m$element == e], drop = FALSE]))
write.csv(data.frame(sector = rownames(elements), sipas = rowMeans(elements)), "sipas.csv", row.names = FALSE)
answers <- as.matrix(d[, m$item])
d$answered <- rowSums(!is.na(answers))
d$happy <- rowSums(answers >= 4, na.rm = TRUE)
d$score <- rowSums(answers, na.rm = TRUE)
d$every <- as.numeric(d$answered > 0 & d$happy == d$answered)
design <- svydesign(ids = ~1, weights = ~w, data = d)
overall <- svyby(~happy, ~sector, denominator = ~answered, design, svyratio)
score <- svyby(~score, ~sector, denominator = ~answered, design, svyratio)
every <- svyby(~every, ~sector, subset(design, answered > 0), svymean)
write.csv(data.frame(sector = overall$sector, overall = overall[[2]], score = score[[2]],
                     comprehensive = every$every), "health.csv", row.names = FALSE)
"""


@pytest.fixture(scope="module")
def case(small_survey: SimulatedSurvey, small_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[pd.DataFrame, dict[str, str], Path]:
    df = small_frame.copy()
    df["w"] = rake(df, small_survey.margins, design_weights(df, "service_volume"))
    items = satisfaction_items(small_survey.questionnaires["one_stop"])
    directory = tmp_path_factory.mktemp("r_indices")
    df[["sector", "w", *items]].astype({i: "Float64" for i in items}).to_csv(
        directory / "in.csv", index=False, float_format="%.17g")
    pd.DataFrame({"item": list(items), "element": list(items.values())}).to_csv(directory / "items.csv", index=False)
    run_r(SCRIPT, directory)
    return df, items, directory


def test_sipas_index_equals_r(case: tuple) -> None:
    df, items, directory = case
    ours = sipas_index(df, items, weight="w", by="sector")
    theirs = pd.read_csv(directory / "sipas.csv")
    assert ours["sector"].astype(str).tolist() == theirs["sector"].tolist()
    np.testing.assert_allclose(ours["sipas_index"], theirs["sipas"], rtol=0, atol=1e-12)


def test_health_ministry_rates_equal_r(case: tuple) -> None:
    df, items, directory = case
    ours = health_satisfaction(df, items, weight="w", by="sector")
    theirs = pd.read_csv(directory / "health.csv")
    assert ours["sector"].astype(str).tolist() == theirs["sector"].tolist()
    np.testing.assert_allclose(ours["satisfaction_rate"], theirs["overall"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["mean_score"], theirs["score"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["comprehensive_rate"], theirs["comprehensive"], rtol=0, atol=1e-12)
