"""Indicator scoring rules: raw results onto the 100-point scale (百分制), one function per rule.

Every rule is a pure, vectorised function of numpy arrays; above 100 means the target was
exceeded (超额完成). Inputs must be finite: the scorecard stage resolves missing actuals and
targets (config policy or error) before it calls a rule, so no rule ever returns NaN.
Formulas and the defined results at the edges (target 0, negative target, actual 0) are
documented in docs/scorecard.md.

`RULES` maps each `rule.kind` of the config to its `RuleSpec`: the rows it refuses
(violations), the flags it raises and the score, all pure functions of `RuleRows`. The stage
dispatches on this table; there is no other list of rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import IssueCode

__all__ = [
    "RULES",
    "RuleRows",
    "RuleSpec",
    "Violation",
    "clip_scores",
    "direct_score",
    "lower_better",
    "percentile_rank",
    "piecewise_breakpoints",
    "piecewise_linear",
    "ratio_to_target",
    "scale_mapping",
]


def _finite(name: str, values: object) -> np.ndarray:
    array = np.asarray(values, dtype="float64")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite (resolve missing values before scoring)")
    return array


_LARGEST = float(np.finfo("float64").max)


def _bounded(values: np.ndarray) -> np.ndarray:
    """Overflow (e.g. a target of 1e-320) saturates at the largest float, before the cap."""
    return np.clip(values, -_LARGEST, _LARGEST)


def ratio_to_target(actual: object, target: object, *, zero_target_exceeded: float) -> np.ndarray:
    """Higher is better: 100 · actual / target (plan completion rate, 计划完成率).

    Negative target: 100 + 100 · (actual − target) / |target| (100 at target, +1 per 1 % of
    |target| better; equal to 100 · actual / target whenever target > 0). Target 0: actual > 0
    scores `zero_target_exceeded` (the cap), actual = 0 scores 100, actual < 0 scores 0.
    """
    a = _finite("actual", actual)
    t = _finite("target", target)
    safe = np.where(t == 0.0, 1.0, np.abs(t))
    with np.errstate(over="ignore"):
        ratio = _bounded(100.0 * a / safe)
        relative = _bounded(100.0 + 100.0 * (a - t) / safe)
    at_zero = np.where(a > 0.0, zero_target_exceeded, np.where(a == 0.0, 100.0, 0.0))
    return np.where(t > 0.0, ratio, np.where(t == 0.0, at_zero, relative))


def lower_better(actual: object, target: object, *, zero_actual_score: float) -> np.ndarray:
    """Lower is better (e.g. NPL ratio, 不良率): 100 · target / actual.

    Actual <= 0 (nothing worse than zero happened) scores `zero_actual_score`, normally the cap.
    Targets must be >= 0 (the stage rejects negative targets for this rule).
    """
    a = _finite("actual", actual)
    t = _finite("target", target)
    if (t < 0.0).any():
        raise ValueError("lower_better needs targets >= 0")
    safe = np.where(a > 0.0, a, 1.0)
    with np.errstate(over="ignore"):
        ratio = _bounded(100.0 * t / safe)
    return np.where(a > 0.0, ratio, zero_actual_score)


def piecewise_breakpoints(
    target: object, x: Sequence[float], relative: Sequence[bool]
) -> np.ndarray:
    """Per-row breakpoints (rows × points): `target + x` where relative, else `x`.

    Rows whose target is unused may hold any finite value.
    """
    t = _finite("target", target)
    xs = np.asarray(x, dtype="float64")
    rel = np.asarray(relative, dtype=bool)
    return np.where(rel[None, :], t[:, None] + xs[None, :], xs[None, :])


def piecewise_linear(
    actual: object, breakpoints: np.ndarray, scores: Sequence[float], *, extrapolate: bool
) -> np.ndarray:
    """Piecewise-linear table: linear between breakpoints, end slope (or end score) beyond.

    `breakpoints` is rows × points, non-decreasing along each row. At a repeated breakpoint
    (a step) the score of the point listed last applies. A zero-width end segment holds its
    score.
    """
    a = _finite("actual", actual)
    bp = np.asarray(breakpoints, dtype="float64")
    s = np.asarray(scores, dtype="float64")
    if bp.ndim != 2 or bp.shape != (a.shape[0], s.shape[0]) or s.shape[0] < 2:
        raise ValueError("breakpoints must be rows × points with at least two points")
    if not np.isfinite(bp).all() or (np.diff(bp, axis=1) < 0).any():
        raise ValueError("breakpoints must be finite and non-decreasing along each row")
    k = s.shape[0]
    count = (bp <= a[:, None]).sum(axis=1)
    lo = np.clip(count - 1, 0, k - 2)
    hi = lo + 1
    rows = np.arange(a.shape[0])
    x0, x1 = bp[rows, lo], bp[rows, hi]
    width = x1 - x0
    safe_width = np.where(width > 0.0, width, 1.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # Inside a segment interpolate by the fraction travelled, which stays in [0, 1] even
        # for a segment of subnormal width (where the slope itself overflows).
        travelled = np.clip(np.where(width > 0.0, (a - x0) / safe_width, 0.0), 0.0, 1.0)
        inside = _bounded(s[lo] + travelled * (s[hi] - s[lo]))
        slope = np.where(width > 0.0, (s[hi] - s[lo]) / safe_width, 0.0)
        before, beyond = a - x0, a - x1
        below = s[0] + (np.where(before < 0.0, slope * before, 0.0) if extrapolate else 0.0)
        above = s[k - 1] + (np.where(beyond > 0.0, slope * beyond, 0.0) if extrapolate else 0.0)
    return np.where(count == 0, _bounded(below), np.where(count >= k, _bounded(above), inside))


def scale_mapping(
    values: object, *, low: float, high: float, to_low: float = 0.0, to_high: float = 100.0
) -> np.ndarray:
    """Survey scale mapping: `low`..`high` (e.g. 1–5) linearly onto `to_low`..`to_high` (0–100)."""
    v = _finite("values", values)
    if not low < high:
        raise ValueError("scale needs low < high")
    return to_low + (to_high - to_low) * (v - low) / (high - low)


def percentile_rank(
    values: object,
    groups: object,
    *,
    higher_is_better: bool = True,
    single_member_score: float = 100.0,
) -> np.ndarray:
    """Percentile rank within each peer group: 100 · (rank − 1) / (n − 1), best = 100.

    Ties share their average rank (so equal results get equal scores, whatever the row order);
    a group of one scores `single_member_score`.
    """
    v = _finite("values", values)
    g = pd.Series(np.asarray(groups, dtype=object)).astype(str)
    frame = pd.DataFrame({"value": v if higher_is_better else -v, "group": g.to_numpy()})
    by_group = frame.groupby("group", sort=False)["value"]
    rank = by_group.rank(method="average").to_numpy(dtype="float64")
    size = by_group.transform("size").to_numpy(dtype="float64")
    spread = np.where(size > 1, size - 1.0, 1.0)
    return np.where(size > 1, 100.0 * (rank - 1.0) / spread, single_member_score)


def direct_score(values: object) -> np.ndarray:
    """The result is the score (e.g. a training exam score out of 100)."""
    return _finite("values", values).copy()


def clip_scores(
    scores: object, *, cap: float | None, floor: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply an indicator's cap and floor: (score, capped, floored)."""
    s = _finite("scores", scores)
    capped = s > cap if cap is not None else np.zeros(s.shape, dtype=bool)
    floored = s < floor if floor is not None else np.zeros(s.shape, dtype=bool)
    clipped = np.clip(
        s,
        -np.inf if floor is None else floor,
        np.inf if cap is None else cap,
    )
    return clipped, capped, floored


# ---- the rules table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRows:
    """One indicator's rows that a rule scores: actuals and targets known (finite).

    `target` is 0 where the rule reads none; `group` is the peer group of each row (percentile);
    `cap` is the indicator's cap (the score of some edge cases).
    """

    actual: np.ndarray
    target: np.ndarray
    group: np.ndarray
    cap: float | None

    def take(self, keep: np.ndarray) -> RuleRows:
        """The rows where `keep` is true."""
        return RuleRows(self.actual[keep], self.target[keep], self.group[keep], self.cap)


@dataclass(frozen=True)
class Violation:
    """Rows a rule cannot score (mask over RuleRows), the column at fault and the way out."""

    mask: np.ndarray
    column: Literal["actual", "target"]
    rule: str
    expected: str
    code: IssueCode


@dataclass(frozen=True)
class RuleSpec:
    """What one rule kind does with its rows: refuses some, flags some, scores the rest."""

    violations: Callable[[Any, RuleRows], tuple[Violation, ...]]
    flags: Callable[[Any, RuleRows], dict[str, np.ndarray]]
    score: Callable[[Any, RuleRows], np.ndarray]
    reads_actual_to_refuse: bool = False
    """True when a violation depends on the actual (not only on the target)."""


def _no_violations(rule: Any, rows: RuleRows) -> tuple[Violation, ...]:
    return ()


def _no_flags(rule: Any, rows: RuleRows) -> dict[str, np.ndarray]:
    return {}


def _ratio_violations(rule: Any, rows: RuleRows) -> tuple[Violation, ...]:
    found = []
    if rule.zero_target == "error":
        found.append(Violation(rows.target == 0.0, "target",
                               "target is 0, so the completion ratio is undefined",
                               "a non-zero target (or rule zero_target: cap_if_exceeded)",
                               IssueCode.OUT_OF_RANGE))
    if rule.negative_target == "error":
        found.append(Violation(rows.target < 0.0, "target", "target is negative",
                               "a positive target (or rule negative_target: relative)",
                               IssueCode.NEGATIVE))
    return tuple(found)


def _ratio_flags(rule: Any, rows: RuleRows) -> dict[str, np.ndarray]:
    return {"target_zero": rows.target == 0.0, "target_negative": rows.target < 0.0}


def _ratio_score(rule: Any, rows: RuleRows) -> np.ndarray:
    return ratio_to_target(rows.actual, rows.target, zero_target_exceeded=rows.cap or 0.0)


def _lower_better_violations(rule: Any, rows: RuleRows) -> tuple[Violation, ...]:
    return (Violation(rows.target < 0.0, "target",
                      "target of a lower-is-better indicator is negative", "a target >= 0",
                      IssueCode.NEGATIVE),)


def _lower_better_flags(rule: Any, rows: RuleRows) -> dict[str, np.ndarray]:
    return {"actual_zero": rows.actual <= 0.0}


def _lower_better_score(rule: Any, rows: RuleRows) -> np.ndarray:
    at_zero = rule.zero_actual_score if rule.zero_actual_score is not None else rows.cap
    return lower_better(rows.actual, rows.target, zero_actual_score=float(at_zero or 0.0))


def _breakpoints(rule: Any, rows: RuleRows) -> np.ndarray:
    return piecewise_breakpoints(rows.target, [p.x for p in rule.points],
                                 [p.basis == "target" for p in rule.points])


def _piecewise_violations(rule: Any, rows: RuleRows) -> tuple[Violation, ...]:
    unordered = (np.diff(_breakpoints(rule, rows), axis=1) < 0).any(axis=1)
    return (Violation(unordered, "target",
                      "the piecewise table's breakpoints fall out of order for this target",
                      "a target that keeps target-based points after absolute ones",
                      IssueCode.INCONSISTENT),)


def _piecewise_score(rule: Any, rows: RuleRows) -> np.ndarray:
    return piecewise_linear(rows.actual, _breakpoints(rule, rows), [p.score for p in rule.points],
                            extrapolate=rule.extrapolate)


def _scale_violations(rule: Any, rows: RuleRows) -> tuple[Violation, ...]:
    outside = (rows.actual < rule.low) | (rows.actual > rule.high)
    return (Violation(outside, "actual", "value outside the configured scale",
                      f"a number from {rule.low:g} to {rule.high:g}", IssueCode.OUT_OF_RANGE),)


def _scale_score(rule: Any, rows: RuleRows) -> np.ndarray:
    return scale_mapping(rows.actual, low=rule.low, high=rule.high, to_low=rule.to_low,
                         to_high=rule.to_high)


def _percentile_flags(rule: Any, rows: RuleRows) -> dict[str, np.ndarray]:
    groups = pd.Series(rows.group, dtype=object).astype(str)
    code, distinct = pd.factorize(groups)  # a blank group (-1) is never a group of one
    size = np.bincount(code + 1, minlength=len(distinct) + 1)
    return {"single_member_group": (code >= 0) & (size[code + 1] == 1)}


def _percentile_score(rule: Any, rows: RuleRows) -> np.ndarray:
    return percentile_rank(rows.actual, rows.group, higher_is_better=rule.better == "higher",
                           single_member_score=rule.single_member_score)


def _direct_score(rule: Any, rows: RuleRows) -> np.ndarray:
    return direct_score(rows.actual)


RULES: Mapping[str, RuleSpec] = {
    "ratio": RuleSpec(_ratio_violations, _ratio_flags, _ratio_score),
    "lower_better": RuleSpec(_lower_better_violations, _lower_better_flags, _lower_better_score),
    "piecewise": RuleSpec(_piecewise_violations, _no_flags, _piecewise_score),
    "scale": RuleSpec(_scale_violations, _no_flags, _scale_score, reads_actual_to_refuse=True),
    "percentile": RuleSpec(_no_violations, _percentile_flags, _percentile_score),
    "direct": RuleSpec(_no_violations, _no_flags, _direct_score),
}
"""rule.kind -> RuleSpec; a test checks it covers every kind the config accepts."""
