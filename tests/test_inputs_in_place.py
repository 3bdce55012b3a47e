"""A Parquet business table left in place for DuckDB (`io.accounts.InPlace`,
`kernel.in_place`, issue 16) gives exactly what the columnar reader gives: the same RORAC to the
cent, and for every problem the same issues (the in-place check only says whether it can vouch
for the table; the columnar or per-cell reader words what is wrong)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from appraisal.config import load_config
from appraisal.errors import InputError
from appraisal.io.accounts import is_in_place, is_relation
from appraisal.io.readers import read_table
from appraisal.kernel.in_place import _SPACE
from appraisal.rorac import compute_rorac
from appraisal.validate import check_inputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "input_samples"
CONFIG = load_config(ROOT / "configs" / "example.yaml").config


def _sample() -> pa.Table:
    frame = pd.read_csv(SAMPLES / "business.csv", dtype={"account_id": str, "manager_id": str},
                        encoding="utf-8-sig")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    dates = pc.strptime(table.column("booking_date"), format="%Y-%m-%d", unit="s")
    return table.set_column(table.schema.get_field_index("booking_date"), "booking_date",
                            pc.cast(dates, pa.date32()))


def _replace(table: pa.Table, name: str, values: pa.Array | list) -> pa.Table:
    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)
    return table.set_column(table.schema.get_field_index(name), name, array)


def _tables(business: Path, in_place: bool, columns: dict[str, str] | None = None):
    managers, _ = read_table("managers", SAMPLES / "managers.csv", shown="managers.csv")
    splits, split_issues = read_table("credit_splits", SAMPLES / "credit_splits.csv",
                                      shown="credit_splits.csv")
    table, found = read_table("business", business, shown=business.name, in_place=in_place,
                              columns=columns)
    tables = {"managers": managers.frame, "business": table.frame,
              "credit_splits": splits.frame}
    return tables, list(found) + list(split_issues)


def _described(business: Path, in_place: bool, **kwargs) -> tuple[list[str], dict]:
    tables, found = _tables(business, in_place, **kwargs)
    issues = check_inputs(tables, CONFIG, reader_issues=found)
    return [issue.describe() for issue in issues
            if issue.file in (business.name, "credit_splits.csv")], tables


def _rorac(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = compute_rorac(tables["business"], tables["managers"], CONFIG.rorac,
                           CONFIG.appraisal_period, credit_splits=tables["credit_splits"])
    return result.by_category, result.by_manager


def _verdict(tables: dict) -> bool | None:
    kept = tables["business"].attrs.get("in_place_verdict")
    return None if kept is None else kept[1].clean


def _same_as_columnar(path: Path, *, clean: bool, valid: bool = False, **kwargs) -> None:
    in_place, tables = _described(path, True, **kwargs)
    columnar, other = _described(path, False, **kwargs)
    assert in_place == columnar
    assert is_in_place(tables["business"]) and _verdict(tables) is clean
    assert bool(in_place) is not (clean or valid)
    if not in_place:
        for mine, theirs in zip(_rorac(tables), _rorac(other), strict=True):
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def _write(tmp_path: Path, table: pa.Table, name: str = "business.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def test_the_sample_is_checked_in_place_and_sums_as_the_columnar_reader(tmp_path: Path) -> None:
    path = _write(tmp_path, _sample())
    _same_as_columnar(path, clean=True)
    tables, _ = _tables(path, True)
    assert tables["business"].empty and tables["business"].attrs["rows"] == _sample().num_rows


@pytest.mark.parametrize("kind", ["int64", "decimal", "dictionary", "timestamp",
                                  "supplied", "supplied blank"])
def test_stored_types_are_read_in_place(tmp_path: Path, kind: str) -> None:
    table = _sample()
    balance = table.column("balance")
    if kind == "int64":  # whole yuan
        table = _replace(table, "balance", pc.cast(pc.round(balance), pa.int64()))
    elif kind == "decimal":
        table = _replace(table, "revenue", pa.array(
            [Decimal(f"{v:.2f}") for v in table.column("revenue").to_pylist()],
            pa.decimal128(14, 2)))
    elif kind == "dictionary":
        for name in ("product", "category", "manager_id"):
            table = _replace(table, name, pc.dictionary_encode(table.column(name)))
    elif kind == "timestamp":
        table = _replace(table, "booking_date",
                         pc.cast(table.column("booking_date"), pa.timestamp("us")))
    elif kind == "supplied":
        costs = [None if i % 3 else round(v * 0.002, 2)
                 for i, v in enumerate(balance.to_pylist())]
        table = table.append_column("ftp_cost", pa.array(costs, pa.float64()))
    else:
        table = table.append_column("tax", pa.nulls(table.num_rows, pa.float64()))
    _same_as_columnar(_write(tmp_path, table), clean=True)


@pytest.mark.parametrize("in_place", [True, False])
def test_a_float32_amount_is_refused_by_either_reader(tmp_path: Path, in_place: bool) -> None:
    table = _sample()
    table = _replace(table, "balance", pc.cast(pc.round(table.column("balance")), pa.float32()))
    with pytest.raises(InputError) as refused:
        _tables(_write(tmp_path, table), in_place)
    assert [issue.describe() for issue in refused.value.issues] == [
        "business.parquet, column 'balance': numbers stored as float32 (a 32-bit float holds "
        "about 7 significant digits: 1309982.73 is read back as 1309982.75); expected a column "
        "stored as double (float64) or decimal, such as decimal(18, 2) for amounts: write the "
        "file again from the source data"]


def test_mapped_headers_and_partitions_are_read_in_place(tmp_path: Path) -> None:
    table = _sample().rename_columns(["账号" if n == "account_id" else n
                                      for n in _sample().column_names])
    folder = tmp_path / "business"
    folder.mkdir()
    pq.write_table(table.slice(0, 50), folder / "2026-09.parquet")
    pq.write_table(table.slice(50), folder / "2026-10.parquet")
    _same_as_columnar(folder, clean=True, columns={"account_id": "账号"})


VALID = ("spaced account", "three decimals")
"""Edits the readers accept (a space stripped, a half cent rounded): the check cannot vouch for
them, the columnar or per-cell path reads them."""


@pytest.mark.parametrize("edit", [
    "unknown product", "negative balance", "late booking", "unknown manager",
    "other category", "repeated account", "blank revenue", "NaN balance", "blank manager",
    "not midnight", "huge amount", "blank accounts", *VALID,
])
def test_what_it_cannot_vouch_for_is_read_and_worded_as_before(tmp_path: Path,
                                                                edit: str) -> None:
    table = _sample()
    row = 7

    def cell(name: str, value: object, kind: pa.DataType | None = None) -> pa.Table:
        values = table.column(name).to_pylist()
        values[row] = value
        return _replace(table, name, pa.array(values, kind or table.schema.field(name).type))

    if edit == "unknown product":
        table = cell("product", "gold_bar")
    elif edit == "negative balance":
        table = cell("balance", -100.5)
    elif edit == "late booking":
        table = cell("booking_date", pd.Timestamp("2027-01-05").date())
    elif edit == "unknown manager":
        table = cell("manager_id", "M9999")
    elif edit == "other category":
        table = cell("category", "intermediate" if table.column("category")[row].as_py()
                     != "intermediate" else "loan")
    elif edit == "repeated account":
        table = cell("account_id", table.column("account_id")[row + 1].as_py())
    elif edit == "blank revenue":
        table = cell("revenue", None)
    elif edit == "NaN balance":
        table = cell("balance", float("nan"))
    elif edit == "spaced account":
        table = cell("account_id", " " + table.column("account_id")[row].as_py() + "\u3000")
    elif edit == "three decimals":
        table = cell("revenue", 1234.565)
    elif edit == "blank manager":
        table = cell("manager_id", "")
    elif edit == "not midnight":
        table = _replace(table, "booking_date",
                         pc.cast(table.column("booking_date"), pa.timestamp("s")))
        table = cell("booking_date", pd.Timestamp("2026-03-01 10:30").to_pydatetime())
    elif edit == "blank accounts":  # two blanks: empty cells, not a repeated key as well
        table = cell("account_id", "")
        table = _replace(table, "account_id", pa.array(
            [v if i != row + 2 else "" for i, v in enumerate(table.column("account_id")
                                                             .to_pylist())], pa.string()))
    else:  # beyond 2^50 cents and money.MAX_AMOUNT_YUAN: refused by row
        table = cell("balance", 2.0**52)
    _same_as_columnar(_write(tmp_path, table), clean=False, valid=edit in VALID)


def test_partitions_of_different_schemas_are_not_left_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "business"
    folder.mkdir()
    table = _sample()
    pq.write_table(table.slice(0, 50), folder / "a.parquet")
    later = table.slice(50)
    pq.write_table(_replace(later, "balance", pc.cast(pc.round(later.column("balance")),
                                                      pa.int64())), folder / "b.parquet")
    tables, _ = _tables(folder, True)
    assert not is_in_place(tables["business"])
    assert is_relation(tables["business"]) or "_row" in tables["business"].columns


def test_the_stripped_characters_are_python_whitespace() -> None:
    import duckdb

    values = [chr(code) + "x" for code in range(1, 0x3100)
              if not 0xD800 <= code <= 0xDFFF]
    connection = duckdb.connect()
    connection.register("t", pa.table({"v": values}))
    found = connection.sql(f"SELECT v FROM t WHERE regexp_matches(v, '^{_SPACE}')").fetchall()
    assert sorted(v[0][0] for v in found) == sorted(
        c for c in map(chr, range(1, 0x3100)) if c.isspace())


@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(-10**9, 10**12), min_size=3, max_size=3),
       st.sampled_from([1, 10, 100, 1000]), st.integers(0, 4000))
def test_any_amounts_and_dates_sum_as_the_columnar_reader(tmp_path_factory, cents, divisor,
                                                          days) -> None:
    """Property: amounts of up to three decimals, booked any day, give the columnar reader's
    RORAC to the cent (in place when every x·100 is within 0.49 of a cent, read otherwise)."""
    tmp_path = tmp_path_factory.mktemp("amounts")
    table = _sample()
    revenue = table.column("revenue").to_pylist()
    balance = table.column("balance").to_pylist()
    for at, value in enumerate(cents):
        revenue[at * 11] = value / divisor / 100 * 10
        balance[at * 13] = abs(value) / divisor
    start = pd.Timestamp("2015-01-01") + pd.Timedelta(days=days)
    dates = table.column("booking_date").to_pylist()
    dates[5] = min(start, pd.Timestamp("2026-10-31")).date()
    table = _replace(_replace(_replace(table, "revenue", pa.array(revenue, pa.float64())),
                              "balance", pa.array(balance, pa.float64())),
                     "booking_date", pa.array(dates, pa.date32()))
    path = _write(tmp_path, table)
    in_place, tables = _described(path, True)
    columnar, other = _described(path, False)
    assert in_place == columnar == []
    for mine, theirs in zip(_rorac(tables), _rorac(other), strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_the_check_runs_with_the_engine_options(tmp_path: Path) -> None:
    """`engine.options` (threads, memory_limit, ...) apply to the check's DuckDB too."""
    from appraisal.kernel.in_place import check

    tables, _ = _tables(_write(tmp_path, _sample()), True)
    splits = tables["credit_splits"]
    from appraisal.io.accounts import relation_of

    roster = pa.array(tables["managers"]["manager_id"].astype(str).to_numpy(), pa.string())
    products = pa.table({"product": list(CONFIG.rorac.products),
                         "category": [p.category for p in CONFIG.rorac.products.values()]})
    place = tables["business"].attrs["in_place"]
    for options in ({"threads": "1", "memory_limit": "256MB"}, None):
        verdict = check(place, relation_of(splits), roster, products,
                        CONFIG.appraisal_period.end, options)
        assert verdict.clean and verdict.supplied == ()
        assert set(verdict.credited) <= set(roster.to_pylist())


@pytest.mark.parametrize("reader", ["in place", "columnar"])
@pytest.mark.parametrize("splits_used", ["all", "none", "absent"])
@pytest.mark.parametrize("keep", [1.0, 0.3])
def test_the_check_names_exactly_the_credited_managers(tmp_path: Path, splits_used: str,
                                                       keep: float, reader: str) -> None:
    """The managers the verdict says the table credits (for the cost check) are exactly those of
    the unsplit rows plus those of the splits, whatever part of the roster that is, in any
    roster order (the checks return them as a bit string over the roster's positions or the
    dictionary's codes); a split table none of whose accounts is in the business table is no
    reason to refuse. Both the in-place check and the columnar one (`accounts_clean`)."""
    from appraisal.io.accounts import relation_of
    from appraisal.kernel.checks import accounts_clean
    from appraisal.kernel.in_place import check

    sample = _sample()
    managers = pc.unique(sample.column("manager_id").drop_null()).to_pylist()
    chosen = sorted(managers)[:max(1, int(len(managers) * keep))]
    mine = pc.is_in(sample.column("manager_id"), value_set=pa.array(chosen))
    table = sample.filter(mine if splits_used == "none"
                          else pc.or_kleene(mine, pc.is_null(sample.column("manager_id"))))
    if reader == "in place":
        tables, _ = _tables(_write(tmp_path, table), True)
    else:
        csv = tmp_path / "business.csv"
        table.to_pandas().to_csv(csv, index=False)
        tables, _ = _tables(csv, False)
        assert is_relation(tables["business"])
    splits = None if splits_used == "absent" else relation_of(tables["credit_splits"])
    if splits is not None:
        splits = splits.filter(pc.is_in(splits.column("account_id"),
                                        value_set=table.column("account_id")))
        assert (splits.num_rows == 0) is (splits_used == "none")
    ids = tables["managers"]["manager_id"].astype(str).to_numpy()[::-1]
    roster = pa.array(ids, pa.string())
    products = pa.table({"product": list(CONFIG.rorac.products),
                         "category": [p.category for p in CONFIG.rorac.products.values()]})
    if reader == "in place":
        verdict = check(tables["business"].attrs["in_place"], splits, roster, products,
                        CONFIG.appraisal_period.end)
        clean, credited = verdict.clean, set(verdict.credited)
    else:
        clean, found = accounts_clean(relation_of(tables["business"]), splits, roster, products,
                                      CONFIG.appraisal_period.end)
        credited = set(found.to_pylist())
    frame = table.to_pandas()
    split_ids = set() if splits is None else set(splits.column("account_id").to_pylist())
    expected = set(frame.loc[~frame["account_id"].isin(split_ids), "manager_id"].dropna())
    if splits is not None:
        expected |= set(splits.column("manager_id").to_pylist())
    assert clean is (splits is not None or bool(frame["manager_id"].notna().all()))
    if clean:
        assert credited == expected
        assert keep == 1.0 or splits_used == "all" or len(expected) < len(managers)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=60),
       st.lists(st.sampled_from([0, 1, 2**63 - 1, 2**63, 2**64 - 1]), max_size=4))
def test_repeated_hashes_are_found_in_either_half_of_the_range(values, edges) -> None:
    """`repeats` (two halves of the 64-bit range sorted in two threads) says what a set says."""
    import numpy as np

    from appraisal.io.accounts import repeats

    hashes = np.array(values + edges, dtype=np.uint64)
    assert repeats(hashes) is (len(set(values + edges)) < len(values + edges))
