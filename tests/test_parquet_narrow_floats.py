# ruff: noqa: E501  (expected Chinese messages are not broken mid-phrase)
"""A Parquet number column stored as 32- or 16-bit floats is refused, whole column: such a
float does not hold the value written (1309982.73 yuan is stored as 1309982.75), and after the
write nothing tells the two apart, so reading it would silently change pay. Exit 2, nothing
written; double and decimal columns read as before."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from appraisal.cli import main
from tests.example_config import SAMPLES, example_raw, write_config
from tests.test_hunt_inputs import _business_parquet, _copy_samples

ZH = ("列“{column}”：数值以 {kind} 类型存储（{why}）；要求：以 double（float64）或 decimal 类型存储的列"
      "（金额可用 decimal(18, 2)）：请从源数据重新导出该文件")
WHY = {"float32": "32 位浮点数只有约 7 位有效数字：1309982.73 读回来是 1309982.75",
       "float16": "16 位浮点数只有约 3 位有效数字：1234.56 读回来是 1235"}


def _business(data: Path, column: str, kind: pa.DataType) -> pa.Table:
    table = pa.Table.from_pandas(_business_parquet(data), preserve_index=False)
    at = table.schema.get_field_index(column)
    return table.set_column(at, column, pc.cast(table[column], kind, safe=False))


def _refused(tmp_path: Path, config: Path, language: str = "zh") -> str:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet",
                                       "--set", f"language={language}"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    return result.output


@pytest.mark.parametrize(("column", "kind", "name"), [
    ("balance", pa.float32(), "float32"), ("revenue", pa.float16(), "float16")])
def test_a_narrow_float_amount_in_the_business_table_is_refused(tmp_path, column, kind, name):
    data = _copy_samples(tmp_path)
    pq.write_table(_business(data, column, kind), data / "business.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(data / "business.parquet")})
    output = _refused(tmp_path, config)
    assert output == (f"错误：输入数据中有 1 个问题：\n  - {data / 'business.parquet'}，"
                      + ZH.format(column=column, kind=name, why=WHY[name]) + "\n")


def test_the_refusal_in_english(tmp_path):
    data = _copy_samples(tmp_path)
    pq.write_table(_business(data, "balance", pa.float32()), data / "business.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(data / "business.parquet")})
    output = _refused(tmp_path, config, "en")
    assert output == (
        f"error: 1 problem in the input data:\n  - {data / 'business.parquet'}, column "
        "'balance': numbers stored as float32 (a 32-bit float holds about 7 significant "
        "digits: 1309982.73 is read back as 1309982.75); expected a column stored as double "
        "(float64) or decimal, such as decimal(18, 2) for amounts: write the file again from "
        "the source data\n")


def test_one_narrow_file_of_a_partitioned_table_is_enough(tmp_path):
    data = _copy_samples(tmp_path)
    folder = data / "business"
    folder.mkdir()
    wide = pa.Table.from_pandas(_business_parquet(data), preserve_index=False)
    narrow = _business(data, "balance", pa.float32())
    half = wide.num_rows // 2
    pq.write_table(wide.slice(0, half), folder / "part-1.parquet")
    pq.write_table(narrow.slice(half), folder / "part-2.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(folder)})
    assert "数值以 float32 类型存储" in _refused(tmp_path, config)


def test_a_narrow_float_in_another_table_is_refused_under_its_header(tmp_path):
    data = _copy_samples(tmp_path)
    import pandas as pd

    frame = pd.read_csv(SAMPLES / "pool_allocations.csv", encoding="utf-8-sig")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    at = table.schema.get_field_index("amount")
    table = table.set_column(at, "amount", pc.cast(table["amount"], pa.float32()))
    pq.write_table(table, data / "pool_allocations.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"pool_allocations": str(data / "pool_allocations.parquet")})
    assert ZH.format(column="amount", kind="float32", why=WHY["float32"]) in _refused(tmp_path,
                                                                                    config)


@pytest.mark.parametrize("kind", [pa.float64(), pa.decimal128(18, 2)])
def test_double_and_decimal_amounts_read_as_before(tmp_path, kind):
    data = _copy_samples(tmp_path)
    pq.write_table(_business(data, "balance", kind), data / "business.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(data / "business.parquet")})
    assert CliRunner().invoke(main, ["validate", str(config)]).exit_code == 0
