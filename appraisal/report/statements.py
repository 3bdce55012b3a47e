"""Manager statements (绩效单): one workbook per manager with only that manager's figures.

Each statement holds the manager's roster data, indicator results and scores, risk-adjusted
profit by category, the financial indicator against its target (the summary stage's gap, in the
indicator's own unit), composite score, grade and rank ("3 of 12"), every bonus component, the
amount withheld into the shared pool and any allocation from it with its reason. Nothing about
another manager (no unit totals, no ranks of others) is written. Figures come from the run;
nothing is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..columns import ColumnRegistry, Language
from ..errors import AppraisalError
from .excel import CellSpec, SheetBook, fixed_timestamp, report_language, table_rows
from .labels import SHEET_NAMES, text, value_label

if TYPE_CHECKING:
    from ..result import RunResult

__all__ = ["ROSTER_COLUMNS", "statement_filename", "write_statements"]

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
_SAFE_NAME = re.compile(r"[^\w.-]", flags=re.UNICODE)
_NAMED_VALUES = ("grade", "category", "reason")
_FINANCIAL_SOURCES = ("rorac_amount", "rorac_ratio")


def statement_filename(manager_id: str) -> str:
    """`<manager_id>.xlsx`, with characters unsafe in file names written as `_xHH_`."""
    safe = _SAFE_NAME.sub(lambda m: f"_x{ord(m.group()):02x}_", manager_id)
    if safe.startswith("."):
        safe = f"_x2e_{safe[1:]}"
    return f"{safe}.xlsx"


def _positions(frame: pd.DataFrame) -> dict[Any, np.ndarray]:
    """Row positions of each manager in a manager-keyed frame (one pass, not one per manager)."""
    if frame is None or frame.empty or "manager_id" not in frame.columns:
        return {}
    return frame.groupby("manager_id", sort=False, dropna=True).indices


class _Table:
    """A manager-keyed frame rendered once as block rows; a statement picks its own rows."""

    def __init__(self, frame: pd.DataFrame, language: Language, labels: Any,
                 columns: ColumnRegistry) -> None:
        self.positions = _positions(frame)
        if self.positions:
            self.rows = table_rows(frame.drop(columns=["manager_id"]), language, labels, columns)
        else:
            self.rows = []

    def of(self, manager_id: Any) -> list[list[CellSpec]]:
        """Header and the manager's rows; nothing when the manager has none."""
        picked = self.positions.get(manager_id)
        if picked is None or len(picked) == 0:
            return []
        return [self.rows[0], *(self.rows[1 + i] for i in picked)]


class _KeyValues:
    """The managers frame's columns as (label, value) rows, headers and kinds resolved once."""

    def __init__(
        self, keys: Sequence[str], language: Language, labels: Any, columns: ColumnRegistry
    ) -> None:
        self.keys = list(keys)
        self.headers = [columns.label(k, language) for k in self.keys]
        self.kinds = [columns.kind(k) for k in self.keys]
        self.name_header = {
            k: columns.label(k, language) + text("name_suffix", language)
            for k in self.keys
            if k in _NAMED_VALUES
        }
        self.language = language
        self.labels = labels

    def rows(self, record: Mapping[str, Any]) -> list[list[CellSpec]]:
        out: list[list[CellSpec]] = []
        for key, header, kind in zip(self.keys, self.headers, self.kinds, strict=True):
            value = record[key]
            out.append([(header, None), (value, kind)])
            if key in self.name_header and isinstance(value, str):
                name = value_label(value, self.language, self.labels)
                if name != value:
                    out.append([(self.name_header[key], None), (name, "text")])
        return out


class _Financial:
    """Each manager's financial indicator rows of the summary's gaps (actual, target, gap in
    the indicator's own unit, formatted by its kind)."""

    def __init__(self, result: RunResult) -> None:
        financial = {i.id for i in result.config.scorecard.all_indicators()
                     if i.source in _FINANCIAL_SOURCES}
        gaps = result.summary.gaps
        self.gaps = gaps[gaps["indicator"].isin(financial)].reset_index(drop=True)
        self.positions = _positions(self.gaps)

    def rows(self, manager_id: Any, result: RunResult, language: Language) -> list[list[CellSpec]]:
        label = result.columns.label
        out: list[list[CellSpec]] = []
        for i in self.positions.get(manager_id, ()):
            row = self.gaps.iloc[int(i)]
            if pd.isna(row["target"]):
                continue
            kind = str(row["measure"])
            unit = "" if row["unit"] != "CNY" else f" ({text('yuan', language)})"
            out.append([(f"{value_label(str(row['indicator']), language, result.labels)}{unit}",
                         None)])
            out.append([(label("actual", language), None), (row["actual"], kind)])
            out.append([(label("target", language), None), (row["target"], kind)])
            out.append([(label("gap", language), None), (row["gap"], kind)])
        return out


class _Ranks:
    """Each manager's rank in the grading unit with the unit's ranked headcount."""

    def __init__(self, result: RunResult) -> None:
        ranks = result.summary.ranks
        self.ranks = {
            m: (r, n) for m, r, n in zip(ranks["manager_id"], ranks["rank_in_unit"],
                                         ranks["rank_of"], strict=True)
            if not pd.isna(r)
        }

    def rows(self, manager_id: Any, result: RunResult, language: Language) -> list[list[CellSpec]]:
        found = self.ranks.get(manager_id)
        if found is None:
            return []
        shown = text("rank_of", language).format(rank=int(found[0]), of=int(found[1]))
        return [[(result.columns.label("rank_in_unit", language), None), (shown, "text")]]


def _statement_rows(
    result: RunResult,
    record: Mapping[str, Any],
    tables: Mapping[str, _Table],
    fields: Mapping[str, _KeyValues],
    financial: _Financial,
    ranks: _Ranks,
    language: Language,
) -> list[list[CellSpec]]:
    manager_id = record["manager_id"]
    rows: list[list[CellSpec]] = [
        [(f"{text('statement', language)} {result.period.label}", "title")],
        [],
        [(text("basic_info", language), "subtitle")],
        [(result.columns.label("period", language), None), (result.period.label, "text")],
        *fields["roster"].rows(record),
        [],
    ]
    indicators = tables["scores"].of(manager_id)
    if indicators:
        rows.append([(text("indicators", language), "subtitle")])
        rows.extend(indicators)
        rows.append([])
    categories = tables["rorac"].of(manager_id)
    total = record.get("rorac")
    has_total = total is not None and pd.notna(total)
    if categories or has_total:
        rows.append([(text("rorac_by_category", language), "subtitle")])
        rows.extend(categories)
        if has_total:
            rows.append([])
            rows.append([(text("total", language), None), (total, "money_cents")])
        rows.append([])
    against_target = financial.rows(manager_id, result, language)
    if against_target:
        rows.append([(text("financial_gap", language), "subtitle")])
        rows.extend(against_target)
        rows.append([])
    rows.append([(text("result", language), "subtitle")])
    rows.extend(fields["result"].rows(record))
    rows.extend(ranks.rows(manager_id, result, language))
    rows.append([])
    rows.append([(text("pool_allocation", language), "subtitle")])
    allocations = tables["allocations"].of(manager_id)
    rows.extend(allocations or [[(text("none", language), None)]])
    return rows


def _check_ids(ids: pd.Series) -> list[str]:
    """Manager ids as file names; duplicates (also case-insensitive ones) are an error."""
    if ids.isna().any():
        raise AppraisalError("statements: a manager has no manager_id; cannot name the file")
    names = [statement_filename(str(i)) for i in ids]
    folded = pd.Series([n.casefold() for n in names])
    duplicated = folded[folded.duplicated(keep=False)]
    if not duplicated.empty:
        clash = sorted({str(ids.iloc[i]) for i in duplicated.index})
        raise AppraisalError(
            "statements: these manager_id values would write the same statement file "
            f"(ids must be unique, also ignoring case): {', '.join(clash[:10])}"
        )
    return names


def write_statements(
    result: RunResult, out_dir: str | Path, *, language: Language | None = None
) -> list[Path]:
    """Write one statement per manager into `out_dir` as `<manager_id>.xlsx`; returns the paths."""
    language = report_language(result, language)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    managers = result.managers
    if managers.empty:
        return []
    if "manager_id" not in managers.columns:
        raise AppraisalError("statements: the managers frame has no manager_id column")
    names = _check_ids(managers["manager_id"])
    labels = result.labels
    columns = result.columns
    tables = {
        "scores": _Table(result.scores, language, labels, columns),
        "rorac": _Table(result.rorac, language, labels, columns),
        "allocations": _Table(result.pool_allocations, language, labels, columns),
    }
    roster = [c for c in ROSTER_COLUMNS if c in managers.columns]
    others = [c for c in managers.columns if c not in ROSTER_COLUMNS]
    fields = {
        "roster": _KeyValues(roster, language, labels, columns),
        "result": _KeyValues(others, language, labels, columns),
    }
    financial = _Financial(result)
    ranks = _Ranks(result)
    stamp = fixed_timestamp(result.period)
    sheet_name = SHEET_NAMES["statement"][language]
    columns = [str(c) for c in managers.columns]
    written = []
    for values, filename in zip(
        managers.itertuples(index=False, name=None), names, strict=True
    ):
        record = dict(zip(columns, values, strict=True))
        rows = _statement_rows(result, record, tables, fields, financial, ranks, language)
        book = SheetBook(language, labels, stamp)
        book.block_sheet(sheet_name, rows)
        path = folder / filename
        book.save(path)
        written.append(path)
    return written

