"""Read input tables (CSV in UTF-8/GBK/GB18030, XLSX, Parquet) and check them against schemas.

Every check is vectorised and collects all problems of a file (every one, counted exactly) in
an `IssueTable`; the caller raises them together with the other tables' issues.
Rows are numbered as a spreadsheet user counts them: the header is row 1, the first data row 2.
The roster check (manager ids of every table against the roster) is `appraisal.validate`'s.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError, InputIssue, IssueCode, IssueTable
from ..money import MAX_AMOUNT_YUAN, MAX_TOTAL_YUAN
from .accounts import (
    ACCOUNT_TABLES,
    Reread,
    columnar_kind,
    in_place_table,
    read_account_table,
    table_rows,
)
from .schemas import SCHEMAS, Column, TableSchema

__all__ = [
    "ROW_COLUMN",
    "LoadedTable",
    "coerce_table",
    "detect_encoding",
    "file_sha256",
    "parquet_files",
    "read_table",
    "read_text_table",
    "table_sha256",
]

ROW_COLUMN = "_row"
_FIRST_DATA_ROW = 2
_MANGLED = re.compile(r".+\.\d+")
_ENCODING_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030"}  # GB18030 is a superset of both


@dataclass(frozen=True)
class LoadedTable:
    """A validated table with where it came from."""

    name: str
    frame: pd.DataFrame
    path: Path
    shown: str
    sha256: str
    encoding: str | None
    signature: tuple[tuple[str, int, int, int, int], ...] = ()
    resign: Callable[[], tuple[tuple[str, int, int, int, int], ...]] | None = field(
        default=None, compare=False, repr=False)
    """How to take the signature again when it is not the files' at `path` (a catalog table:
    `kernel.catalog.catalog_signature`)."""

    @property
    def rows(self) -> int:
        return table_rows(self.frame)

    def changed(self) -> InputIssue | None:
        """The issue when the input is no longer the one read (a file written to, replaced,
        removed, a partition added or dropped; a catalog table written to): its digest and
        what was summed would disagree. None when unchanged, when there is nothing to compare
        (a temp view over data in memory), or when a catalog cannot be asked again (its
        session gone: the run is failing for that already)."""
        if not self.signature:
            return None
        if self.resign is None:
            if table_signature(self.path) == self.signature:
                return None
            return InputIssue(self.shown, None, None, "the file changed while the run read it",
                              None, "a file that stays as it is for the whole run (run again "
                              "once the export that writes it has finished)",
                              code=IssueCode.FILE_UNREADABLE)
        try:
            if self.resign() == self.signature:
                return None
        except Exception:
            return None
        return InputIssue(self.shown, None, None, "the table changed while the run read it",
                          None, "a table no job writes to during the run (run again once the "
                          "job that writes it has finished)", code=IssueCode.FILE_UNREADABLE)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parquet_files(path: Path) -> tuple[Path, ...]:
    """The Parquet files of a partitioned table: every *.parquet under a folder, or the files a
    glob (`business/2026-*.parquet`) matches, sorted; empty when `path` is neither."""
    if path.is_dir():
        return tuple(sorted(path.rglob("*.parquet")))
    if any(ch in str(path) for ch in "*?["):
        return tuple(sorted(Path(p) for p in glob.glob(str(path), recursive=True)
                            if Path(p).is_file()))
    return ()


def table_signature(path: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """What any write, replacement or removal of an input changes: each file's path, size,
    inode, modification and status-change times (every file of a partitioned table, so a
    partition added or dropped shows too). Reading a file changes none of them."""
    signature = []
    for file in parquet_files(path) or (path,):
        try:
            stat = file.stat()
        except OSError:
            signature.append((str(file), -1, -1, -1, -1))
            continue
        signature.append((str(file), stat.st_size, stat.st_ino, stat.st_mtime_ns,
                          stat.st_ctime_ns))
    return tuple(signature)


def table_sha256(path: Path) -> str:
    """SHA-256 of an input: the file's bytes, or for a partitioned table the sorted list of its
    files' names and digests."""
    files = parquet_files(path)
    if not files:
        return file_sha256(path)
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.name}\t{file_sha256(file)}\n".encode())
    return digest.hexdigest()


def _format_of(path: Path, declared: str) -> str:
    if declared != "auto":
        return declared
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, UTF-16 when it starts
    with a UTF-16 BOM, else GB18030.

    GB18030 covers GBK and GB2312, the usual encodings of exports from Chinese systems. A file
    that is UTF-8 Chinese up to some row and then not (rows pasted from another export) is
    neither, and is refused by the reader naming that row (`undecodable_at`).
    """
    with path.open("rb") as handle:
        start = handle.read(3)
    if start == codecs.BOM_UTF8:
        return "utf-8-sig"
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"  # Excel's "Unicode text", Notepad's "Unicode": its BOM says so
    found = _first_undecodable(path, "utf-8")
    if found is None:
        return "utf-8"
    return "mixed" if found[1] else "gb18030"


def _first_undecodable(path: Path, encoding: str) -> tuple[int, bool] | None:
    """(byte offset of the first byte `encoding` cannot decode, whether whole lines of non-ASCII
    text decoded before it), or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    seen_text = False
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                # whole lines before the failing one: GBK text seldom forms a valid UTF-8 line
                before = block[: block.rfind(b"\n", 0, exc.start) + 1]
                return offset + exc.start, seen_text or not before.isascii()
            seen_text = seen_text or not text[: text.rfind("\n") + 1].isascii()
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, seen_text
    return None


def undecodable_at(path: Path, encoding: str, delimiter: str) -> tuple[int, str | None] | None:
    """(spreadsheet row, header of the column) of the first byte `encoding` cannot decode."""
    found = _first_undecodable(path, encoding)
    if found is None:
        return None
    data = path.read_bytes()
    offset = found[0]
    row = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    field = data.count(delimiter.encode("ascii", "replace"), line_start, offset)
    header_line = data.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    headers = [h.strip() for h in header_line.rstrip("\r").split(delimiter)]
    return row, headers[field] if field < len(headers) else None


def read_text_table(
    path: str | Path,
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    header: bool = True,
    delimiter: str = ",",
    shown: str | None = None,
    header_row: int = 1,
) -> pd.DataFrame:
    """A CSV/XLSX/Parquet file as a DataFrame of strings (blank cells are empty strings).

    `header=False` keeps the first row as data (columns are then 0..n-1).
    Raises InputError naming the file when it cannot be read.
    """
    frame, _ = _read_raw(Path(path), "auto", encoding, sheet, header, delimiter,
                         shown or str(path), as_text=True, header_row=header_row)
    return frame


def _undecodable(path: Path, shown: str, encoding: str, delimiter: str, rule: str) -> InputError:
    """An encoding error naming the first row (and column) that does not decode."""
    at = undecodable_at(path, "utf-8" if encoding == "utf-8-sig" else encoding, delimiter)
    row, column = at if at is not None else (None, None)
    hint = "gb18030" if encoding.startswith("utf") else "utf-8"
    return InputError([InputIssue(
        shown, row, column, rule, None,
        f"one encoding for the whole file: save it again as UTF-8, or set `encoding` (try "
        f"{hint}) if the whole file is in one", code=IssueCode.ENCODING)])


def _fail(
    shown: str, code: IssueCode, rule: str, expected: str = "", value: object = None
) -> InputError:
    return InputError([InputIssue(shown, None, None, rule, value, expected, code=code)])


def _read_raw(
    path: Path,
    file_format: str,
    encoding: str,
    sheet: str | None,
    header: bool,
    delimiter: str,
    shown: str,
    *,
    as_text: bool,
    header_row: int = 1,
) -> tuple[pd.DataFrame, str | None]:
    partitioned = parquet_files(path) if file_format in ("auto", "parquet") else ()
    if partitioned:
        return _read_partitioned(partitioned, shown, as_text), None
    if path.is_dir():
        raise _fail(shown, IssueCode.FILE_UNREADABLE, "is a folder, not a file",
                    "the path of one CSV, XLSX or Parquet file")
    if not path.is_file():
        raise _fail(shown, IssueCode.FILE_NOT_FOUND, "file not found",
                    "an existing file (paths are relative to the config file's folder)")
    kind = _format_of(path, file_format)
    skip = header_row - 1  # rows above the header (a title row in a spreadsheet export)
    if kind == "csv":
        used = detect_encoding(path) if encoding == "auto" else encoding
        used = _ENCODING_ALIASES.get(used, used)
        if used == "mixed":
            raise _undecodable(path, shown, "utf-8", delimiter,
                               "UTF-8 text up to here, then another encoding (rows pasted from "
                               "another export?)")
        fast = _columnar_csv(path, used, delimiter, skip) if header else None
        if fast is not None:
            return fast, used
        try:
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_filter=False, encoding=used,
                sep=delimiter, header=0 if header else None, skip_blank_lines=False,
                skiprows=skip,
            )
        except UnicodeDecodeError:
            raise _undecodable(path, shown, used, delimiter,
                               f"cannot be decoded as {used}") from None
        except pd.errors.EmptyDataError:
            raise _fail(shown, IssueCode.EMPTY_TABLE, "the file is empty",
                        "a header row with the column names") from None
        except pd.errors.ParserError as exc:
            raise _fail(shown, IssueCode.FILE_UNREADABLE,
                        f"not a well-formed CSV file ({str(exc).strip()})",
                        f"one record per line, fields separated by {delimiter!r}") from None
        if any(_MANGLED.fullmatch(str(name)) for name in frame.columns):
            # pandas renames a repeated header `x` to `x.1`: keep the file's own headers
            headers = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                                  encoding=used, sep=delimiter, header=None, nrows=1,
                                  skiprows=skip).iloc[0].tolist()
            if len(headers) == len(frame.columns):
                frame.columns = [str(h) for h in headers]
        return frame, used
    if kind == "xlsx":
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise _fail(shown, IssueCode.FILE_UNREADABLE,
                        f"cannot be opened as an Excel workbook ({exc})",
                        "an .xlsx file") from None
        try:
            names = workbook.sheetnames
            if sheet is not None and sheet not in names:
                raise _fail(shown, IssueCode.FILE_UNREADABLE, f"has no sheet named {sheet!r}",
                            "one of " + ", ".join(map(repr, names)))
            worksheet = workbook[sheet] if sheet is not None else workbook[names[0]]
            rows = [
                ["" if cell is None else _excel_text(cell) for cell in row]
                for row in worksheet.iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
        found = _cells_not_as_shown(path, sheet, rows, skip, shown)
        if found:
            raise InputError(found)
        rows = rows[skip:]
        while rows and all(value == "" for value in rows[-1]):
            rows.pop()
        if not rows:
            raise _fail(shown, IssueCode.EMPTY_TABLE, "the sheet is empty",
                        "a header row with the column names")
        if header:
            columns = [str(name) for name in rows[0]]
            frame = pd.DataFrame(rows[1:], columns=columns, dtype=str)
        else:
            frame = pd.DataFrame(rows, dtype=str)
        frame.attrs["excel_cells"] = True  # numbers in date columns are then Excel serials
        return frame, None
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise _fail(shown, IssueCode.FILE_UNREADABLE, f"cannot be read as Parquet ({exc})",
                    "a Parquet file") from None
    if as_text:
        frame = frame.astype(str).where(frame.notna(), "")
    return frame, None


_FORMULA_OR_MERGE = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]")


def _cells_not_as_shown(path: Path, sheet: str | None, rows: list[list[str]], skip: int,
                        shown: str) -> list[InputIssue]:
    """Cells a sheet shows but its saved values do not hold: a formula whose value was never
    saved (a workbook written by a program, not saved by Excel) reads as blank, and so do the
    cells a merged range covers but its first. Both are refused, naming the cell: a blank
    pay_base or branch would change someone's pay silently."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            if not any(_FORMULA_OR_MERGE.search(archive.read(name))
                       for name in archive.namelist() if name.startswith("xl/worksheets/")):
                return []
    except (OSError, zipfile.BadZipFile, KeyError):
        return []
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.load_workbook(path, data_only=False)
    try:
        worksheet = workbook[sheet] if sheet is not None else workbook[workbook.sheetnames[0]]
        header = rows[skip] if len(rows) > skip else []

        def column(index: int) -> str:
            label = header[index - 1] if index - 1 < len(header) else ""
            return str(label).strip() or get_column_letter(index)

        found = []
        for merged in sorted(worksheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            if merged.max_row <= skip:
                continue  # a title above the header row
            found.append(InputIssue(
                shown, merged.min_row, column(merged.min_col), "merged cells", merged.coord,
                f"one value in every cell: unmerge {merged.coord} and fill each of its cells",
                code=IssueCode.BLANK))
        for line in worksheet.iter_rows(min_row=skip + 1):
            for cell in line:
                if cell.data_type != "f":
                    continue
                r, c = cell.row - 1, cell.column - 1
                if r < len(rows) and c < len(rows[r]) and rows[r][c] == "":
                    found.append(InputIssue(
                        shown, cell.row, column(cell.column), "formula without a saved value",
                        str(cell.value), "the formula's value: open the workbook in Excel or "
                        "WPS and save it again (the program that wrote it saved no values), or "
                        "paste the column as values", code=IssueCode.BLANK))
    finally:
        workbook.close()
    return found


def _header_names(path: Path, encoding: str, delimiter: str, skip: int) -> list[str] | None:
    """The header row's names (after `skip` rows), or None when it cannot be read simply."""
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            for _ in range(skip):
                handle.readline()
            line = handle.readline()
    except (UnicodeDecodeError, OSError):
        return None
    if not line.strip() or '"' in line:
        return None
    return line.rstrip("\r\n").split(delimiter)


def _columnar_csv(path: Path, encoding: str, delimiter: str, skip: int) -> pd.DataFrame | None:
    """Every cell as text by pyarrow's multithreaded CSV reader, exactly what the pandas reader
    gives (strings, blanks as ""); None (use the pandas reader, and its messages) for anything
    less plain: blank or ragged lines, repeated or quoted headers, undecodable bytes."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = _header_names(path, encoding, delimiter, skip)
    if names is None or len(set(names)) != len(names) or "" in names:
        return None
    names[0] = names[0].lstrip("\ufeff")
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(encoding="utf-8" if encoding == "utf-8-sig"
                                            else encoding, skip_rows=skip + 1,
                                            column_names=names),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError):
        return None
    return table.to_pandas()


def _same_columns(files: tuple[Path, ...], shown: str) -> None:
    """The files of a partitioned table all have the first file's columns: else a column one
    file lacks would be blank in its rows, or ignored in all of them, by the order of names."""
    if len(files) < 2:
        return
    import pyarrow.parquet as pq

    try:
        names = [tuple(pq.read_schema(f).names) for f in files]
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise _fail(shown, IssueCode.FILE_UNREADABLE, f"cannot be read as Parquet ({exc})",
                    "Parquet files") from None
    first = set(names[0])
    issues = []
    for file, columns in zip(files[1:], names[1:], strict=True):
        if set(columns) == first:
            continue
        lacks = ", ".join(c for c in names[0] if c not in columns)
        adds = ", ".join(c for c in columns if c not in first)
        detail = (f"lacks {lacks}; adds {adds}" if lacks and adds
                  else f"lacks {lacks}" if lacks else f"adds {adds}")
        issues.append(InputIssue(
            shown, None, None, f"{file.name} has other columns than {files[0].name} ({detail})",
            None, "Parquet files with the same columns (write every file of the table with one "
            "schema)", code=IssueCode.MISSING_COLUMN))
    if issues:
        raise InputError(issues)


def _narrow_floats(name: str, path: Path, file_format: str, shown: str,
                   columns: Mapping[str, str]) -> None:
    """A number column of a Parquet table stored as 16- or 32-bit floats is refused: such a
    float holds about 7 significant digits, so the value read is not the one written
    (1309982.73 yuan is stored as 1309982.75), and nothing tells the two apart afterwards."""
    files = parquet_files(path)
    if not files:
        if not path.is_file() or _format_of(path, file_format) != "parquet":
            return
        files = (path,)
    import pyarrow as pa
    import pyarrow.parquet as pq

    header_of = {column.name: columns.get(column.name, column.name)
                 for column in SCHEMAS[name].columns if column.kind == "number"}
    narrow: dict[str, str] = {}
    for file in files:
        try:
            stored = pq.read_schema(file)
        except Exception:  # pyarrow raises many types: the reader words a damaged file
            return
        for header in header_of.values():
            if header in stored.names and header not in narrow:
                kind = stored.field(header).type
                if pa.types.is_float16(kind) or pa.types.is_float32(kind):
                    narrow[header] = "float16" if pa.types.is_float16(kind) else "float32"
    if narrow:
        raise InputError([InputIssue(
            shown, None, header, f"numbers stored as {kind} ({_NARROW[kind]})", None,
            _WIDE_ENOUGH, code=IssueCode.NOT_A_NUMBER) for header, kind in narrow.items()])


_NARROW = {
    "float32": "a 32-bit float holds about 7 significant digits: 1309982.73 is read back as "
             "1309982.75",
    "float16": "a 16-bit float holds about 3 significant digits: 1234.56 is read back as 1235",
}
_WIDE_ENOUGH = ("a column stored as double (float64) or decimal, such as decimal(18, 2) for "
                "amounts: write the file again from the source data")


def _read_partitioned(files: tuple[Path, ...], shown: str, as_text: bool) -> pd.DataFrame:
    """A table stored as many Parquet files (one per month, per branch...), as one frame."""
    import pyarrow.dataset as ds

    try:
        frame = ds.dataset([str(f) for f in files], format="parquet").to_table().to_pandas()
    except Exception as exc:  # pyarrow raises many types for damaged or mismatched files
        raise _fail(shown, IssueCode.FILE_UNREADABLE,
                    f"cannot be read as one Parquet table ({exc})",
                    "Parquet files with the same columns") from None
    if as_text:
        frame = frame.astype(str).where(frame.notna(), "")
    return frame


def _read_columnar(name: str, path: Path, in_place: bool = False,
                   **kwargs: Any) -> LoadedTable | None:
    """An account table read columnar (`io.accounts`), its digest taken meanwhile; None when
    the per-cell reader must read it. `in_place`: a Parquet business table is only looked at
    (schema, row count) and left for DuckDB to read where it is (`io.accounts.InPlace`)."""
    from concurrent.futures import ThreadPoolExecutor

    file_format = kwargs["file_format"]
    files = parquet_files(path) if file_format in ("auto", "parquet") else ()
    kind = columnar_kind(path, file_format, _format_of, files)
    if kind is None:
        return None
    if in_place and name == "business" and kind == "parquet":
        frame = in_place_table(path, files, columns=kwargs["columns"], shown=kwargs["shown"],
                               reread=Reread(name, path, kwargs, columnar=True))
        if frame is not None:
            return LoadedTable(name, frame, path, kwargs["shown"], table_sha256(path), None)
    with ThreadPoolExecutor(1) as pool:  # hashing releases the GIL: it overlaps the reading
        digest = pool.submit(table_sha256, path)
        read = read_account_table(
            name, path, kind=kind, files=files, encoding=kwargs["encoding"],
            delimiter=kwargs["delimiter"], columns=kwargs["columns"],
            header_row=kwargs["header_row"], shown=kwargs["shown"],
            reread=Reread(name, path, kwargs))
        if read is None:
            digest.cancel()
            return None
        frame, used = read
        return LoadedTable(name, frame, path, kwargs["shown"], digest.result(), used)


def _excel_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


# ---- coercion: vectorised, one mask per rule ---------------------------------------------------


_RULE_CODES = {
    "empty cell": IssueCode.BLANK,
    "value not allowed": IssueCode.NOT_ALLOWED,
    "not a number": IssueCode.NOT_A_NUMBER,
    "value out of range": IssueCode.OUT_OF_RANGE,
    "not a valid date": IssueCode.NOT_A_DATE,
    "percentage in a column of plain numbers": IssueCode.NOT_A_NUMBER,
    "comma that is not a thousands separator": IssueCode.NOT_A_NUMBER,
    "date with a time of day": IssueCode.NOT_A_DATE,
    "Excel date serial in a text file": IssueCode.NOT_A_DATE,
}
"""The reason code of each cell rule of `_convert`."""


def _blank(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_string_dtype(series) or series.dtype == object:
        text = series.astype("string")
        return (text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool)
    return series.isna().to_numpy(dtype=bool)


_GROUPED = r"[-+]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?\s*[%％]?"
"""A number whose commas separate thousands (1,234.50): the only commas a number may have."""


def _number_text(series: pd.Series) -> pd.Series:
    """Cells as number text: thousands separators dropped where they group whole thousands;
    any other comma (a decimal comma, 19503,12) leaves the cell unreadable, never 100 × it."""
    text = series.astype("string").str.strip()
    comma = text.str.contains(r"[,，]", regex=True).fillna(False)
    if comma.any():
        text = text.where(~comma | text.str.fullmatch(_GROUPED).fillna(False), "?")
        text = text.str.replace(r"[,，]", "", regex=True)
    return text.str.replace("％", "%", regex=False)


def _misplaced_comma(series: pd.Series) -> np.ndarray:
    """Cells with a comma that is not a thousands separator (19503,12 or 1,95,03.12)."""
    if pd.api.types.is_numeric_dtype(series):
        return np.zeros(len(series), dtype=bool)
    text = series.astype("string").str.strip()
    comma = text.str.contains(r"[,，]", regex=True).fillna(False)
    return (comma & ~text.str.fullmatch(_GROUPED).fillna(False)).to_numpy(dtype=bool)


def _as_number(series: pd.Series, fraction: bool = False) -> pd.Series:
    """Numbers as float64; thousands separators dropped; in a fraction column `95%` is 0.95
    (read as `95e-2`, so it parses to exactly the double nearest 0.95)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    text = _number_text(series)
    if fraction:
        text = text.str.replace(r"^([^%]*\d)\s*%$", r"\1e-2", regex=True)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _percent_written(series: pd.Series) -> np.ndarray:
    """Cells written as a percentage (`95%`), refused where the column is not a fraction."""
    if pd.api.types.is_numeric_dtype(series):
        return np.zeros(len(series), dtype=bool)
    return _number_text(series).str.fullmatch(r"[-+]?[\d.]+\s*%").fillna(False).to_numpy(bool)


_CLOCK = r"(\d{4}-\d{1,2}-\d{1,2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"


def _time_of_day(series: pd.Series) -> np.ndarray:
    """Cells holding a valid date and a time other than midnight (a timestamp column of
    Parquet, `2026-10-31 13:00:00` in a CSV or a sheet): refused, never cut to the day."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return (series.notna() & (series != series.dt.normalize())).to_numpy(dtype=bool)
    text = series.astype("string").str.strip()
    clock = text.str.fullmatch(_CLOCK).fillna(False) & ~text.str.fullmatch(
        r"\S+[ T]0{1,2}:00(?::00(?:\.0+)?)?").fillna(False)
    if not clock.any():
        return np.zeros(len(series), dtype=bool)
    day = pd.to_datetime(text.str.extract(_CLOCK, expand=False), format="%Y-%m-%d",
                         errors="coerce")
    return (clock & day.notna()).to_numpy(dtype=bool)


_EXCEL_EPOCH = np.datetime64("1899-12-30")  # serial 61 = 1900-03-01 (Excel's 1900 leap bug)
_SERIAL = r"\d{2,7}(?:\.0+)?"


def _as_date(series: pd.Series, serials: bool = False) -> pd.Series:
    """Dates written YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD or 2026年10月5日; with
    `serials` (cells of an Excel sheet) a whole number is an Excel date serial."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("datetime64[ns]")
    text = series.astype("string").str.strip()
    text = text.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$",
                            r"\1-\2-\3", regex=True)
    text = text.str.replace("/", "-", regex=False)
    serial = text.str.fullmatch(_SERIAL).fillna(False).to_numpy(dtype=bool) & serials
    text = text.str.replace(".", "-", regex=False)
    compact = text.str.fullmatch(r"\d{8}").fillna(False)
    text = text.where(~compact, text.str[:4] + "-" + text.str[4:6] + "-" + text.str[6:8])
    text = text.str.replace(r"[ T]00:00:00$", "", regex=True)
    parsed = pd.to_datetime(text.where(~serial, None), format="%Y-%m-%d", errors="coerce")
    parsed = parsed.astype("datetime64[ns]")
    if serial.any():
        days = pd.to_numeric(series.astype("string").str.strip().where(serial),
                             errors="coerce").to_numpy(dtype=np.float64)
        valid = serial & (days >= 61) & (days <= 2958465)  # 1900-03-01 .. 9999-12-31
        dates = _EXCEL_EPOCH + np.where(valid, days, 0).astype("int64").astype("timedelta64[D]")
        parsed = parsed.where(~valid, pd.Series(dates.astype("datetime64[ns]"),
                                                index=parsed.index))
    return parsed


def _as_text(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.astype("str")


def coerce_table(
    frame: pd.DataFrame,
    schema: TableSchema,
    shown: str,
    *,
    start_row: int = _FIRST_DATA_ROW,
    rows: np.ndarray | None = None,
    excel_cells: bool | None = None,
) -> tuple[pd.DataFrame, IssueTable]:
    """Check and convert a raw frame (canonical column names) to the schema's types.

    `rows`: each row's spreadsheet row number (default: consecutive from `start_row`).
    `excel_cells`: the cells come from an Excel sheet (numbers in date columns are serials).
    Returns the typed frame (with `_row`) and every issue found, in the order of the checks.
    """
    issues: list[IssueTable | list[InputIssue]] = []
    header_at = start_row - 1
    if rows is None:
        rows = np.arange(start_row, start_row + len(frame), dtype=np.int64)
    serials = bool(frame.attrs.get("excel_cells")) if excel_cells is None else excel_cells
    present = [column for column in schema.columns if column.name in frame.columns]
    missing = [column.name for column in schema.columns
               if column.required and column.name not in frame.columns]
    if missing:
        found = ", ".join(str(c) for c in frame.columns) or "none"
        issues.append([
            InputIssue(shown, header_at, name, "required column is missing", None,
                       f"a header named '{name}' (headers found: {found}; map other header "
                       "names with `columns:` in the config)", code=IssueCode.MISSING_COLUMN)
            for name in missing
        ])
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in present:
        raw = frame[column.name].reset_index(drop=True)
        converted, column_issues = _coerce_column(raw, column, rows, shown, serials)
        issues += column_issues
        if column.money:
            issues.append(_money_total(converted, column, shown))
        out[column.name] = converted
    out[ROW_COLUMN] = rows
    if schema.key and all(name in out.columns for name in schema.key) and not missing:
        blank_keys = [c.name for c in present if c.name in schema.key and not c.nullable]
        issues.append(_duplicate_keys(out, schema.key, shown, blank_keys))
    out.attrs["file"] = shown
    return out, IssueTable.concat(issues)


_Masks = dict[str, np.ndarray]


def _money_total(values: pd.Series, column: Column, shown: str) -> list[InputIssue]:
    """The column-total rule of an amount column: Σ|x| of its readable cells within
    money.MAX_TOTAL_YUAN (a cell beyond money.MAX_AMOUNT_YUAN is reported on its own row)."""
    amounts = np.abs(values.to_numpy(dtype=np.float64, na_value=np.nan))
    total = float(amounts[np.isfinite(amounts) & (amounts <= MAX_AMOUNT_YUAN)].sum())
    if total <= MAX_TOTAL_YUAN:
        return []
    return [InputIssue(shown, None, column.name, "amounts total too large", f"{total:.6g}",
                       f"a column whose amounts total at most {MAX_TOTAL_YUAN:,} yuan in "
                       "magnitude (every figure then fits exact integer cents)",
                       code=IssueCode.OUT_OF_RANGE)]


_EXPECTED = {
    "date with a time of day":
        "a date without a time, such as 2026-10-31 (a time of day cannot be placed within the "
        "period's days: export the column as a date)",
    "comma that is not a thousands separator":
        "a number with a point as the decimal mark (19503.12), commas only between groups of "
        "three digits (1,234.50)",
    "percentage in a column of plain numbers":
        "a plain number: write 95% as 0.95 (the column is not a percentage)",
    "Excel date serial in a text file":
        "a date such as 2026-10-31: the number is an Excel date serial; format the column as "
        "a date in Excel before saving as CSV, or read the .xlsx file itself",
}
"""What to write instead, for rules whose fix is not the column's usual `expected`."""


def _convert(raw: pd.Series, column: Column, serials: bool = False) -> tuple[pd.Series, _Masks]:
    """Convert one column; masks of the cells breaking each rule (rule name -> bool array).

    `serials`: the cells come from an Excel sheet, where a number in a date column is a date.
    """
    blank = _blank(raw)
    masks: _Masks = {"empty cell": blank if not column.nullable else np.zeros_like(blank)}
    if column.kind in ("text", "choice"):
        text = _as_text(raw)
        if column.kind == "choice":
            masks["value not allowed"] = ~blank & ~text.isin(column.choices).to_numpy(dtype=bool)
        return text.where(~blank, None), masks
    if column.kind == "number":
        converted = _as_number(raw, column.fraction)
        values = converted.to_numpy(dtype=np.float64)
        ok = np.isfinite(values)
        percent = np.zeros(len(values), dtype=bool)
        comma = np.zeros(len(values), dtype=bool)
        unreadable = np.flatnonzero(~blank & ~ok)  # only those can be written as 95% or 1,5
        if unreadable.size:
            comma[unreadable] = _misplaced_comma(raw.iloc[unreadable])
        masks["comma that is not a thousands separator"] = comma
        if not column.fraction:
            if unreadable.size:
                percent[unreadable] = _percent_written(raw.iloc[unreadable]) & ~comma[unreadable]
            masks["percentage in a column of plain numbers"] = percent
        masks["not a number"] = ~blank & ~ok & ~percent & ~comma
        out_of_range = np.zeros(len(values), dtype=bool)
        if column.minimum is not None:
            low = values <= column.minimum if column.minimum_exclusive else values < column.minimum
            out_of_range |= ok & low
        if column.maximum is not None:
            out_of_range |= ok & (values > column.maximum)
        masks["value out of range"] = out_of_range
        return converted, masks
    converted = _as_date(raw, serials)
    timed = ~blank & _time_of_day(raw)
    if timed.any():  # the day is there, but so is an hour the period's bounds cannot place
        converted = converted.where(~timed)
    masks["date with a time of day"] = timed
    bad = ~blank & ~timed & converted.isna().to_numpy(dtype=bool)
    if not serials and not pd.api.types.is_datetime64_any_dtype(raw):
        serial = raw.astype("string").str.strip().str.fullmatch(r"\d{5}(?:\.0+)?")
        serial_written = bad & serial.fillna(False).to_numpy(dtype=bool)
        masks["Excel date serial in a text file"] = serial_written
        bad &= ~serial_written
    masks["not a valid date"] = bad
    return converted, masks


_SAMPLE = 20_000


def _repeats(raw: pd.Series) -> bool:
    """Whether a text column repeats its values (then each distinct value is converted once);
    judged on its first rows, so unique ids are not hashed for nothing."""
    head = raw.iloc[:_SAMPLE]
    return len(raw) <= _SAMPLE or head.nunique(dropna=False) * 2 < len(head)


def _coerce_column(
    raw: pd.Series, column: Column, rows: np.ndarray, shown: str, serials: bool = False
) -> tuple[pd.Series, list[IssueTable]]:
    if column.kind == "date" and isinstance(raw.dtype, pd.DatetimeTZDtype):
        # which day an instant falls on depends on the zone it is read in: never guessed
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), [IssueTable.of([
            InputIssue(shown, None, column.name, "timestamps with a time zone", str(raw.dtype),
                       "dates (a Parquet date column), or timestamps without a time zone at "
                       "midnight: cast the column to a date in the zone of the bank's books",
                       code=IssueCode.NOT_A_DATE)])]
    codes, uniques = None, None
    if column.kind != "number" and (pd.api.types.is_string_dtype(raw) or raw.dtype == object) \
            and _repeats(raw):
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if uniques is not None and len(uniques) * 2 < len(raw):
        # Text columns repeat a few values (categories, products, dates): convert each distinct
        # value once and spread the results back by its code.
        distinct = pd.concat(
            [pd.Series(uniques, dtype=raw.dtype), pd.Series([None], dtype=raw.dtype)],
            ignore_index=True,
        )
        converted_distinct, masks_distinct = _convert(distinct, column, serials)
        positions = np.where(codes < 0, len(uniques), codes)
        converted = converted_distinct.iloc[positions].reset_index(drop=True)
        masks = {rule: mask[positions] for rule, mask in masks_distinct.items()}
    else:
        converted, masks = _convert(raw, column, serials)
    cells = raw.astype("string") if pd.api.types.is_datetime64_any_dtype(raw) else raw
    issues = [
        IssueTable.at(mask, code=_RULE_CODES[rule], file=shown, rows=rows, column=column.name,
                      rule=rule, expected=_EXPECTED.get(rule, column.expected()), values=cells)
        for rule, mask in masks.items() if mask.any()
    ]
    return converted, issues


def _duplicate_keys(frame: pd.DataFrame, key: tuple[str, ...], shown: str,
                    required: list[str] | None = None) -> IssueTable:
    """Every row repeating an earlier row's key, with the row where the key was first seen;
    not a row whose `required` key cell is blank (reported as an empty cell already)."""
    duplicated = frame.duplicated(subset=list(key), keep="first").to_numpy(dtype=bool)
    for name in required or ():
        duplicated = duplicated & frame[name].notna().to_numpy(dtype=bool)
    if not duplicated.any():
        return IssueTable()
    keys = frame[list(key)].astype("string").fillna("")
    joined = keys[key[0]]
    for name in key[1:]:
        joined = joined + " / " + keys[name]
    first_rows = frame[ROW_COLUMN].groupby(joined.to_numpy(), sort=False).transform("first")
    label = " + ".join(key)
    expected = f"each {label} once (first seen on row " + first_rows.astype("str") + ")"
    return IssueTable.at(duplicated, code=IssueCode.DUPLICATE_KEY, file=shown,
                         rows=frame[ROW_COLUMN], column=label, rule="duplicate key",
                         expected=expected, values=joined.astype("str"))


_TAIL_CHUNK = 1024


def _blank_rows(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows whose every cell is empty or only spaces (as a spreadsheet's `,,,,` rows)."""
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        values = frame[column]
        text = values.astype("string").str.strip()
        blank &= (values.isna() | (text == "")).fillna(True).to_numpy(dtype=bool)
    return blank


def drop_trailing_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the fully blank rows at the end (exports often end in comma-only rows); blank rows
    between data rows stay, and are reported by the column checks."""
    end = len(frame)
    while end > 0:
        start = max(0, end - _TAIL_CHUNK)
        blank = _blank_rows(frame.iloc[start:end])
        if not blank.all():
            end = start + int(np.flatnonzero(~blank)[-1]) + 1
            break
        end = start
    return frame if end == len(frame) else frame.iloc[:end]


def _repeated_columns(
    frame: pd.DataFrame, schema: TableSchema, shown: str, header_row: int
) -> list[InputIssue]:
    """A column of the schema given twice (two headers, or `columns:` mapping a header onto a
    name the file already has): which one holds the figure is never guessed."""
    names = pd.Index([str(c) for c in frame.columns])
    found = []
    for name in dict.fromkeys(names[names.duplicated()]):
        if name in schema.names:
            at = [str(i + 1) for i in np.flatnonzero(names == name)]
            found.append(InputIssue(
                shown, header_row, name, "the column is given twice", None,
                f"one column named '{name}' (it is column {' and '.join(at)}): delete or rename "
                "the other, or map only one with `columns:`", code=IssueCode.DUPLICATE_COLUMN))
    return found


def _blank_rows_inside(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Fully blank rows among the data rows; only rows whose first cell is blank are examined,
    so a large table pays for one column."""
    if frame.empty or len(frame.columns) == 0:
        return np.zeros(len(frame), dtype=bool)
    first = frame.iloc[:, 0]
    candidates = np.flatnonzero(_blank(first))
    blank = np.zeros(len(frame), dtype=bool)
    if len(candidates):
        blank[candidates] = _blank_rows(frame.iloc[candidates])
    return blank


_HEADER_SEARCH_ROWS = 20
_DELIMITERS = {"\t": 'delimiter: "\\t"', ";": 'delimiter: ";"', "|": 'delimiter: "|"',
               ",": 'delimiter: ","'}


def _delimiter_hint(
    frame: pd.DataFrame, schema: TableSchema, shown: str, header_row: int, delimiter: str,
    columns: Mapping[str, str],
) -> list[InputIssue]:
    """When the required headers are all in one header cell, separated by another character
    than `delimiter` (a tab-separated export read as CSV), say which `delimiter` to set."""
    required = {columns.get(c.name, c.name) for c in schema.columns if c.required}
    if len(frame.columns) != 1 or required <= set(frame.columns):
        return []
    header = str(frame.columns[0])
    for other, setting in _DELIMITERS.items():
        if other != delimiter and required <= {h.strip() for h in header.split(other)}:
            return [InputIssue(
                shown, header_row, None, "the whole header is one column", header,
                f"fields separated by {delimiter!r}: the headers are separated by {other!r}; "
                f"set `{setting}` for this table in `inputs:`",
                code=IssueCode.MISSING_COLUMN)]
    return []


def _header_hint(
    frame: pd.DataFrame, schema: TableSchema, shown: str, header_row: int,
    columns: Mapping[str, str],
) -> list[InputIssue]:
    """When the required headers are missing from the header row but all appear on one of the
    next rows (a title above the table), say which `header_row` to set."""
    required = {c.name for c in schema.columns if c.required}
    if required <= set(frame.columns):
        return []
    required = {columns.get(name, name) for name in required}
    head = frame.head(_HEADER_SEARCH_ROWS).astype("string").fillna("")
    for position, values in enumerate(head.itertuples(index=False, name=None)):
        if required <= {str(v).strip().lstrip("\ufeff") for v in values}:
            found = header_row + 1 + position
            return [InputIssue(
                shown, header_row, None, "the headers are not on the header row", None,
                f"set `header_row: {found}` for this table in `inputs:` (the headers appear "
                f"on row {found}; the rows above them look like a title)",
                code=IssueCode.MISSING_COLUMN)]
    return []


def read_table(
    name: str,
    path: Path,
    *,
    shown: str,
    file_format: str = "auto",
    encoding: str = "auto",
    sheet: str | None = None,
    delimiter: str = ",",
    columns: Mapping[str, str] | None = None,
    header_row: int = 1,
    columnar: bool = True,
    in_place: bool = False,
) -> tuple[LoadedTable, IssueTable]:
    """Read one input table, rename configured headers, coerce to its schema.

    `header_row`: the spreadsheet row holding the headers (rows above it, such as a report
    title, are skipped). Fully blank rows are skipped; rows keep their spreadsheet numbers.
    Returns the table and every issue found, by row (raise them with other tables' issues).
    `columnar`: the account tables (business, credit_splits) from CSV or Parquet are read
    straight into Arrow when every cell reads plainly (`io.accounts`); else cell by cell.
    `in_place`: a Parquet business table is left where it is, for DuckDB (`io.accounts.InPlace`).
    The table keeps the file's signature taken before reading (`LoadedTable.changed`): a file
    changed while it was read is refused here, one changed later by `pipeline.run`.
    """
    signature = table_signature(path)
    if file_format in ("auto", "parquet"):
        _same_columns(parquet_files(path), shown)
        _narrow_floats(name, path, file_format, shown, columns or {})
    table, issues = _read_table(name, path, shown=shown, file_format=file_format,
                                encoding=encoding, sheet=sheet, delimiter=delimiter,
                                columns=columns, header_row=header_row, columnar=columnar,
                                in_place=in_place)
    table = replace(table, signature=signature)
    changed = table.changed()
    if changed is not None:
        raise InputError([changed])
    return table, issues


def _read_table(
    name: str, path: Path, *, shown: str, file_format: str, encoding: str, sheet: str | None,
    delimiter: str, columns: Mapping[str, str] | None, header_row: int, columnar: bool,
    in_place: bool,
) -> tuple[LoadedTable, IssueTable]:
    if columnar and name in ACCOUNT_TABLES:
        fast = _read_columnar(name, path, in_place=in_place, shown=shown, file_format=file_format,
                              encoding=encoding, sheet=sheet, delimiter=delimiter,
                              columns=dict(columns or {}), header_row=header_row)
        if fast is not None:
            return fast, IssueTable()
    schema = SCHEMAS[name]
    frame, used = _read_raw(path, file_format, encoding, sheet, True, delimiter, shown,
                            as_text=False, header_row=header_row)
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    issues: list[InputIssue] = []
    if columns:
        unknown = sorted(set(columns) - set(schema.names))
        issues += [
            InputIssue(shown, None, key, "`columns:` maps a column the table does not have",
                       None, "one of " + ", ".join(schema.names), code=IssueCode.UNKNOWN_COLUMN)
            for key in unknown
        ]
        absent = [header for header in columns.values() if header not in frame.columns]
        issues += [
            InputIssue(shown, 1, header, "mapped header not found in the file", None,
                       "headers found: " + ", ".join(map(str, frame.columns)),
                       code=IssueCode.MISSING_COLUMN)
            for header in absent
        ]
        frame = frame.rename(columns={header: key for key, header in columns.items()})
    repeated = _repeated_columns(frame, schema, shown, header_row)
    if repeated:
        raise InputError(issues + repeated)
    frame = drop_trailing_blank_rows(frame)
    rows = np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)
    blank = _blank_rows_inside(frame)
    if blank.any():
        frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    split = _delimiter_hint(frame, schema, shown, header_row, delimiter, columns or {})
    if split:
        raise InputError(issues + split)  # every column would be "missing": say why, once
    issues += _header_hint(frame, schema, shown, header_row, columns or {})
    typed, coerce_issues = coerce_table(frame, schema, shown, start_row=header_row + 1,
                                        rows=rows,
                                        excel_cells=_format_of(path, file_format) == "xlsx")
    digest = table_sha256(path)
    table = LoadedTable(name, typed, path, shown, digest, used)
    return table, IssueTable.concat([issues, coerce_issues.sorted_by_row()])
