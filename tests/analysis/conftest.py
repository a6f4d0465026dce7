"""Fixtures of the analysis tests: small synthetic surveys, and running R scripts for reference numbers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data import tidy
from analysis.database import LEADING_COLUMNS
from analysis.simulation import SimulatedSurvey, simulate_survey
from tests.conftest import require


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
