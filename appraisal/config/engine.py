"""`engine:` section: which SQL engine runs the account kernel (docs/kernel.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

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

    @field_validator("options", mode="before")
    @classmethod
    def _settings_as_text(cls, options: Any) -> Any:
        """A setting written as a number or a flag (`threads: 2`, `preserve_insertion_order:
        false`) is the text the engine reads (`"2"`, `"false"`): engines take every setting as
        text, so nothing is read otherwise than written."""
        if not isinstance(options, dict):
            return options
        return {key: (str(value).lower() if isinstance(value, bool) else str(value))
                if isinstance(value, int | float) else value for key, value in options.items()}

    @field_validator("options")
    @classmethod
    def _duckdb_accepts(cls, options: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """DuckDB settings it refuses (an unknown name, threads: 0, a size it cannot parse)
        are a config error here, naming the setting, not an engine error mid-run. Spark
        checks its options when the session starts."""
        if info.data.get("name", "duckdb") != "duckdb" or not options:
            return options
        import duckdb

        for key, value in options.items():
            try:
                duckdb.connect(config={key: value}).close()
            except duckdb.Error as exc:
                reason = str(exc).split("Error: ", 1)[-1]
                raise ValueError(f"DuckDB refuses the setting {key}: {value!r} ({reason}); "
                                 "see DuckDB's configuration reference for the names and "
                                 "values it takes") from None
        return options
