"""The weights stage: experts' pairwise judgments → AHP weights per matrix, with the CR gate.

For every matrix the scorecard declares, each expert's judgments (long table `judgments`: matrix,
expert, criterion_a, criterion_b, value) form one reciprocal matrix; missing pairs are completed
(Harker 1987 by default); each expert's CR is reported; experts are combined by the element-wise
weighted geometric mean; the combined matrix gives the local weights. A matrix with CR >= threshold
stops the run with diagnostics unless `weights.accept` accepts it with a written justification.
The math lives in `appraisal.ahp`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from . import ahp
from .config.weights import WeightsConfig
from .errors import AppraisalError, ConfigError, InputError, InputIssue

__all__ = [
    "ExpertMatrix",
    "InconsistentJudgmentsError",
    "MatrixWeights",
    "WeightsResult",
    "derive_weights",
    "describe_diagnostics",
]

_COLUMNS = ("matrix", "expert", "criterion_a", "criterion_b", "value")


@dataclass(frozen=True)
class ExpertMatrix:
    """One expert's matrix for one AHP matrix: as completed, analysed, and whether it was used."""

    expert: str
    rows: tuple[int, ...]
    completion: ahp.MatrixCompletion
    analysis: ahp.MatrixAnalysis
    diagnostics: tuple[ahp.JudgmentDiagnostic, ...]
    weight: float
    excluded: bool
    exclusion_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "expert": self.expert,
            "rows": list(self.rows),
            **self.analysis.to_dict(),
            "expert_weight": self.weight,
            "excluded": self.excluded,
            "exclusion_reason": self.exclusion_reason,
            "completion": self.completion.to_dict(),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


@dataclass(frozen=True)
class MatrixWeights:
    """One AHP matrix: every expert's matrix, the combined matrix and its verdict."""

    matrix_id: str
    criteria: tuple[str, ...]
    experts: tuple[ExpertMatrix, ...]
    combined: ahp.MatrixAnalysis
    diagnostics: tuple[ahp.JudgmentDiagnostic, ...]
    accepted_justification: str | None = None
    acceptance_used: bool = False
    blocking: tuple[str, ...] = ()

    @property
    def weights(self) -> dict[str, float]:
        return self.combined.weights_by_criterion

    @property
    def excluded_experts(self) -> tuple[str, ...]:
        return tuple(e.expert for e in self.experts if e.excluded)

    @property
    def passed(self) -> bool:
        return not self.blocking

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.combined.to_dict(),
            "combined_from": [e.expert for e in self.experts if not e.excluded],
            "excluded_experts": list(self.excluded_experts),
            "accepted": (
                None if self.accepted_justification is None
                else {"justification": self.accepted_justification, "used": self.acceptance_used}
            ),
            "passed": self.passed,
            "blocking": list(self.blocking),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "experts": [e.to_dict() for e in self.experts],
        }


@dataclass(frozen=True)
class WeightsResult:
    """Every declared matrix (per expert and combined) and the local weights they give."""

    matrices: Mapping[str, MatrixWeights]
    method: ahp.WeightMethod
    ri_table: str
    cr_threshold: float
    inconsistent_expert: str
    completion: str
    source: str
    expert_weights: Mapping[str, float] = field(default_factory=dict)

    @property
    def local_weights(self) -> dict[str, dict[str, float]]:
        return {matrix_id: record.weights for matrix_id, record in self.matrices.items()}

    @property
    def accepted(self) -> dict[str, str]:
        """Matrices used only because the config accepts them: id -> written justification."""
        return {
            matrix_id: record.accepted_justification
            for matrix_id, record in self.matrices.items()
            if record.acceptance_used and record.accepted_justification is not None
        }

    @property
    def passed(self) -> bool:
        return all(record.passed for record in self.matrices.values())

    def to_dict(self) -> dict[str, Any]:
        """The content of weights.json."""
        return {
            "method": self.method,
            "ri_table": self.ri_table,
            "ri_table_source": ahp.RI_TABLES[self.ri_table].citation,
            "cr_threshold": self.cr_threshold,
            "inconsistent_expert": self.inconsistent_expert,
            "completion": self.completion,
            "expert_weights": dict(self.expert_weights),
            "source": self.source,
            "passed": self.passed,
            "accepted": self.accepted,
            "local_weights": self.local_weights,
            "matrices": {key: record.to_dict() for key, record in self.matrices.items()},
        }


class InconsistentJudgmentsError(AppraisalError):
    """A matrix (combined or an expert's) fails the CR gate; the message carries the diagnostics."""

    def __init__(self, result: WeightsResult) -> None:
        self.result = result
        blocked = [r for r in result.matrices.values() if r.blocking]
        lines = [
            f"{len(blocked)} AHP matri{'ces' if len(blocked) != 1 else 'x'} failed the "
            f"consistency check (CR must be < {result.cr_threshold:.2f}, RI table "
            f"{result.ri_table}):"
        ]
        for record in blocked:
            for reason in record.blocking:
                lines.append(f"  - {reason}")
            if not record.combined.consistent:
                lines += describe_diagnostics(record.diagnostics, indent="      ")
            for expert in record.experts:
                if not expert.analysis.consistent and expert.diagnostics:
                    cr = expert.analysis.consistency_ratio
                    lines.append(f"      expert {expert.expert} (CR {cr:.4f}):")
                    lines += describe_diagnostics(expert.diagnostics, indent="        ")
        lines.append(
            "Revise these judgments, or accept a matrix explicitly in the config with "
            "`weights: accept: <matrix id>: justification: <why these weights are used anyway>`."
        )
        super().__init__("\n".join(lines))


def _fmt(value: float) -> str:
    fraction = Fraction(value).limit_denominator(9)
    if abs(float(fraction) - value) <= 1e-9 * max(1.0, value):
        return str(fraction)
    return f"{value:.4g}"


def describe_diagnostics(
    diagnostics: Sequence[ahp.JudgmentDiagnostic], indent: str = ""
) -> list[str]:
    """Lines naming each worst judgment, what the weights imply and the CR after the suggestion."""
    return [
        f"{indent}({d.criterion_a}, {d.criterion_b}) = {_fmt(d.value)}: the weights imply "
        f"{d.implied:.3f} (ε = {d.epsilon:.3f}); changing it to {_fmt(d.suggested)} gives "
        f"CR {d.consistency_ratio_after:.4f}"
        for d in diagnostics
    ]


# ---- input checks -------------------------------------------------------------------------------


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").map(lambda v: str(v).strip())


def _check_declared(matrices: Mapping[str, Sequence[str]]) -> None:
    problems = []
    for matrix_id, criteria in matrices.items():
        names = [str(c) for c in criteria]
        if not names:
            problems.append(f"matrix '{matrix_id}' declares no criteria")
        repeated = sorted({c for c in names if names.count(c) > 1})
        if repeated:
            problems.append(f"matrix '{matrix_id}' names criteria twice: {', '.join(repeated)}")
    if problems:
        raise ahp.AHPError("the declared AHP matrices are invalid: " + "; ".join(problems))


def _check_config(config: WeightsConfig, matrices: Mapping[str, Sequence[str]],
                  experts_seen: set[str], config_file: str) -> None:
    problems = [
        (f"weights.accept.{key}", f"no AHP matrix has this id; declared: {', '.join(matrices)}")
        for key in config.accept if key not in matrices
    ]
    if config.expert_weights:
        problems += [
            (f"weights.expert_weights.{key}", "no judgment by this expert in the judgments table")
            for key in config.expert_weights if key not in experts_seen
        ]
        problems += [
            ("weights.expert_weights", f"expert '{expert}' judged but has no weight here "
                                       "(give every expert a weight, or remove expert_weights)")
            for expert in sorted(experts_seen) if expert not in config.expert_weights
        ]
    for matrix_id, criteria in matrices.items():
        try:
            ahp.random_index(len(criteria), config.ri_table)
        except ahp.RandomIndexError as exc:
            problems.append(("weights.ri_table", f"matrix '{matrix_id}': {exc}"))
    if problems:
        raise ConfigError(config_file, problems)


def _parse_values(values: pd.Series) -> tuple[list[ahp.ParsedJudgment | None], list[str | None]]:
    """Parse each distinct cell once; the error text per cell (None when it parsed)."""
    cache: dict[Any, tuple[ahp.ParsedJudgment | None, str | None]] = {}
    parsed: list[ahp.ParsedJudgment | None] = []
    errors: list[str | None] = []
    for value in values:
        key = value if not (isinstance(value, float) and math.isnan(value)) else None
        if key not in cache:
            try:
                cache[key] = (ahp.parse_judgment(key), None)
            except ValueError as exc:
                cache[key] = (None, str(exc))
        item, error = cache[key]
        parsed.append(item)
        errors.append(error)
    return parsed, errors


def _row_issues(
    frame: pd.DataFrame, matrices: Mapping[str, Sequence[str]], config: WeightsConfig, file: str
) -> list[InputIssue]:
    issues: list[InputIssue] = []

    def add(mask: pd.Series, column: str, rule: str, expected: str) -> None:
        for row, value in zip(frame.loc[mask, "_row"], frame.loc[mask, column], strict=True):
            issues.append(InputIssue(file, int(row), column, rule, value, expected))

    for column in ("matrix", "expert", "criterion_a", "criterion_b"):
        add(frame[column] == "", column, "blank", "a value")
    known_matrix = frame["matrix"].isin(list(matrices))
    add(~known_matrix & (frame["matrix"] != ""), "matrix", "unknown AHP matrix id",
        "one of " + ", ".join(matrices))
    declared = {(m, str(c)) for m, criteria in matrices.items() for c in criteria}
    for column in ("criterion_a", "criterion_b"):
        pairs = pd.Series(list(zip(frame["matrix"], frame[column], strict=True)), index=frame.index)
        unknown = known_matrix & (frame[column] != "") & ~pairs.isin(declared)
        for row, matrix_id, value in zip(frame.loc[unknown, "_row"], frame.loc[unknown, "matrix"],
                                         frame.loc[unknown, column], strict=True):
            issues.append(InputIssue(file, int(row), column,
                                     f"not a criterion of matrix '{matrix_id}'", value,
                                     "one of " + ", ".join(map(str, matrices[matrix_id]))))
    bad_text = frame["_error"].notna()
    add(bad_text, "value", "judgment is not a number",
        "a number or a fraction such as 3, 1/3 or 0.5")
    value = frame["_value"]
    given = value.notna()
    add(given & (value <= 0), "value", "judgment must be positive", "a value > 0")
    same = (frame["criterion_a"] == frame["criterion_b"]) & (frame["criterion_a"] != "")
    add(same & given & ((value - 1.0).abs() > 1e-12), "value",
        "a criterion compared with itself must be 1", "1 or blank")
    if config.scale == "saaty":
        outside = given & (value > 0) & ((value < (1 / 9) * (1 - 1e-9)) | (value > 9 * (1 + 1e-9)))
        add(outside & ~same, "value", "judgment is outside Saaty's scale",
            "1/9..9 (or set weights.scale: any_positive)")
    key = ["matrix", "expert", "criterion_a", "criterion_b"]
    duplicated = frame.duplicated(key, keep="first") & (frame["matrix"] != "")
    add(duplicated, "criterion_b", "the same comparison is given twice by this expert",
        "one row per matrix, expert and pair")
    issues += _mirror_issues(frame[given & ~same & ~duplicated], config, file)
    return issues


def _mirror_issues(frame: pd.DataFrame, config: WeightsConfig, file: str) -> list[InputIssue]:
    """Both (a, b) and (b, a) given: they must be reciprocal (exactly when written as fractions)."""
    left = frame[["matrix", "expert", "criterion_a", "criterion_b", "_row", "_value", "_exact"]]
    left = left.rename(columns={"_row": "row", "_value": "value", "_exact": "exact"})
    right = left.rename(columns={"criterion_a": "criterion_b", "criterion_b": "criterion_a",
                                 "row": "row_m", "value": "value_m", "exact": "exact_m"})
    pairs = left.merge(right, on=["matrix", "expert", "criterion_a", "criterion_b"])
    pairs = pairs[pairs["row"] < pairs["row_m"]]
    issues = []
    tolerance = config.reciprocal_tolerance
    for item in pairs.itertuples(index=False):
        if isinstance(item.exact, Fraction) and isinstance(item.exact_m, Fraction):
            ok = item.exact * item.exact_m == 1
            expected = f"exactly {1 / item.exact} in row {item.row_m}"
        else:
            ok = abs(item.value * item.value_m - 1.0) <= tolerance + 1e-12
            expected = (f"{1 / item.value:.6g} in row {item.row_m} (a_ba = 1/a_ab, relative "
                        f"tolerance {tolerance:g}, weights.reciprocal_tolerance)")
        if not ok:
            issues.append(InputIssue(
                file, int(item.row_m), "value",
                f"({item.criterion_b}, {item.criterion_a}) is not the reciprocal of "
                f"({item.criterion_a}, {item.criterion_b}) in row {item.row}",
                _fmt(item.value_m), expected,
            ))
    return issues


# ---- the stage ----------------------------------------------------------------------------------


def _expert_cells(rows: pd.DataFrame, criteria: Sequence[str]) -> list[list[object]]:
    index = {c: k for k, c in enumerate(criteria)}
    n = len(criteria)
    cells: list[list[object]] = [[None] * n for _ in range(n)]
    for a, b, parsed in zip(rows["criterion_a"], rows["criterion_b"], rows["_parsed"], strict=True):
        if parsed is not None:
            cells[index[a]][index[b]] = parsed.exact if parsed.exact is not None else parsed.value
    return cells


def _trivial(
    matrix_id: str, criteria: tuple[str, ...], config: WeightsConfig
) -> ahp.MatrixAnalysis:
    return ahp.analyse_matrix(np.ones((1, 1)), criteria, method=config.method,
                              ri_table=config.ri_table, cr_threshold=config.cr_threshold,
                              matrix_id=matrix_id)


def derive_weights(
    judgments: pd.DataFrame | None,
    config: WeightsConfig,
    matrices: Mapping[str, Sequence[str]],
    *,
    enforce: bool = True,
    config_file: str = "config",
) -> WeightsResult:
    """Weights of every declared matrix (id -> ordered criteria) from the experts' judgments.

    Input problems raise InputError (file, row, column); unknown ids in `weights.accept` or
    `weights.expert_weights` raise ConfigError; a matrix that fails the CR gate raises
    InconsistentJudgmentsError with diagnostics unless accepted in the config. With
    `enforce=False` (the audit command) the result is returned with `blocking` reasons instead.
    `config_file` names the config in ConfigError messages. A matrix with a single criterion
    needs no judgments (local weight 1); `judgments` may be None only if no matrix needs them.
    """
    _check_declared(matrices)
    if judgments is None:
        needing = [m for m, criteria in matrices.items() if len(criteria) >= 2]
        if needing:
            raise ConfigError(config_file, [(
                "inputs.judgments",
                "no judgments file configured, but the scorecard declares AHP matrices: "
                + ", ".join(needing) + " (add the experts' judgments, or give fixed weights)",
            )])
        judgments = pd.DataFrame({c: pd.Series(dtype="object") for c in _COLUMNS})
    file = str(judgments.attrs.get("file", "judgments"))
    missing_columns = [c for c in _COLUMNS if c not in judgments.columns]
    if missing_columns:
        raise InputError([InputIssue(file, None, c, "column missing", None,
                                     "columns " + ", ".join(_COLUMNS)) for c in missing_columns])
    frame = pd.DataFrame({c: _text(judgments[c]) for c in _COLUMNS[:4]}, index=judgments.index)
    frame["value"] = judgments["value"].astype("object").to_numpy()
    frame["_row"] = (judgments["_row"].to_numpy() if "_row" in judgments.columns
                     else np.arange(len(judgments)) + 2)
    parsed, errors = _parse_values(frame["value"])
    frame["_parsed"] = pd.Series(parsed, index=frame.index, dtype="object")
    frame["_error"] = pd.Series(errors, index=frame.index, dtype="object")
    frame["_value"] = pd.Series([p.value if p is not None else np.nan for p in parsed],
                                index=frame.index, dtype="float64")
    frame["_exact"] = pd.Series([p.exact if p is not None else None for p in parsed],
                                index=frame.index, dtype="object")
    issues = _row_issues(frame, matrices, config, file)
    if issues:
        raise InputError(sorted(issues, key=lambda i: (i.row or 0, i.column or "")))
    _check_config(config, matrices, set(frame["expert"]), config_file)

    built: dict[str, list[tuple[str, tuple[int, ...], ahp.MatrixCompletion]]] = {}
    for matrix_id, declared in matrices.items():
        criteria = tuple(str(c) for c in declared)
        rows = frame[frame["matrix"] == matrix_id]
        built[matrix_id] = []
        if len(criteria) >= 2 and rows.empty:
            issues.append(InputIssue(file, None, "matrix", f"no judgments for matrix '{matrix_id}'",
                                     None, "each expert's comparisons of " + ", ".join(criteria)))
        for expert in sorted(rows["expert"].unique()) if len(criteria) >= 2 else ():
            own = rows[rows["expert"] == expert]
            matrix = ahp.judgment_matrix(
                _expert_cells(own, criteria), criteria, matrix_id=matrix_id, scale="any_positive",
                reciprocal_tolerance=config.reciprocal_tolerance,
            )
            line_numbers = tuple(int(r) for r in own["_row"])
            if matrix.missing and config.completion == "none":
                issues += [
                    InputIssue(file, None, "value",
                               f"matrix '{matrix_id}', expert {expert}: no judgment for ({a}, {b})",
                               None, "a value, or set weights.completion: harker")
                    for a, b in matrix.missing
                ]
                continue
            try:
                completion = ahp.complete_matrix(
                    matrix.array, criteria, matrix_id=matrix_id,
                    method="harker" if config.completion == "none" else config.completion,
                )
            except ahp.DisconnectedJudgmentsError as exc:
                issues.append(InputIssue(file, None, "value", f"expert {expert}: {exc}", None,
                                         f"rows {', '.join(map(str, line_numbers))} to connect "
                                         "every criterion"))
                continue
            built[matrix_id].append((expert, line_numbers, completion))
    if issues:
        raise InputError(issues)

    records = {
        matrix_id: _gate(matrix_id, tuple(str(c) for c in matrices[matrix_id]), built[matrix_id],
                         config)
        for matrix_id in matrices
    }
    result = WeightsResult(
        matrices=records, method=config.method, ri_table=config.ri_table,
        cr_threshold=config.cr_threshold, inconsistent_expert=config.inconsistent_expert,
        completion=config.completion, source=file, expert_weights=dict(config.expert_weights),
    )
    if enforce and not result.passed:
        raise InconsistentJudgmentsError(result)
    return result


def _gate(
    matrix_id: str,
    criteria: tuple[str, ...],
    experts: list[tuple[str, tuple[int, ...], ahp.MatrixCompletion]],
    config: WeightsConfig,
) -> MatrixWeights:
    """Analyse each expert, apply the inconsistent-expert policy, combine, apply the CR gate."""
    accepted = config.accept.get(matrix_id)
    justification = accepted.justification if accepted is not None else None
    if len(criteria) < 2:
        return MatrixWeights(matrix_id, criteria, (), _trivial(matrix_id, criteria, config), (),
                             justification)

    def analyse(values: np.ndarray) -> ahp.MatrixAnalysis:
        return ahp.analyse_matrix(values, criteria, method=config.method, ri_table=config.ri_table,
                                  cr_threshold=config.cr_threshold, matrix_id=matrix_id)

    analyses = [analyse(completion.array) for _, _, completion in experts]
    inconsistent = [not a.consistent for a in analyses]
    blocking: list[str] = []
    used = False
    exclude = [False] * len(experts)
    if any(inconsistent):
        names = ", ".join(f"{e} (CR {a.consistency_ratio:.4f})"
                          for (e, _, _), a, bad in zip(experts, analyses, inconsistent, strict=True)
                          if bad)
        if config.inconsistent_expert == "exclude" and not all(inconsistent):
            exclude = inconsistent
        elif justification is not None:
            used = True
        elif config.inconsistent_expert == "exclude":
            blocking.append(f"matrix '{matrix_id}': every expert is inconsistent ({names}), "
                            "none is left to combine")
        else:
            blocking.append(f"matrix '{matrix_id}': inconsistent expert judgments: {names} "
                            "(weights.inconsistent_expert: fail)")
    included = [k for k in range(len(experts)) if not exclude[k]]
    shares = [config.expert_weights.get(experts[k][0], 1.0) for k in included]
    combined = analyse(ahp.combine_judgments([analyses[k].array for k in included], shares))
    if not combined.consistent:
        if justification is not None:
            used = True
        else:
            blocking.append(
                f"matrix '{matrix_id}' combined from {', '.join(experts[k][0] for k in included)}: "
                f"CR = {combined.consistency_ratio:.4f} >= {config.cr_threshold:g} "
                f"(λmax {combined.lambda_max:.4f}, CI {combined.consistency_index:.4f}, "
                f"RI {combined.random_index:g})"
            )
    top = config.diagnostics
    expert_records = tuple(
        ExpertMatrix(
            expert=expert, rows=line_numbers, completion=completion, analysis=analysis,
            diagnostics=(
                ahp.inconsistency_diagnostics(analysis, top) if not analysis.consistent else ()
            ),
            weight=config.expert_weights.get(expert, 1.0), excluded=exclude[k],
            exclusion_reason=(
                f"CR {analysis.consistency_ratio:.4f} >= {config.cr_threshold:g} "
                "(weights.inconsistent_expert: exclude)" if exclude[k] else None
            ),
        )
        for k, ((expert, line_numbers, completion), analysis) in enumerate(
            zip(experts, analyses, strict=True))
    )
    return MatrixWeights(
        matrix_id=matrix_id, criteria=criteria, experts=expert_records, combined=combined,
        diagnostics=ahp.inconsistency_diagnostics(combined, top) if not combined.consistent else (),
        accepted_justification=justification, acceptance_used=used, blocking=tuple(blocking),
    )
