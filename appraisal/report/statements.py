"""Manager statements (绩效单): one workbook per manager with only that manager's figures.

Each statement holds the manager's roster data, indicator results and scores, risk-adjusted
profit by category with the gap to target, composite score and grade, every bonus component,
the amount withheld into the shared pool and any allocation from it with its reason. Nothing
about another manager (no unit totals, no ranks of others) is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import AppraisalError
from .excel import (
    CellSpec,
    SheetBook,
    fixed_timestamp,
    report_language,
    table_rows,
)
from .labels import SHEET_NAMES, Language, column_header, column_kind, text, value_label

if TYPE_CHECKING:
    from ..pipeline import RunResult

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
_RORAC_TARGET_COLUMNS = ("rorac_target", "target")
_NAMED_VALUES = ("grade", "category", "reason")


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

    def __init__(self, frame: pd.DataFrame, language: Language, labels: Any) -> None:
        self.positions = _positions(frame)
        if self.positions:
            self.rows = table_rows(frame.drop(columns=["manager_id"]), language, labels)
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
        self, managers: pd.DataFrame, keys: Sequence[str], language: Language, labels: Any
    ) -> None:
        self.keys = list(keys)
        self.headers = [column_header(k, language, labels) for k in self.keys]
        self.kinds = [column_kind(k, managers[k].dtype, labels) for k in self.keys]
        self.name_header = {
            k: column_header(k, language) + text("name_suffix", language)
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


def _rorac_frame(rorac: pd.DataFrame) -> pd.DataFrame:
    """RORAC rows with a gap column when the rows carry a target."""
    target = next((c for c in _RORAC_TARGET_COLUMNS if c in rorac.columns), None)
    if target is not None and "rorac" in rorac.columns and "gap_to_target" not in rorac.columns:
        return rorac.assign(gap_to_target=rorac["rorac"] - rorac[target])
    return rorac


def _rorac_targets(scores: pd.DataFrame) -> dict[Any, float]:
    """Each manager's target of the `rorac` indicator, where there is exactly one."""
    if scores.empty or not {"manager_id", "indicator", "target"} <= set(scores.columns):
        return {}
    rows = scores.loc[scores["indicator"] == "rorac", ["manager_id", "target"]]
    rows = rows[~rows["manager_id"].duplicated(keep=False) & rows["target"].notna()]
    return dict(zip(rows["manager_id"], rows["target"].astype(float), strict=True))


def _statement_rows(
    result: RunResult,
    record: Mapping[str, Any],
    tables: Mapping[str, _Table],
    fields: Mapping[str, _KeyValues],
    rorac_target: float | None,
    language: Language,
) -> list[list[CellSpec]]:
    manager_id = record["manager_id"]
    rows: list[list[CellSpec]] = [
        [(f"{text('statement', language)} {result.period.label}", "title")],
        [],
        [(text("basic_info", language), "subtitle")],
        [(column_header("period", language), None), (result.period.label, "text")],
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
            rows.append([(text("total", language), None), (float(total), "money")])
            if rorac_target is not None:
                target_header = column_header("rorac_target", language)
                rows.append([(target_header, None), (rorac_target, "money")])
                gap = float(total) - rorac_target
                rows.append([(column_header("gap_to_target", language), None), (gap, "money")])
        rows.append([])
    rows.append([(text("result", language), "subtitle")])
    rows.extend(fields["result"].rows(record))
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
    tables = {
        "scores": _Table(result.scores, language, labels),
        "rorac": _Table(_rorac_frame(result.rorac), language, labels),
        "allocations": _Table(result.pool_allocations, language, labels),
    }
    roster = [c for c in ROSTER_COLUMNS if c in managers.columns]
    others = [c for c in managers.columns if c not in ROSTER_COLUMNS]
    fields = {
        "roster": _KeyValues(managers, roster, language, labels),
        "result": _KeyValues(managers, others, language, labels),
    }
    targets = _rorac_targets(result.scores)
    stamp = fixed_timestamp(result.period)
    sheet_name = SHEET_NAMES["statement"][language]
    columns = [str(c) for c in managers.columns]
    written = []
    for values, filename in zip(
        managers.itertuples(index=False, name=None), names, strict=True
    ):
        record = dict(zip(columns, values, strict=True))
        rows = _statement_rows(
            result, record, tables, fields, targets.get(record["manager_id"]), language
        )
        book = SheetBook(language, labels, stamp)
        book.block_sheet(sheet_name, rows)
        path = folder / filename
        book.save(path)
        written.append(path)
    return written

