"""The SQL engine's settings and resources: a DuckDB setting it refuses is a config error on
`engine.options` (exit 2); DuckDB running out of memory over the account data is exit 4 with
the settings to change, nothing written, never "a bug in appraise". Real DuckDB, real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main
from appraisal.config import load_config
from appraisal.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def _config(tmp_path: Path, options: dict, business: Path | None = None) -> Path:
    raw = example_raw()
    raw["language"] = "en"  # the tests read the English error texts
    raw["engine"]["options"] = options
    return write_config(tmp_path, raw, inputs={} if business is None else {
        "business": str(business)})


@pytest.mark.parametrize(("options", "named"), [
    ({"foo": "bar"}, "DuckDB refuses the setting foo: 'bar' (The following options were not "
                     "recognized: foo)"),
    ({"threads": "0"}, "DuckDB refuses the setting threads: '0'"),
    ({"threads": "two"}, "DuckDB refuses the setting threads: 'two'"),
    ({"memory_limit": "lots"}, "DuckDB refuses the setting memory_limit: 'lots'"),
])
def test_a_setting_duckdb_refuses_is_a_config_error_naming_it(
        tmp_path: Path, options: dict, named: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(_config(tmp_path, options))
    assert f"engine.options: {named}" in str(refused.value)
    result = CliRunner().invoke(main, ["validate", str(_config(tmp_path, options))])
    assert result.exit_code == 2 and named in result.output, result.output


def test_settings_duckdb_takes_load_and_spark_options_are_left_to_spark(tmp_path: Path) -> None:
    load_config(_config(tmp_path, {"threads": "1", "memory_limit": "2GB"}))
    raw = yaml.safe_load(_config(tmp_path, {"spark.executor.memory": "8g"}).read_text(
        encoding="utf-8"))
    raw["engine"]["name"] = "spark"
    spark = tmp_path / "spark.yaml"
    spark.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_config(spark).config.engine.options == {"spark.executor.memory": "8g"}


@pytest.mark.parametrize("source", ["csv", "parquet in place"])
def test_duckdb_out_of_memory_is_exit_4_naming_the_settings(tmp_path: Path, source: str) -> None:
    business = None
    if source != "csv":
        frame = pd.read_csv(ROOT / "input_samples" / "business.csv", encoding="utf-8-sig",
                            dtype={"account_id": str, "manager_id": str})
        frame["booking_date"] = pd.to_datetime(frame["booking_date"]).dt.date
        business = tmp_path / "business.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), business)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(_config(tmp_path, {"memory_limit": "1MB"},
                                                          business)), "--out", str(out)])
    assert result.exit_code == 4, result.output
    assert "the SQL engine (DuckDB) ran out of memory over the account data" in result.output
    assert "engine.options.memory_limit (now 1MB)" in result.output
    assert "bug" not in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("engine", "reason"), [
    ({"master": "nonsense"}, "Master must either be yarn or start with spark, k8s, or local"),
    ({"options": {"spark.driver.memory": "-1"}}, "Invalid maximum heap size: -Xmx-1"),
    ({"options": {"spark.executor.memory": "abc"}}, "Executor memory must be a positive number"),
])
def test_a_spark_session_that_cannot_start_is_a_config_error_with_sparks_reason(
        tmp_path: Path, engine: dict, reason: str) -> None:
    """`appraise run` in its own process (so no test session is active): exit 2, the `engine`
    key and Spark's one-line reason, none of the JVM's stack on the terminal."""
    import subprocess
    import sys

    from conftest import require_component

    from appraisal.kernel import spark_available

    available, why = spark_available()
    require_component("Spark (pyspark + Java)", available, why)
    config = _config(tmp_path, {})
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["engine"] = {"name": "spark", **engine}
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", "from appraisal.cli import main; main()", "run",
                           str(config), "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2, done.stderr
    assert "engine: Spark could not start a session on master " in done.stderr
    assert reason in done.stderr
    for noise in ("\tat org.apache", "Exception in thread", "Traceback", "bug"):
        assert noise not in done.stderr, done.stderr
    assert not out.exists()
