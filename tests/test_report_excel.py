"""bonus_sheet.xlsx: sheet names, headers in both languages, number formats, values, inert text,
byte-identical rewrites. The RunResult comes from the real pipeline on the sample branch
(tests/report_fixture.py)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from report_fixture import BOARD_NOTE, sample_run, with_names

from appraisal.columns import column_registry
from appraisal.errors import InternalError
from appraisal.money import cents_to_yuan
from appraisal.report.excel import write_bonus_sheet

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def make_result(*, names: tuple[str, ...] | None = None, language: str = "zh"):
    """The sample branch's run (60 managers), the first managers renamed when `names` given."""
    result = sample_run(language)
    return result if names is None else with_names(result, names)


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
        "发放表", "考核方案", "汇总", "奖金", "客户经理利润明细", "得分", "风险调整后利润", "权重",
        "公共绩效池", "图表数据", "运行信息",
    ]
    assert en.sheetnames == ["Payout", "Scheme", "Summary", "Bonus", "RORAC by manager", "Scores",
                             "RORAC", "Weights", "Pool ledger", "Chart data", "Run"]


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
    sheet = load_workbook(written["en"], data_only=True)["Bonus"]
    headers = _headers(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(result.managers)
    money = set(result.columns.of_kind("money_cents", result.managers.columns))
    for key in ("manager_id", "pay_base", "composite", "bonus_gross", "withheld", "bonus_final"):
        column = headers.index(result.columns.label(key, "en"))
        expected = result.managers[key]
        # money: int cents shown as cents / 100; exact: numbers stored as numbers
        expected = cents_to_yuan(expected).tolist() if key in money else expected.tolist()
        assert [row[column] for row in rows] == expected
    hire = headers.index("Hire date")
    first = result.managers["hire_date"].iloc[0].date().isoformat()
    assert rows[0][hire].date().isoformat() == first


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
    assert row[rorac_headers.index("存量直接成本(Cd)")].number_format == "#,##0.00"
    cents = int(make_result().rorac["direct_cost_stock"].iloc[0])
    assert row[rorac_headers.index("存量直接成本(Cd)")].value == cents / 100  # a number, not text
    assert row[rorac_headers.index("经济资本回报率")].number_format == "0.00%"


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
    labels = make_result().labels
    expected = [labels[i]["zh"] for i in make_result().scores["indicator"][:2]]
    assert names[:2] == expected == ["风险调整后利润", "存款计划完成率"]
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
    grades = {r[0]: r[2] for r in rows if r[0] in ("A", "B", "C", "D", "E")}
    counts = make_result().managers["grade"].value_counts()
    assert grades == {g: int(n) for g, n in counts.items()}


def test_weights_sheet_holds_every_matrix_and_consistency(written):
    sheet = load_workbook(written["en"])["Weights"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    titles = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Matrix ")]
    assert titles[:3] == [
        "Matrix Dimensions — combined (all experts)",
        "Matrix Dimensions — Expert E1",
        "Matrix Dimensions — Expert E2",
    ]
    # every matrix of the run, combined and per expert
    weights = make_result().weights
    assert len(titles) == sum(1 + len(m.experts) for m in weights.matrices.values())
    first = rows.index(next(r for r in rows if r[0] == titles[0]))
    block = {r[0]: r[1] for r in rows[first : first + 30] if r[0] is not None}
    # the source's worked example: λmax 4.0145, CI 0.0048, RI 0.90, CR 0.0054 (4 decimals)
    assert block["λmax"] == pytest.approx(4.0145, abs=5e-5)
    assert block["Consistency index CI"] == pytest.approx(0.0048, abs=5e-5)
    assert block["Random index RI"] == 0.9 and block["RI table"] == "Saaty (1980)"
    assert block["Consistency ratio CR"] == pytest.approx(0.0054, abs=5e-5)
    assert block["Consistent"] == "Yes"
    assert block["Accepted justification"] == BOARD_NOTE
    financial = next(r for r in rows[first:] if r[0] == "Financial")
    assert list(financial[1:5]) == [1, 2, 3, 5]
    assert financial[5] == pytest.approx(0.4832, abs=5e-5)
    flat = [v for r in rows for v in r if v is not None]
    assert "Accepted justification — dimensions" in flat and BOARD_NOTE in flat


def test_run_sheet_lists_inputs_with_hashes(written):
    sheet = load_workbook(written["zh"])["运行信息"]
    flat = [v for r in sheet.iter_rows(values_only=True) for v in r if v is not None]
    record = make_result().inputs[0]
    assert record.sha256 in flat and record.path in flat and "2026-10" in flat
    assert "unit.id" in flat and "B01" in flat


def test_formula_looking_text_is_inert(tmp_path):
    nasty = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "=HYPERLINK(\"a\")")
    result = make_result(names=nasty[:3])
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2, max_row=4)]
    assert [c.value for c in cells] == list(nasty[:3])
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                formulas = re.findall(rb"<f>(.*?)</f>", archive.read(name))
                # the only formulas are the workbook's own arithmetic, never a cell's text
                assert not [f for f in formulas if b"HYPERLINK" in f or b"SUM(A1)" in f]
                plain = [re.sub(r"'[^']*'!", "", f.decode()) for f in formulas]
                assert all(re.fullmatch(r"(SUBTOTAL\(9,)?[A-Z0-9$+\-*.,:)]+", f) for f in plain)


def test_rewrite_is_byte_identical(tmp_path, written):
    again = tmp_path / "again.xlsx"
    write_bonus_sheet(make_result(), again, language="zh")
    assert again.read_bytes() == written["zh"].read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 10, 31, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-10-31T00:00:00Z" in core


def test_summary_charts_are_native_not_pictures(tmp_path):
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(make_result(), path, language="en", charts={})
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert not any(n.startswith("xl/media/") for n in names)
    assert any(n.startswith("xl/charts/chart") for n in names)
    assert any(n.startswith("xl/drawings/drawing") for n in names)


def test_a_column_the_registry_does_not_know_is_an_internal_error(tmp_path):
    result = make_result()
    managers = result.managers.assign(zz_metric=1.5)
    result = replace(result, managers=managers)
    with pytest.raises(InternalError, match="zz_metric"):
        write_bonus_sheet(result, tmp_path / "b.xlsx", language="en")
    assert not (tmp_path / "b.xlsx").exists()


def test_missing_values_are_empty_cells_not_nan(tmp_path):
    result = make_result()
    leave = [None, "2026-10-15"] + [None] * (len(result.managers) - 2)
    managers = result.managers.assign(leave_date=pd.to_datetime(leave))
    managers["pool_allocation"] = managers["pool_allocation"].astype("Int64")
    managers.loc[0, "pool_allocation"] = pd.NA
    result = replace(result, managers=managers)
    path = tmp_path / "b.xlsx"
    write_bonus_sheet(result, path, language="en")
    sheet = load_workbook(path)["Bonus"]
    headers = _headers(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][headers.index("Shared-pool allocation")] is None
    assert rows[0][headers.index("Leave date")] is None
    assert rows[1][headers.index("Leave date")].day == 15


def test_registry_covers_the_known_columns():
    registry = column_registry(make_result().config)
    known = (
        "manager_id name branch sub_branch team job_level hire_date leave_date pay_base "
        "position_coefficient category revenue_stock direct_cost_stock management_cost_stock "
        "fixed_cost_stock risk_cost_stock tax_stock rorac rorac_stock rorac_increment "
        "stock_age_years k0 rorac_weighted economic_capital rorac_ratio "
        "indicator actual target rule score local_weight global_weight contribution composite "
        "grade grade_coefficient profit_band bonus_gross withheld pool_allocation bonus_final "
        "carry_in allocated redistributed carry_out reason approved_by note level unit"
    )
    for key in known.split():
        assert key in registry and registry[key].zh and registry[key].en
    assert registry.kind("rorac_ratio") == "ratio"
    assert registry.kind("bonus_final") == "money_cents"
    assert registry["bonus_final"].unit == "CNY cents"
    with pytest.raises(InternalError, match="anything"):
        registry.kind("anything")


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
    assert [row[1].value for row in sheet.iter_rows(min_row=2, max_row=4)] == list(names)


def test_empty_frames_still_get_their_sheets(tmp_path):
    result = make_result()
    empty = {key: getattr(result, key).iloc[0:0] for key in ("managers", "scores", "rorac")}
    result = replace(result, **empty)
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
    ),
    cents=st.lists(st.integers(-(2**53), 2**53), min_size=3, max_size=3),
)
def test_numbers_round_trip_exactly(tmp_path, amounts, cents):
    result = make_result()
    rest = len(result.managers) - 3
    managers = result.managers.assign(
        composite=amounts + [0.0] * rest,
        bonus_final=np.array(cents + [0] * rest, dtype=np.int64),
    )
    path = tmp_path / "n.xlsx"
    write_bonus_sheet(replace(result, managers=managers), path, language="en")
    sheet = load_workbook(path, data_only=True)["Bonus"]  # cached values of the formulas
    headers = _headers(sheet)
    rows = list(sheet.iter_rows(min_row=2, max_row=4, values_only=True))
    assert [row[headers.index("Composite score")] for row in rows] == amounts
    # money: exact int cents shown as the double nearest to cents / 100
    assert [row[headers.index("Final bonus")] for row in rows] == [c / 100 for c in cents]


def test_weights_sheet_in_chinese_names_matrices_and_reasons(written):
    """zh: each matrix by its display name, an excluded expert's reason in Chinese (the audit
    and weights.json keep the English text), on the Weights and the Run sheets."""
    book = load_workbook(written["zh"])
    rows = [r for r in book["权重"].iter_rows(values_only=True)]
    titles = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("判断矩阵 ")]
    assert titles[0] == "判断矩阵 维度 — 综合(专家合成)"
    assert not [t for t in titles if re.search(r"判断矩阵 [a-z_]+ ", t)]
    reasons = [r[1] for r in rows if r[0] == "剔除原因"]
    excluded = [e for m in make_result().weights.matrices.values() for e in m.experts
                if e.excluded]
    assert len(reasons) == len(excluded) >= 1
    assert all(re.fullmatch(r"CR \d\.\d{4} >= 0\.1（不一致专家的处理：剔除）", r) for r in reasons)
    run = [r for r in book["运行信息"].iter_rows(values_only=True)]
    audited = [r[1] for r in run if isinstance(r[0], str) and r[0].startswith("剔除的专家: ")]
    assert audited == reasons
