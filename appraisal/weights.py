"""The weights stage: experts' pairwise judgments → AHP weights per matrix, with the CR gate.

For every matrix the scorecard declares, each expert's judgments (long table `judgments`: matrix,
expert, criterion_a, criterion_b, value) form one reciprocal matrix; missing pairs are completed
(Harker 1987 by default); each expert's CR is reported; experts are combined by the element-wise
weighted geometric mean; the combined matrix gives the local weights. A matrix with CR >= threshold
stops the run with diagnostics unless `weights.accept` accepts it with a written justification
(a stage result, not an input check). `check_weights` / `check_judgments` find every problem of
the judgments table before anything is computed. The math lives in `appraisal.ahp`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import ahp
from .config.weights import WeightsConfig
from .console import Phrasebook, listed
from .errors import AppraisalError, ConfigError, InputIssue, InternalError, IssueCode

if TYPE_CHECKING:
    from .config import AppraisalConfig
    from .messages import Language

__all__ = [
    "ExpertMatrix",
    "InconsistentJudgmentsError",
    "MatrixWeights",
    "WeightsResult",
    "check_judgments",
    "check_weights",
    "derive_weights",
    "describe_blocking",
    "describe_diagnostics",
    "describe_exclusion",
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
    # Weight robustness (appraisal.analysis.sensitivity), added after the scorecard when a run
    # asks for it (it needs the managers' scores); None in a plain run.
    sensitivity: Mapping[str, Any] | None = None

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
            **({} if self.sensitivity is None else {"sensitivity": dict(self.sensitivity)}),
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


# The stage's own lines (diagnostics, why an expert is excluded, why a matrix stops a run), in
# English as weights.json, the manifest and the errors carry them, and in Chinese for
# `appraise weights` under a zh config (names for ids, no config keys: the person reads them).
LINES = Phrasebook("weights stage", {
    "diagnostic": (
        "{indent}({a}, {b}) = {value}: the weights imply {implied:.3f} (ε = {epsilon:.3f}); "
        "changing it to {suggested} gives CR {cr:.4f}",
        "{indent}（{a}，{b}）= {value}：按权重应为 {implied:.3f}（ε = {epsilon:.3f}）；"
        "改为 {suggested} 后 CR 为 {cr:.4f}"),
    "exclusion": ("CR {cr:.4f} >= {threshold:g} (weights.inconsistent_expert: exclude)",
                  "CR {cr:.4f} >= {threshold:g}（不一致专家的处理：剔除）"),
    "expert_cr": ("{expert} (CR {cr:.4f})", "{expert}（CR {cr:.4f}）"),
    "all_inconsistent": (
        "matrix '{matrix}': every expert is inconsistent ({experts}), none is left to combine",
        "判断矩阵“{matrix}”：每位专家的判断都不一致（{experts}），没有可合并的判断"),
    "inconsistent_fail": (
        "matrix '{matrix}': inconsistent expert judgments: {experts} "
        "(weights.inconsistent_expert: fail)",
        "判断矩阵“{matrix}”：专家判断不一致：{experts}（不一致专家的处理：停止运行）"),
    "combined_inconsistent": (
        "matrix '{matrix}' combined from {experts}: CR = {cr:.4f} >= {threshold:g} "
        "(λmax {lambda_max:.4f}, CI {ci:.4f}, RI {ri:g})",
        "判断矩阵“{matrix}”（由专家 {experts} 合并）：CR = {cr:.4f} >= {threshold:g}"
        "（λmax {lambda_max:.4f}，CI {ci:.4f}，RI {ri:g}）"),
})


def describe_diagnostics(
    diagnostics: Sequence[ahp.JudgmentDiagnostic], indent: str = "",
    language: Language = "en", names: Mapping[str, str] | None = None,
) -> list[str]:
    """Lines naming each worst judgment, what the weights imply and the CR after the suggestion;
    criteria by `names` (id -> display name) when given, else by id."""
    fmt = ahp.format_judgment
    shown = names or {}
    return [
        LINES("diagnostic", language, indent=indent, a=shown.get(d.criterion_a, d.criterion_a),
              b=shown.get(d.criterion_b, d.criterion_b), value=fmt(d.value), implied=d.implied,
              epsilon=d.epsilon, suggested=fmt(d.suggested), cr=d.consistency_ratio_after)
        for d in diagnostics
    ]


def describe_exclusion(expert: ExpertMatrix, language: Language = "en") -> str | None:
    """Why an expert's matrix was left out of the combination (None when it was not): its CR
    reached the threshold under `weights.inconsistent_expert: exclude`."""
    if not expert.excluded:
        return None
    return LINES("exclusion", language, cr=expert.analysis.consistency_ratio,
                 threshold=expert.analysis.cr_threshold)


def describe_blocking(
    record: MatrixWeights, inconsistent_expert: str, cr_threshold: float,
    language: Language = "en", matrix_name: str | None = None,
) -> list[str]:
    """Why a matrix stops a run (none when it does not): inconsistent experts under
    `inconsistent_expert` (`fail`, or `exclude` with every expert inconsistent), a combined
    matrix with CR >= `cr_threshold`; none when the config accepts the matrix. The matrix by
    `matrix_name` when given, else by id."""
    if record.accepted_justification is not None:
        return []
    matrix = matrix_name or record.matrix_id
    reasons = []
    bad = [e for e in record.experts if not e.analysis.consistent]
    if bad and not (inconsistent_expert == "exclude" and len(bad) < len(record.experts)):
        experts = listed([LINES("expert_cr", language, expert=e.expert,
                                 cr=e.analysis.consistency_ratio) for e in bad], language)
        key = "all_inconsistent" if inconsistent_expert == "exclude" else "inconsistent_fail"
        reasons.append(LINES(key, language, matrix=matrix, experts=experts))
    combined = record.combined
    if not combined.consistent:
        reasons.append(LINES(
            "combined_inconsistent", language, matrix=matrix,
            experts=listed([e.expert for e in record.experts if not e.excluded], language),
            cr=combined.consistency_ratio, threshold=cr_threshold,
            lambda_max=combined.lambda_max, ci=combined.consistency_index,
            ri=combined.random_index))
    return reasons


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


def _judgment_frame(judgments: pd.DataFrame) -> pd.DataFrame:
    """The judgments table with trimmed ids, its rows and each value parsed (`_value`, `_exact`)."""
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
    return frame


def _row_issues(
    frame: pd.DataFrame, matrices: Mapping[str, Sequence[str]], config: WeightsConfig, file: str
) -> list[InputIssue]:
    issues: list[InputIssue] = []

    def add(mask: pd.Series, column: str, rule: str, expected: str, code: IssueCode) -> None:
        for row, value in zip(frame.loc[mask, "_row"], frame.loc[mask, column], strict=True):
            issues.append(InputIssue(file, int(row), column, rule, value, expected, code=code))

    for column in ("matrix", "expert", "criterion_a", "criterion_b"):
        add(frame[column] == "", column, "blank", "a value", IssueCode.BLANK)
    known_matrix = frame["matrix"].isin(list(matrices))
    add(~known_matrix & (frame["matrix"] != ""), "matrix", "unknown AHP matrix id",
        "one of " + ", ".join(matrices), IssueCode.UNKNOWN_ID)
    declared = {(m, str(c)) for m, criteria in matrices.items() for c in criteria}
    for column in ("criterion_a", "criterion_b"):
        pairs = pd.Series(list(zip(frame["matrix"], frame[column], strict=True)), index=frame.index)
        unknown = known_matrix & (frame[column] != "") & ~pairs.isin(declared)
        for row, matrix_id, value in zip(frame.loc[unknown, "_row"], frame.loc[unknown, "matrix"],
                                         frame.loc[unknown, column], strict=True):
            issues.append(InputIssue(file, int(row), column,
                                     f"not a criterion of matrix '{matrix_id}'", value,
                                     "one of " + ", ".join(map(str, matrices[matrix_id])),
                                     code=IssueCode.UNKNOWN_ID))
    add(frame["_error"].notna(), "value", "judgment is not a number",
        "a number or a fraction such as 3, 1/3 or 0.5", IssueCode.NOT_A_NUMBER)
    value = frame["_value"]
    given = value.notna()
    add(given & (value <= 0), "value", "judgment must be positive", "a value > 0",
        IssueCode.OUT_OF_RANGE)
    same = (frame["criterion_a"] == frame["criterion_b"]) & (frame["criterion_a"] != "")
    add(same & given & ~ahp.is_unit(value), "value",
        "a criterion compared with itself must be 1", "1 or blank", IssueCode.NOT_ALLOWED)
    if config.scale == "saaty":
        outside = given & (value > 0) & ~ahp.on_saaty_scale(value)
        add(outside & ~same, "value", "judgment is outside Saaty's scale",
            "1/9..9 (or set weights.scale: any_positive)", IssueCode.OUT_OF_RANGE)
    key = ["matrix", "expert", "criterion_a", "criterion_b"]
    duplicated = frame.duplicated(key, keep="first") & (frame["matrix"] != "")
    add(duplicated, "criterion_b", "the same comparison is given twice by this expert",
        "one row per matrix, expert and pair", IssueCode.DUPLICATE_KEY)
    issues += _mirror_issues(frame[given & ~same & ~duplicated], config, file)
    return issues


def _mirror_issues(frame: pd.DataFrame, config: WeightsConfig, file: str) -> list[InputIssue]:
    """Both (a, b) and (b, a) given: they must be reciprocal (`ahp.is_reciprocal`)."""
    left = frame[["matrix", "expert", "criterion_a", "criterion_b", "_row", "_value", "_exact"]]
    left = left.rename(columns={"_row": "row", "_value": "value", "_exact": "exact"})
    right = left.rename(columns={"criterion_a": "criterion_b", "criterion_b": "criterion_a",
                                 "row": "row_m", "value": "value_m", "exact": "exact_m"})
    pairs = left.merge(right, on=["matrix", "expert", "criterion_a", "criterion_b"])
    pairs = pairs[pairs["row"] < pairs["row_m"]]
    issues = []
    tolerance = config.reciprocal_tolerance
    for item in pairs.itertuples(index=False):
        exact = isinstance(item.exact, Fraction) and isinstance(item.exact_m, Fraction)
        if ahp.is_reciprocal(item.value, item.value_m, exact_a=item.exact if exact else None,
                             exact_b=item.exact_m if exact else None, tolerance=tolerance):
            continue
        expected = (f"exactly {1 / item.exact} in row {item.row_m}" if exact else
                    f"{1 / item.value:.6g} in row {item.row_m} (a_ba = 1/a_ab, relative "
                    f"tolerance {tolerance:g}, weights.reciprocal_tolerance)")
        issues.append(InputIssue(
            file, int(item.row_m), "value",
            f"({item.criterion_b}, {item.criterion_a}) is not the reciprocal of "
            f"({item.criterion_a}, {item.criterion_b}) in row {item.row}",
            ahp.format_judgment(item.value_m), expected, code=IssueCode.NOT_RECIPROCAL,
        ))
    return issues


def _expert_weight_issues(
    frame: pd.DataFrame, config: WeightsConfig, file: str
) -> list[InputIssue]:
    """`weights.expert_weights`, when given, names exactly the experts who judged."""
    if not config.expert_weights:
        return []
    first_row = frame[frame["expert"] != ""].groupby("expert")["_row"].min()
    issues = [
        InputIssue(file, None, "expert", f"weights.expert_weights.{expert}: no judgment by this "
                   "expert in the judgments table", expert,
                   "an expert who judged (or remove the weight)", code=IssueCode.MISSING_ROW)
        for expert in config.expert_weights if expert not in first_row.index
    ]
    issues += [
        InputIssue(file, int(row), "expert", f"expert '{expert}' judged but has no weight in "
                   "weights.expert_weights", expert,
                   "a weight for every expert, or no expert_weights", code=IssueCode.UNKNOWN_ID)
        for expert, row in first_row.items() if expert not in config.expert_weights
    ]
    return issues


_Built = dict[str, list[tuple[str, tuple[int, ...], ahp.MatrixCompletion]]]


def _expert_matrices(
    frame: pd.DataFrame, matrices: Mapping[str, Sequence[str]], config: WeightsConfig, file: str
) -> tuple[_Built, list[InputIssue]]:
    """Each expert's completed matrix per declared matrix (rows already valid), and the experts'
    matrices that cannot be completed: a pair missing without completion, disconnected."""
    built: _Built = {}
    issues: list[InputIssue] = []
    for matrix_id, declared in matrices.items():
        criteria = tuple(str(c) for c in declared)
        rows = frame[frame["matrix"] == matrix_id]
        built[matrix_id] = []
        if len(criteria) < 2:
            continue
        for expert in sorted(rows["expert"].unique()):
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
                               None, "a value, or set weights.completion: harker",
                               code=IssueCode.MISSING_VALUE)
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
                                         "every criterion", code=IssueCode.DISCONNECTED))
                continue
            built[matrix_id].append((expert, line_numbers, completion))
    return built, issues


def _unjudged(
    frame: pd.DataFrame, matrices: Mapping[str, Sequence[str]], file: str
) -> list[InputIssue]:
    """Declared matrices of two or more criteria with no judgment at all."""
    judged = set(frame["matrix"])
    return [
        InputIssue(file, None, "matrix", f"no judgments for matrix '{matrix_id}'", None,
                   "each expert's comparisons of " + ", ".join(map(str, criteria)),
                   code=IssueCode.MISSING_ROW)
        for matrix_id, criteria in matrices.items()
        if len(criteria) >= 2 and matrix_id not in judged
    ]


def check_judgments(
    judgments: pd.DataFrame | None, config: WeightsConfig, matrices: Mapping[str, Sequence[str]]
) -> list[InputIssue]:
    """Every problem of the judgments table for the declared matrices (id -> criteria).

    Missing table or columns; per row: blanks, unknown matrix or criterion, values that are not
    numbers, not positive, off Saaty's scale, a self-comparison other than 1, a pair given twice,
    mirror pairs that are not reciprocal; expert weights that do not name exactly the experts;
    per matrix: none judged, pairs missing when completion is off, judgments that do not
    connect every criterion. Pure; never raises for bad data. The CR gate is not a check: it
    is the stage's result.
    """
    needing = [m for m, criteria in matrices.items() if len(criteria) >= 2]
    if judgments is None:
        return [InputIssue(
            "judgments", None, None,
            "no judgments file configured, but the scorecard declares AHP matrices: "
            + ", ".join(needing), "inputs.judgments (the experts' judgments), or fixed weights",
            code=IssueCode.MISSING_TABLE,
        )] if needing else []
    file = str(judgments.attrs.get("file", "judgments"))
    missing = [c for c in _COLUMNS if c not in judgments.columns]
    if missing:
        return [InputIssue(file, None, c, "column missing", None,
                           "columns " + ", ".join(_COLUMNS), code=IssueCode.MISSING_COLUMN)
                for c in missing]
    frame = _judgment_frame(judgments)
    rows = sorted(_row_issues(frame, matrices, config, file),
                  key=lambda i: (i.row or 0, i.column or ""))
    issues = rows + _expert_weight_issues(frame, config, file) + _unjudged(frame, matrices, file)
    if rows:
        return issues  # experts' matrices are built from valid rows only
    return issues + _expert_matrices(frame, matrices, config, file)[1]


def check_weights(
    tables: Mapping[str, pd.DataFrame], config: AppraisalConfig
) -> list[InputIssue]:
    """`check_judgments` for the matrices the scorecard declares, with the config's settings."""
    return check_judgments(tables.get("judgments"), config.weights,
                           config.scorecard.ahp_matrices())


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

    Assumes judgments that `check_judgments` accepted (anything it refuses raises
    InternalError). Config keys that do not fit the matrices (`weights.accept`, an RI table too
    short) raise ConfigError naming `config_file`; a matrix that fails the CR gate raises
    InconsistentJudgmentsError with diagnostics unless accepted in the config. With
    `enforce=False` (the audit command) the result is returned with `blocking` reasons instead.
    A matrix with a single criterion needs no judgments (local weight 1).
    """
    _check_declared(matrices)
    problems = config.problems(matrices)
    if problems:
        raise ConfigError(config_file, problems)
    issues = check_judgments(judgments, config, matrices)
    if issues:
        raise InternalError("weights: judgments that validation should have refused: "
                            + "; ".join(i.describe() for i in issues[:3]))
    if judgments is None:
        judgments = pd.DataFrame({c: pd.Series(dtype="object") for c in _COLUMNS})
    file = str(judgments.attrs.get("file", "judgments"))
    built, _ = _expert_matrices(_judgment_frame(judgments), matrices, config, file)
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
    used = False
    exclude = [False] * len(experts)
    if any(inconsistent):
        if config.inconsistent_expert == "exclude" and not all(inconsistent):
            exclude = inconsistent
        elif justification is not None:
            used = True
    included = [k for k in range(len(experts)) if not exclude[k]]
    shares = [config.expert_weights.get(experts[k][0], 1.0) for k in included]
    combined = analyse(ahp.combine_judgments([analyses[k].array for k in included], shares))
    if not combined.consistent and justification is not None:
        used = True
    top = config.diagnostics
    expert_records = tuple(
        ExpertMatrix(
            expert=expert, rows=line_numbers, completion=completion, analysis=analysis,
            diagnostics=(
                ahp.inconsistency_diagnostics(analysis, top) if not analysis.consistent else ()
            ),
            weight=config.expert_weights.get(expert, 1.0), excluded=exclude[k],
            exclusion_reason=(
                LINES("exclusion", "en", cr=analysis.consistency_ratio,
                      threshold=config.cr_threshold) if exclude[k] else None
            ),
        )
        for k, ((expert, line_numbers, completion), analysis) in enumerate(
            zip(experts, analyses, strict=True))
    )
    record = MatrixWeights(
        matrix_id=matrix_id, criteria=criteria, experts=expert_records, combined=combined,
        diagnostics=ahp.inconsistency_diagnostics(combined, top) if not combined.consistent else (),
        accepted_justification=justification, acceptance_used=used,
    )
    blocking = describe_blocking(record, config.inconsistent_expert, config.cr_threshold)
    return dataclasses.replace(record, blocking=tuple(blocking))
