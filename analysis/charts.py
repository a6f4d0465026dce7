"""Charts of satisfaction results, drawn with matplotlib's object API (no pyplot, no global state).

Every function takes the table to draw and the texts to show (already translated by the caller, so the web
layer can pass Vietnamese or English) and returns a :class:`matplotlib.figure.Figure`; :func:`figure_bytes`
renders one to PNG or SVG. Texts are set in DejaVu Sans, which ships with matplotlib and has every
Vietnamese letter (ă, â, đ, ê, ô, ơ, ư with the five tone marks), whatever the local matplotlib settings.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

FONT = "DejaVu Sans"
#: Colours of the answers 1..5 (red to blue, readable with the common colour-vision deficiencies).
LIKERT_COLOURS = ("#ca0020", "#f4a582", "#d9d9d9", "#92c5de", "#0571b0")
VERDICT_COLOURS = {"meets": "#1a9641", "below": "#d7191c", "not_yet_known": "#7f7f7f"}
FORMATS = ("png", "svg")
#: Characters per line of a wrapped row label.
LABEL_WIDTH = 48
#: How a share is written on an axis or a label unless the caller gives its locale's way ("82,5 %").
Percent = Callable[[float], str]


def plain_percent(value: float) -> str:
    """The default axis text of a share: "80%"."""
    return f"{value:.0%}"


def _percent_axis(axis: object, percent: Percent) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _position: percent(value)))  # type: ignore[attr-defined]


def trend_limits(low: np.ndarray, high: np.ndarray, target: Sequence[float] = (), step: float = 0.05,
                 ) -> tuple[float, float]:
    """A rate axis that shows change: from the lowest bound (or target) to the highest, padded to ``step``.

    A trend between 78 % and 84 % drawn on 0–100 % looks flat; drawn on 75–85 % the change is visible.
    The range is never below 0 or above 1 and at least ``2 * step`` wide.
    """
    values = np.concatenate([np.asarray(low, float), np.asarray(high, float), np.asarray(target, float)])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    bottom = max(0.0, np.floor(values.min() / step) * step - step / 2)
    top = min(1.0, np.ceil(values.max() / step) * step + step / 2)
    if top - bottom < 2 * step:
        middle = (top + bottom) / 2
        bottom, top = max(0.0, middle - step), min(1.0, middle + step)
    return float(bottom), float(top)


def _style(ax: Axes, title: str, xlabel: str, ylabel: str = "") -> None:
    ax.set_title(title, fontfamily=FONT, loc="left")
    ax.set_xlabel(xlabel, fontfamily=FONT)
    ax.set_ylabel(ylabel, fontfamily=FONT)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(FONT)
    ax.spines[["top", "right"]].set_visible(False)


def likert_chart(
    distribution: pd.DataFrame,
    answer_labels: Sequence[str],
    item_labels: Mapping[str, str] | None = None,
    title: str = "",
    xlabel: str = "",
    percent: Percent = plain_percent,
) -> Figure:
    """Diverging stacked bars of the answers 1..5 per item, centred on the middle of the neutral answer.

    Parameters
    ----------
    distribution : DataFrame
        Rows = items, columns ``1..5`` holding shares (as :func:`analysis.indices.likert_distribution`).
    answer_labels : sequence of 5 str
        Legend texts of the answers 1..5.
    item_labels : Mapping or None
        Text shown for each item id (default: the id).
    """
    if len(answer_labels) != 5:
        raise ValueError(f"answer_labels: give 5 labels (answers 1..5), not {len(answer_labels)}")
    shares = distribution[[1, 2, 3, 4, 5]].to_numpy(dtype=float)
    labels = [textwrap.fill((item_labels or {}).get(str(i), str(i)), LABEL_WIDTH) for i in distribution.index]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = Figure(figsize=(10, 0.3 * lines + 0.25 * len(labels) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    rows = np.arange(len(labels))[::-1]
    start = -(shares[:, 0] + shares[:, 1] + shares[:, 2] / 2)
    left = start
    for k in range(5):
        ax.barh(rows, shares[:, k], left=left, color=LIKERT_COLOURS[k], label=answer_labels[k], height=0.7)
        left = left + shares[:, k]
    ax.axvline(0, color="#404040", linewidth=0.8)
    ax.set_yticks(rows, labels=labels)
    ends = np.abs(np.concatenate([start, left]))
    reach = float(np.nanmax(ends)) if np.any(np.isfinite(ends)) else 1.0
    limit = min(1.0, np.ceil(reach * 4) / 4 + 0.05)  # symmetric, to the next quarter
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: percent(abs(x))))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if xlabel else -0.06), ncols=5,
              prop={"family": FONT, "size": 8}, frameon=False)
    _style(ax, title, xlabel)
    return fig


def rates_chart(
    rates: pd.DataFrame,
    label: str,
    target: float | None = None,
    title: str = "",
    xlabel: str = "",
    target_label: str = "",
    withheld_label: str = "",
    percent: Percent = plain_percent,
) -> Figure:
    """Rates with their confidence intervals per group (one row each, the first on top), against a target.

    ``rates`` is a result of :func:`analysis.estimates.satisfaction_rates`; ``label`` names the column shown
    for each row. Points are coloured by ``verdict`` when present. Withheld groups show ``withheld_label``.
    With one ``target`` a dashed line marks it; without, a ``target`` column gives each row its own mark
    (sectors with different targets in one chart).
    """
    for column in (label, "rate", "ci_low", "ci_high"):
        if column not in rates.columns:
            raise ValueError(f"rates: no column {column!r}; pass a table from satisfaction_rates")
    fig = Figure(figsize=(8, 0.32 * len(rates) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    rows = np.arange(len(rates))[::-1]
    rate = rates["rate"].to_numpy(dtype=float, na_value=np.nan)
    low = rates["ci_low"].to_numpy(dtype=float, na_value=np.nan)
    high = rates["ci_high"].to_numpy(dtype=float, na_value=np.nan)
    verdict = rates["verdict"].astype(object).to_numpy() if "verdict" in rates.columns else [None] * len(rates)
    colours = [VERDICT_COLOURS.get(v, "#2b5d8a") if isinstance(v, str) else "#2b5d8a" for v in verdict]
    shown = ~np.isnan(rate)
    ax.hlines(rows[shown], low[shown], high[shown], colors=np.array(colours)[shown], linewidth=2)
    ax.scatter(rate[shown], rows[shown], c=np.array(colours)[shown], zorder=3, s=22)
    for row in rows[~shown]:
        ax.text(0.01, row, withheld_label, va="center", fontsize=8, color="#7f7f7f", fontfamily=FONT)
    if target is not None:
        ax.axvline(target, color="#404040", linestyle="--", linewidth=1)
        ax.text(target, len(rates) - 0.4, f" {target_label} {percent(target)}".rstrip(), fontsize=8,
                fontfamily=FONT)
    elif "target" in rates.columns:
        goals = rates["target"].to_numpy(dtype=float, na_value=np.nan)
        marked = np.isfinite(goals)
        ax.scatter(goals[marked], rows[marked], marker="|", s=220, color="#404040", linewidths=1.5, zorder=2,
                   label=target_label or None)
        if target_label and marked.any():
            ax.legend(loc="lower left", prop={"family": FONT, "size": 8}, frameon=False)
    ax.set_yticks(rows, labels=[textwrap.shorten(str(v), LABEL_WIDTH, placeholder="…") for v in rates[label]])
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis, percent)
    _style(ax, title, xlabel)
    return fig


def trend_chart(
    rates: pd.DataFrame,
    x: str,
    group: str | None = None,
    target: float | None = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    target_label: str = "",
    percent: Percent = plain_percent,
) -> Figure:
    """Rate across campaigns (``x``, in the order of the table) with a band for the confidence interval;
    one line per value of ``group`` if given.

    The rate axis spans the data and the target (:func:`trend_limits`), not 0–100 %, so that change shows.
    Without one ``target``, a ``target`` column draws each group's own target as a dashed line in its colour.
    """
    for column in (x, "rate", "ci_low", "ci_high", *([group] if group else [])):
        if column not in rates.columns:
            raise ValueError(f"rates: no column {column!r}")
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    positions = {value: i for i, value in enumerate(dict.fromkeys(rates[x]))}
    parts = [(None, rates)] if group is None else list(rates.groupby(group, sort=False, observed=True))
    for name, part in parts:
        where = part[x].map(positions).to_numpy(dtype=float)
        line = ax.plot(where, part["rate"].to_numpy(dtype=float, na_value=np.nan), marker="o",
                       label=None if name is None else str(name))
        ax.fill_between(where, part["ci_low"].to_numpy(dtype=float, na_value=np.nan),
                        part["ci_high"].to_numpy(dtype=float, na_value=np.nan), alpha=0.2,
                        color=line[0].get_color())
        goals = part["target"].dropna().unique() if target is None and "target" in part.columns else ()
        for goal in goals:
            name_text = "" if name is None else str(name) + ": "
            ax.axhline(float(goal), color=line[0].get_color(), linestyle="--", linewidth=1,
                       label=f"{name_text}{target_label} {percent(float(goal))}".strip() if target_label else None)
    if target is not None:
        ax.axhline(target, color="#404040", linestyle="--", linewidth=1,
                   label=f"{target_label} {percent(target)}" if target_label else None)
    ax.set_xticks(list(positions.values()), labels=[str(v) for v in positions])
    targets = [target] if target is not None else list(rates["target"]) if "target" in rates.columns else []
    ax.set_ylim(*trend_limits(rates["ci_low"].to_numpy(dtype=float, na_value=np.nan),
                              rates["ci_high"].to_numpy(dtype=float, na_value=np.nan), targets))
    _percent_axis(ax.yaxis, percent)
    if group is not None or target_label:
        ax.legend(prop={"family": FONT, "size": 8}, frameon=False)
    _style(ax, title, xlabel, ylabel)
    return fig


#: Odds ratios that may label the axis of a drivers chart (a log axis; the ones inside its range are shown).
ODDS_TICKS = (0.05, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0)
#: Colour of an element whose interval excludes "no association", and of one whose interval includes it.
DRIVER_COLOURS = ("#2b5d8a", "#a6a6a6")


def plain_number(value: float) -> str:
    """The default axis text of an odds ratio: "1.5", "2"."""
    return f"{value:g}"


def drivers_chart(
    drivers: pd.DataFrame,
    label: str,
    title: str = "",
    xlabel: str = "",
    caveat: str = "",
    note: str | None = "note",
    number: Callable[[float], str] = plain_number,
) -> Figure:
    """"What to fix first": each element's odds ratio per point with its interval, in the order of the table
    (rank 1 on top), on a log axis with a line at 1 (no association).

    ``drivers`` holds ``odds_ratio``, ``or_low`` and ``or_high`` (the exponentiated coefficient and interval of
    :func:`analysis.drivers.drivers`) and the ``label`` column; a row without an odds ratio (no model for its
    sector) shows the text of its ``note`` column instead. ``caveat`` is printed under the chart, so that the
    image carries "association, not cause" wherever it is copied to. Elements whose interval includes 1 are
    drawn in grey.
    """
    for column in (label, "odds_ratio", "or_low", "or_high"):
        if column not in drivers.columns:
            raise ValueError(f"drivers: no column {column!r}; give odds ratios with their interval")
    fig = Figure(figsize=(8, 0.32 * len(drivers) + 1.9), layout="constrained")
    ax = fig.add_subplot()
    rows = np.arange(len(drivers))[::-1]
    ratio = drivers["odds_ratio"].to_numpy(dtype=float, na_value=np.nan)
    low = drivers["or_low"].to_numpy(dtype=float, na_value=np.nan)
    high = drivers["or_high"].to_numpy(dtype=float, na_value=np.nan)
    shown = np.isfinite(ratio) & (ratio > 0)
    clear = np.isfinite(low) & ((low > 1) | (high < 1))
    colours = np.array([DRIVER_COLOURS[0] if c else DRIVER_COLOURS[1] for c in clear])
    ax.set_xscale("log")
    ends = np.concatenate([low[shown], high[shown], ratio[shown], [1.0]])
    ends = ends[np.isfinite(ends) & (ends > 0)]
    left, right = float(ends.min()) / 1.25, float(ends.max()) * 1.25
    ax.set_xlim(left, right)
    ax.hlines(rows[shown], low[shown], high[shown], colors=colours[shown], linewidth=2)
    ax.scatter(ratio[shown], rows[shown], c=colours[shown], zorder=3, s=22)
    ax.axvline(1.0, color="#404040", linestyle="--", linewidth=1)
    notes = drivers[note].astype(object).to_numpy() if note and note in drivers.columns else [""] * len(drivers)
    for row, text in zip(rows[~shown], np.asarray(notes, dtype=object)[~shown], strict=True):
        ax.text(left * 1.05, row, textwrap.shorten(str(text or ""), 90, placeholder="…"), va="center", fontsize=8,
                color="#7f7f7f", fontfamily=FONT, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ticks = [t for t in ODDS_TICKS if left <= t <= right]
    ax.set_xticks(ticks, labels=[number(t) for t in ticks])
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda _value, _position: ""))
    ax.set_yticks(rows, labels=[textwrap.shorten(str(v), LABEL_WIDTH, placeholder="…") for v in drivers[label]])
    ax.set_ylim(-0.6, max(len(drivers), 1) - 0.4)
    if caveat:
        fig.supxlabel(textwrap.fill(caveat, 110), x=0.01, ha="left", fontsize=8, fontstyle="italic",
                      fontfamily=FONT)
    _style(ax, title, xlabel)
    return fig


def figure_bytes(fig: Figure, format: str = "png", dpi: int = 150) -> bytes:
    """The figure rendered as PNG or SVG bytes (SVG text drawn as paths, without a creation date)."""
    if format not in FORMATS:
        raise ValueError(f"format: must be one of {FORMATS}, not {format!r}")
    buffer = io.BytesIO()
    metadata = {"Date": None} if format == "svg" else None
    fig.savefig(buffer, format=format, dpi=dpi, metadata=metadata)
    return buffer.getvalue()
