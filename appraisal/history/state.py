"""Reading the ledger: latest versions, the pool chain, outstanding retro adjustments."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from .schema import (
    manager_amounts,
    manager_figures,
    period_versions,
    pool_adjustments,
    pool_ledger,
    pool_settlements,
    retro_adjustments,
    retro_settlements,
)

__all__ = [
    "latest_version",
    "ledger_mark",
    "manager_amount_frame",
    "manager_frame",
    "outstanding_retro",
    "pending_pool",
    "pool_of",
    "unit_has_versions",
]


def latest_version(conn: sa.Connection, unit: str, period: str) -> dict[str, Any] | None:
    """The newest closed version of (unit, period), as a mapping, or None."""
    row = conn.execute(
        sa.select(period_versions)
        .where(period_versions.c.unit == unit, period_versions.c.period == period)
        .order_by(period_versions.c.version.desc()).limit(1)
    ).mappings().first()
    return dict(row) if row is not None else None


def unit_has_versions(conn: sa.Connection, unit: str) -> bool:
    found = conn.execute(sa.select(period_versions.c.id)
                         .where(period_versions.c.unit == unit).limit(1)).first()
    return found is not None


def ledger_mark(conn: sa.Connection, unit: str) -> int:
    """The newest version id of the unit (0 when none): a run remembers it, and its close
    refuses when the ledger moved since (another version closed in between)."""
    value = conn.execute(sa.select(sa.func.max(period_versions.c.id))
                         .where(period_versions.c.unit == unit)).scalar()
    return int(value or 0)


def pool_of(conn: sa.Connection, version_id: int) -> dict[str, Any]:
    row = conn.execute(sa.select(pool_ledger).where(pool_ledger.c.version_id == version_id)
                       ).mappings().one()
    return dict(row)


def pending_pool(conn: sa.Connection, unit: str) -> int:
    """Pool differences of revised months not yet carried into a later period (cents)."""
    added = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(pool_adjustments.c.amount), 0))
                         .where(pool_adjustments.c.unit == unit)).scalar()
    taken = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(pool_settlements.c.amount), 0))
                         .where(pool_settlements.c.unit == unit)).scalar()
    return int(added or 0) - int(taken or 0)


def outstanding_retro(conn: sa.Connection, unit: str) -> pd.DataFrame:
    """Per manager: retro adjustments owed (Σ deltas of closed revisions − Σ applied since), in
    cents, with where they come from; managers with nothing owed are left out."""
    deltas = pd.DataFrame(conn.execute(
        sa.select(retro_adjustments.c.manager_id, retro_adjustments.c.amount,
                  retro_adjustments.c.source_period, retro_adjustments.c.source_version,
                  retro_adjustments.c.reason, retro_adjustments.c.id)
        .where(retro_adjustments.c.unit == unit).order_by(retro_adjustments.c.id)
    ).mappings().all(), columns=["manager_id", "amount", "source_period", "source_version",
                                 "reason", "id"])
    applied = pd.DataFrame(conn.execute(
        sa.select(retro_settlements.c.manager_id,
                  sa.func.sum(retro_settlements.c.applied).label("applied"))
        .where(retro_settlements.c.unit == unit).group_by(retro_settlements.c.manager_id)
    ).mappings().all(), columns=["manager_id", "applied"])
    if deltas.empty:
        return pd.DataFrame({"manager_id": pd.Series([], dtype="str"),
                             "due": pd.Series([], dtype="int64"),
                             "source": pd.Series([], dtype="str")})
    deltas["source"] = (deltas["source_period"] + " v" + deltas["source_version"].astype(str)
                        + ": " + deltas["reason"])
    owed = deltas.groupby("manager_id", sort=True).agg(
        amount=("amount", "sum"), source=("source", lambda s: "; ".join(dict.fromkeys(s))))
    paid = applied.set_index("manager_id")["applied"].reindex(owed.index, fill_value=0)
    owed["due"] = owed["amount"].astype("int64") - paid.astype("int64")
    owed = owed[owed["due"] != 0].reset_index()
    return owed[["manager_id", "due", "source"]].astype({"due": "int64"})


def manager_frame(conn: sa.Connection, version_id: int) -> pd.DataFrame:
    """The stored manager figures of a version (money in cents), one row per manager."""
    rows = conn.execute(sa.select(manager_figures)
                        .where(manager_figures.c.version_id == version_id)
                        .order_by(manager_figures.c.manager_id)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows],
                        columns=[c.name for c in manager_figures.columns])


def manager_amount_frame(conn: sa.Connection, version_id: int) -> pd.DataFrame:
    """Every money column of every manager of a version: manager_id, column_key, driver,
    cents."""
    rows = conn.execute(sa.select(manager_amounts.c.manager_id, manager_amounts.c.column_key,
                                  manager_amounts.c.driver, manager_amounts.c.cents)
                        .where(manager_amounts.c.version_id == version_id)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows],
                        columns=["manager_id", "column_key", "driver", "cents"])
