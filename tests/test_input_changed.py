"""An input that changes while the run reads it is refused (exit 2, nothing written), never
summed unchecked nor recorded under another file's digest.

A Parquet business table read in place is checked during validation and summed by the account
stage from its files: a file rewritten, replaced or removed in between (a nightly export still
writing, a data-lake partition rewritten) would give figures of data nobody checked, beside the
old SHA-256 in the manifest. Faults are injected at the stage boundary (the file is changed
just before the account stage) and inside the reader; the files, DuckDB and the CLI are real.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from example_config import example_raw, write_config

import appraisal.pipeline as pipeline
from appraisal.cli import main
from appraisal.errors import InputError
from appraisal.io import readers

ROOT = Path(__file__).resolve().parents[1]
CHANGED = "the file changed while the run read it"


def _business(folder: Path, scale: float = 1.0) -> pd.DataFrame:
    frame = pd.read_csv(ROOT / "input_samples" / "business.csv", encoding="utf-8-sig",
                        dtype={"account_id": str, "manager_id": str})
    frame["booking_date"] = pd.to_datetime(frame["booking_date"]).dt.date
    frame["revenue"] = (frame["revenue"] * scale).round(2)
    return frame


def _write(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _config(tmp_path: Path, business: Path) -> Path:
    return write_config(tmp_path, example_raw(), inputs={"business": str(business)})


def _before_the_account_stage(monkeypatch: pytest.MonkeyPatch, change) -> None:
    real = pipeline.compute_rorac

    def changed_first(*args, **kwargs):
        change()
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "compute_rorac", changed_first)


@pytest.fixture
def in_place(tmp_path: Path) -> tuple[Path, Path]:
    """A Parquet business table (read in place) and a config running it."""
    business = tmp_path / "business.parquet"
    _write(_business(tmp_path), business)
    return business, _config(tmp_path, business)


def test_a_file_untouched_runs_and_is_left_in_place(in_place) -> None:
    business, config = in_place
    result = pipeline.run(config)
    record = next(r for r in result.inputs if r.table == "business")
    assert record.sha256 == readers.table_sha256(business)


def test_a_file_replaced_before_the_account_stage_is_refused(
        tmp_path: Path, in_place, monkeypatch: pytest.MonkeyPatch) -> None:
    business, config = in_place
    other = tmp_path / "other.parquet"
    _write(_business(tmp_path, scale=1.01), other)  # valid, 1 % more revenue
    _before_the_account_stage(monkeypatch, lambda: shutil.copy(other, business))
    with pytest.raises(InputError) as refused:
        pipeline.run(config)
    assert f"{business}: {CHANGED}" in str(refused.value)
    assert refused.value.exit_code == 2


def test_a_file_removed_under_the_kernel_is_refused_not_an_engine_error(
        in_place, monkeypatch: pytest.MonkeyPatch) -> None:
    business, config = in_place
    _before_the_account_stage(monkeypatch, business.unlink)
    with pytest.raises(InputError, match=CHANGED):
        pipeline.run(config)


def test_a_partition_added_to_a_folder_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _business(tmp_path)
    folder = tmp_path / "business"
    folder.mkdir()
    half = len(frame) // 2
    _write(frame.iloc[:half], folder / "2026-09.parquet")
    _write(frame.iloc[half:], folder / "2026-10.parquet")
    late = frame.iloc[:3].assign(account_id=lambda f: f["account_id"] + "-late")
    _before_the_account_stage(monkeypatch,
                              lambda: _write(late, folder / "2026-11.parquet"))
    with pytest.raises(InputError, match=CHANGED):
        pipeline.run(_config(tmp_path, folder))


def test_the_cli_exits_2_and_writes_nothing(
        tmp_path: Path, in_place, monkeypatch: pytest.MonkeyPatch) -> None:
    business, config = in_place
    _before_the_account_stage(monkeypatch, lambda: business.write_bytes(
        business.read_bytes()))  # rewritten with the same bytes: still not the file read
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out),
                                       "--set", "language=en"])
    assert result.exit_code == 2, result.output
    assert CHANGED in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("name", ["business.csv", "managers.csv"])
def test_a_file_written_while_it_is_read_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The columnar and the per-cell readers alike: the digest and the cells read must be of
    the same bytes."""
    source = tmp_path / name
    shutil.copy(ROOT / "input_samples" / name, source)
    real = readers._read_table

    def appended_meanwhile(*args, **kwargs):
        read = real(*args, **kwargs)
        with source.open("a", encoding="utf-8") as handle:
            handle.write("\n")
        return read

    monkeypatch.setattr(readers, "_read_table", appended_meanwhile)
    with pytest.raises(InputError) as refused:
        readers.read_table(name.removesuffix(".csv"), source, shown=name)
    assert f"{name}: {CHANGED}; expected a file that stays as it is" in str(refused.value)


def test_a_table_of_the_engines_catalog_has_no_file_to_compare() -> None:
    table = readers.LoadedTable("business", pd.DataFrame(), Path("bank.business"),
                                "bank.business", "", None)
    assert table.changed() is None
