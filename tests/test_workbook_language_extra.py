"""The tables other features add (compare, history's change on last month) show no English
code in a zh workbook either: each code column names its vocabulary."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from appraisal.analysis.compare import compare_schemes
from appraisal.columns import CODE_VOCABULARY, code_label, column_registry, with_analysis_columns
from appraisal.config import parse_config
from appraisal.report.compare import write_compare_workbook
from tests.report_fixture import build_project

ENGINE_CODES = {code for name, vocabulary in CODE_VOCABULARY.items() if name != "boolean"
                for code in vocabulary} - {"other", "total", "all"}


def _bank_ids(project) -> set[str]:
    """The bank's own ids (config ids, shown with a name column beside them): not codes."""
    from appraisal.config import load_config

    registry = column_registry(load_config(project).config)
    return {code for name in ("dimension", "indicator", "category", "grade", "matrix",
                              "component", "criterion") for code in registry.codes.get(name, {})}


def _english_cells(path, allowed: frozenset[str] = frozenset()) -> list[tuple[str, str, str]]:
    codes = ENGINE_CODES - allowed
    found = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    tokens = {cell.value, *re.split(r"[;；:.\[\]]+", cell.value)}
                    if tokens & codes:
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


def test_a_zh_workbook_with_the_analysis_tables_shows_no_english_code(tmp_path):
    from click.testing import CliRunner

    from appraisal.cli import main

    project = build_project(tmp_path / "p")
    out = tmp_path / "out"
    ran = CliRunner().invoke(main, ["run", str(project), "--out", str(out), "--analysis",
                                    "--quiet"])
    assert ran.exit_code == 0, ran.output
    found = [cell for cell in _english_cells(out / "bonus_sheet.xlsx",
                                             frozenset(_bank_ids(project)))
             if cell[0] != "运行信息"]  # the Run sheet repeats the config file as written
    assert found == []


# ---- where a retro adjustment comes from (history/state.py records it in English) ----------

def test_retro_source_in_chinese_keeps_what_a_person_typed():
    from appraisal.columns import retro_source_text

    assert retro_source_text("2026-03 v2: corrected loan file", "zh") == \
        "2026-03 第 2 版：corrected loan file"
    assert retro_source_text("2026-01 v2: 更正贷款文件; 2026 v1: annual settlement 2026: grade "
                             "true-up (revision: late (HR) file)", "zh") == \
        ("2026-01 第 2 版：更正贷款文件；"
         "2026 第 1 版：2026 年度清算：等级奖金补差（更正：late (HR) file）")
    assert retro_source_text("2026-Q1 v3: a; b", "zh") == "2026-Q1 第 3 版：a; b"
    for text in ("", "typed by hand", "2026-03 v2: x"):
        assert retro_source_text(text, "en") == text
    assert retro_source_text("typed by hand", "zh") == "typed by hand"


periods = st.sampled_from(["2026", "2026-03", "2025-12", "2026-Q2", "2026-H1"])
reasons = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda r: not re.search(r"; \d{4}", r) and not r.endswith(";"))


@given(st.lists(st.tuples(periods, st.integers(1, 99), reasons), min_size=1, max_size=4))
def test_retro_source_in_chinese_has_one_part_per_source(sources):
    """Each source `P vN: reason` becomes `P 第 N 版：reason` (the reason as typed, unless it
    is the annual settlement's), in order, joined by `；`; no `vN` is left."""
    from appraisal.columns import retro_source_text

    text = "; ".join(f"{p} v{n}: {r}" for p, n, r in sources)
    shown = retro_source_text(text, "zh")
    assert shown == "；".join(f"{p} 第 {n} 版：{r}" for p, n, r in sources)
    assert not re.search(r"\d v\d+: ", shown)
