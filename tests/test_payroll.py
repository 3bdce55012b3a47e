"""payroll.csv for the bank's payroll system: configured columns, headers and order; money as
exact yuan text from int cents; UTF-8 with BOM; a wrong column is a config error naming its key
path. Also the `output.statements` formats a run writes."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from report_fixture import build_project

import appraisal
from appraisal.cli import main
from appraisal.config import load_config, parse_config
from appraisal.errors import ConfigError
from appraisal.report.payroll import payroll_frame, write_payroll

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
DEFAULT_HEADERS = ["工号", "姓名", "部门", "应发", "留存", "池分配", "实发", "期间"]


@pytest.fixture(scope="module")
def result():
    return appraisal.run(EXAMPLE)


def _with_output(result, **changes):
    output = result.config.output.model_copy(update={"charts": False, **changes})
    return replace(result, config=result.config.model_copy(update={"output": output}))


def _config(**output) -> object:
    raw = copy.deepcopy(load_config(EXAMPLE).raw)
    raw["output"] = {**raw.get("output", {}), **output}
    return parse_config(raw, "example.yaml")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_default_payroll_columns_in_order_with_bom(result, tmp_path):
    out = appraisal.write_run(_with_output(result, files=("payroll_csv",)), tmp_path / "out")
    raw = (out / "payroll.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows the headers right
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[0] == ",".join(DEFAULT_HEADERS)
    table = _read(out / "payroll.csv")
    managers = result.managers
    assert list(table["工号"]) == list(managers["manager_id"])
    assert list(table["姓名"]) == list(managers["name"])
    assert list(table["部门"]) == list(managers["sub_branch"])
    assert set(table["期间"]) == {"2026-10"}


def test_payroll_money_is_exact_yuan_text_from_cents(result, tmp_path):
    table = _read(write_payroll(result, tmp_path / "payroll.csv"))
    managers = result.managers
    for header, key in (("应发", "bonus_gross"), ("留存", "withheld"),
                        ("池分配", "pool_allocation"), ("实发", "bonus_final")):
        expected = [f"{c // 100}.{c % 100:02d}" for c in managers[key].astype("int64")]
        assert list(table[header]) == expected, header
    # the column totals reconcile to the cent with the run's totals (summary stage)
    total = sum(Decimal(v) for v in table["实发"])
    assert total == Decimal(result.summary.totals["bonus_final"]).scaleb(-2)


def test_negative_large_and_missing_amounts(result, tmp_path):
    managers = result.managers.iloc[:3].copy()
    managers["bonus_final"] = pd.array([-5, 900719925474099399, None], dtype="Int64")
    table = _read(write_payroll(replace(result, managers=managers), tmp_path / "p.csv"))
    assert list(table["实发"]) == ["-0.05", "9007199254740993.99", ""]


def test_configured_columns_headers_and_order(result, tmp_path):
    columns = [{"source": "bonus_final", "header": "NET_PAY"},
               {"source": "manager_id", "header": "EMP_NO"},
               {"source": "bonus_profit", "header": "利润奖金"},
               {"source": "period", "header": "PERIOD"},
               {"source": "hire_date", "header": "HIRED"}]
    config = _config(payroll={"columns": columns})
    table = _read(write_payroll(replace(result, config=config), tmp_path / "p.csv"))
    assert list(table.columns) == ["NET_PAY", "EMP_NO", "利润奖金", "PERIOD", "HIRED"]
    me = result.managers.iloc[0]
    assert table.iloc[0]["EMP_NO"] == me["manager_id"]
    profit = me["bonus_profit"]
    assert table.iloc[0]["利润奖金"] == f"{profit // 100}.{profit % 100:02d}"
    assert table.iloc[0]["HIRED"] == me["hire_date"].date().isoformat()


def test_an_unknown_source_is_a_config_error_naming_its_key_path(result, tmp_path):
    columns = [{"source": "manager_id", "header": "工号"},
               {"source": "bonus_fnal", "header": "实发"}]
    bad = _with_output(replace(result, config=_config(payroll={"columns": columns})),
                       files=("managers_csv", "payroll_csv"))
    with pytest.raises(ConfigError) as raised:
        appraisal.write_run(bad, tmp_path / "out")
    message = str(raised.value)
    assert "output.payroll.columns[1].source" in message
    assert "unknown column 'bonus_fnal'" in message
    assert "did you mean 'bonus_final'?" in message
    assert not (tmp_path / "out").exists()  # nothing written, not even managers.csv
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ConfigError, match=r"columns\[1\]\.source"):
        payroll_frame(bad)


def test_the_cli_refuses_a_wrong_payroll_source_with_exit_2(tmp_path):
    config = build_project(tmp_path / "project")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["output"] = {**data.get("output", {}), "charts": False,
                      "payroll": {"columns": [{"source": "salary", "header": "工资"}]}}
    data["language"] = "en"  # the test reads the English error text
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "results"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert ran.exit_code == 2, ran.output
    assert "output.payroll.columns[0].source: unknown column 'salary'" in ran.output
    assert "Traceback" not in ran.output
    assert not out.exists()
    checked = CliRunner().invoke(main, ["validate", str(config)])  # validate says it too
    assert checked.exit_code == 2, checked.output
    assert "output.payroll.columns[0].source: unknown column 'salary'" in checked.output


@pytest.mark.parametrize(
    ("payroll", "key", "said"),
    [
        ({"columns": [{"source": "manager_id", "header": "工号"},
                      {"source": "name", "header": "工号"}]},
         "output.payroll.columns", "header '工号' is given twice"),
        ({"columns": [{"source": "manager_id", "header": ""}]},
         "output.payroll.columns[0].header", "at least 1 character"),
        ({"columns": [{"source": "manager_id"}]}, "output.payroll.columns[0].header", "required"),
        ({"columns": [{"source": "name", "header": "姓名", "width": 8}]},
         "output.payroll.columns[0].width", "unknown key"),
        ({"columns": []}, "output.payroll.columns", "give at least one column"),
    ],
)
def test_bad_payroll_config_names_the_key_path(payroll, key, said):
    with pytest.raises(ConfigError) as raised:
        _config(payroll=payroll)
    assert any(path == key and said in message for path, message in raised.value.problems), \
        raised.value.problems


def test_payroll_is_written_only_when_listed_in_files(result, tmp_path):
    out = appraisal.write_run(_with_output(result, files=("managers_csv",)), tmp_path / "out")
    assert not (out / "payroll.csv").exists()


@pytest.mark.parametrize(
    ("option", "switch", "written"),
    [(False, None, set()), (False, True, {".xlsx", ".pdf"}), ("pdf", None, {".pdf"}),
     ("xlsx", None, {".xlsx"}), ("both", None, {".xlsx", ".pdf"}), (True, None, {".xlsx", ".pdf"}),
     ("pdf", False, set()), ("pdf", True, {".pdf"})],
)
def test_output_statements_chooses_the_formats(result, tmp_path, option, switch, written):
    few = replace(result, managers=result.managers.iloc[:2])
    chosen = _with_output(few, files=("managers_csv",), statements=option)
    out = appraisal.write_run(chosen, tmp_path / "out", statements=switch)
    found = {p.suffix for p in (out / "statements").iterdir()} if (out / "statements").exists() \
        else set()
    assert found == written


def test_an_unknown_statement_format_is_a_config_error():
    with pytest.raises(ConfigError) as raised:
        _config(statements="docx")
    keys = {path for path, _ in raised.value.problems}
    assert keys == {"output.statements"}
    assert "'xlsx', 'pdf' or 'both', got 'docx'" in str(raised.value)
