"""Runs above the month: a quarter or a year (`period: 2026-Q4` / `2026`) over the closed
months of its span, and the settlement of the grade component (docs/deferral.md, "The annual
settlement").

Before the run (`plan_annual`): every month of the span must be closed (the error lists the
missing ones); each indicator's annual actual is made from the closed months' actuals as
`history.annual` says (sum, mean, last, or `recompute` from the annual run's own inputs, e.g.
RORAC over the year's accounts); the monthly advances of the grade component are read: Σ
`bonus_<grade component>` of the latest closed version of each month, plus the true-ups of
quarters or halves already settled inside the span. After the run (`AnnualPlan.finish`), per
manager: annual_due (the grade component(s) the annual grade gives), annual_advances and
annual_true_up = due − advances, in integer cents.

The true-up is not paid by the annual run: closing it (`record_annual`) records the
settlement and a retro adjustment owed of the true-up, which the next open month pays (or
recovers, never below zero by default) exactly as it pays a revision's difference
(docs/history.md). Every closed month records its indicator actuals (`record_actuals`) when
the config has `history.annual`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..config.base import parse_period
from ..deferral import add_months, annual_actuals, true_up
from ..errors import AppraisalError, ConfigError, InputError, InputIssue, InternalError, IssueCode
from ..io.readers import ROW_COLUMN
from ..result import ExtraTable, RunResult
from .db import HistoryError

if TYPE_CHECKING:
    from ..config import AppraisalConfig, LoadedConfig

__all__ = ["ACTUALS_TITLE", "ANNUAL_TITLE", "AnnualPlan", "aggregation_rules", "is_span",
           "plan_annual", "record_actuals", "record_annual", "span_months"]

ANNUAL_TITLE = {"zh": "年度清算", "en": "Annual settlement"}
ACTUALS_TITLE = {"zh": "月度指标实际值", "en": "Indicator actuals of the month"}
AGGREGATION_TITLE = {"zh": "年度指标汇总", "en": "Annual actuals"}
_LEDGER_SOURCES = ("indicators", "rorac_amount")  # sources whose months the ledger holds

annual_metadata = sa.MetaData()
_ref = sa.Table("period_versions", annual_metadata, sa.Column("id", sa.Integer,
                                                              primary_key=True))
actuals_table = sa.Table(
    "indicator_actuals", annual_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)), sa.Column("period", sa.String(20)),
    sa.Column("manager_id", sa.String(100)), sa.Column("indicator", sa.String(100)),
    sa.Column("actual", sa.Float),
)
settlements_table = sa.Table(
    "annual_settlements", annual_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("period_versions.id")),
    sa.Column("unit", sa.String(100)), sa.Column("span", sa.String(20)),
    sa.Column("manager_id", sa.String(100)), sa.Column("grade", sa.String(20)),
    sa.Column("annual_due", sa.BigInteger), sa.Column("annual_advances", sa.BigInteger),
    sa.Column("annual_true_up", sa.BigInteger),
)


def is_span(label: str) -> bool:
    """A period above the month (a quarter, half or year)."""
    return parse_period(label).months > 1


def span_months(label: str) -> list[str]:
    """The months of a period, YYYY-MM, in order."""
    period = parse_period(label)
    first = f"{period.start.year:04d}-{period.start.month:02d}"
    return add_months([first] * period.months, np.arange(period.months)).tolist()


def _inner_spans(label: str) -> list[str]:
    """The quarters and halves strictly inside a span (whose settlements are advances too)."""
    months = set(span_months(label))
    year = label[:4]
    candidates = [f"{year}-Q{q}" for q in range(1, 5)] + [f"{year}-H{h}" for h in (1, 2)]
    return [c for c in candidates
            if c != label and set(span_months(c)) <= months]


def aggregation_rules(config: AppraisalConfig, path: str) -> dict[str, str]:
    """indicator id -> sum | mean | last | recompute for an annual run; a ConfigError names
    every indicator without a rule (`history.annual.aggregation.<id>`) and every bad one."""
    annual = config.history.annual if config.history is not None else None
    if annual is None:
        raise ConfigError(path, [("history.annual", (
            f"period {config.period} is above the month: with a ledger it is the settlement "
            "over the closed months and needs history.annual (how each indicator's monthly "
            "actuals make the annual one: sum, mean, last or recompute)"))])
    indicators = config.scorecard.all_indicators()
    known = {i.id for i in indicators}
    problems = [(f"history.annual.aggregation.{key}",
                 f"no indicator {key} in the scorecard (known: {', '.join(sorted(known))})")
                for key in annual.aggregation if key not in known]
    rules: dict[str, str] = {}
    for indicator in indicators:
        given = annual.aggregation.get(indicator.id)
        if indicator.source in _LEDGER_SOURCES:
            rule = given or annual.default
            if rule is None:
                problems.append((f"history.annual.aggregation.{indicator.id}", (
                    f"indicator {indicator.id} has no aggregation rule for the annual run: "
                    "give sum, mean, last or recompute (or history.annual.default)")))
                continue
        else:
            if given is not None and given != "recompute":
                problems.append((f"history.annual.aggregation.{indicator.id}", (
                    f"indicator {indicator.id} comes from {indicator.source}, which the "
                    f"ledger does not keep by month: only recompute (got {given})")))
            rule = "recompute"
        rules[indicator.id] = rule
    if problems:
        raise ConfigError(path, problems)
    return rules


@dataclass(frozen=True)
class AnnualPlan:
    """What the ledger says for a run above the month, and what that run adds."""

    span: str
    months: tuple[str, ...]
    rules: dict[str, str]
    sources: dict[str, str]  # indicator -> source
    monthly: pd.DataFrame  # manager_id, indicator, period, actual (ledger months)
    rorac_cents: pd.DataFrame  # manager_id, period, cents (the months' RORAC)
    advances: pd.Series  # cents by manager_id
    grade_columns: tuple[str, ...]
    audit: dict[str, Any]

    def _aggregated(self) -> pd.DataFrame:
        """manager_id, indicator, actual, months of the indicators-table indicators."""
        how = {i: r for i, r in self.rules.items()
               if r != "recompute" and self.sources[i] == "indicators"}
        frame = self.monthly[self.monthly["indicator"].isin(list(how))]
        return annual_actuals(frame, how)

    def actuals(self, indicators: pd.DataFrame | None, rorac_by_manager: pd.DataFrame
                ) -> tuple[pd.DataFrame | None, pd.DataFrame]:
        """The annual run's indicators table with the aggregated actuals in place of its own,
        and the RORAC the scorecard reads (sum, mean or last of the months' cents)."""
        aggregated = self._aggregated()
        if len(aggregated):
            indicators = self._with_ledger_actuals(indicators, aggregated)
        rules = {self.rules[i] for i, s in self.sources.items() if s == "rorac_amount"}
        rule = next(iter(rules), "recompute") if len(rules) == 1 else "recompute"
        if rule == "recompute" or self.rorac_cents.empty:
            return indicators, rorac_by_manager
        frame = self.rorac_cents.sort_values(["manager_id", "period"], kind="stable")
        grouped = frame.groupby("manager_id", sort=True)["cents"]
        values = {"sum": grouped.sum(), "mean": grouped.mean(), "last": grouped.last()}[rule]
        card = rorac_by_manager.copy()
        ids = card["manager_id"].astype(str)
        picked = ids.map(values)
        if rule == "mean":  # the scorecard takes yuan (float) as well as int cents
            card["rorac"] = (picked.fillna(0) / 100).to_numpy(dtype="float64")
        else:
            card["rorac"] = picked.fillna(0).astype("int64").to_numpy()
        return indicators, card

    def _with_ledger_actuals(self, indicators: pd.DataFrame | None, aggregated: pd.DataFrame
                             ) -> pd.DataFrame:
        """The indicators table with each ledger-aggregated actual filled in: on the row of that
        manager and indicator (which keeps its target), or a row added where there is none. An
        actual typed on such a row must be blank or the ledger's own figure: a different one is
        refused (InputError naming the row), never silently replaced."""
        keyed = aggregated.set_index(["manager_id", "indicator"])["actual"]
        if indicators is None:
            indicators = pd.DataFrame({"manager_id": pd.Series(dtype=object),
                                       "indicator": pd.Series(dtype=object),
                                       "actual": pd.Series(dtype="float64")})
        pairs = pd.MultiIndex.from_arrays([indicators["manager_id"].astype(str),
                                           indicators["indicator"].astype(str)])
        found = keyed.reindex(pairs).to_numpy(dtype="float64")
        ledger = np.isfinite(found)
        typed = pd.to_numeric(indicators["actual"], errors="coerce").to_numpy(dtype="float64")
        differs = ledger & np.isfinite(typed) & ~np.isclose(typed, found, rtol=1e-12, atol=1e-9)
        if differs.any():
            file = str(indicators.attrs.get("file", "indicators"))
            rows = (indicators[ROW_COLUMN].to_numpy() if ROW_COLUMN in indicators.columns
                    else np.full(len(indicators), None))
            raise InputError([InputIssue(
                file, None if pd.isna(row) else int(row), "actual",
                f"indicator '{indicator}': the annual actual comes from the closed months "
                f"({self.rules[indicator]} of {len(self.months)} months)", float(value),
                f"blank: the ledger's figure for manager {manager} "
                f"({float(ledger_value):.12g}) is used; or "
                f"history.annual.aggregation.{indicator}: recompute to score this table's actual",
                code=IssueCode.INCONSISTENT)
                for row, manager, indicator, value, ledger_value in zip(
                    rows[differs], pairs.get_level_values(0)[differs],
                    pairs.get_level_values(1)[differs], typed[differs], found[differs],
                    strict=True)])
        out = indicators.copy()
        out["actual"] = np.where(ledger, found, typed)
        present = pd.MultiIndex.from_arrays([out["manager_id"].astype(str),
                                             out["indicator"].astype(str)])
        added = aggregated[~pd.MultiIndex.from_frame(
            aggregated[["manager_id", "indicator"]].astype(str)).isin(present)]
        if len(added):
            rows = added[["manager_id", "indicator", "actual"]].reset_index(drop=True)
            out = pd.concat([out, rows], ignore_index=True)  # other columns blank
            out.attrs = dict(indicators.attrs)
        return out

    def finish(self, result: RunResult) -> RunResult:
        """The run with annual_due, annual_advances, annual_true_up per manager and the
        tables annual_settlement and annual_actuals."""
        managers = result.managers
        ids = managers["manager_id"].astype(str)
        missing = sorted(set(self.advances[self.advances != 0].index) - set(ids))
        if missing:
            raise AppraisalError(
                f"{result.config_path}: the settlement of {self.span} finds grade advances "
                f"paid to managers not in the annual roster: {', '.join(missing[:10])}; add "
                "them to the roster (with their leave_date) so their true-up is computed")
        due = np.zeros(len(managers), dtype=np.int64)
        for column in self.grade_columns:
            due += managers[column].astype("int64").to_numpy()
        advances = self.advances.reindex(ids).fillna(0).to_numpy(dtype=np.int64)
        settled = true_up(due, advances)
        if not (advances + settled == due).all():
            raise InternalError("annual: advances + true-up differ from what is due")
        managers = managers.assign(annual_due=due, annual_advances=advances,
                                   annual_true_up=settled)
        table = pd.DataFrame({
            "manager_id": ids.to_numpy(),
            "name": managers["name"].astype(str).to_numpy() if "name" in managers else "",
            "grade": managers["grade"].astype(str).to_numpy() if "grade" in managers else "",
            "settled_span": self.span, "annual_months": len(self.months),
            "annual_due": due, "annual_advances": advances, "annual_true_up": settled,
        })
        extra = [*result.extra, ExtraTable("annual_settlement", table, ANNUAL_TITLE),
                 ExtraTable("annual_actuals", self._aggregation_table(result), AGGREGATION_TITLE)]
        audit = {**result.audit, "annual": {
            **self.audit, "annual_due_cents": int(due.sum()),
            "annual_advances_cents": int(advances.sum()),
            "annual_true_up_cents": int(settled.sum())}}
        return dataclasses.replace(result, managers=managers, extra=tuple(extra), audit=audit)

    def _aggregation_table(self, result: RunResult) -> pd.DataFrame:
        """Per manager and indicator: the rule, how many monthly actuals, the annual actual
        the scorecard used."""
        scores = result.scores[["manager_id", "indicator", "actual"]].copy()
        counts = self.monthly.dropna(subset=["actual"]).groupby(
            ["manager_id", "indicator"])["actual"].count()
        rorac_counts = self.rorac_cents.groupby("manager_id")["cents"].count()
        keys = pd.MultiIndex.from_arrays([scores["manager_id"].astype(str),
                                          scores["indicator"].astype(str)])
        scores["aggregation"] = scores["indicator"].astype(str).map(self.rules).fillna("")
        monthly = pd.Series(counts.reindex(keys).to_numpy(), index=scores.index)
        is_rorac = scores["indicator"].astype(str).map(self.sources) == "rorac_amount"
        monthly = monthly.where(~is_rorac, scores["manager_id"].astype(str).map(rorac_counts))
        recompute = scores["aggregation"] == "recompute"
        scores["monthly_actuals"] = pd.array(monthly.where(~recompute).fillna(0)
                                             .astype("int64"), dtype="Int64")
        return scores[["manager_id", "indicator", "aggregation", "monthly_actuals", "actual"]]


def _latest_ids(conn: sa.Connection, unit: str, periods: list[str]) -> pd.DataFrame:
    from .schema import period_versions

    return pd.DataFrame(conn.execute(
        sa.select(period_versions.c.period, sa.func.max(period_versions.c.id).label("id"))
        .where(period_versions.c.unit == unit, period_versions.c.period.in_(periods))
        .group_by(period_versions.c.period)).mappings().all(), columns=["period", "id"])


def plan_annual(conn: sa.Connection, loaded: LoadedConfig) -> AnnualPlan:
    """Read the closed months of the span of `loaded`'s period for its annual run."""
    from .schema import manager_amounts

    config = loaded.config
    unit, span = config.unit.id, config.period
    rules = aggregation_rules(config, str(loaded.path))
    months = span_months(span)
    latest = _latest_ids(conn, unit, months)
    missing = sorted(set(months) - set(latest["period"]))
    if missing:
        raise ConfigError(str(loaded.path), [("period", (
            f"{span} of unit {unit} is settled over its closed months, and these are not "
            f"closed in the ledger: {', '.join(missing)}; run and close them first"))])
    ids = [int(i) for i in latest["id"]]
    period_of = dict(zip(latest["id"].astype(int), latest["period"], strict=True))
    monthly = pd.DataFrame(conn.execute(
        sa.select(actuals_table.c.version_id, actuals_table.c.manager_id,
                  actuals_table.c.indicator, actuals_table.c.actual)
        .where(actuals_table.c.version_id.in_(ids))).mappings().all(),
        columns=["version_id", "manager_id", "indicator", "actual"])
    monthly["period"] = monthly["version_id"].map(period_of)
    sources = {i.id: i.source for i in config.scorecard.all_indicators()}
    from_table = [i for i, r in rules.items() if r != "recompute" and sources[i] == "indicators"]
    if from_table:
        have = set(monthly["period"])
        lacking = [m for m in months if m not in have]
        if lacking:
            raise ConfigError(str(loaded.path), [("history.annual", (
                f"the closed months {', '.join(lacking)} recorded no indicator actuals (their "
                "runs had no history.annual), so "
                f"{', '.join(from_table)} cannot be aggregated from them; use recompute for "
                "those indicators or re-close the months with history.annual"))])
    components = [c for c in config.bonus.components if c.kind == "grade"]
    grade_columns = tuple(f"bonus_{c.id}" for c in components)
    amounts = pd.DataFrame(conn.execute(
        sa.select(manager_amounts.c.version_id, manager_amounts.c.manager_id,
                  manager_amounts.c.column_key, manager_amounts.c.cents)
        .where(manager_amounts.c.version_id.in_(ids),
               manager_amounts.c.column_key.in_(["rorac", *grade_columns]))).mappings().all(),
        columns=["version_id", "manager_id", "column_key", "cents"])
    amounts["period"] = amounts["version_id"].map(period_of)
    rorac = amounts[amounts["column_key"] == "rorac"][["manager_id", "period", "cents"]]
    grade = amounts[amounts["column_key"] != "rorac"]
    advances = grade.groupby("manager_id")["cents"].sum().astype("int64")
    inner = _inner_spans(span)
    inner_latest = _latest_ids(conn, unit, inner)
    if len(inner_latest):
        settled = pd.DataFrame(conn.execute(
            sa.select(settlements_table.c.manager_id, settlements_table.c.annual_true_up)
            .where(settlements_table.c.version_id.in_([int(i) for i in inner_latest["id"]]))
        ).mappings().all(), columns=["manager_id", "annual_true_up"])
        advances = advances.add(settled.groupby("manager_id")["annual_true_up"].sum(),
                                fill_value=0).astype("int64")
    annual = config.history.annual  # type: ignore[union-attr]
    if annual.grade_advances == "none" and (advances != 0).any():  # type: ignore[union-attr]
        paid = sorted(grade.loc[grade["cents"] != 0, "period"].unique())
        raise ConfigError(str(loaded.path), [("history.annual.grade_advances", (
            "none says the monthly runs pay no grade component, but the closed months "
            f"{', '.join(paid) or '(settled quarters)'} paid one; set provisional"))])
    audit = {"span": span, "months": months, "aggregation": dict(sorted(rules.items())),
             "grade_advances": annual.grade_advances,  # type: ignore[union-attr]
             "inner_settlements": inner_latest["period"].tolist(),
             "versions": {str(p): int(i) for p, i in zip(latest["period"], latest["id"],
                                                          strict=True)}}
    return AnnualPlan(span, tuple(months), rules, sources,
                      monthly[["manager_id", "indicator", "period", "actual"]],
                      rorac.astype({"cents": "int64"}), advances, grade_columns, audit)


def actuals_table_of(result: RunResult) -> ExtraTable:
    """A month's indicator actuals (what its close records for the annual run)."""
    frame = result.scores[["manager_id", "indicator", "actual"]].reset_index(drop=True)
    return ExtraTable("indicator_actuals", frame, ACTUALS_TITLE)


# ---------------------------------------------------------------- close


def _csv(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(results / name, dtype="str", keep_default_na=False,
                       encoding="utf-8-sig")


def _cents(texts: pd.Series, file: str, column: str) -> pd.Series:
    values = texts.astype(str).str.strip()
    bad = ~values.str.match(r"^-?\d+\.\d{2}$")
    if bad.any():
        raise HistoryError(f"{file}, column '{column}': not an amount in yuan with two "
                           f"decimals (got {values[bad].iloc[0]!r})")
    return pd.to_numeric(values.str.replace(".", "", regex=False)).astype("int64")


def record_actuals(conn: sa.Connection, results: Path, manifest: dict[str, Any], unit: str,
                   period: str, version_id: int) -> int:
    """Record a closed month's `indicator_actuals.csv` (same transaction as the close)."""
    if "indicator_actuals.csv" not in manifest.get("outputs", {}):
        return 0
    frame = _csv(results, "indicator_actuals.csv")
    if frame.empty:
        return 0
    actual = pd.to_numeric(frame["actual"].replace("", np.nan), errors="coerce")
    rows = [{"version_id": version_id, "unit": unit, "period": period, "manager_id": m,
             "indicator": i, "actual": None if pd.isna(a) else float(a)}
            for m, i, a in zip(frame["manager_id"], frame["indicator"], actual, strict=True)]
    conn.execute(actuals_table.insert(), rows)
    return len(rows)


def record_annual(conn: sa.Connection, results: Path, manifest: dict[str, Any], unit: str,
                  span: str, version_id: int, version: int, latest: dict[str, Any] | None
                  ) -> int:
    """Record a closed annual run's settlement and, per manager, a retro adjustment owed of
    its true-up (for a revision: the change of true-up against the version it revises), paid
    by the next open month. Returns the managers with an adjustment."""
    from .schema import retro_adjustments

    if "annual_settlement.csv" not in manifest.get("outputs", {}):
        raise HistoryError(f"{results}: the run of {span} wrote no annual_settlement.csv, so "
                           "its settlement cannot be recorded; re-run it")
    frame = _csv(results, "annual_settlement.csv")
    money = {c: _cents(frame[c], "annual_settlement.csv", c)
             for c in ("annual_due", "annual_advances", "annual_true_up")}
    if not (money["annual_advances"] + money["annual_true_up"] == money["annual_due"]).all():
        raise HistoryError(f"{results}/annual_settlement.csv: advances + true-up differ from "
                           "what is due; the results are not as the run wrote them")
    if len(frame):
        conn.execute(settlements_table.insert(), [
            {"version_id": version_id, "unit": unit, "span": span, "manager_id": m,
             "grade": g, "annual_due": int(d), "annual_advances": int(a),
             "annual_true_up": int(t)}
            for m, g, d, a, t in zip(frame["manager_id"], frame["grade"], money["annual_due"],
                                     money["annual_advances"], money["annual_true_up"],
                                     strict=True)])
    new = pd.Series(money["annual_true_up"].to_numpy(), index=frame["manager_id"].astype(str))
    old = pd.Series(dtype="int64")
    if latest is not None:
        before = pd.DataFrame(conn.execute(
            sa.select(settlements_table.c.manager_id, settlements_table.c.annual_true_up)
            .where(settlements_table.c.version_id == int(latest["id"]))).mappings().all(),
            columns=["manager_id", "annual_true_up"])
        old = before.set_index("manager_id")["annual_true_up"].astype("int64")
    ids = new.index.union(old.index).sort_values()
    delta = new.reindex(ids, fill_value=0) - old.reindex(ids, fill_value=0)
    delta = delta[delta != 0]
    reason = f"annual settlement {span}: grade true-up"
    if latest is not None:
        reason += f" (revision: {(manifest.get('audit') or {}).get('history', {}).get('revision')})"
    if len(delta):
        conn.execute(retro_adjustments.insert(), [
            {"version_id": version_id, "unit": unit, "manager_id": manager,
             "source_period": span, "source_version": version, "amount": int(amount),
             "reason": reason} for manager, amount in delta.items()])
    return len(delta)
