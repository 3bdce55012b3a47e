"""`run(config) -> RunResult`: the stages in order, with timings and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .config import AppraisalConfig, Period

__all__ = ["InputRecord", "RunResult", "StageTiming"]


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
