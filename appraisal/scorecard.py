"""Balanced-scorecard stage (平衡计分卡): indicator scores → dimension scores → composite → grade.

    DimensionScore_d = Σ_j w_dj · IndicatorScore_dj          (w: local AHP or fixed weights)
    composite        = Σ_d W_d · DimensionScore_d + AdditionalPoints
                     = Σ (global weight · score) over weighted indicators + AdditionalPoints

Source: seeds 篇3 (BSC dimensions, AHP weights, additional dimension with weight 1) and 篇1
(grades with pay coefficients). Rules, edge cases and flags: docs/scorecard.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config.base import Period
from .config.scorecard import (
    RATER_TYPES,
    DirectRule,
    Feedback360Config,
    Indicator,
    LowerBetterRule,
    PercentileRule,
    PiecewiseRule,
    RatioRule,
    ScaleRule,
    ScorecardConfig,
)
from .errors import AppraisalError, InputError, InputIssue
from .scoring import (
    clip_scores,
    direct_score,
    lower_better,
    percentile_rank,
    piecewise_breakpoints,
    piecewise_linear,
    ratio_to_target,
    scale_mapping,
)
from .tenure import service_fraction, years_of_service

__all__ = [
    "BAND_TOLERANCE",
    "ScorecardResult",
    "combine_360",
    "compute_scorecard",
    "forced_distribution",
    "grade_by_bands",
    "resolve_weights",
]

BAND_TOLERANCE = 1e-9
"""A composite within this distance below a band's lower bound reaches the band (float noise)."""

_WEIGHT_TOLERANCE = 1e-6
_SCORE_COLUMNS = [
    "manager_id", "dimension", "indicator", "source", "rule", "actual", "target", "input_row",
    "raw_score", "score", "local_weight", "dimension_weight", "global_weight", "contribution",
    "flags",
]


@dataclass(frozen=True)
class ScorecardResult:
    """Scorecard outputs.

    scores: scores.csv, one row per employed manager × indicator (actual, target, rule, raw and
        capped score, local/dimension/global weight, contribution, flags).
    managers: one row per roster manager: `<dimension>_score`, additional points, composite,
        grade, grade_coefficient, tenure columns, flags.
    dimension_weights / indicator_weights: the weights used at each level (each sums to 1).
    """

    scores: pd.DataFrame
    managers: pd.DataFrame
    dimension_weights: dict[str, float]
    indicator_weights: dict[str, dict[str, float]]
    grade_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension_weights": dict(self.dimension_weights),
            "indicator_weights": {k: dict(v) for k, v in self.indicator_weights.items()},
            "grade_counts": dict(self.grade_counts),
        }


# --------------------------------------------------------------------------- weights

def _level_weights(
    matrix: str, criteria: list[str], fixed: Mapping[str, float] | None,
    local_weights: Mapping[str, Mapping[str, float]], what: str,
) -> dict[str, float]:
    if fixed is not None:
        return {c: float(fixed[c]) for c in criteria}
    if len(criteria) == 1:
        return {criteria[0]: 1.0}
    if matrix not in local_weights:
        raise AppraisalError(
            f"no AHP weights for matrix '{matrix}' ({what}); add its judgments to the judgments "
            f"table or give fixed weights in the scorecard config"
        )
    given = local_weights[matrix]
    missing = [c for c in criteria if c not in given]
    extra = [c for c in given if c not in criteria]
    if missing or extra:
        raise AppraisalError(
            f"AHP matrix '{matrix}' ({what}) must weigh exactly {', '.join(criteria)}; "
            f"missing: {', '.join(missing) or '-'}; unexpected: {', '.join(map(str, extra)) or '-'}"
        )
    weights = {c: float(given[c]) for c in criteria}
    bad = [c for c, w in weights.items() if not (math.isfinite(w) and w >= 0.0)]
    total = sum(weights.values())
    if bad or abs(total - 1.0) > _WEIGHT_TOLERANCE:
        raise AppraisalError(
            f"AHP matrix '{matrix}' ({what}): weights must be finite, >= 0 and sum to 1; "
            f"got {weights}"
        )
    return weights


def resolve_weights(
    config: ScorecardConfig, local_weights: Mapping[str, Mapping[str, float]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Dimension weights W_d and local indicator weights w_dj (fixed, AHP or 1 for a single one).

    The additional dimension is not weighed: its points are added with weight 1.
    """
    dims = [d.id for d in config.dimensions]
    dimension_weights = _level_weights(
        config.matrix, dims, config.dimension_weights, local_weights, "dimension weights"
    )
    indicator_weights = {
        d.id: _level_weights(
            d.matrix_id, [i.id for i in d.indicators], d.weights, local_weights,
            f"indicators of dimension '{d.id}'",
        )
        for d in config.dimensions
    }
    return dimension_weights, indicator_weights


# --------------------------------------------------------------------------- 360 feedback

def combine_360(
    ratings: pd.DataFrame, config: Feedback360Config, manager_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per manager: mean rating per rater type and the type-weighted rating (on the rating scale).

    A type counts when it has at least `min_raters` ratings; the weights of the counted types are
    renormalised to 1. `rating` is NaN when no weighted type counts (the stage then applies the
    indicator's missing-actual policy). `types_missing` names weighted types that do not count,
    `types_below_min` those with some but too few raters ('+'-separated).
    """
    frame = pd.DataFrame({
        "manager_id": _text(ratings["manager_id"]),
        "rater_type": _text(ratings["rater_type"]),
        "score": ratings["score"].astype("float64").to_numpy(),
    })
    grouped = frame.groupby(["manager_id", "rater_type"])["score"].agg(["mean", "count"])
    mean = grouped["mean"].unstack().reindex(columns=list(RATER_TYPES))
    count = grouped["count"].unstack().reindex(columns=list(RATER_TYPES))
    if manager_ids is not None:
        index = pd.Index(_text(list(manager_ids)), name="manager_id")
        mean, count = mean.reindex(index), count.reindex(index)
    counts = count.fillna(0).to_numpy(dtype="float64")
    means = mean.to_numpy(dtype="float64")
    minimum = np.array([config.min_raters.get(t, 1) for t in RATER_TYPES], dtype="float64")
    weight = np.array([config.type_weights.get(t, 0.0) for t in RATER_TYPES], dtype="float64")
    counted = counts >= minimum[None, :]
    used = np.where(counted, weight[None, :], 0.0)
    total = used.sum(axis=1)
    weighted = (used * np.where(counted, means, 0.0)).sum(axis=1)
    rating = np.where(total > 0.0, weighted / np.where(total > 0.0, total, 1.0), np.nan)
    missing = ~counted & (weight[None, :] > 0.0)
    below = (counts > 0) & ~counted & (weight[None, :] > 0.0)
    result = pd.DataFrame(index=mean.index)
    for i, rater in enumerate(RATER_TYPES):
        result[f"{rater}_mean"] = means[:, i]
        result[f"{rater}_raters"] = counts[:, i].astype("int64")
    result["rating"] = rating
    result["types_missing"] = _join_codes(
        len(result), [(t, missing[:, i]) for i, t in enumerate(RATER_TYPES)], "+")
    result["types_below_min"] = _join_codes(
        len(result), [(t, below[:, i]) for i, t in enumerate(RATER_TYPES)], "+")
    return result


# --------------------------------------------------------------------------- grades

def grade_by_bands(composite: object, min_scores: Sequence[float]) -> np.ndarray:
    """Index of the grade (0 = best) whose band holds each composite.

    `min_scores` are the lower bounds of every grade but the last, falling strictly; a composite
    within BAND_TOLERANCE below a bound reaches it.
    """
    c = np.asarray(composite, dtype="float64")
    bounds = np.asarray(min_scores, dtype="float64")
    return (c[:, None] + BAND_TOLERANCE < bounds[None, :]).sum(axis=1).astype("int64")


def forced_distribution(
    composite: object, manager_id: object, unit: object, quotas: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Forced distribution within each unit: (grade index, 1-based rank in unit) per manager.

    Rank: composite descending (rounded to 9 decimals, so float noise is a tie), then manager_id
    ascending. Quota counts per unit: n · quota, floors, then the remaining places go to the
    largest fractional parts (largest remainder; equal parts favour the better grade). The best
    `count_A` ranks get A, the next `count_B` get B, and so on.
    """
    c = np.round(np.asarray(composite, dtype="float64"), 9)
    frame = pd.DataFrame({
        "key": c,
        "manager_id": _text(np.asarray(manager_id, dtype=object)),
        "unit": _text(np.asarray(unit, dtype=object)),
        "position": np.arange(c.shape[0]),
    })
    q = np.asarray(quotas, dtype="float64")
    if frame.empty:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    ordered = frame.sort_values(["unit", "key", "manager_id"], ascending=[True, False, True],
                                kind="mergesort")
    codes, units = pd.factorize(ordered["unit"], sort=False)
    rank = ordered.groupby("unit", sort=False).cumcount().to_numpy()
    size = np.bincount(codes, minlength=len(units)).astype("float64")
    exact = np.round(size[:, None] * q[None, :], 9)
    base = np.floor(exact)
    left = size - base.sum(axis=1)
    order = np.argsort(-(exact - base), axis=1, kind="stable")
    place = np.argsort(order, axis=1, kind="stable")
    counts = base + (place < left[:, None])
    bounds = np.cumsum(counts, axis=1)[codes]
    grade = (bounds <= rank[:, None]).sum(axis=1)
    grade_out = np.empty(c.shape[0], dtype="int64")
    rank_out = np.empty(c.shape[0], dtype="int64")
    grade_out[ordered["position"].to_numpy()] = np.minimum(grade, q.shape[0] - 1)
    rank_out[ordered["position"].to_numpy()] = rank + 1
    return grade_out, rank_out


# --------------------------------------------------------------------------- helpers

def _join_codes(
    n: int, parts: list[tuple[str, np.ndarray]], sep: str = ";",
    detail: np.ndarray | None = None,
) -> np.ndarray:
    """Join flag codes per row in a fixed order; `detail` (per-row text) is appended last.

    Rows are grouped by their combination of codes, so the text is built once per combination.
    """
    bits = np.zeros(n, dtype="int64")
    for k, (_, mask) in enumerate(parts):
        bits |= np.asarray(mask, dtype="int64") << k
    combos, inverse = np.unique(bits, return_inverse=True)
    texts = np.array(
        [sep.join(code for k, (code, _) in enumerate(parts) if combo >> k & 1) for combo in combos]
        + [""],
        dtype=object,
    )[:-1]
    out = texts[inverse.reshape(-1)] if n else np.zeros(0, dtype=object)
    if detail is not None:
        extra = np.asarray(detail, dtype=object)
        has = extra != ""
        glue = np.where(out[has] != "", sep, "")
        out = out.copy()
        out[has] = out[has] + glue + extra[has]
    return out


def _text(values: Any) -> np.ndarray:
    """Text ids as a numpy object array (fast to compare and look up)."""
    return pd.Series(values).astype(str).to_numpy(dtype=object)


def _plain(value: Any) -> Any:
    """A cell value as plain Python for messages (None for blanks, 0.5 not np.float64(0.5))."""
    if value is None or (isinstance(value, float | np.floating) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _file(frame: pd.DataFrame | None, default: str) -> str:
    if frame is None:
        return default
    return str(frame.attrs.get("file", default))


def _rows(frame: pd.DataFrame) -> np.ndarray:
    if "_row" in frame.columns:
        return frame["_row"].to_numpy()
    return np.full(len(frame), None, dtype=object)


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _needs_columns(frame: pd.DataFrame, columns: Sequence[str], file: str) -> list[InputIssue]:
    return [
        InputIssue(file, None, column, "required column is missing")
        for column in columns if column not in frame.columns
    ]


def _indicator_rows(
    indicators: pd.DataFrame, config: ScorecardConfig, roster_ids: pd.Index, file: str
) -> tuple[pd.DataFrame, list[InputIssue]]:
    """The indicators table checked against the config and roster: one row per manager × id."""
    issues = _needs_columns(indicators, ["manager_id", "indicator"], file)
    if issues:
        return pd.DataFrame(), issues
    sources = {i.id: i.source for i in config.all_indicators()}
    rows = pd.DataFrame({
        "manager_id": _text(indicators["manager_id"]),
        "indicator": _text(indicators["indicator"]),
        "table_actual": _numbers(indicators, "actual"),
        "table_target": _numbers(indicators, "target"),
        "input_row": _rows(indicators),
    })
    unknown = ~pd.Index(rows["indicator"].to_numpy(dtype=object), dtype=object).isin(list(sources))
    known = ", ".join(sources)
    issues += [
        InputIssue(file, _plain(r), "indicator", "indicator not declared in scorecard config", v,
                   f"one of {known}")
        for r, v in zip(rows["input_row"][unknown], rows["indicator"][unknown], strict=True)
    ]
    stranger = ~pd.Index(rows["manager_id"].to_numpy(dtype=object), dtype=object).isin(roster_ids)
    issues += [
        InputIssue(file, _plain(r), "manager_id", "manager not in the roster", v)
        for r, v in zip(rows["input_row"][stranger], rows["manager_id"][stranger], strict=True)
    ]
    repeated = rows.duplicated(["manager_id", "indicator"], keep="first").to_numpy()
    issues += [
        InputIssue(file, _plain(r), "indicator", f"second row for manager '{m}' and this indicator",
                   v)
        for r, m, v in zip(rows["input_row"][repeated], rows["manager_id"][repeated],
                           rows["indicator"][repeated], strict=True)
    ]
    source = rows["indicator"].map(sources).fillna("indicators").to_numpy()
    elsewhere = (source != "indicators") & np.isfinite(rows["table_actual"].to_numpy())
    issues += [
        InputIssue(file, _plain(r), "actual", f"the actual of '{i}' comes from {s}; leave this "
                   "cell blank (only its target is read here)", _plain(a))
        for r, i, s, a in zip(rows["input_row"][elsewhere], rows["indicator"][elsewhere],
                              source[elsewhere], rows["table_actual"][elsewhere], strict=True)
    ]
    keep = ~(unknown | stranger | repeated)
    return rows[keep].reset_index(drop=True), issues


def _check_scale(
    frame: pd.DataFrame, rule: ScaleRule, file: str, column: str = "score"
) -> list[InputIssue]:
    values = _numbers(frame, column)
    bad = ~(np.isfinite(values) & (values >= rule.low) & (values <= rule.high))
    return [
        InputIssue(file, _plain(r), column, "rating outside the configured scale", _plain(v),
                   f"a number from {rule.low:g} to {rule.high:g}")
        for r, v in zip(_rows(frame)[bad], values[bad], strict=True)
    ]


# --------------------------------------------------------------------------- the stage

def compute_scorecard(
    managers: pd.DataFrame,
    config: ScorecardConfig,
    period: Period,
    *,
    indicators: pd.DataFrame | None = None,
    ratings_360: pd.DataFrame | None = None,
    satisfaction: pd.DataFrame | None = None,
    rorac_by_manager: pd.DataFrame | None = None,
    local_weights: Mapping[str, Mapping[str, float]],
) -> ScorecardResult:
    """Score every employed roster manager on every indicator; composite and grade per manager.

    Raises InputError listing every bad input row at once, AppraisalError for missing weights.
    """
    dimension_weights, indicator_weights = resolve_weights(config, local_weights)
    roster_file = _file(managers, "managers")
    issues = _needs_columns(managers, ["manager_id", "hire_date"], roster_file)
    groups = {
        i.rule.group_by for i in config.all_indicators() if isinstance(i.rule, PercentileRule)
    }
    if config.grading.method == "forced":
        groups.add(config.grading.unit)
    issues += _needs_columns(managers, sorted(groups - {"all"}), roster_file)
    InputError.collect(issues)
    repeated = managers["manager_id"].astype(str).duplicated().to_numpy()
    InputError.collect(
        InputIssue(roster_file, _plain(r), "manager_id", "manager appears twice in the roster", v)
        for r, v in zip(_rows(managers)[repeated], _text(managers["manager_id"])[repeated],
                        strict=True)
    )

    roster = managers.reset_index(drop=True)
    roster_ids = pd.Index(_text(roster["manager_id"]), dtype=object, name="manager_id")
    fraction = service_fraction(roster, period).to_numpy(dtype="float64")
    years = pd.Series(years_of_service(roster, period).to_numpy(dtype="float64"), index=roster_ids)
    hire = pd.to_datetime(roster["hire_date"])
    leave = (pd.to_datetime(roster["leave_date"]) if "leave_date" in roster.columns
             else pd.Series(pd.NaT, index=roster.index))
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    joined = ((hire > start) & (hire <= end)).to_numpy()
    left = (leave.notna() & (leave >= start) & (leave <= end)).to_numpy()
    employed = fraction > 0.0

    # grid: employed managers (by manager_id) × indicators (config order)
    declared: list[tuple[str, Indicator, bool]] = [
        (d.id, i, False) for d in config.dimensions for i in d.indicators
    ]
    if config.additional is not None:
        declared += [(config.additional.id, i, True) for i in config.additional.indicators]
    staff = np.sort(roster_ids[employed].to_numpy(dtype=object))
    n_ind = len(declared)
    code = np.tile(np.arange(n_ind), len(staff))
    manager_col = np.repeat(staff, n_ind)

    def per_indicator(values: list[Any]) -> np.ndarray:
        return np.asarray(values, dtype=object)[code]

    grid = pd.DataFrame({
        "manager_id": manager_col,
        "dimension": per_indicator([d for d, _, _ in declared]),
        "indicator": per_indicator([i.id for _, i, _ in declared]),
        "source": per_indicator([i.source for _, i, _ in declared]),
        "rule": per_indicator([i.rule.kind for _, i, _ in declared]),
    })
    is_additional = np.asarray([a for _, _, a in declared], dtype=bool)[code]

    indicators_file = _file(indicators, "indicators")
    table_actual = np.full(len(grid), np.nan)
    table_target = np.full(len(grid), np.nan)
    input_row = pd.array([pd.NA] * len(grid), dtype="Int64")
    if indicators is not None:
        rows, found = _indicator_rows(indicators, config, roster_ids, indicators_file)
        issues += found
        if not rows.empty:
            merged = grid[["manager_id", "indicator"]].merge(
                rows, on=["manager_id", "indicator"], how="left", validate="one_to_one"
            )
            table_actual = merged["table_actual"].to_numpy(dtype="float64")
            table_target = merged["table_target"].to_numpy(dtype="float64")
            input_row = pd.array(merged["input_row"], dtype="Int64")

    by_manager = _source_values(
        config, grid_ids=roster_ids, issues=issues, years=years,
        ratings_360=ratings_360, satisfaction=satisfaction, rorac_by_manager=rorac_by_manager,
        indicators=indicators,
    )

    source_files = {
        "rorac_amount": _file(rorac_by_manager, "rorac stage result"),
        "rorac_ratio": _file(rorac_by_manager, "rorac stage result"),
        "ratings_360": _file(ratings_360, "ratings_360"),
        "satisfaction": _file(satisfaction, "satisfaction"),
        "tenure_years": roster_file,
    }
    actual = table_actual.copy()
    target = table_target.copy()
    raw = np.zeros(len(grid))
    extra_flags = np.full(len(grid), "", dtype=object)
    flags: dict[str, np.ndarray] = {
        name: np.zeros(len(grid), dtype=bool)
        for name in ("actual_missing", "target_missing", "target_default", "target_zero",
                     "target_negative", "actual_zero", "single_member_group")
    }
    group_values = {
        g: pd.Series(_text(roster[g]), index=roster_ids)
        for g in groups - {"all"}
    }
    for k, (_, ind, _) in enumerate(declared):
        at = np.flatnonzero(code == k)
        ids = manager_col[at]
        if ind.source != "indicators":
            values = by_manager.get(ind.source)
            actual[at] = (values.reindex(ids).to_numpy(dtype="float64")
                          if values is not None else np.nan)
        if ind.source == "ratings_360" and "ratings_360_flags" in by_manager:
            extra_flags[at] = by_manager["ratings_360_flags"].reindex(ids).fillna("").to_numpy()
        if ind.default_target is not None:
            use_default = ~np.isfinite(target[at])
            target[at] = np.where(use_default, ind.default_target, target[at])
            flags["target_default"][at] = use_default
        issues += _score_indicator(
            ind, at, actual, target, raw, flags, input_row, ids, indicators_file,
            group_values, source_files.get(ind.source, ind.source),
        )
    InputError.collect(issues)

    local = np.array([indicator_weights[d][i.id] if not a else 1.0 for d, i, a in declared])[code]
    dim_weight = np.array([dimension_weights[d] if not a else 1.0 for d, _, a in declared])[code]
    score = raw.copy()
    capped = np.zeros(len(grid), dtype=bool)
    floored = np.zeros(len(grid), dtype=bool)
    for k, (_, ind, _) in enumerate(declared):
        at = code == k
        score[at], capped[at], floored[at] = clip_scores(raw[at], cap=ind.cap, floor=ind.floor)
    global_weight = local * dim_weight
    contribution = global_weight * score

    scores = grid.assign(
        actual=actual, target=target, input_row=input_row, raw_score=raw, score=score,
        local_weight=local, dimension_weight=dim_weight, global_weight=global_weight,
        contribution=contribution,
        flags=_join_codes(len(grid), [
            *flags.items(), ("capped", capped), ("floored", floored),
        ], detail=extra_flags),
    )[_SCORE_COLUMNS]
    managers_out = _manager_rows(
        config, scores, is_additional, roster_ids, fraction, joined, left, employed, roster,
        by_manager.get("ratings_360_flags"),
    )
    counts = managers_out["grade"].value_counts()
    grade_counts = {g.id: int(counts.get(g.id, 0)) for g in config.grading.grades}
    return ScorecardResult(scores=scores, managers=managers_out,
                           dimension_weights=dimension_weights,
                           indicator_weights=indicator_weights, grade_counts=grade_counts)


def _source_values(
    config: ScorecardConfig, *, grid_ids: pd.Index, issues: list[InputIssue], years: pd.Series,
    ratings_360: pd.DataFrame | None, satisfaction: pd.DataFrame | None,
    rorac_by_manager: pd.DataFrame | None, indicators: pd.DataFrame | None,
) -> dict[str, pd.Series]:
    """Per-manager actuals of the non-table sources (index manager_id)."""
    needed = {i.source: i for i in config.all_indicators()}
    out: dict[str, pd.Series] = {}
    if "indicators" in needed and indicators is None:
        issues.append(InputIssue("indicators", None, None,
                                 f"table not supplied, but indicator '{needed['indicators'].id}' "
                                 "reads it", expected="inputs.indicators in the config"))
    for source in ("rorac_amount", "rorac_ratio"):
        if source not in needed:
            continue
        column = "rorac" if source == "rorac_amount" else "rorac_ratio"
        if rorac_by_manager is None:
            issues.append(InputIssue("rorac stage result", None, column,
                                     f"missing, but indicator '{needed[source].id}' reads it"))
            continue
        file = _file(rorac_by_manager, "rorac stage result")
        found = _needs_columns(rorac_by_manager, ["manager_id", column], file)
        issues += found
        if not found:
            ids = _text(rorac_by_manager["manager_id"])
            out[source] = pd.Series(_numbers(rorac_by_manager, column), index=ids)
    for source, table in (("ratings_360", ratings_360), ("satisfaction", satisfaction)):
        if source not in needed:
            continue
        if table is None:
            issues.append(InputIssue(source, None, None,
                                     f"table not supplied, but indicator '{needed[source].id}' "
                                     "reads it", expected=f"inputs.{source} in the config"))
            continue
        file = _file(table, source)
        columns = ["manager_id", "score"] + (["rater_type"] if source == "ratings_360" else [])
        found = _needs_columns(table, columns, file)
        issues += found
        if found:
            continue
        rule = needed[source].rule
        if isinstance(rule, ScaleRule):
            issues += _check_scale(table, rule, file)
        ids = _text(table["manager_id"])
        stranger = ~pd.Index(ids, dtype=object).isin(grid_ids)
        issues += [InputIssue(file, _plain(r), "manager_id", "manager not in the roster", v)
                   for r, v in zip(_rows(table)[stranger], ids[stranger], strict=True)]
        if source == "ratings_360":
            kinds = _text(table["rater_type"])
            odd = ~pd.Index(kinds, dtype=object).isin(list(RATER_TYPES))
            issues += [InputIssue(file, _plain(r), "rater_type", "unknown rater type", v,
                                  "one of " + ", ".join(RATER_TYPES))
                       for r, v in zip(_rows(table)[odd], kinds[odd], strict=True)]
            combined = combine_360(table, config.feedback_360, grid_ids)
            out[source] = combined["rating"]
            missing = combined["types_missing"].to_numpy(dtype=object)
            below = combined["types_below_min"].to_numpy(dtype=object)
            text = np.where(missing != "", "feedback_360_missing:" + missing, "")
            below_text = np.where(below != "", "feedback_360_below_min:" + below, "")
            glue = np.where((text != "") & (below_text != ""), ";", "")
            out["ratings_360_flags"] = pd.Series(text + glue + below_text, index=combined.index,
                                                 dtype=object)
        else:
            frame = pd.DataFrame({"manager_id": ids, "score": _numbers(table, "score")})
            out[source] = frame.groupby("manager_id")["score"].mean()
    if "tenure_years" in needed:
        out["tenure_years"] = years
    return out


def _score_indicator(
    ind: Indicator, at: np.ndarray, actual: np.ndarray, target: np.ndarray, raw: np.ndarray,
    flags: dict[str, np.ndarray], input_row: Any, ids: np.ndarray, file: str,
    group_values: Mapping[str, pd.Series], source_name: str,
) -> list[InputIssue]:
    """Raw score of one indicator's rows (written into `raw`); issues for error policies."""
    issues: list[InputIssue] = []
    a, t = actual[at], target[at]
    rows = np.asarray(input_row[at], dtype=object)
    rows = np.where(pd.isna(rows), None, rows)
    where = file if ind.source == "indicators" else source_name

    def report(mask: np.ndarray, column: str, rule: str, values: np.ndarray | None,
               expected: str = "", in_table: bool = True) -> None:
        for row, manager, value in zip(rows[mask], ids[mask],
                                       values[mask] if values is not None else [None] * mask.sum(),
                                       strict=True):
            issues.append(InputIssue(
                file if in_table else where, _plain(row) if in_table else None, column,
                f"indicator '{ind.id}', manager '{manager}': {rule}", _plain(value), expected,
            ))

    no_actual = ~np.isfinite(a)
    if ind.missing_actual == "error":
        report(no_actual, "actual", "actual is missing", None,
               "a number (or scorecard missing_actual: zero)",
               in_table=ind.source == "indicators")
    flags["actual_missing"][at] = no_actual
    no_target = np.zeros(a.shape, dtype=bool)
    if ind.needs_target:
        no_target = ~np.isfinite(t) & ~no_actual
        if ind.missing_target == "error":
            report(no_target, "target", "target is missing", None,
                   "a number (or default_target / missing_target: zero in the config)")
        flags["target_missing"][at] = no_target
    else:
        target[at] = np.nan
        flags["target_default"][at] = False
    ok = ~no_actual & ~no_target
    rule = ind.rule
    result = np.zeros(a.shape)
    if isinstance(rule, RatioRule):
        zero, negative = ok & (t == 0.0), ok & (t < 0.0)
        if rule.zero_target == "error":
            report(zero, "target", "target is 0, so the completion ratio is undefined", t,
                   "a non-zero target (or rule zero_target: cap_if_exceeded)")
            ok &= ~zero
        if rule.negative_target == "error":
            report(negative, "target", "target is negative", t,
                   "a positive target (or rule negative_target: relative)")
            ok &= ~negative
        flags["target_zero"][at] = zero
        flags["target_negative"][at] = negative
        result[ok] = ratio_to_target(a[ok], t[ok], zero_target_exceeded=ind.cap or 0.0)
    elif isinstance(rule, LowerBetterRule):
        negative = ok & (t < 0.0)
        report(negative, "target", "target of a lower-is-better indicator is negative", t,
               "a target >= 0")
        ok &= ~negative
        flags["actual_zero"][at] = ok & (a <= 0.0)
        at_zero = rule.zero_actual_score if rule.zero_actual_score is not None else ind.cap
        result[ok] = lower_better(a[ok], t[ok], zero_actual_score=float(at_zero or 0.0))
    elif isinstance(rule, PiecewiseRule):
        xs = [p.x for p in rule.points]
        relative = [p.basis == "target" for p in rule.points]
        used_target = np.where(np.isfinite(t), t, 0.0)
        points = piecewise_breakpoints(used_target[ok], xs, relative)
        unordered = np.zeros(a.shape, dtype=bool)
        unordered[np.flatnonzero(ok)] = (np.diff(points, axis=1) < 0).any(axis=1)
        report(unordered, "target", "the piecewise table's breakpoints fall out of order for "
               "this target", t, "a target that keeps target-based points after absolute ones")
        keep = ~unordered[ok]
        ok &= ~unordered
        result[ok] = piecewise_linear(a[ok], points[keep], [p.score for p in rule.points],
                                      extrapolate=rule.extrapolate)
    elif isinstance(rule, ScaleRule):
        outside = ok & ((a < rule.low) | (a > rule.high))
        report(outside, "actual", "value outside the configured scale", a,
               f"a number from {rule.low:g} to {rule.high:g}")
        ok &= ~outside
        result[ok] = scale_mapping(a[ok], low=rule.low, high=rule.high, to_low=rule.to_low,
                                   to_high=rule.to_high)
    elif isinstance(rule, PercentileRule):
        if rule.group_by == "all":
            peer = np.full(ok.sum(), "all", dtype=object)
        else:
            peer = group_values[rule.group_by].reindex(ids[ok]).to_numpy(dtype=object)
        result[ok] = percentile_rank(a[ok], peer, higher_is_better=rule.better == "higher",
                                     single_member_score=rule.single_member_score)
        sizes = pd.Series(peer).map(pd.Series(peer).value_counts()).to_numpy()
        alone = np.zeros(a.shape, dtype=bool)
        alone[np.flatnonzero(ok)] = sizes == 1
        flags["single_member_group"][at] = alone
    elif isinstance(rule, DirectRule):
        result[ok] = direct_score(a[ok])
    raw[at] = result
    return issues


def _manager_rows(
    config: ScorecardConfig, scores: pd.DataFrame, is_additional: np.ndarray,
    roster_ids: pd.Index, fraction: np.ndarray, joined: np.ndarray, left: np.ndarray,
    employed: np.ndarray, roster: pd.DataFrame, flags_360: pd.Series | None,
) -> pd.DataFrame:
    """One row per roster manager: dimension scores, composite, tenure treatment, grade."""
    ids = roster_ids.to_numpy(dtype=object)
    weighted = scores[~is_additional]
    part = weighted["local_weight"] * weighted["score"]
    dims = [d.id for d in config.dimensions]
    dim_scores = (
        part.groupby([weighted["manager_id"], weighted["dimension"]]).sum()
        .unstack().reindex(index=ids, columns=dims).fillna(0.0)
    )
    weighted_score = weighted["contribution"].groupby(weighted["manager_id"]).sum()
    weighted_score = weighted_score.reindex(ids).fillna(0.0).to_numpy()
    out = pd.DataFrame({"manager_id": ids})
    out["service_fraction"] = fraction
    out["joined_during_period"] = joined
    out["left_during_period"] = left
    for dim in dims:
        out[f"{dim}_score"] = dim_scores[dim].to_numpy()
    additional_capped = np.zeros(len(ids), dtype=bool)
    if config.additional is not None:
        extra = scores[is_additional]
        points = extra["score"].groupby(extra["manager_id"]).sum().reindex(ids).fillna(0.0)
        raw_points = points.to_numpy(dtype="float64")
        cap, floor = config.additional.cap, config.additional.floor
        clipped = np.clip(raw_points, -np.inf if floor is None else floor,
                          np.inf if cap is None else cap)
        additional_capped = clipped != raw_points
    else:
        raw_points = clipped = np.zeros(len(ids))
    out["additional_points_raw"] = raw_points
    out["additional_points"] = clipped
    out["weighted_score"] = weighted_score
    before = weighted_score + clipped
    partial = employed & (joined | left)
    mode = config.tenure.joiners_leavers
    prorated = partial & (mode == "prorate")
    excluded = ~employed | (partial & (mode == "exclude"))
    out["composite_before_proration"] = before
    out["composite"] = np.where(prorated, before * fraction, before)
    out["excluded"] = excluded

    grades = config.grading.grades
    graded = ~excluded
    grade_index = np.full(len(ids), -1)
    rank = pd.array([pd.NA] * len(ids), dtype="Int64")
    composite = out["composite"].to_numpy()
    if config.grading.method == "bands":
        bounds = [float(g.min_score) for g in grades[:-1]]  # type: ignore[arg-type]
        grade_index[graded] = grade_by_bands(composite[graded], bounds)
    else:
        unit = config.grading.unit
        units = (np.full(len(ids), "all", dtype=object) if unit == "all"
                 else _text(roster[unit]))
        index, ranks = forced_distribution(composite[graded], ids[graded], units[graded],
                                           [g.quota for g in grades])
        grade_index[graded] = index
        rank_values = np.full(len(ids), -1)
        rank_values[graded] = ranks
        rank = pd.array(np.where(graded, rank_values, 0), dtype="Int64")
        rank[~graded] = pd.NA
    out["rank_in_unit"] = rank
    grade_ids = np.array([g.id for g in grades], dtype=object)
    coefficients = np.array([g.coefficient for g in grades], dtype="float64")
    out["grade"] = np.where(graded, grade_ids[np.maximum(grade_index, 0)], "")
    out["grade_coefficient"] = np.where(
        graded, coefficients[np.maximum(grade_index, 0)],
        np.where(employed, config.tenure.excluded_coefficient, 0.0),
    )
    out["grade"] = out["grade"].astype(str)
    missing_actual = (
        scores["flags"].str.contains("actual_missing", regex=False)
        .groupby(scores["manager_id"]).any().reindex(ids).fillna(False).to_numpy(dtype=bool)
    )
    f360 = (flags_360.reindex(ids).fillna("").to_numpy(dtype=object) if flags_360 is not None
            else np.full(len(ids), "", dtype=object))
    f360 = np.where(employed, f360, "")
    out["flags"] = _join_codes(len(ids), [
        ("not_employed", ~employed), ("joined_during_period", joined),
        ("left_during_period", left), ("prorated", prorated), ("excluded", excluded),
        ("actual_missing", missing_actual), ("additional_capped", additional_capped),
    ], detail=f360)
    return out.sort_values("manager_id", kind="mergesort").reset_index(drop=True)
