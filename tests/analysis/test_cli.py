"""``python -m analysis``: options documented, a report written from a database or a CSV export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

import questionnaires
from analysis.__main__ import main
from analysis.data import export_csv, read_database
from analysis.margins import read_margins, with_not_stated
from analysis.simulation import simulate_survey, write_database
from analysis.weights import design_weights

from .conftest import R_RATES, compare_rates, run_r

OPTIONS = ["--db", "--csv", "--campaign", "--out", "--margins", "--by", "--item", "--questionnaires", "--trim",
           "--unweighted", "--no-calibration", "--no-fpc", "--min-n", "--level", "--ci", "--labels", "--format"]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """A database of 3 000 responses to the shipped questionnaires, its CSV export and census margins."""
    directory = tmp_path_factory.mktemp("cli")
    survey = simulate_survey(3000, 9, np.random.default_rng(7), questionnaires=questionnaires.load_directory())
    url = "sqlite:///" + str(directory / "survey.sqlite")
    write_database(survey, url)
    export = directory / "export.csv"
    export_csv(url, 1, export, survey.questionnaires)
    margins = directory / "census.yaml"
    margins.write_text(yaml.safe_dump({"margins": survey.margins}), encoding="utf-8")
    return url, export, margins


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert [option for option in OPTIONS if option not in text] == []


def test_report_from_the_database(shipped: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, _, margins = shipped
    assert main(["--db", url, "--campaign", "1", "--margins", str(margins), "--by", "unit", "sector", "area",
                 "--out", str(tmp_path), "--format", "png"]) == 0
    units = pd.read_csv(tmp_path / "rates_by_unit.csv")
    assert len(units) == 9
    assert set(units["verdict"]) <= {"meets", "below", "not_yet_known"}
    assert set(units.loc[units["sector"] == "one_stop", "target"]) == {0.9}
    for name in ("rates_by_sector.csv", "rates_by_area.csv", "weights.csv", "sample_size.csv",
                 "rates_by_unit.png", "answers_one_stop.png", "indices_health.csv"):
        assert (tmp_path / name).exists(), name
    assert not (tmp_path / "rates_by_unit.svg").exists()
    sheets = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True).sheetnames
    assert {"rates_by_unit", "weights", "sample_size"} <= set(sheets)


def test_report_from_the_csv_export_equals_the_database_one(shipped: tuple[str, Path, Path], tmp_path: Path
                                                            ) -> None:
    url, export, _ = shipped
    assert main(["--csv", str(export), "--campaign", "1", "--by", "sector", "--out", str(tmp_path / "csv"),
                 "--format", "svg"]) == 0
    assert main(["--db", url, "--campaign", "1", "--by", "sector", "--out", str(tmp_path / "db"),
                 "--format", "svg"]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "csv" / "rates_by_sector.csv"),
                                  pd.read_csv(tmp_path / "db" / "rates_by_sector.csv"))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--campaign", "99"], "--campaign: no responses for campaign 99"),
        (["--campaign", "1", "--trim", "5"], "--trim: needs --margins"),
    ],
)
def test_errors_exit_with_status_two(shipped: tuple[str, Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str], arguments: list[str], message: str) -> None:
    url, _, _ = shipped
    with pytest.raises(SystemExit) as done:
        main(["--db", url, "--out", str(tmp_path), *arguments])
    assert done.value.code == 2
    assert message in capsys.readouterr().err


R_CLI = R_RATES + r"""
options(survey.lonely.psu = "fail")
d <- read.csv("in.csv", stringsAsFactors = FALSE, na.strings = "")
d$sat <- ifelse(is.na(d$overall), NA, as.numeric(d$overall %in% 4:5))
m <- read.csv("margins.csv", stringsAsFactors = FALSE)
margins <- unique(m$variable)
pop <- function(v, total) {
  x <- m[m$variable == v, ]
  out <- data.frame(x$category, x$share * total)
  names(out) <- c(v, "Freq")
  out
}
raking <- function(design) rake(design, lapply(margins, function(v) as.formula(paste0("~", v))),
                                lapply(margins, pop, total = sum(d$base)),
                                control = list(maxit = 1000, epsilon = 1e-13))
raked <- raking(svydesign(ids = ~1, strata = ~unit_id, fpc = ~N, weights = ~base, data = d))
rates(raked, "sector", "sat", "calibrated_fpc")
d$final <- weights(raked)
rates(svydesign(ids = ~1, weights = ~final, data = d), "sector", "sat", "fixed")
"""


def test_report_standard_errors_are_calibrated_and_finite_population_as_r(
        shipped: tuple[str, Path, Path], tmp_path: Path) -> None:
    """By default the CLI's SEs are R's on the raked, unit-stratified design with each unit's volume as its
    population; with --no-calibration --no-fpc they are R's with the raked weights taken as fixed."""
    url, _, margins_file = shipped
    assert main(["--db", url, "--campaign", "1", "--margins", str(margins_file), "--by", "sector",
                 "--out", str(tmp_path / "default"), "--format", "svg"]) == 0
    assert main(["--db", url, "--campaign", "1", "--margins", str(margins_file), "--by", "sector",
                 "--no-calibration", "--no-fpc", "--out", str(tmp_path / "fixed"), "--format", "svg"]) == 0
    frame = read_database(url, 1, questionnaires.load_directory())
    base = design_weights(frame, "service_volume")
    filled, margins, _ = with_not_stated(frame, read_margins(margins_file), base)
    written = filled[["unit_id", "sector", "overall", *margins]].assign(base=base.to_numpy())
    # A unit that served fewer people than it has respondents gets no correction: an infinite population in R.
    respondents = written.groupby("unit_id")["unit_id"].transform("size")
    volume = frame["service_volume"].astype(float)
    written["N"] = np.where(volume >= respondents, volume, 1e15)
    written.to_csv(tmp_path / "in.csv", index=False, float_format="%.17g")
    rows = [(v, c, s) for v, shares in margins.items() for c, s in shares.items()]
    pd.DataFrame(rows, columns=["variable", "category", "share"]).to_csv(
        tmp_path / "margins.csv", index=False, float_format="%.17g")
    run_r(R_CLI, tmp_path)
    default = pd.read_csv(tmp_path / "default" / "rates_by_sector.csv", keep_default_na=False, na_values=[""])
    fixed = pd.read_csv(tmp_path / "fixed" / "rates_by_sector.csv", keep_default_na=False, na_values=[""])
    compare_rates(default, "sector", tmp_path / "calibrated_fpc.csv")
    compare_rates(fixed, "sector", tmp_path / "fixed.csv")
    assert not np.allclose(default["se"], fixed["se"], rtol=1e-3)
