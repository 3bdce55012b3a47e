"""`bonus_sheet.xlsx`: the workbook HR checks and finance signs off (奖金分配表).

Sheets: Payout (发放表: the payout columns per manager, unit subtotals, grand total, print
setup and signature block), Scheme (考核方案: every parameter turning a score or a profit into
yuan), Summary (totals per unit, shared-pool reconciliation, grade distribution, score
statistics, native charts), Bonus (one row per manager, the live formulas), RORAC by manager,
Scores, RORAC, Weights, Pool ledger, extra tables, Chart data, Run (inputs with SHA-256,
config, audit). Every column is formatted by its kind in the run's column registry and every
code shown by its display name (`columns.code_label`); money (int cents) is shown as yuan.
Formulas cache the stages' values; every figure is the stages' or the summary's, nothing is
computed here. The workbook itself is written by the fast path in `report/xlsx.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
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
from ..weights import describe_blocking, describe_exclusion
from .labels import SHEET_NAMES, text
from .xlsx import (
    FORMULA_PREFIXES,
    MAX_ROWS,
    CellSpec,
    Formula,
    PrintSetup,
    SheetBook,
    SheetColumn,
    fixed_timestamp,
    sheet_ref,
)

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
    return [column for _, column in keyed_columns(frame, language, labels, columns)]


def keyed_columns(
    frame: pd.DataFrame, language: Language, labels: Labels, columns: ColumnRegistry
) -> list[tuple[str, SheetColumn]]:
    """(key, column) of a data sheet, in sheet order (added name columns included)."""
    shown = display_frame(frame, language, labels, columns)
    headers, kinds = _headers_and_kinds(frame, shown, language, columns)
    out = []
    for key, header, kind in zip(shown.columns, headers, kinds, strict=True):
        series = shown[key]
        if kind == "money_cents":
            series = _yuan(series)
        out.append((str(key), SheetColumn.of(header, kind, series)))  # type: ignore[arg-type]
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
                        _exclusion(result, matrix_id, expert, language), "text"))
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


def _exclusion(result: RunResult, matrix_id: str, expert: Mapping[str, Any],
               language: Language) -> str:
    """Why the audit's excluded expert was left out, in the workbook's language (the audit
    keeps the English text)."""
    matrix = result.weights.matrices.get(matrix_id)
    record = next((e for e in matrix.experts if e.expert == expert.get("expert")), None) \
        if matrix is not None else None
    reason = describe_exclusion(record, language) if record is not None else None
    return reason or str(expert.get("reason") or "")


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
    title = f'{label("matrix", language)} {_code(result, "matrix", matrix.matrix_id, language)}'
    combined = matrix.combined
    if combined.consistent:
        verdict = text("verdict_consistent", language)
    elif matrix.acceptance_used:
        verdict = text("verdict_accepted", language)
    else:
        verdict = text("verdict_inconsistent", language)
    rows: list[list[CellSpec]] = [
        [(f"{title} — {text('combined', language)}", "subtitle")],
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
    if matrix.blocking:  # worded again in the workbook's language, the matrix by its name
        rules = result.config.weights
        blocking = describe_blocking(matrix, rules.inconsistent_expert, rules.cr_threshold,
                                     language, _code(result, "matrix", matrix.matrix_id, language))
        rows.append(_kv(label("blocking", language), "; ".join(blocking), "text"))
    rows.extend(_grid_rows(combined, result, language))
    rows.append([])
    for expert in matrix.experts:
        rows.append([(f"{title} — {label('expert', language)} {expert.expert}", "subtitle")])
        rows.extend(_analysis_rows(expert.analysis, result, language))
        rows.append(_kv(label("expert_weight", language), expert.weight, "weight"))
        rows.append(_kv(label("expert_excluded", language), _yes_no(expert.excluded, language),
                        "flag"))
        reason = describe_exclusion(expert, language)
        if reason:
            rows.append(_kv(label("exclusion_reason", language), reason, "text"))
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
    sensitivity = result.extra_table("weight_sensitivity")
    if sensitivity is not None:  # weight robustness, when the run adds it (docs/design-tools.md)
        rows += [[], [(sensitivity.title[language], "subtitle")]]
        rows.extend(table_rows(sensitivity.frame, language, result.labels, result.columns))
    return rows


def _pool_sheet(book: SheetBook, result: RunResult, title: str, printing: PrintSetup) -> None:
    language = book.language
    ledger = result.pool_ledger
    allocations = result.pool_allocations
    if allocations is None or allocations.empty:
        book.frame_sheet(title, sheet_columns(ledger, language, result.labels, result.columns),
                         len(ledger), printing=printing)
        return
    rows: list[list[CellSpec]] = [[(text("ledger", language), "subtitle")]]
    rows.extend(table_rows(ledger, language, result.labels, result.columns))
    rows.extend([[], [(text("allocation_records", language), "subtitle")]])
    rows.extend(table_rows(allocations, language, result.labels, result.columns))
    book.block_sheet(title, rows, printing=printing)


# -- scheme (考核方案) -----------------------------------------------------------------------
_PAYOUT_LEVEL = {"bank": "branch", "branch": "sub_branch", "sub_branch": "team", "team": "team"}
_LATER_MONEY = ("retro_adjustment", "deferred", "released")  # history columns, when present


def _vocab(vocabulary: str, value: Any, language: Language) -> str:
    names = CODE_VOCABULARY.get(vocabulary, {})
    pair = names.get(str(value))
    return str(value) if pair is None else pair[0 if language == "zh" else 1]


def _title_line(result: RunResult, key: str, language: Language) -> str:
    unit = result.config.unit.name or result.config.unit.id
    return f"{text(key, language)} {result.period.label} {unit}"


def _scheme_rows(
    result: RunResult, language: Language, title: str
) -> tuple[list[list[CellSpec]], dict[str, str], dict[str, str]]:
    """The Scheme sheet's rows and the cells the formulas read: {component: share cell},
    {component: value-of-one-point cell} (fixed pool)."""
    scheme = result.summary.scheme
    bonus = result.config.bonus
    label = result.columns.label
    ref = sheet_ref(title)
    rows: list[list[CellSpec]] = [[(_title_line(result, "scheme_title", language), "title")], []]
    shares: dict[str, str] = {}
    points: dict[str, str] = {}
    if scheme is None:
        return rows, shares, points
    fixed = bonus.funding.mode == "fixed_pool"
    ledger = result.pool_ledger
    carry_in = ledger["carry_in"].iloc[0] if "carry_in" in ledger.columns and len(ledger) \
        else None
    rows.append([(text("general", language), "subtitle")])
    rows.extend([
        _kv(text("funding_mode", language), _vocab("funding_mode", bonus.funding.mode,
                                                   language), "text"),
        _kv(text("base_source", language), _vocab("base_source", bonus.funding.base_source,
                                                  language), "text"),
        _kv(text("amounts_per", language), _vocab("amounts_per", bonus.funding.amounts_per,
                                                  language), "text"),
        _kv(text("months", language), scheme.months, "count"),
        _kv(text("prorate", language), _yes_no(bonus.prorate, language), "flag"),
        _kv(label("withhold_rate", language), bonus.shared_pool.withhold_rate, "ratio"),
        _kv(text("remainder", language), _vocab("pool_mode", bonus.shared_pool.remainder,
                                                language), "text"),
        _kv(label("carry_in", language), carry_in, "money_cents"),
        [],
        [(text("components_table", language), "subtitle")],
    ])
    header = [label("component", language),
              label("component", language) + text("name_suffix", language),
              label("kind", language), text("band_method", language), label("share", language),
              label("factors", language)]
    if fixed:
        header += [label(k, language) for k in ("sub_pool", "points_total", "point_value_yuan")]
    rows.append([(h, "header") for h in header])
    for record in scheme.components.itertuples(index=False):
        cid = str(record.component)
        row_number = len(rows) + 1
        shares[cid] = f"{ref}$E${row_number}"
        factors = "、" if language == "zh" else ", "
        row: list[CellSpec] = [
            (cid, "code"),
            (label(f"bonus_{cid}", language) if f"bonus_{cid}" in result.columns else cid, "text"),
            (_vocab("component_kind", record.kind, language), "text"),
            (None if pd.isna(record.method) else _vocab("band_method", record.method, language),
             "text"),
            (record.share, "ratio"),
            (factors.join(_vocab("factor", f, language) for f in str(record.factors).split(", ")
                          if f), "text"),
        ]
        if fixed:
            points[cid] = f"{ref}$I${row_number}"
            row += [(None if pd.isna(record.sub_pool) else int(record.sub_pool), "money_cents"),
                    (record.points_total, "number"), (record.point_value_yuan, "number")]
        rows.append(row)
    if not scheme.bands.empty:
        rows.extend([[], [(text("bands_table", language), "subtitle")]])
        rows.append([(label(k, language), "header")
                     for k in ("component", "band", "lower", "coefficient")])
        for record in scheme.bands.itertuples(index=False):
            rows.append([(record.component, "code"), (record.band, "text"),
                         (record.lower, "money_cents"), (record.coefficient, "coefficient")])
    rows.extend([[], [(text("grades_table", language), "subtitle")]])
    rows.append([(label("grade", language), "header"),
                 (label("grade", language) + text("name_suffix", language), "header"),
                 (label("min_score", language), "header"),
                 (label("grade_coefficient", language), "header")])
    for record in scheme.grades.itertuples(index=False):
        rows.append([(record.grade, "code"), (_code(result, "grade", record.grade, language),
                                              "text"),
                     (None if pd.isna(record.min_score) else record.min_score, "score"),
                     (record.coefficient, "coefficient")])
    if not scheme.bases.empty:
        rows.extend([[], [(text("bases_table", language), "subtitle")]])
        rows.append([(label("job_level", language), "header"),
                     (label("pay_base", language), "header")])
        for record in scheme.bases.itertuples(index=False):
            rows.append([(record.job_level, "code"), (record.base, "money_cents")])
    rows.extend([[], [(text("limits_table", language), "subtitle")]])
    kinds = {"cap": "money_cents", "cap_base_multiple": "coefficient", "floor": "money_cents",
             "guarantee": "money_cents", "within_months_of_hire": "count"}
    for record in scheme.limits.itertuples(index=False):
        value = None if record.value is None or pd.isna(record.value) else record.value
        if value is None:
            rows.append(_kv(text(record.item, language), text("not_set", language), "text"))
        else:
            rows.append(_kv(text(record.item, language), value, kinds[record.item]))
    if fixed:
        rows.extend([[], [(text("pool_section", language), "subtitle")],
                     _kv(text("pool_amount", language), scheme.pool_cents, "money_cents"),
                     _kv(text("rescale_factor", language), scheme.rescale_factor
                         if scheme.rescale_factor is not None else text("not_set", language),
                         "coefficient" if scheme.rescale_factor is not None else "text")])
    rows.extend([[], [(text("formula_note", language), None)]])
    return rows, shares, points


_RORAC_DETAIL = ("has_business", "economic_capital", "rorac_ratio", "has_capital")
_VINTAGE_SUFFIXES = ("_stock", "_increment")


def _rorac_detail_keys(managers: pd.DataFrame) -> list[str]:
    """The managers frame's RORAC detail columns (per vintage amounts, capital, ratio): on
    their own sheet, so the Bonus sheet starts with the scores and the money."""
    return [str(k) for k in managers.columns
            if str(k) in _RORAC_DETAIL or str(k).endswith(_VINTAGE_SUFFIXES)]


def _rorac_managers(result: RunResult) -> pd.DataFrame:
    keys = _rorac_detail_keys(result.managers)
    ids = [k for k in ("manager_id", "name", "rorac") if k in result.managers.columns]
    return result.managers[[*ids, *keys]] if keys else result.managers.iloc[0:0, 0:0]


def _bonus_frame(result: RunResult) -> pd.DataFrame:
    """The managers frame without its RORAC detail, each component's rounding column after
    its amount."""
    managers = result.managers.drop(columns=_rorac_detail_keys(result.managers))
    scheme = result.summary.scheme
    if scheme is None or len(scheme.rounding) != len(managers) or managers.empty:
        return managers  # a summary of another managers frame: amounts without formulas
    parts: dict[str, pd.Series] = {}
    rounding = scheme.rounding
    for key in managers.columns:
        parts[key] = managers[key]
        cid = key.removeprefix("bonus_") if key.startswith("bonus_") else None
        if cid is not None and f"{cid}_rounding" in rounding.columns:
            parts[f"{cid}_rounding"] = pd.Series(rounding[f"{cid}_rounding"].to_numpy(),
                                                 index=managers.index)
    return pd.DataFrame(parts, index=managers.index)


def _bonus_formulas(
    result: RunResult, keyed: list[tuple[str, SheetColumn]], shares: Mapping[str, str],
    points: Mapping[str, str],
) -> dict[str, str]:
    """{column key: formula template} of the Bonus sheet's live formulas: each component,
    the gross and the final bonus (`{row}` = the sheet row)."""
    letters = {key: get_column_letter(i) for i, (key, _) in enumerate(keyed, start=1)}
    bonus = result.config.bonus
    fixed = bonus.funding.mode == "fixed_pool"
    formulas: dict[str, str] = {}
    components = []
    for component in bonus.components:
        cid = component.id
        amount, point, rounding = f"bonus_{cid}", f"{cid}_points", f"{cid}_rounding"
        if not {amount, point, rounding} <= set(letters):
            return {}
        components.append(letters[amount] + "{row}")
        tail = f"{letters[point]}{{row}}+{letters[rounding]}{{row}}"
        if fixed:
            if cid not in points:
                return {}
            formulas[amount] = f"{points[cid]}*{tail}"
        elif component.kind == "profit_band" and component.method == "progressive":
            formulas[amount] = f"{shares[cid]}*0.01*{tail}"
        elif "base" in letters:
            formulas[amount] = f"{letters['base']}{{row}}*{shares[cid]}*{tail}"
        else:
            return {}
    if "limit_adjustment" in letters and "bonus_gross" in letters:
        formulas["bonus_gross"] = "+".join([*components, letters["limit_adjustment"] + "{row}"])
    final = _final_terms(letters)
    if final is not None:
        formulas["bonus_final"] = final
    return formulas


def _final_terms(letters: Mapping[str, str], *, redistribution: bool = True) -> str | None:
    """final = gross − withheld + allocation + redistribution (+ retro adjustment), as a
    formula over `letters`; None when a term is missing or a deferral column is present.
    `redistribution=False`: the sheet leaves out pool_redistributed (always 0 then)."""
    needed = {"bonus_gross", "withheld", "pool_allocation", "bonus_final"}
    if redistribution:
        needed.add("pool_redistributed")
    if not needed <= set(letters) or {"deferred", "released"} & set(letters):
        return None
    terms = (f"{letters['bonus_gross']}{{row}}-{letters['withheld']}{{row}}"
             f"+{letters['pool_allocation']}{{row}}")
    for key in ("pool_redistributed", "retro_adjustment"):
        if key in letters:
            terms += f"+{letters[key]}{{row}}"
    return terms


# -- payout (发放表) -------------------------------------------------------------------------
def _payout_keys(result: RunResult) -> list[str]:
    managers = result.managers
    bonus = result.config.bonus
    limits = bonus.limits
    keys = [k for k in ("manager_id", "name") if k in managers.columns]
    level = _payout_level(result)
    if level is not None:
        keys.append(level)
    keys += [k for k in ("grade", "composite") if k in managers.columns]
    keys += [f"bonus_{c.id}" for c in bonus.components if f"bonus_{c.id}" in managers.columns]
    limited = (bonus.funding.mode == "fixed_pool" or limits.cap is not None
               or limits.cap_base_multiple is not None or bool(limits.floor)
               or limits.minimum_guarantee is not None)
    if limited and "limit_adjustment" in managers.columns:
        keys.append("limit_adjustment")
    keys += [k for k in ("bonus_gross", "withheld", "pool_allocation") if k in managers.columns]
    if bonus.shared_pool.remainder == "redistribute" and "pool_redistributed" in managers:
        keys.append("pool_redistributed")
    keys += [k for k in _LATER_MONEY if k in managers.columns]
    keys += [k for k in ("bonus_final",) if k in managers.columns]
    return keys


def _payout_level(result: RunResult) -> str | None:
    level = _PAYOUT_LEVEL.get(result.config.unit.level, "team")
    return level if level in result.managers.columns else None


def _payout_rows(
    result: RunResult, language: Language, bonus_title: str,
    bonus_letters: Mapping[str, str],
) -> tuple[list[list[CellSpec]], int]:
    """The Payout sheet: title, header, one row per manager grouped by unit with a subtotal
    after each unit (cached from the roll-ups), the grand total, the signature block. Returns
    the rows and the number of header rows."""
    managers = result.managers
    keys = _payout_keys(result)
    level = _payout_level(result)
    label = result.columns.label
    kinds = [result.columns.kind(k) for k in keys]
    money = [k for k, kind in zip(keys, kinds, strict=True) if kind == "money_cents"]
    letters = {key: get_column_letter(i) for i, key in enumerate(keys, start=1)}
    bonus_ref = sheet_ref(bonus_title)
    shown = display_codes(managers[keys], result.columns, language)
    rows: list[list[CellSpec]] = [
        [(_title_line(result, "payout_title", language), "title")],
        [(label(k, language), "header") for k in keys],
    ]
    order = np.arange(len(managers))
    if level is not None:
        units = managers[level].astype(object).fillna("").astype(str)
        order = pd.DataFrame({"unit": units.to_numpy(), "id": managers["manager_id"].astype(
            str).to_numpy()}).sort_values(["unit", "id"], kind="stable").index.to_numpy()
        unit_values = units.to_numpy()[order]
    else:
        unit_values = np.full(len(managers), "", dtype=object)
    rollups = result.rollups
    sums = {}
    if level is not None and {"level", "unit"} <= set(rollups.columns):
        picked = rollups[rollups["level"] == level]
        sums = {str(u): rec for u, rec in zip(picked["unit"], picked.to_dict("records"),
                                               strict=True)}
    total = rollups[rollups["level"] == "total"].to_dict("records") if "level" in rollups \
        else []
    formula_keys = {k for k in money if k.startswith("bonus_") and k != "bonus_gross"
                    and k != "bonus_final" and k in bonus_letters}
    components = [k for k in keys if k in formula_keys]
    own = {"bonus_gross": "+".join(f"{letters[k]}{{row}}" for k in (*components,
                                                                       "limit_adjustment")
                                   if k in letters)} if components else {}
    final = _final_terms(letters, redistribution="pool_redistributed" in letters)
    if final is not None:
        own["bonus_final"] = final
    if "limit_adjustment" not in letters and result.config.bonus.funding.mode == "fixed_pool":
        own.pop("bonus_gross", None)
    values = {k: (_yuan(managers[k]) if k in money else shown[k]).to_numpy(dtype=object)
              for k in keys}
    styles = ["yuan" if kind == "money_cents" else kind for kind in kinds]
    first_data = len(rows) + 1
    group_start = first_data

    def subtotal(unit: str, start: int, end: int, record: Mapping[str, Any] | None,
                 name: str) -> list[CellSpec]:
        row: list[CellSpec] = []
        for i, key in enumerate(keys):
            if key in money:
                cached = None if record is None else record.get(key)
                row.append((Formula(f"SUBTOTAL(9,{letters[key]}{start}:{letters[key]}{end})",
                                    cached), "total_money"))
            elif i == 0:
                row.append((name, "total"))
            elif i == 1:
                row.append((unit, "total"))
            else:
                row.append((None, "total"))
        return row

    for index, position in enumerate(order.tolist()):
        number = len(rows) + 1
        row = []
        for key, style in zip(keys, styles, strict=True):
            value = values[key][position]
            if key in formula_keys:
                value = Formula(f"{bonus_ref}{bonus_letters[key]}{position + 2}", value)
            elif key in own:
                value = Formula(own[key].replace("{row}", str(number)), value)
            row.append((value, style))
        rows.append(row)
        last = index + 1 == len(order) or unit_values[index + 1] != unit_values[index]
        if level is not None and last:
            unit = str(unit_values[index])
            rows.append(subtotal(unit, group_start, number, sums.get(unit),
                                 text("subtotal", language)))
            group_start = len(rows) + 1
    end = len(rows)
    rows.append(subtotal("", first_data, max(end, first_data), total[0] if total else None,
                         text("grand_total", language)))
    rows.append([])
    for role in ("prepared_by", "reviewed_by", "approved_by"):
        rows.append([(None, None), (text(role, language), "text"),
                     (text("signature_line", language), "text"), (text("date", language), "text"),
                     (text("signature_line", language), "text")])
        rows.append([])
    return rows, 2


def _header_text(value: str) -> str:
    """Text for a print header or footer (a literal & is written &&)."""
    return value.replace("&", "&&")


# -- native charts (Summary sheet) ------------------------------------------------------------
_CHART_TITLES = {
    "score_distribution": {"zh": "综合得分分布", "en": "Composite score distribution"},
    "grade_distribution": {"zh": "各单位等级分布", "en": "Grade distribution per unit"},
    "bonus_by_unit": {"zh": "各单位实发奖金", "en": "Final bonus by unit"},
    "dimension_comparison": {"zh": "各单位维度平均得分", "en": "Mean dimension score by unit"},
    "incentive_balance": {"zh": "边际激励占比与权重占比", "en": "Share of pay per point vs weight"},
}


def _unit_label(result: RunResult, unit: Any, language: Language) -> str:
    return _code(result, "shown", unit, language)


def _chart_data(result: RunResult, language: Language) -> list[tuple[str, list[list[CellSpec]]]]:
    """The summary stage's chart tables laid out for native charts: (chart, rows with a header
    row first, then one row per category). Reshaping only: every figure is the summary's."""
    summary = result.summary
    label = result.columns.label
    tables: list[tuple[str, list[list[CellSpec]]]] = []
    histogram = summary.score_histogram
    if not histogram.empty:
        rows: list[list[CellSpec]] = [[(label("composite", language), "header"),
                                       (label("count", language), "header")]]
        for left, right, count in histogram[["bin_left", "bin_right", "count"]].itertuples(
                index=False, name=None):
            rows.append([(f"{left:.1f}–{right:.1f}", "text"), (int(count), "count")])
        tables.append(("score_distribution", rows))
    grades = summary.unit_grades
    if summary.chart_level is not None and not grades.empty:
        wide = grades.pivot(index="shown", columns="grade", values="count")
        rows = [[(label(summary.chart_level, language), "header"),
                 *((_code(result, "grade", g, language), "header") for g in wide.columns)]]
        for unit, values in zip(wide.index, wide.to_numpy().tolist(), strict=True):
            rows.append([(_unit_label(result, unit, language), "text"),
                         *((int(v), "count") for v in values)])
        tables.append(("grade_distribution", rows))
    bonus = summary.unit_bonus
    if summary.chart_level is not None and not bonus.empty:
        rows = [[(label(summary.chart_level, language), "header"),
                 (label("bonus_final", language), "header")]]
        for unit, cents in bonus[["shown", "bonus_final"]].itertuples(index=False, name=None):
            rows.append([(_unit_label(result, unit, language), "text"), (cents, "money_cents")])
        tables.append(("bonus_by_unit", rows))
    means = summary.unit_dimension_means
    if summary.chart_level is not None and not means.empty:
        order = list(dict.fromkeys(means["dimension"]))
        wide = means.pivot(index="shown", columns="dimension", values="value")[order]
        rows = [[(label(summary.chart_level, language), "header"),
                 *((_code(result, "dimension", d, language), "header") for d in wide.columns)]]
        for unit, values in zip(wide.index, wide.to_numpy().tolist(), strict=True):
            rows.append([(_unit_label(result, unit, language), "text"),
                         *((v, "score") for v in values)])
        tables.append(("dimension_comparison", rows))
    incentive = result.extra_table("incentive_summary")  # when the run adds it (--analysis)
    if incentive is not None:
        weighted = incentive.frame[incentive.frame["global_weight"].notna()]
        rows = [[(label("indicator", language), "header"),
                 (label("pay_share", language), "header"),
                 (label("weight_share", language), "header")]]
        for indicator, pay, weight in weighted[["indicator", "pay_share", "weight_share"]
                                               ].itertuples(index=False, name=None):
            rows.append([(_code(result, "indicator", indicator, language), "text"),
                         (pay, "ratio"), (weight, "ratio")])
        if len(rows) > 1:
            tables.append(("incentive_balance", rows))
    return tables


def _native_charts(summary_sheet: Any, data_title: str,
                   tables: list[tuple[str, list[list[CellSpec]]]], anchor_col: str,
                   language: Language) -> list[list[CellSpec]]:
    """Native Excel charts on the Summary sheet over the chart data sheet's tables; returns
    that sheet's rows (tables one under another, a blank row between)."""
    rows: list[list[CellSpec]] = []
    for index, (name, table) in enumerate(tables):
        top = len(rows) + 1
        title = _CHART_TITLES[name][language]
        rows.append([(title, "subtitle")])
        rows.extend(table)
        rows.append([])
        header, first, last = top + 1, top + 2, top + len(table)
        width = len(table[0])
        chart = BarChart()
        chart.type = "col"
        chart.title = title
        chart.style = 10
        chart.height, chart.width = 7.5, 16
        if name == "grade_distribution":
            chart.grouping = "stacked"
            chart.overlap = 100
        if name == "score_distribution":
            chart.gapWidth = 10
        sheet = sheet_ref(data_title)
        data = Reference(range_string=f"{sheet}$B${header}:${get_column_letter(width)}${last}")
        categories = Reference(range_string=f"{sheet}$A${first}:$A${last}")
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        for series in chart.series:  # the categories are unit names: text, not numbers
            series.cat = AxDataSource(strRef=StrRef(f=series.cat.numRef.f))
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if width == 2:
            chart.legend = None
        summary_sheet.add_chart(chart, f"{anchor_col}{2 + index * 16}")
    return rows




def write_bonus_sheet(
    result: RunResult,
    path: str | Path,
    *,
    language: Language | None = None,
    charts: Mapping[str, str | Path] | None = None,
    max_rows: int = MAX_ROWS,
) -> None:
    """Write `bonus_sheet.xlsx` for a run. The Summary sheet carries native Excel charts of the
    summary stage's figures (drawn by the reader's spreadsheet in its own fonts); `charts`, the
    PNG files, are not embedded any more (kept for callers).
    A data sheet longer than `max_rows` (Excel's 1,048,576) continues on a second sheet."""
    language = report_language(result, language)
    book = SheetBook(language, result.labels, fixed_timestamp(result.period))

    def name(key: str) -> str:
        return SHEET_NAMES[key][language]

    def frame_sheet(key: str, frame: pd.DataFrame) -> None:
        columns = sheet_columns(frame, language, result.labels, result.columns)
        book.frame_sheet(name(key), columns, len(frame), printing=detail, max_rows=max_rows)

    detail = PrintSetup(title_rows="1:1", header=_header_text(
        f"{result.period.label} {result.config.unit.name or result.config.unit.id}") + " &A",
        footer=text("page_of", language))
    blocks = PrintSetup(header=detail.header, footer=detail.footer)
    scheme_rows, shares, points = _scheme_rows(result, language, name("scheme"))
    bonus_frame = _bonus_frame(result)
    bonus_keyed = keyed_columns(bonus_frame, language, result.labels, result.columns)
    formulas = _bonus_formulas(result, bonus_keyed, shares, points)
    for key, column in bonus_keyed:
        column.formula = formulas.get(key)
    bonus_letters = {key: get_column_letter(i) for i, (key, _) in enumerate(bonus_keyed, 1)
                     if key in formulas}
    payout_rows, header_rows = _payout_rows(result, language, name("bonus"), bonus_letters)
    book.block_sheet(name("payout"), payout_rows, freeze=f"A{header_rows + 1}",
                     printing=PrintSetup(title_rows=f"1:{header_rows}",
                                         header=_header_text(_title_line(
                                             result, "payout_title", language)),
                                         footer=text("page_of", language)))
    book.block_sheet(name("scheme"), scheme_rows, printing=PrintSetup(
        landscape=False, header=detail.header, footer=detail.footer))
    summary_rows = _summary_rows(result, language)
    summary = book.block_sheet(name("summary"), summary_rows, printing=blocks)
    width = max((len(row) for row in summary_rows), default=0) + 2
    chart_rows = _native_charts(summary, name("chart_data"),
                                _chart_data(result, language),
                                get_column_letter(max(width, 8)), language)
    book.frame_sheet(name("bonus"), [c for _, c in bonus_keyed], len(bonus_frame),
                     printing=detail, max_rows=max_rows)
    rorac_managers = _rorac_managers(result)
    if len(rorac_managers.columns):
        frame_sheet("rorac_managers", rorac_managers)
    frame_sheet("scores", result.scores)
    # the category's name follows its id in the workbook's language (display_frame)
    frame_sheet("rorac", result.rorac.drop(columns=["category_name_zh", "category_name_en"],
                                           errors="ignore"))
    book.block_sheet(name("weights"), _weights_rows(result, language), printing=blocks)
    _pool_sheet(book, result, name("pool"), blocks)
    for table in result.extra:
        columns = sheet_columns(table.frame, language, result.labels, result.columns)
        book.frame_sheet(table.title[language], columns, len(table.frame), printing=detail,
                         max_rows=max_rows)
    if chart_rows:
        book.block_sheet(name("chart_data"), chart_rows, printing=blocks)
    book.block_sheet(name("run"), _run_rows(result, language), printing=blocks)
    book.save(Path(path))
