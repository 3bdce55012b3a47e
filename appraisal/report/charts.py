"""Charts of a run (matplotlib, Agg): score distribution, grade distribution per unit, bonus by
unit and a per-dimension comparison, as PNG files that are byte-identical for the same run.
Every figure drawn is the summary stage's (summary.json): histogram counts, unit totals, grade
counts and dimension means per unit; nothing is computed here.

Chinese labels need a CJK font (looked up in matplotlib's font list); when none is installed
the charts fall back to English labels, with one warning, and names in Chinese are replaced by
`#n` rather than drawn as empty boxes. The workbook's own charts are native Excel charts
(report/excel.py), drawn by the reader's spreadsheet in its fonts.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..columns import Language, code_label
from ..money import cents_to_yuan
from ..summary import OTHER_UNITS

if TYPE_CHECKING:
    from ..result import RunResult

__all__ = ["CHART_NAMES", "chart_language", "cjk_font", "draw_charts", "drawable",
           "fallback_warning"]

CHART_NAMES = ("score_distribution", "grade_distribution", "bonus_by_unit", "dimension_comparison")

_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
_SIZE_INCHES = (6.4, 4.0)

_TITLES: dict[str, dict[Language, str]] = {
    "score_distribution": {"zh": "综合得分分布", "en": "Composite score distribution"},
    "grade_distribution": {"zh": "各单位等级分布", "en": "Grade distribution per unit"},
    "bonus_by_unit": {"zh": "各单位实发奖金", "en": "Final bonus by unit"},
    "dimension_comparison": {"zh": "各单位维度平均得分", "en": "Mean dimension score by unit"},
    "managers": {"zh": "人数", "en": "Managers"},
    "mean": {"zh": "平均值", "en": "Mean"},
    "mean_score": {"zh": "平均得分", "en": "Mean score"},
    "yuan": {"zh": "元", "en": "yuan"},
    "other": {"zh": "其他", "en": "Other"},
}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese (matplotlib's font list), or None."""
    installed = sorted({entry.name for entry in font_manager.fontManager.ttflist})
    known = next((family for family in _CJK_FAMILIES if family in installed), None)
    return known or next((name for name in installed if "CJK" in name), None)


@lru_cache(maxsize=1)
def fallback_warning() -> None:
    """Warn once per process that Chinese charts are drawn in English (no CJK font)."""
    warnings.warn(
        "charts: no CJK font is installed (e.g. Noto Sans CJK SC: apt-get install "
        "fonts-noto-cjk), so the PNG charts are labelled in English and Chinese names are "
        "replaced by #n; the workbook's native charts are unaffected", UserWarning,
        stacklevel=3)


def chart_language(language: Language) -> Language:
    """The language charts are labelled in: Chinese only when a CJK font is installed."""
    return "zh" if language == "zh" and cjk_font() is not None else "en"


def drawable(value: str, language: Language, number: int | None = None) -> str:
    """`value` as the chart's font can draw it: in English charts (no CJK font) characters
    beyond Latin are dropped, and a name left empty becomes `#n` (never boxes)."""
    if language == "zh":
        return value
    kept = "".join(ch for ch in value if ord(ch) <= 0x2E7F).strip()
    return kept or ("#" if number is None else f"#{number}")


def _figure() -> tuple[Figure, object]:
    figure = Figure(figsize=_SIZE_INCHES, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _save(figure: Figure, path: Path, dpi: int) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # matplotlib chatter; names are made drawable first
        figure.savefig(path, dpi=dpi, format="png", metadata={"Software": None})
    return path


def _unit_name(unit: str, language: Language, number: int | None = None) -> str:
    return _TITLES["other"][language] if unit == OTHER_UNITS else drawable(unit, language,
                                                                            number)


def _unit_names(units: list[str], language: Language) -> list[str]:
    return [_unit_name(u, language, i) for i, u in enumerate(units, start=1)]


def _score_distribution(result: RunResult, language: Language, path: Path, dpi: int) -> Path | None:
    histogram = result.summary.score_histogram
    mean = result.summary.statistic("mean")
    if histogram.empty or mean is None:
        return None
    figure, axes = _figure()
    left = histogram["bin_left"].to_numpy(dtype=float)
    right = histogram["bin_right"].to_numpy(dtype=float)
    axes.bar(left, histogram["count"].to_numpy(), width=right - left, align="edge",
             color="#4472C4", edgecolor="white")
    label = f"{_TITLES['mean'][language]} {mean:.2f}"
    axes.axvline(mean, color="#C00000", linestyle="--", label=label)
    axes.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes.set_title(_TITLES["score_distribution"][language])
    axes.set_xlabel(result.columns.label("composite", language))
    axes.set_ylabel(_TITLES["managers"][language])
    axes.legend()
    return _save(figure, path, dpi)


def _grade_distribution(result: RunResult, language: Language, path: Path, dpi: int) -> Path | None:
    summary = result.summary
    table = summary.unit_grades
    if summary.chart_level is None or table.empty:
        return None
    units = list(dict.fromkeys(table["shown"]))
    figure, axes = _figure()
    bottom = np.zeros(len(units))
    positions = np.arange(len(units))
    for grade in dict.fromkeys(table["grade"]):
        counts = table.loc[table["grade"] == grade, "count"].to_numpy()
        name = code_label("grade", grade, language, result.columns)
        label = grade if name == grade else drawable(f"{grade} {name}", language)
        axes.bar(positions, counts, bottom=bottom, label=label)
        bottom = bottom + counts
    axes.set_xticks(positions, _unit_names(units, language), rotation=45, ha="right")
    axes.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes.set_title(_TITLES["grade_distribution"][language])
    axes.set_xlabel(result.columns.label(summary.chart_level, language))
    axes.set_ylabel(_TITLES["managers"][language])
    axes.legend(title=result.columns.label("grade", language), fontsize="small")
    return _save(figure, path, dpi)


def _bonus_by_unit(result: RunResult, language: Language, path: Path, dpi: int) -> Path | None:
    summary = result.summary
    totals = summary.unit_bonus
    if summary.chart_level is None or totals.empty:
        return None
    figure, axes = _figure()
    positions = np.arange(len(totals))
    axes.bar(positions, cents_to_yuan(totals["bonus_final"].to_numpy()), color="#70AD47")
    axes.set_xticks(positions, _unit_names(list(totals["shown"]), language), rotation=45,
                    ha="right")
    axes.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    axes.set_title(_TITLES["bonus_by_unit"][language])
    axes.set_xlabel(result.columns.label(summary.chart_level, language))
    axes.set_ylabel(f"{result.columns.label('bonus_final', language)} "
                    f"({_TITLES['yuan'][language]})")
    return _save(figure, path, dpi)


def _dimension_comparison(
    result: RunResult, language: Language, path: Path, dpi: int
) -> Path | None:
    summary = result.summary
    means = summary.unit_dimension_means
    if summary.chart_level is None or means.empty:
        return None
    units = list(dict.fromkeys(means["shown"]))
    dimensions = list(dict.fromkeys(means["dimension"]))
    figure, axes = _figure()
    positions = np.arange(len(units))
    width = 0.8 / len(dimensions)
    for index, dimension in enumerate(dimensions):
        axes.bar(
            positions + (index - (len(dimensions) - 1) / 2) * width,
            means.loc[means["dimension"] == dimension, "value"].to_numpy(),
            width=width,
            label=drawable(code_label("dimension", dimension, language, result.columns),
                           language),
        )
    axes.set_xticks(positions, _unit_names(units, language), rotation=45, ha="right")
    axes.set_title(_TITLES["dimension_comparison"][language])
    axes.set_xlabel(result.columns.label(summary.chart_level, language))
    axes.set_ylabel(_TITLES["mean_score"][language])
    axes.legend(fontsize="small")
    return _save(figure, path, dpi)


def draw_charts(
    result: RunResult,
    out_dir: str | Path,
    *,
    language: Language | None = None,
    dpi: int | None = None,
) -> dict[str, Path]:
    """Draw the run's charts into `out_dir` as PNG; returns {chart name: path} of those drawn.

    A chart whose data the run lacks (e.g. no composite score) is skipped, not drawn empty.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = language or result.config.output.language or result.config.language
    shown = chart_language(wanted)
    if wanted == "zh" and shown == "en":
        fallback_warning()
    dpi = dpi or result.config.output.chart_dpi
    drawers = {
        "score_distribution": _score_distribution,
        "grade_distribution": _grade_distribution,
        "bonus_by_unit": _bonus_by_unit,
        "dimension_comparison": _dimension_comparison,
    }
    font = cjk_font() if shown == "zh" else None
    rc = {
        "svg.hashsalt": "appraise",
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
    }
    written: dict[str, Path] = {}
    with mpl.rc_context(rc):
        for name, draw in drawers.items():
            path = draw(result, shown, folder / f"{name}.png", dpi)
            if path is not None:
                written[name] = path
    table = result.extra_table("incentive_summary")
    if table is not None:  # the incentive balance, when the run adds it (docs/design-tools.md)
        from .compare import draw_incentive_chart

        written["incentive_balance"] = draw_incentive_chart(
            table.frame, folder / "incentive_balance.png", language=shown,
            labels=result.labels, dpi=dpi)
    return written
