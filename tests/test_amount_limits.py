"""Amounts beyond what exact integer cents carry are refused as bad input, never an internal
error: a cell beyond money.MAX_AMOUNT_YUAN (file, row, column), a column whose amounts total
more than money.MAX_TOTAL_YUAN (file, column), and sums the kernel cannot hold in 38 digits
(file, column); exit 2, nothing written. The same on CSV (per cell and columnar), on a Parquet
table checked in place, and in the engine's checks of catalog tables."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main
from appraisal.config import AppraisalConfig
from appraisal.errors import ConfigError
from appraisal.kernel import DuckDBEngine, product_rates
from appraisal.kernel.checks import check_accounts
from appraisal.kernel.frames import business_relation
from appraisal.money import MAX_AMOUNT_YUAN, MAX_TOTAL_YUAN

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "input_samples"


def _business() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "business.csv", dtype={"account_id": str, "manager_id": str},
                       encoding="utf-8-sig")


def _config(tmp_path: Path, business: Path, capital_factor: float | None = None) -> Path:
    raw = example_raw()
    raw["language"] = "en"  # the tests read the English error texts
    if capital_factor is not None:
        for spec in raw["rorac"]["products"].values():
            spec["capital_factor"] = capital_factor
    return write_config(tmp_path, raw, inputs={"business": str(business)},
                        file=f"config-{business.stem}.yaml")


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame = frame.assign(booking_date=pd.to_datetime(frame["booking_date"]).dt.date)
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    else:
        frame.to_csv(path, index=False)
    return path


def _refused(tmp_path: Path, config: Path) -> str:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists()
    return result.output


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_amount_beyond_ten_trillion_yuan_is_refused_by_row(tmp_path: Path,
                                                              suffix: str) -> None:
    """1e17 yuan used to stop the run with `internal error: ValueError` (int64 cents), 5e16
    with a DuckDB cast error; 2e13 passed and could overflow the kernel."""
    for value in (2e13, 5e16, 1e17):
        frame = _business()
        frame.loc[4, "revenue"] = value
        output = _refused(tmp_path, _config(tmp_path, _write(frame, tmp_path / f"b{suffix}")))
        assert f"b{suffix}, row 6, column 'revenue': value out of range" in output
        assert f"at most {MAX_AMOUNT_YUAN:,} in magnitude" in output


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_column_totalling_more_than_the_limit_is_refused(tmp_path: Path,
                                                           suffix: str) -> None:
    """Each cell within the limit (the columnar reader and the in-place check read such cells),
    the column's total beyond it: one issue naming the file and column."""
    frame = _business()
    frame.loc[:119, "balance"] = 9e12  # 120 × 9e12 = 1.08e15 > 1e15
    output = _refused(tmp_path, _config(tmp_path, _write(frame, tmp_path / f"t{suffix}")))
    assert f"t{suffix}, column 'balance': amounts total too large" in output
    assert f"at most {MAX_TOTAL_YUAN:,} yuan" in output
    assert "row" not in output.split("amounts total too large")[0].splitlines()[-1]


def test_sums_beyond_the_kernels_digits_are_bad_input_not_a_bug(tmp_path: Path) -> None:
    """Split accounts of 9.9e12 yuan each, within both limits, with a capital factor of 10:
    balance × share × factor of one manager's loans leaves 38 digits. DuckDB's overflow used to
    be reported as an internal error; it names the file and column now."""
    frame = _business()
    splits = pd.read_csv(SAMPLE / "credit_splits.csv", encoding="utf-8-sig")
    shared = frame.index[(frame["category"] == "loan")
                         & frame["account_id"].isin(splits["account_id"])][:60]
    frame.loc[shared, "balance"] = 9.9e12
    assert frame["balance"].abs().sum() < MAX_TOTAL_YUAN
    config = _config(tmp_path, _write(frame, tmp_path / "over.csv"), capital_factor=10)
    output = _refused(tmp_path, config)
    assert "over.csv, column 'balance': amounts too large for the exact sums" in output


def test_a_capital_factor_above_ten_is_a_config_error() -> None:
    products = {"loan": {"category": "loan", "capital_factor": 12.5}}
    with pytest.raises(Exception) as caught:
        AppraisalConfig.model_validate({
            "period": "2026-10", "unit": {"id": "U"}, "inputs": {"managers": "m.csv"},
            "rorac": {"categories": [{"id": "loan"}], "products": products}})
    assert "capital_factor" in str(caught.value) and "10" in str(caught.value)
    assert not isinstance(caught.value, ConfigError) or caught.value.problems


def test_the_engine_checks_of_catalog_tables_refuse_the_same_amounts() -> None:
    """`check_accounts` with the value rules (catalog tables, amounts in cents): a cell beyond
    the limit by its record, a column total beyond it once; the same in DuckDB as in Spark
    (tests/test_kernel_spark.py)."""
    config = AppraisalConfig.model_validate({
        "period": "2026-10", "unit": {"id": "U"}, "inputs": {"managers": "m.csv"},
        "rorac": {"categories": [{"id": "loan"}], "products": {"loan": {"category": "loan"}}}})
    found = catalog_issues(config, balance=[9e12] * 120 + [2e13], revenue=[1.0] * 121)
    cells = found[found["rule"] == "value out of range"]
    assert cells["column"].tolist() == ["balance"] and cells["value"].tolist() == ["A120"]
    total = found[found["rule"] == "amounts total too large"]
    assert total["column"].tolist() == ["balance"]
    assert int(total["value"].iloc[0]) == 120 * 9 * 10**14
    assert not len(catalog_issues(config, balance=[9e12] * 100, revenue=[1.0] * 100))


def catalog_issues(config: AppraisalConfig, balance: list[float], revenue: list[float],
                   engine: object | None = None) -> pd.DataFrame:
    n = len(balance)
    business = pd.DataFrame({
        "account_id": [f"A{i}" for i in range(n)], "category": "loan", "product": "loan",
        "balance": np.array(balance), "revenue": np.array(revenue),
        "booking_date": pd.to_datetime(["2025-03-01"] * n),
        "manager_id": pd.array(["M1"] * n, dtype="str"), "_row": np.arange(2, n + 2)})
    relation, _ = business_relation(business, with_splits=False)
    relation = relation.drop_columns(["_row"]) if "_row" in relation.column_names else relation
    roster = pa.table({"manager_id": pa.array(["M1"], pa.string())})
    found = check_accounts(relation, product_rates(config.rorac), roster,
                           engine or DuckDBEngine(), located=False,
                           period=config.appraisal_period).frame
    return found.assign(value=found["value"].astype("str"))


def test_limits_are_documented() -> None:
    inputs = (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert re.search(r"10,000,000,000,000|10\^13|10¹³", inputs)
    assert re.search(r"1,000,000,000,000,000|10\^15|10¹⁵", inputs)


@pytest.mark.parametrize(("edit", "key"), [
    (("rorac", "management_cost", "total"), "rorac.management_cost.total"),
    (("bonus", "funding", "base_by_job_level", "L1"), "bonus.funding.base_by_job_level.L1"),
])
def test_config_amounts_beyond_the_limits_are_config_errors(tmp_path: Path, edit: tuple,
                                                           key: str) -> None:
    """A unit total above 10^15 yuan, a per-manager amount above 10^13 yuan: the key is named,
    exit 2 (1e20 used to stop the run with `internal error: ValueError`)."""
    raw = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    node = raw
    for part in edit[:-1]:
        node = node[part]
    node[edit[-1]] = 1e20
    raw["language"] = "en"
    for name, source in list(raw["inputs"].items()):
        path = source if isinstance(source, str) else source["path"]
        absolute = str((ROOT / "configs" / path).resolve())
        raw["inputs"][name] = absolute if isinstance(source, str) else {**source,
                                                                        "path": absolute}
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{key}: must be <=" in result.output and "internal error" not in result.output
    assert not out.exists()
