"""The fast xlsx path, isolated: openpyxl (public API only) writes the workbook's frame, this
module streams the data rows into the sheet XML.

openpyxl (write-only mode) writes styles, sheets with their column widths, panes, filter, header
row and images, saved with `Workbook.save` into memory. The archive is then copied entry by
entry with one fixed timestamp, `docProps/core.xml` re-rendered with the period's timestamp,
and each sheet's data rows rendered straight to XML before `</sheetData>` (the same markup
openpyxl writes). That is what makes 50,000 managers fast. Relied on (tested in
tests/test_report_xlsx.py, openpyxl pinned to 3.1.x in pyproject.toml): `cell.style_id` is the
cell's index in the `cellXfs` openpyxl writes, and `workbook.xml` + its rels name each sheet's
part. Text is always a string cell (never a formula); text starting with = + - @ also carries
Excel's quote prefix. The same content writes the same bytes.
"""

from __future__ import annotations

import io
import json
import math
import queue
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import tostring

from ..columns import Kind
from ..money import cents_to_yuan

if TYPE_CHECKING:
    from ..config import Period

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_ROWS",
    "NUMBER_FORMATS",
    "CellSpec",
    "Formula",
    "PrintSetup",
    "SheetBook",
    "SheetColumn",
    "fixed_timestamp",
    "sheet_ref",
]

# Rows an Excel sheet holds (a larger table is split over several sheets, never cut).
MAX_ROWS = 1_048_576

# Leading characters that make Excel (or a user pressing F2 + Enter) evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Number format of each column kind (money_cents is written in yuan, via appraisal.money).
NUMBER_FORMATS: dict[Kind, str] = {
    "id": "General",
    "text": "General",
    "code": "General",
    "money_cents": "#,##0.00",
    "score": "0.00",
    "ratio": "0.00%",
    "weight": "0.0000",
    "coefficient": "0.0000",
    "count": "0",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
    "flag": "General",
}

CellSpec = tuple[Any, str | None]  # (value, style: a Kind, "header", "title", "subtitle" or None)

# Characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STYLE_PREFIX = "appraise "
_MAX_WIDTH = 60.0
_MIN_WIDTH = 8.0
_WIDTH_SAMPLE = 200
_ROWS_PER_CHUNK = 5000
_MAX_FRAGMENTS = 100_000  # distinct texts of a column kept rendered
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CORE = "docProps/core.xml"
_MONEY_STYLES = ("money_cents", "total_money")  # int cents, written as yuan
_WIDTH_KIND = {"yuan": "money_cents", "total_money": "money_cents"}  # "yuan": already yuan


@dataclass(frozen=True)
class Formula:
    """A live formula cell: the Excel formula (without `=`) and the value the run computed,
    cached in the cell so a reader sees it before any recalculation (money in int cents)."""

    formula: str
    value: Any = None


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: A4, orientation, fit to page width, rows repeated on every page,
    header and footer texts (Excel codes: &P page, &N pages, &A sheet)."""

    landscape: bool = True
    title_rows: str | None = None  # e.g. "1:2"
    header: str = ""
    footer: str = "&P / &N"
    fit_width: bool = True


COMPRESS_LEVEL = 3
"""zlib level of the workbook's parts: level 3 deflates sheet XML about 2.3× faster than zlib's
default (6) for parts about 15% larger (measured on a 50,000-manager workbook); fixed, so the
same content gives the same bytes."""


def sheet_ref(title: str) -> str:
    """A sheet name as a formula reference prefix: `'考核方案'!`."""
    return "'" + title.replace("'", "''") + "'!"


def _formula_xml(ref: str, style: int, formula: str, value: Any) -> str:
    text = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not math.isfinite(value)):
        return f'<c r="{ref}" s="{style}"><f>{text}</f></c>'
    return f'<c r="{ref}" s="{style}"><f>{text}</f><v>{value!r}</v></c>'


def fixed_timestamp(period: Period) -> datetime:
    """The workbook timestamp of a period: its last day at midnight (never the wall clock)."""
    day = max(period.end, date(1980, 1, 1))
    return datetime.combine(day, time(0, 0))


def clean_text(value: str) -> str:
    """Text safe for XML: characters Excel cannot store become U+FFFD (visible, not dropped)."""
    return _ILLEGAL_XML.sub("\ufffd", value)


def _display_width(value: str) -> float:
    wide = sum(1 for ch in value if ord(ch) > 0x2E7F)
    return len(value) + wide * 0.8


def _sample_width(value: Any, kind: str) -> float:
    if isinstance(value, Formula):
        value = value.value
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 5.0
    if isinstance(value, int | float):
        if kind in ("money_cents", "number"):
            return len(f"{value:,.2f}")
        if kind == "ratio":
            return len(f"{value:.2%}")
        if kind in ("coefficient", "weight"):
            return len(f"{value:.4f}")
        if kind == "score":
            return len(f"{value:.2f}")
        return len(str(value))
    if isinstance(value, datetime | date):
        return 10.0
    return _display_width(str(value))


def python_value(value: Any) -> Any:
    """A plain Python value written as a number, date, bool or text; None for missing."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, Formula):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        return number
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, Mapping | list | tuple):
        return clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    return clean_text(str(value))


def _data_type(value: Any) -> str:
    if isinstance(value, Formula):
        return "n"
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int | float):
        return "n"
    if isinstance(value, datetime | date):
        return "d"
    return "s"


def _xml_text(value: str) -> str:
    """Escape text for an inline string; keep leading/trailing blanks and carriage returns."""
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if value != value.strip():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _cell_xml(ref: str, style: int, inert: int, value: Any, epoch: datetime) -> str:
    """One cell as sheet XML: numbers as numbers, text always as an inline string."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return _formula_xml(ref, style, value.formula, value.value)
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{style}" t="n"><v>{value!r}</v></c>'
    if isinstance(value, datetime | date):
        serial = to_excel(value, epoch)
        if serial is None:  # not a date (NaT)
            return ""
        return f'<c r="{ref}" s="{style}" t="n"><v>{serial!r}</v></c>'
    text_value = str(value)
    chosen = inert if text_value.startswith(FORMULA_PREFIXES) else style
    return f'<c r="{ref}" s="{chosen}" t="inlineStr"><is>{_xml_text(text_value)}</is></c>'


class SheetColumn:
    """One column ready to stream: header, kind, Python values, fixed cell type if uniform."""

    __slots__ = ("coded", "data_type", "formula", "fragments", "header", "kind", "numbers",
                 "rendered", "texts", "values", "width")

    def __init__(self, header: str, kind: Kind, values: list[Any], data_type: str | None) -> None:
        self.header = header
        self.kind = kind
        self.values = values
        self.data_type = data_type
        # A live formula per row: the template with `{row}` for the sheet row; values are cached.
        self.formula: str | None = None
        self.fragments: dict[str, str] = {}  # rendered text cells, by text
        # numbers as an array (float NaN or int, with None at the blanks of `values`), their
        # text made once, whole-column (`formatting`), when the column is uniform
        self.numbers: np.ndarray | None = None
        self.texts: pa.Array | None = None
        # a text column as dictionary codes into its cleaned texts (`values` then holds only
        # the first rows, for the width)
        self.coded: pa.DictionaryArray | None = None
        self.rendered: dict[tuple[int, int], pa.Array] = {}  # its distinct texts' cell XML
        sample = [_sample_width(v, kind) for v in values[:_WIDTH_SAMPLE]]
        width = max([_display_width(header) * 1.05, *sample]) + 2
        self.width = min(max(width, _MIN_WIDTH), _MAX_WIDTH)

    @classmethod
    def of(cls, header: str, kind: Kind, series: pd.Series) -> SheetColumn:
        """A frame's column as Python values (None = empty cell) and its uniform cell type."""
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype) and not series.isna().any():
            return cls(header, kind, series.astype(bool).tolist(), "b")
        if pd.api.types.is_datetime64_any_dtype(dtype):
            if getattr(dtype, "tz", None) is not None:
                series = series.dt.tz_localize(None)
            values = series.astype(object).tolist()
            dates = [None if v is pd.NaT or v is None else v.to_pydatetime() for v in values]
            return cls(header, kind, dates, "d")
        if pd.api.types.is_integer_dtype(dtype):
            if not series.isna().any():
                ints = series.astype("int64").to_numpy()
                return cls(header, kind, ints.tolist(), "n").with_numbers(ints)
            ints = series.astype("Int64").to_numpy(dtype=object, na_value=None).tolist()
            return cls(header, kind, [None if v is None else int(v) for v in ints], "n")
        if pd.api.types.is_float_dtype(dtype):
            floats = series.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isinf(floats).any():
                return cls(header, kind, [python_value(v) for v in floats.tolist()], None)
            values = floats.tolist()
            for at in np.flatnonzero(np.isnan(floats)).tolist():
                values[at] = None  # an empty cell
            return cls(header, kind, values, "n").with_numbers(floats)
        coded = _coded_text(series)
        if coded is not None:  # text or blank throughout: kept as codes into cleaned texts
            head = coded.slice(0, _WIDTH_SAMPLE).cast(pa.string()).to_pylist()
            column = cls(header, kind, head, "s")
            column.coded = coded
            return column
        cleaned: dict[str, str] = {}
        values = []
        plain = True  # text or blank throughout
        for v in series.astype(object).tolist():
            if type(v) is str:
                text = cleaned.get(v)
                if text is None:
                    text = clean_text(v)
                    if len(cleaned) < _MAX_FRAGMENTS:
                        cleaned[v] = text
                values.append(text)
            else:
                value = python_value(v)
                plain = plain and value is None
                values.append(value)
        column = cls(header, kind, values, None)
        column.data_type = "s" if plain else None
        return column


    def with_numbers(self, numbers: np.ndarray) -> SheetColumn:
        """Keep the values' array (float64 with NaN blanks, or int64) for whole-column text."""
        self.numbers = numbers
        return self

    def every_value(self) -> list[Any]:
        """All values as Python objects (a coded text column's made on first use)."""
        if self.coded is not None and len(self.values) < len(self.coded):
            self.values = self.coded.cast(pa.string()).to_pylist()
        return self.values

    def number_text(self) -> pa.Array:
        """Every value's text as its cell holds it (Python's repr; blank for NaN), once."""
        if self.texts is None:
            from ..formatting import float_text, int_text

            numbers = self.numbers
            if numbers is None:  # pragma: no cover - only numeric columns are asked
                raise TypeError("not a numeric column")
            self.texts = (float_text(numbers) if numbers.dtype.kind == "f"
                          else int_text(numbers))
        return self.texts


def _coded_text(series: pd.Series) -> pa.DictionaryArray | None:
    """A column of texts and blanks as dictionary codes into its distinct texts, each made
    XML-safe once (`clean_text`); None when it holds anything else (a number, a date ...)."""
    if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
        return None
    try:
        text = pa.array(series, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if pa.types.is_dictionary(text.type):
        text = text.cast(text.type.value_type)
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)
            or pa.types.is_null(text.type)):
        return None
    coded = pc.dictionary_encode(text.cast(pa.string()))
    if isinstance(coded, pa.ChunkedArray):
        coded = coded.combine_chunks()
    cleaned = pa.array([clean_text(v) for v in coded.dictionary.to_pylist()], pa.string())
    return pa.DictionaryArray.from_arrays(coded.indices, cleaned)


def _row_text(rows: range) -> pa.Array:
    return pa.array([str(r) for r in rows], pa.string())


def _column_cells(
    column: SheetColumn, letter: str, styles: tuple[int, int], rows: range, row_text: pa.Array,
    epoch: datetime, shift: int = 0,
) -> pa.Array:
    """The cells of one column for a chunk of rows as XML text ('' for an empty cell): a numeric
    column whole, by Arrow string kernels; any other by `_column_xml`, cell by cell."""
    if column.formula is None and column.data_type == "n" and column.numbers is not None:
        offset = rows.start - 2 + shift
        text = column.number_text().slice(offset, len(rows))
        style = styles[0]
        cells = pc.binary_join_element_wise(
            f'<c r="{letter}', row_text, f'" s="{style}" t="n"><v>', text, "</v></c>", "")
        return pc.if_else(pc.equal(text, ""), "", cells)
    if column.formula is None and column.data_type == "s":
        return _text_cells(column, letter, styles, rows, row_text, shift)
    return pa.array(_column_xml(column, letter, styles, rows, epoch, shift), pa.string())


def _text_cells(column: SheetColumn, letter: str, styles: tuple[int, int], rows: range,
                row_text: pa.Array, shift: int) -> pa.Array:
    """A text column's cells for a chunk: each distinct text rendered once (as `_column_xml`
    does), placed by its dictionary code."""
    offset = rows.start - 2 + shift
    if column.coded is not None:
        rendered = column.rendered.get(styles)
        if rendered is None:  # the whole column's distinct texts, once per style
            rendered = _fragments(column, column.coded.dictionary.to_pylist(), styles)
            column.rendered[styles] = rendered
        text = pc.take(rendered, column.coded.indices.slice(offset, len(rows)))
    else:
        coded = pc.dictionary_encode(pa.array(column.values[offset: offset + len(rows)],
                                              pa.string()))
        text = pc.take(_fragments(column, coded.dictionary.to_pylist(), styles), coded.indices)
    cells = pc.binary_join_element_wise(f'<c r="{letter}', row_text, '"', text, "")
    return pc.fill_null(cells, "")


def _fragments(column: SheetColumn, texts: list[str], styles: tuple[int, int]) -> pa.Array:
    """Each text's cell XML after the reference (`_column_xml`'s fragments, shared cache)."""
    return pa.array([_fragment(column, v, styles) for v in texts], pa.string())


def _fragment(column: SheetColumn, text: str, styles: tuple[int, int]) -> str:
    """One text's cell XML after the reference, rendered once per column (cached)."""
    fragment = column.fragments.get(text)
    if fragment is None:
        style, inert = styles
        chosen = inert if text.startswith(FORMULA_PREFIXES) else style
        fragment = f' s="{chosen}" t="inlineStr"><is>{_xml_text(text)}</is></c>'
        if len(column.fragments) < _MAX_FRAGMENTS:
            column.fragments[text] = fragment
    return fragment


def _column_xml(
    column: SheetColumn, letter: str, styles: tuple[int, int], rows: range, epoch: datetime,
    shift: int = 0,
) -> list[str]:
    """The cells of one column for a chunk of rows (sheet row numbers in `rows`)."""
    style, inert = styles
    offset = rows.start - 2 + shift
    values = column.every_value()[offset : offset + len(rows)]
    if column.formula is not None:
        template = column.formula
        return [
            _formula_xml(f"{letter}{r}", style, template.replace("{row}", str(r)), v)
            for r, v in zip(rows, values, strict=True)
        ]
    if column.data_type == "n":
        return [
            "" if v is None else f'<c r="{letter}{r}" s="{style}" t="n"><v>{v!r}</v></c>'
            for r, v in zip(rows, values, strict=True)
        ]
    # text repeats (ids of dimensions, rules, units …): each distinct text rendered once
    out = []
    for r, v in zip(rows, values, strict=True):
        if type(v) is str:
            out.append(f'<c r="{letter}{r}"{_fragment(column, v, styles)}')
        else:
            out.append(_cell_xml(f"{letter}{r}", style, inert, v, epoch))
    return out


def _write_rows_xml(
    target: Any,
    columns: Sequence[SheetColumn],
    styles: Sequence[tuple[int, int]],
    count: int,
    epoch: datetime,
    shift: int = 0,
) -> None:
    """Stream the data rows (sheet rows 2..count+1) as XML, a chunk of rows at a time; `shift`
    is the index of the first value written (a split sheet's later parts)."""
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    for first in range(2, count + 2, _ROWS_PER_CHUNK):
        rows = range(first, min(first + _ROWS_PER_CHUNK, count + 2))
        row_text = _row_text(rows)
        cells = [
            _column_cells(column, letter, style, rows, row_text, epoch, shift)
            for column, letter, style in zip(columns, letters, styles, strict=True)
        ]
        # one text per row, '<row r="n">' + its cells + '</row>', and the chunk's rows as one
        # run of UTF-8 bytes (the data buffer of the joined array)
        joined = pc.binary_join_element_wise('<row r="', row_text, '">', *cells, "</row>", "")
        target.write(_utf8(joined))


def _utf8(text: pa.Array) -> bytes:
    """The concatenation of a string array's values (no nulls), as the bytes it holds."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if len(text) == 0:
        return b""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32 if pa.types.is_string(
        text.type) else np.int64)[text.offset: text.offset + len(text) + 1]
    return text.buffers()[2].to_pybytes()[int(offsets[0]): int(offsets[-1])]


def _default_style(data_type: str) -> str:
    return {"n": "number", "d": "date"}.get(data_type, "text")


def sheet_parts(archive: ZipFile) -> dict[str, str]:
    """Sheet title -> archive name of its worksheet part, from workbook.xml and its rels."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")
    }
    parts = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets[sheet.get(f"{_REL_NS}id")]
        parts[str(sheet.get("name"))] = target.lstrip("/") if target.startswith("/") \
            else f"xl/{target}"
    return parts


class SheetBook:
    """A write-only workbook with the report's named styles registered once."""

    def __init__(self, language: str, labels: Mapping[str, Mapping[str, str]],
                 stamp: datetime) -> None:
        self.language = language
        self.labels = labels
        self.stamp = stamp
        self.workbook = Workbook(write_only=True)
        props = self.workbook.properties
        props.created = stamp
        props.modified = stamp
        props.creator = "appraise"
        props.lastModifiedBy = "appraise"
        thin = Side(style="thin", color="808080")
        styles = [
            NamedStyle(
                name=_STYLE_PREFIX + "header",
                font=Font(bold=True),
                fill=PatternFill("solid", fgColor="DDE5F0"),
                border=Border(bottom=thin),
                alignment=Alignment(vertical="center", wrap_text=True),
            ),
            NamedStyle(name=_STYLE_PREFIX + "title", font=Font(bold=True, size=14)),
            NamedStyle(name=_STYLE_PREFIX + "subtitle", font=Font(bold=True, size=11)),
            NamedStyle(name=_STYLE_PREFIX + "total", font=Font(bold=True), border=Border(top=thin)),
            NamedStyle(name=_STYLE_PREFIX + "total_money", font=Font(bold=True),
                       border=Border(top=thin), number_format=NUMBER_FORMATS["money_cents"]),
            NamedStyle(name=_STYLE_PREFIX + "yuan", number_format=NUMBER_FORMATS["money_cents"]),
        ]
        for kind, number_format in NUMBER_FORMATS.items():
            styles.append(NamedStyle(name=_STYLE_PREFIX + kind, number_format=number_format))
        for style in styles:
            self.workbook.add_named_style(style)
        self._bodies: dict[str, Callable[[Any], None]] = {}
        self._ids: dict[str, tuple[int, int]] = {}
        self._named: dict[str, tuple[int, int, bool]] = {}

    def cell(self, sheet: Any, style: str, *, inert: bool = False) -> WriteOnlyCell:
        """A cell carrying one of the report's styles."""
        cell = WriteOnlyCell(sheet)
        cell.style = _STYLE_PREFIX + style
        if inert:
            cell.quotePrefix = True
        return cell

    def sheet(self, title: str, widths: Sequence[float], *, freeze: str | None = None,
              printing: PrintSetup | None = None) -> Any:
        sheet = self.workbook.create_sheet(title=title)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            sheet.freeze_panes = freeze
        if printing is not None:
            _print_setup(sheet, printing)
        return sheet

    def _style_ids(self, sheet: Any, style: str | None, value: Any) -> tuple[int, int, bool]:
        """(style id, quote-prefixed style id, styled even when empty) of a block cell."""
        if style is not None:
            known = self._named.get(style)
            if known is not None:
                return known
        name = style or _default_style(_data_type(python_value(value)))
        ids = self._ids.get(name)
        if ids is None:
            ids = (self.cell(sheet, name).style_id, self.cell(sheet, name, inert=True).style_id)
            self._ids[name] = ids
        if style is not None:
            self._named[style] = (ids[0], ids[1], name == "header")
        return ids[0], ids[1], name == "header"

    def block_sheet(self, title: str, rows: Sequence[Sequence[CellSpec]], *,
                    printing: PrintSetup | None = None, freeze: str | None = None,
                    filter_ref: str | None = None) -> Any:
        """A sheet of small blocks: rows of (value, style) written as given (money_cents values
        are int cents, shown as yuan; a `Formula` caches its value)."""
        widths: dict[int, float] = {}
        prepared_values = [
            [(_shown(value, style), style) for value, style in row] for row in rows
        ]
        sample = (prepared_values if len(prepared_values) <= 2 * _WIDTH_SAMPLE else
                  [*prepared_values[:_WIDTH_SAMPLE], *prepared_values[-_WIDTH_SAMPLE:]])
        for row in sample:
            for col, (value, style) in enumerate(row, start=1):
                if style in ("title", "subtitle"):
                    continue
                kind = style if style in NUMBER_FORMATS else _WIDTH_KIND.get(style, "text")
                width = _sample_width(value, kind) + 2
                widths[col] = max(widths.get(col, _MIN_WIDTH), min(width, _MAX_WIDTH))
        count = max(widths) if widths else 1
        sheet = self.sheet(title, [widths.get(i, _MIN_WIDTH) for i in range(1, count + 1)],
                           freeze=freeze, printing=printing)
        if filter_ref:
            sheet.auto_filter.ref = filter_ref
        epoch = self.workbook.epoch
        prepared = [
            [
                (col, python_value(value), self._style_ids(sheet, style, value))
                for col, (value, style) in enumerate(row, start=1)
            ]
            for row in prepared_values
        ]

        def write(target: Any) -> None:
            parts = []
            for number, row in enumerate(prepared, start=1):
                cells = "".join(
                    _cell_xml(f"{get_column_letter(col)}{number}", ids[0], ids[1], value, epoch)
                    if value is not None
                    else f'<c r="{get_column_letter(col)}{number}" s="{ids[0]}"/>'
                    if ids[2]
                    else ""
                    for col, value, ids in row
                )
                parts.append(f'<row r="{number}">{cells}</row>')
            target.write("".join(parts).encode("utf-8"))

        self._bodies[title] = write
        return sheet

    def frame_sheet(self, title: str, columns: Sequence[SheetColumn], count: int, *,
                    printing: PrintSetup | None = None, max_rows: int = MAX_ROWS) -> Any:
        """One table per sheet: header row frozen, auto-filter, one style per column. A table
        longer than a sheet holds (`max_rows` with its header) continues on sheets titled
        `title (2)`, `title (3)` …, each with the header: split, never cut."""
        per_sheet = max(max_rows - 1, 1)
        first = None
        for part, start in enumerate(range(0, max(count, 1), per_sheet), start=1):
            rows = min(per_sheet, count - start) if count else 0
            name = title if part == 1 else _part_title(title, part)
            sheet = self._frame_part(name, columns, rows, start, printing)
            first = first if first is not None else sheet
        return first

    def _frame_part(self, title: str, columns: Sequence[SheetColumn], count: int, shift: int,
                    printing: PrintSetup | None) -> Any:
        widths = [column.width for column in columns] or [_MIN_WIDTH]
        sheet = self.sheet(title, widths, freeze="A2", printing=printing)
        header = []
        for column in columns:
            cell = self.cell(sheet, "header")
            cell.value = column.header
            cell.data_type = "s"  # a header is text, whatever it starts with
            header.append(cell)
        sheet.append(header)
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
        styles = [self._style_ids(sheet, c.kind, None)[:2] for c in columns]
        epoch = self.workbook.epoch

        def write(target: Any) -> None:
            _write_rows_xml(target, columns, styles, count, epoch, shift)

        self._bodies[title] = write
        return sheet

    def save(self, path: Path) -> None:
        """Write the workbook with fixed timestamps (byte-identical for identical content)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.workbook.worksheets:
            self.workbook.create_sheet()
        shell = io.BytesIO()
        self.workbook.save(shell)  # styles, sheet frames, header rows, images
        props = self.workbook.properties
        props.created = props.modified = self.stamp  # `save` stamps the wall clock
        core = tostring(props.to_tree())
        stamp = self.stamp.timetuple()[:6]
        with ZipFile(shell) as source, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True,
                                                compresslevel=COMPRESS_LEVEL) as out:
            bodies = {part: self._bodies[title] for title, part in sheet_parts(source).items()
                      if title in self._bodies}
            for entry in source.infolist():
                info = ZipInfo(entry.filename, date_time=stamp)
                info.compress_type = ZIP_DEFLATED
                _compress_level(info)
                info.external_attr = 0o600 << 16
                if entry.filename in bodies:
                    _splice(out, info, source.read(entry.filename), bodies[entry.filename])
                elif entry.filename == _CORE:
                    out.writestr(info, core)
                else:
                    out.writestr(info, source.read(entry.filename))


def _part_title(title: str, part: int) -> str:
    """The title of a split sheet's later part (Excel allows 31 characters)."""
    suffix = f" ({part})"
    return title[: 31 - len(suffix)] + suffix


def _print_setup(sheet: Any, printing: PrintSetup) -> None:
    """A4, orientation, fit to width, repeated rows, header and footer of one sheet."""
    setup = sheet.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = "landscape" if printing.landscape else "portrait"
    if printing.fit_width:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth = 1
        setup.fitToHeight = 0
    if printing.title_rows:
        sheet.print_title_rows = printing.title_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if printing.header:
        sheet.oddHeader.center.text = printing.header
    if printing.footer:
        sheet.oddFooter.center.text = printing.footer


def _shown(value: Any, style: str | None) -> Any:
    """A block cell's value as written: int cents of a money cell become yuan (also the value
    a formula cell caches)."""
    if style not in _MONEY_STYLES and not isinstance(value, Formula):
        return value
    if isinstance(value, Formula):
        cached = value.value
        if cached is not None and not pd.isna(cached):
            cached = _shown(cached, style)
        return Formula(value.formula, python_value(cached) if cached is not None else None)
    if style in _MONEY_STYLES and value is not None and not pd.isna(value):
        return float(cents_to_yuan([int(value)])[0])
    return value


def _compress_level(info: ZipInfo) -> None:
    """COMPRESS_LEVEL for one part (a ZipInfo does not take the ZipFile's level: Python 3.11
    and 3.12 read `_compresslevel`, 3.13 and later `compress_level`)."""
    name = "compress_level" if hasattr(ZipInfo, "compress_level") else "_compresslevel"
    setattr(info, name, COMPRESS_LEVEL)


def _splice(out: ZipFile, info: ZipInfo, shell: bytes, body: Callable[[Any], None]) -> None:
    """The sheet openpyxl wrote (header row only) with the data rows streamed in; the rows'
    XML is built in this thread while a second one compresses what came before."""
    text = shell.decode("utf-8")
    if "</sheetData>" in text:
        head, tail = text.split("</sheetData>", 1)
    elif "<sheetData/>" in text:
        head, tail = text.split("<sheetData/>", 1)
        head += "<sheetData>"
    else:  # pragma: no cover - openpyxl always writes sheetData
        raise RuntimeError(f"no sheetData in worksheet {info.filename}")
    info.file_size = 1 << 32  # unknown in advance: allow ZIP64
    with out.open(info, "w", force_zip64=True) as target:
        target.write(head.encode("utf-8"))
        with _Behind(target) as behind:
            body(behind)
        target.write(b"</sheetData>" + tail.encode("utf-8"))


class _Behind:
    """A write target whose writes happen in a second thread, in order (zlib's deflate and the
    CRC release the GIL, so they run beside the XML being built); an error there is raised
    here. The bytes are the same as writing directly."""

    def __init__(self, target: Any) -> None:
        self._target = target
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, daemon=True)

    def __enter__(self) -> _Behind:
        self._thread.start()
        return self

    def _drain(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._failed is None:
                try:
                    self._target.write(data)
                except BaseException as exc:  # re-raised in the caller's thread
                    self._failed = exc

    def write(self, data: bytes) -> None:
        if self._failed is not None:
            raise self._failed
        self._queue.put(bytes(data))

    def __exit__(self, *_: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed
