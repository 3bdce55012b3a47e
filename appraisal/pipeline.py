"""`run(config) -> RunResult`: the stages in order, with timings and the audit trail."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import bonus as bonus_stage
from .bonus import BonusResult, compute_bonus
from .config import AppraisalConfig, LoadedConfig, Period, load_config
from .errors import ConfigError
from .io.readers import LoadedTable, file_sha256
from .money import cents_to_yuan, yuan_to_cents
from .rorac import RoracResult, compute_rorac
from .scorecard import ScorecardResult, compute_scorecard
from .validate import Validation, validate_inputs
from .weights import WeightsResult, derive_weights

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
    # Where the config file is (outputs resolve against its folder); kept out of `audit` so the
    # data files do not depend on where the project is checked out.
    config_path: Path | None = None

    def summary(self) -> dict[str, Any]:
        """Headline figures: managers, period, money totals (yuan, exact cents)."""
        totals = self.audit.get("totals", {})
        return {
            "period": self.period.label,
            "unit": self.config.unit.id,
            "managers": len(self.managers),
            **{key: totals.get(key, 0.0) for key in
               ("bonus_gross", "withheld", "pool_allocation", "bonus_final")},
        }

    def describe(self) -> list[str]:
        """What a run would do, as lines for `appraise validate`."""
        lines = [f"period {self.period.label} ({self.period.start} .. {self.period.end}), "
                 f"unit {self.config.unit.id} {self.config.unit.name}".rstrip()]
        lines.append(f"{len(self.managers)} managers, {len(self.scores)} indicator scores, "
                     f"{len(self.rorac)} manager x category RORAC rows")
        for matrix_id, record in self.weights.get("matrices", {}).items():
            cr = record.get("cr")
            verdict = "consistent" if record.get("consistent") else "inconsistent"
            if not record.get("consistent") and record.get("accepted"):
                verdict += ", accepted"
            shown = "n/a" if cr is None else f"{cr:.4f}"
            lines.append(f"AHP matrix {matrix_id}: CR {shown} ({verdict}; "
                         f"experts {', '.join(record.get('combined_from', []))})")
        for matrix_id, experts in self.audit.get("excluded_experts", {}).items():
            names = ", ".join(e["expert"] for e in experts)
            lines.append(f"AHP matrix {matrix_id}: excluded inconsistent expert(s) {names}")
        for matrix_id, why in self.audit.get("accepted_matrices", {}).items():
            lines.append(f"AHP matrix {matrix_id}: inconsistent judgments accepted, because: {why}")
        if "grade" in self.managers.columns:
            counts = self.managers["grade"].fillna("-").value_counts().sort_index()
            lines.append("grades: " + ", ".join(f"{g} {n}" for g, n in counts.items()))
        totals = self.summary()
        lines.append(
            f"bonus gross {totals['bonus_gross']:,.2f}, withheld {totals['withheld']:,.2f}, "
            f"pool allocations {totals['pool_allocation']:,.2f}, final {totals['bonus_final']:,.2f}"
        )
        return lines


ProgressCallback = Callable[[str, int, float], None]


def load_inputs(loaded: LoadedConfig) -> dict[str, LoadedTable]:
    """Read every configured table and run every check (`validate.validate_inputs`) before
    any stage: all problems of all files in one InputError."""
    validation = validate_inputs(loaded)
    validation.raise_if_any()
    return validation.tables


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
    config: str | Path | LoadedConfig, *, progress: ProgressCallback | None = None,
    validation: Validation | None = None,
) -> RunResult:
    """Run the whole appraisal for a config file; nothing is written (see report.write_run).

    Every input check runs first (one `InputError` with all issues); `validation`: the result
    of `validate.validate_inputs` for the same config, to skip reading the files again.
    """
    clock = _Clock(progress)
    clock.start()
    loaded = config if isinstance(config, LoadedConfig) else load_config(config)
    if validation is None:
        tables = load_inputs(loaded)
    else:
        validation.raise_if_any()
        tables = validation.tables
    clock.stop("read", sum(t.rows for t in tables.values()))
    try:
        return _run_stages(loaded, tables, clock)
    except ConfigError as exc:
        if exc.file in ("config", "<config>"):
            raise ConfigError(str(loaded.path), exc.problems) from None
        raise


def _run_stages(loaded: LoadedConfig, tables: dict[str, LoadedTable], clock: _Clock) -> RunResult:
    cfg = loaded.config
    period = cfg.appraisal_period
    managers = tables["managers"].frame

    clock.start()
    rorac_result = compute_rorac(
        _frame(tables, "business"), managers, cfg.rorac, period,
        credit_splits=_frame(tables, "credit_splits"),
        manager_costs=_frame(tables, "manager_costs"),
    )
    clock.stop("rorac", tables["business"].rows if "business" in tables else 0)
    rorac_by_manager = _rorac_in_yuan(rorac_result.by_manager)

    clock.start()
    matrices = cfg.scorecard.ahp_matrices()
    weights_result = derive_weights(_frame(tables, "judgments"), cfg.weights, matrices,
                                    config_file=str(loaded.path))
    clock.stop("weights", tables["judgments"].rows if "judgments" in tables else 0)

    clock.start()
    scorecard_result = compute_scorecard(
        managers, cfg.scorecard, period,
        indicators=_frame(tables, "indicators"),
        ratings_360=_frame(tables, "ratings_360"),
        satisfaction=_frame(tables, "satisfaction"),
        rorac_by_manager=rorac_by_manager,
        local_weights=weights_result.local_weights,
    )
    clock.stop("scorecard", len(scorecard_result.scores))

    clock.start()
    bonus_result = compute_bonus(
        managers, scorecard_result.managers, rorac_by_manager, cfg.bonus, period,
        pool_allocations=_frame(tables, "pool_allocations"),
    )
    clock.stop("bonus", len(bonus_result.managers))

    return _assemble(loaded, tables, rorac_result, weights_result, scorecard_result,
                     bonus_result, clock.timings)


def _rorac_in_yuan(by_manager: pd.DataFrame) -> pd.DataFrame:
    """The RORAC stage's cents as yuan for a bonus stage that still takes yuan (one without
    `check_bonus`); the cents bonus stage of issue 11 takes them as they are. Remove after the
    merge."""
    if hasattr(bonus_stage, "check_bonus"):
        return by_manager
    return by_manager.assign(rorac=cents_to_yuan(by_manager["rorac"].to_numpy()))


_ORG_COLUMNS = ("branch", "sub_branch", "team")


def _merge_on_manager(base: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Left-join `extra` on manager_id, keeping columns `base` already has from `base`."""
    if extra.index.name == "manager_id":
        extra = extra.reset_index()
    keep = ["manager_id"] + [
        column for column in extra.columns
        if column not in base.columns and not str(column).startswith("_")
    ]
    return base.merge(extra[keep], on="manager_id", how="left", validate="one_to_one")


def _assemble(
    loaded: LoadedConfig,
    tables: dict[str, LoadedTable],
    rorac_result: RoracResult,
    weights_result: WeightsResult,
    scorecard_result: ScorecardResult,
    bonus_result: BonusResult,
    timings: list[StageTiming],
) -> RunResult:
    cfg = loaded.config
    roster = tables["managers"].frame
    managers = roster.drop(columns=[c for c in roster.columns if c.startswith("_")])
    for frame in (rorac_result.by_manager, scorecard_result.managers, bonus_result.managers):
        managers = _merge_on_manager(managers, frame)
    order = [c for c in (*_ORG_COLUMNS, "manager_id") if c in managers.columns]
    managers = managers.sort_values(order, kind="stable").reset_index(drop=True)

    rorac = rorac_result.by_category.reset_index(drop=True)
    rollups = _rollups(rorac_result.rollups, bonus_result.rollups)
    audit: dict[str, Any] = {
        "config_file": loaded.path.name,
        "config_sha256": file_sha256(loaded.path),
        "accepted_matrices": dict(weights_result.accepted),
        "excluded_experts": _excluded_experts(weights_result),
        "flags": _flag_counts(managers),
        "totals": _totals(managers),
    }
    inputs = tuple(
        InputRecord(t.name, t.shown, str(t.path), t.sha256, t.rows) for t in tables.values()
    )
    return RunResult(
        config=cfg,
        period=cfg.appraisal_period,
        managers=managers,
        scores=scorecard_result.scores.reset_index(drop=True),
        rorac=rorac,
        rollups=rollups,
        weights=weights_result.to_dict(),
        pool_ledger=bonus_result.ledger.reset_index(drop=True),
        pool_allocations=bonus_result.allocations.reset_index(drop=True),
        inputs=inputs,
        timings=tuple(timings),
        labels=_labels(cfg),
        audit=audit,
        config_path=loaded.path,
    )


def _rollups(rorac_rollups: pd.DataFrame, bonus_rollups: pd.DataFrame) -> pd.DataFrame:
    """One row per org unit (and the total): the bonus roll-ups joined with the RORAC amounts.

    Units are keyed by their whole path, so two teams of the same name in different
    sub-branches stay apart.
    """
    keys = [c for c in ("level", "unit", *_ORG_COLUMNS)
            if c in rorac_rollups.columns and c in bonus_rollups.columns]
    extra = [c for c in rorac_rollups.columns if c not in bonus_rollups.columns]
    joined = bonus_rollups.merge(rorac_rollups[keys + extra], on=keys, how="left",
                                 validate="one_to_one")
    additive = [c for c in extra if c not in ("rorac_ratio", "has_capital")]
    branches = rorac_rollups["level"] == "branch"
    total = joined["level"] == "total"
    for column in additive:
        joined[column] = joined[column].fillna(0.0)
        joined.loc[total, column] = float(rorac_rollups.loc[branches, column].sum())
    if {"rorac", "economic_capital", "rorac_ratio"} <= set(joined.columns):
        capital = joined["economic_capital"].to_numpy(dtype=float)
        profit = joined["rorac"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            joined["rorac_ratio"] = np.where(capital > 0, profit / capital, 0.0)
        joined["has_capital"] = capital > 0
    return joined.reset_index(drop=True)


def _excluded_experts(weights_result: WeightsResult) -> dict[str, list[dict[str, Any]]]:
    excluded: dict[str, list[dict[str, Any]]] = {}
    for matrix_id, matrix in weights_result.matrices.items():
        gone = [
            {"expert": e.expert, "reason": e.exclusion_reason,
             "consistency_ratio": e.analysis.consistency_ratio}
            for e in matrix.experts if e.excluded
        ]
        if gone:
            excluded[matrix_id] = gone
    return excluded


def _flag_counts(managers: pd.DataFrame) -> dict[str, int]:
    if "flags" not in managers.columns:
        return {}
    flags = managers["flags"].fillna("").astype(str)
    counts = flags[flags != ""].str.split(r"[;,]\s*", regex=True).explode().value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items()) if k}


def _totals(managers: pd.DataFrame) -> dict[str, float]:
    """Money totals; every column holds exact cents, so the rounded sum is exact."""
    return {
        column: yuan_to_cents(float(managers[column].sum())) / 100
        for column in ("bonus_gross", "withheld", "pool_allocation", "pool_redistributed",
                       "bonus_final")
        if column in managers.columns
    }


def _labels(cfg: AppraisalConfig) -> dict[str, dict[str, str]]:
    labels = {
        category.id: {"zh": category.name_zh or category.id, "en": category.name_en or category.id}
        for category in cfg.rorac.categories
    }
    labels.update(cfg.scorecard.labels())
    return labels
