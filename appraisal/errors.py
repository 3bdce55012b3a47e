"""User-facing errors: each names where the problem is (file, row, column or config key).

The CLI maps every `AppraisalError` to exit code 2 in one place; anything else is an internal
error (exit 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "MAX_REPORTED_ISSUES",
    "AppraisalError",
    "ConfigError",
    "InputError",
    "InputIssue",
    "InternalError",
    "IssueCode",
    "OutputExistsError",
]

MAX_REPORTED_ISSUES = 50


class AppraisalError(Exception):
    """Base of every error caused by the user's config or data (exit code 2)."""

    exit_code = 2


class IssueCode(StrEnum):
    """The closed set of reasons an input is refused (the `code` column of `--issues`)."""

    FILE_NOT_FOUND = "file_not_found"
    FILE_UNREADABLE = "file_unreadable"
    ENCODING = "encoding"
    EMPTY_TABLE = "empty_table"
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    BLANK = "blank"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_DATE = "not_a_date"
    NOT_FINITE = "not_finite"
    OUT_OF_RANGE = "out_of_range"
    NEGATIVE = "negative"
    NOT_ALLOWED = "not_allowed"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_MANAGER = "unknown_manager"
    UNKNOWN_ID = "unknown_id"
    INCONSISTENT = "inconsistent"
    SHARES_NOT_ONE = "shares_not_one"
    MISSING_ROW = "missing_row"
    MISSING_VALUE = "missing_value"
    MISSING_TABLE = "missing_table"
    NOT_RECIPROCAL = "not_reciprocal"
    DISCONNECTED = "disconnected"
    OVER_LIMIT = "over_limit"
    MATRIX_SHAPE = "matrix_shape"


@dataclass(frozen=True)
class InputIssue:
    """One violation in an input table: where it is, what was found, what was expected.

    `row` counts as a spreadsheet user does: the header is row 1, the first data row is 2.
    `row` is None for problems of the whole file or a whole column. `code` is the reason from
    the closed set `IssueCode`; `rule` says it in words.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    value: object = None
    expected: str = ""
    code: IssueCode = IssueCode.INCONSISTENT

    def describe(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.rule}"
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "code": str(self.code),
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "rule": self.rule,
            "value": None if self.value is None else str(self.value),
            "expected": self.expected,
        }


class InputError(AppraisalError):
    """One or more problems in input tables, all reported at once."""

    def __init__(self, issues: Sequence[InputIssue], total: int | None = None) -> None:
        self.issues = list(issues)
        self.total = total if total is not None else len(self.issues)
        super().__init__(self._format())

    def _format(self) -> str:
        shown = self.issues[:MAX_REPORTED_ISSUES]
        head = f"{self.total} problem{'s' if self.total != 1 else ''} in the input data:"
        lines = [head, *(f"  - {issue.describe()}" for issue in shown)]
        hidden = self.total - len(shown)
        if hidden > 0:
            lines.append(f"  ... and {hidden} more (fix these first, then validate again)")
        return "\n".join(lines)

    @classmethod
    def collect(cls, issues: Iterable[InputIssue]) -> None:
        """Raise with all `issues` if there are any."""
        found = list(issues)
        if found:
            raise cls(found)


@dataclass
class ConfigError(AppraisalError):
    """Invalid configuration: names the config file and each offending key path."""

    file: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            key, message = self.problems[0]
            return f"{self.file}: {key}: {message}" if key else f"{self.file}: {message}"
        lines = [f"{self.file}: {len(self.problems)} problems in the configuration:"]
        lines += [
            f"  - {key}: {message}" if key else f"  - {message}" for key, message in self.problems
        ]
        return "\n".join(lines)


class InternalError(Exception):
    """A broken invariant inside the engine (a bug, not the user's data): exit code 1.

    Raised where a stage finds what validation should have made impossible; never an
    `AppraisalError`, so the CLI reports it as an internal error.
    """


class OutputExistsError(AppraisalError):
    """The output folder exists and --force was not given."""
