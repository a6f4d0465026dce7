"""Command line: ``python -m analysis --db URL|--csv FILE --campaign ID --out DIR [options]``.

Loads one campaign, weights it (unit volume / respondents, then raking to census margins if given), and
writes the report of :mod:`analysis.report`: tables as CSV and one XLSX workbook, charts as PNG and SVG. The
standard errors are those of the web reports: calibrated on the raking margins, and stratified by unit with the
finite population correction from each unit's service volume (``--no-calibration``, ``--no-fpc`` turn either
off).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Weighted satisfaction rates, confidence intervals and verdicts for one survey campaign.",
        epilog="Example: python -m analysis --db sqlite:///instance/survey.sqlite --campaign 3 "
               "--margins census.yaml --by unit sector area --out out/campaign3",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", metavar="URL", help="SQLAlchemy database URL of the survey application, e.g. "
                        "sqlite:///instance/survey.sqlite or postgresql+psycopg://user@host/survey")
    source.add_argument("--csv", metavar="FILE", type=Path, help="CSV export of the survey application "
                        "('flask responses export'); only the rows of --campaign are used")
    parser.add_argument("--campaign", metavar="ID", type=int, required=True, help="campaign id to analyse")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True,
                        help="directory for the tables (CSV, report.xlsx) and charts (PNG, SVG); created if needed")
    parser.add_argument("--margins", metavar="FILE", type=Path,
                        help="census margins to rake to, YAML or JSON: {gender: {male: 0.49, female: 0.51}, "
                        "age_group: {...}, ethnicity: {...}}; shares of each margin sum to 1. Without it the "
                        "weights are unit volume / respondents only")
    parser.add_argument("--by", nargs="+", choices=("unit", "sector", "area"), default=["unit", "sector"],
                        help="groupings to report rates for (default: unit sector); area (a district before the "
                        "2025 reform) is reported by area and sector, since the targets differ by sector")
    parser.add_argument("--item", default="overall", help="Likert item the satisfaction rate is built on "
                        "(default: overall)")
    parser.add_argument("--questionnaires", metavar="DIR", type=Path,
                        help="directory of questionnaire YAML files (default: the shipped ones); gives item types, "
                        "dimensions and targets")
    parser.add_argument("--trim", metavar="K", type=float,
                        help="cap weights at K x median weight and re-rake (needs --margins), e.g. 5")
    parser.add_argument("--unweighted", action="store_true",
                        help="ignore unit volumes and margins: every respondent counts once, and the standard "
                        "errors are those of a simple random sample")
    parser.add_argument("--no-calibration", dest="calibrate", action="store_false",
                        help="with --margins: treat the raked weights as fixed in the standard errors. By default "
                        "the SEs take the raking into account, as R svyby(..., rake(design, ...), svymean)")
    parser.add_argument("--no-fpc", dest="finite_population", action="store_false",
                        help="no strata and no finite population correction. By default each unit is a stratum "
                        "whose population is its service volume (column service_volume), as R svydesign(ids=~1, "
                        "strata=~unit_id, fpc=~service_volume, weights=~w); units with an unknown volume, or "
                        "fewer people served than respondents, get no correction and a note in the tables")
    parser.add_argument("--min-n", metavar="N", type=int, default=5,
                        help="withhold estimates of groups with fewer than N answers (default: 5)")
    parser.add_argument("--level", type=float, default=0.95, help="confidence level (default: 0.95)")
    parser.add_argument("--ci", choices=("logit", "wilson"), default="logit",
                        help="confidence interval: logit (as R svyciprop, default) or wilson on the effective n")
    parser.add_argument("--labels", metavar="FILE", type=Path,
                        help="YAML or JSON mapping of chart texts, to translate them (keys as analysis.report.LABELS)")
    parser.add_argument("--format", nargs="+", choices=("png", "svg"), default=["png", "svg"],
                        help="chart formats (default: png svg)")
    return parser


def _load_mapping(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)


def _questionnaires(directory: Path | None) -> Any:
    """Questionnaires from ``directory`` or the shipped ones; None (types inferred) when none can be loaded."""
    try:
        from questionnaires import load_directory
    except ImportError:
        if directory is not None:
            raise ValueError("--questionnaires: the questionnaires package has no load_directory()") from None
        return None
    return load_directory(directory) if directory is not None else load_directory()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 on success, 2 on a usage or data error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    from . import data, report
    from .margins import read_margins

    try:
        questionnaires = _questionnaires(args.questionnaires)
        if args.db:
            df = data.read_database(args.db, args.campaign, questionnaires)
        else:
            df = data.read_csv(args.csv, questionnaires)
            df = df[df["campaign_id"] == args.campaign].reset_index(drop=True)
        if df.empty:
            raise ValueError(f"--campaign: no responses for campaign {args.campaign}")
        margins = read_margins(args.margins) if args.margins else None
        if args.trim and not margins:
            raise ValueError("--trim: needs --margins (trimming is followed by raking)")
        design = report.report_design(df, margins, args.trim, args.unweighted, args.calibrate,
                                      args.finite_population)
        labels = _load_mapping(args.labels) if args.labels else None
        result = report.build_report(design.frame, design.weights, questionnaires, args.by, args.item, args.min_n,
                                     args.level, args.ci, labels, design.options())
        written = report.write_report(result, args.out, args.format)
    except (ValueError, OSError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    print(f"{len(df)} responses of campaign {args.campaign}: wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
