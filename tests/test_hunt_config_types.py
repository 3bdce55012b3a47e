"""A config value of the wrong type is refused naming the key, never read as something else:
a quoted number ("0.3"), true for a number, .nan/.inf, null, a number where a text is meant.

Each case runs `appraise run CONFIG --out DIR` on a copy of configs/example.yaml: exit 2, the
message in the config's language, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main


def _run(tmp_path: Path, language: str, change) -> tuple[int, str, Path]:
    raw = example_raw()
    raw["language"] = language
    change(raw)
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = write_config(tmp_path, raw)
    out = tmp_path / "out"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    return ran.exit_code, ran.output.replace(str(config), "CONFIG"), out


def _pool(**values):
    return lambda raw: raw["bonus"]["shared_pool"].update(values)


CASES = [
    ("quoted number", _pool(withhold_rate="0.3"),
     "bonus.shared_pool.withhold_rate: must be a number, got the text '0.3'; write numbers "
     "without quotes",
     "bonus.shared_pool.withhold_rate：必须是数字（实际为文本 '0.3'）；数字请不要加引号"),
    ("true for a rate", _pool(withhold_rate=True),
     "bonus.shared_pool.withhold_rate: must be a number, got true",
     "bonus.shared_pool.withhold_rate：必须是数字（实际为 true）"),
    ("null for a rate", _pool(withhold_rate=None),
     "bonus.shared_pool.withhold_rate: must be a number, got null",
     "bonus.shared_pool.withhold_rate：必须是数字（实际为 null）"),
    ("infinite decay", lambda raw: raw["rorac"]["stock"].update(decay=float("inf")),
     "rorac.stock.decay: Input should be a finite number, got inf",
     "rorac.stock.decay：应为有限数字（实际为 inf）"),
    ("nan coefficient",
     lambda raw: raw["scorecard"]["grading"]["grades"][0].update(coefficient=float("nan")),
     "scorecard.grading.grades[0].coefficient: Input should be a finite number, got nan",
     "scorecard.grading.grades[0].coefficient：应为有限数字（实际为 nan）"),
    ("quoted base in a mapping",
     lambda raw: raw["bonus"]["funding"]["base_by_job_level"].update(L3="6000"),
     "bonus.funding.base_by_job_level.L3: must be a number, got the text '6000'; write numbers "
     "without quotes",
     "bonus.funding.base_by_job_level.L3：必须是数字（实际为文本 '6000'）；数字请不要加引号"),
    ("quoted whole number", lambda raw: raw["output"].update(chart_dpi="100"),
     "output.chart_dpi: must be a whole number, got the text '100'; write numbers without quotes",
     "output.chart_dpi：必须是整数（实际为文本 '100'）；数字请不要加引号"),
    ("number for a text (YAML reads 0101 as 65)", lambda raw: raw["unit"].update(id=65),
     "unit.id: must be a text, got the number 65; put it in quotes",
     "unit.id：必须是文本（实际为数字 65）；请加上引号"),
    ("text for a flag", lambda raw: raw["bonus"].update(prorate="yes"),
     "bonus.prorate: must be true or false, got 'yes'",
     "bonus.prorate：必须是 true 或 false（实际为 'yes'）"),
    ("list for a section", lambda raw: raw.update(unit=["BR01"]),
     "unit: must be a mapping (key: value lines), got a list",
     "unit：必须是映射（“键: 值”行）（实际为 列表）"),
    ("empty section", lambda raw: raw.update(unit=None),
     "unit: must be a mapping (key: value lines), got null",
     "unit：必须是映射（“键: 值”行）（实际为 null）"),
    ("quoted carry-in (an amount or from_history)", _pool(carry_in="100"),
     "bonus.shared_pool.carry_in: must be a number or 'from_history', got the text '100'; write "
     "numbers without quotes",
     "bonus.shared_pool.carry_in：必须是数字或 'from_history'（实际为文本 '100'）；"
     "数字请不要加引号"),
    ("negative carry-in", _pool(carry_in=-5),
     "bonus.shared_pool.carry_in: must be >= 0.0, got -5",
     "bonus.shared_pool.carry_in：必须 >= 0.0（实际为 -5）"),
]


@pytest.mark.parametrize(("change", "english", "chinese"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_value_of_the_wrong_type_is_refused_naming_its_key(tmp_path, change, english,
                                                            chinese):
    code, output, out = _run(tmp_path / "en", "en", change)
    assert (code, output) == (2, f"error: CONFIG: {english}\n")
    assert not out.exists()
    code, output, out = _run(tmp_path / "zh", "zh", change)
    assert (code, output) == (2, f"错误：CONFIG：{chinese}\n")
    assert not out.exists()


def test_a_rule_key_is_named_as_written_without_the_rule_kind(tmp_path):
    def change(raw):
        raw["scorecard"]["dimensions"][0]["indicators"][0]["rule"]["zero_tgt"] = "error"

    code, output, _ = _run(tmp_path, "en", change)
    assert code == 2
    assert "scorecard.dimensions[0].indicators[0].rule.zero_tgt: unknown key" in output


def test_a_date_for_the_stock_reference_may_be_quoted(tmp_path):
    from appraisal.config import load_config

    raw = example_raw()
    raw["rorac"]["stock"]["reference_date"] = "2026-01-01"
    loaded = load_config(write_config(tmp_path, raw))
    assert str(loaded.config.rorac.stock.reference_date) == "2026-01-01"
