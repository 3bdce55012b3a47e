"""`output:` section (owned by the report stage)."""

from __future__ import annotations

import typing
from typing import Literal

from pydantic import Field

from .base import StrictModel

__all__ = ["OUTPUT_FILES", "OutputConfig", "OutputFile"]

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
]
OUTPUT_FILES: tuple[OutputFile, ...] = typing.get_args(OutputFile)


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
    statements: bool = Field(
        default=False, description="write one statement (绩效单) per manager into statements/"
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
