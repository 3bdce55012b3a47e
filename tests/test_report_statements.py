"""Manager statements (绩效单): one file per manager, holding that manager's figures only.
The run is the real pipeline on the sample branch (tests/report_fixture.py)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from report_fixture import FORMULA_NOTE, build_project, sample_run, with_managers

import appraisal
from appraisal.errors import AppraisalError
from appraisal.report.statements import statement_filename, write_statements


def make_result(language: str = "zh"):
    return sample_run(language)


def _values(path) -> list:
    sheet = load_workbook(path).worksheets[0]
    return [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def _shown(result, frame: pd.DataFrame, key: str) -> pd.Series:
    """A column as the workbook shows it: money (int cents) as yuan."""
    values = frame[key]
    return values / 100 if result.columns.kind(key) == "money_cents" else values


@pytest.fixture(scope="module")
def statements(tmp_path_factory):
    folder = tmp_path_factory.mktemp("statements")
    return write_statements(make_result(), folder, language="zh")


def test_one_file_per_manager_named_by_id(statements):
    ids = make_result().managers["manager_id"]
    assert [p.name for p in statements] == [f"{i}.xlsx" for i in ids]
    assert load_workbook(statements[0]).sheetnames == ["绩效单"]


def test_statement_holds_only_its_managers_figures(statements):
    result = make_result()
    managers = result.managers
    own_figures = {"scores": result.scores, "rorac": result.rorac}
    for position in (0, 1, 2):
        path = statements[position]
        values = set(_values(path))
        me = managers.iloc[position]
        assert me["manager_id"] in values and me["name"] in values
        assert me["bonus_final"] / 100 in values and me["composite"] in values
        others = managers.drop(index=managers.index[position])
        # figures that are legitimately mine (any column of my row, my scores and RORAC rows)
        mine_anywhere = {_shown(result, managers, k).iloc[position] for k in managers.columns}
        for frame in own_figures.values():
            rows = frame[frame["manager_id"] == me["manager_id"]]
            for k in rows.columns:
                mine_anywhere |= set(_shown(result, rows, k))
        for key in ("manager_id", "name", "bonus_gross", "bonus_final", "composite", "rorac"):
            theirs = set(_shown(result, others, key)) - mine_anywhere
            assert not theirs & values, (path.name, key)
        for frame in own_figures.values():
            theirs = frame[frame["manager_id"] != me["manager_id"]]
            mine = frame[frame["manager_id"] == me["manager_id"]]
            for column in ("actual", "revenue_stock", "score"):
                if column in frame.columns:
                    assert set(_shown(result, mine, column).dropna()) <= values
                    leaked = set(_shown(result, theirs, column)) - mine_anywhere
                    # small whole numbers (1, 5, 8 ...) recur in any statement's own rows
                    leaked = {v for v in leaked if not (float(v).is_integer() and abs(v) < 100)}
                    assert not leaked & values, (path.name, column)
        # no unit totals: the roll-up's sums appear nowhere
        assert not set(_shown(result, result.rollups, "bonus_final")) & values


def test_statement_shows_grade_breakdown_and_pool_reason(statements):
    result = make_result()
    ids = list(result.managers["manager_id"])
    allocation = result.pool_allocations.iloc[0]
    given = statements[ids.index(allocation["manager_id"])]
    values = _values(given)
    for label in ("综合得分", "等级", "应发奖金", "公共绩效池留存", "公共绩效池分配", "实发奖金",
                  "分配原因"):
        assert label in values, label
    grade = result.managers.set_index("manager_id").loc[allocation["manager_id"], "grade"]
    assert result.labels[grade]["zh"] in values
    reason = {"special_factor": "特殊因素", "diligence": "勤勉尽责"}[allocation["reason"]]
    assert reason in values
    assert FORMULA_NOTE in values  # the note, written as inert text
    without = next(i for i in ids if i not in set(result.pool_allocations["manager_id"]))
    assert "无" in _values(statements[ids.index(without)])  # no allocation


def _rows(path) -> list[tuple]:
    return list(load_workbook(path).worksheets[0].iter_rows())


def _block(path, title: str) -> dict:
    rows = _rows(path)
    start = next(i for i, r in enumerate(rows) if r[0].value == title)
    block = {}
    for row in rows[start + 2 : start + 5]:
        block[row[0].value] = row[1]
    return block


def test_statement_shows_the_financial_indicator_against_its_target(tmp_path):
    result = make_result("en")
    path = write_statements(result, tmp_path, language="en")[0]
    me = result.managers["manager_id"].iloc[0]
    score = result.scores[(result.scores["manager_id"] == me)
                          & (result.scores["indicator"] == "rorac")].iloc[0]
    block = _block(path, "Financial indicator against target")
    # hand check: gap = actual - target, both in yuan (the indicator's unit)
    assert block["Actual"].value == pytest.approx(score["actual"], abs=1e-9)
    assert block["Target"].value == score["target"]
    assert block["Gap to target"].value == pytest.approx(score["actual"] - score["target"],
                                                         abs=1e-6)
    assert block["Gap to target"].number_format == "#,##0.00"
    total = next(r for r in _rows(path) if r[0].value == "Total")
    assert total[1].value == result.managers["rorac"].iloc[0] / 100


def test_gap_of_a_ratio_indicator_is_a_ratio_not_money(tmp_path):
    """Bug fix: with `source: rorac_ratio` the gap was the yuan profit minus the ratio target,
    formatted as money. It is actual ratio − target ratio, shown as a percentage."""
    config = build_project(tmp_path / "project", language="en")
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["scorecard"]["dimensions"][0]["indicators"][0]["source"] = "rorac_ratio"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    indicators = config.parent.parent / "input_samples" / "indicators.csv"
    table = pd.read_csv(indicators, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    table.loc[table["indicator"] == "rorac", "target"] = "0.02"
    table.to_csv(indicators, index=False, encoding="utf-8-sig")
    result = appraisal.run(config)
    path = write_statements(result, tmp_path / "out", language="en")[0]
    me = result.managers.iloc[0]
    block = _block(path, "Financial indicator against target")
    assert block["Target"].value == 0.02
    assert block["Actual"].value == pytest.approx(me["rorac_ratio"], abs=1e-12)
    assert block["Gap to target"].value == pytest.approx(me["rorac_ratio"] - 0.02, abs=1e-12)
    assert block["Gap to target"].number_format == "0.00%"


def test_statement_shows_rank_of_n(tmp_path):
    result = make_result("en")
    managers = result.managers.copy()
    unit = managers["sub_branch"] == managers["sub_branch"].iloc[0]
    ranks = pd.array([pd.NA] * len(managers), dtype="Int64")
    ranks[unit.to_numpy()] = range(1, int(unit.sum()) + 1)
    managers["rank_in_unit"] = ranks
    ranked = with_managers(result, managers)  # the summary stage counts the unit's ranks
    path = write_statements(replace(ranked, managers=managers.iloc[:1]), tmp_path,
                            language="en")[0]
    assert f"1 of {int(unit.sum())}" in _values(path)


def test_statements_are_byte_identical_when_rewritten(tmp_path, statements):
    again = write_statements(make_result(), tmp_path, language="zh")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in statements]


def test_unsafe_manager_ids_cannot_escape_the_folder():
    assert statement_filename("../etc/passwd") == "_x2e_._x2f_etc_x2f_passwd.xlsx"
    assert statement_filename("客户经理01") == "客户经理01.xlsx"


def test_ids_colliding_as_file_names_are_an_error(tmp_path):
    result = make_result()
    ids = list(result.managers["manager_id"])
    ids[0], ids[1] = "m001", "M001"
    result = replace(result, managers=result.managers.assign(manager_id=ids))
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
    result = replace(result, managers=result.managers.iloc[0:0])
    assert write_statements(result, tmp_path, language="en") == []


def test_missing_dates_and_amounts_are_empty_cells(tmp_path):
    result = make_result()
    leave = [None, "2026-10-15"] + [None] * (len(result.managers) - 2)
    managers = result.managers.assign(leave_date=pd.to_datetime(leave))
    managers["pool_allocation"] = managers["pool_allocation"].astype("Int64")
    managers.loc[0, "pool_allocation"] = pd.NA
    result = replace(result, managers=managers.iloc[:3])
    first, second, _ = write_statements(result, Path(tempfile.mkdtemp(dir=tmp_path)),
                                        language="en")
    rows = {r[0]: r[1] for r in load_workbook(first).worksheets[0].iter_rows(values_only=True)}
    assert rows["Leave date"] is None and rows["Shared-pool allocation"] is None
    rows = {r[0]: r[1] for r in load_workbook(second).worksheets[0].iter_rows(values_only=True)}
    assert rows["Leave date"].date().isoformat() == "2026-10-15"
