"""bonus_sheet.xlsx: sheet names, headers in both languages, number formats, values, inert text,
byte-identical rewrites. The RunResult here is a small made-up run (3 managers)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from appraisal.ahp import analyse_matrix
from appraisal.config import parse_config
from appraisal.pipeline import InputRecord, RunResult
from appraisal.report.excel import write_bonus_sheet
from appraisal.report.labels import COLUMNS, column_header, column_kind

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LABELS = {
    "financial": {"zh": "财务", "en": "Financial"},
    "customer": {"zh": "客户", "en": "Customer"},
    "rorac": {"zh": "风险调整后利润", "en": "Risk-adjusted profit"},
    "deposit_plan": {"zh": "存款计划完成率", "en": "Deposit plan completion"},
    "deposit": {"zh": "存款", "en": "Deposits"},
    "loan": {"zh": "贷款", "en": "Loans"},
    "A": {"zh": "优秀", "en": "Excellent"},
    "B": {"zh": "良好", "en": "Good"},
    "C": {"zh": "合格", "en": "Satisfactory"},
}


BOARD_NOTE = "reviewed by the board on 2026-10-05"
SOURCE_MATRIX = [[1, 2, 3, 5], [1 / 2, 1, 2, 3], [1 / 3, 1 / 2, 1, 2], [1 / 5, 1 / 3, 1 / 2, 1]]
DIMENSIONS = ["financial", "customer", "internal_process", "learning_growth"]


def weights_document() -> dict:
    """weights.json as the weights stage writes it: the source's dimension matrix, combined from
    two experts (E1 gave the source's matrix, E2 a slightly different one)."""
    combined = analyse_matrix(SOURCE_MATRIX, DIMENSIONS).to_dict()
    expert_two = [[1, 3, 3, 5], [1 / 3, 1, 2, 3], [1 / 3, 1 / 2, 1, 2], [1 / 5, 1 / 3, 1 / 2, 1]]
    experts = [
        {"expert": "E1", "rows": [2, 3, 4], **analyse_matrix(SOURCE_MATRIX, DIMENSIONS).to_dict()},
        {"expert": "E2", "rows": [8, 9], **analyse_matrix(expert_two, DIMENSIONS).to_dict()},
    ]
    return {
        "method": "geometric_mean",
        "ri_table": "saaty_1980",
        "cr_threshold": 0.1,
        "accepted": {"dimensions": BOARD_NOTE},
        "local_weights": {"dimensions": combined["weights"], "customer": {"deposit_plan": 1.0}},
        "matrices": {
            "dimensions": {
                **combined,
                "combined_from": ["E1", "E2"],
                "excluded_experts": [],
                "accepted": {"justification": BOARD_NOTE, "used": False},
                "passed": True,
                "experts": experts,
            }
        },
    }


def make_result(*, names: tuple[str, ...] = ("张三", "李四", "王五"), language: str = "zh"):
    """A three-manager run with every kind of column the report formats."""
    config = parse_config(
        {
            "period": "2026-10",
            "unit": {"id": "B01", "name": "城东支行"},
            "language": language,
            "inputs": {"managers": "managers.csv"},
        }
    )
    ids = [f"M{i:03d}" for i in range(1, len(names) + 1)]
    n = len(ids)
    managers = pd.DataFrame(
        {
            "manager_id": ids,
            "name": list(names),
            "branch": ["B01"] * n,
            "sub_branch": ["S1", "S1", "S2"][:n] if n <= 3 else ["S1"] * n,
            "team": ["T1", "T2", "T3"][:n] if n <= 3 else ["T1"] * n,
            "job_level": ["senior", "junior", "junior"][:n] if n <= 3 else ["junior"] * n,
            "hire_date": pd.to_datetime(["2015-03-01", "2020-07-15", "2024-01-02"][:n])
            if n <= 3
            else pd.to_datetime(["2020-01-01"] * n),
            "pay_base": [8000.5 + 1000 * i for i in range(n)],
            "rorac": [123456.789 + 1111 * i for i in range(n)],
            "financial": [96.5 + i for i in range(n)],
            "customer": [88.25 + i for i in range(n)],
            "composite": [91.2345 + i for i in range(n)],
            "grade": ["A", "B", "C"][:n] if n <= 3 else ["B"] * n,
            "grade_coefficient": [1.2 - 0.1 * i for i in range(n)],
            "bonus_gross": [10000.25 + 1001 * i for i in range(n)],
            "withheld": [500.0 + 50.05 * i for i in range(n)],
            "pool_allocation": [0.0, 300.0, 0.0][:n] if n <= 3 else [0.0] * n,
            "bonus_final": [9500.0 + 950.95 * i for i in range(n)],
        }
    )
    managers["bonus_final"] = managers["bonus_gross"] - managers["withheld"] + managers[
        "pool_allocation"
    ]
    scores = pd.DataFrame(
        {
            "manager_id": np.repeat(ids, 2),
            "dimension": ["financial", "customer"] * n,
            "indicator": ["rorac", "deposit_plan"] * n,
            "actual": np.arange(2 * n, dtype=float) * 1000 + 7,
            "target": [100000.0, 50000.0] * n,
            "rule": ["ratio", "ratio"] * n,
            "score": np.linspace(80, 110, 2 * n),
            "local_weight": [1.0, 0.4] * n,
            "global_weight": [0.4832, 0.1087] * n,
            "contribution": np.linspace(30, 40, 2 * n),
        }
    )
    rorac = pd.DataFrame(
        {
            "manager_id": np.repeat(ids, 2),
            "category": ["deposit", "loan"] * n,
            "revenue": np.arange(2 * n, dtype=float) * 10000 + 50000.5,
            "ftp_cost": [1000.0, 2000.0] * n,
            "management_cost": [300.0, 400.0] * n,
            "fixed_cost": [100.0, 200.0] * n,
            "risk_cost": [0.0, 1500.0] * n,
            "tax": [300.0, 600.0] * n,
            "rorac_stock": [10000.0, 20000.0] * n,
            "rorac_increment": [5000.0, 6000.0] * n,
            "n": [2.5, 1.25] * n,
            "k0": [0.875, 0.9375] * n,
            "rorac": np.arange(2 * n, dtype=float) * 100 + 15000.25,
        }
    )
    rollups = pd.DataFrame(
        {
            "level": ["branch"],
            "unit": ["B01"],
            "managers": [n],
            "bonus_gross": [managers["bonus_gross"].sum()],
            "bonus_final": [managers["bonus_final"].sum()],
        }
    )
    withheld = float(managers["withheld"].sum())
    allocated = float(managers["pool_allocation"].sum())
    pool_ledger = pd.DataFrame(
        {
            "unit": ["B01"],
            "carry_in": [200.0],
            "withheld": [withheld],
            "allocated": [allocated],
            "redistributed": [0.0],
            "carry_out": [200.0 + withheld - allocated],
        }
    )
    pool_allocations = pd.DataFrame(
        {
            "manager_id": [ids[min(1, n - 1)]],
            "amount": [allocated],
            "reason": ["special_factor"],
            "approved_by": ["H001"],
            "note": ["=HYPERLINK(\"http://x\")"],
        }
    )
    weights = weights_document()
    return RunResult(
        config=config,
        period=config.appraisal_period,
        managers=managers,
        scores=scores,
        rorac=rorac,
        rollups=rollups,
        weights=weights,
        pool_ledger=pool_ledger,
        pool_allocations=pool_allocations,
        inputs=(InputRecord("managers", "managers.csv", "/x/managers.csv", "ab" * 32, n),),
        labels=LABELS,
        audit={"excluded_experts": ["E5"], "flags": {"M002": ["new_hire"]}},
    )


def _headers(sheet) -> list[str]:
    return [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sheet")
    result = make_result()
    paths = {}
    for language in ("zh", "en"):
        paths[language] = folder / f"bonus_{language}.xlsx"
        write_bonus_sheet(result, paths[language], language=language)
    return paths


def test_sheet_names_are_localised(written):
    zh = load_workbook(written["zh"])
    en = load_workbook(written["en"])
    assert zh.sheetnames == [
        "汇总", "奖金", "得分", "风险调整后利润", "权重", "公共绩效池", "运行信息"
    ]
    assert en.sheetnames == ["Summary", "Bonus", "Scores", "RORAC", "Weights", "Pool ledger", "Run"]


def test_bonus_headers_in_both_languages(written):
    zh = _headers(load_workbook(written["zh"])["奖金"])
    en = _headers(load_workbook(written["en"])["Bonus"])
    assert zh[:2] == ["客户经理编号", "姓名"]
    assert en[:2] == ["Manager ID", "Name"]
    for header in ("综合得分", "等级", "应发奖金", "公共绩效池留存", "公共绩效池分配", "实发奖金"):
        assert header in zh
    assert "Final bonus" in en
    # dimension score columns are named after the run's labels; grade ids get a name column
    assert "财务得分" in zh and "Financial score" in en
    assert "等级名称" in zh and "Grade name" in en


def test_bonus_values_equal_managers_frame(written):
    result = make_result()
    sheet = load_workbook(written["en"])["Bonus"]
    headers = _headers(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(result.managers)
    for key in ("manager_id", "pay_base", "composite", "bonus_gross", "withheld", "bonus_final"):
        column = headers.index(column_header(key, "en"))
        expected = result.managers[key].tolist()
        assert [row[column] for row in rows] == expected  # exact: numbers stored as numbers
    hire = headers.index("Hire date")
    assert rows[0][hire].date().isoformat() == "2015-03-01"


def test_number_formats_follow_column_kinds(written):
    sheet = load_workbook(written["zh"])["奖金"]
    headers = _headers(sheet)
    second = next(sheet.iter_rows(min_row=2, max_row=2))
    expected = {
        "应发奖金": "#,##0.00",
        "综合得分": "0.00",
        "绩效工资调节系数": "0.0000",
        "入职日期": "yyyy-mm-dd",
        "财务得分": "0.00",
    }
    for header, number_format in expected.items():
        assert second[headers.index(header)].number_format == number_format
    rorac = load_workbook(written["zh"])["风险调整后利润"]
    rorac_headers = _headers(rorac)
    row = next(rorac.iter_rows(min_row=2, max_row=2))
    assert row[rorac_headers.index("存量系数(k0)")].number_format == "0.0000"
    assert row[rorac_headers.index("直接成本(Cd)")].number_format == "#,##0.00"
    assert row[rorac_headers.index("直接成本(Cd)")].value == 1000  # a number, not text


def test_data_sheets_have_frozen_header_and_filter(written):
    book = load_workbook(written["en"])
    for name in ("Bonus", "Scores", "RORAC"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet.column_dimensions["A"].width >= 8


def test_indicator_and_category_ids_get_names(written):
    sheet = load_workbook(written["zh"])["得分"]
    headers = _headers(sheet)
    assert "指标名称" in headers and "维度名称" in headers
    names = [r[headers.index("指标名称")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[:2] == ["风险调整后利润", "存款计划完成率"]
    rorac = load_workbook(written["en"])["RORAC"]
    assert "Business category name" in _headers(rorac)


def test_summary_reconciles_pool_and_counts_grades(written):
    sheet = load_workbook(written["en"])["Summary"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    labels = [r[0] for r in rows]
    check = rows[labels.index(
        "Difference (carried in + withheld − allocated − redistributed − carried out)"
    )]
    assert check[1] == 0
    grades = {r[0]: r[2] for r in rows if r[0] in ("A", "B", "C")}
    assert grades == {"A": 1, "B": 1, "C": 1}


def test_weights_sheet_holds_every_matrix_and_consistency(written):
    sheet = load_workbook(written["en"])["Weights"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    titles = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Matrix ")]
    assert titles == [
        "Matrix dimensions — combined (all experts)",
        "Matrix dimensions — Expert E1",
        "Matrix dimensions — Expert E2",
    ]
    first = rows.index(next(r for r in rows if r[0] == titles[0]))
    block = {r[0]: r[1] for r in rows[first : first + 30] if r[0] is not None}
    # the source's worked example: λmax 4.0145, CI 0.0048, RI 0.90, CR 0.0054 (4 decimals)
    assert block["λmax"] == pytest.approx(4.0145, abs=5e-5)
    assert block["Consistency index CI"] == pytest.approx(0.0048, abs=5e-5)
    assert block["Random index RI"] == 0.9 and block["RI table"] == "saaty_1980"
    assert block["Consistency ratio CR"] == pytest.approx(0.0054, abs=5e-5)
    assert block["Consistent"] is True
    accepted = "Accepted with justification / Accepted justification"
    assert block[accepted] == BOARD_NOTE
    financial = next(r for r in rows[first:] if r[0] == "Financial")
    assert list(financial[1:5]) == [1, 2, 3, 5]
    assert financial[5] == pytest.approx(0.4832, abs=5e-5)
    flat = [v for r in rows for v in r if v is not None]
    assert "Accepted with justification / dimensions" in flat and BOARD_NOTE in flat


def test_run_sheet_lists_inputs_with_hashes(written):
    sheet = load_workbook(written["zh"])["运行信息"]
    flat = [v for r in sheet.iter_rows(values_only=True) for v in r if v is not None]
    assert "ab" * 32 in flat and "managers.csv" in flat and "2026-10" in flat
    assert "unit.id" in flat and "B01" in flat


def test_formula_looking_text_is_inert(tmp_path):
    nasty = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "=HYPERLINK(\"a\")")
    result = make_result(names=nasty[:3])
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == list(nasty[:3])
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name)  # no formula anywhere


def test_rewrite_is_byte_identical(tmp_path, written):
    again = tmp_path / "again.xlsx"
    write_bonus_sheet(make_result(), again, language="zh")
    assert again.read_bytes() == written["zh"].read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 10, 31, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-10-31T00:00:00Z" in core


def test_charts_are_embedded_in_summary(tmp_path):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3), dpi=50)
    figure.add_subplot().plot([0, 1], [0, 1])
    png = tmp_path / "line.png"
    figure.savefig(png, metadata={"Software": None})
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(make_result(), path, language="en", charts={"line": png})
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert any(n.startswith("xl/media/") and n.endswith(".png") for n in names)
    assert any(n.startswith("xl/drawings/drawing") for n in names)


def test_unknown_columns_fall_back_to_key_and_dtype(tmp_path):
    result = make_result()
    managers = result.managers.assign(
        zz_metric=[1.5, 2.0, 0.0], bonus_extra=[1.0, 2.0, 3.0], zz_note=["a", "b", "c"]
    )
    result = RunResult(**{**result.__dict__, "managers": managers})
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    headers = _headers(sheet)
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    assert row[headers.index("zz_metric")].number_format == "#,##0.00"
    assert row[headers.index("zz_note")].number_format == "General"
    assert row[headers.index("Bonus: extra")].number_format == "#,##0.00"


def test_missing_values_are_empty_cells_not_nan(tmp_path):
    result = make_result()
    managers = result.managers.assign(leave_date=pd.to_datetime([None, "2026-10-15", None]))
    managers.loc[0, "pool_allocation"] = np.nan
    result = RunResult(**{**result.__dict__, "managers": managers})
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    headers = _headers(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][headers.index("Shared-pool allocation")] is None
    assert rows[0][headers.index("Leave date")] is None
    assert rows[1][headers.index("Leave date")].day == 15


def test_registry_covers_the_known_columns():
    known = (
        "manager_id name branch sub_branch team job_level hire_date leave_date pay_base "
        "position_coefficient category revenue ftp_cost management_cost fixed_cost risk_cost "
        "tax rorac rorac_stock rorac_increment n k0 rorac_weighted economic_capital rorac_ratio "
        "indicator actual target rule score local_weight global_weight contribution composite "
        "grade grade_coefficient profit_band bonus_gross withheld pool_allocation bonus_final "
        "carry_in allocated redistributed carry_out reason approved_by note level unit"
    )
    for key in known.split():
        assert key in COLUMNS and COLUMNS[key].zh and COLUMNS[key].en
    assert column_kind("rorac_ratio") == "percent"
    assert column_kind("anything", pd.Series(["a"]).dtype) == "text"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
        min_size=3,
        max_size=3,
    )
)
def test_any_text_round_trips_as_text(tmp_path, names):
    result = make_result(names=tuple(names))
    path = tmp_path / "h.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2, max_row=4)]
    for cell in cells:
        assert cell.data_type == "s"
    # characters XML cannot hold become U+FFFD; everything else is kept exactly as written
    for cell, name in zip(cells, names, strict=True):
        assert cell.value == ILLEGAL_XML.sub("\ufffd", name)


def test_markup_and_blanks_in_text_round_trip(tmp_path):
    names = ("<b>A&B</b>", "  leading and trailing  ", "line\r\nbreak")
    result = make_result(names=names)
    path = tmp_path / "t.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == list(names)


def test_empty_frames_still_get_their_sheets(tmp_path):
    result = make_result()
    empty = {key: getattr(result, key).iloc[0:0] for key in ("managers", "scores", "rorac")}
    result = RunResult(**{**result.__dict__, **empty})
    path = tmp_path / "e.xlsx"
    write_bonus_sheet(result, path, language="en")
    book = load_workbook(path)
    assert _headers(book["Bonus"])[0] == "Manager ID"
    assert book["Bonus"].max_row == 1


def test_every_part_is_well_formed_xml(written, tmp_path):
    import xml.etree.ElementTree as ET

    for path in written.values():
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    ET.fromstring(archive.read(name))  # raises on malformed XML


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=3, max_size=3
    )
)
def test_numbers_round_trip_exactly(tmp_path, amounts):
    result = make_result()
    managers = result.managers.assign(bonus_final=amounts)
    result = RunResult(**{**result.__dict__, "managers": managers})
    path = tmp_path / "n.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    column = _headers(sheet).index("Final bonus")
    assert [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)] == amounts
