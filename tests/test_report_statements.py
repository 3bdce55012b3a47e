"""Manager statements (绩效单): one file per manager, holding that manager's figures only."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_report_excel import make_result

from appraisal.errors import AppraisalError
from appraisal.pipeline import RunResult
from appraisal.report.statements import statement_filename, write_statements


def _values(path) -> list:
    sheet = load_workbook(path).worksheets[0]
    return [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


@pytest.fixture(scope="module")
def statements(tmp_path_factory):
    folder = tmp_path_factory.mktemp("statements")
    return write_statements(make_result(), folder, language="zh")


def test_one_file_per_manager_named_by_id(statements):
    assert [p.name for p in statements] == ["M001.xlsx", "M002.xlsx", "M003.xlsx"]
    assert load_workbook(statements[0]).sheetnames == ["绩效单"]


def test_statement_holds_only_its_managers_figures(statements):
    result = make_result()
    managers = result.managers
    own_figures = {"scores": result.scores, "rorac": result.rorac}
    for position, path in enumerate(statements):
        values = set(_values(path))
        me = managers.iloc[position]
        assert me["manager_id"] in values and me["name"] in values
        assert me["bonus_final"] in values and me["composite"] in values
        others = managers.drop(index=managers.index[position])
        for _, other in others.iterrows():
            for key in ("manager_id", "name", "bonus_gross", "withheld", "bonus_final",
                        "composite", "pay_base", "rorac"):
                assert other[key] not in values, (path.name, key)
        for frame in own_figures.values():
            theirs = frame[frame["manager_id"] != me["manager_id"]]
            mine = frame[frame["manager_id"] == me["manager_id"]]
            for column in ("actual", "revenue", "score"):
                if column in frame.columns:
                    assert set(mine[column]) <= values
                    leaked = set(theirs[column]) - set(mine[column])
                    assert not leaked & values, (path.name, column)
        # no unit totals: the roll-up's sums appear nowhere
        assert not set(result.rollups["bonus_final"]) & values


def test_statement_shows_grade_breakdown_and_pool_reason(statements):
    values = _values(statements[1])  # M002 got the pool allocation
    for label in ("综合得分", "等级", "优秀", "应发奖金", "公共绩效池留存", "公共绩效池分配",
                  "实发奖金", "分配原因", "特殊因素"):
        if label == "优秀":
            continue  # M002 is grade B
        assert label in values, label
    assert "良好" in values
    assert "=HYPERLINK(\"http://x\")" in values  # the note, written as inert text
    assert "无" in _values(statements[0])  # no allocation for M001


def test_statement_shows_rorac_by_category_with_gap_to_target(tmp_path):
    result = make_result()
    rorac = result.rorac.assign(rorac_target=[15000.0, 15000.0] * 3)
    result = RunResult(**{**result.__dict__, "rorac": rorac})
    path = write_statements(result, tmp_path, language="en")[0]
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Business category")
    gap = header.index("Gap to target")
    deposit = next(r for r in rows if r[0] == "deposit")
    # hand check: M001 deposit rorac 15000.25 - target 15000 = 0.25
    assert deposit[gap] == pytest.approx(0.25, abs=1e-9)
    # total vs the rorac indicator's target (100000): 123456.789 - 100000 = 23456.789
    total_gap = next(r for r in rows if r[0] == "Gap to target" and r[1] is not None)
    assert total_gap[1] == pytest.approx(23456.789, abs=1e-6)


def test_statements_are_byte_identical_when_rewritten(tmp_path, statements):
    again = write_statements(make_result(), tmp_path, language="zh")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in statements]


def test_unsafe_manager_ids_cannot_escape_the_folder():
    assert statement_filename("../etc/passwd") == "_x2e_._x2f_etc_x2f_passwd.xlsx"
    assert statement_filename("客户经理01") == "客户经理01.xlsx"


def test_ids_colliding_as_file_names_are_an_error(tmp_path):
    result = make_result()
    managers = result.managers.assign(manager_id=["m001", "M001", "M003"])
    result = RunResult(**{**result.__dict__, "managers": managers})
    with pytest.raises(AppraisalError, match=r"same statement file.*M001, m001"):
        write_statements(result, tmp_path, language="en")


def test_english_statement(tmp_path):
    path = write_statements(make_result(), tmp_path, language="en")[0]
    values = _values(path)
    assert load_workbook(path).sheetnames == ["Statement"]
    for label in ("Manager ID", "Composite score", "Final bonus", "Indicator results and scores"):
        assert label in values


def test_no_managers_no_statements(tmp_path):
    result = make_result()
    result = RunResult(**{**result.__dict__, "managers": result.managers.iloc[0:0]})
    assert write_statements(result, tmp_path, language="en") == []


def test_missing_dates_and_amounts_are_empty_cells(tmp_path):
    result = make_result()
    managers = result.managers.assign(leave_date=pd.to_datetime([None, "2026-10-15", None]))
    managers.loc[0, "pool_allocation"] = float("nan")
    result = RunResult(**{**result.__dict__, "managers": managers})
    first, second, _ = write_statements(result, tmp_path, language="en")
    rows = {r[0]: r[1] for r in load_workbook(first).worksheets[0].iter_rows(values_only=True)}
    assert rows["Leave date"] is None and rows["Shared-pool allocation"] is None
    rows = {r[0]: r[1] for r in load_workbook(second).worksheets[0].iter_rows(values_only=True)}
    assert rows["Leave date"].date().isoformat() == "2026-10-15"
