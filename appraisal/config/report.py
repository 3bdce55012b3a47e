"""`output:` section (owned by the report stage)."""

from __future__ import annotations

import string
import typing
from typing import Literal

from pydantic import Field, field_validator

from .base import DisplayText, StrictModel

__all__ = [
    "DEFAULT_PAYROLL_COLUMNS",
    "OUTPUT_DIR_FIELDS",
    "OUTPUT_FILES",
    "STATEMENT_FORMATS",
    "OutputConfig",
    "OutputFile",
    "PayrollColumn",
    "PayrollConfig",
    "StatementFormat",
    "StatementsOption",
]

OutputFile = Literal[
    "managers_csv",
    "scores_csv",
    "rorac_csv",
    "rollups_csv",
    "pool_ledger_csv",
    "pool_allocations_csv",
    "weights_json",
    "summary_json",
    "summary_ranks_csv",
    "summary_gaps_csv",
    "columns_csv",
    "bonus_sheet",
    "payroll_csv",
]
OUTPUT_FILES: tuple[OutputFile, ...] = typing.get_args(OutputFile)

OUTPUT_DIR_FIELDS = ("period", "unit")
"""The placeholders `output.dir` may use: the period label and the unit id."""

StatementFormat = Literal["xlsx", "pdf"]
STATEMENT_FORMATS: tuple[StatementFormat, ...] = typing.get_args(StatementFormat)
StatementsOption = Literal[False, True, "xlsx", "pdf", "both"]
"""`output.statements`: false (none), xlsx, pdf, both, or true (= both)."""


class PayrollColumn(StrictModel):
    """One column of payroll.csv: a column of the managers table (or `period`) and its header."""

    source: str = Field(
        min_length=1,
        description="a column of managers.csv (manager_id, name, sub_branch, bonus_gross, "
        "withheld, pool_allocation, bonus_final, bonus_<component>, ...) or `period`",
    )
    header: DisplayText = Field(min_length=1,
                                description="the header the payroll system expects")


DEFAULT_PAYROLL_COLUMNS: tuple[PayrollColumn, ...] = tuple(
    PayrollColumn(source=source, header=header)
    for source, header in (
        ("manager_id", "工号"),
        ("name", "姓名"),
        ("sub_branch", "部门"),
        ("bonus_gross", "应发"),
        ("withheld", "留存"),
        ("pool_allocation", "池分配"),
        ("bonus_final", "实发"),
        ("period", "期间"),
    )
)


class PayrollConfig(StrictModel):
    """payroll.csv for the bank's payroll system: which columns, in which order, under which
    headers. Money is yuan text with two decimals (exact, from int cents); UTF-8 with BOM."""

    columns: tuple[PayrollColumn, ...] = Field(
        default=DEFAULT_PAYROLL_COLUMNS,
        description="the columns in order: {source, header}; default 工号, 姓名, 部门, 应发, "
        "留存, 池分配, 实发, 期间",
    )

    @field_validator("columns")
    @classmethod
    def _headers_once(cls, columns: tuple[PayrollColumn, ...]) -> tuple[PayrollColumn, ...]:
        if not columns:
            raise ValueError("give at least one column ({source, header}), or leave "
                             "payroll_csv out of output.files")
        seen: set[str] = set()
        for column in columns:
            if column.header in seen:
                raise ValueError(f"header {column.header!r} is given twice; headers must be "
                                 "unique so the payroll system can tell the columns apart")
            seen.add(column.header)
        return columns


class OutputConfig(StrictModel):
    """What the run writes and in which language."""

    dir: str = Field(
        default="results/{period}",
        min_length=1,
        description="output folder, relative to the config file's folder",
    )
    language: Literal["zh", "en"] | None = Field(
        default=None,
        description="language of headers, sheet names and charts; default: the root `language`",
    )
    files: tuple[OutputFile, ...] = Field(
        default=OUTPUT_FILES,
        description="which files to write; manifest.json is always written (the audit "
        "trail), statements and charts are switched apart",
    )
    statements: StatementsOption = Field(
        default=False,
        description="one statement (绩效单) per manager into statements/: false (none), xlsx, "
        "pdf, both; true (or appraise run --statements) = both",
    )
    statement_workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="processes writing statements; None = one per CPU core (small runs are "
        "written in-process); the files do not depend on it",
    )
    payroll: PayrollConfig = Field(
        default_factory=PayrollConfig, description="payroll.csv columns and headers"
    )
    charts: bool = Field(
        default=True, description="draw PNG charts into charts/ and embed them in the Summary"
    )
    csv_decimals: int | None = Field(
        default=None,
        ge=0,
        le=15,
        description="decimals of floats in CSV files; None keeps full precision",
    )
    chart_dpi: int = Field(default=100, ge=50, le=600, description="resolution of chart PNGs")

    @field_validator("dir")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        """Only {period} and {unit} are filled in: another name or a lone brace is refused here,
        not a failure when the folder is named."""
        allowed = ", ".join(f"{{{name}}}" for name in OUTPUT_DIR_FIELDS)
        try:
            fields = [(name, spec, conversion)
                      for _, name, spec, conversion in string.Formatter().parse(value)
                      if name is not None]
        except ValueError:
            raise ValueError(f"a brace that is not a placeholder, got {value!r}; the folder may "
                             f"use {allowed} (a brace itself is written twice: {{{{, }}}})"
                             ) from None
        for name, spec, conversion in fields:
            if name not in OUTPUT_DIR_FIELDS or spec or conversion:
                written = name + (f"!{conversion}" if conversion else "") + (
                    f":{spec}" if spec else "")
                raise ValueError(f"unknown placeholder {{{written}}}, got {value!r}; the folder "
                                 f"may use {allowed}")
        return value

    def statement_formats(self, statements: bool | None = None) -> tuple[StatementFormat, ...]:
        """The statement formats to write; `statements` (the --statements switch) overrides
        whether any are written, not which (true or the switch with none configured = both)."""
        option = self.statements
        if statements is False or (statements is None and option is False):
            return ()
        if option in (True, False, "both"):
            return STATEMENT_FORMATS
        return (option,)  # type: ignore[return-value]
