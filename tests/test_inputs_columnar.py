"""The account tables read columnar (`io.accounts`, issue 16) give exactly what the per-cell
reader gives: the same cents, shares, dates and RORAC results; every problem the same issues
(the columnar path detects, the per-cell path words); spreadsheet habits it cannot read plainly
go to the per-cell reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.config import load_config
from appraisal.io.accounts import is_relation, relation_of
from appraisal.io.readers import read_table
from appraisal.kernel.frames import business_relation, splits_relation
from appraisal.rorac import compute_rorac
from appraisal.validate import check_inputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "input_samples"
CONFIG = load_config(ROOT / "configs" / "example.yaml")


def _read(name: str, path: Path, columnar: bool):
    table, issues = read_table(name, path, shown=path.name, columnar=columnar)
    return table.frame, issues


def _tables(business: Path, splits: Path, columnar: bool) -> dict[str, pd.DataFrame]:
    return _read_all(business, splits, columnar)[0]


def _read_all(business: Path, splits: Path, columnar: bool
              ) -> tuple[dict[str, pd.DataFrame], list]:
    managers, _ = _read("managers", SAMPLES / "managers.csv", False)
    frames, found = {"managers": managers}, []
    for name, path in (("business", business), ("credit_splits", splits)):
        frames[name], issues = _read(name, path, columnar)
        found += list(issues)
    return frames, found


def _issues(business: Path, splits: Path = SAMPLES / "credit_splits.csv", *,
            columnar: bool) -> list[str]:
    tables, found = _read_all(business, splits, columnar)
    return [issue.describe()
            for issue in check_inputs(tables, CONFIG.config, reader_issues=found)
            if issue.file in (business.name, splits.name)]


def test_plain_csv_and_parquet_are_read_columnar_with_the_per_cell_values(
        tmp_path: Path) -> None:
    per_cell, _ = _read("business", SAMPLES / "business.csv", False)
    expected, _ = business_relation(per_cell, with_splits=True)
    parquet = tmp_path / "business.parquet"
    pq.write_table(pa.Table.from_pandas(pd.read_csv(
        SAMPLES / "business.csv", dtype={"account_id": str, "manager_id": str},
        encoding="utf-8-sig", parse_dates=["booking_date"]), preserve_index=False), parquet)
    for path in (SAMPLES / "business.csv", parquet):
        frame, issues = _read("business", path, True)
        assert is_relation(frame) and issues == []
        relation = relation_of(frame)
        for column in ("balance", "revenue", "booking_date", "account_id"):
            assert relation.column(column).to_pylist() == expected.column(column).to_pylist()
        for column in ("manager_id", "product", "category"):
            assert pc_text(relation, column) == pc_text(expected, column)
    splits, _ = _read("credit_splits", SAMPLES / "credit_splits.csv", True)
    per_cell_splits, _ = _read("credit_splits", SAMPLES / "credit_splits.csv", False)
    assert is_relation(splits)
    assert relation_of(splits).column("share").to_pylist() == \
        splits_relation(per_cell_splits).column("share").to_pylist()


def pc_text(table: pa.Table, column: str) -> list[object]:
    return table.column(column).cast(pa.string()).to_pylist()


def test_rorac_from_columnar_tables_equals_the_per_cell_frames() -> None:
    config = CONFIG.config
    results = []
    for columnar in (True, False):
        tables = _tables(SAMPLES / "business.csv", SAMPLES / "credit_splits.csv", columnar)
        results.append(compute_rorac(tables["business"], tables["managers"], config.rorac,
                                     config.appraisal_period,
                                     credit_splits=tables["credit_splits"]))
    for name in ("by_category", "by_manager", "rollups"):
        pd.testing.assert_frame_equal(getattr(results[0], name), getattr(results[1], name),
                                      check_exact=True)


def _edited(tmp_path: Path, source: Path, edits: dict[tuple[int, str], str],
            name: str = "business.csv", encoding: str = "utf-8") -> Path:
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    for (row, column), value in edits.items():
        fields = lines[row - 1].split(",")
        fields[header.index(column)] = value
        lines[row - 1] = ",".join(fields)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("edits", [
    {(5, "product"): "gold_bar"},
    {(6, "balance"): "-100.5"},
    {(7, "booking_date"): "2027-01-05"},
    {(8, "manager_id"): "M9999"},
    {(9, "category"): "loan"},
    {(10, "account_id"): "A000011"},
    {(11, "revenue"): ""},
    {(12, "balance"): "abc"},
    {(13, "booking_date"): "46300"},
    {(14, "balance"): "95%"},
])
def test_a_bad_business_cell_gets_the_per_cell_message(tmp_path: Path, edits) -> None:
    path = _edited(tmp_path, SAMPLES / "business.csv", edits)
    columnar = _issues(path, columnar=True)
    assert columnar, "the bad cell was reported"
    assert columnar == _issues(path, columnar=False)


@pytest.mark.parametrize("edits", [
    {(4, "share"): "0.7"},
    {(3, "manager_id"): "M9999"},
    {(4, "account_id"): "A999999"},
    {(5, "share"): "0"},
])
def test_a_bad_split_gets_the_per_cell_message(tmp_path: Path, edits) -> None:
    splits = _edited(tmp_path, SAMPLES / "credit_splits.csv", edits, name="splits.csv")
    columnar = _issues(SAMPLES / "business.csv", splits, columnar=True)
    assert columnar
    assert columnar == _issues(SAMPLES / "business.csv", splits, columnar=False)


@pytest.mark.parametrize("edits", [
    {(5, "balance"): '"1,234.50"'},
    {(6, "booking_date"): "2026年1月5日"},
    {(7, "booking_date"): "2026/01/05"},
    {(8, "manager_id"): " M0001"},
])
def test_spreadsheet_habits_are_read_by_the_per_cell_reader(tmp_path: Path, edits) -> None:
    path = _edited(tmp_path, SAMPLES / "business.csv", edits)
    frame, issues = _read("business", path, True)
    assert not is_relation(frame) and issues == []
    assert _issues(path, columnar=True) == []


def test_gbk_business_is_read_columnar(tmp_path: Path) -> None:
    path = _edited(tmp_path, SAMPLES / "business.csv", {}, encoding="gb18030")
    frame, _ = _read("business", path, True)
    assert is_relation(frame)
    expected, _ = _read("business", SAMPLES / "business.csv", True)
    for name in expected.columns:
        assert _values(relation_of(frame), name) == _values(relation_of(expected), name)


def test_blank_rows_keep_the_per_cell_numbers(tmp_path: Path) -> None:
    lines = (SAMPLES / "business.csv").read_text(encoding="utf-8-sig").splitlines()
    lines.insert(3, ",,,,,,")
    lines[9] = lines[9].replace("demand_deposit", "gold_bar", 1)
    path = tmp_path / "business.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = _issues(path, columnar=True)
    assert found == _issues(path, columnar=False)
    assert any("row 10" in line and "gold_bar" in line for line in found)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=3,
                            allow_nan=False, allow_infinity=False), min_size=1, max_size=30))
def test_revenue_cents_equal_the_per_cell_rounding(tmp_path_factory, amounts) -> None:
    folder = tmp_path_factory.mktemp("cents")
    rows = ["account_id,category,product,balance,revenue,booking_date,manager_id"]
    rows += [f"A{i},deposit,demand_deposit,1,{amount},2026-01-05,M0001"
             for i, amount in enumerate(amounts)]
    path = folder / "business.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    columnar, _ = _read("business", path, True)
    per_cell, _ = _read("business", path, False)
    expected, _ = business_relation(per_cell, with_splits=False)
    assert is_relation(columnar)
    assert np.array_equal(relation_of(columnar).column("revenue").to_numpy(),
                          expected.column("revenue").to_numpy())


@pytest.mark.parametrize("pattern", ["folder", "glob"])
def test_a_partitioned_business_table_is_read_columnar(tmp_path: Path, pattern: str) -> None:
    frame = pd.read_csv(SAMPLES / "business.csv", dtype={"account_id": str, "manager_id": str},
                        encoding="utf-8-sig", parse_dates=["booking_date"])
    folder = tmp_path / "business"
    folder.mkdir()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table.slice(0, 7000), folder / "2026-09.parquet")
    pq.write_table(table.slice(7000), folder / "2026-10.parquet")
    where = folder if pattern == "folder" else folder / "2026-*.parquet"
    columnar, issues = _read("business", where, True)
    assert is_relation(columnar) and issues == []
    whole, _ = _read("business", SAMPLES / "business.csv", True)
    for name in whole.columns:
        assert _values(relation_of(columnar), name) == _values(relation_of(whole), name)


def _values(table: pa.Table, name: str) -> list[object]:
    column = table.column(name)
    return (column.cast(pa.string()) if pa.types.is_dictionary(column.type)
            else column).to_pylist()


@pytest.mark.parametrize("quoted", ['"A00000\n5"', '"A000005"'])
def test_quoted_values_and_newlines_in_them_read_as_per_cell(tmp_path: Path, quoted) -> None:
    """A file with a quotation mark is split serially (a value may hold a newline); a file
    without one in parallel blocks: either way the values are the per-cell reader's."""
    lines = (SAMPLES / "business.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    fields = lines[4].split(",")
    fields[header.index("account_id")] = quoted
    lines[4] = ",".join(fields)
    path = tmp_path / "business.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, issues = _read("business", path, True)
    per_cell, per_cell_issues = _read("business", path, False)
    assert [i.describe() for i in issues] == [i.describe() for i in per_cell_issues]
    expected, _ = business_relation(per_cell, with_splits=True)
    got = relation_of(frame) if is_relation(frame) else business_relation(
        frame, with_splits=True)[0]
    assert got.column("account_id").to_pylist() == expected.column("account_id").to_pylist()
    assert got.column("balance").to_pylist() == expected.column("balance").to_pylist()
