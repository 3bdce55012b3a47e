"""bonus_sheet.xlsx as a document (issue 15): the Payout sheet first with the payout columns
only, unit subtotals equal to the roll-ups and a grand total equal to the run's totals; the
Scheme sheet holding every parameter; details apart, each with frozen header, filter and
print setup; a table longer than a sheet continues on the next sheet, never cut; report/
computes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixture import sample_run

from appraisal.money import cents_to_yuan
from appraisal.report.excel import write_bonus_sheet

REPORT = Path(__file__).resolve().parents[1] / "appraisal" / "report"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "bonus_sheet.xlsx"
    write_bonus_sheet(sample_run("zh"), path, language="en")
    return load_workbook(path, data_only=True)


def test_payout_sheet_is_first_with_payout_columns_only(book):
    result = sample_run("zh")
    sheet = book.worksheets[0]
    assert sheet.title == "Payout"
    header = [c.value for c in sheet[2]]
    assert header == ["Manager ID", "Name", "Sub-branch", "Grade", "Composite score",
                      "Profit-linked bonus", "Grade-linked bonus", "Gross bonus",
                      "Withheld into shared pool", "Shared-pool allocation", "Final bonus"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    people = [r for r in rows if r[0] in set(result.managers["manager_id"])]
    assert len(people) == len(result.managers)
    final = {r[0]: r[10] for r in people}
    expected = dict(zip(result.managers["manager_id"],
                        cents_to_yuan(result.managers["bonus_final"]).tolist(), strict=True))
    assert final == expected


def test_payout_subtotals_equal_the_rollups_and_total_the_run(book):
    result = sample_run("zh")
    rows = list(book["Payout"].iter_rows(min_row=3, values_only=True))
    subtotals = {r[1]: r[10] for r in rows if r[0] == "Subtotal"}
    rollups = result.rollups[result.rollups["level"] == "sub_branch"]
    assert subtotals == dict(zip(rollups["unit"], cents_to_yuan(rollups["bonus_final"]).tolist(),
                                 strict=True))
    total = next(r for r in rows if r[0] == "Grand total")
    assert total[10] == cents_to_yuan(result.summary.totals["bonus_final"])
    flat = [v for r in rows for v in r if isinstance(v, str)]
    assert {"Prepared by:", "Reviewed by:", "Approved by:", "Date:"} <= set(flat)


def test_scheme_sheet_holds_every_parameter(book):
    flat = [v for r in book["Scheme"].iter_rows(values_only=True) for v in r if v is not None]
    for expected in ("Bonus components", "Profit bands", "Grades and pay coefficients",
                     "Pay base by job level", "Caps and floors", "Withholding rate", 0.6, 0.4,
                     "档次6", 200000.0, 1.5, 10000.0, 0.05):
        assert expected in flat


def test_bonus_sheet_starts_with_people_not_rorac_detail(book):
    header = [c.value for c in book["Bonus"][1]]
    assert not any("(stock)" in h or "(new business)" in h for h in header)
    assert "Profit bonus rounding (largest remainder)" in header
    detail = [c.value for c in book["RORAC by manager"][1]]
    assert "Revenue (E) (stock)" in detail and detail[0] == "Manager ID"


@pytest.mark.parametrize("title", ["Bonus", "RORAC by manager", "Scores", "RORAC"])
def test_detail_sheets_have_frozen_header_filter_and_print_setup(book, title):
    sheet = book[title]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows.replace("$", "") == "1:1"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # period, unit and the sheet's name (&A) in the header, page x / y in the footer
    assert sheet.oddHeader.center.text == "2026-10 城东支行 &A"
    assert sheet.oddFooter.center.text == "Page &P / &N"


def test_a_table_longer_than_a_sheet_is_split_never_cut(tmp_path):
    result = sample_run("zh")
    path = tmp_path / "split.xlsx"
    write_bonus_sheet(result, path, language="en", max_rows=101)  # 100 data rows a sheet
    book = load_workbook(path, data_only=True)
    parts = [s for s in book.worksheets if s.title == "Scores" or s.title.startswith("Scores (")]
    assert len(parts) == -(-len(result.scores) // 100) > 1
    assert [p.title for p in parts[1:3]] == ["Scores (2)", "Scores (3)"]
    header = [c.value for c in parts[0][1]]
    ids = []
    for part in parts:
        assert [c.value for c in part[1]] == header and part.freeze_panes == "A2"
        ids += [row[0] for row in part.iter_rows(min_row=2, values_only=True)]
    assert ids == result.scores["manager_id"].tolist()


_ARITHMETIC = re.compile(
    r"np\.(sum|cumsum|mean|diff|prod|round|add|subtract|multiply|divide)\b|\.cumsum\(|\.diff\("
    r"|\.prod\(|\.agg\(|\.aggregate\(|\.pivot_table\(|\.resample\("
)


def test_report_computes_no_figure():
    """No aggregation in report/ (with test_result_columns.test_report_computes_nothing):
    every figure the workbook shows, subtotals and scheme figures included, is the stages'."""
    found = [f"{path.name}:{n}: {line.strip()}"
             for path in sorted(REPORT.glob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if _ARITHMETIC.search(line)]
    assert found == []
