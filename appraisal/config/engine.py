"""`engine:` section: which SQL engine runs the account kernel (docs/kernel.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import StrictModel

__all__ = ["EngineConfig"]


class EngineConfig(StrictModel):
    """DuckDB (embedded, the default) or Spark SQL (a local or cluster session)."""

    name: Literal["duckdb", "spark"] = Field(
        "duckdb", description="duckdb: embedded, no server; spark: a Spark SQL session")
    master: str = Field("local[*]", min_length=1,
                        description="Spark master URL (spark only), e.g. local[2], yarn")
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Spark session options (spark.executor.memory: 8g, ...); DuckDB settings "
        "(threads: 2, memory_limit: 8GB) for duckdb")
