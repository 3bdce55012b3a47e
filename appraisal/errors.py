"""User-facing errors: each names where the problem is (file, row, column or config key).

The CLI maps every `AppraisalError` to exit code 2 in one place; `InternalError` (a broken
invariant, a bug) and anything else to exit code 1.

Input problems are gathered in an `IssueTable`: one tidy row per issue (code, file, row, column,
rule, value, expected), stored column by column so that millions of bad cells cost a few bytes
each; `InputIssue` objects are built only for the issues a message shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import union_categoricals

__all__ = [
    "FORMULA_EXPECTED",
    "FORMULA_RULE",
    "FORMULA_START",
    "ISSUE_COLUMNS",
    "MAX_REPORTED_ISSUES",
    "AppraisalError",
    "ConfigError",
    "InputError",
    "InputIssue",
    "InternalError",
    "IssueCode",
    "IssueTable",
    "OutputExistsError",
    "OutputWriteError",
]

MAX_REPORTED_ISSUES = 50
"""How many issues an error message lists; the count and `--issues FILE.csv` are always exact."""
MAX_RULE_COUNTS = 20
"""How many (file, column, rule) counts a message lists when some issues are not shown."""
ISSUE_COLUMNS = ("code", "file", "row", "column", "rule", "value", "expected")
"""The columns of the issues table (`appraise validate --issues FILE.csv`), in this order."""
_CATEGORICAL = ("code", "file", "column", "rule", "expected")


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
    DUPLICATE_COLUMN = "duplicate_column"
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


def _is_missing(value: object) -> bool:
    """NaN / NA: nothing to show (`(got nan)` tells a user nothing)."""
    try:
        return bool(value != value)  # NaN and pandas NA are not equal to themselves
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class InputIssue:
    """One violation in an input table: where it is, what was found, what was expected.

    `row` counts as a spreadsheet user does: the header is row 1, the first data row is 2.
    `row` is None for problems of the whole file or a whole column. `code` is the reason from
    the closed set `IssueCode` (always pass it); `rule` says it in words.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    value: object = None
    expected: str = ""
    code: IssueCode = IssueCode.INCONSISTENT  # every call names its code (tests/test_validate.py)

    def describe(self, words: Mapping[str, Any] | None = None) -> str:
        """File, row, column, rule, the value got and what was expected, in the words given
        (English by default, `_ENGLISH_REPORT`; `messages` has the Chinese)."""
        words = _ENGLISH_REPORT if words is None else words
        text = (f"{words['where'](self.file, self.row, self.column)}{words['colon']}"
                f"{words['rule'](self.rule)}")
        if self.value is not None and not _is_missing(self.value):
            text += words["got"](self.value)
        if self.expected:
            text += words["expected"](words["rule"](self.expected))
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


def _constant(value: str | None, n: int) -> pd.Categorical:
    if value is None:
        return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8),
                                         categories=pd.Index([], dtype="str"))
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8),
                                     categories=pd.Index([str(value)], dtype="str"))


def _categorical(values: Iterable[str | None]) -> pd.Categorical:
    return pd.Categorical(pd.array([None if v is None else str(v) for v in values], dtype="str"))


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        **{name: _constant(None, 0) for name in _CATEGORICAL},
        "row": pd.array([], dtype="Int64"),
        "value": pd.Series([], dtype=object),
    })[list(ISSUE_COLUMNS)]


class IssueTable(Sequence[InputIssue]):
    """Every input issue as one tidy table, one row per issue, kept in columns.

    Behaves as a read-only sequence of `InputIssue` (built on access); `frame` is the table
    itself (columns `ISSUE_COLUMNS`). Cheap at any size: the repeated texts (code, file,
    column, rule, expected) are categorical, rows an integer column, values the cells as read.
    """

    __slots__ = ("_frame",)

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self._frame = _empty_frame() if frame is None else frame.reset_index(drop=True)

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def of(cls, issues: Iterable[InputIssue]) -> IssueTable:
        """A table of `issues` (an IssueTable is returned as it is)."""
        if isinstance(issues, IssueTable):
            return issues
        found = list(issues)
        if not found:
            return cls()
        values = np.empty(len(found), dtype=object)
        values[:] = [issue.value for issue in found]
        return cls(pd.DataFrame({
            "code": _categorical(str(IssueCode(i.code)) for i in found),
            "file": _categorical(i.file for i in found),
            "row": pd.array([i.row for i in found], dtype="Int64"),
            "column": _categorical(i.column for i in found),
            "rule": _categorical(i.rule for i in found),
            "value": values,
            "expected": _categorical(i.expected for i in found),
        }))

    @classmethod
    def at(
        cls,
        mask: npt.NDArray[np.bool_] | None,
        *,
        code: IssueCode,
        file: str,
        rows: Any,
        column: str | None,
        rule: str,
        expected: str | pd.Series = "",
        values: Any = None,
    ) -> IssueTable:
        """One issue per True in `mask` (every position when None), all with the same rule.

        `rows`: spreadsheet row numbers per position (array or Series); `values`: the cells per
        position (Series or array) or None; `expected`: one text, or a text per position.
        Vectorised: nothing per issue is built in Python.
        """
        n_all = len(rows)
        positions = np.arange(n_all) if mask is None else np.flatnonzero(mask)
        n = positions.size
        if n == 0:
            return cls()
        row_values = rows.to_numpy() if isinstance(rows, pd.Series) else np.asarray(rows)
        if isinstance(expected, str):
            expectations: Any = _constant(expected, n)
        else:
            texts = expected if isinstance(expected, pd.Series) else pd.Series(expected)
            expectations = pd.Categorical(
                texts.iloc[positions].astype("str").reset_index(drop=True))
        if values is None:
            cells: Any = pd.Series([None] * n, dtype=object)
        else:
            series = values if isinstance(values, pd.Series) else pd.Series(values)
            taken = series.iloc[positions].reset_index(drop=True)
            if isinstance(taken.dtype, pd.StringDtype) or taken.dtype == object:
                cells = taken
            else:
                cells = taken.astype(object).where(taken.notna(), None)
        return cls(pd.DataFrame({
            "code": _constant(str(IssueCode(code)), n),
            "file": _constant(file, n),
            "row": pd.array(row_values[positions].astype(np.int64), dtype="Int64"),
            "column": _constant(column, n),
            "rule": _constant(rule, n),
            "value": cells,
            "expected": expectations,
        }))

    @classmethod
    def concat(cls, parts: Iterable[Iterable[InputIssue]]) -> IssueTable:
        """All issues of `parts` (tables or lists of InputIssue), in order."""
        frames = [frame for part in parts if len(frame := cls.of(part).frame)]
        if not frames:
            return cls()
        if len(frames) == 1:
            return cls(frames[0])
        columns: dict[str, Any] = {}
        for name in ISSUE_COLUMNS:
            if name in _CATEGORICAL:
                columns[name] = union_categoricals([frame[name] for frame in frames])
            else:
                columns[name] = pd.concat([frame[name] for frame in frames], ignore_index=True)
        return cls(pd.DataFrame(columns))

    # ---- reading -----------------------------------------------------------------------------

    @property
    def frame(self) -> pd.DataFrame:
        """The issues as a tidy DataFrame (columns `ISSUE_COLUMNS`)."""
        return self._frame

    def __len__(self) -> int:
        return len(self._frame)

    @overload
    def __getitem__(self, index: int) -> InputIssue: ...
    @overload
    def __getitem__(self, index: slice) -> IssueTable: ...
    def __getitem__(self, index: int | slice) -> InputIssue | IssueTable:
        if isinstance(index, slice):
            return IssueTable(self._frame.iloc[index])
        row = self._frame.iloc[index]
        value = row["value"]
        return InputIssue(
            file=str(row["file"]),
            row=None if pd.isna(row["row"]) else int(row["row"]),
            column=None if pd.isna(row["column"]) else str(row["column"]),
            rule=str(row["rule"]),
            value=None if value is None or value is pd.NA or (
                isinstance(value, float) and np.isnan(value)) else value,
            expected="" if pd.isna(row["expected"]) else str(row["expected"]),
            code=IssueCode(row["code"]),
        )

    def __iter__(self) -> Iterator[InputIssue]:
        for index in range(len(self)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IssueTable({len(self)} issues)"

    def sorted_by_row(self) -> IssueTable:
        """The same issues ordered by row (whole-file issues first), stable otherwise."""
        rows = self._frame["row"].fillna(0).to_numpy(dtype=np.int64)
        order = np.argsort(rows, kind="stable")
        return IssueTable(self._frame.take(order))

    def counts(self) -> pd.DataFrame:
        """Issues per file, column and rule (columns file, column, rule, issues), largest first."""
        grouped = self._frame.groupby(["file", "column", "rule"], observed=True, dropna=False,
                                      sort=False).size()
        counts = grouped.rename("issues").reset_index()
        return counts.sort_values("issues", ascending=False, kind="stable").reset_index(drop=True)

    def to_csv(self, path: str | Path) -> None:
        """Every issue as a CSV table HR can filter in Excel (UTF-8 with BOM, header always).
        A cell that Excel would run as a formula (a refused input value `=HYPERLINK(...)`, say)
        is written with a ' before it, so it opens as the text it was."""
        frame = self._frame.assign(value=self._frame["value"].astype("str"))
        for name in ("file", "column", "value", "expected"):
            texts = frame[name].astype("string")
            risky = texts.str.contains(FORMULA_START, regex=True).fillna(False)
            if risky.any():
                frame[name] = texts.where(~risky, "'" + texts)
        frame.to_csv(path, index=False, encoding="utf-8-sig", columns=list(ISSUE_COLUMNS))


FORMULA_START = r"^(?:[=+@\t\r\n]|-(?![\d.\s]|$)|-[\d.]+[^\d.\s])"
"""A text Excel or WPS would take for a formula when a CSV is opened (CSV injection): =, +, @,
a tab or line break first; or - followed by text or by a number with an operator (-cmd|...,
-2+3); a plain negative number, a lone - and "- note" are text a person may mean."""


FORMULA_RULE = "text a spreadsheet would run as a formula"
FORMULA_EXPECTED = ("plain text, not beginning with =, +, @, a tab or a line break, nor - directly "
                    "followed by text (Excel and WPS run such a cell of the CSVs this run writes "
                    "as a formula); put ' before it to keep it as written")

def _english_where(file: str, row: int | None, column: object) -> str:
    where = file if row is None else f"{file}, row {row}"
    return where if column is None else f"{where}, column '{column}'"


_ENGLISH_REPORT: dict[str, Any] = {
    "head": lambda total: f"{total:,} problem{'s' if total != 1 else ''} in the input data:",
    "more": lambda hidden: (f"  ... and {hidden:,} more (fix these first, then validate again; "
                            "`appraise validate CONFIG --issues FILE.csv` lists them all)"),
    "per_rule": "  problems per file, column and rule:",
    "where": _english_where, "colon": ": ", "rule": str,
    "got": lambda value: f" (got {value!r})", "expected": lambda text: f"; expected {text}",
    "more_rules": lambda more: f"    ... {more:,} more rules",
}
"""The words of an input issue and of an InputError's report in English (`InputIssue.describe`,
`InputError.render`)."""


class InputError(AppraisalError):
    """One or more problems in input tables, all reported at once (the count is exact)."""

    def __init__(self, issues: Iterable[InputIssue], total: int | None = None) -> None:
        self.issues = IssueTable.of(issues)
        self.total = total if total is not None else len(self.issues)
        super().__init__(self._format())

    def _format(self) -> str:
        return self.render(_ENGLISH_REPORT)

    def render(self, words: Mapping[str, Any]) -> str:
        """The report in the words given (`_ENGLISH_REPORT`; `messages` has the Chinese): the
        first issues, then, when there are more, the counts per file, column and rule."""
        shown = self.issues[:MAX_REPORTED_ISSUES]
        lines = [words["head"](self.total),
                 *(f"  - {issue.describe(words)}" for issue in shown)]
        hidden = self.total - len(shown)
        if hidden > 0:
            lines += [words["more"](hidden), words["per_rule"]]
            counts = self.issues.counts()
            for record in counts.head(MAX_RULE_COUNTS).itertuples(index=False):
                column = None if pd.isna(record.column) else record.column
                lines.append(f"    {words['where'](str(record.file), None, column)}"
                             f"{words['colon']}{words['rule'](str(record.rule))}"
                             f"{words['colon']}{record.issues:,}")
            if len(counts) > MAX_RULE_COUNTS:
                lines.append(words["more_rules"](len(counts) - MAX_RULE_COUNTS))
        return "\n".join(lines)

    @classmethod
    def collect(cls, issues: Iterable[InputIssue]) -> None:
        """Raise with all `issues` if there are any."""
        found = IssueTable.of(issues)
        if len(found):
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


class OutputWriteError(AppraisalError):
    """The output folder could not be written (disk full, read-only, no permission, a file in
    the way): not a bug and not the data, so its own exit code (4)."""

    exit_code = 4


class ResourceError(AppraisalError):
    """The machine refused the run a resource: the SQL engine ran out of memory or of
    temporary disk. Not a bug and not the data, so the exit code of a folder that cannot be
    written (4); the message names the `engine.options` setting to change."""

    exit_code = 4
