"""`bonus_sheet.xlsx`: the workbook HR checks and finance signs off (奖金分配表).

Sheets: Summary (totals per unit, shared-pool reconciliation, grade distribution, score
statistics, charts), Bonus (one row per manager), Scores (manager x indicator), RORAC (manager x
category), Weights (every AHP matrix), Pool ledger, Run (inputs with SHA-256, config, version).
openpyxl (write-only mode) writes the workbook, its styles and each sheet's frame (columns,
header row, panes, filter); the data rows are rendered straight to sheet XML with the style ids
prepared once, which is what makes 50,000 managers fast. Text is always a string cell (never a
formula) and text starting with = + - @ also carries Excel's quote prefix. The same run writes
the same bytes: workbook and zip timestamps come from the period.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.excel import ExcelWriter

from .._version import __version__
from ..money import yuan_to_cents
from .labels import (
    COLUMNS,
    NUMBER_FORMATS,
    SHEET_NAMES,
    VALUE_COLUMNS,
    Kind,
    Language,
    ahp_header,
    column_header,
    column_kind,
    text,
    value_label,
)

if TYPE_CHECKING:
    from ..config import Period
    from ..pipeline import RunResult

__all__ = [
    "FORMULA_PREFIXES",
    "CellSpec",
    "SheetBook",
    "display_frame",
    "fixed_timestamp",
    "report_language",
    "table_rows",
    "write_bonus_sheet",
]

# Leading characters that make Excel (or a user pressing F2 + Enter) evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Labels = Mapping[str, Mapping[str, str]]
CellSpec = tuple[Any, str | None]  # (value, style: a Kind, "header", "title", "subtitle" or None)

# Characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STYLE_PREFIX = "appraise "
_MAX_WIDTH = 60.0
_MIN_WIDTH = 8.0
_WIDTH_SAMPLE = 200


def report_language(result: RunResult, language: Language | None = None) -> Language:
    """The language to write in: the argument, else `output.language`, else the root `language`."""
    if language is not None:
        if language not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', got {language!r}")
        return language
    config = result.config
    return config.output.language or config.language


def fixed_timestamp(period: Period) -> datetime:
    """The workbook timestamp of a period: its last day at midnight (never the wall clock)."""
    day = max(period.end, date(1980, 1, 1))
    return datetime.combine(day, time(0, 0))


def _clean_text(value: str) -> str:
    """Text safe for XML: characters Excel cannot store become U+FFFD (visible, not dropped)."""
    return _ILLEGAL_XML.sub("\ufffd", value)


def _display_width(value: str) -> float:
    wide = sum(1 for ch in value if ord(ch) > 0x2E7F)
    return len(value) + wide * 0.8


def _sample_width(value: Any, kind: Kind) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 5.0
    if isinstance(value, int | float):
        if kind in ("money", "number"):
            return len(f"{value:,.2f}")
        if kind == "percent":
            return len(f"{value * 100:.2f}%")
        if kind == "coefficient":
            return len(f"{value:.4f}")
        if kind == "score":
            return len(f"{value:.2f}")
        return len(str(value))
    if isinstance(value, datetime | date):
        return 10.0
    return _display_width(str(value))


class _FixedTimeZip(ZipFile):
    """A zip archive whose every entry carries the same timestamp and permissions.

    `bodies` maps a worksheet's archive name to a writer of its data rows: openpyxl writes the
    sheet's frame (columns, header row, panes, filter) and the rows are streamed in before
    `</sheetData>`.
    """

    def __init__(
        self, path: Path, stamp: datetime, bodies: Mapping[str, Callable[[Any], None]]
    ) -> None:
        super().__init__(path, "w", ZIP_DEFLATED, allowZip64=True)
        self._stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        self._bodies = dict(bodies)

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=self._stamp)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, ZipInfo)
            else str(zinfo_or_arcname)
        )
        if name in self._bodies:
            text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
            self._write_sheet(name, text)
            return
        super().writestr(self._info(name), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        name = str(arcname or filename)
        if name in self._bodies:
            self._write_sheet(name, Path(filename).read_text(encoding="utf-8"))
            return
        info = self._info(name)
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as source, self.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)

    def _write_sheet(self, name: str, shell: str) -> None:
        """The sheet openpyxl wrote (header row only) with the data rows streamed in."""
        if "</sheetData>" in shell:
            head, tail = shell.split("</sheetData>", 1)
        elif "<sheetData/>" in shell:
            head, tail = shell.split("<sheetData/>", 1)
            head += "<sheetData>"
        else:  # pragma: no cover - openpyxl always writes sheetData
            raise RuntimeError(f"no sheetData in worksheet {name}")
        info = self._info(name)
        info.file_size = 1 << 32  # unknown in advance: allow ZIP64
        with self.open(info, "w", force_zip64=True) as target:
            target.write(head.encode("utf-8"))
            self._bodies.pop(name)(target)
            target.write(b"</sheetData>" + tail.encode("utf-8"))


def _passthrough_rows(cells: list[Cell], row_idx: int) -> list[Cell]:
    """Row hook for write-only sheets: our cells are prepared already, only the row is set."""
    for cell in cells:
        cell.row = row_idx
    return cells


class SheetBook:
    """A write-only workbook with the report's named styles registered once."""

    def __init__(self, language: Language, labels: Labels, stamp: datetime) -> None:
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
        ]
        for kind, number_format in NUMBER_FORMATS.items():
            styles.append(NamedStyle(name=_STYLE_PREFIX + kind, number_format=number_format))
        for style in styles:
            self.workbook.add_named_style(style)
        self._bodies: dict[Any, Callable[[Any], None]] = {}
        self._ids: dict[str, tuple[int, int]] = {}

    # -- cells -----------------------------------------------------------------------------
    def cell(self, sheet: Any, style: str, *, inert: bool = False) -> Cell:
        """A prototype cell carrying one of the report's styles (created once, reused)."""
        cell = WriteOnlyCell(sheet)
        cell.style = _STYLE_PREFIX + style
        if inert:
            cell.quotePrefix = True
        return cell

    def sheet(self, title: str, widths: Sequence[float], *, freeze: str | None = None) -> Any:
        sheet = self.workbook.create_sheet(title=title)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            sheet.freeze_panes = freeze
        sheet._values_to_row = _passthrough_rows  # cells are built by this module
        return sheet

    # -- small blocks (summary, run, weights, statements) ----------------------------------
    def block_sheet(self, title: str, rows: Sequence[Sequence[CellSpec]]) -> Any:
        """A sheet of small blocks: rows of (value, style) written as given."""
        widths: dict[int, float] = {}
        for row in rows:
            for col, (value, style) in enumerate(row, start=1):
                if style in ("title", "subtitle"):
                    continue
                kind: Kind = style if style in NUMBER_FORMATS else "text"  # type: ignore[assignment]
                width = _sample_width(value, kind) + 2
                widths[col] = max(widths.get(col, _MIN_WIDTH), min(width, _MAX_WIDTH))
        count = max(widths) if widths else 1
        sheet = self.sheet(title, [widths.get(i, _MIN_WIDTH) for i in range(1, count + 1)])
        epoch = self.workbook.epoch
        prepared = [
            [
                (col, _python_value(value), self._style_ids(sheet, style, value))
                for col, (value, style) in enumerate(row, start=1)
            ]
            for row in rows
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

        self._bodies[sheet] = write
        return sheet

    def _style_ids(self, sheet: Any, style: str | None, value: Any) -> tuple[int, int, bool]:
        """(style id, quote-prefixed style id, styled even when empty) of a block cell."""
        name = style or _default_style(_data_type(_python_value(value)))
        ids = self._ids.get(name)
        if ids is None:
            ids = (self.cell(sheet, name).style_id, self.cell(sheet, name, inert=True).style_id)
            self._ids[name] = ids
        return ids[0], ids[1], name == "header"

    # -- large tables ----------------------------------------------------------------------
    def frame_sheet(self, title: str, frame: pd.DataFrame) -> Any:
        """One table per sheet: header row frozen, auto-filter, one style per column.

        The data rows are not built as openpyxl cells: they are rendered straight to sheet XML
        (the same markup openpyxl writes) and streamed into the archive on save.
        """
        columns = _prepare_columns(frame, self.language, self.labels)
        widths = [column.width for column in columns] or [_MIN_WIDTH]
        sheet = self.sheet(title, widths, freeze="A2")
        sheet.append(
            [_set(self.cell(sheet, "header"), c.header, "s", i) for i, c in enumerate(columns, 1)]
        )
        if columns:
            last = get_column_letter(len(columns))
            sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
        styles = [self._style_ids(sheet, c.kind, None)[:2] for c in columns]
        count = len(frame)
        epoch = self.workbook.epoch

        def write(target: Any) -> None:
            _write_rows_xml(target, columns, styles, count, epoch)

        self._bodies[sheet] = write
        return sheet

    def save(self, path: Path) -> None:
        """Write the workbook with fixed timestamps (byte-identical for identical content)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.workbook.worksheets:
            self.workbook.create_sheet()
        bodies = {
            f"xl/worksheets/sheet{index}.xml": self._bodies[sheet]
            for index, sheet in enumerate(self.workbook.worksheets, start=1)
            if sheet in self._bodies
        }
        archive = _FixedTimeZip(path, self.stamp, bodies)
        try:
            ExcelWriter(self.workbook, archive).save()
        finally:
            archive.close()


def _set(cell: Cell, value: Any, data_type: str, column: int) -> Cell:
    cell._value = value
    cell.data_type = data_type
    cell.column = column
    return cell


_ROWS_PER_CHUNK = 5000


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


def _column_xml(
    column: _Column, letter: str, styles: tuple[int, int], rows: range, epoch: datetime
) -> list[str]:
    """The cells of one column for a chunk of rows (sheet row numbers in `rows`)."""
    style, inert = styles
    offset = rows.start - 2
    values = column.values[offset : offset + len(rows)]
    if column.data_type == "n":
        return [
            "" if v is None else f'<c r="{letter}{r}" s="{style}" t="n"><v>{v!r}</v></c>'
            for r, v in zip(rows, values, strict=True)
        ]
    return [
        _cell_xml(f"{letter}{r}", style, inert, v, epoch)
        for r, v in zip(rows, values, strict=True)
    ]


def _write_rows_xml(
    target: Any,
    columns: Sequence[_Column],
    styles: Sequence[tuple[int, int]],
    count: int,
    epoch: datetime,
) -> None:
    """Stream the data rows (sheet rows 2..count+1) as XML, a chunk of rows at a time."""
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    for first in range(2, count + 2, _ROWS_PER_CHUNK):
        rows = range(first, min(first + _ROWS_PER_CHUNK, count + 2))
        cells = [
            _column_xml(column, letter, style, rows, epoch)
            for column, letter, style in zip(columns, letters, styles, strict=True)
        ]
        if cells:
            by_row = zip(*cells, strict=True)
            chunk = "".join(
                f'<row r="{r}">{"".join(row)}</row>' for r, row in zip(rows, by_row, strict=True)
            )
        else:
            chunk = "".join(f'<row r="{r}"></row>' for r in rows)
        target.write(chunk.encode("utf-8"))


def _default_style(data_type: str) -> str:
    return {"n": "number", "d": "date"}.get(data_type, "text")


def _python_value(value: Any) -> Any:
    """A plain Python value openpyxl writes as a number, date, bool or text; None for missing."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str):
        return _clean_text(value)
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
        return _clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    return _clean_text(str(value))


def _data_type(value: Any) -> str:
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int | float):
        return "n"
    if isinstance(value, datetime | date):
        return "d"
    return "s"


class _Column:
    """One column ready to stream: header, kind, Python values, fixed cell type if uniform."""

    __slots__ = ("data_type", "header", "kind", "values", "width")

    def __init__(
        self, header: str, kind: Kind, values: list[Any], data_type: str | None
    ) -> None:
        self.header = header
        self.kind = kind
        self.values = values
        self.data_type = data_type
        sample = [_sample_width(v, kind) for v in values[:_WIDTH_SAMPLE]]
        width = max([_display_width(header) * 1.05, *sample]) + 2
        self.width = min(max(width, _MIN_WIDTH), _MAX_WIDTH)


def _column_values(series: pd.Series, kind: Kind) -> tuple[list[Any], str | None]:
    """The column as Python values (None = empty cell) and its uniform cell type, if any."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not series.isna().any():
        return series.astype(bool).tolist(), "b"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        values = series.astype(object).tolist()
        return [None if v is pd.NaT or v is None else v.to_pydatetime() for v in values], "d"
    if pd.api.types.is_integer_dtype(dtype) and not series.isna().any():
        return series.astype("int64").tolist(), "n"
    if pd.api.types.is_float_dtype(dtype):
        floats = series.astype("float64").to_numpy()
        values = floats.tolist()
        if not np.isfinite(floats).all():
            values = [_python_value(v) for v in values]
            return values, None
        return values, "n"
    values = series.astype(object).tolist()
    converted = [_python_value(v) for v in values]
    return converted, None


def display_frame(frame: pd.DataFrame, language: Language, labels: Labels) -> pd.DataFrame:
    """The frame with a display-name column after each id column whose ids have labels."""
    parts: dict[str, pd.Series] = {}
    for key in frame.columns:
        column = frame[key]
        parts[str(key)] = column
        if key in VALUE_COLUMNS:
            ids = column.astype(object)
            uniques = pd.unique(ids[ids.notna()])
            mapping = {
                u: value_label(str(u), language, labels) for u in uniques
            }
            if any(mapping[u] != str(u) for u in uniques):
                name_key = f"{key}{text('name_suffix', language)}"
                parts[name_key] = ids.map(mapping)
    return pd.DataFrame(parts, index=frame.index)


def _prepare_columns(frame: pd.DataFrame, language: Language, labels: Labels) -> list[_Column]:
    shown = display_frame(frame, language, labels)
    columns = []
    for key in shown.columns:
        series = shown[key]
        if key in frame.columns:
            header = column_header(str(key), language, labels)
            kind = column_kind(str(key), series.dtype, labels)
        else:  # an added display-name column
            base = str(key).removesuffix(text("name_suffix", language))
            header = column_header(base, language, labels) + text("name_suffix", language)
            kind = "text"
        values, data_type = _column_values(series, kind)
        columns.append(_Column(header, kind, values, data_type))
    return columns


# -- the sheets ----------------------------------------------------------------------------
def _kv(label: str, value: Any, kind: str | None = None) -> list[CellSpec]:
    return [(label, None), (value, kind)]


def table_rows(
    frame: pd.DataFrame, language: Language, labels: Labels
) -> list[list[CellSpec]]:
    """A frame as block rows: a header row, then one row per record with column kinds."""
    shown = display_frame(frame, language, labels)
    kinds = []
    headers = []
    for key in shown.columns:
        if key in frame.columns:
            headers.append(column_header(str(key), language, labels))
            kinds.append(column_kind(str(key), shown[key].dtype, labels))
        else:
            base = str(key).removesuffix(text("name_suffix", language))
            headers.append(column_header(base, language, labels) + text("name_suffix", language))
            kinds.append("text")
    rows: list[list[CellSpec]] = [[(h, "header") for h in headers]]
    for record in shown.itertuples(index=False, name=None):
        rows.append([(v, k) for v, k in zip(record, kinds, strict=True)])
    return rows


def _money_sum(frame: pd.DataFrame, column: str) -> float | None:
    if column not in frame.columns or frame.empty:
        return None
    values = pd.to_numeric(frame[column], errors="coerce").fillna(0.0)
    return yuan_to_cents(float(values.sum())) / 100


def _unit_totals(result: RunResult) -> pd.DataFrame:
    if not result.rollups.empty:
        return result.rollups
    managers = result.managers
    if managers.empty or "branch" not in managers.columns:
        return pd.DataFrame()
    money = [c for c in managers.columns if column_kind(str(c), managers[c].dtype) == "money"]
    grouped = managers.groupby("branch", sort=True, observed=True)
    totals = grouped[money].sum() if money else pd.DataFrame(index=grouped.size().index)
    totals.insert(0, "managers", grouped.size())
    totals = totals.reset_index().rename(columns={"branch": "unit"})
    totals.insert(0, "level", "branch")
    return totals


def _pool_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    ledger = result.pool_ledger
    managers = result.managers
    rows: list[list[CellSpec]] = [
        [
            (text("item", language), "header"),
            (text("ledger_total", language), "header"),
            (text("bonus_sheet_total", language), "header"),
        ]
    ]
    figures = {}
    for key in ("carry_in", "withheld", "allocated", "redistributed", "carry_out"):
        ledger_total = _money_sum(ledger, key)
        figures[key] = ledger_total
        bonus_total = None
        if key == "withheld":
            bonus_total = _money_sum(managers, "withheld")
        elif key == "allocated":
            bonus_total = _money_sum(managers, "pool_allocation")
        if ledger_total is None and bonus_total is None:
            continue
        rows.append(
            [(column_header(key, language), None), (ledger_total, "money"), (bonus_total, "money")]
        )
    known = [figures[k] for k in ("carry_in", "withheld", "allocated", "carry_out")]
    if all(v is not None for v in known):
        cents = (
            yuan_to_cents(figures["carry_in"] or 0.0)
            + yuan_to_cents(figures["withheld"] or 0.0)
            - yuan_to_cents(figures["allocated"] or 0.0)
            - yuan_to_cents(figures["redistributed"] or 0.0)
            - yuan_to_cents(figures["carry_out"] or 0.0)
        )
        rows.append([(text("pool_check", language), None), (cents / 100, "money")])
    return rows


def _grade_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    managers = result.managers
    if "grade" not in managers.columns or managers.empty:
        return []
    counts = managers["grade"].astype(object).fillna("").value_counts().sort_index()
    total = int(counts.sum())
    rows: list[list[CellSpec]] = [
        [
            (column_header("grade", language), "header"),
            (column_header("grade", language) + text("name_suffix", language), "header"),
            (column_header("count", language), "header"),
            (text("share", language), "header"),
        ]
    ]
    for grade, count in counts.items():
        rows.append(
            [
                (str(grade), "text"),
                (value_label(str(grade), language, result.labels), "text"),
                (int(count), "integer"),
                (count / total if total else None, "percent"),
            ]
        )
    rows.append(
        [(text("total", language), None), (None, None), (total, "integer"), (1.0, "percent")]
    )
    return rows


def _score_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    managers = result.managers
    if "composite" not in managers.columns or managers.empty:
        return []
    scores = pd.to_numeric(managers["composite"], errors="coerce").dropna()
    if scores.empty:
        return []
    stats = [
        ("count", len(scores), "integer"),
        ("mean", scores.mean(), "score"),
        ("std", scores.std(ddof=1) if len(scores) > 1 else None, "score"),
        ("min", scores.min(), "score"),
        ("p25", scores.quantile(0.25), "score"),
        ("median", scores.median(), "score"),
        ("p75", scores.quantile(0.75), "score"),
        ("max", scores.max(), "score"),
    ]
    rows: list[list[CellSpec]] = [
        [(text("statistic", language), "header"), (column_header("composite", language), "header")]
    ]
    for key, value, kind in stats:
        label = column_header("count", language) if key == "count" else text(key, language)
        rows.append([(label, None), (value, kind)])
    return rows


def _summary_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    config = result.config
    unit = config.unit.name or config.unit.id
    rows: list[list[CellSpec]] = [
        [(f"{text('bonus_sheet', language)} {result.period.label} {unit}", "title")],
        [],
    ]
    blocks = [
        ("totals_per_unit", table_rows(_unit_totals(result), language, result.labels)),
        ("pool_reconciliation", _pool_rows(result, language)),
        ("grade_distribution", _grade_rows(result, language)),
        ("score_statistics", _score_rows(result, language)),
    ]
    for key, block in blocks:
        if len(block) <= 1:
            continue
        rows.append([(text(key, language), "subtitle")])
        rows.extend(block)
        rows.append([])
    return rows


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Nested mappings as (dotted.key, leaf) pairs; lists of scalars stay one leaf."""
    if isinstance(value, Mapping):
        if not value and prefix:
            yield prefix, "{}"
        for key in value:
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list | tuple) and any(isinstance(v, Mapping | list) for v in value):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def _run_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    config = result.config
    period = result.period
    rows: list[list[CellSpec]] = [
        [(text("run_info", language), "title")],
        _kv(text("version", language), __version__),
        _kv(column_header("period", language), period.label),
        _kv(text("period_start", language), period.start, "date"),
        _kv(text("period_end", language), period.end, "date"),
        _kv(text("unit_id", language), config.unit.id),
        _kv(text("unit_name", language), config.unit.name),
        _kv(text("language", language), language),
        [],
        [(text("inputs", language), "subtitle")],
    ]
    inputs = pd.DataFrame(
        [record.to_dict() for record in result.inputs], columns=["table", "path", "sha256", "rows"]
    )
    rows.extend(table_rows(inputs, language, {}))
    rows.extend([[], [(text("config", language), "subtitle")]])
    rows.append([(text("item", language), "header"), (text("value", language), "header")])
    for key, value in _flatten(config.model_dump(mode="json")):
        rows.append(_kv(key, _leaf(value)))
    if result.audit:
        rows.extend([[], [(text("audit", language), "subtitle")]])
        rows.append([(text("item", language), "header"), (text("value", language), "header")])
        for key, value in _flatten(result.audit):
            rows.append(_kv(key, _leaf(value)))
    return rows


def _leaf(value: Any) -> Any:
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


# -- weights --------------------------------------------------------------------------------
_MATRIX_KEYS = ("matrix", "judgment_matrix", "pairwise", "comparison_matrix")
_CRITERIA_KEYS = ("criteria", "labels", "names", "items")
_WEIGHT_KEYS = ("weights", "local_weights", "priorities", "weight")
_TITLE_KEYS = ("matrix_id", "id", "name", "matrix_name", "node")


def _square_matrix(value: Any) -> list[list[Any]] | None:
    if not isinstance(value, list | tuple) or not value:
        return None
    if not all(isinstance(row, list | tuple) and len(row) == len(value) for row in value):
        return None
    return [list(row) for row in value]


def _matrix_of(record: Mapping[str, Any]) -> tuple[str, list[list[Any]]] | None:
    for key in _MATRIX_KEYS:
        matrix = _square_matrix(record.get(key))
        if matrix is not None:
            return key, matrix
    return None


def _holds_matrix(value: Any) -> bool:
    """Whether a matrix record sits anywhere inside `value`."""
    if isinstance(value, Mapping):
        return _matrix_of(value) is not None or any(_holds_matrix(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_matrix(v) for v in value)
    return False


@dataclass(frozen=True)
class _MatrixRecord:
    path: str
    title: str
    record: Mapping[str, Any]


def _matrix_blocks(
    value: Any, path: str, title: str, found: list[_MatrixRecord], rest: list[tuple[str, Any]]
) -> None:
    """Split the weights document into matrix records (in document order, an expert's after
    the combined matrix it belongs to) and the other leaves."""
    if isinstance(value, Mapping):
        if _matrix_of(value) is not None:
            own = next((str(value[k]) for k in _TITLE_KEYS if value.get(k)), None)
            here = own or title or path
            found.append(_MatrixRecord(path, here, value))
            for key, child in value.items():
                if _holds_matrix(child):
                    _matrix_blocks(child, f"{path}.{key}", here, found, rest)
            return
        if not value and path:
            rest.append((path, "{}"))
        for key in value:
            child_path = f"{path}.{key}" if path else str(key)
            _matrix_blocks(value[key], child_path, str(key), found, rest)
    elif isinstance(value, list | tuple) and any(isinstance(v, Mapping | list) for v in value):
        for index, item in enumerate(value):
            _matrix_blocks(item, f"{path}[{index}]", title, found, rest)
    else:
        rest.append((path, value))


def _criteria(record: Mapping[str, Any], size: int, weights: Any) -> list[str]:
    for key in _CRITERIA_KEYS:
        names = record.get(key)
        if isinstance(names, list | tuple) and len(names) == size:
            return [str(n) for n in names]
    if isinstance(weights, Mapping) and len(weights) == size:
        return [str(k) for k in weights]
    return [str(i) for i in range(1, size + 1)]


def _dotted_header(key: str, language: Language) -> str:
    """A flattened key (accepted.justification) with each part shown by its display name."""
    parts = re.split(r"(\.|\[\d+\])", key)
    shown = {".": " / "}
    return "".join(
        shown.get(part, part) if not part or part == "." or part.startswith("[")
        else ahp_header(part, language)
        for part in parts
    )


def _record_rows(item: _MatrixRecord, language: Language, labels: Labels) -> list[list[CellSpec]]:
    record = item.record
    matrix_key, matrix = _matrix_of(record)  # type: ignore[misc]
    weights = next((record[k] for k in _WEIGHT_KEYS if k in record), None)
    names = _criteria(record, len(matrix), weights)
    expert = record.get("expert")
    who = (
        f"{column_header('expert', language)} {expert}"
        if expert not in (None, "")
        else text("combined", language)
    )
    rows: list[list[CellSpec]] = [
        [(f"{column_header('matrix', language)} {item.title} — {who}", "subtitle")],
        _kv(text("source", language), f"weights.json: {item.path}"),
    ]
    skip = {matrix_key, *_CRITERIA_KEYS, *_WEIGHT_KEYS}
    for key, value in record.items():
        if key in skip or _holds_matrix(value):
            continue
        if isinstance(value, Mapping | list | tuple) and _has_nested(value):
            for sub_key, leaf in _flatten(value, str(key)):
                rows.append(_kv(_dotted_header(sub_key, language), _leaf(leaf), _leaf_kind(leaf)))
            continue
        rows.append(_kv(ahp_header(str(key), language), _leaf(value), _leaf_kind(value, key)))
    header: list[CellSpec] = [(column_header("criterion", language), "header")]
    header += [(value_label(n, language, labels), "header") for n in names]
    if weights is not None:
        header.append((column_header("weight", language), "header"))
    rows.append(header)
    if isinstance(weights, Mapping):
        weight_list = [weights.get(n) for n in names]
    elif isinstance(weights, list | tuple):
        weight_list = list(weights)
    else:
        weight_list = []
    for i, name in enumerate(names):
        row: list[CellSpec] = [(value_label(name, language, labels), None)]
        row += [(v, "coefficient") for v in matrix[i]]
        if weights is not None:
            row.append((weight_list[i] if i < len(weight_list) else None, "coefficient"))
        rows.append(row)
    rows.append([])
    return rows


def _has_nested(value: Any) -> bool:
    if isinstance(value, Mapping):
        return True
    return any(isinstance(v, Mapping | list | tuple) for v in value)


def _leaf_kind(value: Any, key: str | None = None) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if key is not None and key in COLUMNS:
        return COLUMNS[key].kind
    return "coefficient" if isinstance(value, float) else "integer"


def _weights_rows(result: RunResult, language: Language) -> list[list[CellSpec]]:
    labels = result.labels
    rows: list[list[CellSpec]] = [[(text("ahp_matrices", language), "title")], []]
    found: list[_MatrixRecord] = []
    rest: list[tuple[str, Any]] = []
    _matrix_blocks(result.weights, "", "", found, rest)
    if not found and not rest:
        rows.append([(text("no_weights", language), None)])
        return rows
    if rest:
        rows.append([(text("other_values", language), "subtitle")])
        rows.append([(text("item", language), "header"), (text("value", language), "header")])
        for key, value in rest:
            rows.append(_kv(_dotted_header(key, language), _leaf(value), _leaf_kind(value)))
        rows.append([])
    for item in found:
        rows.extend(_record_rows(item, language, labels))
    return rows


def _pool_sheet(book: SheetBook, result: RunResult, title: str) -> None:
    language = book.language
    ledger = result.pool_ledger
    allocations = result.pool_allocations
    if allocations is None or allocations.empty:
        book.frame_sheet(title, ledger)
        return
    rows: list[list[CellSpec]] = [[(text("ledger", language), "subtitle")]]
    rows.extend(table_rows(ledger, language, result.labels))
    rows.extend([[], [(text("allocation_records", language), "subtitle")]])
    rows.extend(table_rows(allocations, language, result.labels))
    book.block_sheet(title, rows)


_CHART_WIDTH_PX = 640
_CHART_ROWS = 23  # rows (20 px each) one embedded chart of 640 x 400 px covers, plus a gap


def write_bonus_sheet(
    result: RunResult,
    path: str | Path,
    *,
    language: Language | None = None,
    charts: Mapping[str, str | Path] | None = None,
) -> None:
    """Write `bonus_sheet.xlsx` for a run; `charts` are PNG files to embed in the Summary sheet."""
    language = report_language(result, language)
    book = SheetBook(language, result.labels, fixed_timestamp(result.period))

    def name(key: str) -> str:
        return SHEET_NAMES[key][language]

    summary_rows = _summary_rows(result, language)
    summary = book.block_sheet(name("summary"), summary_rows)
    if charts:
        width = max(len(row) for row in summary_rows) + 2
        anchor_col = get_column_letter(max(width, 8))
        for index, chart in enumerate(charts.values()):
            image = Image(str(chart))
            scale = _CHART_WIDTH_PX / image.width
            image.width, image.height = _CHART_WIDTH_PX, round(image.height * scale)
            summary.add_image(image, f"{anchor_col}{2 + index * _CHART_ROWS}")
    book.frame_sheet(name("bonus"), result.managers)
    book.frame_sheet(name("scores"), result.scores)
    book.frame_sheet(name("rorac"), result.rorac)
    book.block_sheet(name("weights"), _weights_rows(result, language))
    _pool_sheet(book, result, name("pool"))
    book.block_sheet(name("run"), _run_rows(result, language))
    book.save(Path(path))

