# ruff: noqa: E501  (expected Chinese messages are not broken mid-phrase)
"""Bad inputs a new bank user sends, each built here from the bundled sample: exit 2, a message
naming the file, row and column and what was expected (in Chinese with the zh sample config),
nothing written. Found by a bad-input hunt; each test is one input that went wrong before."""

from __future__ import annotations

import codecs
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from appraisal.cli import main
from tests.example_config import SAMPLES, example_raw, write_config


def _copy_samples(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for source in SAMPLES.iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    return data


def _edit_line(path: Path, number: int, old: str, new: str) -> None:
    """Replace `old` by `new` on line `number` (1 = the header) of a UTF-8 CSV."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(config: Path, out: Path) -> tuple[Result, Result]:
    run = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    validate = CliRunner().invoke(main, ["validate", str(config)])
    return run, validate


def _refused(tmp_path: Path, config: Path, *texts: str) -> str:
    """Both `run` and `validate` exit 2 with every text, in Chinese, writing nothing."""
    out = tmp_path / "out"
    run, validate = _run(config, out)
    for result in (run, validate):
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert result.output.startswith("错误：输入数据中有"), result.output
        assert "expected" not in result.output and "error:" not in result.output
        for text in texts:
            assert text in result.output, result.output
    assert not out.exists()
    return validate.output


def _business_parquet(data: Path, **columns: object) -> pd.DataFrame:
    frame = pd.read_csv(data / "business.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    table = {
        "account_id": frame["account_id"], "category": frame["category"],
        "product": frame["product"], "balance": pd.to_numeric(frame["balance"]),
        "revenue": pd.to_numeric(frame["revenue"]),
        "booking_date": pd.to_datetime(frame["booking_date"]).dt.date,
        "manager_id": frame["manager_id"].replace("", None),
    }
    table.update(columns)
    return pd.DataFrame(table)


@pytest.mark.parametrize(("cell", "shown"), [("19503,12", "'19503,12'"),
                                             ("1,95,03.12", "'1,95,03.12'")])
def test_a_decimal_comma_in_an_amount_is_refused_not_read_as_100_times_it(tmp_path, cell, shown):
    data = _copy_samples(tmp_path)
    _edit_line(data / "business.csv", 2, "19503.12", f'"{cell}"')
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    _refused(tmp_path, config,
             f"business.csv，第 2 行，列“balance”：逗号不是千位分隔符（实际为 {shown}）；要求：以小数点"
             "表示小数的数字（19503.12），逗号只能用于每三位数字之间的千位分隔（1,234.50）")


def test_thousands_separators_still_read(tmp_path):
    data = _copy_samples(tmp_path)
    _edit_line(data / "business.csv", 2, "19503.12", '"19,503.12"')
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    assert CliRunner().invoke(main, ["validate", str(config)]).exit_code == 0


def test_a_decimal_comma_in_a_share_is_named_as_such(tmp_path):
    data = _copy_samples(tmp_path)
    _edit_line(data / "credit_splits.csv", 2, "0.7", '"0,7"')
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    _refused(tmp_path, config, "credit_splits.csv，第 2 行，列“share”：逗号不是千位分隔符（实际为 '0,7'）")


def test_a_date_with_a_time_of_day_in_a_csv_is_named_as_such(tmp_path):
    data = _copy_samples(tmp_path)
    _edit_line(data / "business.csv", 2, "2025-06-18", "2025-06-18 13:00:00")
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    _refused(tmp_path, config,
             "business.csv，第 2 行，列“booking_date”：日期带有时刻（实际为 '2025-06-18 13:00:00'）；"
             "要求：不带时刻的日期，如 2026-10-31")


def test_parquet_timestamps_with_a_time_of_day_are_refused_not_compared_by_the_hour(tmp_path):
    data = _copy_samples(tmp_path)
    frame = _business_parquet(data)
    frame["booking_date"] = pd.to_datetime(frame["booking_date"]) + pd.Timedelta(hours=13)
    frame.to_parquet(data / "business.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(data / "business.parquet")})
    output = _refused(tmp_path, config,
                      "business.parquet，第 2 行，列“booking_date”：日期带有时刻（实际为 "
                      "'2025-06-18 13:00:00'）")
    assert "晚于考核期" not in output  # not "booked after the period" for 2026-10-31 13:00


def test_parquet_timestamps_with_a_time_zone_are_one_issue_not_an_internal_error(tmp_path):
    data = _copy_samples(tmp_path)
    frame = _business_parquet(data)
    frame["booking_date"] = pd.to_datetime(frame["booking_date"]).dt.tz_localize(
        "Asia/Shanghai")
    frame.to_parquet(data / "business.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(data / "business.parquet")})
    output = _refused(tmp_path, config,
                      "business.parquet，列“booking_date”：带时区的时间戳（实际为 'datetime64[",
                      ", Asia/Shanghai]'）；要求：日期（Parquet 日期列），或不带时区、时刻为零点的时间戳")
    assert output.startswith("错误：输入数据中有 1 个问题：")


@pytest.mark.parametrize("first", ["part-1.parquet", "part-3.parquet"])
def test_parquet_files_of_one_table_with_other_columns_are_refused(tmp_path, first):
    data = _copy_samples(tmp_path)
    frame = _business_parquet(data)
    frame["ftp_cost"] = frame["balance"] * 0.001
    folder = data / "business"
    folder.mkdir()
    half = len(frame) // 2
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table.slice(0, half), folder / first)
    pq.write_table(table.slice(half).drop(["ftp_cost"]), folder / "part-2.parquet")
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"business": str(folder)})
    files = sorted([first, "part-2.parquet"])
    detail = "缺少 ftp_cost" if files[0] == first else "多出 ftp_cost"
    output = _refused(tmp_path, config,
                      f"business：{files[1]} 的列与 {files[0]} 不同（{detail}）；要求：列相同的多个 "
                      "Parquet 文件")
    assert output.startswith("错误：输入数据中有 1 个问题：")


def test_a_utf16_csv_is_read(tmp_path):
    data = _copy_samples(tmp_path)
    text = (data / "managers.csv").read_text(encoding="utf-8-sig")
    (data / "managers.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.exit_code == 0, result.output


def test_a_tab_separated_file_says_which_delimiter_to_set(tmp_path):
    data = _copy_samples(tmp_path)
    text = (data / "managers.csv").read_text(encoding="utf-8-sig")
    (data / "managers.csv").write_text(text.replace(",", "\t"), encoding="utf-8")
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    output = _refused(tmp_path, config,
                      "managers.csv，第 1 行：整行表头只读成了一列",
                      "要求：以 ',' 分隔的字段：表头是以 '\\t' 分隔的；请在 `inputs:` 中为此表设置 "
                      '`delimiter: "\\t"`')
    assert output.startswith("错误：输入数据中有 1 个问题：")


def test_a_missing_column_is_reported_once(tmp_path):
    data = _copy_samples(tmp_path)
    _edit_line(data / "managers.csv", 1, "manager_id,name", "工号,姓名")
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    output = _refused(tmp_path, config, "managers.csv，第 1 行，列“manager_id”：缺少必需的列；要求：")
    assert output.startswith("错误：输入数据中有 2 个问题：")  # manager_id and name, once each


def _roster_workbook(data: Path, edit) -> Path:
    frame = pd.read_csv(data / "managers.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    edit(sheet)
    path = data / "managers.xlsx"
    workbook.save(path)
    return path


def test_an_xlsx_formula_without_a_saved_value_is_refused_not_read_as_blank(tmp_path):
    data = _copy_samples(tmp_path)

    def formula(sheet) -> None:
        sheet["I2"] = "=1000*3"  # pay_base: blank would fall back to the job level's base

    path = _roster_workbook(data, formula)
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"managers": str(path)})
    _refused(tmp_path, config,
             "managers.xlsx，第 2 行，列“pay_base”：公式没有保存的计算结果（实际为 '=1000*3'）；要求：公式的"
             "计算结果：请用 Excel 或 WPS 打开该工作簿并重新保存")


def test_xlsx_merged_cells_are_named_by_their_range(tmp_path):
    data = _copy_samples(tmp_path)
    path = _roster_workbook(data, lambda sheet: sheet.merge_cells("C2:C5"))
    config = write_config(tmp_path, example_raw(), inputs_from=data,
                          inputs={"managers": str(path)})
    output = _refused(tmp_path, config,
                      "managers.xlsx，第 2 行，列“branch”：合并单元格（实际为 'C2:C5'）；要求：每个单元格各"
                      "有一个值：请取消合并 C2:C5，并在其中每个单元格填入值")
    assert output.startswith("错误：输入数据中有 1 个问题：")


@pytest.mark.parametrize("table", ["credit_splits", "indicators", "judgments"])
def test_a_configured_table_that_cannot_be_read_is_reported_alone(tmp_path, table):
    """Not as 986 accounts credited to no one, nor as a table the config does not give."""
    data = _copy_samples(tmp_path)
    (data / f"{table}.csv").unlink()
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    output = _refused(tmp_path, config,
                      f"{table}.csv：文件不存在；要求：一个存在的文件（路径相对于配置文件所在的文件夹）")
    assert output.startswith("错误：输入数据中有 1 个问题：")


def test_the_roster_check_still_runs_beside_an_unreadable_table(tmp_path):
    data = _copy_samples(tmp_path)
    (data / "credit_splits.csv").unlink()
    _edit_line(data / "indicators.csv", 3, "M0001,", "M9999,")
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    output = _refused(tmp_path, config, "credit_splits.csv：文件不存在",
                      "indicators.csv，第 3 行，列“manager_id”：客户经理不在名册中（实际为 'M9999'）")
    assert output.startswith("错误：输入数据中有 2 个问题：")


def test_a_repeated_indicator_row_is_reported_once(tmp_path):
    data = _copy_samples(tmp_path)
    lines = (data / "indicators.csv").read_text(encoding="utf-8-sig").splitlines()
    (data / "indicators.csv").write_text("\n".join([*lines, lines[2]]) + "\n", encoding="utf-8")
    config = write_config(tmp_path, example_raw(), inputs_from=data)
    output = _refused(tmp_path, config,
                      f"indicators.csv，第 {len(lines) + 1} 行，列“manager_id + indicator”：键重复（实际为 "
                      "'M0001 / deposit_plan'）；要求：每个 manager_id + indicator 只出现一次（首次出现在第 3 行）")
    assert output.startswith("错误：输入数据中有 1 个问题：")
