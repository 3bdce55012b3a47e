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


def test_amount_limits_on_spark_equal_duckdb(spark: SparkEngine) -> None:
    """The catalog checks' amount limits (tests/test_amount_limits.py) word the same issues in
    Spark as in DuckDB: a cell beyond 10^13 yuan by its record, a column total beyond 10^15."""
    from test_amount_limits import catalog_issues

    from appraisal.config import AppraisalConfig

    config = AppraisalConfig.model_validate({
        "period": "2026-10", "unit": {"id": "U"}, "inputs": {"managers": "m.csv"},
        "rorac": {"categories": [{"id": "loan"}], "products": {"loan": {"category": "loan"}}}})
    found = [catalog_issues(config, balance=[9e12] * 120 + [2e13], revenue=[1.0] * 121,
                            engine=engine) for engine in (DuckDBEngine(), spark)]
    pd.testing.assert_frame_equal(found[0], found[1])
    assert set(found[0]["rule"]) == {"value out of range", "amounts total too large"}


def test_an_overflow_of_the_exact_sums_is_the_same_input_error_on_both_engines(
        spark: SparkEngine) -> None:
    """Sums leaving 38 digits: DuckDB's OutOfRangeException and Spark's ArithmeticException
    (ANSI mode) both become the InputError naming the business file's balance column."""
    from appraisal.errors import InputError

    business, splits = generate(rows=300, managers=6, seed=11)
    frame = business.to_pandas()
    frame["booking_date"] = pd.to_datetime(frame["booking_date"])
    frame["balance"] = 9.9e12  # yuan, within money.MAX_AMOUNT_YUAN
    frame["revenue"] = 1.0
    frame = frame.drop(columns=[c for c in ("ftp_cost", "tax") if c in frame.columns])
    frame["category"] = frame["product"].map(
        {name: spec.category for name, spec in CONFIG.products.items()})
    frame.attrs["file"] = "business.parquet"
    split_frame = splits.to_pandas()
    split_frame["share"] = split_frame["share"] / 10**12
    managers = pd.DataFrame({"manager_id": [f"M{i}" for i in range(6)], "team": "T",
                             "sub_branch": "S", "branch": "B"})
    rich = CONFIG.model_copy(update={"products": {
        name: spec.model_copy(update={"capital_factor": 10.0})
        for name, spec in CONFIG.products.items()}})
    for engine in (DuckDBEngine(), spark):
        with pytest.raises(InputError) as caught:
            compute_rorac(frame, managers, rich, PERIOD, credit_splits=split_frame,
                          engine=engine)
        (issue,) = caught.value.issues
        assert (issue.file, issue.column) == ("business.parquet", "balance")
        assert issue.rule == "amounts too large for the exact sums"
