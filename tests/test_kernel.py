"""The account kernel on DuckDB: its exact sums, the SQL subset it keeps, the exact rounding."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from kernel_cases import CONFIG, PERIOD_END, REFERENCE, as_cells, generate, reference_sums

from appraisal.config.base import parse_period
from appraisal.errors import ConfigError
from appraisal.kernel import (
    CELL_COLUMNS,
    DuckDBEngine,
    KernelInputs,
    ParquetFiles,
    account_cells,
    product_rates,
)
from appraisal.kernel.exact import Exact, half_away, round_ratio, to_decimal
from appraisal.kernel.sql import KernelSpec, SubsetError, check_subset, render

PERIOD = parse_period("2026-10")


def _filled(cells: dict) -> dict:
    return {key: {name: values.get(name, 0) for name in CELL_COLUMNS}
            for key, values in cells.items()}


@pytest.mark.parametrize("with_splits", [False, True])
def test_kernel_sums_equal_the_row_by_row_definition(with_splits: bool) -> None:
    business, splits = generate()
    used = splits if with_splits else None
    cells = account_cells(KernelInputs(business, used, ("ftp_cost", "tax")), CONFIG, PERIOD)
    assert _filled(as_cells(cells.table)) == _filled(reference_sums(business, used))


def test_partitioned_parquet_input_gives_the_same_sums(tmp_path) -> None:
    business, splits = generate()
    half = business.num_rows // 2
    paths = []
    for part, piece in enumerate((business.slice(0, half), business.slice(half))):
        paths.append(str(tmp_path / f"month={part}.parquet"))
        pq.write_table(piece, paths[-1])
    from_files = account_cells(
        KernelInputs(ParquetFiles(tuple(paths)), splits, ("ftp_cost", "tax")), CONFIG, PERIOD)
    in_memory = account_cells(KernelInputs(business, splits, ("ftp_cost", "tax")), CONFIG,
                              PERIOD)
    assert as_cells(from_files.table) == as_cells(in_memory.table)


def test_booked_on_the_reference_date_is_increment_and_on_the_period_end_is_age_zero() -> None:
    business = pa.table({
        "manager_id": ["M1", "M1"], "product": ["loan", "loan"],
        "booking_date": pa.array([REFERENCE, date(2025, 12, 31)], pa.date32()),
        "balance": pa.array([100, 1000], pa.int64()), "revenue": pa.array([1, 1], pa.int64()),
    })
    cells = as_cells(account_cells(KernelInputs(business), CONFIG, PERIOD).table)
    assert cells[("M1", "loan", 1)]["balance"] == 100
    assert cells[("M1", "loan", 0)]["age_balance"] == (PERIOD_END - date(2025, 12, 31)).days * 1000
    on_end = business.set_column(2, "booking_date", pa.array([PERIOD_END] * 2, pa.date32()))
    cells = as_cells(account_cells(KernelInputs(on_end), CONFIG, PERIOD).table)
    assert cells[("M1", "loan", 1)]["age_accounts"] == 0


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
@pytest.mark.parametrize("with_splits", [False, True])
def test_rendered_kernel_stays_in_the_exact_subset(dialect: str, with_splits: bool) -> None:
    spec = KernelSpec(REFERENCE, PERIOD_END, with_splits, ("ftp_cost", "risk_cost", "tax"))
    sql = render(spec, dialect)  # type: ignore[arg-type]
    check_subset(sql, dialect)  # type: ignore[arg-type]
    assert "/" not in sql and "ROUND" not in sql.upper()


@pytest.mark.parametrize("bad", [
    "SELECT a / b AS x FROM t",
    "SELECT ROUND(a, 2) AS x FROM t",
    "SELECT CAST(a AS BIGINT) AS x FROM t",
    "SELECT CAST(a AS DOUBLE) AS x FROM t",
    "SELECT a * 0.5 AS x FROM t",
    "SELECT DATE_DIFF('month', a, b) AS x FROM t",
    "SELECT CAST(a AS DECIMAL(38, 2)) AS x FROM t",
    "SELECT FLOOR(a) AS x FROM t",
    "SELECT a // b AS x FROM t",
    "SELECT CAST(a AS DECIMAL(18, 0)) * CAST(b AS DECIMAL(18, 0)) AS x FROM t",
])
def test_subset_check_refuses_inexact_operations(bad: str) -> None:
    with pytest.raises(SubsetError):
        check_subset(bad, "duckdb")


def test_rates_with_more_than_ten_decimals_are_a_config_error() -> None:
    config = CONFIG.model_copy(update={"products": {
        "loan": CONFIG.products["loan"].model_copy(update={"ftp_rate": 0.01234567891234})}})
    with pytest.raises(ConfigError, match=r"rorac\.products\.loan\.ftp_rate"):
        product_rates(config)


def test_negative_and_huge_exact_values_round_trip_through_arrow() -> None:
    values = [0, 1, -1, 2**63 - 1, -(2**63), 10**37, -(10**37) + 12345]
    column = pa.array(values, pa.decimal128(38, 0))
    assert Exact.of(column).ints() == values
    assert Exact.of(pa.array([5, -7], pa.int64())).ints() == [5, -7]


_big = st.integers(min_value=-(10**37), max_value=10**37)


@given(st.lists(st.tuples(_big, _big), min_size=1, max_size=20),
       st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**24))
def test_round_ratio_is_exact_half_away_from_zero(pairs, multiplier, denominator) -> None:
    assume(all(abs(x + y * multiplier) // denominator < 2**62 for x, y in pairs))
    a = Exact.of(pa.array([p[0] for p in pairs], pa.decimal128(38, 0)))
    b = Exact.of(pa.array([p[1] for p in pairs], pa.decimal128(38, 0)))
    got = round_ratio([(a, 1), (b, multiplier)], denominator).tolist()
    for (x, y), value in zip(pairs, got, strict=True):
        exact = Fraction(x + y * multiplier, denominator)
        expected = half_away(x + y * multiplier, denominator)
        assert value == expected
        assert abs(exact - expected) <= Fraction(1, 2)


def test_round_ratio_settles_exact_ties_away_from_zero() -> None:
    column = Exact.of(to_decimal([5, -5, 15, 25, -25, 7]))
    assert round_ratio([(column, 1)], 10).tolist() == [1, -1, 2, 3, -3, 1]


def test_duckdb_engine_reads_registered_arrow_and_parquet(tmp_path) -> None:
    table = pa.table({"x": pa.array([1, 2], pa.int64())})
    pq.write_table(table, tmp_path / "t.parquet")
    engine = DuckDBEngine()
    assert engine.run("SELECT SUM(x) AS s FROM t", {"t": table}).column("s").to_pylist() == [3]
    files = ParquetFiles((str(tmp_path / "t.parquet"),))
    assert engine.run("SELECT SUM(x) AS s FROM t", {"t": files}).column("s").to_pylist() == [3]


def test_half_cent_credit_rounds_half_away_from_zero() -> None:
    """Hand case: 100.01 yuan split 0.5/0.5 credits exactly 50.005 to each manager, which rounds
    half away from zero to 50.01 (the float product 50.00499999999999 would give 50.00);
    revenue -0.03 split the same way is -0.015 each, -0.02. Tolerance 0."""
    import pandas as pd

    from appraisal.config import RoracConfig
    from appraisal.rorac import compute_rorac

    config = RoracConfig.model_validate({"products": {"loan": {"category": "loan"}},
                                        "categories": [{"id": "loan"}]})
    business = pd.DataFrame({
        "account_id": ["A1"], "category": ["loan"], "product": ["loan"], "balance": [100.01],
        "revenue": [-0.03], "booking_date": pd.to_datetime(["2025-06-30"]),
        "manager_id": pd.array([None], dtype="str")})
    splits = pd.DataFrame({"account_id": ["A1", "A1"], "manager_id": ["M1", "M2"],
                           "share": [0.5, 0.5]})
    managers = pd.DataFrame({"manager_id": ["M1", "M2"], "team": "T", "sub_branch": "S",
                             "branch": "B"})
    result = compute_rorac(business, managers, config, PERIOD, credit_splits=splits)
    assert result.by_manager["balance_stock"].tolist() == [5001, 5001]
    assert result.by_manager["revenue_stock"].tolist() == [-2, -2]


def test_duckdb_settings_from_the_engine_section() -> None:
    from appraisal.config.engine import EngineConfig
    from appraisal.kernel import engine_for

    engine = engine_for(EngineConfig(options={"threads": "1"}))
    assert isinstance(engine, DuckDBEngine)
    table = pa.table({"x": pa.array([1], pa.int64())})
    assert engine.run("SELECT current_setting('threads') AS t FROM t", {"t": table}
                      ).column("t").to_pylist() == [1]


def test_a_folder_of_parquet_files_in_yuan_streams_to_the_same_sums(tmp_path) -> None:
    """A partitioned business table (two files, floats in yuan, a dictionary-encoded product,
    timestamps) streamed batch by batch gives the sums of the same rows read at once."""
    from appraisal.kernel.frames import business_relation
    from appraisal.kernel.sources import parquet_business

    business, _ = generate(rows=300)
    frame = business.to_pandas()
    frame["booking_date"] = pd_datetime(frame["booking_date"])
    for column in ("balance", "revenue", "ftp_cost", "tax"):
        frame[column] = frame[column].astype("float64") / 100
    folder = tmp_path / "business"
    folder.mkdir()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(table.schema.get_field_index("product"), "product",
                             table.column("product").dictionary_encode())
    pq.write_table(table.slice(0, 120), folder / "month=1.parquet")
    pq.write_table(table.slice(120), folder / "month=2.parquet")
    streamed, supplied = parquet_business(folder, with_splits=False, batch_rows=50)
    assert supplied == ("ftp_cost", "tax")
    from_files = account_cells(KernelInputs(streamed, None, supplied), CONFIG, PERIOD)
    relation, supplied_too = business_relation(frame, with_splits=False)
    at_once = account_cells(KernelInputs(relation, None, supplied_too), CONFIG, PERIOD)
    assert as_cells(from_files.table) == as_cells(at_once.table)


def test_no_parquet_files_is_an_input_error_naming_the_place(tmp_path) -> None:
    from appraisal.errors import InputError
    from appraisal.kernel.sources import parquet_paths

    with pytest.raises(InputError, match="no Parquet files found"):
        parquet_paths(tmp_path / "business" / "*.parquet")


def pd_datetime(values):
    import pandas as pd

    return pd.to_datetime(values)


def test_parquet_files_with_float_amounts_are_refused_naming_the_column(tmp_path) -> None:
    from appraisal.errors import InputError

    business, _ = generate(rows=20)
    floats = business.set_column(business.schema.get_field_index("balance"), "balance",
                                 pa.array([1.5] * 20, pa.float64()))
    pq.write_table(floats, tmp_path / "b.parquet")
    with pytest.raises(InputError, match="balance"):
        account_cells(KernelInputs(ParquetFiles((str(tmp_path / "b.parquet"),))), CONFIG,
                      PERIOD)
