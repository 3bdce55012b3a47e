"""`bonus_sheet.xlsx`: the workbook HR checks and finance signs off (奖金分配表).

Sheets: Summary (totals per unit, shared-pool reconciliation, grade distribution, score
statistics, charts: all figures of the summary stage), Bonus (one row per manager), Scores
(manager x indicator), RORAC (manager x category), Weights (every AHP matrix of the typed
weights result), Pool ledger, Run (inputs with SHA-256, config, version). Every column is
formatted by its kind in the run's column registry; money (int cents) is shown as yuan. The
workbook itself is written by the fast path in `report/xlsx.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl.drawing.image import Image
from openpyxl.utils import get_column_letter

from .._version import __version__
from ..columns import (
    CODE_VOCABULARY,
    CONFIG_VOCABULARIES,
    ColumnRegistry,
    Language,
    code_label,
    display_codes,
)
from ..money import cents_to_yuan
from .labels import SHEET_NAMES, text
from .xlsx import FORMULA_PREFIXES, CellSpec, SheetBook, SheetColumn, fixed_timestamp

if TYPE_CHECKING:
    from ..ahp import MatrixAnalysis
    from ..result import RunResult
    from ..weights import MatrixWeights, WeightsResult

__all__ = [
    "FORMULA_PREFIXES",
    "CellSpec",
    "SheetBook",
    "display_frame",
    "fixed_timestamp",
    "report_language",
    "sheet_columns",
    "table_rows",
    "write_bonus_sheet",
]

Labels = Mapping[str, Mapping[str, str]]


def report_language(result: RunResult, language: Language | None = None) -> Language:
    """The language to write in: the argument, else `output.language`, else the root `language`."""
    if language is not None:
        if language not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', got {language!r}")
        return language
    config = result.config
    return config.output.language or config.language


def display_frame(
    frame: pd.DataFrame, language: Language, labels: Labels, columns: ColumnRegistry
) -> pd.DataFrame:
    """The frame as a person reads it: the engine's codes (limit kinds, modes, levels, rules,
    reasons, flags, 是/否 …) by their display names, and a name column after each config id
    column (grade, category …) whose ids have names. Names come from the column's own
    vocabulary (`columns.code_label`), never from another kind's. `labels` is not used any
    more (kept for callers)."""
    shown = display_codes(frame, columns, language)
    parts: dict[str, pd.Series] = {}
    for key in frame.columns:
        parts[str(key)] = shown[key]
        column = columns[str(key)]
        if column.vocabulary in CONFIG_VOCABULARIES:
            ids = frame[key].astype(object)
            uniques = pd.unique(ids[ids.notna()])
            names = columns.names(str(key), language)
            mapping = {u: names.get(str(u), str(u)) for u in uniques}
            if any(mapping[u] != str(u) for u in uniques):
                parts[f"{key}{text('name_suffix', language)}"] = ids.map(mapping)
    return pd.DataFrame(parts, index=frame.index)


def _headers_and_kinds(
    frame: pd.DataFrame, shown: pd.DataFrame, language: Language, columns: ColumnRegistry
) -> tuple[list[str], list[str]]:
    headers, kinds = [], []
    for key in shown.columns:
        if key in frame.columns:
            headers.append(columns.label(str(key), language))
            kinds.append(columns.kind(str(key)))
        else:  # an added display-name column
            base = str(key).removesuffix(text("name_suffix", language))
            headers.append(columns.label(base, language) + text("name_suffix", language))
            kinds.append("text")
    return headers, kinds


def _yuan(series: pd.Series) -> pd.Series:
    """A money_cents column (int cents, maybe with missing values) as yuan for the workbook."""
    missing = series.isna().to_numpy()
    cents = series.astype("Int64").fillna(0).to_numpy(dtype=np.int64)
    yuan = cents_to_yuan(cents)
    if missing.any():
        yuan = np.where(missing, np.nan, yuan)
    return pd.Series(yuan, index=series.index)


def sheet_columns(
    frame: pd.DataFrame, language: Language, labels: Labels, columns: ColumnRegistry
) -> list[SheetColumn]:
    """A frame's columns ready for a data sheet: registry header and kind, money as yuan."""
    shown = display_frame(frame, language, labels, columns)
    headers, kinds = _headers_and_kinds(frame, shown, language, columns)
    out = []
    for key, header, kind in zip(shown.columns, headers, kinds, strict=True):
        series = shown[key]
        if kind == "money_cents":
            series = _yuan(series)
        out.append(SheetColumn.of(header, kind, series))  # type: ignore[arg-type]
    return out


def table_rows(
    frame: pd.DataFrame, language: Language, labels: Labels, columns: ColumnRegistry
) -> list[list[CellSpec]]:
    """A frame as block rows: a header row, then one row per record with column kinds."""
    shown = display_frame(frame, language, labels, columns)
    headers, kinds = _headers_and_kinds(frame, shown, language, columns)
    rows: list[list[CellSpec]] = [[(h, "header") for h in headers]]
    for record in shown.itertuples(index=False, name=None):
        rows.append([(v, k) for v, k in zip(record, kinds, strict=True)])
    return rows


def _kv(label: str, value: Any, kind: str | None = None) -> list[CellSpec]:
    return [(label, None), (value, kind)]


def _yes_no(value: Any, language: Language) -> str:
    """是 / 否 (Yes / No) of a boolean shown to a person."""
    return CODE_VOCABULARY["boolean"][str(bool(value))][0 if language == "zh" else 1]


def _code(result: RunResult, key: str, value: Any, language: Language) -> str:
    """A code by its display name in column `key`'s vocabulary."""
    return code_label(key, value, language, result.columns)


# -- summary -------------------------------------------------------------------------------
def _pool_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    summary = result.summary
    rows: list[list[CellSpec]] = [[
        (text("item", language), "header"),
        (text("ledger_total", language), "header"),
        (text("bonus_sheet_total", language), "header"),
    ]]
    for item, ledger, sheet in summary.pool.itertuples(index=False, name=None):
        rows.append([(result.columns.label(item, language), None), (ledger, "money_cents"),
                     (sheet, "money_cents")])
    if summary.pool_difference_cents is not None:
        rows.append([(text("pool_check", language), None),
                     (summary.pool_difference_cents, "money_cents")])
    return rows


def _grade_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    summary = result.summary
    if summary.grades.empty:
        return []
    label = result.columns.label
    rows: list[list[CellSpec]] = [[
        (label("grade", language), "header"),
        (label("grade", language) + text("name_suffix", language), "header"),
        (label("count", language), "header"),
        (text("share", language), "header"),
    ]]
    for grade, count, share in summary.grades.itertuples(index=False, name=None):
        rows.append([(str(grade), "text"), (_code(result, "grade", str(grade), language),
                                            "text"), (int(count), "count"), (share, "ratio")])
    rows.append([(text("total", language), None), (None, None), (summary.graded, "count"),
                 (1.0, "ratio")])
    return rows


def _score_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    stats = result.summary.score_statistics
    if stats.empty:
        return []
    rows: list[list[CellSpec]] = [[(text("statistic", language), "header"),
                                   (result.columns.label("composite", language), "header")]]
    for key, value in stats.itertuples(index=False, name=None):
        if key == "count":
            rows.append([(result.columns.label("count", language), None), (int(value), "count")])
        else:
            rows.append([(text(key, language), None), (None if pd.isna(value) else value,
                                                       "score")])
    return rows


def _summary_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    config = result.config
    unit = config.unit.name or config.unit.id
    rows: list[list[CellSpec]] = [
        [(f"{text('bonus_sheet', language)} {result.period.label} {unit}", "title")],
        [],
    ]
    blocks = [
        ("totals_per_unit", table_rows(result.rollups, language, result.labels, result.columns)),
        ("pool_reconciliation", _pool_rows(result, language)),
        ("grade_distribution", _grade_rows(result, language)),
        ("score_statistics", _score_rows(result, language)),
    ]
    for key, block in blocks:
        if len(block) <= 1:
            continue
        rows.append([(text(key, language), "subtitle")])
        rows.extend(block)
        rows.append([])
    return rows


# -- run -------------------------------------------------------------------------------------
def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Nested mappings as (dotted.key, leaf) pairs; lists of scalars stay one leaf."""
    if isinstance(value, Mapping):
        if not value and prefix:
            yield prefix, "{}"
        for key in value:
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list | tuple) and any(isinstance(v, Mapping | list) for v in value):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def _leaf(value: Any) -> Any:
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def _run_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    config = result.config
    period = result.period
    rows: list[list[CellSpec]] = [
        [(text("run_info", language), "title")],
        _kv(text("version", language), __version__),
        _kv(result.columns.label("period", language), period.label),
        _kv(text("period_start", language), period.start, "date"),
        _kv(text("period_end", language), period.end, "date"),
        _kv(text("unit_id", language), config.unit.id),
        _kv(text("unit_name", language), config.unit.name),
        _kv(text("language", language), CODE_VOCABULARY["language"][language][
            0 if language == "zh" else 1]),
        [],
        [(text("inputs", language), "subtitle")],
    ]
    inputs = pd.DataFrame(
        [record.to_dict() for record in result.inputs], columns=["table", "path", "sha256", "rows"]
    )
    rows.extend(table_rows(inputs, language, {}, result.columns))
    rows.extend([[], [(text("config", language), "subtitle")]])
    rows.append([(text("item", language), "header"), (text("value", language), "header")])
    for key, value in _flatten(config.model_dump(mode="json")):
        rows.append(_kv(key, _leaf(value)))
    if result.audit:
        rows.extend([[], [(text("audit", language), "subtitle")]])
        rows.append([(text("item", language), "header"), (text("value", language), "header")])
        rows.extend(_audit_rows(result, language))
    return rows


def _audit_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    """The audit trail by its display names: flags by name with their counts, totals as
    money, excluded experts and accepted matrices by matrix name; other entries as key paths."""
    label = result.columns.label
    rows: list[list[CellSpec]] = []
    for key, value in result.audit.items():
        if key == "flags" and isinstance(value, Mapping):
            for code, count in value.items():
                rows.append(_kv(f"{label('flags', language)}: "
                                f"{_code(result, 'flags', code, language)}", count, "count"))
        elif key == "totals_cents" and isinstance(value, Mapping):
            for column, cents in value.items():
                shown = label(column, language) if column in result.columns else column
                rows.append(_kv(shown, cents, "money_cents"))
        elif key == "excluded_experts" and isinstance(value, Mapping):
            for matrix_id, experts in value.items():
                for expert in experts:
                    rows.append(_kv(
                        f"{label('excluded_experts', language)}: "
                        f"{_code(result, 'matrix', matrix_id, language)} {expert.get('expert')}",
                        expert.get("reason"), "text"))
        elif key == "accepted_matrices" and isinstance(value, Mapping):
            for matrix_id, why in value.items():
                rows.append(_kv(f"{label('accepted_justification', language)}: "
                                f"{_code(result, 'matrix', matrix_id, language)}", _leaf(why)))
        elif key in _AUDIT_TEXT:
            rows.append(_kv(text(_AUDIT_TEXT[key], language), _leaf(value)))
        else:
            for path, leaf in _flatten({key: value}):
                rows.append(_kv(path, _leaf(leaf)))
    return rows


_AUDIT_TEXT = {"config_file": "config_file", "config_sha256": "config_sha256"}


# -- weights (the typed WeightsResult) -------------------------------------------------------
def _analysis_rows(
    analysis: MatrixAnalysis, result: RunResult, language: Language
) -> list[list[CellSpec]]:
    label = result.columns.label
    return [
        _kv(label("method", language), _code(result, "method", analysis.method, language),
            "code"),
        _kv(label("lambda_max", language), analysis.lambda_max, "coefficient"),
        _kv(label("consistency_index", language), analysis.consistency_index, "coefficient"),
        _kv(label("random_index", language), analysis.random_index, "coefficient"),
        _kv(label("ri_table", language), _code(result, "ri_table", analysis.ri_table, language),
            "code"),
        _kv(label("consistency_ratio", language), analysis.consistency_ratio, "coefficient"),
        _kv(label("cr_threshold", language), analysis.cr_threshold, "coefficient"),
        _kv(label("geometric_consistency_index", language),
            analysis.geometric_consistency_index, "coefficient"),
        _kv(label("gci_threshold", language), analysis.gci_threshold, "coefficient"),
        _kv(label("consistent", language), _yes_no(analysis.consistent, language), "flag"),
    ]


def _grid_rows(
    analysis: MatrixAnalysis, result: RunResult, language: Language
) -> list[list[CellSpec]]:
    label = result.columns.label
    names = [_code(result, "criterion", c, language) for c in analysis.criteria]
    rows: list[list[CellSpec]] = [
        [(label("criterion", language), "header"), *((n, "header") for n in names),
         (label("weight", language), "header")]
    ]
    for name, cells, weight in zip(names, analysis.matrix, analysis.weights, strict=True):
        rows.append([(name, None), *((v, "coefficient") for v in cells), (weight, "weight")])
    return rows


def _matrix_rows(matrix: MatrixWeights, result: RunResult,
                 language: Language) -> list[list[CellSpec]]:
    label = result.columns.label
    title = label("matrix", language)
    combined = matrix.combined
    if combined.consistent:
        verdict = text("verdict_consistent", language)
    elif matrix.acceptance_used:
        verdict = text("verdict_accepted", language)
    else:
        verdict = text("verdict_inconsistent", language)
    rows: list[list[CellSpec]] = [
        [(f"{title} {matrix.matrix_id} — {text('combined', language)}", "subtitle")],
        *_analysis_rows(combined, result, language),
        _kv(label("verdict", language), verdict, "text"),
        _kv(label("passed", language), _yes_no(matrix.passed, language), "flag"),
        _kv(label("combined_from", language),
            ", ".join(e.expert for e in matrix.experts if not e.excluded), "text"),
        _kv(label("excluded_experts", language), ", ".join(matrix.excluded_experts), "text"),
    ]
    if matrix.accepted_justification is not None:
        rows.append(_kv(label("accepted_justification", language),
                        matrix.accepted_justification, "text"))
        rows.append(_kv(label("acceptance_used", language),
                        _yes_no(matrix.acceptance_used, language), "flag"))
    if matrix.blocking:
        rows.append(_kv(label("blocking", language), "; ".join(matrix.blocking), "text"))
    rows.extend(_grid_rows(combined, result, language))
    rows.append([])
    for expert in matrix.experts:
        rows.append([(f"{title} {matrix.matrix_id} — {label('expert', language)} "
                      f"{expert.expert}", "subtitle")])
        rows.extend(_analysis_rows(expert.analysis, result, language))
        rows.append(_kv(label("expert_weight", language), expert.weight, "weight"))
        rows.append(_kv(label("expert_excluded", language), _yes_no(expert.excluded, language),
                        "flag"))
        if expert.exclusion_reason:
            rows.append(_kv(label("exclusion_reason", language), expert.exclusion_reason,
                            "text"))
        rows.append(_kv(label("input_rows", language),
                        ", ".join(str(r) for r in expert.rows), "text"))
        if expert.completion.filled:
            filled = "; ".join(f"{a}/{b} = {v:.4f}" for a, b, v in expert.completion.filled)
            rows.append(_kv(label("filled", language), filled, "text"))
        rows.extend(_grid_rows(expert.analysis, result, language))
        rows.append([])
    return rows


def _weights_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    weights: WeightsResult = result.weights
    label = result.columns.label
    rows: list[list[CellSpec]] = [[(text("ahp_matrices", language), "title")], []]
    if not weights.matrices:
        rows.append([(text("no_weights", language), None)])
        return rows
    from ..ahp import RI_TABLES

    rows.append([(text("settings", language), "subtitle")])
    rows.extend([
        _kv(label("method", language), _code(result, "method", weights.method, language), "code"),
        _kv(label("ri_table", language), _code(result, "ri_table", weights.ri_table, language),
            "code"),
        _kv(label("ri_table_source", language), RI_TABLES[weights.ri_table].citation, "text"),
        _kv(label("cr_threshold", language), weights.cr_threshold, "coefficient"),
        _kv(label("inconsistent_expert", language),
            _code(result, "inconsistent_expert", weights.inconsistent_expert, language), "code"),
        _kv(label("completion", language), _code(result, "completion", weights.completion,
                                                 language), "code"),
        _kv(label("judgments_file", language), weights.source, "text"),
        _kv(label("passed", language), _yes_no(weights.passed, language), "flag"),
    ])
    for expert, weight in weights.expert_weights.items():
        rows.append(_kv(f"{label('expert_weight', language)} {expert}", weight, "weight"))
    for matrix_id, accepted in result.config.weights.accept.items():
        rows.append(_kv(text("accepted_for", language) + matrix_id, accepted.justification,
                        "text"))
    rows.append([])
    for matrix in weights.matrices.values():
        rows.extend(_matrix_rows(matrix, result, language))
    return rows


def _pool_sheet(book: SheetBook, result: RunResult, title: str) -> None:
    language = book.language
    ledger = result.pool_ledger
    allocations = result.pool_allocations
    if allocations is None or allocations.empty:
        book.frame_sheet(title, sheet_columns(ledger, language, result.labels, result.columns),
                         len(ledger))
        return
    rows: list[list[CellSpec]] = [[(text("ledger", language), "subtitle")]]
    rows.extend(table_rows(ledger, language, result.labels, result.columns))
    rows.extend([[], [(text("allocation_records", language), "subtitle")]])
    rows.extend(table_rows(allocations, language, result.labels, result.columns))
    book.block_sheet(title, rows)


_CHART_WIDTH_PX = 640
_CHART_ROWS = 23  # rows (20 px each) one embedded chart of 640 x 400 px covers, plus a gap


def write_bonus_sheet(
    result: RunResult,
    path: str | Path,
    *,
    language: Language | None = None,
    charts: Mapping[str, str | Path] | None = None,
) -> None:
    """Write `bonus_sheet.xlsx` for a run; `charts` are PNG files to embed in the Summary sheet."""
    language = report_language(result, language)
    book = SheetBook(language, result.labels, fixed_timestamp(result.period))

    def name(key: str) -> str:
        return SHEET_NAMES[key][language]

    def frame_sheet(key: str, frame: pd.DataFrame) -> None:
        columns = sheet_columns(frame, language, result.labels, result.columns)
        book.frame_sheet(name(key), columns, len(frame))

    summary_rows = _summary_rows(result, language)
    summary = book.block_sheet(name("summary"), summary_rows)
    if charts:
        width = max(len(row) for row in summary_rows) + 2
        anchor_col = get_column_letter(max(width, 8))
        for index, chart in enumerate(charts.values()):
            image = Image(str(chart))
            scale = _CHART_WIDTH_PX / image.width
            image.width, image.height = _CHART_WIDTH_PX, round(image.height * scale)
            summary.add_image(image, f"{anchor_col}{2 + index * _CHART_ROWS}")
    frame_sheet("bonus", result.managers)
    frame_sheet("scores", result.scores)
    # the category's name follows its id in the workbook's language (display_frame)
    frame_sheet("rorac", result.rorac.drop(columns=["category_name_zh", "category_name_en"],
                                           errors="ignore"))
    book.block_sheet(name("weights"), _weights_rows(result, language))
    _pool_sheet(book, result, name("pool"))
    for table in result.extra:
        columns = sheet_columns(table.frame, language, result.labels, result.columns)
        book.frame_sheet(table.title[language], columns, len(table.frame))
    book.block_sheet(name("run"), _run_rows(result, language))
    book.save(Path(path))
