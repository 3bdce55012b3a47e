"""Input readers: encodings, formats, schema checks; every message names file, row, column."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from appraisal.errors import InputError
from appraisal.io.readers import (
    detect_encoding,
    read_table,
    read_text_table,
)
from appraisal.validate import check_roster

ROSTER = (
    "manager_id,name,branch,sub_branch,team,job_level,hire_date,leave_date,pay_base\n"
    "M001,张三,城东分行,解放路支行,对公一组,L2,2019-03-01,,8000\n"
    "M002,李四,城东分行,解放路支行,对公一组,L3,2015/07/15,,\"10,000.50\"\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _roster(path: Path, **kw):
    table, issues = read_table("managers", path, shown=path.name, **kw)
    return table, issues


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_roster_reads_in_every_common_encoding(tmp_path, encoding):
    path = _write(tmp_path, "roster.csv", ROSTER, encoding)
    table, issues = _roster(path)
    assert issues == []
    assert table.frame["name"].tolist() == ["张三", "李四"]
    assert table.frame["sub_branch"].iloc[0] == "解放路支行"
    assert table.frame["pay_base"].tolist() == [8000.0, 10000.5]
    assert table.frame["hire_date"].iloc[1] == pd.Timestamp("2015-07-15")
    assert table.frame["_row"].tolist() == [2, 3]


def test_detection_prefers_utf8_and_falls_back_to_gb18030(tmp_path):
    assert detect_encoding(_write(tmp_path, "a.csv", ROSTER, "utf-8-sig")) == "utf-8-sig"
    assert detect_encoding(_write(tmp_path, "b.csv", ROSTER, "utf-8")) == "utf-8"
    assert detect_encoding(_write(tmp_path, "c.csv", ROSTER, "gbk")) == "gb18030"


def test_wrong_explicit_encoding_says_what_to_try(tmp_path):
    path = _write(tmp_path, "roster.csv", ROSTER, "gbk")
    said = r"roster.csv, row 2, column 'name': cannot be decoded as utf-8.*try gb18030"
    with pytest.raises(InputError, match=said):
        _roster(path, encoding="utf-8")


def test_every_problem_of_a_file_is_reported_with_row_and_column(tmp_path):
    text = ROSTER + (
        "M003,王五,城东分行,解放路支行,,L1,2020-13-01,,abc\n"
        "M001,赵六,城东分行,解放路支行,对公二组,L1,2020-01-01,,-5\n"
    )
    _, issues = _roster(_write(tmp_path, "roster.csv", text))
    message = str(InputError(issues))
    assert "5 problems" in message
    assert "roster.csv, row 4, column 'team': empty cell" in message
    assert "roster.csv, row 4, column 'hire_date': not a valid date (got '2020-13-01')" in message
    assert "roster.csv, row 4, column 'pay_base': not a number (got 'abc')" in message
    assert ("row 5, column 'pay_base': value out of range (got '-5'); expected an amount in "
            "yuan >= 0, at most 10,000,000,000,000 in magnitude") in message
    assert "row 5, column 'manager_id': duplicate key (got 'M001')" in message
    assert "first seen on row 2" in message


def test_missing_required_column_lists_the_headers_found(tmp_path):
    path = _write(tmp_path, "roster.csv", "manager_id,name\nM1,A\n")
    _, issues = _roster(path)
    message = str(InputError(issues))
    assert "row 1, column 'branch': required column is missing" in message
    assert "headers found: manager_id, name" in message


def test_configured_headers_are_mapped_to_engine_columns(tmp_path):
    text = ROSTER.replace("manager_id", "工号").replace("name", "姓名")
    table, issues = _roster(_write(tmp_path, "roster.csv", text),
                            columns={"manager_id": "工号", "name": "姓名"})
    assert issues == []
    assert table.frame["manager_id"].tolist() == ["M001", "M002"]


def test_mapping_to_a_header_that_is_not_there_is_reported(tmp_path):
    _, issues = _roster(_write(tmp_path, "roster.csv", ROSTER), columns={"name": "姓名"})
    assert any("mapped header not found" in issue.describe() for issue in issues)


def test_xlsx_sheet_by_name_and_a_clear_error_for_a_missing_sheet(tmp_path):
    path = tmp_path / "roster.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    sheet = workbook.create_sheet("名册")
    for line in ROSTER.strip().splitlines():
        sheet.append(line.replace('"10,000.50"', "10000.5").split(","))
    sheet["G3"].value = pd.Timestamp("2015-07-15").to_pydatetime()
    workbook.save(path)
    table, issues = _roster(path, sheet="名册")
    assert issues == []
    assert table.frame["hire_date"].iloc[1] == pd.Timestamp("2015-07-15")
    with pytest.raises(InputError, match=r"has no sheet named 'Roster'.*'说明', '名册'"):
        _roster(path, sheet="Roster")


def test_parquet_keeps_its_types(tmp_path):
    path = tmp_path / "roster.parquet"
    frame = pd.read_csv(_write(tmp_path, "r.csv", ROSTER), dtype=str)
    frame["pay_base"] = [8000.0, None]
    frame["hire_date"] = pd.to_datetime(frame["hire_date"], format="mixed")
    frame.to_parquet(path)
    table, issues = _roster(path)
    assert issues == []
    assert table.frame["pay_base"].iloc[0] == 8000.0


def test_unknown_managers_in_other_tables_are_reported(tmp_path):
    roster, _ = _roster(_write(tmp_path, "roster.csv", ROSTER))
    path = _write(tmp_path, "splits.csv", "account_id,manager_id,share\nA1,M001,0.5\nA1,M999,0.5\n")
    splits, issues = read_table("credit_splits", path, shown="splits.csv")
    assert issues == []
    found = check_roster({"managers": roster.frame, "credit_splits": splits.frame})
    assert [issue.describe() for issue in found] == [
        "splits.csv, row 3, column 'manager_id': manager not in the roster (got 'M999'); "
        "expected a manager_id listed in roster.csv"
    ]


def test_choice_columns_list_the_allowed_values(tmp_path):
    path = _write(tmp_path, "pool.csv",
                  "manager_id,amount,reason,approved_by,note\nM001,100,bonus,王主任,\n")
    _, issues = read_table("pool_allocations", path, shown="pool.csv")
    assert "expected one of special_factor, diligence, other" in issues[0].describe()


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        _roster(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="the file is empty"):
        _roster(_write(tmp_path, "empty.csv", ""))


def test_text_table_without_header(tmp_path):
    path = _write(tmp_path, "m.csv", ",a,b\na,1,3\nb,1/3,1\n", "gbk")
    frame = read_text_table(path, header=False)
    assert frame.iloc[2, 1] == "1/3"


def test_issue_list_is_capped_but_counts_everything(tmp_path):
    rows = "".join(f"M{i},n,b,s,t,L1,bad,,\n" for i in range(200))
    header = "manager_id,name,branch,sub_branch,team,job_level,hire_date,leave_date,pay_base\n"
    _, issues = _roster(_write(tmp_path, "roster.csv", header + rows))
    error = InputError(issues, total=200)
    assert "200 problems" in str(error)
    assert "and 150 more" in str(error)


def test_counts_are_exact_beyond_the_shown_issues(tmp_path):
    rows = "".join(f"M{i},n,b,s,t,L1,bad,,\n" for i in range(300))
    header = "manager_id,name,branch,sub_branch,team,job_level,hire_date,leave_date,pay_base\n"
    _, issues = _roster(_write(tmp_path, "roster.csv", header + rows))
    assert len(issues) == 300
    assert {str(issue.code) for issue in issues} == {"not_a_date"}
    message = str(InputError(issues))
    assert message.startswith("300 problems in the input data:")
    assert "... and 250 more" in message
    assert "roster.csv, column 'hire_date': not a valid date: 300" in message


def test_every_duplicate_key_names_the_row_first_seen(tmp_path):
    rows = "".join("M1,n,b,s,t,L1,2020-01-01,,\n" for _ in range(60))
    header = "manager_id,name,branch,sub_branch,team,job_level,hire_date,leave_date,pay_base\n"
    _, issues = _roster(_write(tmp_path, "roster.csv", header + rows))
    assert len(issues) == 59
    assert issues[-1].describe() == (
        "roster.csv, row 61, column 'manager_id': duplicate key (got 'M1'); "
        "expected each manager_id once (first seen on row 2)")
    assert str(issues[0].code) == "duplicate_key"


def test_blank_and_comma_only_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    """Exports end in comma-only rows and have empty lines: a row with no data carries no pay,
    so it is skipped, and every later row keeps the number a spreadsheet shows."""
    from appraisal.io.readers import read_table

    path = tmp_path / "satisfaction.csv"
    path.write_text("manager_id,respondent_id,score\nM1,R1,90\n,,\n\nM2,R2,x\n,,\n , ,\n,,\n",
                    encoding="utf-8")
    table, issues = read_table("satisfaction", path, shown="satisfaction.csv")
    assert table.rows == 2
    assert list(table.frame["_row"]) == [2, 5]
    assert [(issue.row, issue.column) for issue in issues] == [(5, "score")]


def test_one_gbk_row_in_a_utf8_file_names_its_row_and_column(tmp_path):
    """Rows pasted from a GBK export into a UTF-8 file: refused at the first such row, with or
    without a BOM, instead of decoding everything as GB18030 (garbled names, silently)."""
    from appraisal.io.readers import read_table

    lines = ROSTER.splitlines()
    body = "\n".join(lines[:2]).encode("utf-8") + b"\n" + lines[2].encode("gbk") + b"\n"
    for prefix in (b"", b"\xef\xbb\xbf"):
        path = tmp_path / "roster.csv"
        path.write_bytes(prefix + body)
        with pytest.raises(InputError, match=r"roster.csv, row 3, column 'name': "):
            read_table("managers", path, shown="roster.csv")


def test_a_whole_gbk_file_is_still_read_as_gb18030(tmp_path):
    from appraisal.io.readers import detect_encoding

    path = tmp_path / "gbk.csv"
    path.write_bytes("manager_id,name\nM1,支行\nM2,张三\n".encode("gbk"))  # 支 is valid UTF-8
    assert detect_encoding(path) == "gb18030"
