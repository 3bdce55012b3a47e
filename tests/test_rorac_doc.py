"""docs/rorac.md's worked example, reproduced from the doc's own inputs.

The test reads the YAML and CSV blocks of the section "Worked example", runs the validation
checks and the stage on them, and compares every figure of the doc's result tables: amounts
exactly to the cent (the doc shows cents), k0 to 1e-6, ratios to 1e-7.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from appraisal.config import parse_config
from appraisal.io.readers import read_table
from appraisal.money import to_cents
from appraisal.rorac import check_rorac, compute_rorac
from appraisal.validate import check_roster

DOC = Path(__file__).resolve().parents[1] / "docs" / "rorac.md"


def _section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## Worked example"):]


def _table(section: str, header: str) -> list[list[str]]:
    start = section.index(header)
    rows = []
    for line in section[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    section = _section()
    tmp = tmp_path_factory.mktemp("rorac_doc")
    rorac = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))["rorac"]
    config = parse_config({"period": "2026-10", "unit": {"id": "B1"},
                           "inputs": {"managers": "managers.csv"}, "rorac": rorac})
    tables = {}
    for name, body in re.findall(r"`(\w+)\.csv`[^\n]*\n\n```csv\n(.*?)```", section, re.S):
        path = tmp / f"{name}.csv"
        path.write_text(body, encoding="utf-8")
        table, issues = read_table(name, path, shown=path.name)
        assert len(issues) == 0, issues
        tables[name] = table.frame
    assert set(tables) == {"managers", "business", "credit_splits"}
    assert len(check_roster(tables)) == 0 and len(check_rorac(tables, config)) == 0
    return section, compute_rorac(tables["business"], tables["managers"], config.rorac,
                                  config.appraisal_period,
                                  credit_splits=tables["credit_splits"])


def test_doc_worked_example_by_category(example) -> None:
    section, result = example
    rows = _table(section, "| manager | category | RORAC stock |")
    assert len(rows) == len(result.by_category) == 6
    cells = result.by_category.set_index(["manager_id", "category"])
    for manager, category, stock, k0, increment, total in rows:
        cell = cells.loc[(manager, category)]
        assert cell["rorac_stock"] == to_cents(float(stock))
        assert cell["k0"] == pytest.approx(float(k0), abs=1e-6)
        assert cell["rorac_increment"] == to_cents(float(increment))
        assert cell["rorac_category"] == to_cents(float(total))


def test_doc_worked_example_by_manager_and_rollups(example) -> None:
    section, result = example
    managers = result.by_manager.set_index("manager_id")
    for manager, amount, capital, ratio in _table(section, "| manager | RORAC | economic"):
        row = managers.loc[manager]
        assert row["rorac"] == to_cents(float(amount))
        assert row["economic_capital"] == to_cents(float(capital))
        assert row["rorac_ratio"] == pytest.approx(float(ratio), abs=1e-7)
    rollups = result.rollups.set_index(["level", "unit"])
    branch = re.search(r"Branch B1: ([\d,.]+); team T1: ([\d,.]+)\.", section)
    assert rollups.loc[("branch", "B1"), "rorac"] == to_cents(
        float(branch.group(1).replace(",", "")))
    assert rollups.loc[("team", "T1"), "rorac"] == to_cents(
        float(branch.group(2).replace(",", "")))
    assert not managers.loc["M4", "has_capital"]
