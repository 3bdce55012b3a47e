"""Summary stage: every figure a sheet, chart or statement shows that no other stage computes.

Pure (frames and config in, a frozen `SummaryResult` out, no I/O). Money stays integer cents:
unit totals are the bonus stage's roll-ups (not summed again), the shared-pool reconciliation is
an exact integer identity, carry_in + withheld = allocated + redistributed + carry_out, whose
difference in cents must be 0. The writers (report/) only present these figures; every one of
them is also in summary.json or a summary_*.csv file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .columns import indicator_measure
from .money import allocate_cents, exact_fraction, to_cents

if TYPE_CHECKING:
    from .config import AppraisalConfig

__all__ = [
    "CHART_UNIT_LEVELS", "MAX_CHART_UNITS", "OTHER_UNITS", "SchemeFigures", "SummaryResult",
    "compute_scheme", "compute_summary",
]

CHART_UNIT_LEVELS = ("team", "sub_branch", "branch")
MAX_CHART_UNITS = 20
OTHER_UNITS = "other"  # beyond the 19 largest units, the rest are one bar
_POOL_ITEMS = ("carry_in", "withheld", "allocated", "redistributed", "carry_out")
_BONUS_SHEET_COLUMN = {"withheld": "withheld", "allocated": "pool_allocation",
                       "redistributed": "pool_redistributed"}
_MONEY_TOTALS = ("bonus_gross", "withheld", "pool_allocation", "pool_redistributed",
                 "bonus_final")
_STATISTICS = ("count", "mean", "std", "min", "p25", "median", "p75", "max")


@dataclass(frozen=True)
class SchemeFigures:
    """Every parameter that turns a score or a profit into yuan, as the run applied it (the
    考核方案 sheet), so each manager's bonus can be recomputed from the workbook alone.

    months: the factor monthly config amounts were multiplied by. components: component, kind,
        method, share, factors, sub_pool (cents; fixed pool), points_total, point_value_yuan
        (yuan per point: fixed pool only). bands: component, band, lower (cents, scaled),
        coefficient. grades: grade, min_score, coefficient. bases: job_level, base (cents,
        scaled). limits: item, value (cap / floor / guarantee in cents, scaled; the base multiple
        as a coefficient). pool_cents: the fixed pool (None in per_person_base mode).
        rescale_factor: in a fixed pool, gross ÷ Σ components of the managers moved because
        others hit a limit (None when nobody was). rounding: manager_id and per component
        `<id>_rounding` = rounded − exact amount in yuan (the largest-remainder cent), aligned
        with the managers frame.
    """

    months: int
    components: pd.DataFrame
    bands: pd.DataFrame
    grades: pd.DataFrame
    bases: pd.DataFrame
    limits: pd.DataFrame
    pool_cents: int | None
    rescale_factor: float | None
    rounding: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "months": self.months,
            "components": _records(self.components),
            "bands": _records(self.bands),
            "grades": _records(self.grades),
            "bases": _records(self.bases),
            "limits": _records(self.limits),
            "pool_cents": self.pool_cents,
            "rescale_factor": self.rescale_factor,
        }


@dataclass(frozen=True)
class SummaryResult:
    """Figures of the Summary sheet, the charts and the statements (money in int cents).

    totals: the run's money totals (cents), the roll-ups' `total` row.
    pool: item, ledger_cents (pool ledger), bonus_sheet_cents (roll-up total of the matching
        managers column); pool_difference_cents = carry_in + withheld − allocated −
        redistributed − carry_out of the ledger (0 when the pool reconciles).
    grades: grade, count, share (of all managers; "" = no grade). graded: their total.
    score_statistics: statistic (count, mean, std, min, p25, median, p75, max), value of the
        composite score. ranks: manager_id, rank_unit, rank_in_unit, rank_of (ranked managers
        in the same grading unit; the forced distribution's rank, or with grade bands the same
        order: composite descending, then manager_id). gaps: manager x indicator actual,
        target, gap = actual − target in the indicator's own unit (measure = its kind, unit).
    chart_level: the unit level charts group by; chart_units: unit, managers, shown (the unit,
        or "other"); unit_bonus: shown, bonus_final (cents); unit_grades: shown, grade, count;
        unit_dimension_means: shown, dimension, value; score_histogram: bin_left, bin_right,
        count of composite scores.
    """

    totals: Mapping[str, int]
    pool: pd.DataFrame
    pool_difference_cents: int | None
    grades: pd.DataFrame
    graded: int
    score_statistics: pd.DataFrame
    ranks: pd.DataFrame
    gaps: pd.DataFrame
    chart_level: str | None
    chart_units: pd.DataFrame
    unit_bonus: pd.DataFrame
    unit_grades: pd.DataFrame
    unit_dimension_means: pd.DataFrame
    score_histogram: pd.DataFrame
    scheme: SchemeFigures | None = None

    def statistic(self, name: str) -> float | None:
        """One composite score statistic (None when the run has none)."""
        rows = self.score_statistics.loc[self.score_statistics["statistic"] == name, "value"]
        return None if rows.empty or pd.isna(rows.iloc[0]) else float(rows.iloc[0])

    def to_dict(self) -> dict[str, Any]:
        """The content of summary.json (the per-manager tables are summary_*.csv)."""
        return {
            "totals_cents": dict(self.totals),
            "pool": _records(self.pool),
            "pool_difference_cents": self.pool_difference_cents,
            "grades": _records(self.grades),
            "graded": self.graded,
            "score_statistics": _records(self.score_statistics),
            "chart_level": self.chart_level,
            "chart_units": _records(self.chart_units),
            "unit_bonus": _records(self.unit_bonus),
            "unit_grades": _records(self.unit_grades),
            "unit_dimension_means": _records(self.unit_dimension_means),
            "score_histogram": _records(self.score_histogram),
            "scheme": self.scheme.to_dict() if self.scheme is not None else None,
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in out.to_dict(orient="records")
    ]


def _totals(rollups: pd.DataFrame) -> dict[str, int]:
    total = rollups.loc[rollups["level"] == "total"] if "level" in rollups.columns else rollups[0:0]
    if total.empty:
        return {}
    row = total.iloc[0]
    return {c: int(row[c]) for c in _MONEY_TOTALS if c in total.columns}


def _pool(ledger: pd.DataFrame, totals: Mapping[str, int]) -> tuple[pd.DataFrame, int | None]:
    rows = []
    ledger_totals: dict[str, int | None] = {}
    for item in _POOL_ITEMS:
        ledger_total = (
            int(ledger[item].to_numpy(dtype=np.int64).sum())
            if item in ledger.columns and not ledger.empty else None
        )
        ledger_totals[item] = ledger_total
        column = _BONUS_SHEET_COLUMN.get(item)
        sheet_total = totals.get(column) if column is not None else None
        if ledger_total is None and sheet_total is None:
            continue
        rows.append({"item": item, "ledger_cents": ledger_total, "bonus_sheet_cents": sheet_total})
    frame = pd.DataFrame(rows, columns=["item", "ledger_cents", "bonus_sheet_cents"])
    for column in ("ledger_cents", "bonus_sheet_cents"):
        frame[column] = frame[column].astype("Int64")
    known = [ledger_totals[k] for k in ("carry_in", "withheld", "allocated", "carry_out")]
    if any(v is None for v in known):
        return frame, None
    carry_in, withheld, allocated, carry_out = (int(v) for v in known)  # type: ignore[arg-type]
    redistributed = ledger_totals["redistributed"] or 0
    return frame, carry_in + withheld - allocated - redistributed - carry_out


def _grades(managers: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    if "grade" not in managers.columns or managers.empty:
        return pd.DataFrame({"grade": [], "count": [], "share": []}).astype(
            {"grade": "str", "count": "int64", "share": "float64"}), 0
    counts = managers["grade"].astype(object).fillna("").astype(str).value_counts().sort_index()
    total = int(counts.sum())
    frame = pd.DataFrame({
        "grade": counts.index.astype(str),
        "count": counts.to_numpy(dtype=np.int64),
        "share": counts.to_numpy(dtype=np.float64) / total,
    })
    return frame, total


def _score_statistics(managers: pd.DataFrame) -> pd.DataFrame:
    empty = pd.DataFrame({"statistic": pd.Series([], dtype="str"),
                          "value": pd.Series([], dtype="float64")})
    if "composite" not in managers.columns:
        return empty
    scores = pd.to_numeric(managers["composite"], errors="coerce").dropna()
    if scores.empty:
        return empty
    values = [
        float(len(scores)), scores.mean(), scores.std(ddof=1) if len(scores) > 1 else np.nan,
        scores.min(), scores.quantile(0.25), scores.median(), scores.quantile(0.75), scores.max(),
    ]
    return pd.DataFrame({"statistic": list(_STATISTICS), "value": np.asarray(values, float)})


def _ranks(managers: pd.DataFrame, config: AppraisalConfig) -> pd.DataFrame:
    columns = ["manager_id", "rank_unit", "rank_in_unit", "rank_of"]
    if "rank_in_unit" not in managers.columns or "manager_id" not in managers.columns:
        return pd.DataFrame(columns=columns)
    level = config.scorecard.grading.unit
    if level == "all" or level not in managers.columns:
        units = pd.Series("all", index=managers.index)
    else:
        units = managers[level].astype(object).fillna("").astype(str)
    rank = managers["rank_in_unit"].astype("Int64")
    if rank.isna().all() and "composite" in managers.columns:
        rank = _composite_rank(managers, units)
    ranked = rank.notna()
    of = ranked.groupby(units, sort=False).transform("sum").astype("int64")
    return pd.DataFrame({
        "manager_id": managers["manager_id"].to_numpy(),
        "rank_unit": units.to_numpy(),
        "rank_in_unit": rank.array,
        "rank_of": of.astype("Int64").where(ranked).array,
    })


def _composite_rank(managers: pd.DataFrame, units: pd.Series) -> pd.Series:
    """Rank in the grading unit when the grading gave none (grade bands): the forced
    distribution's order, composite descending (to 9 decimals) then manager_id; managers
    excluded from grading or without a composite are not ranked."""
    composite = pd.to_numeric(managers["composite"], errors="coerce").round(9)
    graded = composite.notna()
    if "excluded" in managers.columns:
        graded &= ~managers["excluded"].astype("boolean").fillna(False).astype(bool)
    frame = pd.DataFrame({"unit": units, "key": composite,
                          "manager_id": managers["manager_id"].astype(str)})[graded]
    ordered = frame.sort_values(["unit", "key", "manager_id"], ascending=[True, False, True],
                                kind="mergesort")
    rank = pd.Series(pd.NA, index=managers.index, dtype="Int64")
    rank.loc[ordered.index] = ordered.groupby("unit", sort=False).cumcount().to_numpy() + 1
    return rank


def _gaps(scores: pd.DataFrame, config: AppraisalConfig) -> pd.DataFrame:
    columns = ["manager_id", "dimension", "indicator", "actual", "target", "gap", "measure",
               "unit"]
    if scores.empty or not {"manager_id", "indicator", "actual", "target"} <= set(scores.columns):
        return pd.DataFrame(columns=columns)
    measures = {i.id: indicator_measure(i) for i in config.scorecard.all_indicators()}
    indicator = scores["indicator"].astype(str)
    actual = pd.to_numeric(scores["actual"], errors="coerce").astype("float64")
    target = pd.to_numeric(scores["target"], errors="coerce").astype("float64")
    frame = pd.DataFrame({
        "manager_id": _column(scores["manager_id"]),
        "dimension": _column(scores["dimension"]) if "dimension" in scores.columns else "",
        "indicator": _column(indicator),
        "actual": actual.to_numpy(),
        "target": target.to_numpy(),
        "gap": (actual - target).to_numpy(),
        "measure": _per_value(indicator, lambda i: measures.get(i, ("number", None))[0]),
        "unit": _per_value(indicator, lambda i: measures.get(i, ("number", None))[1]),
    })
    return frame.reset_index(drop=True)


_TEXT = pd.api.types.pandas_dtype("str")


def _column(values: pd.Series) -> Any:
    """`values.to_numpy()` as a frame column; a text column is passed as it is (the frame
    would rebuild the same text column from one Python object per row)."""
    return values.array if values.dtype == _TEXT and len(values) else values.to_numpy()


def _per_value(values: pd.Series, function: Any) -> Any:
    """`values.map(function).to_numpy()` as a frame column, the function called once per
    distinct value and its results taken for every row."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Series(pd.Series(distinct).map(function).to_numpy())
    return mapped.array.take(codes)


def _chart_level(managers: pd.DataFrame) -> str | None:
    """The finest unit level with at most 20 units (else the coarsest one present)."""
    present = [level for level in CHART_UNIT_LEVELS if level in managers.columns]
    for level in present:
        if managers[level].nunique(dropna=True) <= MAX_CHART_UNITS:
            return level
    return present[-1] if present else None


def _shown_units(managers: pd.DataFrame, level: str) -> tuple[pd.Series, pd.DataFrame]:
    """Each manager's displayed unit (the 19 largest units by headcount, the rest `other`)."""
    units = managers[level].astype(object).fillna("").astype(str)
    counts = units.value_counts().sort_index()
    if len(counts) > MAX_CHART_UNITS:
        largest = counts.sort_values(ascending=False, kind="stable").index[: MAX_CHART_UNITS - 1]
        shown_of = {u: (u if u in set(largest) else OTHER_UNITS) for u in counts.index}
    else:
        shown_of = {u: u for u in counts.index}
    table = pd.DataFrame({"unit": counts.index.astype(str),
                          "managers": counts.to_numpy(dtype=np.int64)})
    table["shown"] = table["unit"].map(shown_of)
    return units.map(shown_of), table


def _charts(
    managers: pd.DataFrame, rollups: pd.DataFrame, config: AppraisalConfig
) -> tuple[str | None, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    empty = pd.DataFrame()
    level = _chart_level(managers)
    if level is None or managers.empty:
        return None, empty, empty, empty, empty
    shown, units = _shown_units(managers, level)
    bonus = empty
    if {"level", "unit", "bonus_final"} <= set(rollups.columns):
        rows = rollups.loc[rollups["level"] == level, ["unit", "bonus_final"]]
        mapping = dict(zip(units["unit"], units["shown"], strict=True))
        rows = rows.assign(shown=rows["unit"].astype(str).map(mapping).fillna(OTHER_UNITS))
        bonus = (rows.groupby("shown", sort=True)["bonus_final"].sum().astype("int64")
                 .reset_index())
    grades = empty
    if "grade" in managers.columns:
        grade = managers["grade"].astype(object).fillna("").astype(str)
        grades = (pd.crosstab(shown, grade).sort_index().sort_index(axis=1)
                  .stack().rename("count").reset_index())
        grades.columns = ["shown", "grade", "count"]
    dimensions = [d.id for d in config.scorecard.dimensions]
    if config.scorecard.additional is not None:
        dimensions.append(config.scorecard.additional.id)
    present = [d for d in dimensions if f"{d}_score" in managers.columns]
    means = empty
    if present:
        table = managers[[f"{d}_score" for d in present]].groupby(shown).mean().sort_index()
        table.columns = present
        means = table.stack().rename("value").reset_index()
        means.columns = ["shown", "dimension", "value"]
    return level, units, bonus, grades, means


def _histogram(managers: pd.DataFrame) -> pd.DataFrame:
    if "composite" not in managers.columns:
        return pd.DataFrame(columns=["bin_left", "bin_right", "count"])
    scores = pd.to_numeric(managers["composite"], errors="coerce").dropna().to_numpy()
    if scores.size == 0:
        return pd.DataFrame(columns=["bin_left", "bin_right", "count"])
    bins = np.histogram_bin_edges(scores, bins=min(30, max(5, int(np.sqrt(scores.size)))))
    counts, edges = np.histogram(scores, bins=bins)
    return pd.DataFrame({"bin_left": edges[:-1], "bin_right": edges[1:],
                         "count": counts.astype(np.int64)})


def compute_summary(
    managers: pd.DataFrame,
    scores: pd.DataFrame,
    rollups: pd.DataFrame,
    pool_ledger: pd.DataFrame,
    config: AppraisalConfig,
) -> SummaryResult:
    """The summary figures of a run from its assembled frames (money columns in int cents)."""
    totals = _totals(rollups)
    pool, difference = _pool(pool_ledger, totals)
    grades, graded = _grades(managers)
    level, units, bonus, unit_grades, means = _charts(managers, rollups, config)
    return SummaryResult(
        totals=totals,
        pool=pool,
        pool_difference_cents=difference,
        grades=grades,
        graded=graded,
        score_statistics=_score_statistics(managers),
        ranks=_ranks(managers, config),
        gaps=_gaps(scores, config),
        chart_level=level,
        chart_units=units,
        unit_bonus=bonus,
        unit_grades=unit_grades,
        unit_dimension_means=means,
        score_histogram=_histogram(managers),
        scheme=compute_scheme(managers, config),
    )


def _scaled_cents(yuan: float | None, months: int) -> int | None:
    return None if yuan is None else int(to_cents(yuan)) * months


def compute_scheme(managers: pd.DataFrame, config: AppraisalConfig) -> SchemeFigures:
    """The bonus scheme's figures as applied (docs/bonus.md): bands and bases scaled by the
    period's months, sub-pools split from the pool by largest remainder, the value of one point
    and each component's rounding residue (rounded cents − exact amount, in yuan)."""
    bonus = config.bonus
    months = config.appraisal_period.months if bonus.funding.amounts_per == "month" else 1
    fixed = bonus.funding.mode == "fixed_pool"
    pool = _scaled_cents(bonus.funding.pool_amount, 1) if fixed else None
    points = {c.id: (managers[f"{c.id}_points"].to_numpy(dtype="float64")
                     if f"{c.id}_points" in managers.columns else np.zeros(len(managers)))
              for c in bonus.components}
    totals = {cid: float(values.sum()) for cid, values in points.items()}
    sub_pools: dict[str, int | None] = dict.fromkeys(points)
    if fixed and pool is not None:
        with_points = [c.share if totals[c.id] > 0 else 0.0 for c in bonus.components]
        if any(with_points):
            split = allocate_cents([exact_fraction(w) for w in with_points], pool)
            sub_pools = {c.id: int(v) for c, v in zip(bonus.components, split.tolist(),
                                                      strict=True)}
    rows, bands, rounding = [], [], {"manager_id": managers["manager_id"].to_numpy()}
    base = (managers["base"].to_numpy(dtype="float64") if "base" in managers.columns
            else np.zeros(len(managers)))
    for component in bonus.components:
        cid = component.id
        base_like = component.kind == "grade" or component.method == "step"
        value = None
        sub_pool = sub_pools.get(cid)
        if fixed:
            value = (sub_pool / totals[cid] / 100.0 if sub_pool and totals[cid] > 0 else 0.0)
            exact = points[cid] * value * 100.0
        else:
            exact = component.share * points[cid] * (base if base_like else 1.0)
        column = f"bonus_{cid}"
        if column in managers.columns:
            rounding[f"{cid}_rounding"] = (managers[column].to_numpy(dtype="float64")
                                           - exact) / 100.0
        rows.append({"component": cid, "kind": component.kind,
                     "method": component.method if component.kind == "profit_band" else None,
                     "share": float(component.share), "factors": ", ".join(component.factors),
                     "sub_pool": sub_pool, "points_total": totals[cid],
                     "point_value_yuan": value})
        for band in component.bands if component.kind == "profit_band" else ():
            bands.append({"component": cid, "band": band.label,
                          "lower": _scaled_cents(band.lower, months),
                          "coefficient": float(band.coefficient)})
    grades = pd.DataFrame(
        [{"grade": g.id, "min_score": g.min_score, "coefficient": float(g.coefficient)}
         for g in config.scorecard.grading.grades], columns=["grade", "min_score", "coefficient"])
    bases = pd.DataFrame(
        [{"job_level": level, "base": _scaled_cents(yuan, months)}
         for level, yuan in bonus.funding.base_by_job_level.items()],
        columns=["job_level", "base"])
    limits = bonus.limits
    guarantee = limits.minimum_guarantee
    limit_rows = [
        ("cap", _scaled_cents(limits.cap, months)),
        ("cap_base_multiple", limits.cap_base_multiple),
        ("floor", _scaled_cents(limits.floor, months)),
        ("guarantee", _scaled_cents(guarantee.amount, months) if guarantee else None),
        ("within_months_of_hire", guarantee.within_months_of_hire if guarantee else None),
    ]
    rescale = None
    if fixed and "limit_applied" in managers.columns:
        moved = managers["limit_applied"].astype(str).to_numpy() == "rescaled"
        parts = sum(managers[f"bonus_{c.id}"].to_numpy(dtype="float64")
                    for c in bonus.components if f"bonus_{c.id}" in managers.columns)
        summed = float(np.asarray(parts)[moved].sum()) if moved.any() else 0.0
        if summed > 0:
            rescale = float(managers["bonus_gross"].to_numpy(dtype="float64")[moved].sum()
                            / summed)
    components = pd.DataFrame(rows, columns=["component", "kind", "method", "share", "factors",
                                             "sub_pool", "points_total", "point_value_yuan"])
    components["sub_pool"] = components["sub_pool"].astype("Int64")
    return SchemeFigures(
        months=months,
        components=components,
        bands=pd.DataFrame(bands, columns=["component", "band", "lower", "coefficient"]),
        grades=grades,
        bases=bases,
        limits=pd.DataFrame(limit_rows, columns=["item", "value"]),
        pool_cents=pool,
        rescale_factor=rescale,
        rounding=pd.DataFrame(rounding),
    )
