"""`run(config) -> RunResult`: the stages in order, with timings and the audit trail."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .bonus import BonusResult, compute_bonus
from .columns import ColumnRegistry, column_registry
from .config import AppraisalConfig, LoadedConfig, load_config
from .errors import ConfigError, InputError, InternalError
from .io.accounts import is_catalog, is_in_place
from .io.readers import LoadedTable, file_sha256
from .kernel import engine_for
from .money import to_cents
from .result import ExtraTable, InputRecord, RunResult, StageResults, StageTiming
from .rorac import RoracResult, capital_ratio, compute_rorac, has_capital
from .scorecard import ScorecardResult, compute_scorecard
from .summary import compute_summary
from .validate import Validation, validate_inputs
from .weights import WeightsResult, derive_weights

if TYPE_CHECKING:
    from .history.deferral import DeferralPlan
    from .history.plan import RunPlan

__all__ = ["InputRecord", "RunResult", "StageTiming", "load_inputs", "run"]


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
    validation: Validation | None = None, revision: str | None = None,
) -> RunResult:
    """Run the whole appraisal for a config file; nothing is written (see report.write_run).

    Every input check runs first (one `InputError` with all issues); `validation`: the result
    of `validate.validate_inputs` for the same config, to skip reading the files again.
    With a `history:` ledger the run reads it first (`history.plan_run`: closed period,
    carry-in, retro adjustments; `revision`: the reason to re-run a closed period).
    """
    clock = _Clock(progress)
    clock.start()
    loaded = config if isinstance(config, LoadedConfig) else load_config(config)
    plan = None
    if loaded.config.history is not None:
        from .history.plan import plan_run

        plan = plan_run(loaded, revision=revision)
        loaded = plan.loaded
    elif revision is not None:
        raise ConfigError(str(loaded.path), [("history", "--revision needs a history: section "
                                                         "(the ledger of closed periods)")])
    if validation is None:
        tables = load_inputs(loaded)
    else:
        validation.raise_if_any()
        tables = validation.tables
    clock.stop("read", sum(t.rows for t in tables.values()))
    deferral = None
    annual = plan is not None and plan.annual is not None  # a quarter or year: no deferral
    if loaded.config.deferral is not None and not annual:  # deferral hook (history/deferral.py)
        from .history.deferral import plan_deferral

        deferral = plan_deferral(loaded, tables["managers"].frame,
                                 _frame(tables, "clawback_events"),
                                 None if plan is None or plan.revises is None
                                 else plan.revises.figures)
    try:
        result = _run_stages(loaded, tables, clock, plan, deferral)
        result = result if plan is None else plan.finish(result)
        return result if deferral is None else deferral.finish(result)
    except ConfigError as exc:
        if exc.file in ("config", "<config>"):
            raise ConfigError(str(loaded.path), exc.problems) from None
        raise


def _still_as_read(tables: dict[str, LoadedTable]) -> None:
    """Refuse the run when a table read in place (summed from its files by the account
    stage, after validation) or a catalog table (summed by Spark from its current version)
    changed since it was read and its digest taken: the figures would not be those of the
    recorded input (docs/kernel.md, "In place", "Catalog tables")."""
    changed = [issue for table in tables.values()
               if is_in_place(table.frame) or is_catalog(table.frame)
               for issue in [table.changed()] if issue is not None]
    if changed:
        raise InputError(changed)


def _run_stages(loaded: LoadedConfig, tables: dict[str, LoadedTable], clock: _Clock,
                plan: RunPlan | None = None, deferral: DeferralPlan | None = None
                ) -> RunResult:
    cfg = loaded.config
    period = cfg.appraisal_period
    managers = tables["managers"].frame

    clock.start()
    engine = engine_for(cfg.engine)  # the account kernel's SQL engine (docs/kernel.md)
    try:
        rorac_result = compute_rorac(
            _frame(tables, "business"), managers, cfg.rorac, period,
            credit_splits=_frame(tables, "credit_splits"),
            manager_costs=_frame(tables, "manager_costs"), engine=engine,
        )
    except Exception:
        _still_as_read(tables)  # a file removed under the kernel: that, not the engine's error
        raise
    finally:
        engine.close()
    _still_as_read(tables)
    clock.stop("rorac", tables["business"].rows if "business" in tables else 0)
    rorac_by_manager = rorac_result.by_manager

    clock.start()
    matrices = cfg.scorecard.ahp_matrices()
    weights_result = derive_weights(_frame(tables, "judgments"), cfg.weights, matrices,
                                    config_file=str(loaded.path))
    clock.stop("weights", tables["judgments"].rows if "judgments" in tables else 0)

    clock.start()
    indicators, card_rorac = _frame(tables, "indicators"), rorac_by_manager
    if plan is not None and plan.annual is not None:  # annual hook (history/annual.py)
        indicators, card_rorac = plan.annual.actuals(indicators, rorac_by_manager)
    scorecard_result = compute_scorecard(
        managers, cfg.scorecard, period,
        indicators=indicators,
        ratings_360=_frame(tables, "ratings_360"),
        satisfaction=_frame(tables, "satisfaction"),
        rorac_by_manager=card_rorac,
        local_weights=weights_result.local_weights,
    )
    clock.stop("scorecard", len(scorecard_result.scores))

    clock.start()
    bonus_result = compute_bonus(
        managers, scorecard_result.managers, rorac_by_manager, cfg.bonus, period,
        pool_allocations=_frame(tables, "pool_allocations"),
        retro_due=None if plan is None else plan.retro_due,
        retro_not_below_zero=True if plan is None else plan.retro_not_below_zero,
        excluded_pay=cfg.scorecard.tenure.excluded_pay,
        deferral=None if deferral is None else deferral.inputs,
    )
    clock.stop("bonus", len(bonus_result.managers))

    return _assemble(loaded, tables, rorac_result, weights_result, scorecard_result,
                     bonus_result, clock.timings)


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
    """The frames the outputs show, the summary stage and the registry of their columns."""
    cfg = loaded.config
    columns = column_registry(cfg)
    roster = tables["managers"].frame
    # leave_reason and the deferral flags are read by deferral: only; without it they are
    # not shown
    # (the registry, columns.csv included, stays as before)
    deferral_only = () if cfg.deferral is not None else (
        "leave_reason", "risk_relevant", "senior_management")
    managers = roster.drop(columns=[c for c in roster.columns
                                    if c.startswith("_") or c in deferral_only])
    managers = _roster_in_cents(managers, columns)
    stage_frames = (("rorac", rorac_result.by_manager), ("scorecard", scorecard_result.managers),
                    ("bonus", bonus_result.managers))
    for stage, frame in stage_frames:
        managers = _merge_on_manager(managers, _require_cents(frame, columns, stage))
    order = [c for c in (*_ORG_COLUMNS, "manager_id") if c in managers.columns]
    managers = managers.sort_values(order, kind="stable").reset_index(drop=True)

    rorac = _require_cents(rorac_result.by_category.reset_index(drop=True), columns, "rorac")
    rollups = _rollups(_require_cents(rorac_result.rollups, columns, "rorac"),
                       _require_cents(bonus_result.rollups, columns, "bonus"))
    scores = scorecard_result.scores.reset_index(drop=True)
    pool_ledger = _require_cents(bonus_result.ledger.reset_index(drop=True), columns, "bonus")
    pool_allocations = _require_cents(bonus_result.allocations.reset_index(drop=True), columns,
                                      "bonus")
    summary = compute_summary(managers, scores, rollups, pool_ledger, cfg)
    audit: dict[str, Any] = {
        "config_file": loaded.path.name,
        "config_sha256": file_sha256(loaded.path),
        "accepted_matrices": dict(weights_result.accepted),
        "excluded_experts": _excluded_experts(weights_result),
        "flags": _flag_counts(managers),
        "totals_cents": _totals(summary.totals),
    }
    inputs = tuple(
        InputRecord(t.name, t.shown, str(t.path), t.sha256, t.rows) for t in tables.values()
    )
    return RunResult(
        config=cfg,
        period=cfg.appraisal_period,
        stages=StageResults(rorac_result, weights_result, scorecard_result, bonus_result),
        managers=managers,
        scores=scores,
        rorac=rorac,
        rollups=rollups,
        pool_ledger=pool_ledger,
        pool_allocations=pool_allocations,
        summary=summary,
        columns=columns,
        inputs=inputs,
        timings=tuple(timings),
        labels=_labels(cfg),
        audit=audit,
        config_path=loaded.path,
        extra=_missing_actuals(managers, scores),
    )


MISSING_ACTUALS_TITLE = {"zh": "缺失实际值", "en": "Missing actuals"}


def _missing_actuals(managers: pd.DataFrame, scores: pd.DataFrame) -> tuple[ExtraTable, ...]:
    """Every manager x indicator scored 0 for a missing actual (allowed only by the policy
    `missing_actual: zero`), listed for the workbook and `missing_actuals.csv`."""
    flagged = scores["flags"].astype(str).str.contains("actual_missing", regex=False)
    if not flagged.any():
        return ()
    shown = [c for c in ("manager_id", "name", "team") if c in managers.columns]
    frame = (scores.loc[flagged, ["manager_id", "indicator", "score"]]
             .merge(managers[shown], on="manager_id", how="left")
             [[*shown, "indicator", "score"]]
             .sort_values(["manager_id", "indicator"], kind="stable").reset_index(drop=True))
    return (ExtraTable("missing_actuals", frame, MISSING_ACTUALS_TITLE),)


def _roster_in_cents(roster: pd.DataFrame, columns: ColumnRegistry) -> pd.DataFrame:
    """The roster's money columns (pay_base, typed in yuan) as int64 cents, rounded once by
    `money.to_cents`; blank stays blank (nullable Int64)."""
    out = roster.copy()
    for key in roster.columns:
        column = columns.get(str(key))
        if column is None or column.kind != "money_cents" or pd.api.types.is_integer_dtype(
            roster[key]
        ):
            continue
        numbers = pd.to_numeric(roster[key], errors="coerce").astype("float64")
        missing = numbers.isna().to_numpy()
        cents = pd.array(to_cents(np.where(missing, 0.0, numbers.to_numpy())), dtype="Int64")
        cents[missing] = pd.NA
        out[key] = pd.Series(cents, index=roster.index)
    return out


def _require_cents(frame: pd.DataFrame, columns: ColumnRegistry, stage: str) -> pd.DataFrame:
    """Stage frames hand over money as integer cents; a float money column is a bug."""
    for key in frame.columns:
        column = columns.get(str(key))
        if column is not None and column.kind == "money_cents" and not (
            pd.api.types.is_integer_dtype(frame[key]) or frame[key].isna().all()
        ):
            raise InternalError(f"{stage}: money column {key!r} is not integer cents "
                                f"(dtype {frame[key].dtype})")
    return frame


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
        values = rorac_rollups.loc[branches, column]
        if pd.api.types.is_integer_dtype(values):
            joined[column] = joined[column].fillna(0).astype("int64")
            joined.loc[total, column] = int(values.to_numpy(dtype=np.int64).sum())
        else:
            joined[column] = joined[column].fillna(0.0)
            joined.loc[total, column] = float(values.sum())
    if {"rorac", "economic_capital", "rorac_ratio"} <= set(joined.columns):
        capital = joined["economic_capital"].to_numpy(dtype=np.int64)
        joined["rorac_ratio"] = capital_ratio(joined["rorac"].to_numpy(dtype=np.int64), capital)
        joined["has_capital"] = has_capital(capital)
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


def _totals(totals: Mapping[str, int]) -> dict[str, int]:
    """Money totals of the run in int cents (the roll-ups' total row, via the summary)."""
    return {key: int(value) for key, value in totals.items()}


def _labels(cfg: AppraisalConfig) -> dict[str, dict[str, str]]:
    labels = {
        category.id: {"zh": category.name_zh or category.id, "en": category.name_en or category.id}
        for category in cfg.rorac.categories
    }
    labels.update(cfg.scorecard.labels())
    return labels
