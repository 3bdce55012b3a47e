"""Keys that would be ignored or read to mean something else than written are refused naming
the key: a sheet for a CSV, a delimiter for an XLSX, a cost read from a table the inputs do not
name (each cost silently 0), a stock reference date after the period (all business stock)."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from example_config import SAMPLES, example_raw, write_config

from appraisal.cli import main

ROSTER = str(SAMPLES / "managers.csv")

CASES = [
    ("sheet for a CSV",
     lambda raw: raw["inputs"].update(managers={"path": ROSTER, "sheet": "名册"}),
     "inputs.managers: sheet applies to XLSX files; this one is not (it would be ignored): "
     "remove sheet, or give the .xlsx file",
     "inputs.managers：sheet 只适用于 XLSX 文件；此文件不是（该设置会被忽略）：请删去 sheet，"
     "或改用 .xlsx 文件"),
    ("delimiter for an XLSX",
     lambda raw: raw["inputs"].update(managers={"path": "roster.xlsx", "delimiter": ";"}),
     "inputs.managers: delimiter applies to CSV files; this one is not (it would be ignored): "
     "remove delimiter",
     "inputs.managers：delimiter 只适用于 CSV 文件；此文件不是（该设置会被忽略）："
     "请删去 delimiter"),
    ("cost table not configured",
     lambda raw: raw["rorac"].update(management_cost={"source": "table"}),
     "rorac.management_cost.source: source: table reads the manager_costs table, which inputs: "
     "does not name (every cost would be 0): add inputs.manager_costs, or choose source: "
     "allocate with a total",
     "rorac.management_cost.source：source: table 读取 manager_costs 表，但 inputs: 中没有这张表"
     "（每项成本都将为 0）：请添加 inputs.manager_costs，或选择 source: allocate 并给出 total"),
    ("total for a cost read from the table",
     lambda raw: raw["rorac"]["fixed_cost"].update(source="table"),
     "rorac.fixed_cost: driver and total have no effect unless source: allocate (it is table): "
     "remove them, or set source: allocate",
     "rorac.fixed_cost：driver 和 total 仅在 source: allocate 时生效（当前为 table）：请删去它们，"
     "或设置 source: allocate"),
    ("reference date after the period",
     lambda raw: raw["rorac"]["stock"].update(reference_date="2027-01-01"),
     "rorac.stock.reference_date: 2027-01-01 is after the period 2026-10 ends (2026-10-31): all "
     "business would be stock; give a date within or before the period, year_start or "
     "period_start",
     "rorac.stock.reference_date：2027-01-01 晚于考核期 2026-10 的期末（2026-10-31）：所有业务都将"
     "算作存量；请给出考核期内或之前的日期，或 year_start、period_start"),
    ("reference date the engine cannot hold",
     lambda raw: raw["rorac"]["stock"].update(reference_date="0001-01-01"),
     "rorac.stock.reference_date: the year must be from 1900 to 2200, got 0001-01-01",
     "rorac.stock.reference_date：年份必须在 1900 到 2200 之间（实际为 0001-01-01）"),
    ("delimiter of two characters",
     lambda raw: raw["inputs"].update(managers={"path": ROSTER, "delimiter": ";;"}),
     "inputs.managers.delimiter: String should have at most 1 character, got ';;'",
     "inputs.managers.delimiter：字符串至多应有 1 个字符（实际为 ';;'）"),
]


@pytest.mark.parametrize(("change", "english", "chinese"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_an_ignored_or_misread_key_is_refused(tmp_path, change, english, chinese):
    for language, expected in (("en", f"error: CONFIG: {english}\n"),
                               ("zh", f"错误：CONFIG：{chinese}\n")):
        raw = example_raw()
        raw["language"] = language
        folder = tmp_path / language
        folder.mkdir()
        config = write_config(folder, raw)  # inputs pointed at the samples, then changed
        raw = yaml.safe_load(config.read_text(encoding="utf-8"))
        change(raw)
        config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        out = folder / "out"
        ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
        assert (ran.exit_code, ran.output.replace(str(config), "CONFIG")) == (2, expected)
        assert not out.exists()


def test_a_reference_date_within_the_period_is_taken(tmp_path):
    from appraisal.config import load_config

    raw = example_raw()
    raw["rorac"]["stock"]["reference_date"] = "2026-10-31"
    assert str(load_config(write_config(tmp_path, raw)).config.rorac.stock.reference_date) == (
        "2026-10-31")
