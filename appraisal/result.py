"""The typed result of a run: stage results, the frames the outputs show, the summary figures,
the column registry, inputs, timings, labels and the audit trail. `report/` presents it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .columns import ColumnRegistry
from .summary import SummaryResult

if TYPE_CHECKING:
    from .bonus import BonusResult
    from .config import AppraisalConfig, Period
    from .rorac import RoracResult
    from .scorecard import ScorecardResult
    from .weights import WeightsResult

__all__ = ["FRAMES", "ExtraTable", "InputRecord", "RunResult", "StageResults", "StageTiming"]

# The frames a run shows, in the order of their CSV files.
FRAMES = ("managers", "scores", "rorac", "rollups", "pool_ledger", "pool_allocations")


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
class ExtraTable:
    """A table a later stage adds to a run (history revision, change on last month, weight
    sensitivity, incentive balance, ...): written as `<key>.csv` and as a workbook sheet titled
    `title[language]`, after the standard sheets, in the order of `RunResult.extra`. Its columns
    must be in the run's column registry."""

    key: str
    frame: pd.DataFrame
    title: dict[str, str]


@dataclass(frozen=True)
class StageTiming:
    stage: str
    rows: int
    seconds: float


@dataclass(frozen=True)
class StageResults:
    """The typed results of the four computing stages, as they returned them."""

    rorac: RoracResult
    weights: WeightsResult
    scorecard: ScorecardResult
    bonus: BonusResult


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced; `report/` writes it, computing nothing new.

    stages: the typed stage results (weights.json is `stages.weights.to_dict()`).
    managers: one row per roster manager (roster, rorac, dimension scores, composite, grade,
        bonus components, bonus_gross, withheld, pool_allocation, bonus_final, flags).
    scores: manager x indicator. rorac: manager x category. rollups: per team / sub_branch /
        branch and total (column `level`, `unit`). pool_ledger, pool_allocations.
    Money columns (kind money_cents in `columns`) hold int64 cents.
    summary: the summary stage's figures. columns: the registry of every column above.
    labels: display names {id: {"zh": .., "en": ..}} of dimensions, indicators, categories,
    grades from the config.
    """

    config: AppraisalConfig
    period: Period
    stages: StageResults
    managers: pd.DataFrame
    scores: pd.DataFrame
    rorac: pd.DataFrame
    rollups: pd.DataFrame
    pool_ledger: pd.DataFrame
    pool_allocations: pd.DataFrame
    summary: SummaryResult
    columns: ColumnRegistry
    inputs: tuple[InputRecord, ...] = ()
    timings: tuple[StageTiming, ...] = ()
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)
    # Where the config file is (outputs resolve against its folder); kept out of `audit` so the
    # data files do not depend on where the project is checked out.
    config_path: Path | None = None
    # Tables added by history/ and analysis/ (see ExtraTable); empty for a plain run.
    extra: tuple[ExtraTable, ...] = ()

    @property
    def weights(self) -> WeightsResult:
        """The weights stage's typed result (matrices, experts, CR, verdicts)."""
        return self.stages.weights

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames the outputs show, by name (managers, scores, rorac, ...)."""
        return {name: getattr(self, name) for name in FRAMES}

    def extra_table(self, key: str) -> ExtraTable | None:
        """The extra table named `key`, or None when this run has none."""
        return next((table for table in self.extra if table.key == key), None)

    def headline(self) -> dict[str, Any]:
        """Headline figures: managers, period, unit, money totals in int cents."""
        totals = self.summary.totals
        return {
            "period": self.period.label,
            "unit": self.config.unit.id,
            "managers": len(self.managers),
            **{key: int(totals.get(key, 0)) for key in
               ("bonus_gross", "withheld", "pool_allocation", "bonus_final")},
        }
