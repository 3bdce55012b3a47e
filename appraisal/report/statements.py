"""Manager statements (绩效单): one A4 page per manager, as xlsx and as PDF, with only that
manager's figures.

A statement shows who (identity, unit, period), how the manager scored (each indicator's
actual, target, gap and score, the dimension scores, the composite, the grade and its rank
"5 / 25" in the grading unit), and how the score became yuan: each bonus component as base ×
share × points (points = band or grade coefficient × factors × share of the period employed),
or a fixed pool's sub-pool × points / total points, then the cap/floor adjustment, gross,
withheld into the shared pool, allocations from it with their reasons, and the final bonus.
Internal fields (input rows, data sources, source files) are never shown, nor anything about
another manager. Every figure comes from the run (stage frames and the summary stage); nothing
is computed here, amounts are only formatted (int cents through `appraisal.money`).

The page is laid out once (`Statement`: rows of cells on an 8-column grid) and rendered by two
fast paths: xlsx written as sheet XML straight into a zip (no openpyxl per file; print setup
A4 portrait, fit to one page) and PDF written directly (`report/pdf.py`). Statements are
written in chunks of managers by a pool of processes; each file depends only on its own
manager, so the bytes do not depend on the number of processes or the chunking.
"""

from __future__ import annotations

import functools
import gc
import math
import multiprocessing
import os
import re
import struct
import warnings
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ..columns import ColumnRegistry, Language
from ..config.report import STATEMENT_FORMATS, StatementFormat
from ..errors import AppraisalError
from ..money import cents_to_text
from .labels import SHEET_NAMES

if TYPE_CHECKING:
    from ..result import RunResult

__all__ = [
    "GRID_WIDTHS",
    "ROSTER_COLUMNS",
    "Statement",
    "StatementCell",
    "StatementRow",
    "build_statements",
    "statement_filename",
    "write_statements",
]

ROSTER_COLUMNS = (
    "manager_id",
    "name",
    "branch",
    "sub_branch",
    "team",
    "job_level",
    "hire_date",
    "leave_date",
)
GRID_WIDTHS = (14.0, 25.0, 15.0, 15.0, 14.0, 10.0, 10.0, 14.0)
"""Column widths of the statement grid (Excel character units; the PDF scales them to A4)."""

_SAFE_NAME = re.compile(r"[^\w.-]", flags=re.UNICODE)
_MIN_PARALLEL = 400  # fewer managers than this are written in-process (no process start-up)
_MIN_CHUNK, _MAX_CHUNK = 50, 1000

_TEXT: dict[str, dict[Language, str]] = {
    "title": {"zh": "客户经理绩效单", "en": "Customer manager performance statement"},
    "unit": {"zh": "考核单位", "en": "Unit"},
    "period": {"zh": "考核期", "en": "Period"},
    "identity": {"zh": "基本信息", "en": "Manager"},
    "indicators": {"zh": "指标完成情况与得分", "en": "Indicator results and scores"},
    "rorac": {"zh": "分业务风险调整后利润", "en": "Risk-adjusted profit by category"},
    "result": {"zh": "考核结果", "en": "Appraisal result"},
    "bonus": {"zh": "奖金构成", "en": "How the bonus is made up"},
    "item": {"zh": "项目", "en": "Item"},
    "basis": {"zh": "计算依据", "en": "Basis"},
    "base": {"zh": "基数", "en": "Base"},
    "share": {"zh": "占比", "en": "Share"},
    "points": {"zh": "点数", "en": "Points"},
    "amount": {"zh": "金额(元)", "en": "Amount (yuan)"},
    "weight": {"zh": "权重", "en": "Weight"},
    "category_profit": {"zh": "风险调整后利润", "en": "Profit"},
    "category": {"zh": "业务大类", "en": "Category"},
    "capital": {"zh": "经济资本", "en": "Econ. capital"},
    "score": {"zh": "得分", "en": "Score"},
    "weighted_profit": {"zh": "加权后", "en": "Weighted"},
    "contribution": {"zh": "得分贡献", "en": "Contribution"},
    "total": {"zh": "合计", "en": "Total"},
    "coefficient": {"zh": "系数", "en": "coefficient"},
    "per_person": {
        "zh": "金额 = 基数 × 占比 × 点数；点数 = 档次系数或等级系数 × 其他因子 × 在岗天数占比",
        "en": "amount = base × share × points; points = band or grade coefficient × factors "
              "× share of period employed",
    },
    "progressive": {"zh": "累进计提：金额 = 占比 × 各档利润 × 档次比例之和",
                    "en": "progressive: amount = share × Σ profit slice × its rate"},
    "fixed_pool": {
        "zh": "金额 = 每点金额 × 本人点数；每点金额 = 子奖金池 ÷ 全部点数；"
              "子奖金池 = 奖金池 × 占比",
        "en": "amount = yuan per point × own points; yuan per point = sub-pool ÷ all points; "
              "sub-pool = pool × share",
    },
    "point_value": {"zh": "每点金额(元)", "en": "Yuan per point"},
    "pool_basis": {"zh": "子奖金池 {pool} ÷ 点数 {points}",
                   "en": "sub-pool {pool} ÷ {points} points"},
    "withheld_basis": {"zh": "应发奖金 × 留存比例", "en": "gross × withholding rate"},
    "no_allocation": {"zh": "无", "en": "None"},
    "rank_of": {"zh": "{rank} / {of}", "en": "{rank} of {of}"},
    "signature": {"zh": "客户经理签字：", "en": "Manager's signature:"},
    "date": {"zh": "日期：", "en": "Date:"},
    "grade_basis": {"zh": "等级", "en": "grade"},
    # deferral block (issue 14)
    "deferral": {"zh": "递延支付与追索扣回", "en": "Deferred pay and clawback"},
    "paid_now": {"zh": "本期实发", "en": "Paid now"},
    "deferral_schedule": {"zh": "递延余额发放计划（未发放部分）",
                          "en": "Deferred balance: unreleased tranches"},
    "annual": {"zh": "年度清算（等级奖金）", "en": "Annual settlement (grade part)"},
    "annual_note": {"zh": "补扣金额随下一个未结账月份的奖金发放或扣回（作为追溯调整）。",
                    "en": "The true-up is paid (or recovered) with the next open month's pay, "
                          "as a retro adjustment."},
}
_DEFERRAL_FIGURES = ("deferred", "released", "deferral_balance", "clawback_stopped",
                     "clawback_recovered", "clawback_balance")
_ANNUAL_FIGURES = ("annual_due", "annual_advances", "annual_true_up")
_SCHEDULE_FIELDS = ("grant_period", "tranche", "due_period", "unreleased", "tranche_status")

# Managers-frame money columns later stages may add between gross and final, shown when present.
_OPTIONAL_MONEY = ("retro_adjustment", "deferred", "released", "clawback_recovered")
# How each term enters the final bonus (the bonus stage's identity), for the rule line.
_FINAL_TERMS = (("withheld", "−"), ("pool_allocation", "+"), ("pool_redistributed", "+"),
                ("retro_adjustment", "+"), ("deferred", "−"), ("released", "+"),
                ("clawback_recovered", "−"))


def statement_filename(manager_id: str, suffix: str = ".xlsx") -> str:
    """`<manager_id>.xlsx` (or `.pdf`), with characters unsafe in file names as `_xHH_`."""
    safe = _SAFE_NAME.sub(lambda m: f"_x{ord(m.group()):02x}_", manager_id)
    if safe.startswith("."):
        safe = f"_x2e_{safe[1:]}"
    return f"{safe}{suffix}"


# ---------------------------------------------------------------------------- the layout
class StatementCell(NamedTuple):
    """One cell: grid column (0..7), value as stored (money: int cents), style (a column kind,
    or title, section, header, header_num, label, text, note, total_label, total) and the text a
    reader sees (the PDF draws it)."""

    column: int
    value: Any
    style: str
    shown: str


class StatementRow(NamedTuple):
    """A row of the page: kind (title, section, header, data, total, note, blank) and cells."""

    kind: str
    cells: tuple[StatementCell, ...] = ()


@dataclass(frozen=True)
class Statement:
    """One manager's statement laid out on the grid, ready for the xlsx and PDF writers."""

    manager_id: str
    name: str
    title: str
    rows: tuple[StatementRow, ...]


def _missing(value: Any) -> bool:
    """None, NA, NaT or NaN: an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return value != value if value.__class__ is float or isinstance(value, np.floating) \
        else False


def _grouped(text: str) -> str:
    """Exact yuan text ("-1234567.80") with thousands separators ("-1,234,567.80")."""
    sign = "-" if text.startswith("-") else ""
    whole, _, part = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}.{part}"


def _shown(value: Any, style: str, yes_no: tuple[str, str]) -> str:
    """What a reader sees of a non-money value of the given kind."""
    if _missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return yes_no[0] if value else yes_no[1]
    if style in ("score",):
        return f"{float(value):.2f}"
    if style == "ratio":
        return f"{float(value):.2%}"
    if style in ("weight", "coefficient"):
        return f"{float(value):.4f}"
    if style == "count":
        return str(int(value))
    if style == "number":
        return f"{float(value):,.2f}"
    if style == "date" or isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return str(value)


@dataclass(frozen=True)
class _Context:
    """What every statement of a run shares (picklable: sent once to each worker)."""

    language: Language
    period: str
    unit: str
    columns: ColumnRegistry
    funding_mode: str
    components: tuple[tuple[str, str, float, str], ...]  # id, kind, share, method
    # fixed pool, per component id: (sub-pool as grouped yuan text, total points, yuan per point)
    pool_points: Mapping[str, tuple[str, float, float]]
    withhold_rate: float
    dimensions: tuple[str, ...]
    stamp: datetime
    sheet_name: str
    formats: tuple[StatementFormat, ...]
    folder: str

    def text(self, key: str) -> str:
        return _TEXT[key][self.language]

    def label(self, key: str) -> str:
        return self.columns.label(key, self.language)

    def name_of(self, column: str, value: Any) -> str:
        """Display name of a code value of `column`, from that column's vocabulary only
        (`columns.code_label`: reason `other` is 其他, category `other` 其他业务)."""
        if _missing(value):
            return ""
        return self.columns.code_label(column, value, self.language)


class _Builder:
    """Cells and rows of one statement."""

    def __init__(self, context: _Context, *, with_text: bool = True) -> None:
        self.context = context
        self.rows: list[StatementRow] = []
        self.yes_no = (context.name_of("excluded", True), context.name_of("excluded", False))
        self.with_text = with_text  # the shown text of numbers (only the PDF draws it)

    def cell(self, column: int, value: Any, style: str) -> StatementCell:
        if _missing(value):
            return StatementCell(column, None, style, "")
        if isinstance(value, np.generic):
            value = value.item()
        if self.with_text or value.__class__ is bool or style in ("text", "date", "id",
                                                                   "code"):
            return StatementCell(column, value, style, _shown(value, style, self.yes_no))
        return StatementCell(column, value, style, "")

    def text(self, column: int, value: str, style: str = "text") -> StatementCell:
        return StatementCell(column, value, style, value)

    def row(self, kind: str, *cells: StatementCell) -> None:
        self.rows.append(StatementRow(kind, tuple(cells)))

    def section(self, key: str) -> None:
        if self.rows:
            self.row("blank")
        self.row("section", self.text(0, self.context.text(key), "section"))

    def pairs(self, items: Sequence[tuple[str, StatementCell]]) -> None:
        """(label, value cell) pairs, two per row: labels in columns 0 and 4 (running on over
        the empty column beside them), values in columns 2 and 6."""
        for start in range(0, len(items), 2):
            cells = []
            for offset, (label, value) in zip((0, 4), items[start:start + 2], strict=False):
                cells.append(self.text(offset, label, "label"))
                cells.append(StatementCell(offset + 2, value.value, value.style, value.shown))
            self.row("data", *cells)


@dataclass(frozen=True)
class _ManagerRows:
    """One manager's own rows of the run's frames, as plain records."""

    record: Mapping[str, Any]
    money: Mapping[str, str]  # money column -> exact grouped yuan text
    scores: Sequence[Mapping[str, Any]]
    rorac: Sequence[Mapping[str, Any]]
    allocations: Sequence[Mapping[str, Any]]
    rank: tuple[int, int, str] | None  # rank, of, unit
    schedule: Sequence[Mapping[str, Any]] = ()  # deferral_schedule rows (history/deferral.py)


def _money_cell(builder: _Builder, column: int, cents: Any, text: str | None,
                style: str = "money_cents") -> StatementCell:
    if _missing(cents):
        return StatementCell(column, None, style, "")
    return StatementCell(column, int(cents), style, text or "")


def _identity(builder: _Builder, rows: _ManagerRows) -> None:
    context, record = builder.context, rows.record
    builder.section("identity")
    items: list[tuple[str, StatementCell]] = []
    for key in ROSTER_COLUMNS:
        if key not in record or (key == "leave_date" and _missing(record[key])):
            continue
        kind = context.columns.kind(key)
        items.append((context.label(key), builder.cell(0, record[key], kind)))
    if "service_fraction" in record:
        items.append((context.label("service_fraction"),
                      builder.cell(0, record["service_fraction"], "ratio")))
    builder.pairs(items)


def _indicators(builder: _Builder, rows: _ManagerRows) -> None:
    if not rows.scores:
        return
    context = builder.context
    builder.section("indicators")
    builder.row("header", *(
        builder.text(i, title, "header" if i < 2 else "header_num")
        for i, title in enumerate((
            context.label("dimension"), context.label("indicator"), context.label("actual"),
            context.label("target"), context.label("gap"), context.text("score"),
            context.text("weight"), context.text("contribution"),
        ))
    ))
    for score in rows.scores:
        measure = str(score.get("measure") or "number")
        builder.row(
            "data",
            builder.text(0, context.name_of("dimension", score.get("dimension"))),
            builder.text(1, context.name_of("indicator", score.get("indicator"))),
            builder.cell(2, score.get("actual"), measure),
            builder.cell(3, score.get("target"), measure),
            builder.cell(4, score.get("gap"), measure),
            builder.cell(5, score.get("score"), "score"),
            builder.cell(6, score.get("global_weight"), "weight"),
            builder.cell(7, score.get("contribution"), "score"),
        )


def _rorac(builder: _Builder, rows: _ManagerRows) -> None:
    record = rows.record
    if not rows.rorac and _missing(record.get("rorac")):
        return
    context = builder.context
    builder.section("rorac")
    if rows.rorac:
        builder.row("header",
                    builder.text(0, context.text("category"), "header"),
                    builder.text(1, "", "header"),
                    builder.text(2, context.text("category_profit"), "header_num"),
                    builder.text(3, context.text("weight"), "header_num"),
                    builder.text(4, context.text("weighted_profit"), "header_num"),
                    builder.text(5, "", "header"), builder.text(6, "", "header"),
                    builder.text(7, context.text("capital"), "header_num"))
        for category in rows.rorac:
            builder.row(
                "data",
                builder.text(0, context.name_of("category", category.get("category"))),
                _money_cell(builder, 2, category.get("rorac_category"),
                            category.get("rorac_category_text")),
                builder.cell(3, category.get("category_weight"), "weight"),
                _money_cell(builder, 4, category.get("rorac_weighted"),
                            category.get("rorac_weighted_text")),
                _money_cell(builder, 7, category.get("economic_capital"),
                            category.get("economic_capital_text")),
            )
    cells = [builder.text(0, context.label("rorac"), "total_label"),
             _money_cell(builder, 4, record.get("rorac"), rows.money.get("rorac"), "total")]
    if "economic_capital" in record:
        cells.append(_money_cell(builder, 7, record["economic_capital"],
                                 rows.money.get("economic_capital"), "total"))
    builder.row("total", *cells)
    if "rorac_ratio" in record:
        builder.pairs([(context.label("rorac_ratio"),
                        builder.cell(0, record["rorac_ratio"], "ratio"))])


def _result(builder: _Builder, rows: _ManagerRows) -> None:
    context, record = builder.context, rows.record
    builder.section("result")
    items: list[tuple[str, StatementCell]] = []
    for dimension in context.dimensions:
        key = f"{dimension}_score"
        if key in record:
            items.append((context.label(key), builder.cell(0, record[key], "score")))
    if "composite" in record:
        items.append((context.label("composite"), builder.cell(0, record["composite"], "score")))
    if "grade" in record:
        grade = record["grade"]
        name = context.name_of("grade", grade)
        shown = "" if _missing(grade) or not str(grade) else (
            str(grade) if name == str(grade) else f"{grade} {name}")
        items.append((context.label("grade"), builder.text(0, shown)))
    if rows.rank is not None:
        rank, of, _unit = rows.rank
        shown = context.text("rank_of").format(rank=rank, of=of)
        items.append((context.label("rank_in_unit"), builder.text(0, shown)))
    if "grade_coefficient" in record:
        items.append((context.label("grade_coefficient"),
                      builder.cell(0, record["grade_coefficient"], "coefficient")))
    if record.get("excluded") is True or record.get("excluded") is np.True_:
        items.append((context.label("excluded"), builder.cell(0, True, "flag")))
    builder.pairs(items)


def _component_basis(context: _Context, record: Mapping[str, Any], cid: str, kind: str) -> str:
    coefficient = context.text("coefficient")
    if kind == "profit_band":
        band = record.get(f"{cid}_band")
        factor = record.get(f"{cid}_band_coefficient")
        if _missing(band):
            return ""
        if _missing(factor):
            return str(band)
        return f"{band} ({coefficient} {float(factor):.4f})"
    grade = record.get("grade")
    factor = record.get("grade_coefficient")
    if _missing(grade) or _missing(factor):
        return ""
    return f"{context.text('grade_basis')} {grade} ({coefficient} {float(factor):.4f})"


def _bonus(builder: _Builder, rows: _ManagerRows) -> None:
    context, record, money = builder.context, rows.record, rows.money
    if "bonus_final" not in record:
        return
    builder.section("bonus")
    fixed = context.funding_mode == "fixed_pool"
    builder.row("header",
                builder.text(0, context.text("item"), "header"),
                builder.text(1, context.text("basis"), "header"),
                builder.text(2, context.text("point_value" if fixed else "base"), "header_num"),
                builder.text(3, context.text("share"), "header_num"),
                builder.text(4, context.text("points"), "header_num"),
                builder.text(5, "", "header"), builder.text(6, "", "header"),
                builder.text(7, context.text("amount"), "header_num"))
    progressive = any(method == "progressive" for _, _, _, method in context.components)
    rule = "fixed_pool" if fixed else "per_person"
    builder.row("note", builder.text(0, context.text(rule), "note"))
    if progressive and not fixed:
        builder.row("note", builder.text(0, context.text("progressive"), "note"))
    for cid, kind, share, method in context.components:
        column = f"bonus_{cid}"
        if column not in record:
            continue
        base_like = not fixed and method != "progressive"
        basis = _component_basis(context, record, cid, kind)
        if fixed and cid in context.pool_points:
            sub_pool, total, per_point = context.pool_points[cid]
            basis = context.text("pool_basis").format(pool=sub_pool, points=f"{total:,.4f}")
            price = builder.cell(2, per_point, "coefficient")
        else:
            price = _money_cell(builder, 2, record.get("base") if base_like else None,
                                money.get("base"))
        builder.row(
            "data",
            builder.text(0, context.label(column)),
            builder.text(1, basis),
            price,
            builder.cell(3, share, "ratio"),
            builder.cell(4, record.get(f"{cid}_points"), "coefficient"),
            _money_cell(builder, 7, record[column], money.get(column)),
        )
    limit = record.get("limit_applied")
    adjustment = record.get("limit_adjustment")
    if (not _missing(limit) and str(limit) not in ("", "none")) or (
            not _missing(adjustment) and int(adjustment) != 0):
        builder.row("data",
                    builder.text(0, context.label("limit_adjustment")),
                    builder.text(1, context.name_of("limit_applied", limit)),
                    _money_cell(builder, 7, adjustment, money.get("limit_adjustment")))
    builder.row("total", builder.text(0, context.label("bonus_gross"), "total_label"),
                _money_cell(builder, 7, record.get("bonus_gross"), money.get("bonus_gross"),
                            "total"))
    if "withheld" in record:
        builder.row("data",
                    builder.text(0, context.label("withheld")),
                    builder.text(1, context.text("withheld_basis")),
                    builder.cell(3, context.withhold_rate, "ratio"),
                    _money_cell(builder, 7, record["withheld"], money.get("withheld")))
    if "pool_allocation" in record:
        _allocations(builder, rows)
    redistributed = record.get("pool_redistributed")
    if not _missing(redistributed) and int(redistributed) != 0:
        builder.row("data", builder.text(0, context.label("pool_redistributed")),
                    _money_cell(builder, 7, redistributed, money.get("pool_redistributed")))
    for key in _OPTIONAL_MONEY:
        if key in record and key in context.columns:
            builder.row("data", builder.text(0, context.label(key)),
                        _money_cell(builder, 7, record[key], money.get(key)))
    builder.row("total", builder.text(0, context.label("bonus_final"), "total_label"),
                _money_cell(builder, 7, record["bonus_final"], money.get("bonus_final"),
                            "total"))
    builder.row("note", builder.text(0, _final_rule(context, record), "note"))


def _deferral(builder: _Builder, rows: _ManagerRows) -> None:
    """The deferral block: paid, deferred and released now, the deferred balance with its
    unreleased tranches (due month, amount), clawback stopped, recovered and still owed; in a
    run above the month, the annual settlement. Every figure comes computed from the run."""
    context, record, money = builder.context, rows.record, rows.money
    if any(k in record for k in _ANNUAL_FIGURES):
        builder.section("annual")
        builder.pairs([(context.label(k), _money_cell(builder, 0, record.get(k), money.get(k)))
                       for k in _ANNUAL_FIGURES if k in record])
        builder.row("note", builder.text(0, context.text("annual_note"), "note"))
    if "deferred" not in record:
        return
    builder.section("deferral")
    items = [(context.text("paid_now"),
              _money_cell(builder, 0, record.get("bonus_final"), money.get("bonus_final")))]
    items += [(context.label(k), _money_cell(builder, 0, record.get(k), money.get(k)))
              for k in _DEFERRAL_FIGURES if k in record and k in context.columns]
    builder.pairs(items)
    due = [t for t in rows.schedule if str(t.get("tranche_status")) == "deferred"]
    if not due:
        return
    builder.row("note", builder.text(0, context.text("deferral_schedule"), "note"))
    builder.row("header",
                builder.text(0, context.label("grant_period"), "header"),
                builder.text(2, context.label("tranche"), "header_num"),
                builder.text(4, context.label("due_period"), "header"),
                builder.text(7, context.label("unreleased"), "header_num"))
    for tranche in due:
        builder.row("data",
                    builder.text(0, str(tranche.get("grant_period", ""))),
                    builder.cell(2, tranche.get("tranche"), "count"),
                    builder.text(4, str(tranche.get("due_period", ""))),
                    _money_cell(builder, 7, tranche.get("unreleased"),
                                tranche.get("unreleased_text")))


def _final_rule(context: Any, record: Mapping[str, Any]) -> str:
    """`final = gross − withheld + allocation …`, naming only the terms this run has."""
    terms = [f"{sign} {context.label(key)}" for key, sign in _FINAL_TERMS
             if key in record and key in context.columns]
    return " ".join([context.label("bonus_final"), "=", context.label("bonus_gross"), *terms])


def _allocations(builder: _Builder, rows: _ManagerRows) -> None:
    context, record = builder.context, rows.record
    reasons = ", ".join(dict.fromkeys(
        context.name_of("reason", a.get("reason")) for a in rows.allocations))
    builder.row("data",
                builder.text(0, context.label("pool_allocation")),
                builder.text(1, reasons or context.text("no_allocation")),
                _money_cell(builder, 7, record["pool_allocation"],
                            rows.money.get("pool_allocation")))
    if not rows.allocations:
        return
    builder.row("header",
                builder.text(0, "", "header"),
                builder.text(1, context.label("reason"), "header"),
                builder.text(2, context.label("approved_by"), "header"),
                builder.text(3, context.label("note"), "header"),
                builder.text(4, "", "header"), builder.text(5, "", "header"),
                builder.text(6, "", "header"),
                builder.text(7, context.label("amount"), "header_num"))
    for allocation in rows.allocations:
        note = allocation.get("note")
        builder.row("data",
                    builder.text(1, context.name_of("reason", allocation.get("reason"))),
                    builder.text(2, "" if _missing(allocation.get("approved_by"))
                                 else str(allocation["approved_by"])),
                    builder.text(3, "" if _missing(note) else str(note)),
                    _money_cell(builder, 7, allocation.get("amount"),
                                allocation.get("amount_text")))


def _statement(context: _Context, rows: _ManagerRows, *, with_text: bool = True) -> Statement:
    builder = _Builder(context, with_text=with_text)
    record = rows.record
    title = f"{context.text('title')} {context.period}"
    builder.row("title", builder.text(0, title, "title"))
    builder.row("data", builder.text(0, context.text("unit"), "label"),
                builder.text(2, context.unit), builder.text(4, context.text("period"), "label"),
                builder.text(6, context.period))
    _identity(builder, rows)
    _indicators(builder, rows)
    _rorac(builder, rows)
    _result(builder, rows)
    _bonus(builder, rows)
    _deferral(builder, rows)
    builder.row("blank")
    builder.row("data", builder.text(0, context.text("signature"), "label"),
                builder.text(4, context.text("date"), "label"))
    name = record.get("name")
    return Statement(str(record["manager_id"]), "" if _missing(name) else str(name), title,
                     tuple(builder.rows))


# ------------------------------------------------------------------- a chunk of managers
_SCORE_FIELDS = ("dimension", "indicator", "actual", "target", "gap", "measure", "score",
                 "global_weight", "contribution")
_RORAC_FIELDS = ("category", "rorac_category", "category_weight", "rorac_weighted",
                 "economic_capital")
_ALLOCATION_FIELDS = ("reason", "approved_by", "note", "amount")


@dataclass(frozen=True)
class _Chunk:
    """The frames' rows of a run of consecutive managers (only what their statements show)."""

    managers: pd.DataFrame
    scores: pd.DataFrame
    rorac: pd.DataFrame
    allocations: pd.DataFrame
    ranks: pd.DataFrame
    stems: tuple[str, ...]
    schedule: pd.DataFrame = field(default_factory=pd.DataFrame)


def _money_texts(frame: pd.DataFrame, columns: ColumnRegistry) -> dict[str, list[str]]:
    """Exact grouped yuan text of every money column's int cents ("" when missing)."""
    out = {}
    for key in frame.columns:
        if str(key) in columns and columns.kind(str(key)) == "money_cents":
            values = frame[key]
            missing = values.isna().to_numpy()
            cents = values.astype("Int64").fillna(0).to_numpy(dtype=np.int64)
            texts = cents_to_text(cents).tolist() if len(cents) else []
            out[str(key)] = ["" if gap else _grouped(t)
                             for t, gap in zip(texts, missing.tolist(), strict=True)]
    return out


def _records(frame: pd.DataFrame, fields: Iterable[str],
             columns: ColumnRegistry) -> tuple[list[str], list[tuple]]:
    """The frame's `fields` (and `<money field>_text`) as plain tuples, row by row."""
    keys = [f for f in fields if f in frame.columns]
    if frame.empty or not keys:
        return keys, []
    texts = _money_texts(frame[keys], columns)
    values = [frame[k].tolist() for k in keys] + list(texts.values())
    return keys + [f"{k}_text" for k in texts], list(zip(*values, strict=True))


def _rows_of(chunk: _Chunk, context: _Context) -> Iterable[tuple[str, _ManagerRows]]:
    """Each manager's own rows, found once per chunk (positions, not a search per manager)."""
    registry = context.columns
    texts = _money_texts(chunk.managers, registry)
    columns = [str(c) for c in chunk.managers.columns]
    score_keys, scores = _records(chunk.scores, _SCORE_FIELDS, registry)
    rorac_keys, rorac_rows = _records(chunk.rorac, _RORAC_FIELDS, registry)
    allocation_keys, allocation_rows = _records(chunk.allocations, _ALLOCATION_FIELDS, registry)
    schedule_keys, schedule_rows = _records(chunk.schedule, _SCHEDULE_FIELDS, registry)
    where = {
        name: (frame.groupby("manager_id", sort=False).indices
               if not frame.empty and "manager_id" in frame.columns else {})
        for name, frame in (("scores", chunk.scores), ("rorac", chunk.rorac),
                            ("allocations", chunk.allocations), ("schedule", chunk.schedule))
    }
    ranks = {
        m: (int(r), int(n), str(u))
        for m, r, n, u in zip(chunk.ranks["manager_id"], chunk.ranks["rank_in_unit"],
                              chunk.ranks["rank_of"], chunk.ranks["rank_unit"], strict=True)
        if not (_missing(r) or _missing(n))
    } if not chunk.ranks.empty else {}

    def pick(name: str, keys: list[str], table: list[tuple], manager: Any) -> list[dict]:
        return [dict(zip(keys, table[i], strict=True)) for i in where[name].get(manager, ())]

    for position, (values, stem) in enumerate(zip(
            chunk.managers.itertuples(index=False, name=None), chunk.stems, strict=True)):
        record = dict(zip(columns, values, strict=True))
        manager = record["manager_id"]
        yield stem, _ManagerRows(
            record=record,
            money={k: shown[position] for k, shown in texts.items()},
            scores=pick("scores", score_keys, scores, manager),
            rorac=pick("rorac", rorac_keys, rorac_rows, manager),
            allocations=pick("allocations", allocation_keys, allocation_rows, manager),
            rank=ranks.get(manager),
            schedule=pick("schedule", schedule_keys, schedule_rows, manager),
        )


def _write_chunk(context: _Context, chunk: Sequence[tuple[str, _ManagerRows]]
                 ) -> tuple[list[str], list[tuple[str, str]]]:
    """Write the statements of a chunk of managers (their own rows, as plain records: a worker
    needs no pandas) in every format; returns the file names, in order, and (manager_id,
    characters) for each PDF that cannot show some of its characters."""
    from .pdf import statement_pdf, unprintable

    folder = Path(context.folder)
    written = []
    blank: list[tuple[str, str]] = []
    with_text = "pdf" in context.formats
    collecting = gc.isenabled()
    gc.disable()  # a statement is thousands of small tuples and no cycles: no collection pauses
    try:
        for stem, rows in chunk:
            statement = _statement(context, rows, with_text=with_text)
            for fmt in context.formats:
                name = f"{stem}.{fmt}"
                data = (statement_xlsx(statement, context.sheet_name, context.stamp)
                        if fmt == "xlsx" else
                        statement_pdf(statement, context.stamp, context.language))
                (folder / name).write_bytes(data)
                written.append(name)
                if fmt == "pdf" and (missing := unprintable(statement)):
                    blank.append((statement.manager_id, missing))
    finally:
        if collecting:
            gc.enable()
    return written, blank


# ---------------------------------------------------------------------- xlsx fast path
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_LETTERS = "ABCDEFGH"
# style name -> index into cellXfs of _STYLES_XML
_XF = {
    "default": 0, "title": 1, "section": 2, "header": 3, "header_num": 4, "label": 5,
    "text": 6, "inert": 7, "money_cents": 8, "score": 9, "ratio": 10, "weight": 11,
    "coefficient": 11, "count": 12, "number": 13, "date": 14, "total_label": 15, "total": 16,
    "note": 17, "id": 6, "code": 6, "flag": 6,
}
_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0000"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="5">'
    '<font><sz val="10"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="10"/><name val="Calibri"/><family val="2"/></font>'
    '<font><i/><sz val="8"/><color rgb="FF595959"/><name val="Calibri"/><family val="2"/></font>'
    '</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE5F0"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="3"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color rgb="FF808080"/></bottom>'
    '<diagonal/></border>'
    '<border><left/><right/><top style="thin"><color rgb="FF808080"/></top><bottom/>'
    '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="18">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="1" xfId="0" applyFont="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center" '
    'wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="2" xfId="0" applyFont="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="4" fontId="3" fillId="0" borderId="2" xfId="0" applyNumberFormat="1" '
    'applyFont="1" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"><Application>appraise</Application></Properties>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:H{rows}"/>'
    '<sheetViews><sheetView workbookViewId="0" showGridLines="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="14"/><cols>'
    + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
              for i, w in enumerate(GRID_WIDTHS, start=1))
    + '</cols><sheetData>'
)
_SHEET_TAIL = (
    '</sheetData><printOptions horizontalCentered="1"/>'
    '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="1"/>'
    '</worksheet>'
)
_EPOCH = date(1899, 12, 30).toordinal()


def _xml(text: str) -> str:
    text = _ILLEGAL_XML.sub("\ufffd", text).translate(_XML_ESCAPE)
    if text != text.strip():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


_NUMERIC = frozenset({"money_cents", "total", "score", "ratio", "weight", "coefficient",
                      "count", "number"})
_MONEY = frozenset({"money_cents", "total"})


@functools.lru_cache(maxsize=16384)
def _text_cell(ref: str, text: str, xf: int) -> str:
    """A text cell (labels, headers, names recur on every statement: rendered once)."""
    if text.startswith(_FORMULA_PREFIXES):
        xf = _XF["inert"]
    return f'<c r="{ref}" s="{xf}" t="inlineStr"><is>{_xml(text)}</is></c>'


def _xlsx_cell(ref: str, cell: StatementCell) -> str:
    _, value, style, shown = cell
    xf = _XF.get(style, 6)
    if value is None:
        return f'<c r="{ref}" s="{xf}"/>' if style in ("header", "header_num") else ""
    kind = value.__class__
    if kind is str:
        return _text_cell(ref, value, xf)
    if style in _NUMERIC and kind is not bool:
        if style in _MONEY:
            # yuan: the nearest float to the exact text money.cents_to_text made of the cents
            # (the same float as the exact quotient of the cents: both correctly rounded)
            return f'<c r="{ref}" s="{xf}"><v>{float(shown.replace(",", ""))!r}</v></c>'
        if kind is float and not math.isfinite(value):
            return _text_cell(ref, str(value), 6)
        return f'<c r="{ref}" s="{xf}"><v>{value!r}</v></c>'
    if kind is bool:
        return _text_cell(ref, shown, xf)
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return f'<c r="{ref}" s="{_XF["date"]}"><v>{day.toordinal() - _EPOCH}</v></c>'
    return _text_cell(ref, str(value), xf)


def _sheet_xml(statement: Statement) -> str:
    parts = [_SHEET_HEAD.format(rows=len(statement.rows))]
    for number, row in enumerate(statement.rows, start=1):
        height = ' ht="22" customHeight="1"' if row.kind == "title" else ""
        cells = "".join([_xlsx_cell(f"{_LETTERS[c.column]}{number}", c) for c in row.cells])
        parts.append(f'<row r="{number}"{height}>{cells}</row>')
    parts.append(_SHEET_TAIL)
    return "".join(parts)


def _core_xml(stamp: datetime, title: str) -> str:
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
        f'XMLSchema-instance"><dc:title>{_xml(title)[3:-4]}</dc:title>'
        '<dc:creator>appraise</dc:creator><cp:lastModifiedBy>appraise</cp:lastModifiedBy>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        '</cp:coreProperties>'
    )


def _workbook_xml(sheet_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_xml(sheet_name)[3:-4]}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


class _Entry(NamedTuple):
    """A zip entry deflated once: name, compressed bytes, CRC-32, uncompressed size."""

    name: bytes
    data: bytes
    crc: int
    size: int


def _entry(name: str, text: str) -> _Entry:
    raw = text.encode("utf-8")
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return _Entry(name.encode("ascii"), packer.compress(raw) + packer.flush(),
                  zlib.crc32(raw), len(raw))


@functools.lru_cache(maxsize=8)
def _fixed_entries(sheet_name: str, stamp: datetime, title: str) -> tuple[_Entry, ...]:
    """The parts every statement of a run shares, deflated once per process."""
    return (
        _entry("[Content_Types].xml", _CONTENT_TYPES),
        _entry("_rels/.rels", _ROOT_RELS),
        _entry("docProps/app.xml", _APP),
        _entry("docProps/core.xml", _core_xml(stamp, title)),
        _entry("xl/workbook.xml", _workbook_xml(sheet_name)),
        _entry("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        _entry("xl/styles.xml", _STYLES_XML),
    )


def _zip(entries: Sequence[_Entry], stamp: datetime) -> bytes:
    """A plain zip archive (deflated entries, no extras) with one fixed timestamp."""
    dos_time = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
    dos_date = ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day
    body, directory = [], []
    offset = 0
    for entry in entries:
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dos_time, dos_date,
                             entry.crc, len(entry.data), entry.size, len(entry.name), 0)
        directory.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, 8, dos_time, dos_date,
            entry.crc, len(entry.data), entry.size, len(entry.name), 0, 0, 0, 0,
            0o100600 << 16, offset) + entry.name)
        body += (header, entry.name, entry.data)
        offset += len(header) + len(entry.name) + len(entry.data)
    central = b"".join(directory)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                      offset, 0)
    return b"".join(body) + central + end


def statement_xlsx(statement: Statement, sheet_name: str, stamp: datetime) -> bytes:
    """The statement as an xlsx file (one sheet, A4 portrait, fit to one page), as bytes;
    the same statement gives the same bytes (fixed timestamps, fixed entry order)."""
    stamp = max(stamp, datetime(1980, 1, 1))
    fixed = _fixed_entries(sheet_name, stamp, statement.title)
    return _zip((*fixed, _entry("xl/worksheets/sheet1.xml", _sheet_xml(statement))), stamp)


# ------------------------------------------------------------------------------ the run
def _check_ids(ids: pd.Series) -> list[str]:
    """Manager ids as file stems; duplicates (also case-insensitive ones) are an error."""
    if ids.isna().any():
        raise AppraisalError("statements: a manager has no manager_id; cannot name the file")
    names = [statement_filename(str(i), "") for i in ids]
    folded = pd.Series([n.casefold() for n in names])
    duplicated = folded[folded.duplicated(keep=False)]
    if not duplicated.empty:
        clash = sorted({str(ids.iloc[i]) for i in duplicated.index})
        raise AppraisalError(
            "statements: these manager_id values would write the same statement file "
            f"(ids must be unique, also ignoring case): {', '.join(clash[:10])}"
        )
    return names


def _context(result: RunResult, language: Language, formats: tuple[StatementFormat, ...],
             folder: Path) -> _Context:
    from .excel import fixed_timestamp

    config = result.config
    dimensions = [d.id for d in config.scorecard.dimensions]
    if config.scorecard.additional is not None:
        dimensions.append(config.scorecard.additional.id)
    return _Context(
        language=language,
        period=result.period.label,
        unit=config.unit.name or config.unit.id,
        columns=result.columns,
        funding_mode=config.bonus.funding.mode,
        components=tuple(
            (c.id, c.kind, float(c.share), str(getattr(c, "method", "step") or "step"))
            for c in config.bonus.components
        ),
        pool_points=_pool_points(result),
        withhold_rate=float(config.bonus.shared_pool.withhold_rate),
        dimensions=tuple(dimensions),
        stamp=fixed_timestamp(result.period),
        sheet_name=SHEET_NAMES["statement"][language],
        formats=formats,
        folder=str(folder),
    )


def _pool_points(result: RunResult) -> dict[str, tuple[str, float, float]]:
    """Fixed pool: each component's sub-pool (grouped yuan text), total points and value of one
    point, as the summary stage's scheme figures give them."""
    scheme = getattr(result.summary, "scheme", None)
    if result.config.bonus.funding.mode != "fixed_pool" or scheme is None:
        return {}
    out = {}
    for row in scheme.components.itertuples(index=False):
        if _missing(row.sub_pool) or _missing(row.point_value_yuan):
            continue
        text = _grouped(str(cents_to_text(int(row.sub_pool))))
        out[str(row.component)] = (text, float(row.points_total), float(row.point_value_yuan))
    return out


def _gaps_of_scores(result: RunResult) -> pd.DataFrame:
    """The scores' rows with the summary stage's gap and measure beside them (the gaps table
    is built row for row from scores)."""
    scores, gaps = result.scores, result.summary.gaps
    if scores.empty:
        return scores
    if len(gaps) == len(scores) and (
            gaps["indicator"].astype(str).to_numpy() == scores["indicator"].astype(str)
            .to_numpy()).all():
        return scores.assign(gap=gaps["gap"].to_numpy(), measure=gaps["measure"].to_numpy())
    return scores


def _shown_columns(managers: pd.DataFrame, context: _Context) -> list[str]:
    """The managers columns a statement shows (the rest is not sent to the workers)."""
    wanted = [*ROSTER_COLUMNS, "service_fraction", "rorac", "economic_capital", "rorac_ratio",
              *(f"{d}_score" for d in context.dimensions), "composite", "grade",
              "grade_coefficient", "excluded", "base"]
    for cid, _, _, _ in context.components:
        wanted += [f"bonus_{cid}", f"{cid}_band", f"{cid}_band_coefficient", f"{cid}_points"]
    wanted += ["limit_adjustment", "limit_applied", "bonus_gross", "withheld", "pool_allocation",
               "pool_redistributed", *_OPTIONAL_MONEY, "bonus_final", *_DEFERRAL_FIGURES,
               *_ANNUAL_FIGURES]
    present = set(managers.columns)
    return [c for c in dict.fromkeys(wanted) if c in present]


def _chunks(result: RunResult, stems: list[str], size: int,
            context: _Context) -> Iterable[_Chunk]:
    managers = result.managers.reset_index(drop=True)
    managers = managers[_shown_columns(managers, context)]
    scores = _gaps_of_scores(result)
    frames = {"scores": scores, "rorac": result.rorac, "allocations": result.pool_allocations,
              "ranks": result.summary.ranks,
              "schedule": next((t.frame for t in result.extra if t.key == "deferral_schedule"),
                               None)}
    keyed = {}
    for name, frame in frames.items():
        if frame is None or frame.empty or "manager_id" not in frame.columns:
            keyed[name] = (frame if frame is not None else pd.DataFrame(), None)
        else:
            keyed[name] = (frame.reset_index(drop=True),
                           frame.groupby("manager_id", sort=False).indices)
    ids = managers["manager_id"].tolist()
    for start in range(0, len(managers), size):
        mine = ids[start:start + size]
        parts = {}
        for name, (frame, where) in keyed.items():
            if where is None:
                parts[name] = frame.iloc[0:0]
                continue
            picked = [where[m] for m in mine if m in where]
            positions = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
            parts[name] = frame.take(np.sort(positions))
        yield _Chunk(managers=managers.iloc[start:start + size], scores=parts["scores"],
                     rorac=parts["rorac"], allocations=parts["allocations"],
                     ranks=parts["ranks"], stems=tuple(stems[start:start + size]),
                     schedule=parts["schedule"])


def _pool_context() -> Any:
    """fork where the system has it: a worker starts at once and never re-imports the caller's
    script (it only formats plain records, no pandas, no threads); spawn elsewhere (there a
    script calling write_statements needs the usual `if __name__ == "__main__":` guard)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def write_statements(
    result: RunResult,
    out_dir: str | Path,
    *,
    language: Language | None = None,
    formats: Sequence[StatementFormat] = ("xlsx",),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write one statement per manager into `out_dir` as `<manager_id>.xlsx` and/or `.pdf`;
    returns the paths (managers in order, formats in the order given). `workers` processes
    write chunks of managers (None: one per CPU core; small runs are written in-process)."""
    from .excel import report_language

    language = report_language(result, language)
    unknown = [f for f in formats if f not in STATEMENT_FORMATS]
    if unknown or not formats:
        raise ValueError(f"statement formats must be among {STATEMENT_FORMATS}, got {formats!r}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    managers = result.managers
    if managers.empty:
        return []
    if "manager_id" not in managers.columns:
        raise AppraisalError("statements: the managers frame has no manager_id column")
    stems = _check_ids(managers["manager_id"])
    context = _context(result, language, tuple(dict.fromkeys(formats)), folder)
    count = len(managers)
    processes = workers if workers is not None else (os.cpu_count() or 1)
    if workers is None and count < _MIN_PARALLEL:
        processes = 1
    size = min(_MAX_CHUNK, max(_MIN_CHUNK, math.ceil(count / max(1, processes * 4))))
    names: list[str] = []
    blank: list[tuple[str, str]] = []

    def done(written: tuple[list[str], list[tuple[str, str]]]) -> None:
        names.extend(written[0])
        blank.extend(written[1])
        if progress:
            progress(len(names))

    chunks = (list(_rows_of(chunk, context)) for chunk in _chunks(result, stems, size, context))
    if processes <= 1:
        for rows in chunks:
            done(_write_chunk(context, rows))
    else:
        with ProcessPoolExecutor(max_workers=processes, mp_context=_pool_context()) as pool:
            pending: deque[Future[tuple[list[str], list[tuple[str, str]]]]] = deque()
            for rows in chunks:  # at most two chunks per worker prepared ahead: bounded memory
                pending.append(pool.submit(_write_chunk, context, rows))
                while len(pending) > 2 * processes:
                    done(pending.popleft().result())
            while pending:  # in submission order: the paths follow the managers
                done(pending.popleft().result())
    if blank:
        _warn_blank(blank, context.formats)
    return [folder / name for name in names]


def _warn_blank(blank: Sequence[tuple[str, str]], formats: Sequence[str]) -> None:
    """One warning naming the managers whose PDF statement cannot show some characters (a
    rare character of a name, printed as 〓): never a pay slip with a wrong name unsaid."""
    managers = ", ".join(manager for manager, _ in blank[:10]) + (" ..." if len(blank) > 10
                                                                  else "")
    characters = " ".join(dict.fromkeys("".join(chars for _, chars in blank)))
    where = ("the xlsx statements show them" if "xlsx" in formats else
             "xlsx statements show them (output.statements: both)")
    warnings.warn(f"statements: {len(blank)} PDF statement(s) cannot show {characters} (the PDF "
                  f"font STSong-Light has no such characters: 〓 is printed in their place): "
                  f"{managers}; "
                  f"{where}", UserWarning, stacklevel=3)


def build_statements(result: RunResult, *, language: Language | None = None) -> list[Statement]:
    """The laid-out statements of a run (what the xlsx and PDF files show), in manager order."""
    from .excel import report_language

    language = report_language(result, language)
    if result.managers.empty:
        return []
    stems = _check_ids(result.managers["manager_id"])
    context = _context(result, language, ("xlsx",), Path("."))
    out = []
    for chunk in _chunks(result, stems, _MAX_CHUNK, context):
        out.extend(_statement(context, rows) for _, rows in _rows_of(chunk, context))
    return out

