# ruff: noqa: E501  (expected Chinese messages are not broken mid-phrase)
"""A name, id, label or header in the config that Excel or WPS would run as a formula when a CSV
of the run is opened is refused naming its key path, as such an input cell is; a ' before it
keeps it as text. Exit 2, nothing written."""

from __future__ import annotations

import pytest

from appraisal.config import parse_config
from tests.example_config import example_raw, refused_run

EXPECTED_EN = ("text a spreadsheet would run as a formula, got {value!r}; expected plain text, "
               "not beginning with =, +, @, a tab or a line break, nor - directly followed by "
               "text (Excel and WPS run such a cell of the CSVs this run writes as a formula); "
               "put ' before it to keep it as written")


def _dimension_name(value):
    def change(raw):
        raw["scorecard"]["dimensions"][0]["name"]["zh"] = value
    return change


def _payroll_header(value):
    def change(raw):
        raw["output"]["payroll"]["columns"][0]["header"] = value
    return change


def _unit_name(value):
    def change(raw):
        raw["unit"]["name"] = value
    return change


@pytest.mark.parametrize(("change", "key", "value"), [
    (_dimension_name, "scorecard.dimensions[0].name.zh", '=HYPERLINK("http://x","y")'),
    (_payroll_header, "output.payroll.columns[0].header", "@SUM(A1)"),
    (_unit_name, "unit.name", "-cmd|' /C calc'!A0"),
    (_unit_name, "unit.name", "+1"),
    (_unit_name, "unit.name", "\tsub"),
])
def test_a_formula_like_text_is_refused_naming_its_key(tmp_path, change, key, value):
    code, output = refused_run(tmp_path / "run", "en", change(value))
    assert code == 2
    assert output == f"error: CONFIG: {key}: {EXPECTED_EN.format(value=value)}\n"


def test_the_refusal_in_chinese(tmp_path):
    code, output = refused_run(tmp_path / "run", "zh", _payroll_header("=1+1"))
    assert code == 2
    assert output == ("错误：CONFIG：output.payroll.columns[0].header：电子表格会当作公式执行的文本"
                      "（实际为 '=1+1'）；要求：普通文本，不以 =、+、@、制表符或换行开头，也不以 - "
                      "紧接文字开头（本次运行写出的 CSV 在 Excel 和 WPS 中打开时，这样的单元格会被当作"
                      "公式执行）；如需保留原样，请在前面加 '\n")


@pytest.mark.parametrize("value", ["'=1+1", "-", "- note", "-5", "A-1", "税后=应发-税"])
def test_texts_a_spreadsheet_keeps_as_text_are_accepted(value):
    raw = example_raw()
    raw["unit"]["name"] = value
    raw["scorecard"]["dimensions"][0]["name"]["en"] = value
    config = parse_config(raw, "config.yaml")
    assert config.unit.name == value
