"""Bonus stage: profit bands and grade coefficients -> gross -> shared pool -> final, in cents.

Source 篇1: 60% of performance pay follows the period's risk-adjusted profit by band (档次),
40% the appraisal grade's pay coefficient (绩效工资调节系数). Source 篇6: a share of every gross
bonus goes to the shared performance pool (公共绩效池, see `appraisal.pool`).

The steps of `compute_bonus`, as in docs/bonus.md (money in cents throughout):
    components   per_person_base: component_c = share_c × base × points_c   (step bands, grade)
                                  component_c = share_c × points_c           (progressive)
                 fixed_pool:      component_c = sub_pool_c × points_c / Σ points_c
                 points_c = measure_c × Π factors_c × service_fraction   (service fraction: not
                 for progressive amounts, earned on the period's actual profit)
    limits       gross = clip(Σ components, max(floor, guarantee), min(cap, multiple × base));
                 fixed_pool: water-filled (every unclipped manager scaled by the same λ)
    cents        each component column, then the limited gross, by largest remainder
                 (`appraisal.money`); limit_adjustment = gross − Σ components exactly
    pool         withheld = rate × gross (exact integer remainders), allocations, remainder
    final        final = gross − withheld + pool_allocation + pool_redistributed

Inputs are checked first by `check_bonus`; `compute_bonus` assumes they passed and raises
`InternalError` when an invariant does not hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config.base import Period
from .config.bonus import BonusComponent, BonusConfig
from .config.scorecard import ExcludedPay
from .deferral import DeferralInputs, deferred_and_released, settle_deferral
from .errors import AppraisalError, InputIssue, InternalError, IssueCode
from .money import allocate_cents, apply_rate, exact_fraction, round_cents, to_cents
from .pool import (
    allocation_records,
    check_allocations,
    check_pool_holds,
    settle_pool,
)
from .tenure import service_fraction

if TYPE_CHECKING:
    from .config import AppraisalConfig

__all__ = [
    "LIMIT_FLAGS",
    "ROLLUP_LEVELS",
    "BonusResult",
    "PoolTerms",
    "band_coefficients",
    "check_bonus",
    "compute_bonus",
    "pool_terms",
    "progressive_amounts",
    "retro_cents",
    "water_fill",
]

LIMIT_FLAGS = ("none", "cap", "floor", "guarantee", "rescaled")
"""limit_applied values: rescaled = fixed-pool share moved because others hit a cap or floor."""

ROLLUP_LEVELS = ("team", "sub_branch", "branch", "total")
BELOW_LOWEST_BAND = "below lowest band"
_UNIT_COLUMNS = ("branch", "sub_branch", "team")
_POOL_COLUMNS = ("bonus_gross", "withheld", "pool_allocation", "pool_redistributed",
                 "bonus_final")
_MAX_NAMED = 10
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BonusResult:
    """The bonus stage's figures; every money column is int64 cents.

    managers: one row per roster manager (sorted by manager_id): inputs used (rorac in cents,
        composite, grade, grade_coefficient, excluded, service_fraction, position_coefficient,
        base in cents), per component `<id>_points` (profit bands also `<id>_band`,
        `<id>_band_coefficient`) and `bonus_<id>`, then limit_adjustment, limit_applied,
        bonus_gross, withheld, pool_allocation, pool_redistributed, bonus_final.
    ledger: pool_ledger.csv (one row, cents). rollups: sums of every money column per team,
        sub_branch, branch and total (columns level, unit, branch, sub_branch, team, managers).
    allocations: the shared-pool allocation records with reasons (amount in cents).
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
            "totals_cents": {
                column: int(self.managers[column].sum()) for column in self.money_columns
            },
        }


# ---------------------------------------------------------------- measures


def band_coefficients(
    profit: npt.ArrayLike, lowers: npt.ArrayLike, coefficients: npt.ArrayLike
) -> tuple[IntArray, FloatArray]:
    """Step bands: (band index, coefficient) of each profit; -1 and 0.0 below the lowest band.

    A band applies from its lower bound (inclusive) up to the next band's lower bound. Profit
    and bounds in the same unit (cents in the stage: the comparison is exact).
    """
    values = np.asarray(profit)
    lower = np.asarray(lowers)
    coefficient = np.asarray(coefficients, dtype=np.float64)
    index = np.searchsorted(lower, values, side="right") - 1
    rate = np.where(index >= 0, coefficient[np.clip(index, 0, None)], 0.0)
    return index.astype(np.int64), rate


def progressive_amounts(
    profit: npt.ArrayLike, lowers: npt.ArrayLike, rates: npt.ArrayLike
) -> tuple[IntArray, FloatArray]:
    """Progressive bands: (top band reached, Σ slice × rate) like tax brackets.

    The slice of band j is the part of the profit between its lower bound and the next one;
    profit below the lowest bound earns nothing. The amount is in the unit of the profit.
    """
    values = np.asarray(profit)
    lower = np.asarray(lowers)
    rate = np.asarray(rates, dtype=np.float64)
    above = np.clip(values[:, None] - lower[None, :], 0, None)
    width = np.diff(lower)
    slices = np.concatenate(
        [np.minimum(above[:, :-1], width[None, :]), above[:, -1:]], axis=1
    ).astype(np.float64)
    index = np.searchsorted(lower, values, side="right") - 1
    return index.astype(np.int64), (slices * rate[None, :]).sum(axis=1)


# ---------------------------------------------------------------- checks


def _named(ids: pd.Series | pd.Index) -> str:
    listed = list(ids)
    shown = ", ".join(map(str, listed[:_MAX_NAMED]))
    more = len(listed) - _MAX_NAMED
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
    code: IssueCode,
    expected: str = "",
) -> list[InputIssue]:
    file = str(managers.attrs.get("file", "managers"))
    rows = _rows(managers)[mask]
    return [
        InputIssue(file, int(row), column, rule, value, expected, code=code)
        for row, value in zip(rows.tolist(), values[mask].tolist(), strict=True)
    ]


def _needs_base(config: BonusConfig) -> bool:
    return config.funding.mode == "per_person_base" or config.limits.cap_base_multiple is not None


def _roster_base(managers: pd.DataFrame, config: BonusConfig) -> pd.Series:
    """The roster's pay_base in yuan where the config reads it, else NaN."""
    if "pay_base" not in managers.columns or config.funding.base_source == "job_level":
        return pd.Series(np.nan, index=managers.index, dtype="float64")
    return pd.to_numeric(managers["pay_base"], errors="coerce").astype("float64")


def _level_base_cents(managers: pd.DataFrame, config: BonusConfig, scale: int) -> pd.Series:
    """base_by_job_level[job_level] in cents for the period (NaN where there is none)."""
    funding = config.funding
    if "job_level" not in managers.columns or funding.base_source == "roster":
        return pd.Series(np.nan, index=managers.index, dtype="float64")
    table = {level: float(to_cents(amount) * scale)
             for level, amount in funding.base_by_job_level.items()}
    return managers["job_level"].astype("str").map(table).astype("float64")


def _paid(managers: pd.DataFrame, config: AppraisalConfig) -> pd.Series:
    """Managers the bonus pays from a base: employed during the period, and not excluded by
    the scorecard unless `excluded_pay: standard` pays them like everyone else.

    The scorecard excludes joiners and leavers when `scorecard.tenure.joiners_leavers: exclude`.
    """
    period = config.appraisal_period
    employed = service_fraction(managers, period).to_numpy() > 0
    paid = pd.Series(employed, index=managers.index)
    tenure = config.scorecard.tenure
    if tenure.joiners_leavers == "exclude" and tenure.excluded_pay != "standard":
        start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
        hire = pd.to_datetime(managers["hire_date"]) if "hire_date" in managers else None
        leave = pd.to_datetime(managers["leave_date"]) if "leave_date" in managers else None
        joined = (hire > start) & (hire <= end) if hire is not None else False
        left = (leave >= start) & (leave <= end) if leave is not None else False
        paid &= ~(pd.Series(joined, index=managers.index) | pd.Series(left, index=managers.index))
    return paid


def _base_issues(managers: pd.DataFrame, config: AppraisalConfig) -> list[InputIssue]:
    """pay_base not negative; every paid manager has a base (roster or job-level table)."""
    bonus = config.bonus
    if not _needs_base(bonus):
        return []
    roster = _roster_base(managers, bonus)
    base = roster.where(roster.notna(), _level_base_cents(managers, bonus, 1))
    missing = _paid(managers, config) & base.isna()
    issues = _roster_issues(managers, roster.notna() & (roster < 0), "pay_base",
                            "pay_base must not be negative", roster, IssueCode.NEGATIVE)
    if bonus.funding.base_source == "roster":
        return issues + _roster_issues(
            managers, missing, "pay_base",
            "pay_base is required (bonus.funding.base_source: roster)",
            roster.astype("object").where(roster.notna(), None), IssueCode.MISSING_VALUE,
        )
    level = (managers["job_level"].astype("str") if "job_level" in managers.columns
             else pd.Series("", index=managers.index))
    return issues + _roster_issues(
        managers, missing, "job_level",
        "no performance-pay base: pay_base is empty and the job level is not in "
        "bonus.funding.base_by_job_level",
        level, IssueCode.MISSING_VALUE,
        ", ".join(sorted(bonus.funding.base_by_job_level)) or "a base_by_job_level table",
    )


def _position_issues(managers: pd.DataFrame, config: BonusConfig) -> list[InputIssue]:
    """position_coefficient not negative where a component uses it."""
    used = any("position_coefficient" in c.factors for c in config.components)
    if not used or "position_coefficient" not in managers.columns:
        return []
    values = pd.to_numeric(managers["position_coefficient"], errors="coerce").astype("float64")
    return _roster_issues(managers, values.notna() & (values < 0), "position_coefficient",
                          "position_coefficient must not be negative", values,
                          IssueCode.NEGATIVE)


def _known_pool_issues(allocations: pd.DataFrame | None, config: BonusConfig) -> list[InputIssue]:
    """Allocations within the pool when its content is known before computing.

    That is the case without withholding (the pool holds the carry-in) and in fixed_pool mode
    (Σ gross = pool_amount, so Σ withheld = rate × pool_amount rounded).
    """
    rate = config.shared_pool.withhold_rate
    if config.funding.mode == "fixed_pool":
        pool = int(to_cents(config.funding.pool_amount or 0.0))
        withheld = int(apply_rate([pool], rate).sum())
    elif rate == 0:
        withheld = 0
    else:
        return []
    return check_pool_holds(allocation_records(allocations), withheld, config.shared_pool)


def check_bonus(
    tables: Mapping[str, pd.DataFrame], config: AppraisalConfig
) -> list[InputIssue]:
    """Every problem the bonus and pool stages would meet in the inputs (pure, never raises).

    Roster: pay_base not negative, a base for every paid manager, position_coefficient not
    negative. Allocations: see `appraisal.pool.check_allocations`; their total within the pool
    when the pool is known in advance (otherwise `compute_bonus` refuses it once the gross
    bonuses are known). Whether managers are in the roster is validation's single check.
    """
    issues: list[InputIssue] = []
    managers = tables.get("managers")
    if managers is not None:
        issues += _base_issues(managers, config)
        issues += _position_issues(managers, config.bonus)
    allocations = tables.get("pool_allocations")
    allocation_issues = check_allocations(allocations, config.bonus.shared_pool)
    issues += allocation_issues
    if not allocation_issues and allocations is not None and len(allocations):
        issues += _known_pool_issues(allocations, config.bonus)
    return issues


# ---------------------------------------------------------------- inputs


def _by_manager(frame: pd.DataFrame, name: str, needed: tuple[str, ...]) -> pd.DataFrame:
    """A stage frame indexed by manager_id (as a column or as the index), one row each."""
    if "manager_id" not in frame.columns and frame.index.name == "manager_id":
        frame = frame.reset_index()
    absent = [column for column in ("manager_id", *needed) if column not in frame.columns]
    if absent:
        raise InternalError(f"bonus: {name} lacks the column(s) {', '.join(absent)}")
    keyed = frame.assign(manager_id=frame["manager_id"].astype("str"))
    return keyed.drop_duplicates("manager_id", keep="first").set_index("manager_id")


def _excluded(card: pd.DataFrame) -> pd.Series:
    if "excluded" not in card.columns:
        return pd.Series(False, index=card.index)
    flag = card["excluded"]
    text = flag.astype("str").str.strip().str.lower()
    return flag.notna() & text.isin(["true", "1", "1.0", "yes", "y", "是"])


def _found(ids: pd.Index, index: pd.Index) -> npt.NDArray[np.bool_]:
    """`ids.isin(index)` for an index of distinct ids, by hash lookup (a text isin turns every
    id into a Python object first)."""
    return index.get_indexer(ids) >= 0


def _scorecard_inputs(
    ids: pd.Index, scorecard_managers: pd.DataFrame, config: BonusConfig
) -> pd.DataFrame:
    """composite, grade, grade_coefficient, excluded aligned on the roster's manager ids."""
    card = _by_manager(scorecard_managers, "scorecard", ())
    missing = ids[~_found(ids, card.index)]
    if len(missing):
        raise InternalError(f"bonus: the scorecard has no row for roster manager(s) "
                            f"{_named(missing)}")
    card = card.reindex(ids)
    out = pd.DataFrame(index=ids)
    for column in ("composite", "grade_coefficient"):
        values = card[column] if column in card.columns else pd.Series(np.nan, index=ids)
        out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
    grade = card["grade"] if "grade" in card.columns else pd.Series(np.nan, index=ids)
    out["grade"] = grade.astype("str").where(grade.notna(), "")
    out["excluded"] = _excluded(card).to_numpy()
    uses = {
        "grade_coefficient": any(c.kind == "grade" for c in config.components),
        "composite": any("composite" in c.factors for c in config.components),
    }
    for column, used in uses.items():
        unusable = ~np.isfinite(out[column].fillna(np.nan)) | (out[column] < 0)
        bad = used & ~out["excluded"] & unusable
        if bad.any():
            raise InternalError(f"bonus: {column} is missing or negative for manager(s) "
                                f"{_named(ids[bad])} (the scorecard grades every manager)")
    return out[["composite", "grade", "grade_coefficient", "excluded"]]


def _profit_cents(ids: pd.Index, rorac_by_manager: pd.DataFrame) -> IntArray:
    """Risk-adjusted profit per roster manager in int64 cents; no row means 0."""
    values = _by_manager(rorac_by_manager, "rorac_by_manager", ("rorac",))["rorac"]
    profit = pd.to_numeric(values, errors="coerce").reindex(ids)
    known = _found(ids, values.index)
    numbers = profit.to_numpy(dtype="float64", na_value=np.nan)
    bad = known & ~(np.isfinite(numbers) & (numbers == np.round(numbers)))
    if bad.any():
        raise InternalError(f"bonus: rorac is not a whole number of cents for manager(s) "
                            f"{_named(ids[bad])}")
    return np.where(known, np.nan_to_num(numbers), 0).astype(np.int64)


def _base_cents(
    managers: pd.DataFrame, config: BonusConfig, active: npt.NDArray[np.bool_], scale: int
) -> IntArray:
    """Performance-pay base (绩效工资基数) in cents for the period.

    The roster's pay_base (yuan, for the period) converted once; else the config's table, in
    yuan per month (× `scale` months when `amounts_per: month`).
    """
    roster = _roster_base(managers, config)
    cents = pd.Series(np.nan, index=managers.index, dtype="float64")
    given = roster.notna().to_numpy()
    cents[given] = to_cents(roster[given].to_numpy()).astype("float64")
    base = cents.where(cents.notna(), _level_base_cents(managers, config, scale))
    missing = active & base.isna().to_numpy()
    if missing.any() or (base < 0).any():
        raise InternalError(f"bonus: no usable base for manager(s) "
                            f"{_named(managers['manager_id'][missing])} (check_bonus refuses this)")
    return base.fillna(0.0).to_numpy().astype(np.int64)


def _position_coefficient(managers: pd.DataFrame) -> FloatArray:
    """Position coefficient (岗位系数); missing means 1."""
    if "position_coefficient" not in managers.columns:
        return np.ones(len(managers))
    values = pd.to_numeric(managers["position_coefficient"], errors="coerce")
    return values.astype("float64").fillna(1.0).to_numpy()


@dataclass(frozen=True)
class _Team:
    """Per-manager inputs of the formulas, aligned on the roster sorted by manager_id."""

    roster: pd.DataFrame
    frame: pd.DataFrame  # rorac (cents), composite, grade, grade_coefficient, excluded, ...
    prorate: FloatArray
    active: npt.NDArray[np.bool_]  # within the limits: employed, and paid if excluded
    base: IntArray
    scale: int  # months the config's monthly amounts are multiplied by
    unpaid: npt.NDArray[np.bool_]  # excluded, no points: not employed, or excluded_pay not standard
    guarantee_only: npt.NDArray[np.bool_]  # excluded, paid the minimum guarantee alone

    @property
    def size(self) -> int:
        return len(self.roster)


def _team(
    managers: pd.DataFrame,
    scorecard_managers: pd.DataFrame,
    rorac_by_manager: pd.DataFrame,
    config: BonusConfig,
    period: Period,
    excluded_pay: ExcludedPay,
) -> _Team:
    roster = managers.assign(manager_id=managers["manager_id"].astype("str"))
    roster = roster.sort_values("manager_id", kind="stable").reset_index(drop=True)
    ids = pd.Index(roster["manager_id"], name="manager_id")
    scale = period.months if config.funding.amounts_per == "month" else 1
    frame = _scorecard_inputs(ids, scorecard_managers, config).reset_index(drop=True)
    frame.insert(0, "manager_id", roster["manager_id"])
    frame.insert(0, "rorac", _profit_cents(ids, rorac_by_manager))
    fraction = service_fraction(roster, period).to_numpy(dtype="float64")
    prorate = fraction if config.prorate else (fraction > 0).astype("float64")
    frame["service_fraction"] = prorate
    frame["position_coefficient"] = _position_coefficient(roster)
    excluded = frame["excluded"].to_numpy(dtype=bool)
    employed = prorate > 0
    unpaid = excluded & (~employed | (excluded_pay != "standard"))
    guarantee_only = excluded & employed & (excluded_pay == "guarantee_only")
    paid = employed & ~unpaid
    base = (_base_cents(roster, config, paid, scale) if _needs_base(config)
            else np.zeros(len(roster), dtype=np.int64))
    return _Team(roster, frame, prorate, paid | guarantee_only, base, scale, unpaid,
                 guarantee_only)


# ---------------------------------------------------------------- components


def _measure(
    component: BonusComponent, team: _Team
) -> tuple[FloatArray, bool, dict[str, npt.NDArray[Any]]]:
    """(measure, base-like, audit columns): band coefficient, progressive cents or grade coef."""
    if component.kind == "grade":
        return team.frame["grade_coefficient"].fillna(0.0).to_numpy(dtype="float64"), True, {}
    bands = component.bands
    lowers = np.array([int(to_cents(band.lower)) * team.scale for band in bands], dtype=np.int64)
    rates = np.array([band.coefficient for band in bands])
    labels = np.array([band.label or f"≥{_yuan_text(int(cents))}"
                       for band, cents in zip(bands, lowers, strict=True)]
                      + [BELOW_LOWEST_BAND], dtype=object)
    profit = team.frame["rorac"].to_numpy(dtype=np.int64)
    if component.method == "step":
        index, measure = band_coefficients(profit, lowers, rates)
        coefficient = measure
    else:
        index, measure = progressive_amounts(profit, lowers, rates)
        coefficient = np.where(index >= 0, rates[np.clip(index, 0, None)], 0.0)
    audit = {
        f"{component.id}_band": labels[np.where(index >= 0, index, len(bands))],
        f"{component.id}_band_coefficient": coefficient,
    }
    return measure, component.method == "step", audit


def _yuan_text(cents: int) -> str:
    """Cents as the exact yuan amount without trailing zeros: 1234567 -> '12345.67',
    120000000 -> '1200000' (a band's bound in its default label)."""
    return format(Decimal(cents).scaleb(-2).normalize(), "f")


def _points(component: BonusComponent, team: _Team) -> tuple[FloatArray, bool, dict[str, Any]]:
    """points = measure × Π factors × service fraction (base-like measures); 0 if excluded."""
    measure, base_like, audit = _measure(component, team)
    factors = np.ones(team.size)
    for factor in component.factors:
        if factor == "composite":
            factors = factors * team.frame["composite"].fillna(0.0).to_numpy() / 100
        else:
            factors = factors * team.frame["position_coefficient"].to_numpy()
    points = measure * factors * (team.prorate if base_like else 1.0)
    points = np.where(team.unpaid, 0.0, points)
    audit[f"{component.id}_points"] = points
    return points, base_like, audit


@dataclass(frozen=True)
class _Components:
    """Each component in full precision (float cents), with the cents each must add up to."""

    exact: dict[str, FloatArray]
    totals: dict[str, int | None]  # fixed pool: the sub-pool's cents; None: the rounded sum
    audit: dict[str, npt.NDArray[Any]] = field(default_factory=dict)


def _per_person_components(team: _Team, config: BonusConfig) -> _Components:
    """component = share × base × points (base-like) or share × points (progressive cents)."""
    exact, audit = {}, {}
    for component in config.components:
        points, base_like, columns = _points(component, team)
        audit.update(columns)
        exact[component.id] = component.share * points * (team.base if base_like else 1.0)
    return _Components(exact, dict.fromkeys(exact), audit)


def _fixed_pool_components(team: _Team, config: BonusConfig, pool: int) -> _Components:
    """component = sub_pool × points / Σ points; the sub-pools split the pool by share."""
    points, audit = {}, {}
    for component in config.components:
        points[component.id], _, columns = _points(component, team)
        audit.update(columns)
    with_points = [c for c in config.components if points[c.id].sum() > 0]
    if not with_points:
        raise AppraisalError("bonus: no manager has any points, so the fixed pool "
                             f"({pool / 100:.2f}) cannot be split (bonus.funding.pool_amount)")
    shares = [c.share if c in with_points else 0.0 for c in config.components]
    sub_pools = allocate_cents([exact_fraction(share) for share in shares], pool)
    exact, totals = {}, {}
    for component, cents in zip(config.components, sub_pools.tolist(), strict=True):
        total_points = points[component.id].sum()
        exact[component.id] = (points[component.id] / total_points * cents if total_points > 0
                               else np.zeros(team.size))
        totals[component.id] = int(cents)
    return _Components(exact, totals, audit)


# ---------------------------------------------------------------- limits


@dataclass(frozen=True)
class _Bounds:
    """Per-manager bounds on the gross, in float cents (prorated)."""

    lower: FloatArray
    upper: FloatArray
    floor: FloatArray
    guarantee: FloatArray


def _guarantee_eligible(
    managers: pd.DataFrame, period: Period, within_months: int | None
) -> npt.NDArray[np.bool_]:
    if within_months is None:
        return np.ones(len(managers), dtype=bool)
    hire = pd.to_datetime(managers["hire_date"])
    months = (period.end.year - hire.dt.year) * 12 + (period.end.month - hire.dt.month)
    return (months < within_months).fillna(False).to_numpy(dtype=bool)


def _bounds(team: _Team, config: BonusConfig, period: Period) -> _Bounds:
    """upper = min(cap, multiple × base), lower = max(floor, guarantee); inactive: 0."""
    limits = config.limits
    prorated = team.prorate * team.scale

    def monthly(yuan: float) -> FloatArray:
        return int(to_cents(yuan)) * prorated

    upper = np.full(team.size, np.inf)
    if limits.cap is not None:
        upper = np.minimum(upper, monthly(limits.cap))
    if limits.cap_base_multiple is not None:
        upper = np.minimum(upper, limits.cap_base_multiple * team.base * team.prorate)
    floor = monthly(limits.floor)
    guarantee = np.zeros(team.size)
    if limits.minimum_guarantee is not None:
        within = limits.minimum_guarantee.within_months_of_hire
        eligible = _guarantee_eligible(team.roster, period, within)
        guarantee = np.where(eligible, monthly(limits.minimum_guarantee.amount), 0.0)
    floor = np.where(team.guarantee_only, 0.0, floor)  # the guarantee alone, no floor
    lower = np.where(team.active, np.maximum(floor, guarantee), 0.0)
    upper = np.where(team.active, np.maximum(upper, lower), 0.0)
    return _Bounds(lower, upper, floor, guarantee)


def _water_fill(
    points: FloatArray, lower: FloatArray, upper: FloatArray, total: float
) -> tuple[FloatArray, float]:
    """x = clip(λ·points, lower, upper) with Σ x = total (cents); returns (x, λ).

    f(λ) = Σ clip(λ·points, lower, upper) is continuous and non-decreasing: bisection finds
    which managers are clipped, then λ is solved exactly for the free ones.
    """

    def filled(scale: float) -> FloatArray:
        return np.clip(scale * points, lower, upper)

    positive = points > 0
    floor_sum = float(lower.sum())
    reach = float(np.where(positive, upper, lower).sum())
    if floor_sum > total * (1 + 1e-12) + 1e-7:
        raise AppraisalError(
            f"bonus: the fixed pool ({total / 100:.2f}) does not cover the floors and guarantees "
            f"({floor_sum / 100:.2f}); lower bonus.limits.floor / minimum_guarantee or raise "
            "bonus.funding.pool_amount"
        )
    if reach < total * (1 - 1e-12) - 1e-7:
        raise AppraisalError(
            f"bonus: the caps (and managers without points) leave room for only "
            f"{reach / 100:.2f} of the fixed pool ({total / 100:.2f}); raise bonus.limits.cap "
            "or lower bonus.funding.pool_amount"
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


def water_fill(
    points: FloatArray, lower: FloatArray, upper: FloatArray, total: float
) -> tuple[FloatArray, float]:
    """The fixed pool's water-filling, as the stage does it: x = clip(λ·points, lower, upper)
    with Σ x = total (float cents); returns (x, λ)."""
    return _water_fill(points, lower, upper, total)


def _shared_gross(
    uncapped: FloatArray, lower: FloatArray, upper: FloatArray,
    active: npt.NDArray[np.bool_], pool: int | None,
) -> tuple[FloatArray, float]:
    """(gross in float cents, λ): clipped, or water-filled in a fixed pool."""
    inside = np.all((uncapped >= lower) & (uncapped <= upper))
    if pool is None or inside:
        return np.clip(uncapped, lower, upper), 1.0
    return _water_fill(np.where(active, uncapped, 0.0), lower, upper, float(pool))


def _limited_gross(
    uncapped: FloatArray, bounds: _Bounds, team: _Team, pool: int | None
) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """(gross in float cents, limit_applied): clipped, or water-filled in a fixed pool."""
    # scale = λ: the common scale of the unclipped managers (fixed pool only)
    gross, scale = _shared_gross(uncapped, bounds.lower, bounds.upper, team.active, pool)
    wanted = uncapped * scale
    raised = wanted < bounds.lower
    flag = np.full(team.size, "none", dtype=object)
    flag[wanted > bounds.upper] = "cap"
    flag[raised] = np.where(bounds.guarantee[raised] >= bounds.floor[raised], "guarantee",
                            "floor")
    flag[(flag == "none") & (gross != uncapped)] = "rescaled"
    return gross, flag


# ---------------------------------------------------------------- cents


def _component_cents(components: _Components) -> dict[str, IntArray]:
    """Each component column to cents by largest remainder (to its sub-pool in a fixed pool)."""
    return {cid: round_cents(exact, components.totals[cid])
            for cid, exact in components.exact.items()}


def _gross_cents(
    component_cents: dict[str, IntArray],
    gross: FloatArray,
    limited: npt.NDArray[np.bool_],
    pool: int | None,
) -> IntArray:
    """Unlimited managers: Σ of their component cents; limited: their gross by largest
    remainder (fixed pool: to what is left of the pool)."""
    summed = np.sum(list(component_cents.values()), axis=0).astype(np.int64)
    cents = summed.copy()
    if limited.any():
        rest = None if pool is None else pool - int(summed[~limited].sum())
        cents[limited] = round_cents(gross[limited], rest)
    return cents


# ---------------------------------------------------------------- retro adjustments


def retro_cents(
    ids: pd.Index, due: pd.Series, earned: IntArray, *, not_below_zero: bool = True
) -> tuple[IntArray, IntArray]:
    """(due, applied) per manager in `ids`: a positive retro adjustment is paid in full; a
    negative one is recovered from this period's earned pay (final before retro), never
    below zero when `not_below_zero` (the rest is carried forward by the ledger)."""
    owed = pd.to_numeric(due, errors="raise").groupby(level=0).sum()
    values = owed.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    if not not_below_zero:
        return values, values.copy()
    recoverable = -np.maximum(earned, 0)
    return values, np.maximum(values, recoverable).astype(np.int64)


# ---------------------------------------------------------------- output


def _managers_frame(
    team: _Team,
    config: BonusConfig,
    audit: dict[str, npt.NDArray[Any]],
    money: dict[str, IntArray],
    flag: npt.NDArray[np.object_],
) -> pd.DataFrame:
    out = pd.DataFrame({"manager_id": team.roster["manager_id"]})
    for column in ("name", "branch", "sub_branch", "team", "job_level"):
        if column in team.roster.columns:
            out[column] = _column(team.roster[column])
    for column in ("rorac", "composite", "grade", "grade_coefficient", "excluded",
                   "service_fraction", "position_coefficient"):
        out[column] = _column(team.frame[column])
    if _needs_base(config):
        out["base"] = team.base
    for name, values in audit.items():
        out[name] = values
    for column, cents in money.items():
        out[column] = np.asarray(cents, dtype=np.int64)
        if column == "limit_adjustment":
            out["limit_applied"] = pd.array(flag.astype(str), dtype="str")
    for column in _UNIT_COLUMNS:
        if column not in out.columns:
            out[column] = ""
    return out


_TEXT = pd.api.types.pandas_dtype("str")


def _column(values: pd.Series) -> Any:
    """`values.to_numpy()` as a frame column; a text column is passed as it is (the frame
    would rebuild the same text column from one Python object per row)."""
    return values.array if values.dtype == _TEXT and len(values) else values.to_numpy()


def _rollups(managers: pd.DataFrame, money: tuple[str, ...]) -> pd.DataFrame:
    """Sums of int64 cents per team, sub-branch, branch and in total."""
    cents = managers[list(money)].astype("int64")
    for column in _UNIT_COLUMNS:
        cents[column] = _column(managers[column].astype("str"))
    cents["managers"] = 1
    values = ["managers", *money]
    teams = cents.groupby(list(_UNIT_COLUMNS), sort=True)[values].sum().reset_index()
    subs = teams.groupby(["branch", "sub_branch"], sort=True)[values].sum().reset_index()
    branches = subs.groupby(["branch"], sort=True)[values].sum().reset_index()
    total = branches[values].sum().to_frame().T
    parts = []
    for level, frame in (("team", teams), ("sub_branch", subs), ("branch", branches),
                         ("total", total)):
        frame = frame.copy()
        for column in _UNIT_COLUMNS:
            if column not in frame.columns:
                frame[column] = ""
        frame["level"] = level
        frame["unit"] = "total" if level == "total" else frame[level]
        parts.append(frame)
    rollups = pd.concat(parts, ignore_index=True)
    for column in values:
        rollups[column] = rollups[column].astype("int64")
    return rollups[["level", "unit", *_UNIT_COLUMNS, *values]]


def _allocations_with_names(records: pd.DataFrame, managers: pd.DataFrame) -> pd.DataFrame:
    if "name" not in managers.columns:
        return records
    names = managers.set_index("manager_id")["name"]
    return records.assign(name=records["manager_id"].map(names).astype("str"))[
        ["manager_id", "name", *[c for c in records.columns if c != "manager_id"]]
    ]


@dataclass(frozen=True)
class PoolTerms:
    """What a fixed pool (`funding.mode: fixed_pool`) is shared by, before any rounding: per
    roster manager (sorted by manager_id) each component's points, the bounds of the gross
    (float cents, prorated) and whether the limits apply; the pool in cents and the components'
    shares. The stage's own steps, exposed for exact marginals (analysis.incentive)."""

    ids: pd.Index
    points: dict[str, FloatArray]
    shares: dict[str, float]
    lower: FloatArray
    upper: FloatArray
    active: npt.NDArray[np.bool_]
    pool: int
    audit: dict[str, npt.NDArray[Any]]

    def sub_pools(self, points: Mapping[str, FloatArray] | None = None) -> dict[str, int]:
        """The sub-pools in cents: the pool split by share (largest remainder) among the
        components with points; a component without points gives its share to the others."""
        points = self.points if points is None else points
        shares = [share if points[cid].sum() > 0 else 0.0 for cid, share in self.shares.items()]
        if not any(shares):
            raise AppraisalError("bonus: no manager has any points, so the fixed pool "
                                 f"({self.pool / 100:.2f}) cannot be split "
                                 "(bonus.funding.pool_amount)")
        cents = allocate_cents([exact_fraction(share) for share in shares], self.pool)
        return dict(zip(self.shares, (int(c) for c in cents.tolist()), strict=True))

    def gross(self, points: Mapping[str, FloatArray] | None = None) -> FloatArray:
        """Each manager's gross before rounding (float cents), as `compute_bonus` computes it:
        component = sub_pool × points / Σ points, then the limits water-filled."""
        points = self.points if points is None else points
        sub_pools = self.sub_pools(points)
        uncapped = np.zeros(len(self.ids))
        for cid, cents in sub_pools.items():
            total = points[cid].sum()
            if total > 0:
                uncapped = uncapped + points[cid] / total * cents
        return _shared_gross(uncapped, self.lower, self.upper, self.active, self.pool)[0]


def pool_terms(
    managers: pd.DataFrame,
    scorecard_managers: pd.DataFrame,
    rorac_by_manager: pd.DataFrame,
    config: BonusConfig,
    period: Period,
    *,
    excluded_pay: ExcludedPay = "standard",
) -> PoolTerms:
    """The fixed pool's terms for these figures (see `PoolTerms`); `config.funding.mode` must
    be `fixed_pool` (InternalError otherwise)."""
    if config.funding.mode != "fixed_pool":
        raise InternalError("bonus: pool_terms needs funding.mode fixed_pool")
    team = _team(managers, scorecard_managers, rorac_by_manager, config, period, excluded_pay)
    points, audit = {}, {}
    for component in config.components:
        points[component.id], _, columns = _points(component, team)
        audit.update(columns)
    bounds = _bounds(team, config, period)
    return PoolTerms(
        ids=pd.Index(team.roster["manager_id"], name="manager_id"), points=points,
        shares={c.id: float(c.share) for c in config.components}, lower=bounds.lower,
        upper=bounds.upper, active=team.active,
        pool=int(to_cents(config.funding.pool_amount or 0.0)), audit=audit)


def compute_bonus(
    managers: pd.DataFrame,
    scorecard_managers: pd.DataFrame,
    rorac_by_manager: pd.DataFrame,
    config: BonusConfig,
    period: Period,
    *,
    pool_allocations: pd.DataFrame | None = None,
    retro_due: pd.Series | None = None,
    retro_not_below_zero: bool = True,
    excluded_pay: ExcludedPay = "standard",
    deferral: DeferralInputs | None = None,
) -> BonusResult:
    """Each roster manager's bonus for the period in cents: components, limits, pool, final.

    `retro_due` (history, int64 cents by manager_id): retro adjustments owed from revised
    closed periods; they add the columns retro_due, retro_adjustment (paid now; see
    `retro_cents`) and retro_carried, and final = gross − withheld + pool + retro_adjustment.
    With `deferral`, a negative retro is recovered only from the pay left after this period's
    deferred part is held back and its released tranches paid (never below zero).

    `rorac_by_manager["rorac"]` is int64 cents. Assumes `check_bonus` passed (InternalError
    otherwise); a fixed pool its floors or caps cannot hold, or allocations above what the
    pool holds, are user errors naming the config keys or the allocations file.
    """
    team = _team(managers, scorecard_managers, rorac_by_manager, config, period, excluded_pay)
    records = allocation_records(pool_allocations)
    fixed = config.funding.mode == "fixed_pool"
    pool = int(to_cents(config.funding.pool_amount or 0.0)) if fixed else None

    components = (_fixed_pool_components(team, config, pool) if pool is not None
                  else _per_person_components(team, config))
    uncapped = np.sum(list(components.exact.values()), axis=0)
    gross, flag = _limited_gross(uncapped, _bounds(team, config, period), team, pool)

    component_cents = _component_cents(components)
    gross_cents = _gross_cents(component_cents, gross, flag != "none", pool)
    ids = pd.Index(team.roster["manager_id"], name="manager_id")
    settlement = settle_pool(pd.Series(gross_cents, index=ids), records, config.shared_pool,
                             period_label=period.label)
    withheld, allocated, redistributed = (
        series.to_numpy(dtype=np.int64)
        for series in (settlement.withheld, settlement.allocated, settlement.redistributed)
    )
    money = {f"bonus_{cid}": cents for cid, cents in component_cents.items()}
    money["limit_adjustment"] = gross_cents - np.sum(list(component_cents.values()), axis=0)
    earned = gross_cents - withheld + allocated + redistributed
    money.update(zip(_POOL_COLUMNS[:-1], (gross_cents, withheld, allocated, redistributed),
                     strict=True))
    performance = earned
    if retro_due is not None:
        # a negative retro is recovered from what is paid now: never below zero once this
        # period's deferral is held back (and its released tranches paid)
        payable = earned
        if deferral is not None:
            deferred, released = deferred_and_released(ids, performance, deferral)
            payable = np.minimum(earned, earned - deferred + released)
        due, applied = retro_cents(ids, retro_due, payable, not_below_zero=retro_not_below_zero)
        money.update(retro_due=due, retro_adjustment=applied, retro_carried=due - applied)
        earned = earned + applied
    if deferral is not None:  # deferred pay (docs/deferral.md): final − deferred + released
        settled = settle_deferral(ids, performance, earned, deferral)
        money.update(settled)
        earned = earned - settled["deferred"] + settled["released"] - settled[
            "clawback_recovered"]
    money["bonus_final"] = earned

    out = _managers_frame(team, config, components.audit, money, flag)
    return BonusResult(
        managers=out,
        ledger=settlement.ledger,
        rollups=_rollups(out, tuple(money)),
        allocations=_allocations_with_names(records, out),
        money_columns=tuple(money),
    )
