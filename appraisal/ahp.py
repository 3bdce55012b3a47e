"""Pure AHP math (层次分析法): weights, λmax, CI/RI/CR, GCI, groups, completion, diagnostics.

A pairwise-comparison matrix A (判断矩阵) holds a_ij = how much more important criterion i is than
criterion j, with a_ii = 1 and a_ji = 1/a_ij (Saaty 1977, 1980). From it:

- weights w by the row geometric mean (w_i ∝ (Π_j a_ij)^(1/n), the method of the source) or by the
  principal right eigenvector of A (Saaty 1980);
- λmax = mean_i (A·w)_i / w_i (for the eigenvector this is the Perron eigenvalue itself);
- CI = (λmax − n)/(n − 1), CR = CI / RI(n) with RI from a named table; the matrix is consistent
  when CR < threshold (0.10, Saaty 1980); n <= 2 is always consistent with CR = 0;
- GCI = 2/((n−1)(n−2)) Σ_{i<j} ln²(a_ij·w_j/w_i) with the geometric-mean weights, thresholds
  0.31 (n = 3), 0.35 (n = 4), 0.37 (n > 4) (Aguarón & Moreno-Jiménez 2003).

Several experts' matrices are combined by the element-wise weighted geometric mean (Aczél & Saaty
1983; Forman & Peniwati 1998). Missing judgments are completed by Harker's method (Harker 1987) or
by the λmax-optimal completion (Bozóki, Fülöp & Rónyai 2010). Nothing here reads files or prints;
every result keeps full precision (round only for display).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .errors import AppraisalError

__all__ = [
    "COMPLETION_METHODS",
    "DEFAULT_CR_THRESHOLD",
    "RI_TABLES",
    "SAATY_SCALE",
    "WEIGHT_METHODS",
    "WEIGHT_SUM_TOLERANCE",
    "AHPError",
    "CompletionMethod",
    "DisconnectedJudgmentsError",
    "HierarchyError",
    "InvalidMatrixError",
    "JudgmentDiagnostic",
    "JudgmentMatrix",
    "JudgmentScale",
    "MatrixAnalysis",
    "MatrixCompletion",
    "MatrixProblem",
    "ParsedJudgment",
    "RandomIndexError",
    "RandomIndexTable",
    "RandomIndexTableSpec",
    "WeightMethod",
    "analyse_matrix",
    "combine_judgments",
    "complete_matrix",
    "consistency_index",
    "consistency_ratio",
    "format_judgment",
    "gci_threshold",
    "geometric_consistency_index",
    "hierarchy_weights",
    "inconsistency_diagnostics",
    "is_reciprocal",
    "is_unit",
    "judgment_matrix",
    "lambda_max",
    "matrix_problems",
    "on_saaty_scale",
    "parse_judgment",
    "priority_vector",
    "random_index",
]

WeightMethod = Literal["geometric_mean", "eigenvector"]
RandomIndexTable = Literal["saaty_1980", "saaty_2005", "donegan_dodd_1991", "alonso_lamata_2006"]
JudgmentScale = Literal["saaty", "any_positive"]
CompletionMethod = Literal["harker", "lambda_max_optimal"]

WEIGHT_METHODS: tuple[str, ...] = get_args(WeightMethod)
COMPLETION_METHODS: tuple[str, ...] = get_args(CompletionMethod)
DEFAULT_CR_THRESHOLD = 0.10

#: Saaty's fundamental scale: 1/9, 1/8, ..., 1/2, 1, 2, ..., 9 (ascending).
SAATY_SCALE: tuple[float, ...] = tuple(
    [1.0 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)]
)

WEIGHT_SUM_TOLERANCE = 1e-6
"""Weights of one level sum to 1 within this (fixed weights typed as decimals, AHP weights)."""

_SCALE_MIN, _SCALE_MAX = 1.0 / 9.0, 9.0
_SCALE_SLACK = 1e-9
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]?\d{2}:\d{2}(:\d{2})?)?$")
_FLOAT_SLACK = 1e-12


# ---- errors -------------------------------------------------------------------------------------


class AHPError(AppraisalError):
    """A pairwise-comparison matrix or an AHP option that cannot be used."""


@dataclass(frozen=True)
class MatrixProblem:
    """One problem in a judgment matrix: the matrix, the cell (criterion names), the value."""

    matrix: str
    row: str | None
    column: str | None
    rule: str
    value: object = None
    expected: str = ""

    def describe(self) -> str:
        where = f"matrix '{self.matrix}'"
        if self.row is not None and self.column is not None:
            where += f", cell ({self.row}, {self.column})"
        text = f"{where}: {self.rule}"
        if self.value is not None:
            text += f" (got {self.value})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


class InvalidMatrixError(AHPError):
    """The matrix is not a positive reciprocal matrix on the allowed scale; lists every problem."""

    def __init__(self, problems: Sequence[MatrixProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the judgment matrix:"]
        lines += [f"  - {problem.describe()}" for problem in self.problems]
        super().__init__("\n".join(lines))


class DisconnectedJudgmentsError(AHPError):
    """The known comparisons leave groups of criteria that are never compared with each other."""

    def __init__(self, matrix: str, groups: Sequence[Sequence[str]]) -> None:
        self.matrix = matrix
        self.groups = [list(group) for group in groups]
        shown = "; ".join("{" + ", ".join(group) + "}" for group in self.groups)
        super().__init__(
            f"matrix '{matrix}': the judgments given do not connect all criteria, so the missing "
            f"ones cannot be completed. Separate groups: {shown}. Add at least one comparison "
            "between each pair of groups."
        )


class RandomIndexError(AHPError):
    """Unknown RI table, or a matrix size the table does not cover."""


class HierarchyError(AHPError):
    """Dimension and indicator weights that do not form a hierarchy."""


# ---- random index tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class RandomIndexTableSpec:
    """A published random-index table: RI(n) by matrix size, or a formula for any n."""

    name: str
    citation: str
    values: Mapping[int, float] = field(default_factory=dict)
    formula: Callable[[int], float] | None = None

    def index(self, n: int) -> float:
        """RI(n); 0 for n <= 2 (such matrices are always consistent)."""
        if n <= 2:
            return 0.0
        if self.formula is not None:
            return self.formula(n)
        if n not in self.values:
            largest = max(self.values)
            covering = [f"{spec.name} (n ≤ {max(spec.values)})"
                        for spec in RI_TABLES.values() if spec.formula is None and n in spec.values]
            raise RandomIndexError(
                f"random-index table '{self.name}' covers matrices up to n = {largest}, this one "
                f"has n = {n}; choose ri_table: {', '.join(covering)}{' or ' if covering else ''}"
                "alonso_lamata_2006 (a formula for any n)"
            )
        return self.values[n]


def _alonso_lamata(n: int) -> float:
    # mean λmax of random matrices ≈ 2.7699·n − 4.3513 (Alonso & Lamata 2006, eq. 13);
    # RI(n) = (λ̄max − n)/(n − 1)
    return (2.7699 * n - 4.3513 - n) / (n - 1)


RI_TABLES: Mapping[str, RandomIndexTableSpec] = {
    "saaty_1980": RandomIndexTableSpec(
        "saaty_1980",
        "Saaty, T.L. (1980) The Analytic Hierarchy Process, McGraw-Hill: random consistency "
        "index, n = 1..10 (the table used in Chinese appraisal practice)",
        {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49},
    ),
    "saaty_2005": RandomIndexTableSpec(
        "saaty_2005",
        "Saaty, T.L. (2005) Theory and Applications of the Analytic Network Process, RWS "
        "Publications, p. 31: n = 3..15",
        {3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49, 11: 1.52,
         12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
    ),
    "donegan_dodd_1991": RandomIndexTableSpec(
        "donegan_dodd_1991",
        "Donegan, H.A. & Dodd, F.J. (1991) A note on Saaty's random indexes, Mathematical and "
        "Computer Modelling 15(10), 135-137: n = 3..20",
        {3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171, 9: 1.3733,
         10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969, 16: 1.5078,
         17: 1.5153, 18: 1.5262, 19: 1.5313, 20: 1.5371},
    ),
    "alonso_lamata_2006": RandomIndexTableSpec(
        "alonso_lamata_2006",
        "Alonso, J.A. & Lamata, M.T. (2006) Consistency in the analytic hierarchy process: a new "
        "approach, Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 14(4), 445-459: "
        "RI(n) = (2.7699·n − 4.3513 − n)/(n − 1), any n",
        formula=_alonso_lamata,
    ),
}


def random_index(n: int, table: str = "saaty_1980") -> float:
    """RI(n) from the named table; unknown names and uncovered sizes are errors, never None."""
    spec = RI_TABLES.get(table)
    if spec is None:
        raise RandomIndexError(
            f"unknown random-index table {table!r}; choose one of: {', '.join(RI_TABLES)}"
        )
    return spec.index(n)


# ---- reading judgments --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedJudgment:
    """A judgment as written: its value and, if written as an integer or a/b, the exact fraction."""

    value: float
    exact: Fraction | None


def parse_judgment(text: object) -> ParsedJudgment | None:
    """Parse `3`, `1/3`, `0.5` (full-width forms too); None for a blank cell.

    Raises ValueError with the accepted forms for anything else.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, Fraction):
        return ParsedJudgment(float(text), text)
    if isinstance(text, int | np.integer):
        return ParsedJudgment(float(text), Fraction(int(text)))
    if isinstance(text, float | np.floating):
        return ParsedJudgment(float(text), None)
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    if raw == "" or raw.lower() in ("nan", "none"):
        return None
    accepted = "a number or a fraction such as 3, 1/3 or 0.5"
    if _DATE_LIKE.match(raw):
        raise ValueError(accepted + " (this looks like a date: Excel turns 1/3 typed into a "
                                    "cell into a date; format the cells as text, or type '1/3)")
    if "/" in raw:
        top, _, bottom = raw.partition("/")
        if not (top.isdigit() and bottom.isdigit()) or int(bottom) == 0:
            raise ValueError(accepted)
        exact = Fraction(int(top), int(bottom))
        return ParsedJudgment(float(exact), exact)
    if raw.lstrip("+-").isdigit():
        return ParsedJudgment(float(int(raw)), Fraction(int(raw)))
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(accepted) from None
    if not math.isfinite(value):
        raise ValueError(accepted)
    return ParsedJudgment(value, None)


def _names(criteria: Sequence[str] | None, n: int) -> tuple[str, ...]:
    if criteria is None:
        return tuple(f"C{i + 1}" for i in range(n))
    return tuple(str(c) for c in criteria)


def _show(value: float) -> str:
    return f"{value:.6g}"


def format_judgment(value: float) -> str:
    """A judgment as an expert writes it: `3`, `1/3` when it is one, else 4 significant digits."""
    fraction = Fraction(value).limit_denominator(9)
    if abs(float(fraction) - value) <= 1e-9 * max(1.0, value):
        return str(fraction)
    return f"{value:.4g}"


def is_unit(values: ArrayLike) -> np.ndarray:
    """True where a judgment equals 1 (a diagonal cell, a criterion compared with itself)."""
    return np.abs(np.asarray(values, dtype=float) - 1.0) <= _FLOAT_SLACK


def on_saaty_scale(values: ArrayLike) -> np.ndarray:
    """True where a judgment lies on Saaty's range 1/9..9 (relative float slack 1e-9)."""
    v = np.asarray(values, dtype=float)
    return (v >= _SCALE_MIN * (1 - _SCALE_SLACK)) & (v <= _SCALE_MAX * (1 + _SCALE_SLACK))


def is_reciprocal(
    a: float, b: float, *, exact_a: Fraction | None = None, exact_b: Fraction | None = None,
    tolerance: float,
) -> bool:
    """a_ij · a_ji = 1: exactly when both were written as integers or fractions, else within
    `tolerance` (relative)."""
    if exact_a is not None and exact_b is not None:
        return exact_a * exact_b == 1
    return abs(a * b - 1.0) <= tolerance + _FLOAT_SLACK


def matrix_problems(
    matrix: ArrayLike,
    criteria: Sequence[str] | None = None,
    *,
    matrix_id: str = "matrix",
    scale: JudgmentScale = "any_positive",
    reciprocal_tolerance: float = 1e-9,
    exact: Sequence[Sequence[Fraction | None]] | None = None,
    allow_missing: bool = False,
) -> list[MatrixProblem]:
    """Every problem of a judgment matrix: shape, positivity, diagonal 1, reciprocity, scale.

    NaN marks a pair not judged: allowed when `allow_missing` (for completion) and when only one of
    a_ij, a_ji is blank (the other gives it). Reciprocity a_ij·a_ji = 1 is checked exactly where
    both cells were written as integers or fractions (`exact`), else within `reciprocal_tolerance`
    (relative).
    """
    values = np.asarray(matrix, dtype=float)
    problems: list[MatrixProblem] = []
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        problems.append(MatrixProblem(matrix_id, None, None, "the matrix is not square",
                                      "x".join(map(str, values.shape)), "n rows and n columns"))
        return problems
    n = values.shape[0]
    names = _names(criteria, n)
    if len(names) != n:
        problems.append(MatrixProblem(matrix_id, None, None, "criteria do not match the matrix",
                                      len(names), f"{n} criterion names"))
        return problems
    if len(set(names)) != n:
        repeated = sorted({c for c in names if names.count(c) > 1})
        problems.append(MatrixProblem(matrix_id, None, None, "criterion named twice",
                                      ", ".join(repeated), "distinct criterion names"))
    for i in range(n):
        for j in range(n):
            a = values[i, j]
            if math.isnan(a):
                continue
            if not math.isfinite(a) or a <= 0:
                problems.append(MatrixProblem(matrix_id, names[i], names[j],
                                              "judgment is not a positive number", _show(a),
                                              "a value > 0"))
                continue
            if i == j:
                if not is_unit(a):
                    problems.append(MatrixProblem(matrix_id, names[i], names[j],
                                                  "diagonal judgment must be 1", _show(a), "1"))
                continue
            if scale == "saaty" and not on_saaty_scale(a):
                problems.append(MatrixProblem(matrix_id, names[i], names[j],
                                              "judgment is outside Saaty's scale", _show(a),
                                              "1/9..9 (or set scale: any_positive)"))
    for i in range(n):
        for j in range(i + 1, n):
            a, b = values[i, j], values[j, i]
            if math.isnan(a) and math.isnan(b):
                if not allow_missing:
                    problems.append(MatrixProblem(matrix_id, names[i], names[j],
                                                  "judgment missing", None,
                                                  "a value in this cell or in its mirror cell"))
                continue
            if math.isnan(a) or math.isnan(b) or a <= 0 or b <= 0:
                continue
            exact_a = exact[i][j] if exact is not None else None
            exact_b = exact[j][i] if exact is not None else None
            if exact_a is not None and exact_b is not None:
                expected = f"exactly {1 / exact_a} in the mirror cell"
            else:
                expected = (f"a_ji = 1/a_ij = {_show(1 / a)} "
                            f"(relative tolerance {reciprocal_tolerance:g})")
            if not is_reciprocal(a, b, exact_a=exact_a, exact_b=exact_b,
                                 tolerance=reciprocal_tolerance):
                problems.append(MatrixProblem(matrix_id, names[i], names[j],
                                              "judgment and its mirror are not reciprocal",
                                              f"{_show(a)} and {_show(b)}", expected))
    return problems


@dataclass(frozen=True)
class JudgmentMatrix:
    """A checked reciprocal matrix; NaN where neither a_ij nor a_ji was judged (see `missing`)."""

    matrix_id: str
    criteria: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]

    @property
    def array(self) -> np.ndarray:
        return np.array(self.matrix, dtype=float)

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """Pairs (i < j in criteria order) that no judgment covers."""
        values = self.array
        n = len(self.criteria)
        return tuple(
            (self.criteria[i], self.criteria[j])
            for i in range(n) for j in range(i + 1, n) if math.isnan(values[i, j])
        )


def judgment_matrix(
    cells: Sequence[Sequence[object]],
    criteria: Sequence[str] | None = None,
    *,
    matrix_id: str = "matrix",
    scale: JudgmentScale = "saaty",
    reciprocal_tolerance: float = 0.02,
    allow_missing: bool = True,
) -> JudgmentMatrix:
    """Build a reciprocal matrix from written cells (`3`, `1/3`, `0.5`, blank), checking everything.

    Only one of a_ij, a_ji needs a value; a blank diagonal counts as 1. Where both mirror cells
    are given (and pass the reciprocity check) the one written exactly (integer or a/b) is kept,
    else the one above the diagonal. Raises InvalidMatrixError listing every problem.
    """
    n = len(cells)
    names = _names(criteria, n)
    problems: list[MatrixProblem] = []
    values = np.full((n, n), np.nan)
    exact: list[list[Fraction | None]] = [[None] * n for _ in range(n)]
    for i, row in enumerate(cells):
        if len(row) != n:
            problems.append(MatrixProblem(matrix_id, names[i] if i < len(names) else None, None,
                                          "row has the wrong number of cells", len(row),
                                          f"{n} cells"))
            continue
        for j, cell in enumerate(row):
            try:
                parsed = parse_judgment(cell)
            except ValueError as exc:
                problems.append(MatrixProblem(matrix_id, names[i], names[j],
                                              "judgment is not a number", repr(cell), str(exc)))
                continue
            if parsed is not None:
                values[i, j] = parsed.value
                exact[i][j] = parsed.exact
    if problems and any(len(row) != n for row in cells):
        raise InvalidMatrixError(problems)
    np.fill_diagonal(values, np.where(np.isnan(np.diag(values)), 1.0, np.diag(values)))
    unreadable = {(p.row, p.column) for p in problems}
    problems += [
        p for p in matrix_problems(values, names, matrix_id=matrix_id, scale=scale,
                                   reciprocal_tolerance=reciprocal_tolerance, exact=exact,
                                   allow_missing=allow_missing)
        if (p.row, p.column) not in unreadable and (p.column, p.row) not in unreadable
    ]
    if problems:
        raise InvalidMatrixError(problems)
    filled = values.copy()
    for i in range(n):
        for j in range(i + 1, n):
            a, b = values[i, j], values[j, i]
            if math.isnan(a) and math.isnan(b):
                continue
            if math.isnan(b) or (not math.isnan(a) and (exact[i][j] is not None
                                                        or exact[j][i] is None)):
                filled[i, j], filled[j, i] = a, 1.0 / a
            else:
                filled[i, j], filled[j, i] = 1.0 / b, b
    return JudgmentMatrix(matrix_id, names, _as_tuple(filled))


def _as_tuple(values: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in values)


def _complete_reciprocal(matrix: ArrayLike, criteria: Sequence[str] | None, matrix_id: str
                         ) -> tuple[np.ndarray, tuple[str, ...]]:
    values = np.asarray(matrix, dtype=float)
    names = _names(criteria, values.shape[0] if values.ndim == 2 else 0)
    problems = matrix_problems(values, names, matrix_id=matrix_id, reciprocal_tolerance=1e-9)
    if problems:
        raise InvalidMatrixError(problems)
    return values, names


# ---- weights and consistency ---------------------------------------------------------------


def _perron(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    """Perron eigenvalue and positive eigenvector (sum 1) of a nonnegative irreducible matrix."""
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, k].real)
    return float(eigenvalues[k].real), vector / vector.sum()


def priority_vector(matrix: ArrayLike, method: WeightMethod = "geometric_mean") -> np.ndarray:
    """Weights (sum 1) of a complete positive reciprocal matrix by the row geometric mean or the
    principal eigenvector."""
    values = np.asarray(matrix, dtype=float)
    if method == "geometric_mean":
        row_means = np.exp(np.log(values).mean(axis=1))
        return row_means / row_means.sum()
    if method == "eigenvector":
        return _perron(values)[1]
    raise AHPError(f"unknown weight method {method!r}; choose one of: {', '.join(WEIGHT_METHODS)}")


def lambda_max(matrix: ArrayLike, weights: ArrayLike) -> float:
    """λmax = mean_i (A·w)_i / w_i (Saaty 1980); the Perron eigenvalue when w is its eigenvector."""
    values = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    return float(np.mean(values @ w / w))


def consistency_index(lambda_max_value: float, n: int) -> float:
    """CI = (λmax − n)/(n − 1); 0 for n <= 2."""
    if n <= 2:
        return 0.0
    return (lambda_max_value - n) / (n - 1)


def consistency_ratio(ci: float, n: int, table: str = "saaty_1980") -> float:
    """CR = CI / RI(n); 0 for n <= 2."""
    if n <= 2:
        return 0.0
    return ci / random_index(n, table)


def gci_threshold(n: int) -> float | None:
    """GCI threshold (Aguarón & Moreno-Jiménez 2003): 0.31 (n=3), 0.35 (n=4), 0.37; None n <= 2."""
    if n <= 2:
        return None
    return {3: 0.31, 4: 0.35}.get(n, 0.37)


def geometric_consistency_index(matrix: ArrayLike) -> float:
    """GCI = 2/((n−1)(n−2)) Σ_{i<j} ln²(a_ij·w_j/w_i), w by row geometric mean; 0 for n <= 2."""
    values = np.asarray(matrix, dtype=float)
    n = values.shape[0]
    if n <= 2:
        return 0.0
    w = priority_vector(values, "geometric_mean")
    errors = np.log(values * w[np.newaxis, :] / w[:, np.newaxis])
    upper = np.triu_indices(n, k=1)
    return float(2.0 * np.sum(errors[upper] ** 2) / ((n - 1) * (n - 2)))


@dataclass(frozen=True)
class MatrixAnalysis:
    """Weights and consistency of one complete judgment matrix, every intermediate kept."""

    matrix_id: str
    criteria: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    method: WeightMethod
    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    random_index: float
    ri_table: str
    consistency_ratio: float
    cr_threshold: float
    consistent: bool
    geometric_consistency_index: float
    gci_threshold: float | None

    @property
    def n(self) -> int:
        return len(self.criteria)

    @property
    def array(self) -> np.ndarray:
        return np.array(self.matrix, dtype=float)

    @property
    def weights_by_criterion(self) -> dict[str, float]:
        return dict(zip(self.criteria, self.weights, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "criteria": list(self.criteria),
            "matrix": [list(row) for row in self.matrix],
            "weights": self.weights_by_criterion,
            "method": self.method,
            "lambda_max": self.lambda_max,
            "ci": self.consistency_index,
            "ri": self.random_index,
            "ri_table": self.ri_table,
            "cr": self.consistency_ratio,
            "cr_threshold": self.cr_threshold,
            "consistent": self.consistent,
            "gci": self.geometric_consistency_index,
            "gci_threshold": self.gci_threshold,
        }


def analyse_matrix(
    matrix: ArrayLike,
    criteria: Sequence[str] | None = None,
    *,
    method: WeightMethod = "geometric_mean",
    ri_table: str = "saaty_1980",
    cr_threshold: float = DEFAULT_CR_THRESHOLD,
    matrix_id: str = "matrix",
) -> MatrixAnalysis:
    """Weights, λmax, CI, RI, CR, verdict (CR < threshold) and GCI of a complete reciprocal matrix.

    The matrix must be square, positive, with unit diagonal and reciprocal to 1e-9 (the scale is
    checked when judgments are read, see `judgment_matrix`). n <= 2 is consistent with CR 0.
    """
    if method not in WEIGHT_METHODS:
        raise AHPError(f"unknown weight method {method!r}; "
                       f"choose one of: {', '.join(WEIGHT_METHODS)}")
    values, names = _complete_reciprocal(matrix, criteria, matrix_id)
    n = values.shape[0]
    try:
        ri = random_index(n, ri_table)  # checks the table name even for small n
    except RandomIndexError as exc:
        raise RandomIndexError(f"matrix '{matrix_id}': {exc}") from None
    w = priority_vector(values, method)
    lam = lambda_max(values, w) if n > 2 else float(n)
    ci = consistency_index(lam, n)
    cr = ci / ri if n > 2 else 0.0
    return MatrixAnalysis(
        matrix_id=matrix_id,
        criteria=names,
        matrix=_as_tuple(values),
        method=method,
        weights=tuple(float(x) for x in w),
        lambda_max=lam,
        consistency_index=ci,
        random_index=ri,
        ri_table=ri_table,
        consistency_ratio=cr,
        cr_threshold=cr_threshold,
        consistent=bool(cr < cr_threshold),
        geometric_consistency_index=geometric_consistency_index(values),
        gci_threshold=gci_threshold(n),
    )


# ---- group judgments ----------------------------------------------------------------------------


def combine_judgments(
    matrices: Sequence[ArrayLike], expert_weights: Sequence[float] | None = None
) -> np.ndarray:
    """Element-wise (weighted) geometric mean of complete reciprocal matrices (Aczél & Saaty 1983).

    The result is again reciprocal; expert weights are normalised to sum 1.
    """
    if len(matrices) == 0:
        raise AHPError("no expert matrix to combine")
    stack = np.stack([np.asarray(m, dtype=float) for m in matrices])
    if expert_weights is None:
        share = np.full(len(matrices), 1.0 / len(matrices))
    else:
        share = np.asarray(expert_weights, dtype=float)
        if share.shape != (len(matrices),) or not np.all(share > 0):
            raise AHPError("expert weights must be one positive number per expert matrix")
        share = share / share.sum()
    if np.all(stack == stack[0]):
        return stack[0].copy()  # identical judgments: keep them exactly as written
    return np.exp(np.tensordot(share, np.log(stack), axes=1))


# ---- missing judgments --------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCompletion:
    """A matrix whose missing judgments were estimated, and which cells were filled (i < j)."""

    matrix_id: str
    criteria: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    method: CompletionMethod | None
    filled: tuple[tuple[str, str, float], ...]

    @property
    def array(self) -> np.ndarray:
        return np.array(self.matrix, dtype=float)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "filled": [{"criterion_a": a, "criterion_b": b, "value": v} for a, b, v in self.filled],
        }


def _harker_weights(values: np.ndarray) -> np.ndarray:
    known = ~np.isnan(values)
    b = np.where(known, values, 0.0)
    missing_per_row = (~known).sum(axis=1)
    b[np.diag_indices_from(b)] = 1.0 + missing_per_row
    return _perron(b)[1]


def _lambda_max_optimal(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Minimise λmax over the logarithms of the missing entries (convex: Bozóki et al. 2010)."""
    upper = [(i, j) for i, j in zip(*np.where(np.isnan(values)), strict=True) if i < j]
    rows = np.array([i for i, _ in upper])
    cols = np.array([j for _, j in upper])

    def fill(x: np.ndarray) -> np.ndarray:
        filled = values.copy()
        filled[rows, cols] = np.exp(x)
        filled[cols, rows] = np.exp(-x)
        return filled

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        a = fill(x)
        lam, right = _perron(a)
        _, left = _perron(a.T)
        scale = float(left @ right)
        grad = (left[rows] * right[cols] * a[rows, cols] - left[cols] * right[rows] * a[cols, rows])
        return lam, grad / scale

    x0 = np.log(start[rows, cols])
    result = optimize.minimize(objective, x0, jac=True, method="BFGS",
                               options={"gtol": 1e-11, "maxiter": 1000})
    if not result.success and float(np.max(np.abs(result.jac))) > 1e-6:
        raise AHPError(f"the λmax-optimal completion did not converge ({result.message}); "
                       "set weights.completion: harker")
    return fill(result.x)


def complete_matrix(
    matrix: ArrayLike,
    criteria: Sequence[str] | None = None,
    *,
    method: CompletionMethod = "harker",
    matrix_id: str = "matrix",
) -> MatrixCompletion:
    """Estimate the missing judgments (NaN in both mirror cells) of a reciprocal matrix.

    `harker`: a_ij = w_i/w_j with w the Perron vector of Harker's auxiliary matrix (missing
    entries 0, diagonal 1 + number missing in the row; Harker 1987). `lambda_max_optimal`: the
    values that minimise λmax of the completed matrix (Bozóki, Fülöp & Rónyai 2010). Refuses when
    the known comparisons do not connect all criteria. A complete matrix is returned unchanged.
    """
    if method not in COMPLETION_METHODS:
        raise AHPError(f"unknown completion method {method!r}; choose one of: "
                       f"{', '.join(COMPLETION_METHODS)}")
    values = np.asarray(matrix, dtype=float)
    names = _names(criteria, values.shape[0] if values.ndim == 2 else 0)
    problems = matrix_problems(values, names, matrix_id=matrix_id, reciprocal_tolerance=1e-9,
                               allow_missing=True)
    lone = [
        MatrixProblem(matrix_id, names[i], names[j], "only one of the mirror cells is blank", None,
                      "both cells blank (missing) or both given")
        for i, j in zip(*np.where(np.isnan(values) != np.isnan(values.T)), strict=True) if i < j
    ] if not problems else []
    if problems or lone:
        raise InvalidMatrixError(problems + lone)
    missing = np.isnan(values)
    if not missing.any():
        return MatrixCompletion(matrix_id, names, _as_tuple(values), None, ())
    count, labels = connected_components(csr_matrix((~missing).astype(int)), directed=False)
    if count > 1:
        groups = [[names[k] for k in np.flatnonzero(labels == g)] for g in range(count)]
        raise DisconnectedJudgmentsError(matrix_id, groups)
    w = _harker_weights(values)
    harker = np.where(missing, w[:, np.newaxis] / w[np.newaxis, :], values)
    completed = harker if method == "harker" else _lambda_max_optimal(values, harker)
    n = len(names)
    filled = tuple(
        (names[i], names[j], float(completed[i, j]))
        for i in range(n) for j in range(i + 1, n) if missing[i, j]
    )
    return MatrixCompletion(matrix_id, names, _as_tuple(completed), method, filled)


# ---- diagnostics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgmentDiagnostic:
    """One judgment ranked by its disagreement ε = a_ij·w_j/w_i with the derived weights, with the
    nearest scale value to w_i/w_j and the CR the matrix would have after that single change."""

    criterion_a: str
    criterion_b: str
    value: float
    implied: float
    epsilon: float
    suggested: float
    consistency_ratio_after: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion_a": self.criterion_a,
            "criterion_b": self.criterion_b,
            "value": self.value,
            "implied": self.implied,
            "epsilon": self.epsilon,
            "suggested": self.suggested,
            "cr_after": self.consistency_ratio_after,
        }


def _nearest_scale_value(target: float, current: float) -> float:
    logs = np.log(SAATY_SCALE)
    k = int(np.argmin(np.abs(logs - math.log(target))))
    if abs(SAATY_SCALE[k] - current) <= 1e-9 * current:
        # the nearest value is the judgment itself: step one scale value towards w_i/w_j
        k = min(k + 1, len(SAATY_SCALE) - 1) if target > current else max(k - 1, 0)
    return SAATY_SCALE[k]


def inconsistency_diagnostics(
    analysis: MatrixAnalysis, top: int = 3
) -> tuple[JudgmentDiagnostic, ...]:
    """The `top` judgments that disagree most with the weights (largest |ln ε_ij|, i < j).

    For each: the nearest value of Saaty's scale to w_i/w_j (if that is the judgment itself, the
    next scale value towards w_i/w_j) and the CR after changing that one judgment (and its mirror),
    by the same method and RI table. Empty for n <= 2.
    """
    n = analysis.n
    if n <= 2 or top <= 0:
        return ()
    values = analysis.array
    w = np.asarray(analysis.weights)
    epsilon = values * w[np.newaxis, :] / w[:, np.newaxis]
    rows, cols = np.triu_indices(n, k=1)
    order = np.argsort(-np.abs(np.log(epsilon[rows, cols])), kind="stable")[:top]
    found = []
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        implied = float(w[i] / w[j])
        suggested = _nearest_scale_value(implied, float(values[i, j]))
        changed = values.copy()
        changed[i, j], changed[j, i] = suggested, 1.0 / suggested
        after = analyse_matrix(changed, analysis.criteria, method=analysis.method,
                               ri_table=analysis.ri_table, cr_threshold=analysis.cr_threshold,
                               matrix_id=analysis.matrix_id)
        found.append(JudgmentDiagnostic(
            criterion_a=analysis.criteria[i], criterion_b=analysis.criteria[j],
            value=float(values[i, j]), implied=implied, epsilon=float(epsilon[i, j]),
            suggested=suggested, consistency_ratio_after=after.consistency_ratio,
        ))
    return tuple(found)


# ---- hierarchy ----------------------------------------------------------------------------------

def hierarchy_weights(
    dimension_weights: Mapping[str, float],
    indicator_weights: Mapping[str, Mapping[str, float]],
) -> dict[str, dict[str, float]]:
    """Global weight of each indicator = dimension weight × local weight ({dimension: {indicator:
    global}}); every dimension needs its local weights (a single indicator has local weight 1).

    Each level must be finite, >= 0 and sum to 1 within WEIGHT_SUM_TOLERANCE; the one definition
    of the global weight, used by the scorecard stage too.
    """
    problems = []
    total = sum(dimension_weights.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        problems.append(f"dimension weights sum to {total!r}, not 1")
    missing = [d for d in dimension_weights if d not in indicator_weights]
    if missing:
        problems.append(f"no indicator weights for dimension(s): {', '.join(missing)}")
    extra = [d for d in indicator_weights if d not in dimension_weights]
    if extra:
        problems.append(f"indicator weights for unknown dimension(s): {', '.join(extra)}")
    for dimension, local in indicator_weights.items():
        local_total = sum(local.values())
        if not local or abs(local_total - 1.0) > WEIGHT_SUM_TOLERANCE:
            problems.append(
                f"local weights of dimension '{dimension}' sum to {local_total!r}, not 1"
            )
    for name, weight in [*dimension_weights.items(),
                         *((f"{d}.{i}", v) for d, loc in indicator_weights.items()
                           for i, v in loc.items())]:
        if not (math.isfinite(weight) and weight >= 0):
            problems.append(f"weight of '{name}' is {weight!r}; expected a number >= 0")
    if problems:
        raise HierarchyError("weights do not form a hierarchy: " + "; ".join(problems))
    return {
        dimension: {
            indicator: weight * local
            for indicator, local in indicator_weights[dimension].items()
        }
        for dimension, weight in dimension_weights.items()
    }
