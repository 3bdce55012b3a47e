"""Incentive balance: what one more point of each indicator pays each manager, and whether an
indicator's pay per point is in line with its AHP weight (the source's warning, 篇1: managers
study which indicator pays most, chase it and neglect the rest).

For every manager and indicator, from the manager's current position and with everyone else
unchanged:

    step       indicators scored against a target (ratio, lower_better, piecewise on the
               target): `step_percent` % of the manager's |target| (one point of completion;
               a target of 0 has no percent: `unit_step` units), in the better direction;
               other rules: `unit_step` units of the actual (a survey
               rating capped at its scale's top)
    score'     the indicator's own rule (`scoring.RULES`) and cap/floor at actual ± step;
               percentile ranks against the peers' unchanged results
    composite' composite + f · global weight · (score' − score)       (weighted indicators)
               composite + f · (clip(points_raw + score' − score) − points)   (additional)
               f = the service fraction under `joiners_leavers: prorate`, else 1
    grade'     the grading's own rule: bands, or the manager's new rank in a forced distribution
    bonus'     per_person_base: `bonus.compute_bonus` itself on the new composite, grade and
               (for the RORAC indicator) profit — each manager's gross depends on their own
               figures only; fixed_pool: the manager's exact gross with the others' points
               unchanged, the sub-pools re-shared and the caps and floors water-filled again
               (`pool_marginals`: a closed form per regime, the stage's own re-share where
               another manager may cross a limit)
    marginal   bonus_gross' − bonus_gross (int64 cents): zero where a cap binds, the jump where
               a grade or profit band boundary lies within the step; fixed pool: the exact
               change rounded once, and `others_change` = −marginal (the pool is fixed)

Summary per indicator over the managers scored on it: the median and mean marginal bonus, the
share capped and the share near a boundary, the indicator's global weight; `pay_share` (its
share of the pay per score point, Σ marginal / Σ |score change|, over the weighted indicators,
so that the size of a step does not count) against `weight_share` (its share of the global
weight): `out_of_line` when the ratio is above `flag_ratio` or below 1 / `flag_ratio`. In a
linear scheme (composite factor on a base, no caps binding) the ratio is 1 for every indicator.

Years of service (`tenure_years`, no target) step by `unit_step` years. Cost: one bonus-stage
call per indicator (per_person_base) or the pool's terms per indicator (fixed_pool), so it runs
on request (`appraise run --analysis` or `analysis.incentive_balance.enabled`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..bonus import PoolTerms, compute_bonus, pool_terms, water_fill
from ..config import AppraisalConfig, LoadedConfig
from ..config.scorecard import Indicator
from ..money import to_cents
from ..result import RunResult
from ..scorecard import grade_by_bands
from ..scoring import RULES, RuleRows, clip_scores
from ..validate import Validation, validate_inputs

__all__ = ["IncentiveBalance", "PoolMarginals", "incentive_balance", "incentive_tables",
           "pool_marginals"]

_BALANCE_COLUMNS = ["manager_id", "dimension", "indicator", "actual", "target", "step", "score",
                    "score_change", "composite", "composite_change", "grade", "grade_after",
                    "marginal_bonus", "others_change", "capped_now", "near_boundary"]
_SUMMARY_COLUMNS = ["dimension", "indicator", "global_weight", "managers", "median_marginal",
                    "mean_marginal", "share_capped", "share_near_boundary", "pay_share",
                    "weight_share", "balance_ratio", "out_of_line"]


@dataclass(frozen=True)
class IncentiveBalance:
    """balance: manager × indicator; summary: one row per indicator; pool_fallbacks (fixed
    pool): the cells re-shared in full because the step could move another manager across a
    limit."""

    balance: pd.DataFrame
    summary: pd.DataFrame
    pool_fallbacks: int = 0


def _declared(config: AppraisalConfig) -> list[tuple[str, Indicator, bool]]:
    card = config.scorecard
    out = [(d.id, i, False) for d in card.dimensions for i in d.indicators]
    if card.additional is not None:
        out += [(card.additional.id, i, True) for i in card.additional.indicators]
    return out


def _reads_target(indicator: Indicator) -> bool:
    return indicator.rule.kind in ("ratio", "lower_better") or (
        indicator.rule.kind == "piecewise" and indicator.needs_target)


def _better_sign(indicator: Indicator) -> float:
    rule = indicator.rule
    if rule.kind == "lower_better":
        return -1.0
    return -1.0 if getattr(rule, "better", "higher") == "lower" else 1.0


def _percentile_after(rule: object, actual: np.ndarray, moved: np.ndarray, group: np.ndarray
                      ) -> np.ndarray:
    """Percentile score of each manager at `moved` with the peers' results unchanged: the
    average rank of the new value among the others, 100 · (rank − 1) / (n − 1)."""
    higher = getattr(rule, "better", "higher") == "higher"
    own = actual if higher else -actual
    new = moved if higher else -moved
    out = np.empty(len(actual))
    for name in pd.unique(group):
        rows = np.flatnonzero(group == name)
        n = len(rows)
        if n < 2:
            out[rows] = float(getattr(rule, "single_member_score", 100.0))
            continue
        values = np.sort(own[rows])
        below = np.searchsorted(values, new[rows], side="left")
        upto = np.searchsorted(values, new[rows], side="right")
        # the manager's own old value is among `values`: take it out of the counts
        own_below = (own[rows] < new[rows]).astype(int)
        own_equal = (own[rows] == new[rows]).astype(int)
        less = below - own_below
        equal = upto - below - own_equal
        rank = 1.0 + less + 0.5 * equal
        out[rows] = 100.0 * (rank - 1.0) / (n - 1.0)
    return out


def _forced_after(config: AppraisalConfig, composite: np.ndarray, moved: np.ndarray,
                  ids: np.ndarray, unit: np.ndarray, graded: np.ndarray,
                  grade_index: np.ndarray) -> np.ndarray:
    """Grade index of each manager at `moved`, the others' composites unchanged (forced)."""
    quotas = np.array([g.quota for g in config.scorecard.grading.grades], dtype="float64")
    key = np.round(composite, 9)
    new_key = np.round(moved, 9)
    out = grade_index.copy()
    for name in pd.unique(unit[graded]):
        rows = np.flatnonzero(graded & (unit == name))
        n = len(rows)
        exact = np.round(n * quotas, 9)
        base = np.floor(exact)
        order = np.argsort(-(exact - base), kind="stable")
        place = np.argsort(order, kind="stable")
        bounds = np.cumsum(base + (place < n - base.sum()))
        values = np.sort(-key[rows])
        ahead = np.searchsorted(values, -new_key[rows], side="left")  # strictly greater keys
        ahead -= (key[rows] > new_key[rows]).astype(int)
        ties = np.searchsorted(values, -new_key[rows], side="right") - np.searchsorted(
            values, -new_key[rows], side="left") - (key[rows] == new_key[rows]).astype(int)
        for k in np.flatnonzero(ties > 0):  # equal composites: the earlier manager_id first
            same = rows[(key[rows] == new_key[rows[k]]) & (rows != rows[k])]
            ahead[k] += int((ids[same] < ids[rows[k]]).sum())
        moved_rank = ahead
        unchanged = new_key[rows] == key[rows]
        grade = np.minimum((bounds[None, :] <= moved_rank[:, None]).sum(axis=1),
                           len(quotas) - 1)
        out[rows] = np.where(unchanged, grade_index[rows], grade)
    return out


def _cells(result: RunResult, declared: list[tuple[str, Indicator, bool]], step_percent: float,
           unit_step: float) -> pd.DataFrame:
    """Per manager × indicator: actual, target, step, score, score after the step."""
    scores = result.scores
    roster = result.managers.set_index("manager_id")
    parts = []
    for dimension, indicator, additional in declared:
        rows = scores[scores["indicator"] == indicator.id]
        rows = rows[~rows["flags"].fillna("").str.contains("actual_missing", regex=False)]
        if rows.empty:
            continue
        actual = rows["actual"].to_numpy(dtype="float64")
        target = rows["target"].to_numpy(dtype="float64")
        target = np.where(np.isfinite(target), target, 0.0)
        if _reads_target(indicator):
            # a target of 0 has no percent: one point of it is `unit_step` units of the actual
            size = np.where(target != 0.0, np.abs(target) * step_percent / 100.0, unit_step)
        else:
            size = np.full(len(rows), unit_step)
        step = _better_sign(indicator) * size
        if indicator.source == "rorac_amount":  # the profit moves in whole cents
            step = to_cents(step) / 100.0
        moved = actual + step
        rule = indicator.rule
        if rule.kind == "scale":
            moved = np.clip(moved, rule.low, rule.high)
        group_by = getattr(rule, "group_by", "all")
        group = (np.full(len(rows), "all", dtype=object) if group_by == "all" else
                 roster[group_by].reindex(rows["manager_id"]).astype(str).to_numpy(dtype=object))
        if rule.kind == "percentile":
            raw = _percentile_after(rule, actual, moved, group)
        else:
            spec = RULES[rule.kind]
            raw = spec.score(rule, RuleRows(moved, target, group, indicator.cap))
        after, _, _ = clip_scores(raw, cap=indicator.cap, floor=indicator.floor)
        parts.append(pd.DataFrame({
            "manager_id": rows["manager_id"].to_numpy(dtype=object), "dimension": dimension,
            "indicator": indicator.id, "source": indicator.source, "additional": additional,
            "actual": actual, "target": rows["target"].to_numpy(dtype="float64"),
            "step": moved - actual, "score": rows["score"].to_numpy(dtype="float64"),
            "score_after": after, "global_weight": rows["global_weight"].to_numpy("float64"),
            "at_cap": (rows["score"].to_numpy(dtype="float64") >= indicator.cap - 1e-9)
            if indicator.cap is not None else np.zeros(len(rows), dtype=bool),
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _new_card(result: RunResult, cells: pd.DataFrame, config: AppraisalConfig) -> pd.DataFrame:
    """The scorecard's manager frame after one indicator's step (every manager's own)."""
    card = result.stages.scorecard.managers.set_index("manager_id")
    ids = card.index.to_numpy(dtype=object)
    delta = cells.set_index("manager_id")["score_after"] - cells.set_index("manager_id")["score"]
    delta = delta.reindex(ids).fillna(0.0).to_numpy()
    flags = card["flags"].fillna("").astype(str)
    factor = np.where(flags.str.contains("prorated", regex=False),
                      card["service_fraction"].to_numpy(dtype="float64"), 1.0)
    composite = card["composite"].to_numpy(dtype="float64")
    if bool(cells["additional"].iloc[0]):
        extra = config.scorecard.additional
        raw = card["additional_points_raw"].to_numpy(dtype="float64") + delta
        low = -np.inf if extra is None or extra.floor is None else extra.floor
        high = np.inf if extra is None or extra.cap is None else extra.cap
        change = np.clip(raw, low, high) - card["additional_points"].to_numpy(dtype="float64")
    else:
        weight = cells.set_index("manager_id")["global_weight"].reindex(ids).fillna(0.0)
        change = weight.to_numpy() * delta
    moved = composite + factor * change
    graded = ~card["excluded"].astype(bool).to_numpy()
    grading = config.scorecard.grading
    grades = grading.grades
    index = {g.id: k for k, g in enumerate(grades)}
    grade_index = card["grade"].map(index).fillna(-1).to_numpy(dtype="int64")
    if grading.method == "bands":
        bounds = [float(g.min_score) for g in grades[:-1]]  # type: ignore[arg-type]
        new_index = np.where(graded, grade_by_bands(moved, bounds), grade_index)
    else:
        roster = result.managers.set_index("manager_id")
        unit = (np.full(len(ids), "all", dtype=object) if grading.unit == "all" else
                roster[grading.unit].reindex(ids).astype(str).to_numpy(dtype=object))
        new_index = _forced_after(config, composite, moved, ids.astype(str), unit, graded,
                                  grade_index)
    out = card.reset_index()
    grade_ids = np.array([g.id for g in grades], dtype=object)
    coefficients = np.array([g.coefficient for g in grades], dtype="float64")
    out["composite"] = np.where(graded, moved, composite)
    out["grade"] = np.where(graded, grade_ids[np.maximum(new_index, 0)], out["grade"])
    out["grade_coefficient"] = np.where(graded, coefficients[np.maximum(new_index, 0)],
                                        out["grade_coefficient"])
    return out


def _gross_after(result: RunResult, roster: pd.DataFrame, card: pd.DataFrame,
                 rorac: pd.DataFrame, allocations: pd.DataFrame | None
                 ) -> tuple[pd.Series, pd.DataFrame]:
    """per_person_base: each manager's gross bonus (cents) after their own step — it depends
    on their own figures only — and the bonus frame."""
    config = result.config
    after = compute_bonus(roster, card, rorac, config.bonus, result.period,
                          pool_allocations=allocations,
                          excluded_pay=config.scorecard.tenure.excluded_pay
                          ).managers.set_index("manager_id")
    return after["bonus_gross"].astype("int64"), after


@dataclass(frozen=True)
class PoolMarginals:
    """Fixed pool, per roster manager (sorted by manager_id): the exact gross now and after
    the manager's own step (float cents, before the stage's rounding), and how many managers
    needed the full re-share (`fallbacks`) because the step could move another manager across
    a cap or floor."""

    now: np.ndarray
    after: np.ndarray
    fallbacks: int


def _two_smallest(values: np.ndarray) -> tuple[float, float, int]:
    """(smallest, second smallest, position of the smallest); inf where there are none."""
    if len(values) == 0:
        return np.inf, np.inf, -1
    at = int(np.argmin(values))
    rest = np.delete(values, at)
    return float(values[at]), float(rest.min()) if len(rest) else np.inf, at


def _excluding(values: np.ndarray, members: np.ndarray, size: int, largest: bool
               ) -> np.ndarray:
    """For every manager m: min (or max) of `values` over `members` other than m."""
    sign = -1.0 if largest else 1.0
    first, second, at = _two_smallest(sign * values)
    out = np.full(size, first)
    if at >= 0:
        out[members[at]] = second
    return sign * out


def pool_marginals(base: PoolTerms, after: PoolTerms) -> PoolMarginals:
    """Each manager's exact fixed-pool gross after their own step (`after.points` row m) with
    everybody else's points unchanged: the sub-pools re-shared by the new totals and the caps
    and floors water-filled again, as `compute_bonus` does.

    Closed form per water-filling regime: with the others' states (free, at floor, at cap) of
    the current solution, λ' solves W_m λ' + clip(λ' u'_m, lo_m, hi_m) = B_m, where
    W_m = Σ_c r_mc · Σ_{j free, j≠m} e_jc (the others' free amounts at the new shares,
    r_mc = T_c / T'_mc) and B_m the pool less the others' clipped amounts. The others keep their
    state when every ratio λ' u'_j / (λ u_j), which lies in [λ'/λ · min_c r_mc,
    λ'/λ · max_c r_mc], keeps them inside their bounds; otherwise (or when the sub-pools change)
    the manager's gross comes from the stage's own re-share (`PoolTerms.gross`). Vectorised:
    O(managers × components) plus the fallbacks."""
    ids = list(base.points)
    p = np.column_stack([base.points[c] for c in ids])
    q = np.column_stack([after.points[c] for c in ids])
    size = len(p)
    sub = base.sub_pools()
    cents = np.array([sub[c] for c in ids], dtype="float64")
    total = p.sum(axis=0)
    new_total = total[None, :] + (q - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(total > 0, p / np.where(total > 0, total, 1.0) * cents, 0.0)
        r = np.where(total > 0, total / new_total, 1.0)
        u_new = np.where(new_total > 0, q / new_total * cents, 0.0).sum(axis=1)
    u = e.sum(axis=1)
    lo, hi, active = base.lower, base.upper, base.active
    now = base.gross()
    points = np.where(active, u, 0.0)
    if np.all((u >= lo) & (u <= hi)):
        scale = 1.0
    else:
        scale = water_fill(points, lo, hi, float(base.pool))[1]
    positive = points > 0
    at_lo = ~positive | (scale * points <= lo)
    at_hi = ~at_lo & (scale * points >= hi)
    free = ~at_lo & ~at_hi
    fixed_sum = float(lo[at_lo].sum() + hi[at_hi].sum())
    budget = base.pool - fixed_sum + np.where(at_lo, lo, 0.0) + np.where(at_hi, hi, 0.0)
    others_free = e[free].sum(axis=0)[None, :] - np.where(free[:, None], e, 0.0)
    w = (r * others_free).sum(axis=1)
    u_own = np.where(active, u_new, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = budget / (w + u_own)
        lam = np.where(lam * u_own > hi, (budget - hi) / w, lam)
        lam = np.where(lam * u_own < lo, (budget - lo) / w, lam)
        moved = np.clip(lam * u_own, lo, hi)
        ratio = lam / scale
        rho_hi = ratio * r.max(axis=1)
        rho_lo = ratio * r.min(axis=1)
        level = scale * points
        members = np.flatnonzero(free)
        free_hi = _excluding(hi[members] / level[members], members, size, largest=False)
        free_lo = _excluding(lo[members] / level[members], members, size, largest=True)
        floored = np.flatnonzero(at_lo & positive)
        floor_hi = _excluding(lo[floored] / level[floored], floored, size, largest=False)
        capped = np.flatnonzero(at_hi)
        cap_lo = _excluding(hi[capped] / level[capped], capped, size, largest=True)
    same_pools = ((total > 0) == (new_total > 0)).all(axis=1)
    ok = (same_pools & (w > 0) & np.isfinite(lam) & (rho_hi <= free_hi) & (rho_lo >= free_lo)
          & (rho_hi <= floor_hi) & (rho_lo >= cap_lo))
    result = np.where(ok, moved, np.nan)
    changed = np.any(q != p, axis=1)
    result = np.where(changed, result, now)
    for m in np.flatnonzero(changed & ~ok):
        row = {c: base.points[c].copy() for c in ids}
        for k, c in enumerate(ids):
            row[c][m] = q[m, k]
        result[m] = base.gross(row)[m]
    return PoolMarginals(now, result, int((changed & ~ok).sum()))


def incentive_balance(result: RunResult, validation: Validation) -> IncentiveBalance:
    """The marginal bonus of one more point of every indicator per manager, and per indicator
    its summary beside the indicator's global weight (see the module docstring)."""
    config = result.config
    settings = config.analysis.incentive_balance
    tables = validation.frames
    roster = tables["managers"]
    allocations = tables.get("pool_allocations")
    base = result.stages.bonus.managers.set_index("manager_id")
    base_gross = base["bonus_gross"].astype("int64")
    band_columns = [f"{c.id}_band" for c in config.bonus.components if c.kind == "profit_band"]
    cells = _cells(result, _declared(config), settings.step_percent, settings.unit_step)
    rorac = result.stages.rorac.by_manager
    fixed = config.bonus.funding.mode == "fixed_pool"
    excluded_pay = config.scorecard.tenure.excluded_pay
    terms = (pool_terms(roster, result.stages.scorecard.managers, rorac, config.bonus,
                        result.period, excluded_pay=excluded_pay) if fixed else None)
    parts = []
    fallbacks = 0
    for indicator, rows in cells.groupby("indicator", sort=False):
        card = _new_card(result, rows, config)
        moved_rorac = rorac
        if rows["source"].iloc[0] == "rorac_amount":
            step = rows.set_index("manager_id")["step"]
            cents = to_cents(step.reindex(rorac["manager_id"].astype(str)).fillna(0.0)
                             .to_numpy())
            moved_rorac = rorac.assign(rorac=rorac["rorac"].to_numpy(dtype="int64") + cents)
        ids = rows["manager_id"].to_numpy(dtype=object)
        if terms is not None:
            moved_terms = pool_terms(roster, card, moved_rorac, config.bonus, result.period,
                                     excluded_pay=excluded_pay)
            found = pool_marginals(terms, moved_terms)
            fallbacks += found.fallbacks
            change = pd.Series(to_cents((found.after - found.now) / 100.0), index=terms.ids)
            marginal_of = change.reindex(ids).to_numpy(dtype="int64")
            after = pd.DataFrame({key: value for key, value in moved_terms.audit.items()
                                  if key.endswith("_band")}, index=terms.ids)
        else:
            gross, after = _gross_after(result, roster, card, moved_rorac, allocations)
            marginal_of = (gross.reindex(ids).to_numpy(dtype="int64")
                           - base_gross.reindex(ids).to_numpy(dtype="int64"))
        before_card = result.stages.scorecard.managers.set_index("manager_id")
        new_card = card.set_index("manager_id")
        band_moved = np.zeros(len(ids), dtype=bool)
        for column in band_columns:
            band_moved |= (after[column].reindex(ids).astype(str).to_numpy()
                           != base[column].reindex(ids).astype(str).to_numpy())
        grade = before_card["grade"].reindex(ids).astype(str).to_numpy(dtype=object)
        grade_after = new_card["grade"].reindex(ids).astype(str).to_numpy(dtype=object)
        limited = base["limit_applied"].reindex(ids).astype(str).to_numpy() == "cap"
        extra_capped = (before_card["flags"].reindex(ids).fillna("").str.contains(
            "additional_capped", regex=False).to_numpy() & rows["additional"].to_numpy())
        marginal = marginal_of
        parts.append(pd.DataFrame({
            "manager_id": ids, "dimension": rows["dimension"].to_numpy(),
            "indicator": indicator, "actual": rows["actual"].to_numpy(),
            "target": rows["target"].to_numpy(), "step": rows["step"].to_numpy(),
            "score": rows["score"].to_numpy(),
            "score_change": rows["score_after"].to_numpy() - rows["score"].to_numpy(),
            "composite": before_card["composite"].reindex(ids).to_numpy(dtype="float64"),
            "composite_change": (new_card["composite"].reindex(ids).to_numpy(dtype="float64")
                                 - before_card["composite"].reindex(ids).to_numpy("float64")),
            "grade": grade, "grade_after": grade_after,
            "marginal_bonus": marginal.astype("int64"),
            "others_change": -marginal.astype("int64") if fixed else np.zeros(len(ids), "int64"),
            "capped_now": rows["at_cap"].to_numpy() | limited | extra_capped,
            "near_boundary": (grade != grade_after) | band_moved,
        }))
    balance = (pd.concat(parts, ignore_index=True) if parts
               else pd.DataFrame(columns=_BALANCE_COLUMNS))
    balance = balance.sort_values(["manager_id"], kind="stable").reset_index(drop=True)
    weights = cells.drop_duplicates("indicator").set_index("indicator")
    return IncentiveBalance(balance[_BALANCE_COLUMNS],
                            _summary(balance, weights, settings.flag_ratio), fallbacks)


def _summary(balance: pd.DataFrame, weights: pd.DataFrame, flag_ratio: float) -> pd.DataFrame:
    rows = []
    for indicator, group in balance.groupby("indicator", sort=False):
        marginal = group["marginal_bonus"].to_numpy(dtype="float64")
        info = weights.loc[indicator]
        additional = bool(info["additional"])
        rows.append({
            "dimension": group["dimension"].iloc[0], "indicator": indicator,
            "global_weight": np.nan if additional else float(info["global_weight"]),
            "managers": len(group),
            "median_marginal": int(to_cents(float(np.median(marginal)) / 100.0)),
            "mean_marginal": int(to_cents(float(marginal.mean()) / 100.0)),
            "share_capped": float(group["capped_now"].mean()),
            "share_near_boundary": float(group["near_boundary"].mean()),
            # pay per point of score, so that a step's size (a survey rating is 25 points, a
            # point of completion one) does not count for or against an indicator
            "_per_point": float(marginal.sum() / total) if (
                total := float(group["score_change"].abs().sum())) > 0 else 0.0,
        })
    summary = pd.DataFrame(rows)
    if summary.empty:
        return pd.DataFrame(columns=_SUMMARY_COLUMNS)
    weighted = summary["global_weight"].notna()
    pay_total = summary.loc[weighted, "_per_point"].sum()
    weight_total = summary.loc[weighted, "global_weight"].sum()
    summary["pay_share"] = np.where(weighted & (pay_total > 0),
                                    summary["_per_point"] / (pay_total if pay_total > 0 else 1.0),
                                    np.nan)
    summary["weight_share"] = np.where(weighted, summary["global_weight"] / weight_total, np.nan)
    ratio = summary["pay_share"] / summary["weight_share"]
    summary["balance_ratio"] = ratio
    summary["out_of_line"] = (weighted & ((ratio > flag_ratio) | (ratio < 1.0 / flag_ratio))
                              ).fillna(False).astype(bool)
    summary["managers"] = summary["managers"].astype("int64")
    return summary[_SUMMARY_COLUMNS]


def incentive_tables(result: RunResult, loaded: LoadedConfig,
                     validation: Validation | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(incentive_balance, incentive_summary) for the run; the inputs are read again unless
    `validation` (the run's own) is given."""
    checked = validation if validation is not None else validate_inputs(loaded)
    found = incentive_balance(result, checked)
    return found.balance, found.summary
