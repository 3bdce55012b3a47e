"""Charts of a run (matplotlib, Agg): score distribution, grade distribution per unit, bonus by
unit and a per-dimension comparison, as PNG files that are byte-identical for the same run.

Chinese labels need a CJK font; when none is installed the charts fall back to English labels
rather than drawing empty boxes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .labels import Language, column_header, value_label

if TYPE_CHECKING:
    from ..pipeline import RunResult

__all__ = ["CHART_NAMES", "chart_language", "cjk_font", "draw_charts"]

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
_DIMENSIONS = ("financial", "customer", "internal_process", "learning_growth", "additional")
_UNIT_LEVELS = ("team", "sub_branch", "branch")
_MAX_UNITS = 20
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
    """Name of an installed font that can draw Chinese, or None."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in _CJK_FAMILIES if family in installed), None)


def chart_language(language: Language) -> Language:
    """The language charts are labelled in: Chinese only when a CJK font is installed."""
    return "zh" if language == "zh" and cjk_font() is not None else "en"


def _unit_column(managers: pd.DataFrame) -> str | None:
    """The finest unit level with at most 20 units (else the coarsest one present)."""
    present = [level for level in _UNIT_LEVELS if level in managers.columns]
    for level in present:
        if managers[level].nunique(dropna=True) <= _MAX_UNITS:
            return level
    return present[-1] if present else None


def _units(managers: pd.DataFrame, column: str, other: str) -> pd.Series:
    """Unit of each manager; beyond the 19 largest units the rest are grouped as `other`."""
    units = managers[column].astype(object).fillna("").astype(str)
    counts = units.value_counts()
    if len(counts) <= _MAX_UNITS:
        return units
    keep = set(counts.sort_values(ascending=False, kind="stable").index[: _MAX_UNITS - 1])
    return units.where(units.isin(keep), other)


def _figure() -> tuple[Figure, object]:
    figure = Figure(figsize=_SIZE_INCHES, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _save(figure: Figure, path: Path, dpi: int) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs in unit names: drawn as boxes
        figure.savefig(path, dpi=dpi, format="png", metadata={"Software": None})
    return path


def _score_distribution(result: RunResult, language: Language, path: Path, dpi: int) -> Path | None:
    if "composite" not in result.managers.columns:
        return None
    scores = pd.to_numeric(result.managers["composite"], errors="coerce").dropna().to_numpy()
    if scores.size == 0:
        return None
    figure, axes = _figure()
    bins = np.histogram_bin_edges(scores, bins=min(30, max(5, int(np.sqrt(scores.size)))))
    axes.hist(scores, bins=bins, color="#4472C4", edgecolor="white")
    mean = float(scores.mean())
    label = f"{_TITLES['mean'][language]} {mean:.2f}"
    axes.axvline(mean, color="#C00000", linestyle="--", label=label)
    axes.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes.set_title(_TITLES["score_distribution"][language])
    axes.set_xlabel(column_header("composite", language))
    axes.set_ylabel(_TITLES["managers"][language])
    axes.legend()
    return _save(figure, path, dpi)


def _grade_distribution(result: RunResult, language: Language, path: Path, dpi: int) -> Path | None:
    managers = result.managers
    column = _unit_column(managers)
    if column is None or "grade" not in managers.columns or managers.empty:
        return None
    units = _units(managers, column, _TITLES["other"][language])
    grades = managers["grade"].astype(object).fillna("").astype(str)
    table = pd.crosstab(units, grades).sort_index().sort_index(axis=1)
    figure, axes = _figure()
    bottom = np.zeros(len(table))
    positions = np.arange(len(table))
    for grade in table.columns:
        counts = table[grade].to_numpy()
        name = value_label(grade, language, result.labels)
        label = grade if name == grade else f"{grade} {name}"
        axes.bar(positions, counts, bottom=bottom, label=label)
        bottom = bottom + counts
    axes.set_xticks(positions, [str(u) for u in table.index], rotation=45, ha="right")
    axes.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes.set_title(_TITLES["grade_distribution"][language])
    axes.set_xlabel(column_header(column, language))
    axes.set_ylabel(_TITLES["managers"][language])
    axes.legend(title=column_header("grade", language), fontsize="small")
    return _save(figure, path, dpi)


def _bonus_by_unit(result: RunResult, language: Language, path: Path, dpi: int) -> Path | None:
    managers = result.managers
    column = _unit_column(managers)
    amount = next((c for c in ("bonus_final", "bonus_gross") if c in managers.columns), None)
    if column is None or amount is None or managers.empty:
        return None
    units = _units(managers, column, _TITLES["other"][language])
    totals = pd.to_numeric(managers[amount], errors="coerce").fillna(0.0).groupby(units).sum()
    totals = totals.sort_index()
    figure, axes = _figure()
    positions = np.arange(len(totals))
    axes.bar(positions, totals.to_numpy(), color="#70AD47")
    axes.set_xticks(positions, [str(u) for u in totals.index], rotation=45, ha="right")
    axes.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    axes.set_title(_TITLES["bonus_by_unit"][language])
    axes.set_xlabel(column_header(column, language))
    axes.set_ylabel(f"{column_header(amount, language)} ({_TITLES['yuan'][language]})")
    return _save(figure, path, dpi)


def _dimension_columns(result: RunResult) -> list[tuple[str, str]]:
    """(dimension id, managers column) of every dimension score column found."""
    scores = result.scores
    dimensions: Sequence[str] = _DIMENSIONS
    if "dimension" in scores.columns and not scores.empty:
        dimensions = [str(d) for d in pd.unique(scores["dimension"].dropna())]
    found = []
    columns = set(result.managers.columns)
    for dimension in dimensions:
        for candidate in (dimension, f"score_{dimension}", f"{dimension}_score"):
            if candidate in columns and pd.api.types.is_numeric_dtype(result.managers[candidate]):
                found.append((dimension, candidate))
                break
    return found


def _dimension_comparison(
    result: RunResult, language: Language, path: Path, dpi: int
) -> Path | None:
    managers = result.managers
    column = _unit_column(managers)
    dimensions = _dimension_columns(result)
    if column is None or not dimensions or managers.empty:
        return None
    units = _units(managers, column, _TITLES["other"][language])
    means = managers[[c for _, c in dimensions]].groupby(units).mean().sort_index()
    figure, axes = _figure()
    positions = np.arange(len(means))
    width = 0.8 / len(dimensions)
    for index, (dimension, score_column) in enumerate(dimensions):
        axes.bar(
            positions + (index - (len(dimensions) - 1) / 2) * width,
            means[score_column].to_numpy(),
            width=width,
            label=value_label(dimension, language, result.labels),
        )
    axes.set_xticks(positions, [str(u) for u in means.index], rotation=45, ha="right")
    axes.set_title(_TITLES["dimension_comparison"][language])
    axes.set_xlabel(column_header(column, language))
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
    return written
