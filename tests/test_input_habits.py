"""Spreadsheet habits of real exports: each is read correctly or refused saying what to write."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from appraisal.errors import InputError
from appraisal.io.readers import read_table

HEADER = "manager_id,name,branch,sub_branch,team,job_level,hire_date,leave_date,pay_base\n"
ROW = "M001,张三,城东分行,解放路支行,对公一组,L2,{hire},,8000\n"


def _roster(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_title_row_above_the_header_is_read_with_header_row(tmp_path):
    path = _roster(tmp_path, "客户经理名册 2026年10月\n" + HEADER + ROW.format(hire="x"))
    table, issues = read_table("managers", path, shown="roster.csv", header_row=2)
    assert list(table.frame["manager_id"]) == ["M001"]
    # rows keep the spreadsheet's numbers: title 1, header 2, first data row 3
    assert [(i.row, i.column) for i in issues] == [(3, "hire_date")]


def test_a_title_row_without_header_row_says_which_row_to_set(tmp_path):
    title = "客户经理名册 2026年10月,,,,,,,,\n"
    path = _roster(tmp_path, title + HEADER + ROW.format(hire="2020-01-01"))
    _, issues = read_table("managers", path, shown="roster.csv")
    hint = next(iter(issues))
    assert hint.row == 1 and "set `header_row: 2`" in hint.expected


def test_chinese_written_dates_are_read(tmp_path):
    path = _roster(tmp_path, HEADER + ROW.format(hire="2026年10月5日")
                   + ROW.format(hire="2019年3月01日").replace("M001", "M002"))
    table, issues = read_table("managers", path, shown="roster.csv")
    assert not issues
    assert list(table.frame["hire_date"].dt.date) == [dt.date(2026, 10, 5), dt.date(2019, 3, 1)]


def test_excel_date_serials_in_number_cells_of_a_workbook_are_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    # 46300 = 2026-10-05 in Excel's 1900 system; a date-formatted cell arrives as a datetime
    sheet.append(["M001", "张三", "城东", "解放路", "一组", "L2", 46300, None, 8000])
    hired = dt.datetime(2019, 3, 1)
    sheet.append(["M002", "李四", "城东", "解放路", "一组", "L2", hired, None, 8000])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    table, issues = read_table("managers", path, shown="roster.xlsx")
    assert not issues
    assert list(table.frame["hire_date"].dt.date) == [dt.date(2026, 10, 5), dt.date(2019, 3, 1)]


def test_an_excel_serial_in_a_csv_date_column_is_refused_saying_what_to_do(tmp_path):
    path = _roster(tmp_path, HEADER + ROW.format(hire="46300"))
    _, issues = read_table("managers", path, shown="roster.csv")
    issue = next(iter(issues))
    assert (issue.row, issue.column, issue.rule) == (2, "hire_date",
                                                     "Excel date serial in a text file")
    assert "format the column as a date" in issue.expected


def test_a_percentage_in_a_fraction_column_reads_as_the_fraction(tmp_path):
    path = tmp_path / "splits.csv"
    path.write_text("account_id,manager_id,share\nA1,M001,60%\nA1,M002,40 %\nA2,M001,33.33%\n",
                    encoding="utf-8")
    table, issues = read_table("credit_splits", path, shown="splits.csv")
    assert not issues
    # exactly the double a user writing 0.6, 0.4, 0.3333 would get
    assert list(table.frame["share"]) == [0.6, 0.4, 0.3333]


def test_a_percentage_in_a_plain_number_column_is_refused(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text("manager_id,indicator,actual,target\nM001,deposits,95%,100\n",
                    encoding="utf-8")
    _, issues = read_table("indicators", path, shown="indicators.csv")
    issue = next(iter(issues))
    assert (issue.row, issue.column) == (2, "actual")
    assert "write 95% as 0.95" in issue.expected


def test_a_folder_given_as_an_input_says_it_is_a_folder(tmp_path):
    with pytest.raises(InputError) as caught:
        read_table("managers", tmp_path, shown="inputs/")
    issue = next(iter(caught.value.issues))
    assert issue.rule == "is a folder, not a file"


def test_header_row_on_a_parquet_file_is_a_config_error():
    from pydantic import ValidationError

    from appraisal.config.inputs import TableSource

    with pytest.raises(ValidationError, match="header_row applies to CSV and XLSX"):
        TableSource(path="business.parquet", header_row=3)


def test_a_column_given_twice_is_refused_never_guessed(tmp_path):
    path = _roster(tmp_path, HEADER.strip() + ",pay_base\n" + ROW.format(hire="2020-01-01")
                   .strip() + ",99999\n")
    with pytest.raises(InputError) as caught:
        read_table("managers", path, shown="roster.csv")
    issue = next(iter(caught.value.issues))
    assert (issue.row, issue.column, str(issue.code)) == (1, "pay_base", "duplicate_column")
    assert "column 9 and 10" in issue.expected


def test_a_header_mapped_onto_a_name_the_file_has_is_refused(tmp_path):
    path = _roster(tmp_path, HEADER.strip() + ",工号\n" + ROW.format(hire="2020-01-01")
                   .strip() + ",M777\n")
    with pytest.raises(InputError) as caught:
        read_table("managers", path, shown="roster.csv", columns={"manager_id": "工号"})
    assert next(iter(caught.value.issues)).column == "manager_id"
