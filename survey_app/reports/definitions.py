"""What each column of a report table means, in words, for the "Definitions" sheet of every Excel export.

A workbook travels without the page it came from: the reader who opens "Khoảng tin cậy 95 %" in a forwarded
file has no method note beside it. The sheet says what each column holds, how a rate is weighted and how a
verdict is reached, so the file can be read on its own. Definitions are keyed by the column's ``key``
(:class:`~survey_app.reports.table.Column`); a few keys mean something else in one table and are keyed by
``(table name, key)`` there.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import formats
from .table import Table

COLUMNS: dict[str, Any] = {
    "name": _l("The unit: a one-stop shop, a hospital or health station, or a school."),
    "sector": _l("The sector the unit belongs to; each sector has its own target."),
    "area": _l("The area (district before the 2025 reform) the unit lies in."),
    "campaign": _l("The survey campaign (one period of collection)."),
    "rate": _l("Share of the valid answers to the overall question that are \"satisfied\" or \"very satisfied\", "
               "weighted as described below, in percent with one decimal."),
    "ci_low": _l("The range that holds the true rate with a certainty of 95 in 100, given the number of answers "
                 "(lower and upper bound, in percent)."),
    "target": _l("The satisfaction the provincial plan asks of the sector, in percent."),
    "verdict": _l("The official verdict (the rate against the target, with the plan's inequality) and how certain "
                  "the answers make it."),
    "respondents": _l("People who answered the questionnaire (a whole number)."),
    "n": _l("Answers that count towards the rate: \"not applicable\" and unanswered questions are left out."),
    "withheld": _l("Why a row shows no figure: groups of fewer than 5 respondents are never shown."),
    "rank": _l("Place of the unit among the units of its sector, 1 being the most satisfied."),
    "dimension": _l("A group of questions about one aspect of the service (access, procedures, staff…)."),
    "share_satisfied": _l("Share of the answers to the group's questions that are \"satisfied\" or \"very "
                          "satisfied\", in percent."),
    "mean_score": _l("Average answer on the scale of 1 (very dissatisfied) to 5 (very satisfied)."),
    "index": _l("The mean score moved to a scale of 0 to 10: (mean − 1) × 2.5."),
    "question": _l("The question as the respondents read it."),
    "answer_1": _l("Share of the answers that are \"very dissatisfied\", in percent."),
    "answer_2": _l("Share of the answers that are \"dissatisfied\", in percent."),
    "answer_3": _l("Share of the answers that are \"neither satisfied nor dissatisfied\", in percent."),
    "answer_4": _l("Share of the answers that are \"satisfied\", in percent."),
    "answer_5": _l("Share of the answers that are \"very satisfied\", in percent."),
    "rate_earlier": _l("The rate in the previous campaign, in percent."),
    "rate_later": _l("The rate in this campaign, in percent."),
    "points": _l("This campaign's rate minus the previous one's, in percentage points."),
    "change_verdict": _l("Whether the change is larger than chance alone would give (a certainty of 95 in 100)."),
    "element_name": _l("An aspect of the service whose answers go with overall satisfaction."),
    "odds_ratio": _l("How much the odds of being satisfied overall rise for one point more on this aspect "
                     "(above 1: the aspect matters)."),
    "note": _l("A remark on the row."),
    "rate_design": _l("The rate weighted by the number of people each unit served, in percent."),
    "se_design": _l("Standard error of that rate, in percentage points."),
    "rate_raked": _l("The rate weighted as well to the census shares of gender and age (raking), in percent."),
    "se_raked": _l("Standard error of that rate, in percentage points."),
    "comment": _l("What a respondent wrote, as written; comments hidden by moderation are left out."),
}
BY_TABLE: dict[tuple[str, str], Any] = {
    ("shares", "rate"): _l("Share of the answers that are \"yes\", weighted like the rates, in percent."),
    ("shares", "n"): _l("Answers to the question (unanswered ones left out)."),
    ("items", "n"): _l("Answers to the question (\"not applicable\" and unanswered ones left out)."),
}
WEIGHTING = _l(
    "Weighting: a unit's rate is the share of its respondents who are satisfied. Rates of a sector, an area or the "
    "province count each unit for the number of people it served in the period (its service volume divided by "
    "its respondents), so a large hospital weighs more than a small school; where the province has census "
    "figures, the answers are also adjusted to the population's shares of gender and age. The intervals allow "
    "for the sampling within each unit.")
def definition(table: Table, key: str) -> str:
    """The definition of one column, or "" when none is written."""
    text = BY_TABLE.get((table.name, key), COLUMNS.get(key))
    return str(text) if text is not None else ""


def general() -> list[str]:
    """The paragraphs under the column definitions: the weighting and the target rule in words."""
    targets = _("Targets: at least %(one_stop)s satisfied for one-stop shops (administrative services), more than "
                "%(other)s for hospitals and schools, as the provincial plans state them. A rate reaches its target "
                "when the rate itself meets that inequality; the certainty line says whether the answers so far are "
                "enough to be sure.", one_stop=formats.percent(0.90, decimals=0),
                other=formats.percent(0.80, decimals=0))
    return [str(WEIGHTING), targets]
