"""Fixtures of the analysis tests: small synthetic surveys, and running R scripts for reference numbers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis import schema
from analysis.data import tidy
from analysis.database import LEADING_COLUMNS
from analysis.simulation import SimulatedSurvey, simulate_survey
from tests.conftest import require
from tests.postgres.server import PostgresServer


def raw_frame(survey: SimulatedSurvey) -> pd.DataFrame:
    """The survey's responses with the unit attributes joined in, leading columns first (as stored)."""
    units = survey.units.rename(columns={"id": "unit_id", "code": "unit_code", "name": "unit_name"})
    frame = survey.responses.merge(
        units[["unit_id", "unit_code", "unit_name", "sector", "level", "area", "service_volume"]], on="unit_id"
    )
    items = [c for c in survey.responses.columns if c not in LEADING_COLUMNS]
    return frame[[*LEADING_COLUMNS, *items]]


@pytest.fixture(scope="session")
def small_survey() -> SimulatedSurvey:
    """2 000 responses over 12 units with the synthetic questionnaires, always the same (seed 20260101)."""
    return simulate_survey(2000, 12, np.random.default_rng(20260101))


@pytest.fixture(scope="session")
def small_frame(small_survey: SimulatedSurvey) -> pd.DataFrame:
    return tidy(raw_frame(small_survey), small_survey.questionnaires)


def run_r(script: str, directory: Path) -> None:
    """Run an R script with ``directory`` as working directory; fail with R's messages if it fails.

    Skips when ``Rscript`` is absent, unless ``CI=true`` (then R must have been installed and the test fails).
    """
    rscript = shutil.which("Rscript")
    require(rscript is not None, "Rscript not found (apt-get install r-base-core r-cran-survey)")
    assert rscript is not None
    path = directory / "script.R"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run([rscript, "--vanilla", str(path)], cwd=directory, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        pytest.fail(f"R failed ({done.returncode}):\n{done.stderr[-3000:]}")


#: R function writing ``svyby`` rates, SEs and logit CIs of ``variable`` by ``by`` to ``<name>.csv``.
R_RATES = r"""
suppressMessages(library(survey))
rates <- function(design, by, variable, name) {
  f <- as.formula(paste0("~", variable))
  g <- as.formula(paste0("~", by))
  est <- svyby(f, g, design, svymean, na.rm = TRUE)
  ci <- svyby(f, g, design, svyciprop, method = "logit", df = Inf, vartype = "ci", na.rm = TRUE)
  write.csv(data.frame(group = est[[by]], rate = est[[variable]], se = SE(est), ci_low = ci$ci_l,
                       ci_high = ci$ci_u), paste0(name, ".csv"), row.names = FALSE)
}
"""


def compare_rates(ours: pd.DataFrame, group: str, reference: Path) -> None:
    """Our table equals R's (``R_RATES`` output): rates to 1e-9, SEs to 1e-6 relative, CI bounds to 1e-6."""
    theirs = pd.read_csv(reference)
    ours = ours[ours["withheld"].isna()].reset_index(drop=True)
    assert ours[group].astype(str).tolist() == theirs["group"].astype(str).tolist()
    np.testing.assert_allclose(ours["rate"], theirs["rate"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["se"], theirs["se"], rtol=1e-6)
    # R's svyciprop refits a model inside each domain of a raked design and returns NaN for some units; where
    # it gives an interval, ours is the same.
    given = theirs["ci_low"].notna().to_numpy()
    assert given.sum() >= len(theirs) - 2
    np.testing.assert_allclose(ours["ci_low"][given], theirs["ci_low"][given], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours["ci_high"][given], theirs["ci_high"][given], rtol=0, atol=1e-6)


def assert_same_rows(exported: pd.DataFrame, stored: pd.DataFrame) -> None:
    """The same responses in any order: an export has no response id and shuffles the rows within a day and unit."""
    columns = [c for c in stored.columns if c != "response_id"]

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[columns].astype({c: object for c in columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
        return out.sort_values(columns, na_position="last", kind="stable").reset_index(drop=True)

    pd.testing.assert_frame_equal(ordered(exported), ordered(stored), check_categorical=False)


@pytest.fixture(scope="module")
def engines(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[sa.Engine]]:
    """An empty analysis database on SQLite and one on PostgreSQL, for one test module."""
    pg_url = postgres.create_database(template=None)
    found = [sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('reader') / 'survey.sqlite'}"),
             sa.create_engine(pg_url)]
    for engine in found:
        schema.metadata.create_all(engine)
    yield found
    for engine in found:
        engine.dispose()
    postgres.drop_database(pg_url)
