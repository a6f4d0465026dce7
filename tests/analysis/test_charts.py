"""Charts: matplotlib Figures built without pyplot, PNG and SVG bytes, Vietnamese text."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.font_manager as fm
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from analysis.charts import FONT, figure_bytes, likert_chart, rates_chart, trend_chart

VIETNAMESE = "ĂăÂâĐđÊêÔôƠơƯư àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ ÝỲỴỶỸ"
LABELS = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]


@pytest.fixture
def rates() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_name": ["Bộ phận Một cửa xã Đông", "Trường Tiểu học Nậm Mười", "Trạm Y tế Ỷ La"],
        "rate": [0.93, 0.71, float("nan")], "ci_low": [0.905, 0.62, float("nan")],
        "ci_high": [0.95, 0.79, float("nan")], "verdict": ["meets", "below", "not_yet_known"],
        "campaign": ["Quý I", "Quý II", "Quý III"],
    })


def test_dejavu_sans_has_every_vietnamese_letter() -> None:
    font = FT2Font(fm.findfont(fm.FontProperties(family=FONT), fallback_to_default=False))
    missing = [c for c in VIETNAMESE if not c.isspace() and font.get_char_index(ord(c)) == 0]
    assert missing == []


def test_likert_chart_renders_png_and_svg() -> None:
    distribution = pd.DataFrame({1: [0.1, 0.0], 2: [0.1, 0.2], 3: [0.2, 0.2], 4: [0.3, 0.4], 5: [0.3, 0.2]},
                                index=["staff", "overall"])
    figure = likert_chart(distribution, LABELS, {"staff": "Thái độ của công chức"}, title="Mức độ hài lòng")
    assert isinstance(figure, Figure)
    assert figure_bytes(figure, "png").startswith(b"\x89PNG")
    svg = figure_bytes(figure, "svg")
    assert b"<svg" in svg and b"<dc:date>" not in svg


def test_rates_chart_with_target_and_withheld_rows(rates: pd.DataFrame) -> None:
    figure = rates_chart(rates, "unit_name", target=0.9, title="Tỷ lệ hài lòng", target_label="Mục tiêu",
                         withheld_label="ít hơn 5 người trả lời")
    texts = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert texts == ["Bộ phận Một cửa xã Đông", "Trường Tiểu học Nậm Mười", "Trạm Y tế Ỷ La"]
    assert figure_bytes(figure).startswith(b"\x89PNG")
    assert all(t.get_fontfamily() == [FONT] for t in figure.axes[0].texts)


def test_trend_chart(rates: pd.DataFrame) -> None:
    figure = trend_chart(rates, "campaign", target=0.9, title="Xu hướng", target_label="Mục tiêu")
    assert figure_bytes(figure, "svg").startswith(b"<?xml")


def test_errors_name_the_argument(rates: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="format: must be one of"):
        figure_bytes(Figure(), "gif")
    with pytest.raises(ValueError, match="rates: no column 'area'"):
        rates_chart(rates, "area")
    with pytest.raises(ValueError, match="answer_labels: give 5 labels"):
        likert_chart(pd.DataFrame({1: [1.0], 2: [0.0], 3: [0.0], 4: [0.0], 5: [0.0]}), LABELS[:2])


def test_the_library_never_imports_pyplot() -> None:
    code = "import analysis, analysis.charts, analysis.report, sys; print('matplotlib.pyplot' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _tick_texts(axis) -> list[str]:  # type: ignore[no-untyped-def]
    figure = axis.get_figure()
    figure.canvas.draw() if hasattr(figure.canvas, "draw") else None
    return [label.get_text() for label in axis.get_ticklabels() if label.get_text()]


def test_trend_axis_shows_change_and_the_target() -> None:
    """Rates of 78 % → 84 % with the 80 % target: the axis spans 75–85 % or so, not 0–100 %, and the target is
    a line on it."""
    trend = pd.DataFrame({"campaign": ["Quý I", "Quý II"], "rate": [0.78, 0.84], "ci_low": [0.76, 0.82],
                          "ci_high": [0.80, 0.86], "target": [0.8, 0.8]})
    figure = trend_chart(trend, x="campaign", target=0.8, target_label="Chỉ tiêu",
                         percent=lambda v: f"{v * 100:.0f}\u00a0%")
    low, high = figure.axes[0].get_ylim()
    assert 0.70 <= low <= 0.76 and 0.86 <= high <= 0.95 and high - low <= 0.25
    assert [line.get_ydata()[0] for line in figure.axes[0].get_lines() if line.get_linestyle() == "--"] == [0.8]
    assert figure.axes[0].get_legend_handles_labels()[1] == ["Chỉ tiêu 80\u00a0%"]
    figure_bytes(figure)
    assert all(text.endswith("\u00a0%") for text in _tick_texts(figure.axes[0].yaxis))


def test_rates_chart_marks_each_rows_own_target_and_keeps_the_table_order(rates: pd.DataFrame) -> None:
    mixed = rates.assign(target=[0.9, 0.8, 0.8])
    figure = rates_chart(mixed, label="unit_name", target_label="Target")
    axes = figure.axes[0]
    marks = axes.collections[-1].get_offsets()
    assert [tuple(point) for point in marks] == [(0.9, 2.0), (0.8, 1.0), (0.8, 0.0)]
    # First table row on top: the labels from top to bottom are the table's.
    order = sorted(zip(axes.get_yticks(), [t.get_text() for t in axes.get_yticklabels()], strict=True), reverse=True)
    assert [text for _row, text in order] == list(rates["unit_name"])
