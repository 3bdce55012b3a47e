"""Spark catalog tables as inputs (`inputs.business: {table: db.t}` with engine: spark): a run
on the sample's business and credit splits held in the catalog of a real local Spark session
(temp views, and a table saved in a local warehouse) gives the same results as the files on
DuckDB; the account checks run in Spark and name the table, the column and the record.

One Spark session (local[2]) for the module; skipped with the reason when pyspark or Java is
missing, a failure under CI=true (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
import yaml
from conftest import require_component

from appraisal.errors import ConfigError, InputError
from appraisal.io.readers import read_table
from appraisal.kernel import spark_available
from appraisal.kernel.engines import _plain
from appraisal.kernel.frames import business_relation, splits_relation
from appraisal.pipeline import run

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "input_samples"


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    available, why = spark_available()
    require_component("Spark (pyspark + Java)", available, why)
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("warehouse")
    session = (SparkSession.builder.master("local[2]").appName("appraise-catalog-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.memory", "1g")
               .config("spark.sql.warehouse.dir", str(warehouse))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    business, _ = read_table("business", SAMPLES / "business.csv", shown="business.csv",
                             columnar=False)
    splits, _ = read_table("credit_splits", SAMPLES / "credit_splits.csv",
                           shown="credit_splits.csv", columnar=False)
    relation, _ = business_relation(business.frame, with_splits=True)
    session.createDataFrame(_plain(relation.drop_columns(["_row"]))).createOrReplaceTempView(
        "business_cents")
    session.createDataFrame(_plain(splits_relation(splits.frame).drop_columns(["_row"]))) \
        .createOrReplaceTempView("splits_cents")
    yield session
    session.stop()


def _config(tmp_path: Path, *, engine: str, business: Any, splits: Any) -> Path:
    raw = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    for name, source in list(raw["inputs"].items()):
        path = source if isinstance(source, str) else source["path"]
        absolute = str((ROOT / "configs" / path).resolve())
        raw["inputs"][name] = absolute if isinstance(source, str) else {**source,
                                                                        "path": absolute}
    raw["inputs"]["business"] = business
    raw["inputs"]["credit_splits"] = splits
    raw["engine"] = {"name": engine, "master": "local[2]"}
    path = tmp_path / f"config-{engine}-{abs(hash(str(business)))}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_catalog_tables_run_like_the_files(spark: Any, tmp_path: Path) -> None:
    from_files = run(_config(tmp_path, engine="duckdb", business=str(SAMPLES / "business.csv"),
                             splits=str(SAMPLES / "credit_splits.csv")))
    from_catalog = run(_config(tmp_path, engine="spark", business={"table": "business_cents"},
                               splits={"table": "splits_cents"}))
    pd.testing.assert_frame_equal(from_catalog.rorac, from_files.rorac, check_exact=True)
    pd.testing.assert_frame_equal(from_catalog.managers, from_files.managers, check_exact=True)
    record = next(r for r in from_catalog.inputs if r.table == "business")
    assert record.rows == next(r for r in from_files.inputs if r.table == "business").rows
    assert spark.catalog.tableExists("business_cents")  # the caller's session is left running


def test_a_table_saved_in_the_warehouse_runs_too(spark: Any, tmp_path: Path) -> None:
    spark.sql("CREATE DATABASE IF NOT EXISTS lake")
    spark.table("business_cents").write.mode("overwrite").saveAsTable("lake.business")
    from_files = run(_config(tmp_path, engine="duckdb", business=str(SAMPLES / "business.csv"),
                             splits=str(SAMPLES / "credit_splits.csv")))
    from_lake = run(_config(tmp_path, engine="spark", business={"table": "lake.business"},
                            splits={"table": "splits_cents"}))
    pd.testing.assert_frame_equal(from_lake.rorac, from_files.rorac, check_exact=True)


def test_catalog_checks_run_in_spark_and_name_the_record(spark: Any, tmp_path: Path) -> None:
    spark.sql("""
        CREATE OR REPLACE TEMP VIEW business_bad AS
        SELECT account_id, category,
               CASE WHEN account_id = 'A000003' THEN 'gold_bar' ELSE product END AS product,
               booking_date,
               CASE WHEN account_id = 'A000005' THEN -100 ELSE balance END AS balance,
               revenue,
               CASE WHEN account_id = 'A000007' THEN 'M999' ELSE manager_id END AS manager_id
        FROM business_cents""")
    with pytest.raises(InputError) as caught:
        run(_config(tmp_path, engine="spark", business={"table": "business_bad"},
                    splits={"table": "splits_cents"}))
    text = str(caught.value)
    assert "table business_bad, column 'product': unknown product (1 row, first shown) " \
           "(got 'gold_bar')" in text
    assert "table business_bad, column 'balance': negative balance (got 'A000005')" in text
    assert "table business_bad, column 'manager_id': manager not in the roster (got 'M999')" \
        in text


def test_catalog_amounts_must_be_integer_cents(spark: Any, tmp_path: Path) -> None:
    spark.sql("CREATE OR REPLACE TEMP VIEW business_yuan AS SELECT account_id, category, "
              "product, booking_date, CAST(balance AS DOUBLE) / 100 AS balance, revenue, "
              "manager_id FROM business_cents")
    with pytest.raises(InputError) as caught:
        run(_config(tmp_path, engine="spark", business={"table": "business_yuan"},
                    splits={"table": "splits_cents"}))
    assert ("table business_yuan, column 'balance': column of type double; expected integer "
            "cents (BIGINT or DECIMAL(p, 0))") in str(caught.value)


def test_a_catalog_table_needs_the_spark_engine(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        run(_config(tmp_path, engine="duckdb", business={"table": "lake.business"},
                    splits=str(SAMPLES / "credit_splits.csv")))
    assert "inputs.business.table" in str(caught.value)
    assert "engine: {name: spark}" in str(caught.value)


def test_arrow_relation_columns_are_plain_for_spark() -> None:
    table = pa.table({"product": pa.array(["a", "b"]).dictionary_encode()})
    assert _plain(table).schema.field("product").type == pa.string()


def test_a_saved_table_is_recorded_by_its_version_and_refused_when_written_mid_run(
        spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog table with files is recorded by the digest of its version (its files, sizes
    and modification times): the same for two runs of the same table. Rows appended to it
    between validation and the account stage (a job still loading the month) stop the run:
    InputError naming the table, nothing summed from rows nobody checked."""
    import appraisal.pipeline as pipeline
    from appraisal.config import load_config
    from appraisal.kernel.catalog import read_catalog_table

    spark.sql("CREATE DATABASE IF NOT EXISTS lake")
    spark.table("business_cents").write.mode("overwrite").saveAsTable("lake.business_moving")
    config = _config(tmp_path, engine="spark", business={"table": "lake.business_moving"},
                     splits={"table": "splits_cents"})
    recorded = next(r for r in run(config).inputs if r.table == "business").sha256
    loaded = load_config(config).config
    again, _ = read_catalog_table("business", "lake.business_moving", loaded)
    assert len(recorded) == 64 and again.sha256 == recorded
    in_memory, _ = read_catalog_table("business", "business_cents", loaded)
    assert in_memory.sha256 == "" and in_memory.changed() is None  # no version to record

    real = pipeline.compute_rorac

    def appended_first(*args: Any, **kwargs: Any) -> Any:
        spark.table("business_cents").limit(3).write.mode("append").saveAsTable(
            "lake.business_moving")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "compute_rorac", appended_first)
    with pytest.raises(InputError) as refused:
        run(config)
    assert ("table lake.business_moving: the table changed while the run read it; expected a "
            "table no job writes to during the run") in str(refused.value)


def test_a_split_accounts_own_manager_credits_no_one_in_the_catalog_check(
        spark: Any, tmp_path: Path) -> None:
    """The managers a catalog table credits (for the manager_costs checks) are those of the
    rows not split plus the splits' managers, as the in-place and columnar checks count them:
    a manager named only on split accounts' own manager_id is not credited."""
    from appraisal.config import load_config
    from appraisal.kernel.catalog import check_catalog, read_catalog_table

    owners = sorted({r[0] for r in spark.sql(
        "SELECT DISTINCT manager_id FROM business_cents WHERE manager_id IS NOT NULL").collect()})
    lone = owners[-1]
    spark.sql(f"""
        CREATE OR REPLACE TEMP VIEW splits_without AS
        SELECT * FROM splits_cents WHERE account_id NOT IN (
            SELECT account_id FROM splits_cents WHERE manager_id = '{lone}')""")
    spark.sql(f"""
        CREATE OR REPLACE TEMP VIEW business_owned AS
        SELECT b.account_id, b.category, b.product, b.booking_date, b.balance, b.revenue,
               CASE WHEN s.account_id IS NOT NULL THEN '{lone}' ELSE b.manager_id END
                   AS manager_id
        FROM business_cents AS b
        LEFT JOIN (SELECT DISTINCT account_id FROM splits_without) AS s
            ON s.account_id = b.account_id
        WHERE s.account_id IS NOT NULL OR (b.manager_id IS NOT NULL AND b.manager_id <> '{lone}')
        """)
    split_managers = {r[0] for r in spark.sql(
        "SELECT DISTINCT manager_id FROM splits_without").collect()}
    assert lone not in split_managers
    config = load_config(_config(tmp_path, engine="spark", business={"table": "business_owned"},
                                 splits={"table": "splits_without"})).config
    business, _ = read_catalog_table("business", "business_owned", config)
    splits, _ = read_catalog_table("credit_splits", "splits_without", config)
    managers, _ = read_table("managers", SAMPLES / "managers.csv", shown="managers.csv")
    roster = pd.Index(managers.frame["manager_id"].astype(str))
    found, credited = check_catalog(business.frame, splits.frame, roster, config, "managers.csv")
    assert not len(found)
    assert lone not in credited
    assert credited == (set(owners) - {lone}) | split_managers
