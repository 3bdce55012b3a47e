"""A text a spreadsheet would run as a formula (CSV injection: `=HYPERLINK(...)`, `-cmd|...`)
in a table whose texts the run writes back to its CSVs is refused naming file, row and column,
exit 2, nothing written (validate.check_spreadsheet_formulas, docs/inputs.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from appraisal.cli import main
from appraisal.validate import check_spreadsheet_formulas
from tests.example_config import SAMPLES, example_raw, write_config


def _roster(*names: str) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame({"manager_id": [f"M{i}" for i in range(len(names))],
                          "name": list(names)})
    frame.attrs["file"] = "managers.csv"
    return {"managers": frame}


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","a")', "+SUM(1,2)", "@SUM(A1)",
                                  "-cmd|' /C calc'!A0", "-A1", "-2+3", "=1"])
def test_a_formula_is_refused(text: str) -> None:
    issues = check_spreadsheet_formulas(_roster("吕倩霞", text)).frame
    assert len(issues) == 1
    issue = issues.iloc[0]
    assert (issue["file"], issue["row"], issue["column"], issue["code"]) == (
        "managers.csv", 3, "name", "not_allowed")
    assert issue["rule"] == "text a spreadsheet would run as a formula"


@pytest.mark.parametrize("text", ["-", "- see memo", "-5", "-12.50", "M-001", "'=1", "吕倩霞",
                                  "a=b", "李 +"])
def test_plain_texts_pass(text: str) -> None:
    assert len(check_spreadsheet_formulas(_roster(text)).frame) == 0


@given(st.text(min_size=1).filter(lambda t: t[0] not in "=+@-\t\r\n"))
def test_a_text_not_starting_with_a_formula_sign_passes(text: str) -> None:
    assert len(check_spreadsheet_formulas(_roster(text)).frame) == 0


def test_account_tables_and_judgment_values_are_not_checked() -> None:
    business = pd.DataFrame({"account_id": ["=A1"], "product": ["+x"]})
    judgments = pd.DataFrame({"matrix": ["m"], "value": ["-1/3+"]})
    assert len(check_spreadsheet_formulas({"business": business,
                                           "judgments": judgments}).frame) == 0


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for source in SAMPLES.iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    return data


@pytest.mark.parametrize("language", ["zh", "en"])
def test_run_and_validate_refuse_it_naming_the_cell(tmp_path: Path, language: str) -> None:
    data = _copy(tmp_path)
    roster = data / "managers.csv"
    lines = roster.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    first[1] = '"=HYPERLINK(""http://x"",""a"")"'
    lines[1] = ",".join(first)
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    raw = example_raw()
    raw["language"] = language
    config = write_config(tmp_path, raw, inputs_from=data)
    out = tmp_path / "out"
    for args in (["run", str(config), "--out", str(out), "--quiet"], ["validate", str(config)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        if language == "zh":
            assert "managers.csv，第 2 行，列“name”：电子表格会当作公式执行的文本" in result.output
            assert "expected" not in result.output
        else:
            said = "managers.csv, row 2, column 'name': text a spreadsheet would run as a formula"
            assert said in result.output, result.output
    assert not out.exists()


def test_the_issues_csv_keeps_a_refused_formula_inert(tmp_path: Path) -> None:
    """`validate --issues`: a refused value that Excel would run (here an account's balance
    `=1+1`, and a roster name) is written with a ' before it; a plain negative stays as is."""
    data = _copy(tmp_path)
    business = data / "business.csv"
    lines = business.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("balance")] = "=1+1"
    lines[1] = ",".join(cells)
    cells = lines[2].split(",")
    cells[header.index("balance")] = "-5"
    lines[2] = ",".join(cells)
    business.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    raw = example_raw()
    config = write_config(tmp_path, raw, inputs_from=data)
    issues = tmp_path / "issues.csv"
    result = CliRunner().invoke(main, ["validate", str(config), "--issues", str(issues)])
    assert result.exit_code == 2, result.output
    table = pd.read_csv(issues, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    values = set(table["value"])
    assert "'=1+1" in values and "=1+1" not in values
    assert any(v.startswith("-5") for v in values)  # a negative number, not prefixed
