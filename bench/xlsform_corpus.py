"""Run the XLSForm converter on every workbook of a folder and print what became of each.

    PYTHONPATH=. python3 bench/xlsform_corpus.py FOLDER [--sector one_stop --target 0.9] [--verbose]

Outcomes: ``converted``; ``needs overall`` (refused only because no question is marked as the overall
satisfaction one: such forms are not satisfaction surveys, and convert with ``--overall``); ``refused``
(problems, each naming sheet, row and column); ``traceback`` (the
converter raised: always a bug); ``silent loss`` (converted, but a non-blank survey row became neither an
item, a section nor a warning). Rows are counted here from the cells, independently of the converter's own
accounting. The last lines are the totals and the problem codes by frequency.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
import traceback
import warnings
from pathlib import Path

from questionnaires.xlsform import Conversion, Options, convert
from questionnaires.xlsform.dialect import column
from questionnaires.xlsform.reader import read_book

SUFFIXES = (".xlsx", ".xls", ".xlsm", ".csv")


def survey_rows(path: Path) -> set[int]:
    """Rows of the survey sheet under its header with any value in a column that has a header."""
    book, _ = read_book(path)
    if book is None or "survey" not in book.sheets:
        return set()
    sheet = book.sheets["survey"]
    numbers = sorted(sheet.rows)
    if not numbers:
        return set()
    header = sheet.rows[numbers[0]]
    named = {index for index, cell in enumerate(header) if cell is not None and column(cell).base}
    return {number for number in numbers[1:]
            if any(value is not None and index in named for index, value in enumerate(sheet.rows[number]))}


FILE_CODES = ("not_workbook", "not_workbook_text", "damaged_workbook", "missing_sheet")
#: Refusals for what a satisfaction survey here does not have (or for what XLSForm cannot say).
FEATURE_CODES = {"unsupported_feature", "unsupported_relevant", "give_overall", "no_questions", "too_few_options"}


def pyxform_accepts(path: Path) -> bool:
    from pyxform.xls2xform import convert as xls2xform

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xls2xform(xlsform=str(path), validate=False)
    except Exception:  # noqa: BLE001 - any refusal of pyxform's counts as one
        return False
    return True


def run(path: Path, args: argparse.Namespace, codes: collections.Counter[str]) -> tuple[str, str, Conversion | None]:
    """``(outcome, detail, conversion)`` of one workbook; ``codes`` counts the problems of refusals."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            conversion = convert(path, Options(sector=args.sector, target=args.target))
        except Exception:  # noqa: BLE001 - counting them is the point
            return "traceback", traceback.format_exc().strip().splitlines()[-1], None
    if conversion.questionnaire is not None:
        lost = sorted(survey_rows(path) - set(conversion.rows))
        if lost:
            return "silent loss", f"rows {lost[:8]}", conversion
        return "converted", f"{len(conversion.questionnaire.items)} items, {len(conversion.warnings)} warnings", \
            conversion
    found = collections.Counter(problem.code for problem in conversion.problems)
    codes.update(found)
    detail = ", ".join(f"{code}×{count}" for code, count in found.most_common(4))
    if set(found) == {"give_overall"}:  # converts once --overall names the satisfaction question
        lost = sorted(survey_rows(path) - set(conversion.rows))
        return ("silent loss", f"rows {lost[:8]}", conversion) if lost else ("needs overall", detail, conversion)
    return "refused", detail, conversion


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sector", default="one_stop")
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--verbose", action="store_true", help="print every problem and warning")
    parser.add_argument("--pyxform", action="store_true",
                        help="also ask pyxform (without ODK Validate) whether it accepts each workbook")
    args = parser.parse_args()
    files = sorted(path for path in args.folder.rglob("*") if path.suffix.lower() in SUFFIXES)
    totals: collections.Counter[str] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    unlocated = 0
    started = time.perf_counter()
    print(f"{'workbook':70} {'outcome':12} {'s':>5}  detail")
    for path in files:
        began = time.perf_counter()
        outcome, detail, conversion = run(path, args, codes)
        seconds = time.perf_counter() - began
        unlocated += sum(1 for problem in (conversion.problems if conversion else []) if problem.line == 0
                         and ":" not in problem.file.rsplit("/", 1)[-1] and problem.code not in FILE_CODES)
        totals[outcome] += 1
        name = str(path.relative_to(args.folder))
        if args.pyxform:
            accepted = pyxform_accepts(path)
            detail = f"[pyxform {'accepts' if accepted else 'refuses'}] {detail}"
            if accepted and conversion is not None and conversion.questionnaire is None:
                ours = {problem.code for problem in conversion.problems}
                if not ours <= FEATURE_CODES:
                    totals["pyxform accepts, refused beyond features"] += 1
        print(f"{name[:70]:70} {outcome:12} {seconds:5.2f}  {detail}")
        if args.verbose and conversion is not None:
            for problem in conversion.problems:
                print(f"    {problem}")
            for warning in conversion.warnings:
                print(f"    warning: {warning}")
    print()
    print(f"{len(files)} workbooks in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{outcome} {totals[outcome]}" for outcome in
                      ("converted", "needs overall", "refused", "traceback", "silent loss")))
    print(f"problems without a sheet and row: {unlocated}")
    if args.pyxform:
        print(f"accepted by pyxform but refused for more than unsupported features: "
              f"{totals['pyxform accepts, refused beyond features']}")
    print("refusals by problem: " + ", ".join(f"{code} {count}" for code, count in codes.most_common()))
    return 1 if totals["traceback"] or totals["silent loss"] else 0


if __name__ == "__main__":
    sys.exit(main())
