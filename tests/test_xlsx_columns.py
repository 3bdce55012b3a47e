"""The workbook's data sheets are written whole-column (Arrow string kernels for numbers and
texts, issue 16): the XML is exactly what the cell-by-cell writer gives, for any values."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.report.xlsx import SheetColumn, _column_xml, _write_rows_xml

EPOCH = datetime(1899, 12, 30)
texts = st.one_of(st.none(), st.sampled_from(["", " lead", "trail ", "=SUM(A1)", "+1", "-x",
                                              "@a", "a&b<c>", "客户经理", "x\ry", "M0001"]),
                  st.text(max_size=6))
floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=64))
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def _cell_by_cell(columns: list[SheetColumn], styles, count: int, shift: int) -> bytes:
    letters = [chr(ord("A") + i) for i in range(len(columns))]
    rows = range(2, count + 2)
    cells = [_column_xml(c, letter, style, rows, EPOCH, shift)
             for c, letter, style in zip(columns, letters, styles, strict=True)]
    return "".join(f'<row r="{r}">{"".join(row)}</row>'
                   for r, row in zip(rows, zip(*cells, strict=True), strict=True)).encode()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_whole_column_xml_equals_the_cell_by_cell_xml(data) -> None:
    count = data.draw(st.integers(min_value=1, max_value=25))
    shift = data.draw(st.integers(min_value=0, max_value=3))
    size = count + shift
    text = pd.Series(data.draw(st.lists(texts, min_size=size, max_size=size)), dtype="str")
    number = pd.Series(data.draw(st.lists(floats, min_size=size, max_size=size)),
                       dtype="float64")
    whole = pd.Series(data.draw(st.lists(ints, min_size=size, max_size=size)), dtype="int64")
    columns = [SheetColumn.of("t", "text", text), SheetColumn.of("f", "number", number),
               SheetColumn.of("i", "count", whole)]
    styles = [(4, 5), (6, 6), (7, 7)]
    out = io.BytesIO()
    _write_rows_xml(out, columns, styles, count, EPOCH, shift)
    fresh = [SheetColumn.of("t", "text", text), SheetColumn.of("f", "number", number),
             SheetColumn.of("i", "count", whole)]
    assert out.getvalue() == _cell_by_cell(fresh, styles, count, shift)


def test_a_long_text_column_written_cell_by_cell_has_every_value() -> None:
    """A text column is kept as codes (its first rows as values, for the width); the
    cell-by-cell writer (a formula over it, say) still sees every value."""
    texts = pd.Series([f"M{i:05d}" if i % 7 else None for i in range(1000)], dtype="str")
    column = SheetColumn.of("id", "text", texts)
    cells = _column_xml(column, "A", (4, 5), range(900, 905), EPOCH)
    assert cells == [f'<c r="A{r}" s="4" t="inlineStr"><is><t>M{r - 2:05d}</t></is></c>'
                     if (r - 2) % 7 else "" for r in range(900, 905)]
