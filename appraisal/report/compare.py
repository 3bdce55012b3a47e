"""Presents the design tools: the compare workbook (`compare.xlsx`) and CSVs of
`appraise compare`, and the incentive-balance chart. Computes nothing: every figure comes from
`analysis.compare.Comparison` or the incentive-balance summary table.

Sheets (bilingual names): Summary (what a committee reads first), Managers, Grade migration,
Cost by unit, Winners and losers, Structure, Inputs. The output folder follows `appraise run`:
an existing folder is refused without `force`, everything is written into a hidden staging
folder beside the target and moved into place at the end (all or nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..columns import Language
from ..io.readers import file_sha256
from .excel import sheet_columns, table_rows
from .labels import value_label
from .writer import write_csv, write_folder, write_json
from .xlsx import CellSpec, SheetBook, fixed_timestamp

if TYPE_CHECKING:
    from ..analysis.compare import Comparison

__all__ = ["COMPARE_SHEETS", "COMPARE_TEXT", "draw_incentive_chart", "write_compare",
           "write_compare_workbook"]

COMPARE_SHEETS: dict[str, dict[Language, str]] = {
    "summary": {"zh": "方案对比摘要", "en": "Summary"},
    "managers": {"zh": "逐人对比", "en": "Managers"},
    "migration": {"zh": "等级迁移", "en": "Grade migration"},
    "cost": {"zh": "成本(按单位)", "en": "Cost by unit"},
    "movers": {"zh": "增减最多", "en": "Winners and losers"},
    "structure": {"zh": "方案结构差异", "en": "Structure"},
    "inputs": {"zh": "输入文件", "en": "Inputs"},
}

COMPARE_TEXT: dict[str, dict[Language, str]] = {
    "title": {"zh": "考核方案对比", "en": "Scheme comparison"},
    "base": {"zh": "原方案", "en": "Base scheme"},
    "proposal": {"zh": "新方案", "en": "Proposal"},
    "change": {"zh": "变化", "en": "Change"},
    "period": {"zh": "考核期", "en": "Period"},
    "managers_both": {"zh": "两方案共有人数", "en": "Managers in both"},
    "managers_base_only": {"zh": "仅在原方案", "en": "Only in the base scheme"},
    "managers_proposal_only": {"zh": "仅在新方案", "en": "Only in the proposal"},
    "bonus_gross": {"zh": "应发奖金合计", "en": "Gross bonus, total"},
    "bonus_final": {"zh": "实发奖金合计", "en": "Final bonus, total"},
    "grade_changes": {"zh": "等级变化人数", "en": "Managers whose grade changes"},
    "grades_up": {"zh": "其中升级", "en": "of which up"},
    "grades_down": {"zh": "其中降级", "en": "of which down"},
    "winners": {"zh": "奖金增加人数", "en": "Managers paid more"},
    "losers": {"zh": "奖金减少人数", "en": "Managers paid less"},
    "unchanged": {"zh": "奖金不变人数", "en": "Managers paid the same"},
    "largest_gain_cents": {"zh": "最大增加", "en": "Largest gain"},
    "largest_loss_cents": {"zh": "最大减少", "en": "Largest loss"},
    "structure_differences": {"zh": "方案结构差异项", "en": "Differences in the scheme"},
    "inputs_shared": {"zh": "两方案共用的输入文件(只读一次)",
                      "en": "Input files both schemes share (read once)"},
    "headline": {"zh": "要点", "en": "Headline"},
    "from_to": {"zh": "原等级 \\ 新等级", "en": "Base grade \\ proposal grade"},
    "version": {"zh": "引擎版本", "en": "Engine version"},
    "no_difference": {"zh": "两方案结构相同", "en": "The schemes have the same structure"},
    "chart_title": {"zh": "每点边际奖金与指标权重", "en": "Pay per point and indicator weight"},
    "chart_pay": {"zh": "边际奖金占比", "en": "Share of pay per point"},
    "chart_weight": {"zh": "全局权重占比", "en": "Share of global weight"},
}


def _t(key: str, language: Language) -> str:
    return COMPARE_TEXT[key][language]


def _summary_rows(comparison: Comparison, language: Language) -> list[list[CellSpec]]:
    summary = comparison.summary
    rows: list[list[CellSpec]] = [
        [(_t("title", language), "title")],
        [(_t("base", language), None), (summary["base_config"], "text")],
        [(_t("proposal", language), None), (summary["proposal_config"], "text")],
        [(_t("period", language), None), (summary["period_proposal"], "text")],
        [(_t("version", language), None), (__version__, "text")],
        [],
        [(_t("headline", language), "subtitle")],
        [(None, "header"), (_t("base", language), "header"),
         (_t("proposal", language), "header"), (_t("change", language), "header")],
    ]
    for key in ("bonus_gross", "bonus_final"):
        totals = summary["totals_cents"][key]
        rows.append([(_t(key, language), None), (totals["base"], "money_cents"),
                     (totals["proposal"], "money_cents"), (totals["delta"], "money_cents")])
    rows.append([])
    for key in ("managers_both", "managers_base_only", "managers_proposal_only",
                "grade_changes", "grades_up", "grades_down", "winners", "losers", "unchanged"):
        rows.append([(_t(key, language), None), (summary[key], "count")])
    for key in ("largest_gain_cents", "largest_loss_cents"):
        rows.append([(_t(key, language), None), (summary[key], "money_cents")])
    rows.append([(_t("structure_differences", language), None),
                 (summary["structure_differences"], "count")])
    rows.append([(_t("inputs_shared", language), None),
                 (f"{summary['inputs_shared']} / {summary['inputs_read']}", "text")])
    rows.append([])
    rows.append([(COMPARE_SHEETS["migration"][language], "subtitle")])
    rows.extend(_migration_rows(comparison, language))
    return rows


def _migration_rows(comparison: Comparison, language: Language) -> list[list[CellSpec]]:
    matrix = comparison.migration_matrix
    labels = comparison.labels
    rows: list[list[CellSpec]] = [[(_t("from_to", language), "header"), *(
        (value_label(str(g), language, labels), "header") for g in matrix.columns)]]
    for grade, counts in zip(matrix.index, matrix.to_numpy().tolist(), strict=True):
        rows.append([(value_label(str(grade), language, labels), None),
                     *((int(c), "count") for c in counts)])
    return rows


def write_compare_workbook(comparison: Comparison, path: Path, language: Language) -> None:
    """`compare.xlsx`: summary, managers, migration, cost, winners and losers, structure."""
    book = SheetBook(language, comparison.labels, fixed_timestamp(comparison.proposal.period))

    def frame_sheet(key: str, frame: pd.DataFrame) -> None:
        columns = sheet_columns(frame, language, comparison.labels, comparison.columns)
        book.frame_sheet(COMPARE_SHEETS[key][language], columns, len(frame))

    book.block_sheet(COMPARE_SHEETS["summary"][language], _summary_rows(comparison, language))
    frame_sheet("managers", comparison.managers)
    migration: list[list[CellSpec]] = _migration_rows(comparison, language)
    migration += [[], *table_rows(comparison.migration, language, comparison.labels,
                                  comparison.columns)]
    book.block_sheet(COMPARE_SHEETS["migration"][language], migration)
    frame_sheet("cost", comparison.cost)
    frame_sheet("movers", comparison.movers)
    if comparison.structure.empty:
        book.block_sheet(COMPARE_SHEETS["structure"][language],
                         [[(_t("no_difference", language), None)]])
    else:
        frame_sheet("structure", comparison.structure)
    frame_sheet("inputs", comparison.inputs)
    book.save(path)


def _manifest(comparison: Comparison, outputs: dict[str, Path]) -> dict[str, Any]:
    from datetime import UTC, datetime

    def side(result: Any) -> dict[str, Any]:
        return {"config": None if result.config_path is None else str(result.config_path),
                "config_sha256": result.audit.get("config_sha256"),
                "overrides": result.audit.get("overrides", []),
                "resolved": result.config.model_dump(mode="json")}

    return {
        "engine": {"name": "appraise", "version": __version__},
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "compare",
        "base": side(comparison.base),
        "proposal": side(comparison.proposal),
        "inputs": comparison.inputs.to_dict(orient="records"),
        "outputs": {name: file_sha256(p) for name, p in sorted(outputs.items())},
    }


def _write_all(comparison: Comparison, folder: Path, language: Language) -> dict[str, Path]:
    outputs: dict[str, Path] = {}
    for name, frame in comparison.frames().items():
        outputs[f"{name}.csv"] = folder / f"{name}.csv"
        write_csv(frame, outputs[f"{name}.csv"], comparison.columns)
    outputs["compare.json"] = folder / "compare.json"
    write_json(comparison.summary, outputs["compare.json"])
    outputs["compare.xlsx"] = folder / "compare.xlsx"
    write_compare_workbook(comparison, outputs["compare.xlsx"], language)
    return outputs


def write_compare(comparison: Comparison, out_dir: Path, *, force: bool = False,
                  language: Language | None = None) -> Path:
    """Write the comparison into `out_dir`, all or nothing, holding the folder's lock (as
    `report.writer.write_run`)."""
    config = comparison.proposal.config
    shown: Language = language or config.output.language or config.language

    def fill(staging: Path) -> None:
        outputs = _write_all(comparison, staging, shown)
        write_json(_manifest(comparison, outputs), staging / "manifest.json")

    return write_folder(out_dir, fill, force=force)


def draw_incentive_chart(summary: pd.DataFrame, path: Path, *, language: Language,
                         labels: dict[str, dict[str, str]], dpi: int = 100) -> Path:
    """Bar chart per weighted indicator: its share of the pay per point beside its share of the
    global weight (both from the incentive-balance summary); out-of-line indicators marked ⚠.
    Chinese labels only where a CJK font is installed (as the run's charts)."""
    import warnings

    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    from .charts import chart_language, cjk_font

    shown = chart_language(language)
    font = cjk_font() if shown == "zh" else None
    weighted = summary[summary["weight_share"].notna()]
    names = [value_label(str(i), shown, labels) + (" ⚠" if flag else "")
             for i, flag in zip(weighted["indicator"], weighted["out_of_line"], strict=True)]
    positions = np.arange(len(names))
    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
          "axes.unicode_minus": False}
    with mpl.rc_context(rc):
        figure = Figure(figsize=(8, 0.45 * len(names) + 1.5), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.barh(positions - 0.2, weighted["pay_share"].fillna(0.0), height=0.4,
                  label=_t("chart_pay", shown), color="#c0504d")
        axes.barh(positions + 0.2, weighted["weight_share"], height=0.4,
                  label=_t("chart_weight", shown), color="#4f81bd")
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_title(_t("chart_title", shown))
        axes.legend(loc="lower right")
        path.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a glyph the font lacks is drawn as a box
            figure.savefig(path, dpi=dpi, format="png", metadata={"Software": None})
    return path
