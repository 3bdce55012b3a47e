"""The pipeline's hook: what the ledger says before a run, and the tables it adds after.

Before: refuse a closed period without `--revision`; the pool's carry-in from the latest closed
version of the previous period (plus the pool differences of revised months not yet carried);
the retro adjustments owed to each manager. After: the `revision` table (old, new, delta per
manager against the closed version) and the `period_change` table (last period's final bonus,
this one's, the change and its largest driver). `history/` stores and feeds; it computes no
stage: the bonus stage pays the retro adjustment.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InternalError
from ..money import cents_to_text, to_cents
from ..result import ExtraTable, RunResult
from .annual import AnnualPlan, actuals_table_of, is_span, plan_annual
from .db import HistoryError, ledger_for
from .periods import previous_period
from .state import (
    latest_version,
    ledger_mark,
    manager_amount_frame,
    manager_frame,
    outstanding_retro,
    pending_pool,
    pool_of,
    unit_has_versions,
)

if TYPE_CHECKING:
    from ..config import AppraisalConfig, LoadedConfig

__all__ = ["DRIVERS", "RunPlan", "driver_of", "plan_run"]

DRIVERS = ("profit_band", "grade", "cap_floor", "pool", "retro_adjustment")
"""The drivers of a change in final bonus, in the order that wins a tie."""
_SIGN = {"withheld": -1, "deferred": -1, "clawback_recovered": -1}


def driver_of(config: AppraisalConfig) -> dict[str, str]:
    """The driver each money column of managers.csv adds to the final bonus under."""
    drivers = {f"bonus_{c.id}": ("grade" if c.kind == "grade" else "profit_band")
               for c in config.bonus.components}
    drivers.update(limit_adjustment="cap_floor", withheld="pool", pool_allocation="pool",
                   pool_redistributed="pool", retro_adjustment="retro_adjustment")
    if config.deferral is not None:  # deferral hook (appraisal/history/deferral.py)
        drivers.update(deferred="deferral", released="deferral", clawback_recovered="deferral")
    return drivers


@dataclass(frozen=True)
class _Version:
    """A closed version as the ledger holds it: its row, manager figures and amounts."""

    row: dict[str, Any]
    figures: pd.DataFrame
    amounts: pd.DataFrame


@dataclass(frozen=True)
class RunPlan:
    """What the ledger says for one run, read once before it (the database is not held open).

    loaded: the config with the carry-in resolved. retro_due: cents owed per manager_id.
    revises: the closed version a `--revision` run replaces; previous: the latest closed
    version of the previous period; audit: what `close` checks again.
    """

    loaded: LoadedConfig
    retro_due: pd.Series
    retro_source: pd.Series
    retro_not_below_zero: bool
    revision: str | None
    revises: _Version | None
    previous: _Version | None
    audit: dict[str, Any]
    annual: AnnualPlan | None = None  # a run above the month (appraisal/history/annual.py)

    def finish(self, result: RunResult) -> RunResult:
        """The run with the history columns and tables added (RunResult is frozen)."""
        if self.annual is not None:
            result = self.annual.finish(result)
        managers = _with_retro_source(result.managers, self.retro_source)
        extra = list(result.extra)
        annual = result.config.history.annual  # type: ignore[union-attr]
        if self.annual is None and annual is not None:
            extra.append(actuals_table_of(result))
        if self.previous is not None:
            change = _period_change(managers, self.previous, result.config)
            managers = _with_change_columns(managers, change)
            extra.append(ExtraTable("period_change", change,
                                    {"zh": "与上期比较", "en": "Change on last period"}))
        if self.revises is not None:
            bonus_money = result.stages.bonus.money_columns
            extra.insert(0, ExtraTable("revision", _revision(managers, self.revises,
                                                             bonus_money, self.revision),
                                       {"zh": "更正对比", "en": "Revision"}))
        money = [str(c) for c in managers.columns
                 if result.columns.get(str(c)) is not None
                 and result.columns.kind(str(c)) == "money_cents"]
        bands = [f"{c.id}_band" for c in result.config.bonus.components
                 if c.kind == "profit_band"]
        amounts = [c for c in ("rorac", "base", *result.stages.bonus.money_columns)
                   if c in managers.columns]
        recorded = {**self.audit, "money_columns": money, "amount_columns": amounts,
                    "drivers": driver_of(result.config),
                    "band_column": next((b for b in bands if b in managers.columns), None)}
        audit = {**result.audit, "history": recorded}
        return dataclasses.replace(result, managers=managers, extra=tuple(extra), audit=audit)


def _read_version(conn: Any, row: dict[str, Any] | None) -> _Version | None:
    if row is None:
        return None
    return _Version(row, manager_frame(conn, row["id"]), manager_amount_frame(conn, row["id"]))


def _yuan(cents: int) -> float:
    """Cents as the float yuan the config holds; exact (checked) for any pool amount."""
    value = cents / 100
    if int(to_cents(value)) != cents:
        raise InternalError(f"history: carry-in of {cents} cents does not round-trip as yuan")
    return value


def _with_carry_in(loaded: LoadedConfig, cents: int) -> LoadedConfig:
    config = loaded.config
    pool = config.bonus.shared_pool.model_copy(update={"carry_in": _yuan(cents)})
    bonus = config.bonus.model_copy(update={"shared_pool": pool})
    return loaded._replace(config=config.model_copy(update={"bonus": bonus}))


def _carry_in(conn: Any, loaded: LoadedConfig, revises: _Version | None,
              previous: dict[str, Any] | None, revision: str | None
              ) -> tuple[int, str, int]:
    """(carry-in cents, where it comes from, pool differences it takes from revised months)."""
    config = loaded.config
    unit, period = config.unit.id, config.period
    pool = config.bonus.shared_pool
    explicit = "carry_in" in pool.model_fields_set and pool.carry_in != "from_history"
    given = int(to_cents(pool.carry_in)) if explicit else None  # type: ignore[arg-type]
    pending = 0
    if revises is not None:
        ledger = int(pool_of(conn, revises.row["id"])["carry_in"])
        source = f"ledger: {period} version {revises.row['version']}"
    elif previous is not None:
        pending = pending_pool(conn, unit)
        ledger = int(pool_of(conn, previous["id"])["carry_out"]) + pending
        source = f"ledger: carry-out of {previous['period']} version {previous['version']}"
        if pending:
            source += f" + {cents_to_text(pending)} from revised periods"
    elif unit_has_versions(conn, unit):
        raise HistoryError(
            f"{loaded.path}: unit {unit} has closed periods in the ledger but not "
            f"{previous_period(period)}, the period before {period}; close it first (the "
            "pool's carry-in chains from it)" + (
                "; to settle the grade component over the closed months of "
                f"{period}, add history.annual (docs/deferral.md)" if is_span(period) else "")
        )
    else:
        return (given or 0), "config (the ledger has no earlier period)", 0
    if given is not None and given != ledger:
        if revision is None:
            raise HistoryError(
                f"{loaded.path}: bonus.shared_pool.carry_in is {cents_to_text(given)} but the "
                f"ledger says {cents_to_text(ledger)} ({source}); remove carry_in to take the "
                'ledger\'s, or explain the difference with --revision "reason"'
            )
        return given, f"config, explained: {revision} (ledger: {cents_to_text(ledger)})", 0
    return ledger, source, pending


def _annual_config(loaded: LoadedConfig) -> LoadedConfig:
    """A run above the month settles the grade component: the shared pool is monthly, so it
    withholds nothing and carries nothing in."""
    config = loaded.config
    pool = config.bonus.shared_pool.model_copy(update={"carry_in": 0.0, "withhold_rate": 0.0})
    bonus = config.bonus.model_copy(update={"shared_pool": pool})
    return loaded._replace(config=config.model_copy(update={"bonus": bonus}))


def _closed_refusal(closed: dict[str, Any], unit: str, period: str) -> HistoryError:
    return HistoryError(
        f"period {period} of unit {unit} is closed (version {closed['version']}, "
        f"closed by {closed['closed_by']} at {closed['closed_at']}); a new run "
        'needs --revision "reason": it becomes version '
        f"{closed['version'] + 1} and its differences are paid next period"
    )


def _plan_span(loaded: LoadedConfig, revision: str | None) -> RunPlan:
    """The plan of a run above the month: the closed months of its span, no carry-in, no
    retro adjustment (the next open month pays them), the annual plan."""
    config = loaded.config
    unit, period = config.unit.id, config.period
    if "pool_allocations" in config.inputs.sources():
        raise ConfigError(str(loaded.path), [("inputs.pool_allocations", (
            f"period {period} settles the grade component over its closed months and pays no "
            "shared pool (the pool is monthly): leave pool_allocations out of this config and "
            "allocate in a month's run"))])
    ledger = ledger_for(loaded)
    try:
        with ledger.engine.connect() as conn:
            closed = latest_version(conn, unit, period)
            if closed is not None and revision is None:
                raise _closed_refusal(closed, unit, period)
            annual = plan_annual(conn, loaded)
            revises = _read_version(conn, closed)
            mark = ledger_mark(conn, unit)
    finally:
        ledger.dispose()
    audit = {
        "ledger": ledger.shown, "ledger_mark": mark, "revision": revision,
        "revises_version": None if revises is None else int(revises.row["version"]),
        "previous": None, "carry_in_cents": 0,
        "carry_in_source": f"none: {period} settles the grade component over its months",
        "pool_pending_cents": 0, "retro_due_cents": 0, "span": period,
    }
    empty = pd.Series([], dtype="int64", index=pd.Index([], dtype="str"))
    return RunPlan(
        loaded=_annual_config(loaded), retro_due=empty,
        retro_source=pd.Series([], dtype="str", index=pd.Index([], dtype="str")),
        retro_not_below_zero=True, revision=revision, revises=revises, previous=None,
        audit=audit, annual=annual,
    )


def plan_run(loaded: LoadedConfig, *, revision: str | None = None) -> RunPlan:
    """Read the ledger for a run of `loaded` (which has a `history:` section)."""
    config = loaded.config
    unit, period = config.unit.id, config.period
    if revision is not None and not revision.strip():
        raise HistoryError('--revision needs a reason, e.g. --revision "corrected loan file"')
    if is_span(period) and config.history.annual is not None:  # type: ignore[union-attr]
        return _plan_span(loaded, revision)
    ledger = ledger_for(loaded)
    try:
        with ledger.engine.connect() as conn:
            closed = latest_version(conn, unit, period)
            if closed is not None and revision is None:
                raise _closed_refusal(closed, unit, period)
            revises = _read_version(conn, closed)
            previous_row = latest_version(conn, unit, previous_period(period))
            carry_in, source, pending = _carry_in(conn, loaded, revises, previous_row, revision)
            if revises is not None:
                # a revision keeps the retro adjustment its version paid (it was paid then)
                due = revises.figures.set_index("manager_id")["retro_adjustment"]
                sources = _stored_sources(revises.figures)
            else:
                owed_frame = outstanding_retro(conn, unit)
                due = owed_frame.set_index("manager_id")["due"]
                sources = owed_frame.set_index("manager_id")["source"]
            mark = ledger_mark(conn, unit)
            previous = _read_version(conn, previous_row)
    finally:
        ledger.dispose()
    audit = {
        "ledger": ledger.shown,
        "ledger_mark": mark,
        "revision": revision,
        "revises_version": None if revises is None else int(revises.row["version"]),
        "previous": None if previous is None else
        {"period": previous.row["period"], "version": int(previous.row["version"])},
        "carry_in_cents": int(carry_in),
        "carry_in_source": source,
        "pool_pending_cents": int(pending),
        "retro_due_cents": int(due.astype("int64").sum()) if len(due) else 0,
    }
    return RunPlan(
        loaded=_with_carry_in(loaded, carry_in),
        retro_due=due.astype("int64"),
        retro_source=sources.astype("str"),
        retro_not_below_zero=(revises is None
                              and config.history.negative_retro == "not_below_zero"),  # type: ignore[union-attr]
        revision=revision,
        revises=revises,
        previous=previous,
        audit=audit,
    )


def _stored_sources(figures: pd.DataFrame) -> pd.Series:
    """retro_source of each manager as a closed version recorded it."""
    rows = [json.loads(text) for text in figures["row_json"]]
    values = [str(row.get("retro_source", "")) for row in rows]
    return pd.Series(values, index=figures["manager_id"].astype("str"), dtype="str")


def _with_retro_source(managers: pd.DataFrame, sources: pd.Series) -> pd.DataFrame:
    if "retro_adjustment" not in managers.columns:
        raise InternalError("history: the bonus stage did not add retro_adjustment")
    out = managers.copy()
    known = pd.Series(sources.astype("str").to_numpy(), index=sources.index.astype("str"),
                      dtype="object")
    mapped = managers["manager_id"].astype("str").map(known).astype("object")
    shown = mapped.where(mapped.notna(), "").astype("str")
    out.insert(out.columns.get_loc("retro_carried") + 1, "retro_source", shown.to_numpy())
    return out


def _contributions(money: pd.DataFrame, drivers: dict[str, str],
                   names: tuple[str, ...] = DRIVERS) -> pd.DataFrame:
    """Σ of the money columns under each driver (withheld subtracted), per manager_id."""
    out = pd.DataFrame(0, index=money.index, columns=list(names), dtype="int64")
    for column, driver in drivers.items():
        if column in money.columns and driver in out.columns:
            out[driver] += _SIGN.get(column, 1) * money[column].fillna(0).astype("int64")
    return out


def _stored_money(version: _Version) -> pd.DataFrame:
    """A closed version's money columns, wide: manager_id index × column_key, cents."""
    if version.amounts.empty:
        return pd.DataFrame(index=pd.Index([], name="manager_id", dtype="str"))
    wide = version.amounts.pivot(index="manager_id", columns="column_key", values="cents")
    return wide.astype("Int64")


def _stored_drivers(version: _Version) -> dict[str, str]:
    pairs = version.amounts.dropna(subset=["driver"]).drop_duplicates("column_key")
    return dict(zip(pairs["column_key"], pairs["driver"], strict=True))


def _period_change(managers: pd.DataFrame, previous: _Version,
                   config: AppraisalConfig) -> pd.DataFrame:
    """Per manager: last period's final bonus, this one's, the change, each driver's part of it
    and the largest (ties: the order of DRIVERS); `joined` when last period had no row."""
    current = managers.set_index(managers["manager_id"].astype("str"))
    before_money = _stored_money(previous)
    names = DRIVERS + (("deferral",) if config.deferral is not None else ())
    now = _contributions(current, driver_of(config), names)
    then = _contributions(before_money, _stored_drivers(previous), names).reindex(current.index)
    known = current.index.isin(before_money.index)
    change = (now - then.fillna(0).astype("int64"))
    final_now = current["bonus_final"].astype("int64")
    final_then = before_money["bonus_final"].reindex(current.index) if len(before_money) else (
        pd.Series(pd.NA, index=current.index, dtype="Int64"))
    total = final_now - final_then.fillna(0).astype("int64")
    if not (change.sum(axis=1)[known] == total[known]).all():
        raise InternalError("history: the drivers of the change do not add up to it")
    magnitude = change.abs().to_numpy()
    largest = np.array(names, dtype=object)[magnitude.argmax(axis=1)]
    largest = np.where(magnitude.max(axis=1) == 0, "none", largest)
    driver = np.where(known, largest, "joined")
    picked = change.to_numpy()[np.arange(len(change)), magnitude.argmax(axis=1)]
    table = pd.DataFrame({
        "manager_id": current.index.to_numpy(),
        "name": current["name"].to_numpy() if "name" in current.columns else "",
        "previous_period": previous.row["period"],
        "previous_final": pd.array(final_then.where(known), dtype="Int64"),
        "bonus_final": final_now.to_numpy(),
        "final_change": pd.array(np.where(known, total, 0), dtype="Int64"),
        "change_driver": driver,
        "driver_change": pd.array(np.where(known, picked, 0), dtype="Int64"),
    })
    for name in names:
        table[f"{name}_change"] = pd.array(np.where(known, change[name], 0), dtype="Int64")
    unknown = ~known
    for column in ("final_change", "driver_change", *(f"{n}_change" for n in names)):
        table.loc[unknown, column] = pd.NA
    return table.reset_index(drop=True)


def _with_change_columns(managers: pd.DataFrame, change: pd.DataFrame) -> pd.DataFrame:
    keyed = change.set_index("manager_id")
    ids = managers["manager_id"].astype("str")
    out = managers.copy()
    for column in ("previous_final", "final_change", "change_driver"):
        out[column] = keyed[column].reindex(ids).to_numpy()
    return out


def _revision(managers: pd.DataFrame, revises: _Version, bonus_money: tuple[str, ...],
              reason: str | None) -> pd.DataFrame:
    """Per manager (either version): old, new and delta of the profit (rorac), the base and
    every money column of the bonus stage, the composite, grade and bands, against the closed
    version this run revises."""
    new = managers.set_index(managers["manager_id"].astype("str"))
    old_money = _stored_money(revises)
    old_rows = pd.DataFrame([json.loads(t) for t in revises.figures["row_json"]],
                            index=revises.figures["manager_id"].astype("str"))
    ids = new.index.union(old_money.index).union(old_rows.index).sort_values()
    names = new["name"].reindex(ids) if "name" in new.columns else pd.Series("", index=ids)
    if "name" in old_rows.columns:
        names = names.fillna(old_rows["name"].reindex(ids))
    table = pd.DataFrame({"manager_id": ids.to_numpy(), "name": names.fillna("").to_numpy()})
    table["revision_of"] = int(revises.row["version"])
    table["revision_reason"] = reason or ""
    changed = np.zeros(len(ids), dtype=bool)
    texts = ["grade", *[c for c in new.columns if str(c).endswith("_band")]]
    for column in ["composite", *texts]:
        if column not in new.columns:
            continue
        before = (old_rows[column].reindex(ids) if column in old_rows.columns
                  else pd.Series(None, index=ids, dtype="object"))
        after = new[column].reindex(ids)
        if column == "composite":
            before = pd.to_numeric(before, errors="coerce").astype("float64")
            after = after.astype("float64")
            table["composite_old"] = before.to_numpy()
            table["composite_new"] = after.to_numpy()
            table["composite_delta"] = (after - before).to_numpy()
            changed |= ~np.isclose(before.fillna(np.nan), after, equal_nan=True)
        else:
            before_text = before.fillna("").astype("str")
            after_text = after.fillna("").astype("str")
            table[f"{column}_old"] = before_text.to_numpy()
            table[f"{column}_new"] = after_text.to_numpy()
            changed |= (before_text != after_text).to_numpy()
    money = [c for c in ("rorac", "base", *bonus_money) if c in new.columns]
    for column in money:
        after = new[column].reindex(ids).astype("Int64")
        before = (old_money[column].reindex(ids) if column in old_money.columns
                  else pd.Series(pd.NA, index=ids, dtype="Int64"))
        delta = after.fillna(0) - before.fillna(0)
        table[f"{column}_old"] = before.to_numpy()
        table[f"{column}_new"] = after.to_numpy()
        table[f"{column}_delta"] = pd.array(delta, dtype="Int64")
        changed |= (delta != 0).to_numpy()
    table.insert(2, "changed", changed)
    return table
