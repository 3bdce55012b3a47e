"""Bonus stage: profit bands and grade coefficients -> gross -> shared pool -> final, to the cent.

Source 篇1: 60% of performance pay follows the period's risk-adjusted profit by band (档次),
40% the appraisal grade's pay coefficient (绩效工资调节系数). Source 篇6: a share of every gross
bonus goes to the shared performance pool (公共绩效池, see `appraisal.pool`).

Funding modes (`bonus.funding.mode`):
    per_person_base  component_c = share_c × base × points_c          (step bands, grade)
                     component_c = share_c × points_c                  (progressive bands)
    fixed_pool       component_c = share_c × pool × points_c / Σ points_c
    points_c = measure_c × Π factors_c × service_fraction   (service fraction: not for
               progressive amounts, which are earned on the period's actual profit)
measure: step band coefficient, progressive amount Σ slice × rate (yuan), grade coefficient.
Limits: gross = clip(Σ components, floor or guarantee, cap); in fixed_pool mode the pool is
water-filled (every unclipped manager scaled by the same λ) so Σ gross = pool still holds.

Rounding (all in `appraisal.money`, once per figure, then integer cents):
 1. each component column: largest remainder over managers (fixed pool: to its sub-pool, the
    sub-pools splitting the pool exactly);
 2. gross: managers untouched by limits get Σ of their component cents; the others their
    limited gross by largest remainder (fixed pool: to what is left of the pool), so
    limit_adjustment = gross − Σ components is exact;
 3. withheld: rate × gross cents, largest remainder (see `appraisal.pool`);
 4. final = gross − withheld + pool_allocation + pool_redistributed in integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config.base import Period
from .config.bonus import BonusComponent, BonusConfig
from .errors import AppraisalError, InputError, InputIssue
from .money import allocate_cents, cents_to_yuan, round_to_cents, yuan_to_cents
from .pool import check_allocations, settle_pool
from .tenure import service_fraction

__all__ = [
    "LIMIT_FLAGS",
    "ROLLUP_LEVELS",
    "BonusResult",
    "band_coefficients",
    "compute_bonus",
    "progressive_amounts",
]

LIMIT_FLAGS = ("none", "cap", "floor", "guarantee", "rescaled")
"""limit_applied values: rescaled = fixed-pool share moved because others hit a cap or floor."""

ROLLUP_LEVELS = ("team", "sub_branch", "branch", "total")
BELOW_LOWEST_BAND = "below lowest band"
_UNIT_COLUMNS = ("branch", "sub_branch", "team")
_MAX_NAMED = 10


@dataclass(frozen=True)
class BonusResult:
    """The bonus stage's figures.

    managers: one row per roster manager (sorted by manager_id): inputs used (rorac, composite,
        grade, grade_coefficient, excluded, service_fraction, base, position_coefficient), per
        component `<id>_points` (profit bands also `<id>_band`, `<id>_band_coefficient`) and
        money `bonus_<id>`, then
        limit_adjustment, limit_applied, bonus_gross, withheld, pool_allocation,
        pool_redistributed, bonus_final. Money: float yuan holding exact cents.
    ledger: pool_ledger.csv (one row). rollups: sums of every money column per team,
        sub_branch, branch and total (columns level, unit, branch, sub_branch, team, managers).
    allocations: the shared-pool allocation records with reasons (statements, audit sheet).
    money_columns: the money columns of `managers`, in order.
    """

    managers: pd.DataFrame
    ledger: pd.DataFrame
    rollups: pd.DataFrame
    allocations: pd.DataFrame
    money_columns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ledger": self.ledger.to_dict(orient="records"),
            "allocations": self.allocations.to_dict(orient="records"),
            "totals": {
                column: float(cents_to_yuan([_cents(self.managers[column]).sum()])[0])
                for column in self.money_columns
            },
        }


def _cents(yuan: pd.Series) -> npt.NDArray[np.int64]:
    """Exact-cent yuan back to integer cents (the values are already whole cents)."""
    return np.rint(yuan.to_numpy(dtype="float64") * 100).astype(np.int64)


def band_coefficients(
    profit: npt.ArrayLike, lowers: npt.ArrayLike, coefficients: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Step bands: (band index, coefficient) of each profit; -1 and 0.0 below the lowest band.

    A band applies from its lower bound (inclusive) up to the next band's lower bound.
    """
    values = np.asarray(profit, dtype=np.float64)
    lower = np.asarray(lowers, dtype=np.float64)
    coefficient = np.asarray(coefficients, dtype=np.float64)
    index = np.searchsorted(lower, values, side="right") - 1
    rate = np.where(index >= 0, coefficient[np.clip(index, 0, None)], 0.0)
    return index.astype(np.int64), rate


def progressive_amounts(
    profit: npt.ArrayLike, lowers: npt.ArrayLike, rates: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Progressive bands: (top band reached, Σ slice × rate) like tax brackets.

    The slice of band j is the part of the profit between its lower bound and the next one;
    profit below the lowest bound earns nothing.
    """
    values = np.asarray(profit, dtype=np.float64)
    lower = np.asarray(lowers, dtype=np.float64)
    rate = np.asarray(rates, dtype=np.float64)
    width = np.append(np.diff(lower), np.inf)
    slices = np.clip(values[:, None] - lower[None, :], 0.0, width[None, :])
    index = np.searchsorted(lower, values, side="right") - 1
    return index.astype(np.int64), (slices * rate[None, :]).sum(axis=1)


def _named(ids: pd.Series) -> str:
    shown = ", ".join(map(str, ids.tolist()[:_MAX_NAMED]))
    more = len(ids) - _MAX_NAMED
    return shown + (f" and {more} more" if more > 0 else "")


def _rows(managers: pd.DataFrame) -> pd.Series:
    if "_row" in managers.columns:
        return pd.Series(managers["_row"].to_numpy(dtype="int64"), index=managers.index)
    return pd.Series(np.arange(len(managers), dtype="int64") + 2, index=managers.index)


def _roster_issues(
    managers: pd.DataFrame,
    mask: pd.Series,
    column: str,
    rule: str,
    values: pd.Series,
    expected: str = "",
) -> list[InputIssue]:
    file = str(managers.attrs.get("file", "managers"))
    rows = _rows(managers)[mask]
    return [
        InputIssue(file, int(row), column, rule, value, expected)
        for row, value in zip(rows.tolist(), values[mask].tolist(), strict=True)
    ]


def _by_manager(frame: pd.DataFrame, name: str, needed: tuple[str, ...]) -> pd.DataFrame:
    """A stage frame indexed by manager_id (as a column or as the index), one row each."""
    if "manager_id" not in frame.columns and frame.index.name == "manager_id":
        frame = frame.reset_index()
    absent = [column for column in ("manager_id", *needed) if column not in frame.columns]
    if absent:
        raise AppraisalError(f"bonus: {name} lacks the column(s) {', '.join(absent)}")
    keyed = frame.assign(manager_id=frame["manager_id"].astype("str"))
    return keyed.drop_duplicates("manager_id", keep="first").set_index("manager_id")


def _scorecard_inputs(
    ids: pd.Index, scorecard_managers: pd.DataFrame, config: BonusConfig
) -> pd.DataFrame:
    """composite, grade, grade_coefficient, excluded aligned on the roster's manager ids."""
    card = _by_manager(scorecard_managers, "scorecard", ())
    missing = ids[~ids.isin(card.index)]
    if len(missing):
        raise AppraisalError(
            f"bonus: the scorecard has no row for roster manager(s) {_named(pd.Series(missing))}"
        )
    card = card.reindex(ids)
    excluded = pd.Series(False, index=ids)
    if "excluded" in card.columns:
        flag = card["excluded"]
        text = flag.astype("str").str.strip().str.lower()
        excluded = flag.notna() & text.isin(["true", "1", "1.0", "yes", "y", "是"])
    out = pd.DataFrame(index=ids)
    for column in ("composite", "grade", "grade_coefficient"):
        if column not in card.columns:
            card[column] = np.nan
    out["composite"] = pd.to_numeric(card["composite"], errors="coerce").astype("float64")
    out["grade"] = card["grade"].astype("str").where(card["grade"].notna(), "")
    out["grade_coefficient"] = pd.to_numeric(card["grade_coefficient"], errors="coerce").astype(
        "float64"
    )
    out["excluded"] = excluded.to_numpy()
    uses_grade = any(c.kind == "grade" for c in config.components)
    uses_composite = any("composite" in c.factors for c in config.components)
    for column, used in (("grade_coefficient", uses_grade), ("composite", uses_composite)):
        bad = used & ~out["excluded"] & ~np.isfinite(out[column].fillna(np.nan))
        if bad.any():
            raise AppraisalError(
                f"bonus: {column} is missing for manager(s) {_named(pd.Series(ids[bad]))} "
                "(the scorecard must grade every manager it does not exclude)"
            )
        negative = used & (out[column] < 0)
        if negative.any():
            raise AppraisalError(
                f"bonus: {column} is negative for manager(s) {_named(pd.Series(ids[negative]))}"
            )
    return out


def _profit(ids: pd.Index, rorac_by_manager: pd.DataFrame) -> pd.Series:
    """Risk-adjusted profit per roster manager; a manager with no row has earned 0."""
    by_id = _by_manager(rorac_by_manager, "rorac_by_manager", ("rorac",))["rorac"]
    values = pd.to_numeric(by_id, errors="coerce").astype("float64")
    profit = values.reindex(ids)
    known = ids.isin(values.index)
    bad = known & ~np.isfinite(profit.fillna(np.nan).to_numpy())
    if bad.any():
        raise AppraisalError(
            f"bonus: rorac is missing or not a number for manager(s) {_named(pd.Series(ids[bad]))}"
        )
    return profit.fillna(0.0)


def _base(
    managers: pd.DataFrame, config: BonusConfig, needed: pd.Series, scale: float
) -> pd.Series:
    """Performance-pay base (绩效工资基数) per manager for the period.

    The roster's pay_base is for the period (docs/inputs.md); the config table is scaled by
    `scale` (the months of the period when `amounts_per: month`).
    """
    funding = config.funding
    index = managers.index
    roster = (
        pd.to_numeric(managers["pay_base"], errors="coerce").astype("float64")
        if "pay_base" in managers.columns and funding.base_source != "job_level"
        else pd.Series(np.nan, index=index, dtype="float64")
    )
    level = managers["job_level"].astype("str") if "job_level" in managers.columns else None
    table = (
        level.map(funding.base_by_job_level).astype("float64") * scale
        if level is not None and funding.base_source != "roster"
        else pd.Series(np.nan, index=index, dtype="float64")
    )
    base = roster.where(roster.notna(), table)
    issues: list[InputIssue] = []
    negative = roster.notna() & (roster < 0)
    issues += _roster_issues(
        managers, negative, "pay_base", "pay_base must not be negative", roster
    )
    missing = needed & base.isna()
    if funding.base_source == "roster":
        issues += _roster_issues(
            managers,
            missing,
            "pay_base",
            "pay_base is required (bonus.funding.base_source: roster)",
            roster.astype("object").where(roster.notna(), None),
        )
    else:
        shown = level if level is not None else pd.Series("", index=index)
        issues += _roster_issues(
            managers,
            missing,
            "job_level",
            "no performance-pay base: pay_base is empty and the job level is not in "
            "bonus.funding.base_by_job_level",
            shown,
            ", ".join(sorted(funding.base_by_job_level)) or "a base_by_job_level table",
        )
    InputError.collect(issues)
    return base.fillna(0.0)


def _position_coefficient(managers: pd.DataFrame, used: bool) -> pd.Series:
    """Position coefficient (岗位系数); missing means 1."""
    if "position_coefficient" not in managers.columns:
        return pd.Series(1.0, index=managers.index, dtype="float64")
    values = pd.to_numeric(managers["position_coefficient"], errors="coerce").astype("float64")
    if used:
        negative = values.notna() & (values < 0)
        InputError.collect(
            _roster_issues(
                managers,
                negative,
                "position_coefficient",
                "position_coefficient must not be negative",
                values,
            )
        )
    return values.fillna(1.0)


def _guarantee_eligible(
    managers: pd.DataFrame, period: Period, within_months: int | None
) -> npt.NDArray[np.bool_]:
    if within_months is None:
        return np.ones(len(managers), dtype=bool)
    hire = pd.to_datetime(managers["hire_date"])
    months = (period.end.year - hire.dt.year) * 12 + (period.end.month - hire.dt.month)
    return (months < within_months).fillna(False).to_numpy(dtype=bool)


def _water_fill(
    points: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    total: float,
) -> tuple[npt.NDArray[np.float64], float]:
    """x = clip(λ·points, lower, upper) with Σ x = total; returns (x, λ).

    f(λ) = Σ clip(λ·points, lower, upper) is continuous and non-decreasing: bisection finds
    which managers are clipped, then λ is solved exactly for the free ones.
    """

    def filled(scale: float) -> npt.NDArray[np.float64]:
        return np.clip(scale * points, lower, upper)

    positive = points > 0
    floor_sum = float(lower.sum())
    reach = float(np.where(positive, upper, lower).sum())
    if floor_sum > total * (1 + 1e-12) + 1e-9:
        raise AppraisalError(
            f"bonus: the fixed pool ({total:.2f}) does not cover the floors and guarantees "
            f"({floor_sum:.2f}); lower bonus.limits.floor / minimum_guarantee or raise "
            "bonus.funding.pool_amount"
        )
    if reach < total * (1 - 1e-12) - 1e-9:
        raise AppraisalError(
            f"bonus: the caps (and managers without points) leave room for only {reach:.2f} of "
            f"the fixed pool ({total:.2f}); raise bonus.limits.cap or lower "
            "bonus.funding.pool_amount"
        )
    low, high = 0.0, 1.0
    while filled(high).sum() < total and high < 1e300:
        high *= 2.0
    for _ in range(200):
        middle = (low + high) / 2
        if filled(middle).sum() < total:
            low = middle
        else:
            high = middle
    scale = high
    at_lower = ~positive | (scale * points <= lower)
    at_upper = ~at_lower & (scale * points >= upper)
    free = ~at_lower & ~at_upper
    free_points = float(points[free].sum())
    if free_points > 0:
        rest = total - float(lower[at_lower].sum()) - float(upper[at_upper].sum())
        scale = rest / free_points
    return filled(scale), scale


def _component_figures(
    component: BonusComponent,
    frame: pd.DataFrame,
    scale: float,
    prorate: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], bool, dict[str, npt.NDArray[Any]]]:
    """(points, base_like, audit columns) of one component for every manager."""
    cid = component.id
    columns: dict[str, npt.NDArray[Any]] = {}
    if component.kind == "grade":
        measure = frame["grade_coefficient"].fillna(0.0).to_numpy(dtype="float64")
        base_like = True
    else:
        lowers = np.array([band.lower for band in component.bands]) * scale
        coefficients = np.array([band.coefficient for band in component.bands])
        labels = np.array(
            [band.label or f"≥{band.lower * scale:g}" for band in component.bands]
            + [BELOW_LOWEST_BAND],
            dtype=object,
        )
        profit = frame["rorac"].to_numpy(dtype="float64")
        if component.method == "step":
            index, measure = band_coefficients(profit, lowers, coefficients)
            coefficient = measure
            base_like = True
        else:
            index, measure = progressive_amounts(profit, lowers, coefficients)
            coefficient = np.where(index >= 0, coefficients[np.clip(index, 0, None)], 0.0)
            base_like = False
        columns[f"{cid}_band"] = labels[np.where(index >= 0, index, len(component.bands))]
        columns[f"{cid}_band_coefficient"] = coefficient
    factors = np.ones(len(frame), dtype=np.float64)
    for factor in component.factors:
        if factor == "composite":
            factors = factors * frame["composite"].fillna(0.0).to_numpy(dtype="float64") / 100
        else:
            factors = factors * frame["position_coefficient"].to_numpy(dtype="float64")
    points = measure * factors * (prorate if base_like else 1.0)
    points = np.where(frame["excluded"].to_numpy(dtype=bool), 0.0, points)
    columns[f"{cid}_points"] = points
    return points, base_like, columns


def _rollups(managers: pd.DataFrame, money: tuple[str, ...]) -> pd.DataFrame:
    """Sums in integer cents per team, sub-branch, branch and in total, then yuan."""
    cents = pd.DataFrame({column: _cents(managers[column]) for column in money})
    for column in _UNIT_COLUMNS:
        cents[column] = managers[column].astype("str").to_numpy()
    cents["managers"] = 1
    values = ["managers", *money]
    teams = cents.groupby(list(_UNIT_COLUMNS), sort=True)[values].sum().reset_index()
    subs = teams.groupby(["branch", "sub_branch"], sort=True)[values].sum().reset_index()
    branches = subs.groupby(["branch"], sort=True)[values].sum().reset_index()
    total = branches[values].sum().to_frame().T
    parts = []
    for level, frame in (
        ("team", teams),
        ("sub_branch", subs),
        ("branch", branches),
        ("total", total),
    ):
        frame = frame.copy()
        for column in _UNIT_COLUMNS:
            if column not in frame.columns:
                frame[column] = ""
        frame["level"] = level
        frame["unit"] = "total" if level == "total" else frame[level]
        parts.append(frame)
    rollups = pd.concat(parts, ignore_index=True)
    rollups["managers"] = rollups["managers"].astype("int64")
    for column in money:
        rollups[column] = cents_to_yuan(rollups[column].to_numpy(dtype="int64"))
    return rollups[["level", "unit", *_UNIT_COLUMNS, *values]]


def compute_bonus(
    managers: pd.DataFrame,
    scorecard_managers: pd.DataFrame,
    rorac_by_manager: pd.DataFrame,
    config: BonusConfig,
    period: Period,
    *,
    pool_allocations: pd.DataFrame | None = None,
) -> BonusResult:
    """Each roster manager's bonus for the period: components, limits, shared pool, final.

    Raises InputError (roster or allocations file, row, column) or AppraisalError before
    anything is computed when an input cannot be used.
    """
    roster = managers.assign(manager_id=managers["manager_id"].astype("str"))
    roster = roster.sort_values("manager_id", kind="stable").reset_index(drop=True)
    ids = pd.Index(roster["manager_id"], name="manager_id")
    records = check_allocations(pool_allocations, roster["manager_id"], config.shared_pool)

    funding = config.funding
    scale = float(period.months) if funding.amounts_per == "month" else 1.0
    frame = _scorecard_inputs(ids, scorecard_managers, config).reset_index(drop=True)
    frame.insert(0, "manager_id", roster["manager_id"])
    frame.insert(0, "rorac", _profit(ids, rorac_by_manager).to_numpy())
    fraction = service_fraction(roster, period).to_numpy(dtype="float64")
    prorate = fraction if config.prorate else (fraction > 0).astype("float64")
    frame["service_fraction"] = prorate
    active = pd.Series(~frame["excluded"].to_numpy() & (prorate > 0), index=roster.index)
    uses_position = any("position_coefficient" in c.factors for c in config.components)
    frame["position_coefficient"] = _position_coefficient(roster, uses_position).to_numpy()
    per_person = funding.mode == "per_person_base"
    needs_base = per_person or config.limits.cap_base_multiple is not None
    base = (
        _base(roster, config, active, scale).to_numpy(dtype="float64")
        if needs_base
        else np.zeros(len(roster))
    )
    if needs_base:
        frame["base"] = base

    # 1. components in full precision
    n = len(roster)
    exact: dict[str, npt.NDArray[np.float64]] = {}
    audit: dict[str, npt.NDArray[Any]] = {}
    pool_cents = yuan_to_cents(funding.pool_amount or 0.0)
    sub_pool_cents: dict[str, int] = {}
    if per_person:
        for component in config.components:
            points, base_like, columns = _component_figures(component, frame, scale, prorate)
            audit.update(columns)
            # points already carry the service fraction of base-like measures
            exact[component.id] = component.share * points * (base if base_like else 1.0)
    else:
        all_points = {}
        for component in config.components:
            points, _, columns = _component_figures(component, frame, scale, prorate)
            audit.update(columns)
            all_points[component.id] = points
        shares = np.array(
            [c.share if all_points[c.id].sum() > 0 else 0.0 for c in config.components]
        )
        if shares.sum() <= 0:
            raise AppraisalError(
                "bonus: no manager has any points, so the fixed pool "
                f"({funding.pool_amount:.2f}) cannot be split"
            )
        split = allocate_cents(shares, pool_cents)
        for component, cents in zip(config.components, split.tolist(), strict=True):
            sub_pool_cents[component.id] = int(cents)
            points = all_points[component.id]
            total_points = points.sum()
            exact[component.id] = (
                points / total_points * cents / 100 if total_points > 0 else np.zeros(n)
            )
    uncapped = np.sum(list(exact.values()), axis=0) if exact else np.zeros(n)

    # 2. limits
    limits = config.limits
    limit_scale = scale * prorate
    upper = np.full(n, np.inf)
    if limits.cap is not None:
        upper = np.minimum(upper, limits.cap * limit_scale)
    if limits.cap_base_multiple is not None:
        upper = np.minimum(upper, limits.cap_base_multiple * base * prorate)
    floor = np.full(n, limits.floor) * limit_scale
    guarantee = np.zeros(n)
    if limits.minimum_guarantee is not None:
        eligible = _guarantee_eligible(
            roster, period, limits.minimum_guarantee.within_months_of_hire
        )
        guarantee = np.where(eligible, limits.minimum_guarantee.amount * limit_scale, 0.0)
    lower = np.maximum(floor, guarantee)
    is_active = active.to_numpy()
    lower = np.where(is_active, lower, 0.0)
    upper = np.where(is_active, np.maximum(upper, lower), 0.0)

    scale_all = 1.0  # λ: the common scale of the unclipped managers (fixed pool only)
    if per_person or np.all((uncapped >= lower) & (uncapped <= upper)):
        gross_exact = np.clip(uncapped, lower, upper)
    else:
        gross_exact, scale_all = _water_fill(
            np.where(is_active, uncapped, 0.0), lower, upper, pool_cents / 100
        )
    wanted = uncapped * scale_all
    capped = wanted > upper
    raised = wanted < lower
    flag = np.full(n, "none", dtype=object)
    flag[capped] = "cap"
    flag[raised] = np.where(guarantee[raised] >= floor[raised], "guarantee", "floor")
    flag[(flag == "none") & (gross_exact != uncapped)] = "rescaled"
    limited = flag != "none"

    # 3. cents: components, then gross, then the pool
    component_cents: dict[str, npt.NDArray[np.int64]] = {}
    for component in config.components:
        total = sub_pool_cents.get(component.id) if not per_person else None
        component_cents[component.id] = round_to_cents(exact[component.id], total)
    component_sum = np.sum(list(component_cents.values()), axis=0).astype(np.int64)
    gross_cents = component_sum.copy()
    if limited.any():
        rest = None if per_person else pool_cents - int(component_sum[~limited].sum())
        gross_cents[limited] = round_to_cents(gross_exact[limited], rest)
    settlement = settle_pool(
        pd.Series(gross_cents, index=ids), records, config.shared_pool, period_label=period.label
    )
    withheld = settlement.withheld.to_numpy(dtype=np.int64)
    allocated = settlement.allocated.to_numpy(dtype=np.int64)
    redistributed = settlement.redistributed.to_numpy(dtype=np.int64)
    final_cents = gross_cents - withheld + allocated + redistributed

    # 4. the managers frame
    out = pd.DataFrame({"manager_id": roster["manager_id"]})
    for column in ("name", "branch", "sub_branch", "team", "job_level"):
        if column in roster.columns:
            out[column] = roster[column].to_numpy()
    for column in (
        "rorac",
        "composite",
        "grade",
        "grade_coefficient",
        "excluded",
        "service_fraction",
        "position_coefficient",
    ):
        out[column] = frame[column].to_numpy()
    if needs_base:
        out["base"] = base
    for name, values in audit.items():
        out[name] = values
    money: list[str] = []
    for component in config.components:
        column = f"bonus_{component.id}"
        out[column] = cents_to_yuan(component_cents[component.id])
        money.append(column)
    out["limit_adjustment"] = cents_to_yuan(gross_cents - component_sum)
    out["limit_applied"] = pd.array(flag.astype(str), dtype="str")
    for column, cents in (
        ("bonus_gross", gross_cents),
        ("withheld", withheld),
        ("pool_allocation", allocated),
        ("pool_redistributed", redistributed),
        ("bonus_final", final_cents),
    ):
        out[column] = cents_to_yuan(cents)
    money += [
        "limit_adjustment",
        "bonus_gross",
        "withheld",
        "pool_allocation",
        "pool_redistributed",
        "bonus_final",
    ]
    money_columns = tuple(money)
    for column in _UNIT_COLUMNS:
        if column not in out.columns:
            out[column] = ""

    allocations = records.drop(columns=["amount_cents"])
    if "name" in out.columns:
        names = out.set_index("manager_id")["name"]
        allocations.insert(1, "name", allocations["manager_id"].map(names).astype("str"))
    return BonusResult(
        managers=out,
        ledger=settlement.ledger,
        rollups=_rollups(out, money_columns),
        allocations=allocations,
        money_columns=money_columns,
    )
