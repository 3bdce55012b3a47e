"""What `appraise history` shows: periods and versions, one manager's pay, the payroll export."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa

from .annual import settlements_table
from .db import Ledger
from .schema import manager_figures, period_versions, pool_ledger, retro_adjustments

__all__ = ["EXPORT_COLUMNS", "export_rows", "history_rows", "ledger_language",
           "manager_history"]

EXPORT_COLUMNS = ("unit", "period", "version", "payable", "manager_id", "name", "bonus_gross",
                  "withheld", "pool_allocation", "pool_redistributed", "retro_adjustment",
                  "retro_source", "bonus_final", "grade", "closed_by", "closed_at", "reason")
"""history export: one row per manager and closed version; `payable` marks the version payroll
pays (the first; a revision's differences are paid as retro adjustments of a later period)."""


def ledger_language(ledger: Ledger) -> str | None:
    """The `language` of the config the ledger's newest version was closed with (the bank's
    own); None while the ledger holds no version."""
    with ledger.engine.connect() as conn:
        return conn.execute(sa.select(period_versions.c.language)
                            .order_by(period_versions.c.id.desc()).limit(1)).scalar()


def _filters(unit: str | None, period: str | None) -> list[Any]:
    where = []
    if unit:
        where.append(period_versions.c.unit == unit)
    if period:
        where.append(period_versions.c.period == period)
    return where


def history_rows(ledger: Ledger, *, unit: str | None = None,
                 period: str | None = None) -> list[dict[str, Any]]:
    """Every closed version (oldest first): who closed it, when and why, its totals in cents
    and its pool ledger."""
    query = (sa.select(period_versions.c.unit, period_versions.c.period, period_versions.c.version,
                       period_versions.c.status, period_versions.c.closed_by,
                       period_versions.c.os_user, period_versions.c.closed_at,
                       period_versions.c.reason, period_versions.c.note,
                       period_versions.c.managers, period_versions.c.bonus_final,
                       period_versions.c.retro_adjustment, period_versions.c.engine_version,
                       period_versions.c.config_sha256, pool_ledger.c.carry_in,
                       pool_ledger.c.withheld, pool_ledger.c.allocated,
                       pool_ledger.c.redistributed, pool_ledger.c.carry_out)
             .join(pool_ledger, pool_ledger.c.version_id == period_versions.c.id)
             .where(*_filters(unit, period))
             .order_by(period_versions.c.unit, period_versions.c.period,
                       period_versions.c.version))
    with ledger.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def manager_history(ledger: Ledger, manager: str, *, unit: str | None = None,
                    period: str | None = None) -> list[dict[str, Any]]:
    """One manager's pay in every closed version, with the retro adjustments each revision
    created for them (amount, reason) and what each version paid of earlier ones."""
    query = (sa.select(period_versions.c.id, period_versions.c.unit, period_versions.c.period,
                       period_versions.c.version, period_versions.c.reason,
                       period_versions.c.closed_by, period_versions.c.closed_at,
                       manager_figures.c.name, manager_figures.c.grade,
                       manager_figures.c.bonus_gross, manager_figures.c.retro_adjustment,
                       manager_figures.c.bonus_final, manager_figures.c.row_json)
             .join(manager_figures, manager_figures.c.version_id == period_versions.c.id)
             .where(manager_figures.c.manager_id == manager, *_filters(unit, period))
             .order_by(period_versions.c.unit, period_versions.c.period,
                       period_versions.c.version))
    created = (sa.select(retro_adjustments.c.version_id, retro_adjustments.c.amount)
               .where(retro_adjustments.c.manager_id == manager))
    with ledger.engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
        deltas = {int(r.version_id): int(r.amount) for r in conn.execute(created)}
        settled = _settlement_versions(conn)
    out = []
    for row in rows:
        stored = json.loads(row.pop("row_json"))
        version_id = int(row.pop("id"))
        # a settlement over closed months pays nothing itself: a later month's retro does
        out.append({**row, "payable": int(row["version"]) == 1 and version_id not in settled,
                    "retro_source": stored.get("retro_source", ""),
                    "retro_created": deltas.get(version_id, 0)})
    return out


def _settlement_versions(conn: sa.Connection) -> set[int]:
    """Versions that are settlements of a quarter or year over its closed months."""
    return {int(i) for i in conn.execute(sa.select(settlements_table.c.version_id).distinct())
            .scalars()}


def export_rows(ledger: Ledger, *, unit: str | None = None, period: str | None = None,
                manager: str | None = None) -> pd.DataFrame:
    """The payroll export: one row per manager and closed version (money in int cents)."""
    where = _filters(unit, period)
    if manager:
        where.append(manager_figures.c.manager_id == manager)
    query = (sa.select(period_versions.c.id, period_versions.c.unit, period_versions.c.period,
                       period_versions.c.version, manager_figures.c.manager_id,
                       manager_figures.c.name,
                       manager_figures.c.bonus_gross, manager_figures.c.withheld,
                       manager_figures.c.pool_allocation, manager_figures.c.pool_redistributed,
                       manager_figures.c.retro_adjustment, manager_figures.c.bonus_final,
                       manager_figures.c.grade, manager_figures.c.row_json,
                       period_versions.c.closed_by, period_versions.c.closed_at,
                       period_versions.c.reason)
             .join(manager_figures, manager_figures.c.version_id == period_versions.c.id)
             .where(*where)
             .order_by(period_versions.c.unit, period_versions.c.period,
                       period_versions.c.version, manager_figures.c.manager_id))
    with ledger.engine.connect() as conn:
        frame = pd.DataFrame([dict(r) for r in conn.execute(query).mappings()],
                             columns=["id", *EXPORT_COLUMNS, "row_json"])
        settled = _settlement_versions(conn)
    # a settlement over closed months pays nothing itself: a later month's retro pays it
    frame["payable"] = (frame["version"] == 1) & ~frame["id"].isin(list(settled))
    frame["retro_source"] = [str(json.loads(t).get("retro_source", "")) if t else ""
                             for t in frame["row_json"]]
    frame["reason"] = frame["reason"].fillna("")
    return frame[list(EXPORT_COLUMNS)]
