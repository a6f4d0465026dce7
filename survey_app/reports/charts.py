"""Chart images of the reports: figures drawn by :mod:`analysis.charts`, rendered to PNG and cached.

The figures are drawn from the very tables the page shows (rows withheld for too few respondents are left out
before drawing, so no bar of a small group exists), with labels translated in the reader's language. A PNG is
cached by content: under (kind, locale, sort, digest of the table it is drawn from). The tables themselves are
cached until the campaign's data change (see :mod:`survey_app.reports.cache`); a new response that leaves a
chart's figures as they were (an answer in another unit, or one that moves no rounded figure) serves the same
image without drawing it again.
Each chart is shown above its table, which is its text alternative.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pandas as pd
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires.model import LIKERT_LABELS

from .. import formats
from ..models import Campaign
from .cache import report_cache
from .report import province_report, unit_report
from .standing import official_keys
from .table import SECTORS, Table, hidden
from .unit_tables import LIKERT_KEYS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .report import ProvinceReport

MIN_HEIGHT_INCHES = 3.2
PROVINCE_KINDS = ("sectors", "units", "areas", "trend", "drivers")
UNIT_KINDS = ("dimensions", "items", "trend")
#: The columns the province's unit table can be sorted by (``?sort=``), which the units chart follows.
UNIT_SORTS = ("name", "sector", "area", "rank", "rate", "ci_low", "verdict", "n")
ALT_TEXTS = {
    "sectors": _l("Chart of the satisfaction rate of each sector with its confidence interval and target."),
    "units": _l("Chart of the satisfaction rate of each unit with its confidence interval and target."),
    "areas": _l("Chart of the satisfaction rate of each area with its confidence interval and target."),
    "trend": _l("Chart of the satisfaction rate with its confidence interval in this campaign and the earlier "
                "ones, against the target."),
    "drivers": _l("Chart of how strongly each element's score goes with being satisfied overall, strongest first, "
                  "with its confidence interval."),
    "dimensions": _l("Chart of the share of satisfied answers in each dimension of the service."),
    "items": _l("Chart of the answers to each question, from very dissatisfied to very satisfied."),
}


def alt_text(kind: str) -> str:
    """A short description of the chart for screen readers; the table below it holds the figures."""
    return str(ALT_TEXTS[kind])


def province_images(campaign: Campaign, report: ProvinceReport) -> dict[str, bytes]:
    """The PNG of every province chart whose table the report has (no areas chart for a two-tier campaign)."""
    return {kind: province_chart(campaign, kind) for kind in PROVINCE_KINDS if kind in report.tables()}


def province_chart(campaign: Campaign, kind: str, sort: str | None = None) -> bytes:
    """PNG of one province chart (cached; see the module docstring); ``sort`` orders the units chart as the
    table beside it (``?sort=`` of the page)."""
    sort = sort if sort and sort.lstrip("-") in UNIT_SORTS else None  # no cache entry per made-up value
    table = province_report(campaign, sort=sort).tables()[kind]
    key = ("chart", "province", kind, sort, str(get_locale()), content_digest(table))
    return report_cache().get_or_build(key, lambda: _png(_province_figure(campaign, kind, sort)))


def unit_chart(campaign: Campaign, unit_id: int, kind: str) -> bytes:
    """PNG of one unit chart (cached; see the module docstring)."""
    table = unit_report(campaign, unit_id).tables()[kind]
    key = ("chart", "unit", kind, str(get_locale()), content_digest(table))
    return report_cache().get_or_build(key, lambda: _png(_unit_figure(campaign, unit_id, kind)))


def content_digest(table: Table) -> str:
    """A digest of everything a chart is drawn from: the table's title and its drawable rows."""
    text = drawable(table).to_csv(index=False)
    return hashlib.sha256(f"{table.name}\n{table.title}\n{text}".encode()).hexdigest()


def _png(figure: Figure) -> bytes:
    """PNG bytes; a figure of one or two rows is made taller first, or its title and labels leave no room."""
    from analysis.charts import figure_bytes

    width, height = figure.get_size_inches()
    figure.set_size_inches(width, max(height, MIN_HEIGHT_INCHES))
    return figure_bytes(figure, "png", dpi=110)


def drawable(table: Table) -> pd.DataFrame:
    """The table's frame with every figure of a withheld row blanked, whatever ``analysis`` left in it."""
    frame = table.frame.copy()
    withheld = [hidden(row) for row in frame.to_dict("records")]
    figures = [c for c in ("rate", "ci_low", "ci_high", "share_satisfied") if c in frame.columns]
    frame.loc[withheld, figures] = float("nan")
    if "verdict" in frame.columns and "target" in frame.columns:
        frame["verdict"] = official_keys(frame)  # bars coloured as the badges: the official verdict
    return frame


def _common_target(frame: pd.DataFrame) -> float | None:
    """One target line when every row has the same target; none when sectors with other targets are mixed."""
    targets = set(frame["target"].dropna()) if "target" in frame.columns else set()
    return float(targets.pop()) if len(targets) == 1 else None


def _percent(value: float) -> str:
    """Axis and label texts of a share in the reader's conventions ("80 %" in Vietnamese, "80%" in English)."""
    return formats.percent(value, decimals=0)


def _texts(frame: pd.DataFrame) -> dict[str, object]:
    target = _common_target(frame)
    return {
        "target": target, "target_label": _("Target"), "percent": _percent,
        "xlabel": _("Satisfaction rate with its %(level)s confidence interval", level=_percent(0.95))
        if target is not None else
        _("Satisfaction rate with its %(level)s confidence interval; colour: verdict against each target",
          level=_percent(0.95)),
    }


def _rates_chart(frame: pd.DataFrame, **options: object) -> Figure:
    """:func:`analysis.charts.rates_chart` with the vertical range fixed to hold every row and the target's label
    (left to autoscaling, a single row shrinks the range so much that the label pushes the axes to nothing)."""
    from analysis import charts as drawing

    figure = drawing.rates_chart(frame, **options)  # type: ignore[arg-type]
    figure.axes[0].set_ylim(-0.6, max(len(frame), 1) - 0.1)
    return figure


def _province_figure(campaign: Campaign, kind: str, sort: str | None = None) -> Figure:
    from analysis import charts as drawing

    table = province_report(campaign, sort=sort).tables()[kind]
    frame = drawable(table)
    sectors = [str(SECTORS.get(s, s)) for s in frame["sector"]]
    if kind == "trend":
        return drawing.trend_chart(frame.assign(series=sectors), x="campaign", group="series", title=str(table.title),
                                   target=_common_target(frame), target_label=_("Target"),
                                   ylabel=_("Satisfaction rate"), percent=_percent)
    if kind == "drivers":
        return _drivers_figure(frame.assign(label=[
            f"{s} – {e}" if isinstance(e, str) and e else s
            for s, e in zip(sectors, frame["element_name"].astype(object), strict=True)]), str(table.title))
    if kind == "units":  # top to bottom in the order of the table beside it
        frame = frame.assign(label=frame["name"])
    elif kind == "areas":
        frame = frame.assign(label=[f"{d} – {s}" for d, s in zip(frame["area"], sectors, strict=True)])
    else:
        frame = frame.assign(label=sectors)
    return _rates_chart(frame, label="label", title=str(table.title),
                        withheld_label=_("Fewer than 5 respondents: not shown"), **_texts(frame))


def _odds(value: float) -> str:
    """An odds ratio on the axis in the reader's conventions ("1,5" in Vietnamese)."""
    return formats.number(value, decimals=0 if float(value).is_integer() else 2 if value < 0.1 else 1)


def _drivers_figure(frame: pd.DataFrame, title: str) -> Figure:
    """The "what to fix first" table as a ranked chart, rows in the table's order, with its caveat."""
    from analysis import charts as drawing

    return drawing.drivers_chart(
        frame, label="label", title=title, number=_odds,
        xlabel=_("Odds of being satisfied overall, per point more on the element, with its %(level)s confidence "
                 "interval (1: no association)", level=_percent(0.95)),
        caveat=_("An association in these answers, not a cause: it does not prove that improving an element "
                 "would raise satisfaction."))


def _unit_figure(campaign: Campaign, unit_id: int, kind: str) -> Figure:
    from analysis import charts as drawing

    report = unit_report(campaign, unit_id)
    table = report.tables()[kind]
    frame = drawable(table)
    withheld = _("Fewer than 5 respondents: not shown")
    if kind == "trend":
        return drawing.trend_chart(frame, x="campaign", title=str(table.title), target=_common_target(frame),
                                   target_label=_("Target"), ylabel=_("Satisfaction rate"), percent=_percent)
    if kind == "dimensions":
        # Indices have no interval: the chart shows each dimension's share satisfied as a point.
        points = frame.assign(rate=frame["share_satisfied"], ci_low=float("nan"), ci_high=float("nan"))
        return _rates_chart(points, label="dimension", title=str(table.title), withheld_label=withheld,
                            xlabel=_("Share of satisfied answers"), percent=_percent)
    shown = frame.loc[[not hidden(row) for row in frame.to_dict("records")]]
    distribution = shown.set_index("item")[list(LIKERT_KEYS)]
    distribution.columns = [1, 2, 3, 4, 5]
    return drawing.likert_chart(distribution, answer_labels=[_(text) for _value, text in LIKERT_LABELS],
                                item_labels=dict(zip(shown["item"], shown["question"], strict=True)),
                                title=str(table.title), xlabel=_("Share of answers"), percent=_percent)
