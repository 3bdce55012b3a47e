"""One validation pass: every input check, config-aware ones included, before any stage computes.

Order of the pass (docs/inputs.md, "Validation"):

1. the readers: file, encoding, columns, types, ranges, allowed values, duplicate keys;
2. a table that must hold rows but has only a header is reported as empty (and nothing else);
   the roster check, once for every table: each `manager_id` must be in the roster; a
   leave_date before the hire_date;
3. the stage checks, pure functions of the tables and the config: `rorac.check_rorac`,
   `weights.check_weights`, `scorecard.check_scorecard`, `bonus.check_bonus` (pool allocations
   included).

Every issue of every step is kept (exact counts); a cell a reader already refused is not
reported again by a later step. `pipeline.run` raises them as one `InputError`;
`appraise validate --issues FILE.csv` writes them all as a table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import AppraisalConfig, LoadedConfig
from .config.inputs import TableSource
from .errors import (
    FORMULA_EXPECTED,
    FORMULA_RULE,
    FORMULA_START,
    AppraisalError,
    ConfigError,
    InputError,
    InputIssue,
    IssueCode,
    IssueTable,
)
from .io.accounts import is_relation, outside, relation_rows, table_rows, unknown_labels
from .io.readers import ROW_COLUMN, LoadedTable, read_table
from .io.schemas import SCHEMAS

__all__ = [
    "NON_EMPTY_TABLES",
    "ROSTER_RULE",
    "STAGE_CHECKS",
    "Validation",
    "check_inputs",
    "check_not_empty",
    "check_roster",
    "check_roster_dates",
    "check_spreadsheet_formulas",
    "validate_inputs",
]

ROSTER_RULE = "manager not in the roster"
"""The one wording of the roster check, for every table."""
STAGE_CHECKS = (
    ("rorac", "check_rorac"),
    ("weights", "check_weights"),
    ("scorecard", "check_scorecard"),
    ("bonus", "check_bonus"),
)
"""(module of `appraisal`, function): the stage checks, run in this order when they exist."""

Check = Callable[[Mapping[str, pd.DataFrame], AppraisalConfig], Iterable[InputIssue]]
_LOCATION = ["file", "row", "column"]


@dataclass(frozen=True)
class Validation:
    """The tables as read and every issue found in them (empty when the inputs are valid)."""

    tables: dict[str, LoadedTable]
    issues: IssueTable

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: table.frame for name, table in self.tables.items()}

    def raise_if_any(self) -> None:
        """One `InputError` with every issue, if there is any."""
        InputError.collect(self.issues)


def check_roster(tables: Mapping[str, pd.DataFrame]) -> IssueTable:
    """Every `manager_id` of every table that refers to the roster must be in the roster."""
    roster = tables.get("managers")
    if roster is None or "manager_id" not in roster.columns:
        return IssueTable()
    known = pd.Index(roster["manager_id"].dropna().unique())
    roster_file = str(roster.attrs.get("file", "managers"))
    found: list[IssueTable] = []
    for name, frame in tables.items():
        schema = SCHEMAS.get(name)
        if schema is None:
            continue
        for column, target in schema.references.items():
            if target != "managers" or column not in frame.columns:
                continue
            values = frame[column]
            if is_relation(frame):  # a columnar account table: its labels, looked up once
                unknown = unknown_labels(frame, column, known)
            else:
                unknown = outside(values, known)
            if not unknown.any():
                continue
            rows = (frame[ROW_COLUMN] if ROW_COLUMN in frame.columns
                    else relation_rows(frame) if is_relation(frame)
                    else pd.Series(range(2, len(frame) + 2)))
            found.append(IssueTable.at(
                unknown, code=IssueCode.UNKNOWN_MANAGER, file=str(frame.attrs.get("file", name)),
                rows=rows, column=column, rule=ROSTER_RULE,
                expected=f"a manager_id listed in {roster_file}", values=values,
            ))
    return IssueTable.concat(found)


def check_roster_dates(tables: Mapping[str, pd.DataFrame]) -> IssueTable:
    """A leave_date before the hire_date is a typing error, never a silent exclusion."""
    roster = tables.get("managers")
    if roster is None or not {"hire_date", "leave_date"} <= set(roster.columns):
        return IssueTable()
    hired = pd.to_datetime(roster["hire_date"], errors="coerce")
    left = pd.to_datetime(roster["leave_date"], errors="coerce")
    backwards = (left < hired).fillna(False).to_numpy(dtype=bool)
    rows = roster[ROW_COLUMN] if ROW_COLUMN in roster.columns else pd.Series(
        range(2, len(roster) + 2))
    return IssueTable.at(
        backwards, code=IssueCode.INCONSISTENT, file=str(roster.attrs.get("file", "managers")),
        rows=rows, column="leave_date", rule="leave_date is before hire_date",
        expected="hire_date " + hired.dt.strftime("%Y-%m-%d").fillna("") + " or later",
        values=left.dt.strftime("%Y-%m-%d"),
    )


_FORMULA_TABLES = ("managers", "pool_allocations", "clawback_events", "judgments")
"""Tables whose texts the run writes back into its CSVs (names, units, notes, reasons, who
approved, expert ids); the others' ids must be the roster's or the config's, and are checked
there (a manager_id, an indicator, a rater)."""
_FORMULA_COLUMNS_SKIPPED = {("judgments", "value")}
"""Texts that are numbers written as text (1/3): checked as judgments."""


def check_spreadsheet_formulas(tables: Mapping[str, pd.DataFrame]) -> IssueTable:
    """A text cell of a table the run writes back (`_FORMULA_TABLES`) that would run as a
    formula when a CSV of the run (managers.csv, payroll.csv, pool_allocations.csv ...) is
    opened in a spreadsheet."""
    found: list[IssueTable] = []
    for name in _FORMULA_TABLES:
        frame = tables.get(name)
        schema = SCHEMAS[name]
        if frame is None or is_relation(frame):
            continue
        for column in schema.columns:
            if (column.kind != "text" or column.name not in frame.columns
                    or (name, column.name) in _FORMULA_COLUMNS_SKIPPED
                    or (name != "managers" and column.name in schema.references)):
                continue
            values = frame[column.name]
            distinct = pd.Series(values.dropna().unique()).astype("string")
            risky = distinct[distinct.str.contains(FORMULA_START, regex=True).fillna(False)]
            if risky.empty:
                continue
            mask = values.isin(set(risky)).to_numpy(dtype=bool)
            rows = (frame[ROW_COLUMN] if ROW_COLUMN in frame.columns
                    else pd.Series(range(2, len(frame) + 2)))
            found.append(IssueTable.at(
                mask, code=IssueCode.NOT_ALLOWED, file=str(frame.attrs.get("file", name)),
                rows=rows, column=column.name, rule=FORMULA_RULE, expected=FORMULA_EXPECTED,
                values=values))
    return IssueTable.concat(found)


NON_EMPTY_TABLES = ("managers", "business", "indicators", "judgments")
"""Tables that, when configured, must hold rows: a header alone is an export gone wrong."""


def check_not_empty(tables: Mapping[str, pd.DataFrame]) -> IssueTable:
    """A configured table from `NON_EMPTY_TABLES` with a header and no rows, said as such (and
    not as the hundreds of issues it would cause downstream)."""
    return IssueTable.of(
        InputIssue(str(frame.attrs.get("file", name)), None, None,
                   "the table has a header but no rows", None,
                   "at least one data row (or leave the table out of inputs: if it is "
                   "optional, the run goes on without it)", IssueCode.EMPTY_TABLE)
        for name, frame in tables.items() if name in NON_EMPTY_TABLES and table_rows(frame) == 0
    )


def _stage_checks() -> list[tuple[str, Check]]:
    """The stage checks that exist in this version of the engine."""
    checks = []
    for module_name, function in STAGE_CHECKS:
        module = importlib.import_module(f"appraisal.{module_name}")
        check = getattr(module, function, None)
        if check is not None:
            checks.append((f"{module_name}.{function}", check))
    return checks


def _run_check(check: Check, tables: Mapping[str, pd.DataFrame], config: AppraisalConfig,
               tolerate_failure: bool) -> IssueTable:
    try:
        return IssueTable.of(check(tables, config))
    except InputError as exc:  # a check that still raises its issues instead of returning them
        return exc.issues
    except AppraisalError:
        raise
    except Exception:
        # A table the readers refused (a column missing, say) may break a stage check; the
        # readers' issues are reported and the check runs again once they are fixed.
        if tolerate_failure:
            return IssueTable()
        raise


def _without_repeats(earlier: IssueTable, later: IssueTable) -> IssueTable:
    """`later` without the cells `earlier` already reported, nor exact repeats."""
    frame = later.frame
    if not len(frame):
        return later
    located = frame[_LOCATION].astype({"file": "str", "column": "str"})
    keep = ~located.duplicated(keep="first").to_numpy() | frame["row"].isna().to_numpy()
    keep &= ~frame.astype({c: "str" for c in ("code", "file", "column", "rule")}).duplicated(
        subset=["code", "file", "row", "column", "rule"], keep="first").to_numpy()
    if len(earlier):
        seen = earlier.frame[_LOCATION].astype({"file": "str", "column": "str"})
        seen = seen[seen["row"].notna()].drop_duplicates()
        marker = located.merge(seen.assign(_seen=True), on=_LOCATION, how="left")["_seen"]
        keep &= ~marker.fillna(False).to_numpy(dtype=bool)
        keep &= ~_said_of_the_column(earlier.frame, frame)
        keep &= ~_key_repeated(earlier.frame, frame)
    return IssueTable(frame[keep])


def _key_repeated(earlier: pd.DataFrame, later: pd.DataFrame) -> np.ndarray:
    """Later duplicate-key issues on a row an earlier one reported, on a column of its key
    (`manager_id + indicator`): the same repeated row, said once."""
    code = str(IssueCode.DUPLICATE_KEY)
    mask = (later["code"].astype("str") == code).to_numpy() & later["row"].notna().to_numpy()
    said = earlier[(earlier["code"].astype("str") == code) & earlier["row"].notna()]
    if not mask.any() or not len(said):
        return np.zeros(len(later), dtype=bool)
    keys = {(str(f), int(r)): {c.strip() for c in str(k).split("+")}
            for f, r, k in zip(said["file"], said["row"], said["column"], strict=True)}
    found = np.zeros(len(later), dtype=bool)
    for i in np.flatnonzero(mask):
        columns = keys.get((str(later["file"].iloc[i]), int(later["row"].iloc[i])))
        found[i] = columns is not None and str(later["column"].iloc[i]) in columns
    return found


_REASON = ["code", "file", "column"]


def _said_of_the_column(earlier: pd.DataFrame, later: pd.DataFrame) -> np.ndarray:
    """Later issues with the reason an earlier one gave for the same column, where one of the
    two is about the whole column (no row): a column missing, or refused as a whole (zoned
    timestamps), is not reported again by a stage check, cell by cell or once more."""
    def reasons(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[_REASON].astype("str")

    whole = earlier["row"].isna().to_numpy()
    by_column = reasons(earlier[whole]).drop_duplicates().assign(_whole=True)
    any_row = reasons(earlier[earlier["column"].notna()]).drop_duplicates().assign(_any=True)
    found = reasons(later)
    columned = later["column"].notna().to_numpy()
    repeated = found.merge(by_column, on=_REASON, how="left")["_whole"].fillna(False)
    rowless = later["row"].isna().to_numpy()
    restated = found.merge(any_row, on=_REASON, how="left")["_any"].fillna(False)
    return columned & (repeated.to_numpy(dtype=bool) | (rowless & restated.to_numpy(dtype=bool)))


def check_inputs(
    tables: Mapping[str, pd.DataFrame], config: AppraisalConfig, *,
    reader_issues: Iterable[InputIssue] = (),
    unreadable: Iterable[str] = (),
) -> IssueTable:
    """Every issue of the roster check and the stage checks (pure; never raises for bad data).

    `tables`: table name -> frame as read by `io.readers` (with `_row`, attrs["file"]);
    `reader_issues`: what the readers found, put first; a cell they refused is not reported
    again by a later check. A columnar account table (`io.accounts`) is checked vectorised;
    when a RORAC rule fails it is read again cell by cell (`rorac.check_rorac`), so the
    messages are the per-cell checks'.
    `unreadable`: configured tables the readers could not read at all (not found, not a file,
    not CSV...): the stage checks then do not run, since each would report the table as not
    configured, or every account it credits as credited to no one; they run once it reads.
    """
    found = IssueTable.of(reader_issues)
    empty = check_not_empty(tables)
    if len(empty):  # everything else would only repeat it, row by row
        return IssueTable.concat([found, empty])
    tolerate = len(found) > 0
    stages = () if tuple(unreadable) else _stage_checks()
    for later in (check_roster(tables), check_roster_dates(tables),
                  check_spreadsheet_formulas(tables),
                  *(_run_check(check, tables, config, tolerate) for _, check in stages)):
        found = IssueTable.concat([found, _without_repeats(found, later)])
    return found


def read_source(loaded: LoadedConfig, name: str, source: TableSource
                ) -> tuple[LoadedTable, IssueTable]:
    """One configured input, as `inputs.<name>` says: a file (every reading setting applied)
    or, with engine: spark, a table of the catalog (read by the engine itself). With DuckDB a
    Parquet business table is left in place for it (`io.accounts.InPlace`)."""
    if source.table is not None:
        from .kernel.catalog import read_catalog_table

        try:
            return read_catalog_table(name, source.table, loaded.config)
        except ConfigError as exc:
            raise ConfigError(str(loaded.path), exc.problems) from None
    return read_table(
        name,
        loaded.resolve(source),
        shown=source.path,
        file_format=source.format,
        encoding=source.encoding,
        sheet=source.sheet,
        delimiter=source.delimiter,
        columns=source.columns,
        header_row=source.header_row,
        in_place=loaded.config.engine.name == "duckdb",
    )


def validate_inputs(loaded: LoadedConfig) -> Validation:
    """Read every configured table and run every check: the tables and all issues found."""
    tables: dict[str, LoadedTable] = {}
    reader_issues: list[IssueTable] = []
    sources = loaded.config.inputs.sources()
    splits = sources.get("credit_splits")
    business = sources.get("business")
    if splits is not None and splits.table is not None and (
            business is None or business.table is None):
        raise ConfigError(str(loaded.path), [("inputs.credit_splits.table", "credit splits from "
                                              "the catalog need the business table from it too")])
    unreadable: list[str] = []
    for name, source in sources.items():
        try:
            table, found = read_source(loaded, name, source)
        except InputError as exc:
            reader_issues.append(exc.issues)
            unreadable.append(name)
            continue
        tables[name] = table
        reader_issues.append(found)
    frames = {name: table.frame for name, table in tables.items()}
    issues = check_inputs(frames, loaded.config, reader_issues=IssueTable.concat(reader_issues),
                          unreadable=unreadable)
    return Validation(tables, issues)
