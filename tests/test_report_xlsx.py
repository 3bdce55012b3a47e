"""The fast xlsx path (report/xlsx.py): what it relies on from openpyxl, exercised directly.

openpyxl is pinned to 3.1.x in pyproject.toml; these tests fail first if an openpyxl release
changes any of it: `cell.style_id` is the index of the cell's format in the `cellXfs` openpyxl
writes, the saved workbook names each sheet's part in workbook.xml and its rels, and a
write-only sheet's header row ends in `</sheetData>` where the data rows go.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pandas as pd
from openpyxl import load_workbook

from appraisal.report.xlsx import NUMBER_FORMATS, SheetBook, SheetColumn, sheet_parts

STAMP = datetime(2026, 10, 31)


def test_openpyxl_is_in_the_pinned_range():
    major, minor = (int(p) for p in openpyxl.__version__.split(".")[:2])
    assert (major, minor) == (3, 1)


def test_style_ids_are_the_written_cell_formats(tmp_path):
    book = SheetBook("en", {}, STAMP)
    columns = [SheetColumn.of(kind, kind, pd.Series([1.5, 2.25])) for kind in NUMBER_FORMATS
               if kind not in ("date", "flag", "id", "text", "code")]
    book.frame_sheet("T", columns, 2)
    path = tmp_path / "t.xlsx"
    book.save(path)
    sheet = load_workbook(path)["T"]
    for cell, column in zip(next(sheet.iter_rows(min_row=2, max_row=2)), columns, strict=True):
        assert cell.number_format == NUMBER_FORMATS[column.kind], column.kind
        assert cell.value == 1.5


def test_sheet_parts_are_named_in_the_workbook_rels():
    book = SheetBook("en", {}, STAMP)
    book.block_sheet("First", [[("a", None)]])
    book.block_sheet("Second", [[("b", None)]])
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = sheet_parts(archive)
        assert parts == {"First": "xl/worksheets/sheet1.xml", "Second": "xl/worksheets/sheet2.xml"}
        assert all(re.search(rb"</sheetData>|<sheetData/>", archive.read(p))
                   for p in parts.values())


def test_core_properties_carry_the_period_not_the_clock(tmp_path):
    book = SheetBook("en", {}, STAMP)
    book.block_sheet("S", [[(1, "count")]])
    book.save(tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert "2026-10-31T00:00:00Z" in archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(2026, 10, 31, 0, 0, 0)}
