"""Balanced-scorecard stage (平衡计分卡): indicator scores → dimension scores → composite → grade.

    IndicatorScore_dj = clip(rule(actual, target), floor_j, cap_j)
    DimensionScore_d  = Σ_j w_dj · IndicatorScore_dj          (w: local AHP or fixed weights)
    composite         = Σ_d W_d · DimensionScore_d + AdditionalPoints
                      = Σ (global weight · score) over weighted indicators + AdditionalPoints

Source: seeds 篇3 (BSC dimensions, AHP weights, additional dimension with weight 1) and 篇1
(grades with pay coefficients). Rules, edge cases and flags: docs/scorecard.md.

`check_scorecard` finds every problem of the input tables before anything is computed;
`compute_scorecard` then assumes valid input (what it still finds wrong is an InternalError).
The steps of both read from the same helpers: the staff employed in the period, the grid of
employed managers × indicators, the actual and target of every cell, the rule of each indicator
(dispatched from `scoring.RULES`), cap and floor, weights, composite, grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import ahp
from .config.base import Period
from .config.history import ledger_indicators
from .config.scorecard import RATER_TYPES, Feedback360Config, Indicator, ScorecardConfig
from .errors import InputIssue, InternalError, IssueCode
from .scoring import RULES, RuleRows, clip_scores
from .tenure import service_fraction, years_of_service

if TYPE_CHECKING:
    from .config import AppraisalConfig

__all__ = [
    "BAND_TOLERANCE",
    "ScorecardResult",
    "check_scorecard",
    "combine_360",
    "compute_scorecard",
    "forced_distribution",
    "grade_by_bands",
    "resolve_weights",
]

BAND_TOLERANCE = 1e-9
"""A composite within this distance below a band's lower bound reaches the band (float noise)."""

RORAC_SOURCE = "rorac stage result"
_SCORE_COLUMNS = [
    "manager_id", "dimension", "indicator", "source", "rule", "actual", "target", "input_row",
    "raw_score", "score", "local_weight", "dimension_weight", "global_weight", "contribution",
    "flags",
]
_ROW_FLAGS = ("actual_missing", "target_missing", "target_default", "target_zero",
              "target_negative", "actual_zero", "single_member_group")
_RORAC_COLUMNS = {"rorac_amount": "rorac", "rorac_ratio": "rorac_ratio"}
_TABLE_SOURCES = ("indicators", "ratings_360", "satisfaction")


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
        raise ahp.HierarchyError(
            f"no AHP weights for matrix '{matrix}' ({what}); add its judgments to the judgments "
            f"table or give fixed weights in the scorecard config"
        )
    given = local_weights[matrix]
    missing = [c for c in criteria if c not in given]
    extra = [c for c in given if c not in criteria]
    if missing or extra:
        raise ahp.HierarchyError(
            f"AHP matrix '{matrix}' ({what}) must weigh exactly {', '.join(criteria)}; "
            f"missing: {', '.join(missing) or '-'}; unexpected: {', '.join(map(str, extra)) or '-'}"
        )
    return {c: float(given[c]) for c in criteria}


def resolve_weights(
    config: ScorecardConfig, local_weights: Mapping[str, Mapping[str, float]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Dimension weights W_d and local indicator weights w_dj (fixed, AHP or 1 for a single one).

    Each level is checked by `ahp.hierarchy_weights` (finite, >= 0, sum 1 within
    ahp.WEIGHT_SUM_TOLERANCE). The additional dimension is not weighed: its points are added
    with weight 1.
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
    ahp.hierarchy_weights(dimension_weights, indicator_weights)
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
    manager, rated = _codes(ratings["manager_id"])
    kind, kinds = _codes(ratings["rater_type"])
    score = ratings["score"].astype("float64").to_numpy()
    means, counts = _rater_type_means(manager, len(rated), kind, kinds, score)
    if manager_ids is None:  # the managers rated (by a rater of any type), sorted
        position = np.unique(manager[(manager >= 0) & (kind >= 0)])
        present = pd.Series(rated[np.unique(manager)])  # the type a column of the ids gets
        index = pd.Index(rated[position], dtype=present.dtype, name="manager_id")
    else:
        index = pd.Index(_text(list(manager_ids)), name="manager_id")
        position = pd.Index(rated[:-1], dtype=object).get_indexer(index.to_numpy(dtype=object))
    means, counts = _rows_at(means, position), _rows_at(counts, position, 0.0)
    minimum = np.array([config.min_raters.get(t, 1) for t in RATER_TYPES], dtype="float64")
    weight = np.array([config.type_weights.get(t, 0.0) for t in RATER_TYPES], dtype="float64")
    counted = counts >= minimum[None, :]
    used = np.where(counted, weight[None, :], 0.0)
    total = used.sum(axis=1)
    weighted = (used * np.where(counted, means, 0.0)).sum(axis=1)
    rating = np.where(total > 0.0, weighted / np.where(total > 0.0, total, 1.0), np.nan)
    missing = ~counted & (weight[None, :] > 0.0)
    below = (counts > 0) & ~counted & (weight[None, :] > 0.0)
    result = pd.DataFrame(index=index)
    for i, rater in enumerate(RATER_TYPES):
        result[f"{rater}_mean"] = means[:, i]
        result[f"{rater}_raters"] = counts[:, i].astype("int64")
    result["rating"] = rating
    result["types_missing"] = _join_codes(
        len(result), [(t, missing[:, i]) for i, t in enumerate(RATER_TYPES)], "+")
    result["types_below_min"] = _join_codes(
        len(result), [(t, below[:, i]) for i, t in enumerate(RATER_TYPES)], "+")
    return result


def _rater_type_means(
    manager: np.ndarray, size: int, kind: np.ndarray, kinds: np.ndarray, score: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(mean rating, number of ratings) per manager code × RATER_TYPES, NaN and 0 where none:
    the pandas group mean of grouping by the text ids (sorted codes, the same group ids)."""
    grouped = pd.Series(score).groupby(_group_key((manager, size), (kind, len(kinds) - 1)))
    table = grouped.agg(["mean", "count"])
    key = table.index.to_numpy(dtype="int64")
    row, column = np.divmod(key, max(len(kinds) - 1, 1))
    column = pd.Index(list(RATER_TYPES), dtype=object).get_indexer(kinds[column])
    rated = column >= 0
    means = np.full((size, len(RATER_TYPES)), np.nan)
    counts = np.zeros((size, len(RATER_TYPES)))
    means[row[rated], column[rated]] = table["mean"].to_numpy(dtype="float64")[rated]
    counts[row[rated], column[rated]] = table["count"].to_numpy(dtype="float64")[rated]
    return means, counts


def _rows_at(table: np.ndarray, position: np.ndarray, missing: float = np.nan) -> np.ndarray:
    """table[position] by row, `missing` where position is -1 (or beyond the table)."""
    found = (position >= 0) & (position < table.shape[0])
    out = np.full((len(position), table.shape[1]), missing)
    out[found] = table[position[found]]
    return out


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


# --------------------------------------------------------------------------- the steps

@dataclass(frozen=True)
class _Staff:
    """The roster in the period: employment share, joiners, leavers, years of service."""

    roster: pd.DataFrame
    ids: pd.Index
    fraction: np.ndarray
    joined: np.ndarray
    left: np.ndarray
    years: pd.Series

    @property
    def employed(self) -> np.ndarray:
        return self.fraction > 0.0


def _staff(managers: pd.DataFrame, period: Period) -> _Staff:
    """Joined: start < hire_date <= end; left: start <= leave_date <= end; employed: any day."""
    roster = managers.reset_index(drop=True)
    ids = pd.Index(_text(roster["manager_id"]), dtype=object, name="manager_id")
    fraction = service_fraction(roster, period).to_numpy(dtype="float64")
    years = pd.Series(years_of_service(roster, period).to_numpy(dtype="float64"), index=ids)
    hire = pd.to_datetime(roster["hire_date"])
    leave = (pd.to_datetime(roster["leave_date"]) if "leave_date" in roster.columns
             else pd.Series(pd.NaT, index=roster.index))
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    joined = ((hire > start) & (hire <= end)).to_numpy()
    left = (leave.notna() & (leave >= start) & (leave <= end)).to_numpy()
    return _Staff(roster, ids, fraction, joined, left, years)


@dataclass(frozen=True)
class _Declared:
    dimension: str
    indicator: Indicator
    additional: bool


@dataclass(frozen=True)
class _Grid:
    """Employed managers (sorted by manager_id) × declared indicators (config order): row
    i · width + k is manager `ids[i]` on indicator k."""

    declared: tuple[_Declared, ...]
    ids: np.ndarray

    @property
    def width(self) -> int:
        return len(self.declared)

    def __len__(self) -> int:
        return len(self.ids) * self.width

    @cached_property
    def code(self) -> np.ndarray:
        """The declared indicator of each row."""
        return np.tile(np.arange(self.width), len(self.ids))

    @cached_property
    def manager_index(self) -> np.ndarray:
        """The position in `ids` of each row's manager."""
        return np.repeat(np.arange(len(self.ids)), self.width)

    def per_indicator(self, values: Sequence[Any], dtype: Any = object) -> np.ndarray:
        """One value per declared indicator, spread over the grid's rows."""
        return np.tile(np.asarray(values, dtype=dtype), len(self.ids))

    def rows_of(self, k: int) -> slice:
        """The rows of declared indicator k, one per employed manager in `ids` order."""
        return slice(k, None, self.width)

    @cached_property
    def is_additional(self) -> np.ndarray:
        return self.per_indicator([d.additional for d in self.declared], bool)

    def text_columns(self) -> dict[str, Any]:
        """manager_id, dimension, indicator, source, rule of every row (text columns built by
        taking from the distinct values, never from one Python object per row)."""
        manager, code = self.manager_index, self.code
        return {
            "manager_id": _take_text(self.ids, manager),
            "dimension": _take_text([d.dimension for d in self.declared], code),
            "indicator": _take_text([d.indicator.id for d in self.declared], code),
            "source": _take_text([d.indicator.source for d in self.declared], code),
            "rule": _take_text([d.indicator.rule.kind for d in self.declared], code),
        }


def _grid(config: ScorecardConfig, staff: _Staff) -> _Grid:
    declared = [_Declared(d.id, i, False) for d in config.dimensions for i in d.indicators]
    if config.additional is not None:
        declared += [_Declared(config.additional.id, i, True) for i in config.additional.indicators]
    employed = np.sort(staff.ids[staff.employed].to_numpy(dtype=object))
    return _Grid(tuple(declared), employed)


def _peer_groups(config: ScorecardConfig) -> set[str]:
    """Roster columns the scheme groups by (percentile peer groups, forced-distribution unit)."""
    groups = {i.rule.group_by for i in config.all_indicators() if i.rule.kind == "percentile"}
    if config.grading.method == "forced":
        groups.add(config.grading.unit)
    return groups - {"all"}


def _rorac_values(by_manager: pd.DataFrame, source: str) -> pd.Series:
    """The RORAC stage's actual per manager: `rorac` in yuan (int64 cents are divided by 100
    exactly), `rorac_ratio` as it is."""
    column = _RORAC_COLUMNS[source]
    values = by_manager[column]
    if column == "rorac" and pd.api.types.is_integer_dtype(values.dtype):
        numbers = values.to_numpy(dtype="int64") / 100
    else:
        numbers = _numbers(by_manager, column)
    return pd.Series(numbers, index=_text(by_manager["manager_id"]))


@dataclass(frozen=True)
class _Sources:
    """Per-manager actuals of the sources other than the indicators table (index manager_id)."""

    values: dict[str, pd.Series]
    flags_360: pd.Series | None


def _source_actuals(
    config: ScorecardConfig, staff: _Staff, tables: Mapping[str, pd.DataFrame | None],
    rorac_by_manager: pd.DataFrame | None,
) -> _Sources:
    """RORAC amount or ratio, type-weighted 360 rating, mean satisfaction, years of service;
    only those the scheme reads and whose table is given."""
    needed = {i.source for i in config.all_indicators()}
    values: dict[str, pd.Series] = {}
    flags_360 = None
    for source in needed & set(_RORAC_COLUMNS):
        if rorac_by_manager is not None:
            values[source] = _rorac_values(rorac_by_manager, source)
    ratings = tables.get("ratings_360")
    if "ratings_360" in needed and ratings is not None:
        combined = combine_360(ratings, config.feedback_360, staff.ids)
        values["ratings_360"] = combined["rating"]
        flags_360 = _flags_360(combined)
    answers = tables.get("satisfaction")
    if "satisfaction" in needed and answers is not None:
        manager, answered = _codes(answers["manager_id"])
        key = _group_key((manager, len(answered)))
        mean = pd.Series(_numbers(answers, "score")).groupby(key).mean()
        values["satisfaction"] = pd.Series(mean.to_numpy(), index=pd.Index(
            answered[mean.index.to_numpy(dtype="int64")], dtype=object))
    if "tenure_years" in needed:
        values["tenure_years"] = staff.years
    return _Sources(values, flags_360)


def _flags_360(combined: pd.DataFrame) -> pd.Series:
    missing = combined["types_missing"].to_numpy(dtype=object)
    below = combined["types_below_min"].to_numpy(dtype=object)
    text = np.where(missing != "", "feedback_360_missing:" + missing, "")
    below_text = np.where(below != "", "feedback_360_below_min:" + below, "")
    glue = np.where((text != "") & (below_text != ""), ";", "")
    return pd.Series(text + glue + below_text, index=combined.index, dtype=object)


@dataclass(frozen=True)
class _Rows:
    """The indicators table, one entry per input row: text ids as codes into their sorted
    distinct values (`manager_ids`, `indicator_ids`: object arrays whose last entry, NaN, is the
    code -1 of a blank), the numbers and the row numbers. `first`: the row is the first for its
    manager and indicator (the one that is read)."""

    manager: np.ndarray
    manager_ids: np.ndarray
    indicator: np.ndarray
    indicator_ids: np.ndarray
    table_actual: np.ndarray
    table_target: np.ndarray
    input_row: np.ndarray
    first: np.ndarray


def _indicator_rows(indicators: pd.DataFrame) -> _Rows:
    """The indicators table as coded text ids and numbers, one entry per input row."""
    manager, manager_ids = _codes(indicators["manager_id"])
    indicator, indicator_ids = _codes(indicators["indicator"])
    key = (manager.astype("int64") + 1) * len(indicator_ids) + indicator + 1
    first = ~pd.Index(key).duplicated(keep="first")
    return _Rows(manager, manager_ids, indicator, indicator_ids, _numbers(indicators, "actual"),
                 _numbers(indicators, "target"), _rows(indicators), np.asarray(first))


@dataclass(frozen=True)
class _Cells:
    """Actual and target of every grid row, where they were read, and which used the default."""

    actual: np.ndarray
    target: np.ndarray
    input_row: Any
    target_default: np.ndarray
    flags_360: tuple[np.ndarray, list[str]]  # per row a code into the texts ("" = none)


def _table_cells(grid: _Grid, rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """(grid row, table row) of every first indicators-table row whose manager is employed
    and whose indicator is declared."""
    manager = pd.Index(grid.ids, dtype=object).get_indexer(rows.manager_ids)[rows.manager]
    declared = pd.Index([d.indicator.id for d in grid.declared], dtype=object)
    indicator = declared.get_indexer(rows.indicator_ids)[rows.indicator]
    at = np.flatnonzero(rows.first & (manager >= 0) & (indicator >= 0))
    return manager[at] * grid.width + indicator[at], at


def _cells(grid: _Grid, rows: _Rows | None, sources: _Sources) -> _Cells:
    """actual: the indicators table or the indicator's source; target: the indicators table,
    else the indicator's `default_target`."""
    actual = np.full(len(grid), np.nan)
    target = np.full(len(grid), np.nan)
    row_number = np.zeros(len(grid), dtype="int64")
    no_row = np.ones(len(grid), dtype=bool)
    if rows is not None and len(rows.manager):
        cell, at = _table_cells(grid, rows)
        actual[cell] = rows.table_actual[at]
        target[cell] = rows.table_target[at]
        numbers = pd.array(rows.input_row[at], dtype="Int64")
        row_number[cell] = numbers.to_numpy(dtype="int64", na_value=0)
        no_row[cell] = numbers.isna()
    input_row = pd.arrays.IntegerArray(row_number, no_row)
    target_default = np.zeros(len(grid), dtype=bool)
    flags_360, texts_360 = np.zeros(len(grid), dtype="int64"), [""]
    if sources.flags_360 is not None:
        code_360, found = pd.factorize(
            sources.flags_360.reindex(grid.ids).fillna("").to_numpy(dtype=object))
        texts_360 += list(found)
    for k, item in enumerate(grid.declared):
        ind, at = item.indicator, grid.rows_of(k)
        ids = grid.ids
        if ind.source != "indicators":
            values = sources.values.get(ind.source)
            actual[at] = (values.reindex(ids).to_numpy(dtype="float64")
                          if values is not None else np.nan)
        if ind.source == "ratings_360" and sources.flags_360 is not None:
            flags_360[at] = code_360 + 1
        if ind.default_target is not None:
            use_default = ~np.isfinite(target[at])
            target[at] = np.where(use_default, ind.default_target, target[at])
            target_default[at] = use_default
    return _Cells(actual, target, input_row, target_default, (flags_360, texts_360))


@dataclass(frozen=True)
class _Refusal:
    """Rows of one indicator that cannot be scored (mask over its rows), and why."""

    mask: np.ndarray
    column: str
    rule: str
    values: np.ndarray | None
    expected: str
    code: IssueCode
    in_table: bool


@dataclass(frozen=True)
class _IndicatorScore:
    raw: np.ndarray
    target: np.ndarray
    flags: dict[str, np.ndarray]
    refusals: tuple[_Refusal, ...]


def _spread(mask: np.ndarray, where: np.ndarray) -> np.ndarray:
    """A mask over the rows selected by `where`, as a mask over all rows."""
    full = np.zeros(where.shape, dtype=bool)
    full[where] = mask
    return full


def _missing_refusals(
    ind: Indicator, no_actual: np.ndarray, no_target: np.ndarray
) -> list[_Refusal]:
    found = []
    if ind.missing_actual == "error":
        found.append(_Refusal(no_actual, "actual", "actual is missing", None,
                              "a number (or `missing_actual: zero` on the indicator)",
                              IssueCode.MISSING_VALUE, ind.source == "indicators"))
    if ind.missing_target == "error":
        found.append(_Refusal(no_target, "target", "target is missing", None,
                              "a number (or default_target / missing_target: zero in the config)",
                              IssueCode.MISSING_VALUE, True))
    return found


def _score_indicator(
    ind: Indicator, actual: np.ndarray, target: np.ndarray, group: np.ndarray
) -> _IndicatorScore:
    """raw = rule(actual, target) where both are known and the rule accepts the row, else 0.

    The rule's violations, flags and score come from `scoring.RULES[rule.kind]`. Targets the
    rule does not read are reported blank.
    """
    no_actual = ~np.isfinite(actual)
    no_target = (~np.isfinite(target) & ~no_actual if ind.needs_target
                 else np.zeros(actual.shape, dtype=bool))
    refusals = _missing_refusals(ind, no_actual, no_target)
    known = ~no_actual & ~no_target
    spec = RULES[ind.rule.kind]
    known_target = target[known]
    rows = RuleRows(actual[known], np.where(np.isfinite(known_target), known_target, 0.0),
                    group[known], ind.cap)
    accepted = np.ones(rows.actual.shape, dtype=bool)
    for violation in spec.violations(ind.rule, rows):
        values = actual if violation.column == "actual" else target
        refusals.append(_Refusal(
            _spread(violation.mask, known), violation.column, violation.rule, values,
            violation.expected, violation.code,
            violation.column == "target" or ind.source == "indicators",
        ))
        accepted &= ~violation.mask
    flags = {"actual_missing": no_actual, "target_missing": no_target}
    flags |= {name: _spread(mask, known) for name, mask in spec.flags(ind.rule, rows).items()}
    raw = np.zeros(actual.shape)
    raw[_spread(accepted, known)] = spec.score(ind.rule, rows.take(accepted))
    shown_target = target if ind.needs_target else np.full(actual.shape, np.nan)
    return _IndicatorScore(raw, shown_target, flags, tuple(refusals))


@dataclass(frozen=True)
class _Scored:
    """Raw scores of the whole grid, the targets shown, the row flags and every refused row."""

    raw: np.ndarray
    target: np.ndarray
    flags: dict[str, np.ndarray]
    issues: list[InputIssue]


def _score_grid(
    grid: _Grid, cells: _Cells, groups: Mapping[str, pd.Series], files: Mapping[str, str],
    skip: frozenset[str] = frozenset(), from_ledger: frozenset[str] = frozenset(),
) -> _Scored:
    """Every indicator scored by its rule; indicators whose source is in `skip` (or whose target
    comes from a skipped indicators table) are left at 0. `from_ledger`: indicators whose
    actual an annual run takes from the closed months (a blank actual is not refused)."""
    raw = np.zeros(len(grid))
    target = cells.target.copy()
    flags = {name: np.zeros(len(grid), dtype=bool) for name in _ROW_FLAGS}
    flags["target_default"] = cells.target_default.copy()
    issues: list[InputIssue] = []
    for k, item in enumerate(grid.declared):
        ind = item.indicator
        if ind.source in skip or (ind.needs_target and "indicators" in skip):
            continue
        at = grid.rows_of(k)
        ids = grid.ids
        group = _peer_group(ind, groups, ids)
        result = _score_indicator(ind, cells.actual[at], cells.target[at], group)
        raw[at] = result.raw
        target[at] = result.target
        for name, mask in result.flags.items():
            flags[name][at] = mask
        if not ind.needs_target:
            flags["target_default"][at] = False
        for refusal in result.refusals:
            if ind.id in from_ledger and refusal.rule == "actual is missing":
                continue
            issues += _refusal_issues(ind, refusal, ids, cells.input_row[at], files)
    return _Scored(raw, target, flags, issues)


def _peer_group(ind: Indicator, groups: Mapping[str, pd.Series], ids: np.ndarray) -> np.ndarray:
    group_by = getattr(ind.rule, "group_by", "all")
    if group_by == "all":
        return np.full(len(ids), "all", dtype=object)
    return groups[group_by].reindex(ids).to_numpy(dtype=object)


def _refusal_issues(
    ind: Indicator, refusal: _Refusal, ids: np.ndarray, rows: Any,
    files: Mapping[str, str],
) -> list[InputIssue]:
    """`rows`: the input row numbers (Int64) of the indicator's grid rows."""
    mask = refusal.mask
    if not mask.any():
        return []
    values = (refusal.values[mask] if refusal.values is not None
              else np.full(int(mask.sum()), None, dtype=object))
    file = files["indicators"] if refusal.in_table else files.get(ind.source, ind.source)
    found = []
    refused_rows = rows[mask].to_numpy(dtype=object, na_value=None)
    for row, manager, value in zip(refused_rows, ids[mask], values, strict=True):
        at = _plain(row) if refusal.in_table else None
        rule, column, expected = refusal.rule, refusal.column, refusal.expected
        if refusal.rule == "actual is missing" and at is None:
            column = "actual" if refusal.in_table else _SOURCE_VALUE_COLUMN.get(ind.source)
            rule = ("no row for this manager and indicator" if refusal.in_table
                    else "no data for this manager")
            expected = (f"a row with manager_id {manager}, indicator {ind.id} and its actual"
                        if refusal.in_table else f"at least one row for manager {manager}")
            expected += (f" (or `missing_actual: zero` on indicator {ind.id} to score it 0 and "
                         "list every such case)")
        found.append(InputIssue(file, at, column, f"indicator '{ind.id}', manager '{manager}': "
                                f"{rule}", _plain(value), expected, code=refusal.code))
    return found


_SOURCE_VALUE_COLUMN = {"satisfaction": "score", "ratings_360": "score"}
"""The column that holds an indicator's actual in a source table other than `indicators`."""


def _clip(grid: _Grid, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IndicatorScore = clip(raw, floor, cap) per indicator: (score, capped, floored)."""
    score = raw.copy()
    capped = np.zeros(len(grid), dtype=bool)
    floored = np.zeros(len(grid), dtype=bool)
    for k, item in enumerate(grid.declared):
        at = grid.rows_of(k)
        score[at], capped[at], floored[at] = clip_scores(
            raw[at], cap=item.indicator.cap, floor=item.indicator.floor)
    return score, capped, floored


def _row_weights(
    grid: _Grid, dimension_weights: Mapping[str, float],
    indicator_weights: Mapping[str, Mapping[str, float]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w_dj, W_d, W_d · w_dj) per row, the global weight from `ahp.hierarchy_weights`;
    additional indicators have weight 1 at every level."""
    global_weights = ahp.hierarchy_weights(dimension_weights, indicator_weights)

    def spread(weight: Any) -> np.ndarray:
        return grid.per_indicator([
            1.0 if d.additional else weight(d.dimension, d.indicator.id) for d in grid.declared
        ], "float64")

    return (spread(lambda d, i: indicator_weights[d][i]),
            spread(lambda d, i: dimension_weights[d]),
            spread(lambda d, i: global_weights[d][i]))


# --------------------------------------------------------------------------- input checks

def _missing_columns(frame: pd.DataFrame, columns: Sequence[str], file: str) -> list[InputIssue]:
    return [
        InputIssue(file, None, column, "required column is missing", code=IssueCode.MISSING_COLUMN)
        for column in columns if column not in frame.columns
    ]


def _indicator_table_issues(
    rows: _Rows, config: ScorecardConfig, file: str
) -> list[InputIssue]:
    """Ids not declared, a second row per manager × indicator, an actual that comes from
    elsewhere."""
    sources = {i.id: i.source for i in config.all_indicators()}
    row = rows.input_row
    ids = rows.indicator_ids[rows.indicator]
    known = pd.Index(rows.indicator_ids, dtype=object).isin(list(sources))
    unknown = ~known[rows.indicator]
    issues = [
        InputIssue(file, _plain(r), "indicator", "indicator not declared in scorecard config", v,
                   f"one of {', '.join(sources)}", code=IssueCode.UNKNOWN_ID)
        for r, v in zip(row[unknown], ids[unknown], strict=True)
    ]
    repeated = ~rows.first
    managers = rows.manager_ids[rows.manager[repeated]]
    issues += [
        InputIssue(file, _plain(r), "indicator", f"second row for manager '{m}' and this indicator",
                   v, "one row per manager and indicator", code=IssueCode.DUPLICATE_KEY)
        for r, m, v in zip(row[repeated], managers, ids[repeated], strict=True)
    ]
    source = np.array([sources[i] if k else "indicators"
                       for i, k in zip(rows.indicator_ids, known, strict=True)],
                      dtype=object)[rows.indicator]
    actual = rows.table_actual
    elsewhere = (source != "indicators") & np.isfinite(actual)
    issues += [
        InputIssue(file, _plain(r), "actual", f"the actual of '{i}' comes from {s}; leave this "
                   "cell blank (only its target is read here)", _plain(a),
                   code=IssueCode.NOT_ALLOWED)
        for r, i, s, a in zip(row[elsewhere], ids[elsewhere], source[elsewhere],
                              actual[elsewhere], strict=True)
    ]
    return issues


def _rating_table_issues(
    table: pd.DataFrame, source: str, indicator: Indicator, file: str
) -> list[InputIssue]:
    """Every 360 rating or satisfaction answer on the indicator's scale; known rater types."""
    issues: list[InputIssue] = []
    rule = indicator.rule
    if rule.kind == "scale":
        values = _numbers(table, "score")
        bad = ~(np.isfinite(values) & (values >= rule.low) & (values <= rule.high))
        issues += [
            InputIssue(file, _plain(r), "score", "rating outside the configured scale", _plain(v),
                       f"a number from {rule.low:g} to {rule.high:g}",
                       code=IssueCode.OUT_OF_RANGE)
            for r, v in zip(_rows(table)[bad], values[bad], strict=True)
        ]
    if source == "ratings_360":
        kind, kinds = _codes(table["rater_type"])
        odd = ~pd.Index(kinds, dtype=object).isin(list(RATER_TYPES))[kind]
        issues += [
            InputIssue(file, _plain(r), "rater_type", "unknown rater type", v,
                       "one of " + ", ".join(RATER_TYPES), code=IssueCode.NOT_ALLOWED)
            for r, v in zip(_rows(table)[odd], kinds[kind[odd]], strict=True)
        ]
    return issues


def _source_table_issues(
    tables: Mapping[str, pd.DataFrame], config: ScorecardConfig
) -> tuple[list[InputIssue], set[str]]:
    """Tables an indicator reads that are absent or lack columns, and the checks of their rows;
    with the sources that cannot be read."""
    needed = {}
    for indicator in config.all_indicators():
        needed.setdefault(indicator.source, indicator)
    issues: list[InputIssue] = []
    unreadable: set[str] = set()
    columns = {"indicators": ["manager_id", "indicator"], "satisfaction": ["manager_id", "score"],
               "ratings_360": ["manager_id", "rater_type", "score"]}
    for source in _TABLE_SOURCES:
        if source not in needed:
            continue
        table = tables.get(source)
        if table is None:
            issues.append(InputIssue(
                source, None, None,
                f"table not supplied, but indicator '{needed[source].id}' reads it",
                expected=f"inputs.{source} in the config", code=IssueCode.MISSING_TABLE))
            unreadable.add(source)
            continue
        file = _file(table, source)
        found = _missing_columns(table, columns[source], file)
        issues += found
        if found:
            unreadable.add(source)
        elif source != "indicators":
            issues += _rating_table_issues(table, source, needed[source], file)
    return issues, unreadable


def check_scorecard(
    tables: Mapping[str, pd.DataFrame], config: AppraisalConfig
) -> list[InputIssue]:
    """Every problem the scorecard would meet in the input tables, found before any computing.

    Indicators table: ids not declared, second rows, actuals given where they come from
    elsewhere; missing tables and columns; 360 ratings and satisfaction answers off the scale,
    unknown rater types; and per manager and indicator what the rule refuses (missing actual or
    target under the `error` policy, target 0 or negative, out-of-order breakpoints, values off
    the scale). The roster itself is checked by validation (not here). Pure; never raises.
    """
    scheme = config.scorecard
    managers = tables.get("managers")
    roster_file = _file(managers, "managers")
    issues: list[InputIssue] = []
    if managers is not None:
        issues += _missing_columns(
            managers, ["manager_id", "hire_date", *sorted(_peer_groups(scheme))], roster_file)
    indicators = tables.get("indicators")
    found, unreadable = _source_table_issues(tables, scheme)
    rows = None
    if indicators is not None and "indicators" not in unreadable:
        rows = _indicator_rows(indicators)
        found += _indicator_table_issues(rows, scheme, _file(indicators, "indicators"))
    if managers is None or issues:
        return issues + found
    once = ~pd.Index(_text(managers["manager_id"]), dtype=object).duplicated()
    staff = _staff(managers[once], config.appraisal_period)  # repeats: validation reports them
    placeholder = pd.DataFrame({"manager_id": staff.ids.to_numpy(dtype=object),
                                "rorac": 0.0, "rorac_ratio": 0.0})
    readable = {name: tables.get(name) for name in _TABLE_SOURCES if name not in unreadable}
    sources = _source_actuals(scheme, staff, readable, placeholder)
    grid = _grid(scheme, staff)
    cells = _cells(grid, rows, sources)
    files = _source_files(tables, roster_file)
    scored = _score_grid(grid, cells, _group_values(scheme, staff), files,
                         skip=frozenset(unreadable), from_ledger=ledger_indicators(config))
    return issues + found + scored.issues


# --------------------------------------------------------------------------- the stage

def _source_files(tables: Mapping[str, pd.DataFrame | None], roster_file: str) -> dict[str, str]:
    return {
        "indicators": _file(tables.get("indicators"), "indicators"),
        "rorac_amount": RORAC_SOURCE,
        "rorac_ratio": RORAC_SOURCE,
        "ratings_360": _file(tables.get("ratings_360"), "ratings_360"),
        "satisfaction": _file(tables.get("satisfaction"), "satisfaction"),
        "tenure_years": roster_file,
    }


def _group_values(config: ScorecardConfig, staff: _Staff) -> dict[str, pd.Series]:
    return {g: pd.Series(_text(staff.roster[g]), index=staff.ids) for g in _peer_groups(config)}


def _invariant(broken: bool, message: str) -> None:
    if broken:
        raise InternalError(f"scorecard: {message} (validation should have refused the input)")


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

    Assumes input that `check_scorecard` accepted; anything it would have refused raises
    InternalError. `rorac_by_manager["rorac"]` may be yuan (float) or int64 cents.
    Weights that do not fit the scheme raise ahp.HierarchyError.
    """
    dimension_weights, indicator_weights = resolve_weights(config, local_weights)
    staff = _staff(managers, period)
    _invariant(staff.ids.has_duplicates, "a manager appears twice in the roster")
    tables = {"indicators": indicators, "ratings_360": ratings_360, "satisfaction": satisfaction}
    needed = {i.source for i in config.all_indicators()}
    absent = sorted(s for s in needed if s in tables and tables[s] is None)
    _invariant(bool(absent), f"tables not supplied: {', '.join(absent)}")
    _invariant(bool(needed & set(_RORAC_COLUMNS)) and rorac_by_manager is None,
               "the RORAC stage result is missing")
    rows = _indicator_rows(indicators) if indicators is not None else None
    _invariant(rows is not None and not rows.first.all(),
               "two rows for one manager and indicator")

    grid = _grid(config, staff)
    sources = _source_actuals(config, staff, tables, rorac_by_manager)
    cells = _cells(grid, rows, sources)
    files = _source_files(tables, _file(managers, "managers"))
    scored = _score_grid(grid, cells, _group_values(config, staff), files)
    _invariant(bool(scored.issues), "; ".join(i.describe() for i in scored.issues[:3]))
    score, capped, floored = _clip(grid, scored.raw)
    local, dim_weight, global_weight = _row_weights(grid, dimension_weights, indicator_weights)

    columns = grid.text_columns() | dict(
        actual=cells.actual, target=scored.target, input_row=cells.input_row,
        raw_score=scored.raw, score=score, local_weight=local, dimension_weight=dim_weight,
        global_weight=global_weight, contribution=global_weight * score,
        flags=_join_codes(len(grid), [
            *scored.flags.items(), ("capped", capped), ("floored", floored),
        ], detail=cells.flags_360),
    )
    scores = pd.DataFrame({name: columns[name] for name in _SCORE_COLUMNS})
    managers_out = _manager_rows(config, grid, scores, scored.flags["actual_missing"], staff,
                                 sources.flags_360)
    counts = managers_out["grade"].value_counts()
    grade_counts = {g.id: int(counts.get(g.id, 0)) for g in config.grading.grades}
    return ScorecardResult(scores=scores, managers=managers_out,
                           dimension_weights=dimension_weights,
                           indicator_weights=indicator_weights, grade_counts=grade_counts)


# --------------------------------------------------------------------------- per manager

def _sum_by(values: np.ndarray, key: np.ndarray, size: int) -> np.ndarray:
    """Σ values per key 0..size-1, 0 where a key has none. A pandas group sum whose keys sort
    as the text keys they stand for, so it runs the same kernel in the same order."""
    sums = pd.Series(values).groupby(key).sum()
    out = np.zeros(size)
    out[sums.index.to_numpy(dtype="int64")] = sums.to_numpy(dtype="float64")
    return np.where(np.isnan(out), 0.0, out)


def _dimension_scores(
    config: ScorecardConfig, grid: _Grid, scores: pd.DataFrame
) -> np.ndarray:
    """DimensionScore_d = Σ_j w_dj · IndicatorScore_dj: employed managers (grid order) ×
    dimensions (config order)."""
    dims = [d.id for d in config.dimensions]
    ranked = sorted(dims)  # grouping by (manager_id, dimension) orders the dimension ids
    weighted = ~grid.is_additional
    dim = grid.per_indicator([-1 if d.additional else ranked.index(d.dimension)
                              for d in grid.declared], "int64")
    part = scores["local_weight"].to_numpy() * scores["score"].to_numpy()
    key = grid.manager_index[weighted] * len(dims) + dim[weighted]
    table = _sum_by(part[weighted], key, len(grid.ids) * len(dims))
    return table.reshape(len(grid.ids), len(dims))[:, [ranked.index(d) for d in dims]]


def _additional_points(
    config: ScorecardConfig, grid: _Grid, scores: pd.DataFrame
) -> np.ndarray:
    """Σ_k points of the additional dimension per employed manager (grid order)."""
    if config.additional is None:
        return np.zeros(len(grid.ids))
    extra = grid.is_additional
    return _sum_by(scores["score"].to_numpy()[extra], grid.manager_index[extra],
                   len(grid.ids))


def _grades(
    config: ScorecardConfig, composite: np.ndarray, graded: np.ndarray, staff: _Staff
) -> tuple[np.ndarray, Any]:
    """Grade index per manager (-1 when not graded) and the rank in unit (forced only)."""
    ids = staff.ids.to_numpy(dtype=object)
    grades = config.grading.grades
    grade_index = np.full(len(ids), -1)
    rank = pd.array([pd.NA] * len(ids), dtype="Int64")
    if config.grading.method == "bands":
        bounds = [float(g.min_score) for g in grades[:-1]]  # type: ignore[arg-type]
        grade_index[graded] = grade_by_bands(composite[graded], bounds)
        return grade_index, rank
    unit = config.grading.unit
    units = np.full(len(ids), "all", dtype=object) if unit == "all" else _text(staff.roster[unit])
    index, ranks = forced_distribution(composite[graded], ids[graded], units[graded],
                                       [g.quota for g in grades])
    grade_index[graded] = index
    rank_values = np.full(len(ids), -1)
    rank_values[graded] = ranks
    rank = pd.array(np.where(graded, rank_values, 0), dtype="Int64")
    rank[~graded] = pd.NA
    return grade_index, rank


def _manager_rows(
    config: ScorecardConfig, grid: _Grid, scores: pd.DataFrame, actual_missing: np.ndarray,
    staff: _Staff, flags_360: pd.Series | None,
) -> pd.DataFrame:
    """One row per roster manager: dimension scores, composite, tenure treatment, grade.

    `scores` has the grid's rows; the sums per manager are over the roster positions."""
    ids = staff.ids.to_numpy(dtype=object)
    at = staff.ids.get_indexer(grid.ids)  # roster position of each employed manager

    def per_manager(values: np.ndarray) -> np.ndarray:  # employed managers -> roster, 0 else
        out = np.zeros((len(ids), *values.shape[1:]))
        out[at] = values
        return out

    dim_scores = per_manager(_dimension_scores(config, grid, scores))
    weighted = ~grid.is_additional
    weighted_score = per_manager(_sum_by(scores["contribution"].to_numpy()[weighted],
                                         grid.manager_index[weighted], len(grid.ids)))
    raw_points = per_manager(_additional_points(config, grid, scores))
    if config.additional is not None:
        cap, floor = config.additional.cap, config.additional.floor
        points = np.clip(raw_points, -np.inf if floor is None else floor,
                         np.inf if cap is None else cap)
    else:
        points = raw_points
    employed, joined, left = staff.employed, staff.joined, staff.left

    before = weighted_score + points
    partial = employed & (joined | left)
    mode = config.tenure.joiners_leavers
    prorated = partial & (mode == "prorate")
    excluded = ~employed | (partial & (mode == "exclude"))
    composite = np.where(prorated, before * staff.fraction, before)
    graded = ~excluded
    grade_index, rank = _grades(config, composite, graded, staff)

    grades = config.grading.grades
    grade_ids = np.array([g.id for g in grades], dtype=object)
    coefficients = np.array([g.coefficient for g in grades], dtype="float64")
    out = pd.DataFrame({"manager_id": ids, "service_fraction": staff.fraction,
                        "joined_during_period": joined, "left_during_period": left})
    for j, dim in enumerate(d.id for d in config.dimensions):
        out[f"{dim}_score"] = dim_scores[:, j]
    out["additional_points_raw"] = raw_points
    out["additional_points"] = points
    out["weighted_score"] = weighted_score
    out["composite_before_proration"] = before
    out["composite"] = composite
    out["excluded"] = excluded
    out["rank_in_unit"] = rank
    out["grade"] = np.where(graded, grade_ids[np.maximum(grade_index, 0)], "")
    out["grade"] = out["grade"].astype(str)
    out["grade_coefficient"] = np.where(
        graded, coefficients[np.maximum(grade_index, 0)],
        np.where(employed, config.tenure.excluded_coefficient, 0.0),
    )
    missing_actual = np.zeros(len(ids), dtype=bool)
    missing_actual[at] = actual_missing.reshape(len(grid.ids), grid.width).any(axis=1)
    f360 = (flags_360.reindex(ids).fillna("").to_numpy(dtype=object) if flags_360 is not None
            else np.full(len(ids), "", dtype=object))
    out["flags"] = _join_codes(len(ids), [
        ("not_employed", ~employed), ("joined_during_period", joined),
        ("left_during_period", left), ("prorated", prorated), ("excluded", excluded),
        ("actual_missing", missing_actual), ("additional_capped", raw_points != points),
    ], detail=pd.factorize(np.where(employed, f360, "")))
    return out.sort_values("manager_id", kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- helpers

def _join_codes(
    n: int, parts: list[tuple[str, np.ndarray]], sep: str = ";",
    detail: tuple[np.ndarray, Sequence[str]] | None = None,
) -> Any:
    """Join flag codes per row in a fixed order; `detail` (per row a code into its texts) is
    appended last.

    The text is built once per combination of codes and detail, then taken for every row (a
    text column; an empty object array when n is 0).
    """
    if not n:
        return np.zeros(0, dtype=object)
    bits = np.zeros(n, dtype="int64")
    for k, (_, mask) in enumerate(parts):
        bits |= np.asarray(mask, dtype="int64") << k
    extra, details = detail if detail is not None else (np.zeros(n, dtype="int64"), [""])
    inverse, combos = pd.factorize(bits * len(details) + extra)
    texts = []
    for combo in combos.tolist():
        flag_bits, more = divmod(combo, len(details))
        text = sep.join(code for k, (code, _) in enumerate(parts) if flag_bits >> k & 1)
        glue = sep if text != "" and details[more] != "" else ""
        texts.append(text + glue + details[more])
    return _take_text(texts, inverse)


def _codes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Text ids (as `_text` makes them) as codes into their sorted distinct values (an object
    array ending with NaN, the code -1 of a blank). Codes in sorted order give pandas the group
    ids of grouping by the text itself: the same kernel and order of summation."""
    codes, distinct = pd.factorize(pd.Series(values).astype(str), sort=True)
    return codes, np.append(np.asarray(distinct, dtype=object), np.nan)


def _group_key(*parts: tuple[np.ndarray, int]) -> np.ndarray:
    """One group key per row from (code, number of codes) pairs, in the lexicographic order of
    the codes; NaN (a dropped group, as pandas drops blank keys) where any code is -1, else
    int64 (the same group ids, found faster)."""
    key = np.zeros(len(parts[0][0]), dtype="int64")
    blank = np.zeros(len(key), dtype=bool)
    for code, size in parts:
        key = key * max(size, 1) + code
        blank |= code < 0
    return np.where(blank, np.nan, key) if blank.any() else key


def _take_text(values: Sequence[Any], codes: np.ndarray) -> Any:
    """`values[codes]` as a text column: Arrow-backed str taken from the distinct values (what
    a frame makes of the same Python strings, without one object per row); empty: object."""
    distinct = np.asarray(values, dtype=object)
    if not len(codes):
        return distinct[codes]
    taken = pa.array(distinct, type=pa.large_string(), from_pandas=True).take(codes)
    return pd.array(taken, dtype="str")


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


