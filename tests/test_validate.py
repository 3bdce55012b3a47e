"""The one validation pass: every check before any stage, exact counts, the --issues table."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from example_config import write_config

from appraisal import rorac
from appraisal.cli import main
from appraisal.errors import (
    ISSUE_COLUMNS,
    InputError,
    InputIssue,
    InternalError,
    IssueCode,
    IssueTable,
)
from appraisal.io.readers import coerce_table
from appraisal.io.schemas import SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"
SAMPLES = ROOT / "input_samples"


def _config_with_data(tmp_path: Path, language: str | None = None) -> tuple[Path, Path]:
    """A copy of the example config in tmp_path whose inputs are a copy of the samples (in
    `language`, when given: "en" where a test reads the English error texts)."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLES, data)
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    if language is not None:
        raw["language"] = language
    path = write_config(tmp_path, raw, inputs_from=data)
    return path, data


def _replace_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV (line 1 = header) keeping everything else as it is."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    fields = lines[line - 1].split(",")
    fields[header.index(column)] = value
    lines[line - 1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _issues_csv(path: Path) -> pd.DataFrame:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it right
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_unknown_product_and_unknown_indicator_are_reported_in_one_validate_run(tmp_path):
    config, data = _config_with_data(tmp_path, "en")
    _replace_cell(data / "business.csv", 3, "product", "gold_bar")
    _replace_cell(data / "indicators.csv", 2, "indicator", "no_such_indicator")
    issues = tmp_path / "issues.csv"
    result = _invoke("validate", str(config), "--issues", str(issues))
    assert result.exit_code == 2
    assert "business.csv, row 3, column 'product': unknown product" in result.output
    assert "indicators.csv, row 2, column 'indicator'" in result.output
    table = _issues_csv(issues)
    assert {"business.csv", "indicators.csv"} <= {Path(f).name for f in table["file"]}


def test_unknown_product_is_found_by_validation_before_any_stage(tmp_path, monkeypatch):
    config, data = _config_with_data(tmp_path, "en")
    _replace_cell(data / "business.csv", 3, "product", "gold_bar")

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stage ran on invalid inputs")

    monkeypatch.setattr("appraisal.pipeline.compute_rorac", must_not_run)
    result = _invoke("validate", str(config))
    assert result.exit_code == 2
    assert "business.csv, row 3, column 'product': unknown product (1 row, first shown)" in (
        result.output)


def test_issues_file_lists_every_issue_with_its_code(tmp_path):
    config, data = _config_with_data(tmp_path, "en")
    lines = (data / "business.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    at = header.index("booking_date")
    for line in range(1, 301):  # 300 bad dates: more than a message shows
        fields = lines[line].split(",")
        fields[at] = "someday"
        lines[line] = ",".join(fields)
    (data / "business.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _replace_cell(data / "managers.csv", 2, "hire_date", "2020-02-30")
    issues = tmp_path / "issues.csv"
    result = _invoke("validate", str(config), "--issues", str(issues))
    assert result.exit_code == 2
    assert "301 problems in the input data:" in result.output
    assert "... and 251 more" in result.output
    table = _issues_csv(issues)
    assert list(table.columns) == list(ISSUE_COLUMNS)
    assert len(table) == 301
    dates = table[table["column"] == "booking_date"]
    assert len(dates) == 300 and set(dates["code"]) == {IssueCode.NOT_A_DATE.value}
    assert list(dates["row"].astype(int)) == list(range(2, 302))
    assert set(dates["value"]) == {"someday"}
    roster = table[table["column"] == "hire_date"].iloc[0]
    assert (Path(roster["file"]).name, roster["row"], roster["code"], roster["value"]) == (
        "managers.csv", "2", "not_a_date", "2020-02-30")
    assert set(table["code"]) <= {code.value for code in IssueCode}


def test_issues_file_has_only_its_header_when_the_inputs_are_valid(tmp_path):
    config, _ = _config_with_data(tmp_path, "en")
    issues = tmp_path / "issues.csv"
    result = _invoke("validate", str(config), "--issues", str(issues))
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.output
    assert issues.read_text(encoding="utf-8-sig").splitlines() == [",".join(ISSUE_COLUMNS)]


def test_a_manager_unknown_to_the_roster_is_one_rule_in_every_table(tmp_path):
    config, data = _config_with_data(tmp_path, "en")
    _replace_cell(data / "indicators.csv", 2, "manager_id", "M9999")
    _replace_cell(data / "pool_allocations.csv", 2, "manager_id", "M9999")
    issues = tmp_path / "issues.csv"
    result = _invoke("validate", str(config), "--issues", str(issues))
    assert result.exit_code == 2
    table = _issues_csv(issues)
    unknown = table[table["code"] == IssueCode.UNKNOWN_MANAGER.value]
    assert {Path(f).name for f in unknown["file"]} == {"indicators.csv", "pool_allocations.csv"}
    assert set(unknown["rule"]) == {"manager not in the roster"}
    assert len(unknown) == 2  # once per cell, not again by a stage


def test_internal_error_exits_1_with_the_internal_error_text(tmp_path, monkeypatch):
    config, _ = _config_with_data(tmp_path, "en")

    def broken(*args: object, **kwargs: object) -> None:
        raise InternalError("k0 above 1")

    monkeypatch.setattr("appraisal.pipeline.compute_rorac", broken)
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.exit_code == 1
    assert "internal error: InternalError: k0 above 1" in result.output
    assert "This is a bug in appraise, not in your data" in result.output


def test_compute_rorac_on_unvalidated_input_is_an_internal_error() -> None:
    managers = pd.DataFrame({"manager_id": ["M1"], "branch": ["B"], "sub_branch": ["S"],
                             "team": ["T"]})
    business = pd.DataFrame({
        "account_id": ["A1"], "category": ["deposit"], "product": ["gold_bar"],
        "balance": [1.0], "revenue": [1.0], "booking_date": pd.to_datetime(["2026-01-05"]),
        "manager_id": ["M1"],
    })
    from appraisal.config import RoracConfig
    from appraisal.config.base import parse_period

    config = RoracConfig.model_validate({"products": {"demand": {"category": "deposit"}}})
    with pytest.raises(InternalError, match="RORAC input was not validated"):
        rorac.compute_rorac(business, managers, config, parse_period("2026-10"))


def test_two_million_bad_dates_are_counted_exactly_and_lean() -> None:
    """A 2M-row business table whose every booking_date is bad: 2,000,000 issues, exact, in a
    few hundred MB at most (the table is columnar; no object per issue). Its speed is measured
    in benchmarks/, never in a test."""
    n = 2_000_000
    raw = pd.DataFrame({
        "account_id": pd.array(np.char.add("A", np.arange(n).astype(str)), dtype="str"),
        "category": pd.array(["deposit"] * n, dtype="str"),
        "product": pd.array(["demand"] * n, dtype="str"),
        "balance": pd.array(["1.00"] * n, dtype="str"),
        "revenue": pd.array(["0.10"] * n, dtype="str"),
        "booking_date": pd.array(np.char.add("bad-", (np.arange(n) % 1000).astype(str)),
                                 dtype="str"),
    })
    _, issues = coerce_table(raw, SCHEMAS["business"], "business.csv")
    message = str(InputError(issues))
    assert len(issues) == n
    assert message.startswith("2,000,000 problems in the input data:")
    assert "... and 1,999,950 more" in message
    assert issues.frame.memory_usage(deep=True).sum() < 400 * 2**20


def test_issue_table_builds_issues_lazily_and_keeps_their_order() -> None:
    mask = np.zeros(10, dtype=bool)
    mask[[3, 7]] = True
    table = IssueTable.at(mask, code=IssueCode.NEGATIVE, file="b.csv",
                          rows=np.arange(2, 12), column="balance", rule="negative balance",
                          expected="a number >= 0", values=pd.Series(np.arange(10) * -1.0))
    both = IssueTable.concat([table, [InputIssue("c.csv", None, None, "whole file",
                                                       code=IssueCode.EMPTY_TABLE)]])
    assert len(both) == 3
    assert both[1].describe() == (
        "b.csv, row 9, column 'balance': negative balance (got -7.0); expected a number >= 0")
    assert both[2].code is IssueCode.EMPTY_TABLE and both[2].row is None


def test_every_issue_code_is_documented_in_inputs_md() -> None:
    text = (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
    for code in IssueCode:
        assert f"| `{code.value}` |" in text, code


def test_every_issue_the_engine_raises_names_its_reason_code():
    """No InputIssue(...) in the package falls back on the default code."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "appraisal"
    unnamed = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name == "InputIssue" and len(node.args) < 7 and not any(
                keyword.arg == "code" for keyword in node.keywords
            ):
                unnamed.append(f"{path.relative_to(package)}:{node.lineno}")
    assert unnamed == []


def _issue_rows(tmp_path, config):
    issues = tmp_path / "issues.csv"
    result = _invoke("validate", str(config), "--issues", str(issues))
    assert result.exit_code == 2, result.output
    return _issues_csv(issues)


def test_business_booked_after_the_period_end_is_refused_not_credited(tmp_path):
    config, data = _config_with_data(tmp_path, "en")
    _replace_cell(data / "business.csv", 4, "booking_date", "2026-11-01")
    table = _issue_rows(tmp_path, config)
    late = table[table["column"] == "booking_date"]
    assert late[["code", "row", "value"]].values.tolist() == [["out_of_range", "4", "2026-11-01"]]
    assert "after the end of period 2026-10" in late["rule"].iloc[0]
    assert "2026-10-31" in late["expected"].iloc[0]


def test_a_leave_date_before_the_hire_date_is_an_error_not_an_exclusion(tmp_path):
    config, data = _config_with_data(tmp_path, "en")
    roster = pd.read_csv(data / "managers.csv", encoding="utf-8-sig", dtype=str,
                         keep_default_na=False)
    hired = roster.loc[2, "hire_date"]
    _replace_cell(data / "managers.csv", 4, "leave_date", "2001-01-01")
    table = _issue_rows(tmp_path, config)
    assert table[["code", "row", "column", "value"]].values.tolist() == [
        ["inconsistent", "4", "leave_date", "2001-01-01"]]
    assert table["expected"].iloc[0] == f"hire_date {hired} or later"


@pytest.mark.parametrize("table", ["managers", "business"])
def test_a_table_with_a_header_and_no_rows_is_reported_as_empty_and_alone(tmp_path, table):
    config, data = _config_with_data(tmp_path, "en")
    path = data / f"{table}.csv"
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    path.write_text(header + "\n", encoding="utf-8")
    found = _issue_rows(tmp_path, config)
    assert found[["code", "file"]].values.tolist() == [["empty_table", str(path)]]
    assert "header but no rows" in found["rule"].iloc[0]
