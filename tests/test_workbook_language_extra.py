"""The tables other features add (compare, history's change on last month) show no English
code in a zh workbook either: each code column names its vocabulary."""

from __future__ import annotations

import re

import pandas as pd
from openpyxl import load_workbook

from appraisal.analysis.compare import compare_schemes
from appraisal.columns import CODE_VOCABULARY, code_label, column_registry, with_analysis_columns
from appraisal.config import parse_config
from appraisal.report.compare import write_compare_workbook
from tests.report_fixture import build_project

ENGINE_CODES = {code for name, vocabulary in CODE_VOCABULARY.items() if name != "boolean"
                for code in vocabulary} - {"other", "total", "all"}


def _english_cells(path) -> list[tuple[str, str, str]]:
    found = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    tokens = {cell.value, *re.split(r"[;；:.\[\]]+", cell.value)}
                    if tokens & ENGINE_CODES:
                        found.append((sheet.title, cell.coordinate, cell.value))
    return found


def test_a_zh_compare_workbook_shows_no_english_code(tmp_path):
    project = build_project(tmp_path / "p")
    comparison = compare_schemes(project, project, overrides=[
        "bonus.shared_pool.withhold_rate=0.2"])
    path = tmp_path / "compare.xlsx"
    write_compare_workbook(comparison, path, "zh")
    assert _english_cells(path) == []


def test_history_and_compare_codes_have_display_names_in_both_languages():
    config = parse_config({"period": "2026-10", "unit": {"id": "B1"},
                           "inputs": {"managers": "m.csv"}, "history": {}})
    registry = with_analysis_columns(column_registry(config))
    for column, values in {
        "change_driver": ("profit_band", "grade", "cap_floor", "pool", "retro_adjustment",
                          "none", "joined"),
        "side": ("both", "base_only", "proposal_only"),
        "direction": ("winner", "loser"),
        "status": ("changed", "base_only", "proposal_only"),
        "item_kind": ("band", "component", "funding", "grading", "shared_pool"),
        "driver": ("withheld", "pool_allocation", "limit_adjustment"),
    }.items():
        for value in values:
            zh, en = (code_label(column, value, language, registry) for language in ("zh", "en"))
            assert zh != value and en != value, (column, value)
            assert not pd.isna(zh)
