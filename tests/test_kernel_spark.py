"""Cross-engine: the account kernel on DuckDB and on a local Spark session (local[2]) gives
bit-for-bit the same integers, and the RORAC stage the same frames, over generated edge cases
(negative balances, splits of 1/3, leap days, month ends, a category without business, accounts
booked on the reference date and on the period end, huge balances, supplied costs with blanks).

One Spark session for the whole module (starting one takes 10-40 s). Skipped with the reason
when pyspark or Java is missing; under CI=true that fails instead (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import require_component
from kernel_cases import CONFIG, as_cells, generate

from appraisal.config.base import parse_period
from appraisal.kernel import (
    DuckDBEngine,
    KernelInputs,
    ParquetFiles,
    SparkEngine,
    account_cells,
    spark_available,
)
from appraisal.rorac import compute_rorac

PERIOD = parse_period("2026-10")


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    available, why = spark_available()
    require_component("Spark (pyspark + Java)", available, why)
    engine = SparkEngine(master="local[2]", options={
        "spark.sql.shuffle.partitions": "4", "spark.driver.memory": "1g"})
    yield engine
    engine.close()


def test_kernel_on_spark_equals_duckdb_bit_for_bit(spark: SparkEngine, tmp_path) -> None:
    business, splits = generate(rows=600, managers=9, seed=7)
    inputs = KernelInputs(business, splits, ("ftp_cost", "tax"))
    on_duckdb = account_cells(inputs, CONFIG, PERIOD, DuckDBEngine())
    on_spark = account_cells(inputs, CONFIG, PERIOD, spark)
    assert on_spark.table.schema.field("balance").type == pa.decimal128(38, 0)
    assert as_cells(on_spark.table) == as_cells(on_duckdb.table)
    # the same business as two Parquet files (a partitioned table), read by Spark itself
    paths = []
    for part, piece in enumerate((business.slice(0, 300), business.slice(300))):
        paths.append(str(tmp_path / f"part-{part}.parquet"))
        pq.write_table(piece, paths[-1])
    from_files = account_cells(KernelInputs(ParquetFiles(tuple(paths)), splits,
                                            ("ftp_cost", "tax")), CONFIG, PERIOD, spark)
    assert as_cells(from_files.table) == as_cells(on_duckdb.table)


def test_rorac_stage_on_spark_equals_duckdb(spark: SparkEngine) -> None:
    business, splits = generate(rows=300, managers=6, seed=11)
    frame = business.to_pandas()
    frame["booking_date"] = pd.to_datetime(frame["booking_date"])
    for column in ("balance", "revenue", "ftp_cost", "tax"):
        frame[column] = frame[column].astype("float64").abs() / 100  # yuan, as the reader gives
    frame["category"] = frame["product"].map(
        {name: spec.category for name, spec in CONFIG.products.items()})
    frame["product"] = frame["product"].astype("category")  # as a Parquet input reads
    split_frame = splits.to_pandas()
    split_frame["share"] = split_frame["share"] / 10**12
    managers = pd.DataFrame({"manager_id": [f"M{i}" for i in range(6)], "team": "T",
                             "sub_branch": "S", "branch": "B"})
    results = [compute_rorac(frame, managers, CONFIG, PERIOD, credit_splits=split_frame,
                             engine=engine) for engine in (DuckDBEngine(), spark)]
    for name in ("by_category", "by_manager", "rollups"):
        pd.testing.assert_frame_equal(getattr(results[0], name), getattr(results[1], name),
                                      check_exact=True)


def test_account_checks_on_spark_equal_duckdb(spark: SparkEngine) -> None:
    from test_kernel_checks import CONFIG as CHECK_CONFIG
    from test_kernel_checks import bad_tables

    from appraisal.kernel import product_rates
    from appraisal.kernel.checks import check_accounts
    from appraisal.kernel.frames import business_relation, splits_relation

    tables = bad_tables()
    relation, _ = business_relation(tables["business"], with_splits=True)
    roster = pa.table({"manager_id": pa.array(tables["managers"]["manager_id"], pa.string())})
    found = [check_accounts(relation, product_rates(CHECK_CONFIG.rorac), roster, engine,
                            credit_splits=splits_relation(tables["credit_splits"]))
             for engine in (DuckDBEngine(), spark)]
    pd.testing.assert_frame_equal(found[0].frame, found[1].frame)
    assert len(found[0].frame) == 8  # one per planted problem
