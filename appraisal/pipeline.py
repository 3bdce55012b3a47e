"""`run(config) -> RunResult`: the stages in order, with timings and the audit trail."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .bonus import compute_bonus
from .config import AppraisalConfig, LoadedConfig, Period, load_config
from .errors import InputError, InputIssue
from .io.readers import LoadedTable, check_references, read_table
from .rorac import compute_rorac
from .scorecard import compute_scorecard
from .weights import derive_weights

__all__ = ["InputRecord", "RunResult", "StageTiming", "load_inputs", "run"]


@dataclass(frozen=True)
class InputRecord:
    """One input file as read: table name, path as configured, resolved path, SHA-256, rows."""

    table: str
    path: str
    resolved: str
    sha256: str
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "path": self.path, "sha256": self.sha256, "rows": self.rows}


@dataclass(frozen=True)
class StageTiming:
    stage: str
    rows: int
    seconds: float


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced; `report/` writes it, computing nothing new.

    managers: one row per roster manager (roster columns, rorac, dimension scores, composite,
        grade, grade_coefficient, bonus components, bonus_gross, withheld, pool_allocation,
        bonus_final, flags).
    scores: manager x indicator (scores.csv). rorac: manager x category (rorac.csv).
    rollups: per team / sub_branch / branch sums (column `level`, `unit`).
    weights: content of weights.json. pool_ledger: pool_ledger.csv. pool_allocations: the
    allocation records with reasons. labels: display names {key: {"zh": .., "en": ..}} of
    dimensions, indicators, categories, grades from config.
    """

    config: AppraisalConfig
    period: Period
    managers: pd.DataFrame
    scores: pd.DataFrame
    rorac: pd.DataFrame
    rollups: pd.DataFrame
    weights: dict[str, Any]
    pool_ledger: pd.DataFrame
    pool_allocations: pd.DataFrame
    inputs: tuple[InputRecord, ...] = ()
    timings: tuple[StageTiming, ...] = ()
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)


ProgressCallback = Callable[[str, int, float], None]


def load_inputs(loaded: LoadedConfig) -> dict[str, LoadedTable]:
    """Read and check every configured table; all problems of all files in one InputError."""
    tables: dict[str, LoadedTable] = {}
    issues: list[InputIssue] = []
    for name, source in loaded.config.inputs.sources().items():
        try:
            table, found = read_table(
                name,
                loaded.resolve(source),
                shown=source.path,
                file_format=source.format,
                encoding=source.encoding,
                sheet=source.sheet,
                delimiter=source.delimiter,
                columns=source.columns,
            )
        except InputError as exc:
            issues.extend(exc.issues)
            continue
        tables[name] = table
        issues.extend(found)
    issues.extend(check_references(tables))
    InputError.collect(issues)
    return tables


class _Clock:
    """Stage timings, reported to an optional progress callback as they happen."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.timings: list[StageTiming] = []
        self._started = 0.0

    def start(self) -> None:
        self._started = time.perf_counter()

    def stop(self, stage: str, rows: int) -> None:
        seconds = time.perf_counter() - self._started
        self.timings.append(StageTiming(stage, int(rows), seconds))
        if self.progress:
            self.progress(stage, int(rows), seconds)


def _frame(tables: dict[str, LoadedTable], name: str) -> pd.DataFrame | None:
    table = tables.get(name)
    return None if table is None else table.frame


def run(
    config: str | Path | LoadedConfig, *, progress: ProgressCallback | None = None
) -> RunResult:
    """Run the whole appraisal for a config file; nothing is written (see report.write_run)."""
    clock = _Clock(progress)
    clock.start()
    loaded = config if isinstance(config, LoadedConfig) else load_config(config)
    cfg = loaded.config
    period = cfg.appraisal_period
    tables = load_inputs(loaded)
    managers = tables["managers"].frame
    clock.stop("read", sum(t.rows for t in tables.values()))

    clock.start()
    rorac_result = compute_rorac(
        _frame(tables, "business"), managers, cfg.rorac, period,
        credit_splits=_frame(tables, "credit_splits"),
        manager_costs=_frame(tables, "manager_costs"),
    )
    clock.stop("rorac", tables["business"].rows if "business" in tables else 0)

    clock.start()
    matrices = cfg.scorecard.ahp_matrices()
    weights_result = derive_weights(_frame(tables, "judgments"), cfg.weights, matrices)
    clock.stop("weights", tables["judgments"].rows if "judgments" in tables else 0)

    clock.start()
    scorecard_result = compute_scorecard(
        managers, cfg.scorecard, period,
        indicators=_frame(tables, "indicators"),
        ratings_360=_frame(tables, "ratings_360"),
        satisfaction=_frame(tables, "satisfaction"),
        rorac_by_manager=rorac_result.by_manager,
        local_weights=weights_result.local_weights,
    )
    clock.stop("scorecard", len(scorecard_result.scores))

    clock.start()
    bonus_result = compute_bonus(
        managers, scorecard_result.managers, rorac_result.by_manager, cfg.bonus, period,
        pool_allocations=_frame(tables, "pool_allocations"),
    )
    clock.stop("bonus", len(bonus_result.managers))

    return _assemble(loaded, tables, rorac_result, weights_result, scorecard_result,
                     bonus_result, clock.timings)
