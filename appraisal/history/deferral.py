"""The deferral ledger: read the state of every tranche before a run, record a closed run's
grants, tranches, releases, forfeits, clawback stops, receivables and recoveries.

Before a run (`plan_deferral`): the tranches of the unit with their movements so far; the
leavers' forfeits, the new clawback events' stops and receivables, and the tranches due in
this period (all computed by `appraisal.deferral`, pure); each manager's receivable balance.
The bonus stage pays `released` and deducts `deferred` and `clawback_recovered`. After the run
(`DeferralPlan.finish`): the tables `deferral_ledger` (what `close` will record),
`deferral_schedule` (every tranche after this period) and `deferral_reconciliation`
(granted = released + unreleased + forfeited + stopped, per manager and in total).
`close` (`record_deferral`) writes `deferral_ledger.csv` into the ledger in its transaction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..deferral import (
    DeferralInputs,
    add_months,
    apply_clawback,
    check_identity,
    claim_cents,
    deferral_groups,
    forfeit_leavers,
    grant_tranches,
    leaver_treatment,
    regrant,
    release_due,
    unreleased,
)
from ..errors import InputError, InputIssue, IssueCode
from ..result import ExtraTable, RunResult
from .db import HistoryError, ledger_for

if TYPE_CHECKING:
    from ..config import LoadedConfig

__all__ = ["DeferralPlan", "annual_settlement", "deferral_metadata", "plan_deferral",
           "record_deferral"]

deferral_metadata = sa.MetaData()
_ref = sa.Table("period_versions", deferral_metadata, sa.Column("id", sa.Integer,
                                                                primary_key=True))
grants_table = sa.Table(
    "deferral_grants", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id"), nullable=False),
    sa.Column("unit", sa.String(100)), sa.Column("manager_id", sa.String(100)),
    sa.Column("grant_period", sa.String(20)), sa.Column("group_id", sa.String(100)),
    sa.Column("share", sa.String(40)), sa.Column("pay", sa.BigInteger),
    sa.Column("amount", sa.BigInteger),
)
tranches_table = sa.Table(
    "deferral_tranches", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("grant_id", sa.Integer, sa.ForeignKey("deferral_grants.id")),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)), sa.Column("manager_id", sa.String(100)),
    sa.Column("grant_period", sa.String(20)), sa.Column("tranche", sa.Integer),
    sa.Column("due_period", sa.String(20)), sa.Column("amount", sa.BigInteger),
)
events_table = sa.Table(
    "clawback_events", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)), sa.Column("event_id", sa.String(100)),
    sa.Column("manager_id", sa.String(100)), sa.Column("periods", sa.Text),
    sa.Column("reason", sa.Text), sa.Column("approved_by", sa.String(200)),
    sa.Column("amount", sa.BigInteger), sa.Column("share", sa.String(40)),
    sa.Column("claim", sa.BigInteger),
)
movements_table = sa.Table(
    "deferral_movements", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)),
    sa.Column("tranche_id", sa.Integer, sa.ForeignKey("deferral_tranches.id")),
    sa.Column("manager_id", sa.String(100)), sa.Column("kind", sa.String(20)),
    sa.Column("period", sa.String(20)), sa.Column("amount", sa.BigInteger),
    sa.Column("clawback_id", sa.Integer, sa.ForeignKey("clawback_events.id")),
)
receivables_table = sa.Table(
    "clawback_receivables", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)),
    sa.Column("clawback_id", sa.Integer, sa.ForeignKey("clawback_events.id")),
    sa.Column("manager_id", sa.String(100)), sa.Column("amount", sa.BigInteger),
)
recoveries_table = sa.Table(
    "clawback_recoveries", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)), sa.Column("manager_id", sa.String(100)),
    sa.Column("period", sa.String(20)), sa.Column("amount", sa.BigInteger),
)

regrants_table = sa.Table(
    "deferral_regrants", deferral_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)),
    sa.Column("grant_id", sa.Integer, sa.ForeignKey("deferral_grants.id")),
    sa.Column("manager_id", sa.String(100)), sa.Column("grant_period", sa.String(20)),
    sa.Column("revision_version", sa.Integer), sa.Column("pay", sa.BigInteger),
    sa.Column("amount", sa.BigInteger),
)

LEDGER_COLUMNS = ("entry", "manager_id", "grant_period", "deferral_group", "tranche",
                  "due_period", "tranche_id", "event_id", "deferral_amount", "deferral_pay",
                  "deferral_share", "clawback_periods", "approved_by", "note")
LEDGER_TITLE = {"zh": "递延台账", "en": "Deferral ledger"}
SCHEDULE_TITLE = {"zh": "递延发放计划", "en": "Deferral schedule"}
RECONCILIATION_TITLE = {"zh": "递延对账", "en": "Deferral reconciliation"}
_MOVEMENT_KINDS = ("released", "forfeited", "stopped")


# ---------------------------------------------------------------- reading the state


def _state(conn: sa.Connection, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(grants, tranches with tranche_id and their released / forfeited / stopped so far)."""
    grants = pd.DataFrame(conn.execute(
        sa.select(grants_table.c.manager_id, grants_table.c.grant_period,
                  grants_table.c.group_id.label("group"), grants_table.c.amount)
        .where(grants_table.c.unit == unit).order_by(grants_table.c.id)).mappings().all(),
        columns=["manager_id", "grant_period", "group", "amount"])
    again = pd.DataFrame(conn.execute(
        sa.select(regrants_table.c.manager_id, regrants_table.c.grant_period,
                  grants_table.c.group_id.label("group"), regrants_table.c.amount)
        .join(grants_table, grants_table.c.id == regrants_table.c.grant_id)
        .where(regrants_table.c.unit == unit).order_by(regrants_table.c.id)).mappings().all(),
        columns=["manager_id", "grant_period", "group", "amount"])
    if len(again):  # a revision's re-grants count as granted (docs/deferral.md)
        grants = pd.concat([grants, again], ignore_index=True)
    rows = conn.execute(
        sa.select(tranches_table.c.id.label("tranche_id"), tranches_table.c.manager_id,
                  tranches_table.c.grant_period, grants_table.c.group_id.label("group"),
                  tranches_table.c.tranche, tranches_table.c.due_period,
                  tranches_table.c.amount)
        .join(grants_table, grants_table.c.id == tranches_table.c.grant_id)
        .where(tranches_table.c.unit == unit).order_by(tranches_table.c.id)).mappings().all()
    tranches = pd.DataFrame(rows, columns=["tranche_id", "manager_id", "grant_period", "group",
                                           "tranche", "due_period", "amount"])
    moved = pd.DataFrame(conn.execute(
        sa.select(movements_table.c.tranche_id, movements_table.c.kind,
                  sa.func.sum(movements_table.c.amount).label("amount"))
        .where(movements_table.c.unit == unit)
        .group_by(movements_table.c.tranche_id, movements_table.c.kind)).mappings().all(),
        columns=["tranche_id", "kind", "amount"])
    wide = (moved.pivot(index="tranche_id", columns="kind", values="amount")
            if len(moved) else pd.DataFrame())
    for kind in _MOVEMENT_KINDS:
        values = wide[kind] if kind in wide.columns else pd.Series(dtype="int64")
        tranches[kind] = (tranches["tranche_id"].map(values).fillna(0).astype("int64")
                          if len(tranches) else pd.Series(dtype="int64"))
    return (grants.astype({"amount": "int64"}),
            tranches.astype({"amount": "int64", "tranche": "int64", "tranche_id": "int64"}))


def _balances(conn: sa.Connection, unit: str) -> pd.Series:
    """Receivable balance per manager: Σ receivables − Σ recoveries (cents)."""
    owed = pd.DataFrame(conn.execute(
        sa.select(receivables_table.c.manager_id, receivables_table.c.amount)
        .where(receivables_table.c.unit == unit)).mappings().all(),
        columns=["manager_id", "amount"])
    paid = pd.DataFrame(conn.execute(
        sa.select(recoveries_table.c.manager_id, recoveries_table.c.amount)
        .where(recoveries_table.c.unit == unit)).mappings().all(),
        columns=["manager_id", "amount"])
    total = pd.concat([owed, paid.assign(amount=-paid["amount"])], ignore_index=True)
    return total.groupby("manager_id")["amount"].sum().astype("int64")


def _known_events(conn: sa.Connection, unit: str) -> set[str]:
    return {str(r) for r in conn.execute(sa.select(events_table.c.event_id)
                                         .where(events_table.c.unit == unit)).scalars()}


def _performance_pay(conn: sa.Connection, unit: str, manager_periods: pd.DataFrame
                     ) -> pd.Series:
    """Performance pay (gross − withheld + pool allocation + redistributed) of each event's
    manager over its periods, from the latest closed version of each period (cents)."""
    from .schema import manager_figures, period_versions

    latest = (sa.select(period_versions.c.period, sa.func.max(period_versions.c.id).label("id"))
              .where(period_versions.c.unit == unit).group_by(period_versions.c.period)
              .subquery())
    rows = pd.DataFrame(conn.execute(
        sa.select(latest.c.period, manager_figures.c.manager_id,
                  (manager_figures.c.bonus_gross - manager_figures.c.withheld
                   + manager_figures.c.pool_allocation
                   + manager_figures.c.pool_redistributed).label("pay"))
        .join(manager_figures, manager_figures.c.version_id == latest.c.id)).mappings().all(),
        columns=["period", "manager_id", "pay"])
    pay = rows.set_index(["manager_id", "period"])["pay"]
    exploded = manager_periods.explode("periods")
    keys = list(zip(exploded["manager_id"].astype(str), exploded["periods"].astype(str),
                    strict=True))
    values = pay.reindex(pd.MultiIndex.from_tuples(keys) if keys else pay.index[:0])
    found = pd.Series(values.fillna(0).to_numpy(dtype=np.int64), index=exploded.index)
    return found.groupby(level=0).sum().reindex(manager_periods.index, fill_value=0)


# ---------------------------------------------------------------- clawback input


def _events(frame: pd.DataFrame | None, known: set[str], file: str) -> pd.DataFrame:
    """The clawback events not yet recorded, with their periods as tuples."""
    columns = ["event_id", "manager_id", "periods", "reason", "approved_by", "amount", "share"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    events = frame.copy()
    events["event_id"] = events["event_id"].astype("str").str.strip()
    for column in ("amount", "share"):
        events[column] = (pd.to_numeric(events[column], errors="coerce") if column in events
                          else np.nan)
    both = events["amount"].notna() == events["share"].notna()
    if both.any():
        rows = (events["_row"] if "_row" in events else events.index.to_series() + 2)[both]
        raise InputError([InputIssue(file, int(r), "amount", "give either amount or share "
                                     "(of the periods' performance pay), not both or neither",
                                     None, "an amount in yuan or a share 0..1",
                                     code=IssueCode.MISSING_VALUE)
                          for r in rows.tolist()])
    events["periods"] = events["periods"].astype("str").map(
        lambda text: tuple(sorted(p.strip() for p in text.replace("；", ";").split(";")
                                  if p.strip())))
    new = events[~events["event_id"].isin(known)]
    return new[columns].sort_values("event_id", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class DeferralPlan:
    """What the deferral ledger says for one run, and what the run adds to it."""

    unit: str
    period: str
    grants: pd.DataFrame
    state: pd.DataFrame  # tranches after this run's forfeits, stops and releases
    movements: pd.DataFrame  # this run's released / forfeited / stopped rows (tranche_id)
    events: pd.DataFrame  # new clawback events, with claim, stopped, receivable
    balance_before: pd.Series
    inputs: DeferralInputs
    audit: dict[str, Any]
    revising: bool = False  # a revision of a closed month: stop + re-grant its deferral

    def finish(self, result: RunResult) -> RunResult:
        """The run with the deferral tables added (and the audit: warnings, justifications)."""
        managers = result.managers
        cfg = result.config.deferral
        ids = managers["manager_id"].astype("str")
        deferred = managers["deferred"].astype("int64")
        pay = (managers["bonus_gross"] - managers["withheld"] + managers["pool_allocation"]
               + managers["pool_redistributed"]).astype("int64")
        groups = ids.map(self.inputs.groups).fillna("").astype("str")
        managers = managers.assign(deferral_group=groups.to_numpy())
        granted = deferred > 0
        moves, regrants, state_before = self.movements, None, self.state
        if self.revising:  # stop + re-grant the revised month's deferral (docs/deferral.md)
            state_before, stops, regrants = _revised(self.state, self.period, ids, deferred,
                                                     pay, cfg)
            moves = pd.concat([moves, stops], ignore_index=True) if len(stops) else moves
            granted &= ~ids.isin(set(self.state.loc[self.state["grant_period"].astype(str)
                                                    == self.period, "manager_id"].astype(str)))
        new_grants = pd.DataFrame({
            "manager_id": ids[granted].to_numpy(), "grant_period": self.period,
            "group": groups[granted].to_numpy(),
            "amount": deferred[granted].to_numpy(dtype=np.int64)})
        new_tranches = grant_tranches(new_grants, cfg)  # type: ignore[arg-type]
        shares = {g.id: repr(g.share) for g in cfg.groups}  # type: ignore[union-attr]
        recovered = managers["clawback_recovered"].astype("int64")
        ledger = _ledger_rows(new_grants, pay[granted].to_numpy(dtype=np.int64), shares,
                              new_tranches, moves, self.events,
                              pd.Series(recovered.to_numpy(), index=ids), self.period,
                              regrants)
        added = [new_tranches.assign(tranche_id=pd.NA)]
        grants = pd.concat([self.grants, new_grants], ignore_index=True)
        if regrants is not None and len(regrants):
            added.append(regrants[list(new_tranches.columns)].assign(tranche_id=pd.NA))
            heads = regrants.drop_duplicates("manager_id")
            grants = pd.concat([grants, pd.DataFrame({
                "manager_id": heads["manager_id"], "grant_period": self.period,
                "group": heads["group"], "amount": heads["regrant"]})], ignore_index=True)
        state = pd.concat([state_before, *added], ignore_index=True)
        balance = (self.balance_before.add(self.inputs.receivable_new, fill_value=0)
                   .sub(pd.Series(recovered.to_numpy(), index=ids), fill_value=0))
        managers = _with_statement_figures(managers, state, moves, balance)
        extra = [*result.extra,
                 ExtraTable("deferral_ledger", ledger, LEDGER_TITLE),
                 ExtraTable("deferral_schedule", _schedule(state, managers), SCHEDULE_TITLE),
                 ExtraTable("deferral_reconciliation", _reconciliation(grants, state, balance),
                            RECONCILIATION_TITLE)]
        audit = {**result.audit, "deferral": {
            **self.audit, "warnings": result.config.deferral_warnings(),
            "justifications": cfg.justifications(),  # type: ignore[union-attr]
            "deferred_cents": int(deferred.sum()),
            "released_cents": int(managers["released"].astype("int64").sum()),
            "clawback_recovered_cents": int(recovered.sum())}}
        return dataclasses.replace(result, managers=managers, extra=tuple(extra), audit=audit)


def _revised(state: pd.DataFrame, period: str, ids: pd.Series, deferred: pd.Series,
             pay: pd.Series, cfg: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A revision of `period`: for each manager with a grant in it whose deferred part
    changed, stop its unreleased tranches and re-grant what the revision defers beyond what
    is settled (`deferral.regrant`). Returns (state after the stops, stop movements, re-grant
    tranches with regrant and pay per manager)."""
    specs = {g.id: g for g in cfg.groups}
    month = state["grant_period"].astype(str) == period
    now = pd.Series(deferred.to_numpy(dtype=np.int64), index=ids.to_numpy())
    paid = pd.Series(pay.to_numpy(dtype=np.int64), index=ids.to_numpy())
    out = state.copy()
    stops, news = [], []
    for manager, mine in state[month].groupby(state.loc[month, "manager_id"].astype(str)):
        wanted = int(now.get(manager, 0))
        if wanted == int(mine["amount"].sum()):
            continue
        spec = specs.get(str(mine["group"].iloc[0]))
        weights = spec.weights if spec is not None else (1.0,)
        stopped, new, amount = regrant(mine, wanted, weights)
        if amount < 0:
            raise HistoryError(
                f"the revision of {period} defers {wanted / 100:.2f} for {manager}, less than "
                f"what is already released, forfeited or stopped of that month's deferral "
                f"({(wanted - amount) / 100:.2f}); it cannot be re-granted. Revise the later "
                "months instead, or recover the difference by a clawback event")
        keyed = stopped.merge(mine[["tranche_id", "grant_period", "tranche"]],
                              on=["grant_period", "tranche"], how="left")
        keyed["kind"] = "stopped"
        keyed["event_id"] = pd.NA
        stops.append(keyed[["kind", "tranche_id", "manager_id", "grant_period", "tranche",
                            "due_period", "event_id", "amount"]])
        hit = out["tranche_id"].isin(keyed["tranche_id"])
        out.loc[hit, "stopped"] = out.loc[hit, "stopped"] + unreleased(out[hit])
        if amount > 0:
            news.append(new.assign(regrant=amount, pay=int(paid.get(manager, 0))))
    stop_frame = pd.concat(stops, ignore_index=True) if stops else pd.DataFrame()
    new_frame = pd.concat(news, ignore_index=True) if news else None
    return out, stop_frame, new_frame


def _with_statement_figures(managers: pd.DataFrame, state: pd.DataFrame,
                            movements: pd.DataFrame, balance: pd.Series) -> pd.DataFrame:
    """Per manager, what a statement shows beside deferred / released / recovered now: the
    deferred balance after this run (Σ unreleased), the clawback stops of this run and the
    receivable still owed after this run's recovery (cents)."""
    ids = managers["manager_id"].astype("str")
    rest = state.assign(unreleased=unreleased(state)).groupby(
        state["manager_id"].astype(str))["unreleased"].sum() if len(state) else pd.Series(
        dtype="int64")
    stops = movements[movements["kind"] == "stopped"] if len(movements) else movements
    stopped = (stops.groupby(stops["manager_id"].astype(str))["amount"].sum()
               if len(stops) else pd.Series(dtype="int64"))
    owed = balance.copy()
    owed.index = owed.index.astype(str)
    return managers.assign(
        deferral_balance=ids.map(rest).fillna(0).astype("int64").to_numpy(),
        clawback_stopped=ids.map(stopped).fillna(0).astype("int64").to_numpy(),
        clawback_balance=ids.map(owed).fillna(0).astype("int64").to_numpy())


def _ledger_rows(grants: pd.DataFrame, pay: np.ndarray, shares: dict[str, str],
                 tranches: pd.DataFrame, movements: pd.DataFrame, events: pd.DataFrame,
                 recovered: pd.Series, period: str,
                 regrants: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows `close` records, in order: clawback events and receivables, movements on
    recorded tranches, the new grants with their tranches, a revision's re-grants with theirs,
    the recoveries."""
    parts = []
    if len(events):
        parts.append(pd.DataFrame({
            "entry": "clawback", "manager_id": events["manager_id"].astype(str),
            "event_id": events["event_id"].astype(str), "deferral_amount": events["claim"],
            "deferral_share": events["share"].map(lambda s: "" if pd.isna(s) else repr(s)),
            "clawback_periods": events["periods"].map(";".join),
            "approved_by": events["approved_by"].astype(str),
            "note": events["reason"].astype(str)}))
        owed = events[events["receivable"] > 0]
        parts.append(pd.DataFrame({
            "entry": "receivable", "manager_id": owed["manager_id"].astype(str),
            "event_id": owed["event_id"].astype(str), "deferral_amount": owed["receivable"]}))
    if len(movements):
        parts.append(movements.rename(columns={"kind": "entry", "amount": "deferral_amount"}))
    if len(grants):
        parts.append(pd.DataFrame({
            "entry": "grant", "manager_id": grants["manager_id"], "grant_period": period,
            "deferral_group": grants["group"], "deferral_amount": grants["amount"],
            "deferral_pay": pay, "deferral_share": grants["group"].map(shares)}))
        parts.append(tranches[["manager_id", "grant_period", "tranche", "due_period",
                               "amount"]].rename(columns={"amount": "deferral_amount"})
                     .assign(entry="tranche", deferral_group=tranches["group"]))
    if regrants is not None and len(regrants):
        heads = regrants.drop_duplicates("manager_id")
        parts.append(pd.DataFrame({
            "entry": "regrant", "manager_id": heads["manager_id"], "grant_period": period,
            "deferral_group": heads["group"], "deferral_amount": heads["regrant"],
            "deferral_pay": heads["pay"], "deferral_share": heads["group"].map(shares),
            "note": "revision"}))
        parts.append(regrants[["manager_id", "grant_period", "tranche", "due_period",
                               "amount"]].rename(columns={"amount": "deferral_amount"})
                     .assign(entry="regrant_tranche", deferral_group=regrants["group"]))
    taken = recovered[recovered > 0]
    if len(taken):
        parts.append(pd.DataFrame({"entry": "recovered", "manager_id": taken.index,
                                   "deferral_amount": taken.to_numpy()}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=list(LEDGER_COLUMNS))
    for column in LEDGER_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    out = frame[list(LEDGER_COLUMNS)].copy()
    for column in ("deferral_amount", "deferral_pay"):
        out[column] = pd.array(out[column], dtype="Int64")
    for column in ("tranche", "tranche_id"):
        out[column] = pd.array(out[column], dtype="Int64")
    for column in ("entry", "manager_id", "grant_period", "deferral_group", "due_period",
                   "event_id", "deferral_share", "clawback_periods", "approved_by", "note"):
        out[column] = out[column].astype("object").where(out[column].notna(), "").astype(str)
    return out.reset_index(drop=True)


def _schedule(state: pd.DataFrame, managers: pd.DataFrame) -> pd.DataFrame:
    """Every tranche after this period: amount, released, forfeited, stopped, unreleased."""
    frame = state.assign(unreleased=unreleased(state))
    status = np.select([frame["unreleased"] > 0, frame["released"] > 0,
                        frame["stopped"] > 0], ["deferred", "released", "stopped"],
                       "forfeited")
    names = managers.set_index(managers["manager_id"].astype(str))["name"] if (
        "name" in managers.columns) else pd.Series(dtype="str")
    out = pd.DataFrame({
        "manager_id": frame["manager_id"].astype(str),
        "name": frame["manager_id"].astype(str).map(names).fillna("").astype(str),
        "grant_period": frame["grant_period"].astype(str),
        "tranche": frame["tranche"].astype("int64"),
        "due_period": frame["due_period"].astype(str),
        "deferral_amount": frame["amount"].astype("int64"),
        "tranche_released": frame["released"].astype("int64"),
        "forfeited": frame["forfeited"].astype("int64"),
        "stopped": frame["stopped"].astype("int64"),
        "unreleased": frame["unreleased"].astype("int64"),
        "tranche_status": status,
    })
    return out.sort_values(["manager_id", "grant_period", "tranche"],
                           kind="stable").reset_index(drop=True)


def _reconciliation(grants: pd.DataFrame, state: pd.DataFrame,
                    balance: pd.Series) -> pd.DataFrame:
    """Per manager and in total: granted = released + unreleased + forfeited + stopped, and
    the clawback receivable still owed."""
    table = check_identity(grants, state).rename(columns={"released": "tranche_released"})
    table["clawback_balance"] = (table["manager_id"].map(balance).fillna(0).astype("int64"))
    extra = balance[~balance.index.isin(table["manager_id"]) & (balance != 0)]
    if len(extra):
        table = pd.concat([table, pd.DataFrame({"manager_id": extra.index,
                                                "clawback_balance": extra.to_numpy()})],
                          ignore_index=True).fillna(0)
    money = ["granted", "tranche_released", "unreleased", "forfeited", "stopped",
             "clawback_balance"]
    table[money] = table[money].astype("int64")
    total = pd.DataFrame([{"manager_id": "total", **{c: int(table[c].sum()) for c in money}}])
    return pd.concat([table.sort_values("manager_id", kind="stable"), total],
                     ignore_index=True)[["manager_id", *money]]


def _kept(figures: pd.DataFrame, column: str) -> pd.Series:
    """A closed version's money column per manager (cents), from its stored rows."""
    import json

    values = [json.loads(t).get(column) for t in figures["row_json"]]
    return pd.Series([int(v or 0) for v in values], index=figures["manager_id"].astype(str),
                     dtype="int64")


def plan_deferral(loaded: LoadedConfig, roster: pd.DataFrame,
                  clawback_events: pd.DataFrame | None = None,
                  revises: pd.DataFrame | None = None) -> DeferralPlan:
    """Read the deferral ledger for a run of `loaded` (which has `deferral:` and `history:`).

    `revises`: the stored figures of the closed version a revision run replaces. A revision
    keeps what that version released and recovered (paid then), applies no leaver forfeit or
    clawback event again, and re-grants the month's deferral at close (`DeferralPlan.finish`).
    """
    config = loaded.config
    cfg = config.deferral
    assert cfg is not None
    unit, period = config.unit.id, config.period
    try:
        groups = deferral_groups(roster, cfg)
    except KeyError as missing:
        raise InputError([InputIssue(str(roster.attrs.get("file", "managers")), 1,
                                     str(missing.args[0]), "the roster has no column "
                                     f"{missing.args[0]} (deferral.groups[].roster_flag)",
                                     None, "true / false per manager",
                                     code=IssueCode.MISSING_VALUE)]) from None
    ledger = ledger_for(loaded)
    try:
        with ledger.engine.connect() as conn:
            grants, tranches = _state(conn, unit)
            balance = _balances(conn, unit)
            events = _events(clawback_events, _known_events(conn, unit), "clawback_events")
            pay = _performance_pay(conn, unit, events) if len(events) else pd.Series(
                dtype="int64")
    finally:
        ledger.dispose()
    if revises is not None:
        ids = roster["manager_id"].astype(str)
        inputs = DeferralInputs(
            groups=pd.Series(groups.to_numpy(), index=ids.to_numpy()),
            released=_kept(revises, "released"), receivable=balance.astype("int64"),
            config=cfg, clawback=config.clawback,
            recovered=_kept(revises, "clawback_recovered"))
        nothing = _with_ids(tranches, pd.DataFrame(), "stopped")
        return DeferralPlan(unit, period, grants, tranches, nothing, _events(None, set(), ""),
                            balance, inputs, {"revision": True, "leavers": {},
                                              "clawback_events": [],
                                              "receivable_before_cents": int(balance.sum())},
                            revising=True)
    movements = []
    treatment = leaver_treatment(roster, config.appraisal_period.end.isoformat(), cfg)
    state, forfeits = forfeit_leavers(tranches, treatment)
    movements.append(_with_ids(tranches, forfeits, "forfeited"))
    events = events.assign(claim=claim_cents(events["amount"].to_numpy(dtype=float),
                                             events["share"].to_numpy(dtype=float),
                                             pay.to_numpy(dtype=np.int64))
                           if len(events) else pd.Series(dtype="int64"))
    state, stops, receivables = apply_clawback(state, events)
    if len(events):
        events = events.merge(receivables[["event_id", "stopped", "receivable"]],
                              on="event_id", how="left")
    movements.append(_with_ids(tranches, stops, "stopped"))
    payable = set(roster["manager_id"].astype(str))
    in_roster = state["manager_id"].astype(str).isin(payable)
    released_state, releases = release_due(state[in_roster], period)
    state = pd.concat([released_state, state[~in_roster]]).sort_index()
    movements.append(_with_ids(tranches, releases, "released"))
    moves = pd.concat(movements, ignore_index=True)
    released = (releases.groupby("manager_id")["amount"].sum().astype("int64")
                if len(releases) else pd.Series(dtype="int64"))
    new_receivable = (receivables.groupby("manager_id")["receivable"].sum().astype("int64")
                      if len(receivables) else pd.Series(dtype="int64"))
    ids = roster["manager_id"].astype(str)
    inputs = DeferralInputs(
        groups=pd.Series(groups.to_numpy(), index=ids.to_numpy()),
        released=released, receivable=balance.add(new_receivable, fill_value=0).astype("int64"),
        receivable_new=new_receivable, config=cfg, clawback=config.clawback)
    audit = {"leavers": dict(sorted(treatment.items())),
             "clawback_events": events["event_id"].astype(str).tolist() if len(events) else [],
             "receivable_before_cents": int(balance.sum())}
    return DeferralPlan(unit, period, grants, state, moves, events, balance, inputs, audit)


def _with_ids(tranches: pd.DataFrame, rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Movement rows with the ledger id of their tranche."""
    columns = ["entry", "tranche_id", "manager_id", "grant_period", "tranche", "due_period",
               "event_id", "amount"]
    if rows.empty:
        return pd.DataFrame(columns=[c if c != "entry" else "kind" for c in columns])
    keyed = rows.merge(tranches[["tranche_id", "manager_id", "grant_period", "tranche"]],
                       on=["manager_id", "grant_period", "tranche"], how="left")
    keyed["kind"] = kind
    if "event_id" not in keyed:
        keyed["event_id"] = pd.NA
    return keyed[["kind", *columns[1:]]]


# ---------------------------------------------------------------- close


_AMOUNT = r"^-?\d+\.\d{2}$"


def _cents(texts: pd.Series, file: str, column: str) -> pd.Series:
    values = texts.astype(str).str.strip()
    blank = values == ""
    bad = ~blank & ~values.str.match(_AMOUNT)
    if bad.any():
        raise HistoryError(f"{file}, column '{column}': not an amount in yuan with two "
                           f"decimals (got {values[bad].iloc[0]!r})")
    return pd.to_numeric(values.where(~blank, "0").str.replace(".", "", regex=False)
                         ).astype("int64")


def record_deferral(conn: sa.Connection, results: Path, manifest: dict[str, Any], unit: str,
                    period: str, version_id: int, revision: bool, version: int = 1) -> int:
    """Record `deferral_ledger.csv` of a closed run (same transaction as the close); the
    number of rows recorded. A revision of a period with deferral rows is refused."""
    if "deferral_ledger.csv" not in manifest.get("outputs", {}):
        return 0
    frame = pd.read_csv(results / "deferral_ledger.csv", dtype="str", keep_default_na=False,
                        encoding="utf-8-sig")
    if frame.empty:
        return 0
    frame["cents"] = _cents(frame["deferral_amount"], "deferral_ledger.csv", "deferral_amount")
    frame["pay_cents"] = _cents(frame["deferral_pay"], "deferral_ledger.csv", "deferral_pay")
    event_ids: dict[str, int] = {}
    for row in frame[frame["entry"] == "clawback"].itertuples(index=False):
        share = row.deferral_share or None
        event_ids[row.event_id] = conn.execute(events_table.insert().values(
            version_id=version_id, unit=unit, event_id=row.event_id, manager_id=row.manager_id,
            periods=row.clawback_periods, reason=row.note, approved_by=row.approved_by,
            amount=None if share else int(row.cents), share=share, claim=int(row.cents),
        )).inserted_primary_key[0]
    owed = frame[frame["entry"] == "receivable"]
    if len(owed):
        conn.execute(receivables_table.insert(), [
            {"version_id": version_id, "unit": unit, "clawback_id": event_ids[r.event_id],
             "manager_id": r.manager_id, "amount": int(r.cents)}
            for r in owed.itertuples(index=False)])
    moves = frame[frame["entry"].isin(_MOVEMENT_KINDS)]
    if len(moves):
        conn.execute(movements_table.insert(), [
            {"version_id": version_id, "unit": unit, "tranche_id": int(r.tranche_id),
             "manager_id": r.manager_id, "kind": r.entry, "period": period,
             "amount": int(r.cents),
             "clawback_id": event_ids.get(r.event_id) if r.event_id else None}
            for r in moves.itertuples(index=False)])
    grant_ids: dict[str, int] = {}
    for row in frame[frame["entry"] == "grant"].itertuples(index=False):
        grant_ids[row.manager_id] = conn.execute(grants_table.insert().values(
            version_id=version_id, unit=unit, manager_id=row.manager_id, grant_period=period,
            group_id=row.deferral_group, share=row.deferral_share, pay=int(row.pay_cents),
            amount=int(row.cents))).inserted_primary_key[0]
    parts = frame[frame["entry"] == "tranche"]
    if len(parts):
        conn.execute(tranches_table.insert(), [
            {"grant_id": grant_ids[r.manager_id], "version_id": version_id, "unit": unit,
             "manager_id": r.manager_id, "grant_period": period, "tranche": int(r.tranche),
             "due_period": r.due_period, "amount": int(r.cents)}
            for r in parts.itertuples(index=False)])
    _record_regrants(conn, frame, unit, period, version_id, version)
    taken = frame[frame["entry"] == "recovered"]
    if len(taken):
        conn.execute(recoveries_table.insert(), [
            {"version_id": version_id, "unit": unit, "manager_id": r.manager_id,
             "period": period, "amount": int(r.cents)} for r in taken.itertuples(index=False)])
    return len(frame)


def _record_regrants(conn: sa.Connection, frame: pd.DataFrame, unit: str, period: str,
                     version_id: int, version: int) -> None:
    """A revision's re-grants (on the month's original grant) and their tranches."""
    heads = frame[frame["entry"] == "regrant"]
    if heads.empty:
        return
    originals = {str(r.manager_id): int(r.id) for r in conn.execute(
        sa.select(grants_table.c.id, grants_table.c.manager_id)
        .where(grants_table.c.unit == unit, grants_table.c.grant_period == period))}
    for row in heads.itertuples(index=False):
        conn.execute(regrants_table.insert().values(
            version_id=version_id, unit=unit, grant_id=originals[row.manager_id],
            manager_id=row.manager_id, grant_period=period, revision_version=version,
            pay=int(row.pay_cents), amount=int(row.cents)))
    parts = frame[frame["entry"] == "regrant_tranche"]
    conn.execute(tranches_table.insert(), [
        {"grant_id": originals[r.manager_id], "version_id": version_id, "unit": unit,
         "manager_id": r.manager_id, "grant_period": period, "tranche": int(r.tranche),
         "due_period": r.due_period, "amount": int(r.cents)}
        for r in parts.itertuples(index=False)])


# ---------------------------------------------------------------- the year (partial, issue 14)


def annual_settlement(conn: sa.Connection, unit: str, span: str, due: pd.Series,
                      components: tuple[str, ...] = ("grade",)) -> pd.DataFrame:
    """The annual true-up of the grade component(s) over a quarter or year `span` (2026-Q4,
    2026): per manager, what the annual grade says is due (`due`, cents by manager_id), the
    monthly advances already paid (Σ `bonus_<component>` of the latest closed version of each
    month of the span) and true-up = due − advances. Every month of the span must be closed
    (a HistoryError names the missing ones). Not yet wired into `appraise run`
    (docs/deferral.md, "Not done yet")."""
    from ..config.base import parse_period
    from ..deferral import true_up
    from .schema import manager_amounts, period_versions

    period = parse_period(span)
    months = add_months([f"{period.start.year:04d}-{period.start.month:02d}"] * period.months,
                        np.arange(period.months)).tolist()
    latest = pd.DataFrame(conn.execute(
        sa.select(period_versions.c.period, sa.func.max(period_versions.c.id).label("id"))
        .where(period_versions.c.unit == unit, period_versions.c.period.in_(months))
        .group_by(period_versions.c.period)).mappings().all(), columns=["period", "id"])
    missing = sorted(set(months) - set(latest["period"]))
    if missing:
        raise HistoryError(f"the annual settlement of {span} for unit {unit} needs every month "
                           f"closed; not closed: {', '.join(missing)}")
    keys = [f"bonus_{c}" for c in components]
    amounts = pd.DataFrame(conn.execute(
        sa.select(manager_amounts.c.manager_id, manager_amounts.c.cents)
        .where(manager_amounts.c.version_id.in_([int(i) for i in latest["id"]]),
               manager_amounts.c.column_key.in_(keys))).mappings().all(),
        columns=["manager_id", "cents"])
    advances = amounts.groupby("manager_id")["cents"].sum().astype("int64")
    ids = advances.index.union(due.index.astype(str)).sort_values()
    owed = due.reindex(ids, fill_value=0).astype("int64").to_numpy()
    paid = advances.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    return pd.DataFrame({"manager_id": ids.to_numpy(), "annual_due": owed,
                         "annual_advances": paid, "annual_true_up": true_up(owed, paid)})
