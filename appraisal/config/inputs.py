"""Where each input table comes from and how to read it (`inputs:` section)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_serializer, model_validator

from .base import StrictModel

__all__ = ["CATALOG_TABLES", "TABLE_NAMES", "InputsConfig", "TableSource"]

CATALOG_TABLES = ("business", "credit_splits")
"""The tables that may be Spark catalog tables (`table:`), read by the engine itself."""

TABLE_NAMES = (
    "managers",
    "business",
    "credit_splits",
    "manager_costs",
    "indicators",
    "ratings_360",
    "satisfaction",
    "judgments",
    "pool_allocations",
    "clawback_events",
)


class TableSource(StrictModel):
    """One input file, or (business and credit_splits, with engine: spark) a table of the
    Spark session's catalog. A bare string in YAML is taken as `path`."""

    path: str | None = Field(
        None, min_length=1, description="file path, relative to the config's folder (or give "
        "`table`)")
    table: str | None = Field(
        None, min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$",
        description="business and credit_splits with engine: spark only: a table of the Spark "
        "catalog (db.table), read by the engine itself, instead of `path`; its columns carry "
        "the engine's names, amounts in integer cents, shares in units of 1e-12")
    format: Literal["auto", "csv", "xlsx", "parquet"] = Field(
        "auto", description="auto: from the file extension"
    )
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312", "big5"] = Field(
        "auto", description="CSV only; auto: UTF-8 (with or without BOM), else GB18030"
    )
    sheet: str | None = Field(None, description="XLSX only; default: the first sheet")
    delimiter: str = Field(default=",", min_length=1, max_length=1, description="CSV only")
    header_row: int = Field(
        1, ge=1, le=1000,
        description="CSV and XLSX: the row holding the headers; rows above it (a report title) "
        "are skipped",
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="engine column name -> header used in the file (e.g. manager_id: 客户经理编号)",
    )

    @model_serializer(mode="wrap")
    def _omit_unused_location(self, handler: Any) -> Any:
        """A file source reads as before (no `table: null`); a catalog table shows `table`."""
        data = handler(self)
        if isinstance(data, dict):
            for key in ("path", "table"):
                if data.get(key) is None:
                    data.pop(key, None)
        return data

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"path": value}
        return value

    @model_validator(mode="after")
    def _header_row_needs_rows(self) -> TableSource:
        if (self.path is None) == (self.table is None):
            raise ValueError("give either path (a file) or table (a Spark catalog table)")
        if self.table is not None:
            if (self.format, self.encoding, self.sheet, self.delimiter, self.header_row,
                    self.columns) != ("auto", "auto", None, ",", 1, {}):
                raise ValueError("a catalog table (table:) takes no file settings (format, "
                                 "encoding, sheet, delimiter, header_row, columns)")
            return self
        path = self.path or ""
        parquet = self.format == "parquet" or (
            self.format == "auto" and path.lower().endswith((".parquet", ".pq")))
        xlsx = self.format == "xlsx" or (
            self.format == "auto" and path.lower().endswith((".xlsx", ".xlsm")))
        if self.sheet is not None and not xlsx:
            raise ValueError("sheet applies to XLSX files; this one is not (it would be "
                             "ignored): remove sheet, or give the .xlsx file")
        ignored = [key for key, default in (("encoding", "auto"), ("delimiter", ","))
                   if getattr(self, key) != default]
        if ignored and (xlsx or parquet):
            raise ValueError(f"{' and '.join(ignored)} applies to CSV files; this one is not "
                             f"(it would be ignored): remove {' and '.join(ignored)}")
        if parquet and self.header_row != 1:
            raise ValueError("header_row applies to CSV and XLSX files; a Parquet file has "
                             "named columns: leave header_row out")
        return self


class InputsConfig(StrictModel):
    """The input tables of a run; optional ones may be left out."""

    managers: TableSource
    business: TableSource | None = None
    credit_splits: TableSource | None = None
    manager_costs: TableSource | None = None
    indicators: TableSource | None = None
    ratings_360: TableSource | None = None
    satisfaction: TableSource | None = None
    judgments: TableSource | None = None
    pool_allocations: TableSource | None = None
    clawback_events: TableSource | None = Field(
        None, description="clawback events (追索扣回, docs/deferral.md); needs deferral:")

    @model_serializer(mode="wrap")
    def _omit_absent_clawback(self, handler: Any) -> Any:
        """Without clawback events the resolved config reads as before (byte-identical)."""
        data = handler(self)
        if self.clawback_events is None and isinstance(data, dict):
            data.pop("clawback_events", None)
        return data

    @model_validator(mode="after")
    def _catalog_tables_for_accounts(self) -> InputsConfig:
        for name in TABLE_NAMES:
            source = getattr(self, name)
            if source is not None and source.table is not None and name not in CATALOG_TABLES:
                raise ValueError(f"{name}: only {' and '.join(CATALOG_TABLES)} may be catalog "
                                 "tables (table:); give path")
        return self

    def sources(self) -> dict[str, TableSource]:
        """The configured tables, in pipeline order."""
        return {name: src for name in TABLE_NAMES if (src := getattr(self, name)) is not None}
