"""A zh workbook shows no English code to a person (issue 15): every cell of every sheet is
scanned against the set of the engine's English codes (the fixed vocabularies of
`appraisal.columns.CODE_VOCABULARY`, scorecard flags included) and booleans (TRUE/FALSE).
Display names are looked up per vocabulary: reason `other` is 其他, category `other` 其他业务."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixture import sample_run

from appraisal.columns import CODE_VOCABULARY, code_label, column_registry, display_codes
from appraisal.report.excel import write_bonus_sheet
from appraisal.report.labels import SHEET_NAMES, TEXT

# The config dump of the Run sheet repeats the config file as written (key paths and their
# values), like an input file's copy: it is the audit, not text for a reader.
CONFIG_DUMP = "config"


def english_codes(result) -> set[str]:
    """Every engine code a person could see, minus the bank's own ids (config and roster)."""
    codes = {code for vocabulary in CODE_VOCABULARY.values() for code in vocabulary}
    codes -= {"True", "False"}
    own = set()
    for frame in result.frames().values():
        for key in ("manager_id", "branch", "sub_branch", "team", "job_level"):
            if key in frame.columns:
                own |= set(frame[key].dropna().astype(str))
    return codes - own


@pytest.fixture(scope="module", params=["zh", "en"])
def zh_book(tmp_path_factory, request) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp(request.param) / "bonus_sheet.xlsx"
    write_bonus_sheet(sample_run("zh"), path, language=request.param)
    return path, request.param


def _config_rows(sheet, language) -> range:
    """Rows of the Run sheet's config dump (between its subtitle and the next blank row)."""
    start = None
    for row in sheet.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.value == TEXT["config"][language]:
            start = cell.row
        elif start is not None and cell.value is None:
            return range(start, cell.row)
    return range(start or 0, (start or 0) + 1 if start is None else sheet.max_row + 1)


def test_zh_workbook_shows_no_english_code(zh_book):
    """(And the English workbook shows names, not codes, too.)"""
    zh_book, language = zh_book
    result = sample_run("zh")
    codes = english_codes(result)
    # codes shown in a config-id column keep the id; those ids are the bank's, not the engine's
    ids = {c for v in ("dimension", "indicator", "category", "grade", "matrix", "component")
           for c in result.columns.codes[v]}
    book = load_workbook(zh_book)
    found = []
    for sheet in book.worksheets:
        skip = (_config_rows(sheet, language) if sheet.title == SHEET_NAMES["run"][language]
                else range(0))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.row in skip or cell.value is None:
                    continue
                if isinstance(cell.value, bool):
                    found.append((sheet.title, cell.coordinate, cell.value))
                    continue
                if not isinstance(cell.value, str):
                    continue
                tokens = {cell.value, *re.split(r"[;；:.\[\]]+", cell.value)}
                hits = (tokens & codes) - ids
                if hits:
                    found.append((sheet.title, cell.coordinate, cell.value))
    assert found == []


def test_reason_other_is_not_the_category_other():
    registry = sample_run("zh").columns
    assert code_label("reason", "other", "zh", registry) == "其他"
    assert code_label("category", "other", "zh", registry) == "其他业务"
    assert code_label("reason", "other", "en", registry) == "Other"
    assert code_label("category", "other", "en", registry) == "Other business"


def test_code_label_per_vocabulary_and_flags():
    assert code_label("limit_applied", "rescaled", "zh") == "按比例调整(奖金池)"
    assert code_label("mode", "carry_forward", "zh") == "结转下期"
    assert code_label("level", "sub_branch", "zh") == "支行"
    assert code_label("excluded", True, "zh") == "是"
    assert code_label("excluded", False, "en") == "No"
    assert code_label("flags", "capped;feedback_360_missing:self+peer", "zh") == \
        "已封顶；360度评价缺少:自评+同级"
    # a value the vocabulary lacks (the bank's own id, free text) stays as it is
    assert code_label("team", "T01", "zh") == "T01"
    assert code_label("note", "my note", "zh") == "my note"


def test_display_codes_replaces_engine_codes_and_keeps_ids():
    result = sample_run("zh")
    managers = display_codes(result.managers, result.columns, "zh")
    assert set(managers["limit_applied"]) <= {n for n, _ in
                                               CODE_VOCABULARY["limit_applied"].values()}
    assert set(managers["joined_during_period"]) <= {"是", "否"}
    assert managers["grade"].tolist() == result.managers["grade"].tolist()
    assert managers["manager_id"].tolist() == result.managers["manager_id"].tolist()
    registry = column_registry(result.config)
    assert set(registry.codes) >= set(CODE_VOCABULARY) | {"grade", "category"}


def test_en_workbook_has_english_names(tmp_path):
    path = tmp_path / "en.xlsx"
    write_bonus_sheet(sample_run("zh"), path, language="en")
    pool = load_workbook(path)[SHEET_NAMES["pool"]["en"]]
    values = {c.value for row in pool.iter_rows() for c in row}
    assert "Carried forward" in values and "carry_forward" not in values
