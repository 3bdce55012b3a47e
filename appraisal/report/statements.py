"""Manager statements (绩效单): one workbook per manager with only that manager's figures.

Each statement holds the manager's roster data, indicator results and scores, risk-adjusted
profit by category with the gap to target, composite score and grade, every bonus component,
the amount withheld into the shared pool and any allocation from it with its reason. Nothing
about another manager (no unit totals, no ranks of others) is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
_NO_ROWS = np.array([], dtype=np.intp)


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


def _key_values(
    row: pd.Series, frame: pd.DataFrame, keys: Sequence[str], language: Language, labels: Any
) -> list[list[CellSpec]]:
    rows: list[list[CellSpec]] = []
    for key in keys:
        value = row[key]
        kind = column_kind(key, frame[key].dtype, labels)
        rows.append([(column_header(key, language, labels), None), (value, kind)])
        if key in ("grade", "category", "reason") and isinstance(value, str):
            name = value_label(value, language, labels)
            if name != value:
                header = column_header(key, language) + text("name_suffix", language)
                rows.append([(header, None), (name, "text")])
    return rows


def _rorac_block(
    rorac: pd.DataFrame, manager: pd.Series, scores: pd.DataFrame, language: Language, labels: Any
) -> list[list[CellSpec]]:
    """The manager's RORAC rows, a gap column when a target is given, and the total vs target."""
    frame = rorac.drop(columns=["manager_id"])
    target = next((c for c in _RORAC_TARGET_COLUMNS if c in frame.columns), None)
    if target is not None and "rorac" in frame.columns and "gap_to_target" not in frame.columns:
        frame = frame.assign(gap_to_target=frame["rorac"] - frame[target])
    rows = table_rows(frame, language, labels) if not frame.empty else []
    total = manager.get("rorac")
    total_target = None
    if "indicator" in scores.columns and "target" in scores.columns:
        match = scores.loc[scores["indicator"] == "rorac", "target"]
        if len(match) == 1 and pd.notna(match.iloc[0]):
            total_target = float(match.iloc[0])
    if total is not None and pd.notna(total):
        rows.append([])
        rows.append([(text("total", language), None), (float(total), "money")])
        if total_target is not None:
            rows.append([(column_header("rorac_target", language), None), (total_target, "money")])
            gap = float(total) - total_target
            rows.append([(column_header("gap_to_target", language), None), (gap, "money")])
    return rows


def _statement_rows(
    result: RunResult,
    manager: pd.Series,
    scores: pd.DataFrame,
    rorac: pd.DataFrame,
    allocations: pd.DataFrame,
    language: Language,
) -> list[list[CellSpec]]:
    labels = result.labels
    managers = result.managers
    roster = [c for c in ROSTER_COLUMNS if c in managers.columns]
    others = [c for c in managers.columns if c not in ROSTER_COLUMNS]
    rows: list[list[CellSpec]] = [
        [(f"{text('statement', language)} {result.period.label}", "title")],
        [],
        [(text("basic_info", language), "subtitle")],
        [(column_header("period", language), None), (result.period.label, "text")],
        *_key_values(manager, managers, roster, language, labels),
        [],
    ]
    if not scores.empty:
        rows.append([(text("indicators", language), "subtitle")])
        rows.extend(table_rows(scores.drop(columns=["manager_id"]), language, labels))
        rows.append([])
    rorac_rows = _rorac_block(rorac, manager, scores, language, labels) if not rorac.empty else []
    if rorac_rows:
        rows.append([(text("rorac_by_category", language), "subtitle")])
        rows.extend(rorac_rows)
        rows.append([])
    rows.append([(text("result", language), "subtitle")])
    rows.extend(_key_values(manager, managers, others, language, labels))
    rows.append([])
    rows.append([(text("pool_allocation", language), "subtitle")])
    if allocations.empty:
        rows.append([(text("none", language), None)])
    else:
        rows.extend(table_rows(allocations.drop(columns=["manager_id"]), language, labels))
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
    frames = {
        "scores": result.scores,
        "rorac": result.rorac,
        "allocations": result.pool_allocations,
    }
    positions = {key: _positions(frame) for key, frame in frames.items()}
    stamp = fixed_timestamp(result.period)
    sheet_name = SHEET_NAMES["statement"][language]
    written = []
    for position, filename in enumerate(names):
        manager = managers.iloc[position]
        manager_id = manager["manager_id"]
        own = {
            key: frame.iloc[positions[key].get(manager_id, _NO_ROWS)]
            for key, frame in frames.items()
        }
        rows = _statement_rows(
            result, manager, own["scores"], own["rorac"], own["allocations"], language
        )
        book = SheetBook(language, result.labels, stamp)
        book.block_sheet(sheet_name, rows)
        path = folder / filename
        book.save(path)
        written.append(path)
    return written

