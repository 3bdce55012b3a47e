"""Account tables that live in the Spark session's catalog (`inputs.business: {table: db.t}`).

Nothing of such a table comes into this process: validation reads its schema and record count,
the account checks run as Spark SQL (`kernel.checks.check_accounts`, without spreadsheet rows:
the records are named by their account_id), and the kernel reads it by name. Columns carry the
engine's names; amounts are integer cents, shares integers in units of 10⁻¹², booking_date a
DATE (docs/kernel.md, "Catalog tables").
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..config import AppraisalConfig
from ..errors import ConfigError, InputIssue, IssueCode, IssueTable
from ..io.accounts import CATALOG, ROWS
from ..io.readers import LoadedTable
from .engines import CatalogTable, SparkEngine
from .sql import SUPPLIED

__all__ = ["CATALOG_COLUMNS", "catalog_engine", "catalog_signature", "check_catalog",
           "read_catalog_table"]

CATALOG_COLUMNS = {
    "business": {"account_id": "text", "product": "text", "category": "text",
                 "booking_date": "date", "balance": "cents", "revenue": "cents",
                 "manager_id": "text?", **{name: "cents?" for name in SUPPLIED}},
    "credit_splits": {"account_id": "text", "manager_id": "text", "share": "units"},
}
"""Columns of a catalog table: kind (? = optional)."""


def catalog_engine(config: AppraisalConfig, key: str) -> SparkEngine:
    """The Spark runner for catalog tables (the session already active, else a new one)."""
    if config.engine.name != "spark":
        raise ConfigError("config", [(key, "a catalog table needs engine: {name: spark}")])
    return SparkEngine(master=config.engine.master, options=dict(config.engine.options))


def _kind_ok(kind: str, spark_type: str) -> bool:
    base = kind.rstrip("?")
    if base == "text":
        return spark_type == "string"
    if base == "date":
        return spark_type == "date"
    return spark_type in ("bigint", "int", "smallint", "tinyint") or (
        spark_type.startswith("decimal(") and spark_type.endswith(",0)"))


_EXPECTED = {"text": "a string column", "date": "a DATE column",
             "cents": "integer cents (BIGINT or DECIMAL(p, 0))",
             "units": "integer units of 1e-12 (BIGINT or DECIMAL(p, 0))"}


def read_catalog_table(name: str, table: str, config: AppraisalConfig
                       ) -> tuple[LoadedTable, IssueTable]:
    """The catalog table's stand-in (schema and count, no data) and its schema issues."""
    engine = catalog_engine(config, f"inputs.{name}.table")
    spark = engine._session()
    shown = f"table {table}"
    try:
        frame_spark = spark.table(table)
    except Exception as exc:  # AnalysisException: no such table or database
        return _stand_in(name, table, shown, 0, []), IssueTable.of([InputIssue(
            shown, None, None, f"not found in the Spark catalog ({str(exc).splitlines()[0]})",
            None, "a table of the session's catalog (db.table)",
            code=IssueCode.FILE_NOT_FOUND)])
    types = {field.name: field.dataType.simpleString() for field in frame_spark.schema.fields}
    issues = []
    for column, kind in CATALOG_COLUMNS[name].items():
        if column not in types:
            if not kind.endswith("?"):
                issues.append(InputIssue(shown, None, column, "required column is missing",
                                         None, f"a column named '{column}'",
                                         code=IssueCode.MISSING_COLUMN))
        elif not _kind_ok(kind, types[column]):
            issues.append(InputIssue(
                shown, None, column, f"column of type {types[column]}", None,
                _EXPECTED[kind.rstrip("?")],
                code=IssueCode.NOT_A_DATE if kind == "date" else IssueCode.NOT_A_NUMBER))
    signature = catalog_signature(spark, table)
    count = frame_spark.count() if not issues else 0
    stand_in = _stand_in(name, table, shown, count, list(types))
    if not signature:
        return stand_in, IssueTable.of(issues)
    return replace(stand_in, sha256=hashlib.sha256(repr(signature).encode()).hexdigest(),
                   signature=signature,
                   resign=lambda: catalog_signature(spark, table)), IssueTable.of(issues)


def catalog_signature(spark: Any, table: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """What a write to a catalog table changes: the files of its current version (Spark's
    `inputFiles`: a Delta or Iceberg snapshot, a Hive or Parquet table's partitions), each with
    its size and modification time from the table's file system (one listing per folder).
    Empty for a table without files (a temp view over data in memory: nothing rewrites it);
    sizes and times -1 where the file system cannot be asked (Spark Connect, no JVM here)."""
    files = sorted(spark.table(table).inputFiles())
    if not files:
        return ()
    try:
        jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
        qualified = [jvm.org.apache.hadoop.fs.Path(f).toString() for f in files]
        statuses: dict[str, tuple[int, int]] = {}
        for folder in sorted({q.rsplit("/", 1)[0] for q in qualified}):
            path = jvm.org.apache.hadoop.fs.Path(folder)
            for status in path.getFileSystem(conf).listStatus(path):
                statuses[status.getPath().toString()] = (int(status.getLen()),
                                                         int(status.getModificationTime()))
    except Exception:  # no JVM behind the session: the file list alone
        return tuple((f, -1, -1, -1, -1) for f in files)
    return tuple((f, *statuses.get(q, (-1, -1)), 0, 0)
                 for f, q in zip(files, qualified, strict=True))


def _stand_in(name: str, table: str, shown: str, rows: int, columns: list[str]) -> LoadedTable:
    frame = pd.DataFrame()
    frame.attrs.update({"file": shown, CATALOG: table, ROWS: rows, "columns": columns})
    return LoadedTable(name, frame, Path(table), shown, "", None)


def check_catalog(business: pd.DataFrame, splits: pd.DataFrame | None,
                  roster_ids: pd.Index, config: AppraisalConfig, roster_file: str
                  ) -> tuple[IssueTable, set[str]]:
    """The account checks of catalog tables, in Spark, and the managers they credit."""
    from .checks import check_accounts

    engine = catalog_engine(config, "inputs.business.table")
    rorac = config.rorac
    products = pa.table({"product": pa.array(list(rorac.products), pa.string()),
                         "category": pa.array([p.category for p in rorac.products.values()],
                                              pa.string())})
    roster = pa.table({"manager_id": pa.array(roster_ids.astype("str").to_numpy(), pa.string())})
    business_relation = CatalogTable(str(business.attrs[CATALOG]))
    splits_relation = None if splits is None else CatalogTable(str(splits.attrs[CATALOG]))
    issues = check_accounts(
        business_relation, products, roster, engine, credit_splits=splits_relation,
        business_file=str(business.attrs["file"]),
        splits_file="credit_splits" if splits is None else str(splits.attrs["file"]),
        roster_file=roster_file, has_category="category" in business.attrs["columns"],
        product_ids=tuple(rorac.products), located=False, period=config.appraisal_period)
    # credited: the manager_id of the rows not split, and every manager of the splits (a split
    # account's own manager_id credits no one, as in the in-place and columnar checks)
    credited_sql = ("SELECT DISTINCT manager_id FROM business WHERE manager_id IS NOT NULL"
                    if splits_relation is None else
                    "SELECT DISTINCT b.manager_id FROM business AS b LEFT ANTI JOIN "
                    "credit_splits AS s ON s.account_id = b.account_id "
                    "WHERE b.manager_id IS NOT NULL "
                    "UNION SELECT DISTINCT manager_id FROM credit_splits")
    relations = {"business": business_relation}
    if splits_relation is not None:
        relations["credit_splits"] = splits_relation
    credited = engine.run(credited_sql, relations).column("manager_id").to_pylist()
    return issues, {str(m) for m in credited}
