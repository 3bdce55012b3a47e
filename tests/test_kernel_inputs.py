"""Partitioned inputs: a business table given as a folder or a glob of Parquet files runs like
the same rows in one CSV file (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from appraisal.pipeline import run

ROOT = Path(__file__).resolve().parents[1]


def _config_with_business(tmp_path: Path, business: str) -> Path:
    raw = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    samples = ROOT / "input_samples"
    for name, source in list(raw["inputs"].items()):
        path = source if isinstance(source, str) else source["path"]
        absolute = str((ROOT / "configs" / path).resolve())
        raw["inputs"][name] = absolute if isinstance(source, str) else {**source,
                                                                        "path": absolute}
    raw["inputs"]["business"] = business
    assert samples.is_dir()
    path = tmp_path / f"config-{abs(hash(business))}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("pattern", ["folder", "glob"])
def test_business_as_partitioned_parquet_runs_like_one_csv(tmp_path: Path, pattern: str) -> None:
    csv = ROOT / "input_samples" / "business.csv"
    frame = pd.read_csv(csv, dtype={"account_id": str, "manager_id": str}, encoding="utf-8-sig",
                        parse_dates=["booking_date"])
    folder = tmp_path / "business"
    folder.mkdir()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), folder / "2026-09.parquet")
    pq.write_table(table.slice(half), folder / "2026-10.parquet")
    where = str(folder) if pattern == "folder" else str(folder / "2026-*.parquet")
    from_parquet = run(_config_with_business(tmp_path, where))
    from_csv = run(_config_with_business(tmp_path, str(csv)))
    pd.testing.assert_frame_equal(from_parquet.rorac, from_csv.rorac, check_exact=True)
    pd.testing.assert_frame_equal(from_parquet.managers, from_csv.managers, check_exact=True)
    record = next(r for r in from_parquet.inputs if r.table == "business")
    assert record.rows == len(frame)


def test_a_parquet_business_table_in_place_runs_like_the_csv_and_words_bad_rows(
        tmp_path: Path) -> None:
    """`appraise run` on a Parquet business table (left in place for DuckDB, never loaded):
    the CSV run's figures; a bad row is worded by file, row and column, exit 2, nothing
    written."""
    from click.testing import CliRunner

    from appraisal.cli import main

    csv = ROOT / "input_samples" / "business.csv"
    frame = pd.read_csv(csv, dtype={"account_id": str, "manager_id": str}, encoding="utf-8-sig")
    frame["booking_date"] = pd.to_datetime(frame["booking_date"]).dt.date
    good = tmp_path / "business.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), good)
    from_parquet = run(_config_with_business(tmp_path, str(good)))
    from_csv = run(_config_with_business(tmp_path, str(csv)))
    pd.testing.assert_frame_equal(from_parquet.rorac, from_csv.rorac, check_exact=True)
    pd.testing.assert_frame_equal(from_parquet.managers, from_csv.managers, check_exact=True)
    frame.loc[4, "product"] = "gold_bar"
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), bad)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(_config_with_business(tmp_path, str(bad))),
                                       "--out", str(out), "--set", "language=en"])
    assert result.exit_code == 2, result.output
    assert "bad.parquet" in result.output and "row 6" in result.output
    assert "product" in result.output and "gold_bar" in result.output
    assert "Traceback" not in result.output and not out.exists()
