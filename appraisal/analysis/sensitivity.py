"""Weight robustness: the smallest change of each AHP weight that changes any manager's grade.

Method: Triantaphyllou, E. & Sánchez, A. (1997) A sensitivity analysis approach for some
deterministic multi-criteria decision-making methods, *Decision Sciences* 28(1), 151–194. For
the weighted sum P_i = Σ_k a_ik W_k, the paper's new weight is W*_k = W_k − δ'_k,i,j (the other
weights unchanged), and alternatives i and j swap at

    δ'_k,i,j = (P_j − P_i) / (a_jk − a_ik)        feasible when −(1 − W_k) <= δ' <= W_k,

the most critical criterion being the one with the smallest relative threshold |δ'| / W_k. The
paper renormalises the weights afterwards, which keeps every ranking because all P_i are divided
by the same 1 − δ'. Grades by score bands are not rankings: a composite is compared with an
absolute cut-off, so here the change is defined on the renormalised level directly:

    W_k → W_k + δ,   W_j → W_j · (1 − W_k − δ) / (1 − W_k)  (j ≠ k; the level still sums to 1)
    composite_m(δ) = composite_m + δ · g_m,   g_m = f_m · (D_mk − Σ_{j≠k} W_j D_mj / (1 − W_k))

(f_m = the proration factor, the service fraction under `joiners_leavers: prorate`, else 1;
the additional points do not move); δ is feasible within [−W_k, 1 − W_k]. At indicator level
the same holds inside the dimension, times the dimension's weight. A ranking swap happens at the
same weights in both definitions: δ = (W_k − δ') / (1 − δ') − W_k = −δ' (1 − W_k) / (1 − δ')
(`renormalised_delta`).

Adapted to grades:
- bands: manager m changes grade when composite_m(δ) reaches the cut-off above (or falls below
  its own band's): δ = (L − tolerance − composite_m) / g_m, the first over all managers, in
  each direction, within [−W_k, 1 − W_k] (`BAND_TOLERANCE` as the grading itself);
- forced distribution: the counts per grade stay; a grade changes when the lowest-ranked
  manager above a quota boundary meets the highest below it, i.e. the first root of
  h(δ) = min_{i above} c_i(δ) − max_{j below} c_j(δ) (concave; a bisection run on every unit's
  every boundary at once, then made exact from the pair that meets:
  δ = (c_i − c_j) / (g_j − g_i)).
Everything is vectorised over managers; no pairs of managers are formed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..config.scorecard import ScorecardConfig
from ..scorecard import BAND_TOLERANCE, ScorecardResult

__all__ = ["WeightSensitivity", "critical_criteria", "renormalised_delta", "ts_threshold",
           "weight_sensitivity", "wsm_thresholds"]

TIE_TOLERANCE = 1e-9
"""Composites this close are tied (the forced ranking compares them to 9 decimals)."""
TIE_STEP = 1e-12
"""Per place in a unit's ranking: breaks ties in the threshold search as manager_id does."""
_COLUMNS = ["level", "matrix", "dimension", "criterion", "weight_current", "delta_up",
            "delta_up_relative", "flips_up", "delta_down", "delta_down_relative", "flips_down",
            "critical_rank"]


def ts_threshold(p_i: float, p_j: float, a_ik: float, a_jk: float) -> float:
    """Triantaphyllou & Sánchez (1997): δ'_k,i,j = (P_j − P_i) / (a_jk − a_ik), the change at
    which W*_k = W_k − δ' (others unchanged) makes P_i and P_j equal; inf when a_ik = a_jk."""
    if a_ik == a_jk:
        return float("inf")
    return (p_j - p_i) / (a_jk - a_ik)


def renormalised_delta(delta_ts: float, weight: float) -> float:
    """The same swap as a change δ of W_k with the other weights renormalised (the convention
    of this module): δ = (W_k − δ') / (1 − δ') − W_k = −δ' (1 − W_k) / (1 − δ')."""
    return -delta_ts * (1.0 - weight) / (1.0 - delta_ts)


def wsm_thresholds(values: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Every threshold of the paper for a weighted sum: for each criterion k and each pair of
    alternatives i ranked above j (P_i > P_j), δ'_k,i,j = (P_j − P_i) / (a_jk − a_ik), its
    relative value δ' / W_k, and whether it is feasible (−(1 − W_k) <= δ' <= W_k; no threshold
    where a_ik = a_jk). Alternatives are numbered 1.. by rank (1 = best), criteria 1.. in
    order, as in the paper's tables."""
    a = np.asarray(values, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    p = a @ w
    order = np.argsort(-p, kind="stable")
    a, p = a[order], p[order]
    n, m = a.shape
    i, j = np.triu_indices(n, 1)
    rows = []
    for k in range(m):
        diff = a[j, k] - a[i, k]
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(diff != 0, (p[j] - p[i]) / diff, np.inf)
        feasible = np.isfinite(delta) & (delta >= -(1 - w[k])) & (delta <= w[k])
        rows.append(pd.DataFrame({"criterion": k + 1, "i": i + 1, "j": j + 1, "delta": delta,
                                  "relative": delta / w[k], "feasible": feasible}))
    return pd.concat(rows, ignore_index=True)


def critical_criteria(thresholds: pd.DataFrame) -> dict[str, int | None]:
    """The paper's most critical criteria from `wsm_thresholds`: absolute-top (AT) and
    percent-top (PT), the smallest feasible |δ'| and |δ'| / W_k among the pairs with the best
    alternative; absolute-any (AA) and percent-any (PA), among all pairs. None: no feasible
    threshold."""
    feasible = thresholds[thresholds["feasible"]]
    top = feasible[feasible["i"] == 1]

    def smallest(frame: pd.DataFrame, column: str) -> int | None:
        if frame.empty:
            return None
        return int(frame.loc[frame[column].abs().idxmin(), "criterion"])

    return {"AT": smallest(top, "delta"), "PT": smallest(top, "relative"),
            "AA": smallest(feasible, "delta"), "PA": smallest(feasible, "relative")}


@dataclass(frozen=True)
class WeightSensitivity:
    """One row per weight: the smallest increase and decrease that change a grade."""

    table: pd.DataFrame
    grading: str

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for record in self.table.to_dict(orient="records"):
            rows.append({key: (None if value is pd.NA or (isinstance(value, float)
                                                          and np.isnan(value)) else value)
                         for key, value in record.items()})
        return {"method": "Triantaphyllou & Sánchez (1997), Decision Sciences 28(1) 151-194; "
                          "weights of a level renormalised, grades by "
                          f"{self.grading}", "weights": rows}


@dataclass(frozen=True)
class _Managers:
    """The graded managers: composite, proration factor, unit, ids."""

    ids: np.ndarray
    composite: np.ndarray
    factor: np.ndarray
    unit: np.ndarray
    grade: np.ndarray


def _graded(card: ScorecardResult, roster: pd.DataFrame, config: ScorecardConfig) -> _Managers:
    managers = card.managers
    graded = ~managers["excluded"].astype(bool).to_numpy()
    flags = managers["flags"].fillna("").astype(str)
    prorated = flags.str.contains("prorated", regex=False).to_numpy()
    factor = np.where(prorated, managers["service_fraction"].to_numpy(dtype="float64"), 1.0)
    unit_column = config.grading.unit
    if config.grading.method == "forced" and unit_column != "all":
        units = roster.assign(manager_id=roster["manager_id"].astype(str)).set_index(
            "manager_id")[unit_column].astype(str)
        unit = units.reindex(managers["manager_id"].astype(str)).fillna("").to_numpy(dtype=object)
    else:
        unit = np.full(len(managers), "all", dtype=object)
    grades = {g.id: k for k, g in enumerate(config.grading.grades)}
    grade = managers["grade"].map(grades).fillna(-1).to_numpy(dtype="int64")
    return _Managers(managers["manager_id"].astype(str).to_numpy(dtype=object)[graded],
                     managers["composite"].to_numpy(dtype="float64")[graded], factor[graded],
                     unit[graded], grade[graded])


def _slopes(values: np.ndarray, weights: np.ndarray, k: int, scale: np.ndarray) -> np.ndarray:
    """g_m for criterion k of a level: scale_m · (v_mk − Σ_{j≠k} w_j v_mj / (1 − w_k))."""
    rest = values @ weights - values[:, k] * weights[k]
    return scale * (values[:, k] - rest / (1.0 - weights[k]))


def _band_events(m: _Managers, slope: np.ndarray, bounds: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per manager the δ at which they reach the cut-off above (up) and leave their band (down),
    NaN where they never do; and the bound they cross in each case."""
    idx = m.grade
    upper = np.where(idx > 0, bounds[np.clip(idx - 1, 0, None)], np.nan)  # next better band
    lower = np.where(idx < len(bounds), bounds[np.clip(idx, None, len(bounds) - 1)], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_upper = (upper - BAND_TOLERANCE - m.composite) / slope
        to_lower = (lower - BAND_TOLERANCE - m.composite) / slope
    # reaching the better band needs composite to rise: slope and δ of the same sign
    to_upper = np.where(np.isfinite(to_upper) & (slope != 0), to_upper, np.nan)
    to_lower = np.where(np.isfinite(to_lower) & (slope != 0), to_lower, np.nan)
    return to_upper, to_lower, np.column_stack([upper, lower])


def _first_band(m: _Managers, slope: np.ndarray, bounds: np.ndarray, low: float, high: float,
                grades: list[str]) -> tuple[tuple[float, str], tuple[float, str]]:
    """(δ, what flips) for the first grade change above 0 (up to `high`) and below 0 (down to
    `low`)."""
    to_upper, to_lower, crossed = _band_events(m, slope, bounds)
    events = np.column_stack([to_upper, to_lower])
    result = []
    for positive, limit in ((True, high), (False, low)):
        ok = events > 0 if positive else events < 0
        ok &= np.abs(events) <= abs(limit) + 1e-15
        if not ok.any():
            result.append((np.nan, ""))
            continue
        magnitude = np.where(ok, np.abs(events), np.inf)
        row, col = np.unravel_index(np.argmin(magnitude), magnitude.shape)
        delta = float(events[row, col])
        grade = int(m.grade[row])
        other = grade - 1 if col == 0 else grade + 1
        bound = float(crossed[row, col])
        result.append((delta, f"{m.ids[row]} {grades[grade]}→{grades[other]} ({bound:g})"))
    return result[0], result[1]


def _forced_counts(size: int, quotas: np.ndarray) -> np.ndarray:
    exact = np.round(size * quotas, 9)
    base = np.floor(exact)
    left = size - base.sum()
    order = np.argsort(-(exact - base), kind="stable")
    place = np.argsort(order, kind="stable")
    return (base + (place < left)).astype(int)


@dataclass(frozen=True)
class _Boundaries:
    """Every quota boundary of every unit, as segments of manager positions: for boundary b,
    `up[up_start[b]:up_start[b+1]]` are the managers ranked above it, `down[...]` below."""

    up: np.ndarray
    up_start: np.ndarray
    down: np.ndarray
    down_start: np.ndarray
    label: list[str]
    rank: np.ndarray  # each manager's place in their unit's ranking at δ = 0 (0 = best)


def _boundaries(m: _Managers, quotas: np.ndarray, grades: list[str]) -> _Boundaries:
    """The ranking at δ = 0 (composite to 9 decimals descending, then manager_id) and each
    unit's quota boundaries; built once, whatever weight moves."""
    key = np.round(m.composite, 9)
    up: list[np.ndarray] = []
    down: list[np.ndarray] = []
    label: list[str] = []
    rank = np.zeros(len(key), dtype=np.int64)
    for unit in pd.unique(m.unit):
        members = np.flatnonzero(m.unit == unit)
        order = members[np.lexsort((m.ids[members], -key[members]))]
        rank[order] = np.arange(len(order))
        counts = np.cumsum(_forced_counts(len(order), quotas))
        for g, boundary in enumerate(counts[:-1]):
            if 0 < boundary < len(order):
                up.append(order[:boundary])
                down.append(order[boundary:])
                label.append(f"{grades[g]}/{grades[g + 1]}, {unit}")

    def flat(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return values.astype(np.int64), starts

    up_values, up_start = flat(up)
    down_values, down_start = flat(down)
    return _Boundaries(up_values, up_start, down_values, down_start, label, rank)


def _segment_arg(values: np.ndarray, starts: np.ndarray, pick: str) -> np.ndarray:
    """Position (in `values`) of the smallest (`pick` min) or largest value of each segment."""
    segment = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    order = np.lexsort((values if pick == "min" else -values, segment))
    return order[starts[:-1]]


def _first_forced(m: _Managers, slope: np.ndarray, bounds: _Boundaries, limit: float
                  ) -> tuple[float, str]:
    """First δ in (0, limit] (or [limit, 0)) at which, at some quota boundary, the lowest line
    above meets the highest line below: h_b(δ) = min_up(c + δg) − max_down(c + δg) is concave
    with h_b(0) >= 0; bisection on every boundary at once (vectorised), then the exact crossing
    of the pair that meets, δ = (c_i − c_j) / (g_j − g_i). Two managers tied at a boundary
    (h_b(0) = 0, the manager_id ranks them) swap at δ = 0 in the direction in which the one
    below gains: threshold 0, with the pair."""
    count = len(bounds.label)
    if count == 0 or limit == 0:
        return np.nan, ""
    c_up, g_up = m.composite[bounds.up], slope[bounds.up]
    c_dn, g_dn = m.composite[bounds.down], slope[bounds.down]
    # the search ranks equal composites as the grading does (manager_id): each composite less
    # TIE_STEP per place in the ranking, so a permanent tie (equal slopes) never meets
    k_up = c_up - TIE_STEP * bounds.rank[bounds.up]
    k_dn = c_dn - TIE_STEP * bounds.rank[bounds.down]
    up_seg = np.repeat(np.arange(count), np.diff(bounds.up_start))
    dn_seg = np.repeat(np.arange(count), np.diff(bounds.down_start))

    def gap(delta: np.ndarray) -> np.ndarray:
        low = np.minimum.reduceat(k_up + delta[up_seg] * g_up, bounds.up_start[:-1])
        high = np.maximum.reduceat(k_dn + delta[dn_seg] * g_dn, bounds.down_start[:-1])
        return low - high

    inside = np.zeros(count)
    outside = np.full(count, limit)
    meets = gap(outside) <= 0
    if not meets.any():
        return np.nan, ""
    for _ in range(100):
        middle = (inside + outside) / 2
        positive = gap(middle) > 0
        inside = np.where(positive, middle, inside)
        outside = np.where(positive, outside, middle)
    i = _segment_arg(k_up + outside[up_seg] * g_up, bounds.up_start, "min")
    j = _segment_arg(k_dn + outside[dn_seg] * g_dn, bounds.down_start, "max")
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(g_dn[j] != g_up[i], (c_up[i] - c_dn[j]) / (g_dn[j] - g_up[i]), outside)
    # an exact tie at the boundary (equal composites, the manager_id decides) flips at once:
    # threshold 0, in the direction in which the one below gains
    tie = (meets & (np.abs(c_up[i] - c_dn[j]) <= TIE_TOLERANCE)
           & ((g_dn[j] - g_up[i]) * np.sign(limit) > 0))
    exact = np.where(tie, 0.0, exact)
    exact = np.where(meets & ((np.sign(exact) == np.sign(limit)) | tie), exact, np.nan)
    if np.isnan(exact).all():
        return np.nan, ""
    b = int(np.nanargmin(np.abs(exact)))
    return float(exact[b]), (f"{m.ids[bounds.up[i[b]]]} ↔ {m.ids[bounds.down[j[b]]]} "
                             f"({bounds.label[b]})")


def _levels(card: ScorecardResult, config: ScorecardConfig
            ) -> Iterable[tuple[str, str, str, list[str], np.ndarray, np.ndarray, np.ndarray]]:
    """(level, matrix, dimension, criteria, values managers × criteria, weights, scale)."""
    managers = card.managers
    dims = [d.id for d in config.dimensions]
    values = managers[[f"{d}_score" for d in dims]].to_numpy(dtype="float64")
    weights = np.array([card.dimension_weights[d] for d in dims])
    matrix = config.matrix if config.dimension_weights is None else "fixed"
    yield "dimension", matrix, "", dims, values, weights, np.ones(len(managers))
    scores = card.scores
    pivot = scores.pivot(index="manager_id", columns="indicator", values="score")
    pivot = pivot.reindex(managers["manager_id"].astype(str)).fillna(0.0)
    for d in config.dimensions:
        ids = [i.id for i in d.indicators]
        if len(ids) < 2:
            continue
        local = np.array([card.indicator_weights[d.id][i] for i in ids])
        scale = np.full(len(managers), card.dimension_weights[d.id])
        yield ("indicator", d.matrix_id if d.weights is None else "fixed", d.id, ids,
               pivot[ids].to_numpy(dtype="float64"), local, scale)


def weight_sensitivity(card: ScorecardResult, roster: pd.DataFrame,
                       config: ScorecardConfig) -> WeightSensitivity:
    """For every weight of every level with two or more criteria: the smallest increase and
    decrease (others renormalised) that change any graded manager's grade, absolute and
    relative to the weight, with what flips first; `critical_rank` 1 = most critical."""
    m = _graded(card, roster, config)
    keep = np.isin(card.managers["manager_id"].astype(str).to_numpy(dtype=object), m.ids)
    grading = config.grading
    grades = [g.id for g in grading.grades]
    bounds = np.array([float(g.min_score) for g in grading.grades[:-1]]  # type: ignore[arg-type]
                      ) if grading.method == "bands" else np.zeros(0)
    quotas = np.array([g.quota for g in grading.grades], dtype="float64")
    boundaries = _boundaries(m, quotas, grades) if grading.method == "forced" else None
    rows = []
    for level, matrix, dimension, criteria, values, weights, scale in _levels(card, config):
        for k, criterion in enumerate(criteria):
            w = float(weights[k])
            if w >= 1.0:
                continue
            slope = _slopes(values, weights, k, scale)[keep] * m.factor
            if boundaries is None:
                up, down = _first_band(m, slope, bounds, -w, 1.0 - w, grades)
            else:
                up = _first_forced(m, slope, boundaries, 1.0 - w)
                down = _first_forced(m, slope, boundaries, -w)
            rows.append({
                "level": level, "matrix": matrix, "dimension": dimension or criterion,
                "criterion": criterion, "weight_current": w,
                "delta_up": up[0], "delta_up_relative": up[0] / w if w > 0 else np.nan,
                "flips_up": up[1],
                "delta_down": down[0], "delta_down_relative": down[0] / w if w > 0 else np.nan,
                "flips_down": down[1],
            })
    table = pd.DataFrame(rows, columns=_COLUMNS[:-1])
    smallest = np.fmin(table["delta_up_relative"].abs(), table["delta_down_relative"].abs())
    rank = smallest.rank(method="min", na_option="keep")
    table["critical_rank"] = pd.array(
        [pd.NA if np.isnan(r) else int(r) for r in rank], dtype="Int64")
    return WeightSensitivity(table, grading.method)


def with_weights(weights: Mapping[str, float], criterion: str, delta: float
                 ) -> dict[str, float]:
    """The level's weights after changing `criterion` by `delta`, the others renormalised."""
    w = float(weights[criterion])
    factor = (1.0 - w - delta) / (1.0 - w)
    return {c: (w + delta if c == criterion else float(v) * factor) for c, v in weights.items()}
