"""What-if: two schemes run on the same inputs, side by side (`appraise compare`).

Both configs go through `pipeline.run` (never a copy of it). An input table both configs name
with the same resolved path and the same SHA-256 (and the same reading settings) is read and
checked by the readers once, then handed to each run. Per manager: both values and the change
of the composite, grade, profit band, every bonus component and the final bonus, with the
driver of the change; a grade-migration matrix; cost by unit; the largest winners and losers;
and what exists in one scheme only (indicators, dimensions, components, funding mode, grades).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..columns import (
    Column,
    ColumnRegistry,
    compared_columns,
    with_analysis_columns,
)
from ..config import AppraisalConfig, LoadedConfig, load_config
from ..errors import ConfigError, InputError, IssueTable
from ..io.readers import LoadedTable, file_sha256
from ..money import decimal_text
from ..pipeline import run as run_pipeline
from ..result import RunResult
from ..validate import Validation, check_inputs, read_source
from .extend import with_overrides

__all__ = ["Comparison", "check_comparable", "compare_schemes", "read_shared_inputs"]

_ORG = ("name", "branch", "sub_branch", "team")
_POOL_ITEMS = ("limit_adjustment", "withheld", "pool_allocation", "pool_redistributed",
               "retro_adjustment")
_NO_GRADE = "-"
TOP_MOVERS = 10
CODE_LABELS: dict[str, dict[str, str]] = {
    "both": {"zh": "两方案均有", "en": "Both schemes"},
    "base_only": {"zh": "仅原方案", "en": "Base scheme only"},
    "proposal_only": {"zh": "仅新方案", "en": "Proposal only"},
    "changed": {"zh": "有变化", "en": "Changed"},
    "winner": {"zh": "增加", "en": "Paid more"},
    "loser": {"zh": "减少", "en": "Paid less"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "grading": {"zh": "评级方法", "en": "Grading"},
    "grade": {"zh": "等级", "en": "Grade"},
    "funding": {"zh": "奖金来源", "en": "Funding"},
    "component": {"zh": "奖金构成", "en": "Bonus component"},
    "band": {"zh": "利润档次", "en": "Profit band"},
    "shared_pool": {"zh": "公共绩效池", "en": "Shared pool"},
}
"""Display names of the codes the compare tables use (side, status, direction, item kind)."""


@dataclass(frozen=True)
class Comparison:
    """Two runs and their differences; every money column is int64 cents.

    managers: one row per manager of either roster (`side`: both, base_only, proposal_only).
    migration: grade_from, grade_to, count (managers in both). migration_matrix: the same as
        rows (from grade) x columns (to grade) of counts, for the workbook.
    cost: per unit (the roll-ups' level, unit, ...) both totals and the change.
    movers: the largest winners and losers with the driver of each change.
    structure: what differs in the schemes (`status` base_only / proposal_only / changed).
    inputs: each input table, its SHA-256 and whether both schemes share it (read once).
    summary: the headline figures a committee reads first.
    """

    base: RunResult
    proposal: RunResult
    managers: pd.DataFrame
    migration: pd.DataFrame
    migration_matrix: pd.DataFrame
    cost: pd.DataFrame
    movers: pd.DataFrame
    structure: pd.DataFrame
    inputs: pd.DataFrame
    summary: dict[str, Any]
    columns: ColumnRegistry
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables written as CSV, by file stem."""
        return {"compare_managers": self.managers, "grade_migration": self.migration,
                "cost_by_unit": self.cost, "winners_losers": self.movers,
                "structure": self.structure, "compare_inputs": self.inputs}


# ---- what both schemes must share ---------------------------------------------------------

def check_comparable(base: LoadedConfig, proposal: LoadedConfig) -> None:
    """Refuse a proposal for another period or unit than the base scheme's: a comparison
    weighs two schemes on one month's figures of one unit, so that every change it shows comes
    from the scheme (another period moves the stock/increment split, the days and the targets
    of the same inputs). Raises `ConfigError` naming the proposal's key path and both values."""
    pairs = (("period", base.config.appraisal_period.label,
              proposal.config.appraisal_period.label),
             ("unit.id", base.config.unit.id, proposal.config.unit.id))
    problems = [(key, f"{theirs} differs from the base scheme's {key} {ours} ({base.path}): "
                      "a comparison weighs two schemes on the same period and unit; give both "
                      "configs the same value")
                for key, ours, theirs in pairs if ours != theirs]
    if problems:
        raise ConfigError(str(proposal.path), problems)


# ---- reading the inputs once ---------------------------------------------------------------

def _table_key(loaded: LoadedConfig, name: str) -> tuple[Any, ...]:
    source = loaded.config.inputs.sources()[name]
    if source.table is not None:  # a Spark catalog table: the engine reads it by name
        return (name, "table", source.table)
    path = loaded.resolve(source).resolve()
    digest = file_sha256(path) if path.is_file() else None
    return (name, str(path), digest, source.format, source.encoding, source.sheet,
            source.delimiter, source.header_row, tuple(sorted((source.columns or {}).items())))


def _declared(config: AppraisalConfig) -> tuple[set[str], set[tuple[str, str]]]:
    """The indicator ids a scheme scores and its AHP matrices' (matrix, criterion) pairs."""
    card = config.scorecard
    pairs = {(m, c) for m, criteria in card.ahp_matrices().items() for c in criteria}
    return {i.id for i in card.all_indicators()}, pairs


def _without_others(name: str, frame: pd.DataFrame, own: tuple[set[str], set[tuple[str, str]]],
                    others: tuple[set[str], set[tuple[str, str]]]) -> pd.DataFrame:
    """The rows of the indicators or judgments table that only the other scheme reads (an
    indicator it alone scores, a judgment of a matrix or criterion it alone weighs) left out of
    this scheme's checks and run; every other row, a typo too, is this scheme's to check."""
    def ids(column: str) -> pd.Series:
        return frame[column].astype("string").str.strip().fillna("")

    if name == "indicators" and "indicator" in frame.columns:
        indicator = ids("indicator")
        theirs = indicator.isin(sorted(others[0] - own[0]))
    elif name == "judgments" and {"matrix", "criterion_a", "criterion_b"} <= set(frame.columns):
        matrix, a, b = ids("matrix"), ids("criterion_a"), ids("criterion_b")

        def weighs(pairs: set[tuple[str, str]]) -> pd.Series:
            known = pd.MultiIndex.from_tuples(sorted(pairs)) if pairs else None
            if known is None:
                return pd.Series(False, index=frame.index)
            return pd.Series(pd.MultiIndex.from_arrays([matrix, a]).isin(known)
                             & pd.MultiIndex.from_arrays([matrix, b]).isin(known),
                             index=frame.index)

        theirs = weighs(others[1]) & ~weighs(own[1])
    else:
        return frame
    if not theirs.any():
        return frame
    kept = frame.loc[~theirs.to_numpy()].copy()
    kept.attrs = dict(frame.attrs)
    return kept


def read_shared_inputs(configs: Sequence[LoadedConfig]) -> tuple[list[Validation], pd.DataFrame]:
    """Read every configured table of every config, a table both name identically (same
    resolved path, SHA-256 and reading settings) once; then each config's checks. Rows of the
    indicators and judgments tables that only another config reads (an indicator or AHP
    criterion it alone declares) are left out of this config's checks and run, so that a
    proposal may drop an indicator on the same input files. Returns one `Validation` per config
    and the inputs table (table, path, sha256, shared)."""
    cache: dict[tuple[Any, ...], tuple[LoadedTable | None, IssueTable]] = {}
    uses: dict[tuple[Any, ...], int] = {}
    validations = []
    declared = [_declared(loaded.config) for loaded in configs]
    for k, loaded in enumerate(configs):
        own = declared[k]
        others: tuple[set[str], set[tuple[str, str]]] = (
            set().union(*(d[0] for j, d in enumerate(declared) if j != k)),
            set().union(*(d[1] for j, d in enumerate(declared) if j != k)))
        tables: dict[str, LoadedTable] = {}
        reader_issues: list[IssueTable] = []
        for name, source in loaded.config.inputs.sources().items():
            key = _table_key(loaded, name)
            uses[key] = uses.get(key, 0) + 1
            if key not in cache:
                try:
                    cache[key] = read_source(loaded, name, source)
                except InputError as exc:
                    cache[key] = (None, exc.issues)
            table, found = cache[key]
            reader_issues.append(found)
            if table is not None:  # each run gets its own copy of the frame, never a re-read
                frame = table.frame.copy()
                frame.attrs = dict(table.frame.attrs)
                frame = _without_others(name, frame, own, others)
                tables[name] = dataclasses.replace(table, frame=frame)
        frames = {name: table.frame for name, table in tables.items()}
        issues = check_inputs(frames, loaded.config,
                              reader_issues=IssueTable.concat(reader_issues))
        validations.append(Validation(tables, issues))
    rows = [{"table": key[0], "path": key[1], "sha256": key[2] or "", "shared": uses[key] > 1}
            for key in cache]
    inputs = pd.DataFrame(rows, columns=["table", "path", "sha256", "shared"])
    return validations, inputs.sort_values(["table", "path"], kind="stable").reset_index(drop=True)


# ---- per manager ---------------------------------------------------------------------------

def _components(config: AppraisalConfig) -> list[str]:
    return [c.id for c in config.bonus.components]


def _band_columns(config: AppraisalConfig) -> list[str]:
    return [f"{c.id}_band" for c in config.bonus.components if c.kind == "profit_band"]


def _money_items(base: RunResult, proposal: RunResult) -> list[str]:
    """The parts of the final bonus, in order: components (union), then the pool items."""
    items = [f"bonus_{c}" for c in dict.fromkeys(_components(base.config)
                                                 + _components(proposal.config))]
    return items + [c for c in _POOL_ITEMS
                    if c in base.managers.columns or c in proposal.managers.columns]


def _side(frame: pd.DataFrame, columns: list[str], suffix: str) -> pd.DataFrame:
    present = [c for c in columns if c in frame.columns]
    out = frame[["manager_id", *present]].rename(columns={c: f"{c}_{suffix}" for c in present})
    return out


def _score_drivers(base: RunResult, proposal: RunResult, ids: pd.Index) -> pd.DataFrame:
    """Per manager the indicator whose contribution to the composite changed most."""
    def contributions(result: RunResult) -> pd.Series:
        scores = result.scores
        return scores.set_index(["manager_id", "indicator"])["contribution"].astype("float64")

    joined = pd.concat([contributions(base).rename("b"), contributions(proposal).rename("p")],
                       axis=1).fillna(0.0)
    joined["d"] = joined["p"] - joined["b"]
    if joined.empty:
        return pd.DataFrame({"score_driver": pd.Series("", index=ids, dtype=object),
                             "score_driver_delta": np.nan})
    joined["abs"] = joined["d"].abs()
    ordered = joined.reset_index().sort_values(["manager_id", "abs", "indicator"],
                                               ascending=[True, False, True], kind="stable")
    top = ordered.drop_duplicates("manager_id").set_index("manager_id").reindex(ids)
    moved = top["abs"].fillna(0.0) > 1e-9
    return pd.DataFrame({
        "score_driver": top["indicator"].where(moved, "").fillna("").astype(str),
        "score_driver_delta": top["d"].where(moved),
    }, index=ids)


def _driver(frame: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The part of the final bonus that moved most (withholding counts negative)."""
    signs = np.array([-1 if item == "withheld" else 1 for item in items])
    deltas = np.column_stack([
        frame[f"{item}_delta"].astype("Int64").fillna(0).to_numpy(dtype=np.int64)
        for item in items]) * signs[None, :] if items else np.zeros((len(frame), 0), np.int64)
    if not items:
        return pd.DataFrame({"driver": "", "driver_delta": 0}, index=frame.index)
    pick = np.argmax(np.abs(deltas), axis=1)
    amount = deltas[np.arange(len(frame)), pick]
    names = np.asarray(items, dtype=object)[pick]
    return pd.DataFrame({"driver": np.where(amount != 0, names, ""),
                         "driver_delta": amount.astype(np.int64)}, index=frame.index)


def _detail(frame: pd.DataFrame, base: AppraisalConfig, proposal: AppraisalConfig) -> np.ndarray:
    """A short text for the driver: the grade or band that changed, or the component that
    exists in one scheme only."""
    out = np.full(len(frame), "", dtype=object)
    grade_b = frame["grade_base"].fillna("").astype(str).to_numpy(dtype=object)
    grade_p = frame["grade_proposal"].fillna("").astype(str).to_numpy(dtype=object)
    kinds = {f"bonus_{c.id}": c for c in (*base.bonus.components, *proposal.bonus.components)}
    only_b = {f"bonus_{c}" for c in _components(base)} - {f"bonus_{c}"
                                                          for c in _components(proposal)}
    only_p = {f"bonus_{c}" for c in _components(proposal)} - {f"bonus_{c}"
                                                              for c in _components(base)}
    driver = frame["driver"].to_numpy(dtype=object)
    for item, component in kinds.items():
        mask = driver == item
        if not mask.any():
            continue
        if item in only_b:
            out[mask] = "base_only"
        elif item in only_p:
            out[mask] = "proposal_only"
        elif component.kind == "grade":
            changed = mask & (grade_b != grade_p)
            out[changed] = (pd.Series(grade_b[changed]).replace("", _NO_GRADE) + " → "
                            + pd.Series(grade_p[changed]).replace("", _NO_GRADE)).to_numpy()
        else:
            band = f"{component.id}_band"
            if f"{band}_base" in frame.columns and f"{band}_proposal" in frame.columns:
                b = frame[f"{band}_base"].fillna("").astype(str).to_numpy(dtype=object)
                p = frame[f"{band}_proposal"].fillna("").astype(str).to_numpy(dtype=object)
                changed = mask & (b != p)
                out[changed] = (pd.Series(b[changed]) + " → " + pd.Series(p[changed])).to_numpy()
    return out


def _managers(base: RunResult, proposal: RunResult) -> tuple[pd.DataFrame, list[str]]:
    items = _money_items(base, proposal)
    money = [*items, "bonus_gross", "bonus_final"]
    values = ["composite", "grade", "grade_coefficient",
              *dict.fromkeys(_band_columns(base.config) + _band_columns(proposal.config))]
    wanted = [*values, *money]
    b = _side(base.managers, wanted, "base")
    p = _side(proposal.managers, wanted, "proposal")
    joined = b.merge(p, on="manager_id", how="outer", indicator=True, validate="one_to_one")
    side = joined.pop("_merge").map({"both": "both", "left_only": "base_only",
                                     "right_only": "proposal_only"}).astype(str)
    org = pd.concat([proposal.managers[["manager_id", *[c for c in _ORG
                                                          if c in proposal.managers]]],
                     base.managers[["manager_id", *[c for c in _ORG if c in base.managers]]]])
    org = org.drop_duplicates("manager_id", keep="first")
    out = org.merge(joined, on="manager_id", how="right")
    out.insert(1 + len([c for c in _ORG if c in org.columns]), "side", side.to_numpy())
    on_both = (out["side"] == "both").to_numpy()
    for column in money:
        for suffix in ("base", "proposal"):
            key = f"{column}_{suffix}"
            if key not in out.columns:
                out[key] = pd.array([pd.NA] * len(out), dtype="Int64")
            out[key] = out[key].astype("Int64")
        # a part one scheme does not have pays nothing there; a manager on one side only
        # has no change to show
        delta = (out[f"{column}_proposal"].fillna(0) - out[f"{column}_base"].fillna(0))
        out[f"{column}_delta"] = delta.where(on_both, pd.NA).astype("Int64")
    for column in ("composite", "grade_coefficient"):
        out[f"{column}_delta"] = (out[f"{column}_proposal"] - out[f"{column}_base"]).where(on_both)
    for column in values:
        for suffix in ("base", "proposal"):
            if f"{column}_{suffix}" not in out.columns:
                out[f"{column}_{suffix}"] = pd.NA
    out["grade_changed"] = on_both & (out["grade_base"].fillna("").astype(str)
                                      != out["grade_proposal"].fillna("").astype(str))
    drivers = _driver(out, items)
    out["driver"] = drivers["driver"].where(on_both, "")
    out["driver_delta"] = pd.array(np.where(on_both, drivers["driver_delta"], 0), dtype="Int64")
    out.loc[~on_both, "driver_delta"] = pd.NA
    out["driver_detail"] = np.where(on_both, _detail(out, base.config, proposal.config), "")
    scored = _score_drivers(base, proposal, pd.Index(out["manager_id"]))
    out["score_driver"] = np.where(on_both, scored["score_driver"].to_numpy(dtype=object), "")
    out["score_driver_delta"] = np.where(on_both, scored["score_driver_delta"].to_numpy(), np.nan)
    order = ["manager_id", *[c for c in _ORG if c in out.columns], "side"]
    for column in (*values, "grade_changed", *money):
        order += [k for k in (f"{column}_base", f"{column}_proposal", f"{column}_delta")
                  if k in out.columns]
    order = list(dict.fromkeys([*order, "grade_changed", "driver", "driver_delta",
                                "driver_detail", "score_driver", "score_driver_delta"]))
    sort = [c for c in ("branch", "sub_branch", "team", "manager_id") if c in out.columns]
    out = out[order].sort_values(sort, kind="stable").reset_index(drop=True)
    for column in ("grade_base", "grade_proposal"):
        out[column] = out[column].fillna("").astype(str)
    return out, money


# ---- the other tables ----------------------------------------------------------------------

def _grade_ids(config: AppraisalConfig) -> list[str]:
    return [g.id for g in config.scorecard.grading.grades]


def _migration(managers: pd.DataFrame, base: AppraisalConfig, proposal: AppraisalConfig
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    both = managers[managers["side"] == "both"]
    rows_order = [*_grade_ids(base), ""]
    cols_order = [*_grade_ids(proposal), ""]
    counts = pd.crosstab(both["grade_base"], both["grade_proposal"])
    counts = counts.reindex(index=rows_order, columns=cols_order, fill_value=0)
    keep_rows = [g for g in rows_order if g != "" or counts.loc[""].sum() > 0]
    keep_cols = [g for g in cols_order if g != "" or counts[""].sum() > 0]
    matrix = counts.loc[keep_rows, keep_cols].astype("int64")
    long = matrix.stack().rename("count").reset_index()
    long.columns = ["grade_from", "grade_to", "count"]
    long = long[long["count"] > 0].reset_index(drop=True)
    for column in ("grade_from", "grade_to"):
        long[column] = long[column].replace("", _NO_GRADE).astype(str)
    matrix.index = [g or _NO_GRADE for g in matrix.index]
    matrix.columns = [g or _NO_GRADE for g in matrix.columns]
    return long, matrix


def _cost(base: RunResult, proposal: RunResult) -> pd.DataFrame:
    keys = ["level", "unit", "branch", "sub_branch", "team"]
    wanted = ["managers", "bonus_gross", "bonus_final"]
    b = base.rollups[[*keys, *wanted]]
    p = proposal.rollups[[*keys, *wanted]]
    out = b.merge(p, on=keys, how="outer", suffixes=("_base", "_proposal"))
    for column in wanted:
        for suffix in ("base", "proposal"):
            out[f"{column}_{suffix}"] = out[f"{column}_{suffix}"].astype("Int64")
        out[f"{column}_delta"] = (out[f"{column}_proposal"].fillna(0)
                                  - out[f"{column}_base"].fillna(0)).astype("Int64")
    levels = {"team": 0, "sub_branch": 1, "branch": 2, "total": 3}
    out = out.assign(_order=out["level"].map(levels)).sort_values(
        ["_order", "branch", "sub_branch", "team"], kind="stable").drop(columns="_order")
    order = [*keys]
    for column in wanted:
        order += [f"{column}_base", f"{column}_proposal", f"{column}_delta"]
    return out[order].reset_index(drop=True)


def _movers(managers: pd.DataFrame, top: int) -> pd.DataFrame:
    both = managers[managers["side"] == "both"].copy()
    delta = both["bonus_final_delta"].astype("int64")
    winners = both[delta > 0].assign(_d=delta[delta > 0]).sort_values(
        ["_d", "manager_id"], ascending=[False, True], kind="stable").head(top)
    losers = both[delta < 0].assign(_d=delta[delta < 0]).sort_values(
        ["_d", "manager_id"], ascending=[True, True], kind="stable").head(top)
    shown = ["manager_id", *[c for c in _ORG if c in managers.columns], "composite_base",
             "composite_proposal", "grade_base", "grade_proposal", "bonus_final_base",
             "bonus_final_proposal", "bonus_final_delta", "driver", "driver_delta",
             "driver_detail", "score_driver", "score_driver_delta"]
    parts = [frame[shown].assign(direction=label) for label, frame in
             (("winner", winners), ("loser", losers))]
    out = pd.concat(parts, ignore_index=True)
    return out[["direction", *shown]]


def _text(value: Any) -> str:
    """A config value as written: a float by its shortest exact decimal (1234567.89, 0.05,
    100), never rounded to six digits (1.23457e+06)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return decimal_text(value)
    return str(value)


def _structure_items(config: AppraisalConfig, global_weights: dict[str, float]
                     ) -> dict[tuple[str, str], str]:
    items: dict[tuple[str, str], str] = {}
    card = config.scorecard
    for dimension in card.dimensions:
        items[("dimension", dimension.id)] = ", ".join(i.id for i in dimension.indicators)
        for indicator in dimension.indicators:
            weight = global_weights.get(indicator.id)
            items[("indicator", indicator.id)] = (
                f"{dimension.id}; {indicator.rule.kind}; w {weight:.4f}"
                if weight is not None else f"{dimension.id}; {indicator.rule.kind}")
    if card.additional is not None:
        for indicator in card.additional.indicators:
            items[("indicator", indicator.id)] = f"{card.additional.id}; {indicator.rule.kind}"
    grading = card.grading
    items[("grading", "method")] = grading.method
    for grade in grading.grades:
        bound = grade.min_score if grading.method == "bands" else grade.quota
        items[("grade", grade.id)] = f"{_text(bound)}; × {_text(grade.coefficient)}"
    bonus = config.bonus
    items[("funding", "mode")] = bonus.funding.mode
    if bonus.funding.mode == "fixed_pool":
        items[("funding", "pool_amount")] = _text(bonus.funding.pool_amount)
    for component in bonus.components:
        items[("component", component.id)] = (
            f"{component.kind}; {_text(component.share)}"
            + (f"; {component.method}" if component.kind == "profit_band" else ""))
        for k, band in enumerate(component.bands if component.kind == "profit_band" else ()):
            items[("band", f"{component.id}[{k}]")] = (
                f"{band.label or ''} ≥ {_text(band.lower)}; × {_text(band.coefficient)}")
    items[("shared_pool", "withhold_rate")] = _text(bonus.shared_pool.withhold_rate)
    return items


def _global_weights(result: RunResult) -> dict[str, float]:
    scores = result.scores
    if scores.empty:
        return {}
    return scores.drop_duplicates("indicator").set_index("indicator")["global_weight"].astype(
        "float64").to_dict()


def _structure(base: RunResult, proposal: RunResult) -> pd.DataFrame:
    b = _structure_items(base.config, _global_weights(base))
    p = _structure_items(proposal.config, _global_weights(proposal))
    rows = []
    for key in dict.fromkeys([*b, *p]):
        in_b, in_p = key in b, key in p
        if in_b and in_p and b[key] == p[key]:
            continue
        status = "changed" if in_b and in_p else ("base_only" if in_b else "proposal_only")
        rows.append({"item_kind": key[0], "item": key[1], "status": status,
                     "base_value": b.get(key, ""), "proposal_value": p.get(key, "")})
    return pd.DataFrame(rows, columns=["item_kind", "item", "status", "base_value",
                                       "proposal_value"])


def _summary(base: RunResult, proposal: RunResult, managers: pd.DataFrame,
             structure: pd.DataFrame, inputs: pd.DataFrame) -> dict[str, Any]:
    both = managers[managers["side"] == "both"]
    delta = both["bonus_final_delta"].astype("int64")
    order_b = {g: k for k, g in enumerate(_grade_ids(base.config))}
    order_p = {g: k for k, g in enumerate(_grade_ids(proposal.config))}
    shared_ids = [g for g in order_b if g in order_p]
    graded = both[both["grade_base"].isin(shared_ids) & both["grade_proposal"].isin(shared_ids)]
    rank_b = graded["grade_base"].map(order_b)
    rank_p = graded["grade_proposal"].map(order_p)
    totals = {}
    for column in ("bonus_gross", "bonus_final"):
        tb, tp = int(base.summary.totals.get(column, 0)), int(proposal.summary.totals.get(
            column, 0))
        totals[column] = {"base": tb, "proposal": tp, "delta": tp - tb}
    return {
        "base_config": base.config_path.name if base.config_path else "",
        "proposal_config": proposal.config_path.name if proposal.config_path else "",
        "period_base": base.period.label,
        "period_proposal": proposal.period.label,
        "managers_both": len(both),
        "managers_base_only": int((managers["side"] == "base_only").sum()),
        "managers_proposal_only": int((managers["side"] == "proposal_only").sum()),
        "totals_cents": totals,
        "grade_changes": int(both["grade_changed"].sum()),
        "grades_up": int((rank_p < rank_b).sum()),
        "grades_down": int((rank_p > rank_b).sum()),
        "winners": int((delta > 0).sum()),
        "losers": int((delta < 0).sum()),
        "unchanged": int((delta == 0).sum()),
        "largest_gain_cents": int(delta.max()) if len(delta) else 0,
        "largest_loss_cents": int(delta.min()) if len(delta) else 0,
        "structure_differences": len(structure),
        "inputs_shared": int(inputs["shared"].sum()),
        "inputs_read": len(inputs),
    }


def _registry(base: RunResult, proposal: RunResult, money: list[str]) -> ColumnRegistry:
    # display names of both schemes' codes (an id on one side only keeps its name)
    codes = {name: {**proposal.columns.codes.get(name, {}), **base.columns.codes.get(name, {})}
             for name in {*proposal.columns.codes, *base.columns.codes}}
    merged: dict[str, Column] = dict(with_analysis_columns(ColumnRegistry(
        {**dict(proposal.columns.columns), **dict(base.columns.columns)}, codes)).columns)
    registry = ColumnRegistry(merged, codes)
    values = ["composite", "grade", "grade_coefficient", "managers",
              *dict.fromkeys(_band_columns(base.config) + _band_columns(proposal.config))]
    merged.update(compared_columns(registry, [*values, *money]))
    return ColumnRegistry(merged, codes)


def compare_schemes(
    base: str | Path | LoadedConfig, proposal: str | Path | LoadedConfig, *,
    overrides: Sequence[str] = (), top: int = TOP_MOVERS,
) -> Comparison:
    """Run both schemes (inputs they share read once) and compare them manager by manager.

    `overrides` (`KEY=VALUE`) apply to the proposal only, as `appraise run --set` would.
    """
    base_loaded = base if isinstance(base, LoadedConfig) else load_config(base)
    proposal_loaded = (proposal if isinstance(proposal, LoadedConfig)
                       else load_config(proposal, overrides))
    check_comparable(base_loaded, proposal_loaded)
    validations, inputs = read_shared_inputs([base_loaded, proposal_loaded])
    base_result = with_overrides(run_pipeline(base_loaded, validation=validations[0]),
                                 base_loaded)
    proposal_result = with_overrides(run_pipeline(proposal_loaded, validation=validations[1]),
                                     proposal_loaded)
    managers, money = _managers(base_result, proposal_result)
    migration, matrix = _migration(managers, base_result.config, proposal_result.config)
    structure = _structure(base_result, proposal_result)
    columns = _registry(base_result, proposal_result, money)
    drivers = {item: {"zh": columns[item].zh, "en": columns[item].en}
               for item in _money_items(base_result, proposal_result) if item in columns}
    labels = {**CODE_LABELS, **drivers, **proposal_result.labels, **base_result.labels}
    return Comparison(
        base=base_result, proposal=proposal_result, managers=managers, migration=migration,
        migration_matrix=matrix, cost=_cost(base_result, proposal_result),
        movers=_movers(managers, top), structure=structure, inputs=inputs,
        summary=_summary(base_result, proposal_result, managers, structure, inputs),
        columns=columns, labels=labels,
    )

