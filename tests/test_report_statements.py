"""Manager statements (绩效单): one A4 page per manager holding that manager's figures only.
The run is the real pipeline on the sample branch (tests/report_fixture.py); the xlsx files are
read back with openpyxl."""

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
from appraisal.report.statements import build_statements, statement_filename, write_statements


def make_result(language: str = "zh"):
    return sample_run(language)


def _values(path) -> list:
    sheet = load_workbook(path).worksheets[0]
    return [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def _rows(path) -> list[tuple]:
    return list(load_workbook(path).worksheets[0].iter_rows())


def _row(path, first: str, *, after: str | None = None) -> tuple:
    """The first row whose column A reads `first` (after the row reading `after`)."""
    rows = _rows(path)
    start = 0 if after is None else next(i for i, r in enumerate(rows) if r[0].value == after)
    return next(r for r in rows[start:] if r[0].value == first)


def _next_to(path, label: str):
    """The first filled cell right of the (first) cell reading `label` (its value)."""
    for row in _rows(path):
        for index, cell in enumerate(row[:-1]):
            if cell.value == label:
                return next(c for c in row[index + 1:] if c.value is not None)
    raise AssertionError(f"{label!r} not in {path}")


def _shown(result, frame: pd.DataFrame, key: str) -> pd.Series:
    """A column as the workbook shows it: money (int cents) as yuan."""
    values = frame[key]
    return values / 100 if result.columns.kind(key) == "money_cents" else values


def _position(result, manager_id: str) -> int:
    return list(result.managers["manager_id"]).index(manager_id)


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
    for position in (0, 1, 2):
        path = statements[position]
        values = set(_values(path))
        me = managers.iloc[position]
        assert me["manager_id"] in values and me["name"] in values
        assert me["bonus_final"] / 100 in values and me["composite"] in values
        mine_anywhere = {_shown(result, managers, k).iloc[position] for k in managers.columns}
        own = {"scores": result.scores, "rorac": result.rorac}
        for frame in own.values():
            rows = frame[frame["manager_id"] == me["manager_id"]]
            for k in rows.columns:
                mine_anywhere |= set(_shown(result, rows, k))
        others = managers.drop(index=managers.index[position])
        for key in ("manager_id", "name", "bonus_gross", "bonus_final", "composite", "rorac"):
            theirs = set(_shown(result, others, key)) - mine_anywhere
            assert not theirs & values, (path.name, key)
        for name, column in (("scores", "actual"), ("scores", "score"),
                             ("rorac", "rorac_category")):
            frame = own[name]
            mine = frame[frame["manager_id"] == me["manager_id"]]
            theirs = frame[frame["manager_id"] != me["manager_id"]]
            assert set(_shown(result, mine, column).dropna()) <= values, (name, column)
            leaked = set(_shown(result, theirs, column)) - mine_anywhere
            # small whole numbers (1, 5, 8 ...) recur in any statement's own rows
            leaked = {v for v in leaked if not (float(v).is_integer() and abs(v) < 100)}
            assert not leaked & values, (path.name, column)
        # no unit totals: the roll-ups' sums appear nowhere
        assert not set(_shown(result, result.rollups, "bonus_final")) & values


def test_statement_shows_no_internal_fields(statements):
    """Input row numbers, data sources and source files are the audit's, not the manager's."""
    result = make_result()
    given = result.pool_allocations.iloc[0]["manager_id"]
    values = _values(statements[_position(result, given)])
    for key in ("input_row", "source", "source_file", "source_row", "flags", "rule",
                "has_business", "limit_applied"):
        assert result.columns.label(key, "zh") not in values, key
    assert not any("input_samples" in str(v) for v in values)
    sources = set(result.scores["source"])  # rorac_amount, indicators, satisfaction ...
    assert not sources & set(values)


def test_statement_shows_grade_rank_and_pool_reason(statements):
    result = make_result()
    allocation = result.pool_allocations.iloc[0]
    me = allocation["manager_id"]
    path = statements[_position(result, me)]
    values = _values(path)
    for label in ("综合得分", "等级", "单位内排名", "应发奖金", "公共绩效池留存", "公共绩效池分配",
                  "实发奖金", "分配原因"):
        assert label in values, label
    row = result.managers.set_index("manager_id").loc[me]
    assert f"{row['grade']} {result.labels[row['grade']]['zh']}" in values
    rank = result.summary.ranks.set_index("manager_id").loc[me]
    assert f"{rank['rank_in_unit']} / {rank['rank_of']}" in values
    reason = {"special_factor": "特殊因素", "diligence": "勤勉尽责"}[allocation["reason"]]
    assert reason in values
    assert FORMULA_NOTE in values  # the note, written as inert text
    cell = next(c for r in _rows(path) for c in r if c.value == FORMULA_NOTE)
    assert cell.data_type == "s"  # text (its ' is part of it), never a formula
    without = next(i for i in result.managers["manager_id"]
                   if i not in set(result.pool_allocations["manager_id"]))
    assert "无" in _values(statements[_position(result, without)])  # no allocation


def test_reason_other_is_named_as_a_reason_not_as_the_category(tmp_path):
    """Bug fix: the allocation reason `other` showed 其他业务, the business category's name."""
    result = make_result()
    other = result.pool_allocations[result.pool_allocations["reason"] == "other"].iloc[0]
    path = write_statements(replace(result, managers=result.managers[
        result.managers["manager_id"] == other["manager_id"]]), tmp_path)[0]
    row = _row(path, "公共绩效池分配")
    assert row[1].value == "其他"


def test_each_component_shows_base_share_and_points_that_make_its_amount(statements):
    """Hand check of the statement's own figures: amount = base × share × points (to the cent,
    the largest-remainder rounding of the bonus stage), gross = Σ components (+ cap/floor),
    final = gross − withheld + allocation + redistribution."""
    result = make_result()
    for position in range(len(result.managers)):
        path = statements[position]
        me = result.managers.iloc[position]
        for component in result.config.bonus.components:
            row = _row(path, result.columns.label(f"bonus_{component.id}", "zh"))
            base, share, points, amount = row[2].value, row[3].value, row[4].value, row[7].value
            assert share == component.share
            assert base * share * points == pytest.approx(amount, abs=0.01)
            assert row[2].number_format == "#,##0.00" and row[3].number_format == "0.00%"
        gross = _row(path, "应发奖金")[7].value
        withheld = _row(path, "公共绩效池留存")[7].value
        allocation = _row(path, "公共绩效池分配")[7].value
        final = _row(path, "实发奖金")[7].value
        assert final == pytest.approx(gross - withheld + allocation
                                      + me["pool_redistributed"] / 100, abs=1e-9)
        assert final == me["bonus_final"] / 100


def test_indicator_rows_show_actual_target_gap_and_score(tmp_path):
    result = make_result("en")
    path = write_statements(result, tmp_path, language="en")[0]
    me = result.managers["manager_id"].iloc[0]
    score = result.scores[(result.scores["manager_id"] == me)
                          & (result.scores["indicator"] == "rorac")].iloc[0]
    row = _row(path, "Financial")
    assert row[1].value == "Risk-adjusted profit (RORAC)"
    # hand check: gap = actual - target, both in yuan (the indicator's unit)
    assert row[2].value == pytest.approx(score["actual"], abs=1e-9)
    assert row[3].value == score["target"]
    assert row[4].value == pytest.approx(score["actual"] - score["target"], abs=1e-6)
    assert row[4].number_format == "#,##0.00"
    assert row[5].value == pytest.approx(score["score"])
    total = _row(path, "Risk-adjusted profit (RORAC)", after="Risk-adjusted profit by category")
    assert total[4].value == result.managers["rorac"].iloc[0] / 100


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
    row = _row(path, "Financial")
    assert row[3].value == 0.02
    assert row[2].value == pytest.approx(me["rorac_ratio"], abs=1e-12)
    assert row[4].value == pytest.approx(me["rorac_ratio"] - 0.02, abs=1e-12)
    assert row[4].number_format == "0.00%"


def test_statement_shows_rank_of_n_from_the_forced_distribution(tmp_path):
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


def test_with_grade_bands_the_rank_is_by_composite_in_the_grading_unit():
    """Hand check on the sample (grading.method bands, unit sub_branch): the best composite of
    a sub-branch is 1 / N, N its graded managers."""
    result = make_result()
    managers = result.managers
    unit = managers["sub_branch"].iloc[0]
    mine = managers[(managers["sub_branch"] == unit) & ~managers["excluded"]]
    best = mine.sort_values(["composite", "manager_id"], ascending=[False, True]).iloc[0]
    statement = next(s for s in build_statements(result) if s.manager_id == best["manager_id"])
    shown = [c.shown for r in statement.rows for c in r.cells]
    assert f"1 / {len(mine)}" in shown


def test_statements_are_byte_identical_when_rewritten(tmp_path, statements):
    again = write_statements(make_result(), tmp_path, language="zh")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in statements]


def test_unsafe_manager_ids_cannot_escape_the_folder():
    assert statement_filename("../etc/passwd") == "_x2e_._x2f_etc_x2f_passwd.xlsx"
    assert statement_filename("客户经理01") == "客户经理01.xlsx"
    assert statement_filename("a/b", ".pdf") == "a_x2f_b.pdf"


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
    for label in ("Manager ID", "Composite score", "Final bonus", "Indicator results and scores",
                  "How the bonus is made up"):
        assert label in values


def test_chinese_statement_shows_no_english_code():
    """language zh: labels, dimension, indicator, category, grade and reason names are
    Chinese; only ids (manager, grade letter, job level), numbers and dates are Latin."""
    import re

    result = make_result()
    allowed = set(result.managers["manager_id"]) | set(result.managers["job_level"])
    for statement in build_statements(result)[:10]:
        for row in statement.rows:
            for cell in row.cells:
                if cell.style in ("text", "label", "header", "header_num", "section", "title",
                                  "note", "total_label") and cell.shown not in allowed:
                    words = re.findall(r"[A-Za-z]{2,}", cell.shown)
                    assert not words, (statement.manager_id, cell.shown)


def test_no_managers_no_statements(tmp_path):
    result = make_result()
    result = replace(result, managers=result.managers.iloc[0:0])
    assert write_statements(result, tmp_path, language="en") == []


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="statement formats must be among"):
        write_statements(make_result(), tmp_path, formats=("docx",))  # type: ignore[arg-type]


def test_missing_dates_and_amounts_are_empty_cells(tmp_path):
    result = make_result()
    leave = [None, "2026-10-15"] + [None] * (len(result.managers) - 2)
    managers = result.managers.assign(leave_date=pd.to_datetime(leave))
    managers["pool_allocation"] = managers["pool_allocation"].astype("Int64")
    managers.loc[0, "pool_allocation"] = pd.NA
    result = replace(result, managers=managers.iloc[:3])
    first, second, _ = write_statements(result, Path(tempfile.mkdtemp(dir=tmp_path)),
                                        language="en")
    values = _values(first)
    assert "Leave date" not in values  # no leave date: the line is left out
    assert _row(first, "Shared-pool allocation")[7].value is None
    cell = _next_to(second, "Leave date")
    assert cell.value.date().isoformat() == "2026-10-15"
    assert cell.number_format == "yyyy-mm-dd"


def test_fixed_pool_statement_shows_the_value_of_one_point(tmp_path):
    """Fixed pool: amount = yuan per point × own points (to the cent, before a rescale), with the
    sub-pool and the total points the summary stage reports; a rescaled amount says so."""
    from test_workbook_libreoffice import fixed_pool_run

    result = fixed_pool_run()
    scheme = result.summary.scheme.components.set_index("component")
    paths = write_statements(result, tmp_path)
    for path, (_, me) in zip(paths[:10], result.managers.iterrows(), strict=False):
        for component in result.config.bonus.components:
            row = _row(path, result.columns.label(f"bonus_{component.id}", "zh"))
            per_point, points, amount = row[2].value, row[4].value, row[7].value
            assert per_point == pytest.approx(scheme.loc[component.id, "point_value_yuan"])
            assert "子奖金池" in row[1].value
            if me["limit_applied"] == "none":
                assert per_point * points == pytest.approx(amount, abs=0.01)
        if me["limit_applied"] == "rescaled":
            assert _row(path, "封顶保底调整")[1].value == "按比例调整(奖金池)"


def test_the_final_rule_names_every_term_the_run_has():
    """The statement's rule line follows the bonus stage's identity: with a history ledger the
    retro adjustment is a term of the final bonus, and it is named there."""
    from types import SimpleNamespace

    from appraisal.columns import column_registry
    from appraisal.config import parse_config
    from appraisal.report.statements import _final_rule

    config = parse_config({"period": "2026-10", "unit": {"id": "B1"},
                           "inputs": {"managers": "m.csv"}, "history": {}})
    registry = column_registry(config)
    context = SimpleNamespace(columns=registry, label=lambda key: registry.label(key, "en"))
    record = {"bonus_gross": 1, "withheld": 1, "pool_allocation": 0, "retro_adjustment": 5,
              "bonus_final": 5}
    rule = _final_rule(context, record)
    assert rule.startswith(f"{registry.label('bonus_final', 'en')} = ")
    assert f"+ {registry.label('retro_adjustment', 'en')}" in rule
    assert f"− {registry.label('withheld', 'en')}" in rule
    assert registry.label("pool_redistributed", "en") not in rule  # not in this record
