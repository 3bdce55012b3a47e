"""The account tables (business, credit_splits) read columnar, as the kernel reads them.

A bank's month is millions of account rows: converting and checking them cell by cell in pandas
costs more than the whole account stage. For CSV (pyarrow's multithreaded reader, the encoding
still detected) and Parquet (one file, a folder or a glob) this module reads the table straight
into Arrow with the kernel's types — amounts in integer cents by the one rounding rule
(`money.to_cents`), shares in units of 10⁻¹², dates as dates, labels dictionary-encoded — and
checks every reader rule of the table's schema vectorised (blank cells, numbers, ranges, dates,
duplicate keys).

It never words an issue itself. Whenever anything is off, or not plainly readable (a blank row,
a `95%`, `1,234.50`, `2026年10月5日`, a repeated header, a mapped header missing, a negative
balance, ...), it answers None and the per-cell reader (`io.readers`) reads the table instead,
with its messages (file, spreadsheet row, column, what was expected, reason code). XLSX tables
always take the per-cell reader (they are small by nature).

The result is a pandas frame whose columns are Arrow arrays (zero-copy both ways), marked
`attrs[RELATION] = True`; `validate.check_inputs` verifies the config-aware rules on it
(`kernel.checks.accounts_clean`) and re-reads it by the per-cell reader (`attrs[REREAD]`) when
they fail, so every message stays the per-cell path's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..money import MAX_TOTAL_YUAN

__all__ = [
    "ACCOUNT_TABLES",
    "CATALOG",
    "FIRST_ROW",
    "IN_PLACE",
    "RELATION",
    "REREAD",
    "ROWS",
    "InPlace",
    "Reread",
    "columnar_kind",
    "in_place_table",
    "is_catalog",
    "is_in_place",
    "is_relation",
    "read_account_table",
    "relation_of",
    "relation_rows",
    "repeats",
    "table_rows",
    "unknown_labels",
]

ACCOUNT_TABLES = ("business", "credit_splits")
RELATION = "account_relation"
"""frame.attrs key: the frame's columns are the checked Arrow relation (cents, share units)."""
FIRST_ROW = "first_row"
"""frame.attrs key: the spreadsheet row of the first record (header_row + 1)."""
REREAD = "reread"
"""frame.attrs key: how to read the same table again by the per-cell reader."""
SHARE_SCALE = 10**12  # as kernel.sql.SHARE_SCALE (io does not import the kernel)
_LABELS = ("manager_id", "product", "category")
_MONEY = ("balance", "revenue", "ftp_cost", "risk_cost", "tax")
_LABEL = pa.dictionary(pa.int32(), pa.string())
# pandas' datetime64[ns] range: a date outside it is "not a valid date" for the per-cell reader
_FIRST_DAY = np.datetime64("1677-09-22", "D").astype(np.int64)
_LAST_DAY = np.datetime64("2262-04-11", "D").astype(np.int64)
_SURE = 0.49
_CSV_BLOCK = 1 << 24
"""Bytes per block of pyarrow's CSV reader: 16 MiB blocks still keep both cores busy, and
give ~16× fewer chunks (label dictionaries to unify, per-chunk checks) than the 1 MiB default."""
_SAFE_YUAN = 2.0**50 / 100


@dataclass(frozen=True)
class Reread:
    """A call of `io.readers.read_table` with the per-cell reader (deep-copyable attrs), or with
    the columnar one (`columnar=True`: a table left in place, read after all)."""

    name: str
    path: Path
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    columnar: bool = False

    def __call__(self) -> Any:
        from .readers import read_table

        return read_table(self.name, self.path, columnar=self.columnar, **self.kwargs)


CATALOG = "catalog_table"
"""frame.attrs key: the table lives in the Spark catalog (the frame is an empty stand-in)."""
ROWS = "rows"
"""frame.attrs key: the record count of a table the frame only stands for (catalog, in place)."""
IN_PLACE = "in_place"
"""frame.attrs key: a Parquet business table left where it is (`InPlace`): DuckDB reads it."""


def is_catalog(frame: object) -> bool:
    """Whether a table's frame stands for a Spark catalog table (read by the engine)."""
    return isinstance(frame, pd.DataFrame) and bool(frame.attrs.get(CATALOG))


def is_in_place(frame: object) -> bool:
    """Whether a table's frame stands for Parquet files DuckDB reads in place (`InPlace`)."""
    return isinstance(frame, pd.DataFrame) and frame.attrs.get(IN_PLACE) is not None


def table_rows(frame: pd.DataFrame) -> int:
    """Records of a table: the frame's, or the count of the table it stands for."""
    return int(frame.attrs[ROWS]) if ROWS in frame.attrs else len(frame)


@dataclass(frozen=True)
class InPlace:
    """A Parquet business table read where it is, by DuckDB (`kernel.in_place`), never loaded.

    `columns`: (name, name in the files, kind) of each schema column present; kind is `text`,
    `date`, `timestamp` (no time zone: dates only when all at midnight), `integer`, `decimal`
    (scale <= 2) or `float`. The reader only looked at the files'
    schemas and row counts; every rule on the values is `kernel.in_place.check`'s.
    """

    paths: tuple[str, ...]
    columns: tuple[tuple[str, str, str], ...]
    rows: int

    def kind(self, name: str) -> str | None:
        return next((kind for column, _, kind in self.columns if column == name), None)

    def stored(self, name: str) -> str:
        return next(stored for column, stored, _ in self.columns if column == name)


def is_relation(frame: object) -> bool:
    """Whether a table's frame is a columnar account relation (this module's)."""
    return isinstance(frame, pd.DataFrame) and bool(frame.attrs.get(RELATION))


def relation_of(frame: pd.DataFrame) -> pa.Table:
    """The Arrow relation behind a columnar frame (zero-copy)."""
    return pa.table({str(name): frame[name].array.__arrow_array__() for name in frame.columns})


def relation_rows(frame: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row numbers of a columnar table's records (it has no blank rows: each
    record is the row after the previous one)."""
    first = int(frame.attrs.get(FIRST_ROW, 2))
    return np.arange(first, first + len(frame), dtype=np.int64)


def unknown_labels(frame: pd.DataFrame, column: str, known: pd.Index) -> np.ndarray:
    """Rows of a columnar table whose label in `column` is not null and not in `known`; the
    dictionary is looked up first (all of it: an unused label only costs the row pass), the
    rows only when some label is unknown."""
    values = frame[column].array.__arrow_array__()
    vocabulary = pa.array(known.astype("str").to_numpy(), pa.string())
    if all(pc.all(pc.is_in(chunk.dictionary, value_set=vocabulary)).as_py() is not False
           for chunk in values.chunks if pa.types.is_dictionary(chunk.type)) and \
            pa.types.is_dictionary(values.type):
        return np.zeros(len(frame), dtype=bool)
    plain = pc.cast(values, pa.string())
    found = pc.is_in(plain, value_set=vocabulary)
    return np.asarray(pc.and_(pc.is_valid(plain), pc.invert(found)).to_numpy(
        zero_copy_only=False), dtype=bool)


def outside(values: pd.Series | pd.Index, known: pd.Index) -> np.ndarray:
    """Which of `values` are not null and not in `known` (`~values.isin(known)` on the non-null
    ones): one Arrow lookup for strings, where pandas' `isin` of an Arrow string column builds
    one scalar per known value in Python; anything else goes through pandas."""
    present = np.asarray(pd.notna(values), dtype=bool)
    if values.dtype == "str" and known.dtype == "str":
        try:
            found = pc.is_in(pa.array(values, pa.string(), from_pandas=True),
                             value_set=pa.array(known, pa.string(), from_pandas=True))
            return present & ~np.asarray(pc.fill_null(found, False).to_numpy(
                zero_copy_only=False), dtype=bool)
        except (pa.ArrowException, TypeError, ValueError):
            pass
    return present & ~np.asarray(values.isin(known), dtype=bool)


class _Refused(Exception):
    """The columnar path cannot vouch for the table: read it cell by cell."""


def _refuse(condition: bool) -> None:
    if condition:
        raise _Refused


def read_account_table(
    name: str, path: Path, *, kind: str, files: tuple[Path, ...], encoding: str,
    delimiter: str, columns: Mapping[str, str], header_row: int, shown: str,
    reread: Reread,
) -> tuple[pd.DataFrame, str | None] | None:
    """The table as a checked columnar frame and the encoding used, or None (per-cell path)."""
    import duckdb

    from .schemas import SCHEMAS

    schema = SCHEMAS[name]
    try:
        raw, used = _raw(path, kind, files, encoding, delimiter, columns, header_row, schema)
        relation = _typed(name, raw, schema)
    except _Refused:
        return None
    except (pa.ArrowException, OSError, UnicodeError, ValueError, duckdb.Error):
        return None  # the per-cell reader words it
    frame = relation.to_pandas(types_mapper=pd.ArrowDtype)
    frame.attrs.update({"file": shown, RELATION: True, REREAD: reread,
                        FIRST_ROW: header_row + 1})
    return frame, used


def _raw(
    path: Path, kind: str, files: tuple[Path, ...], encoding: str, delimiter: str,
    columns: Mapping[str, str], header_row: int, schema: Any,
) -> tuple[pa.Table, str | None]:
    header_of = {header: key for key, header in columns.items()}
    _refuse(bool(set(columns) - set(schema.names)))
    wanted = {c.name: c for c in schema.columns}
    if kind == "csv":
        from .readers import _ENCODING_ALIASES, _header_names, detect_encoding

        used = detect_encoding(path) if encoding == "auto" else encoding
        used = _ENCODING_ALIASES.get(used, used)
        _refuse(used == "mixed")
        names = _header_names(path, used, delimiter, header_row - 1)
        if names is None:
            raise _Refused
        names[0] = names[0].lstrip("\ufeff")
        stripped = [n.strip() for n in names]
        canonical = [header_of.get(n, n) for n in stripped]
        _refuse(len(set(canonical)) != len(canonical) or "" in canonical
                or any(h not in stripped for h in columns.values()))
        keep = {n: c for n, c in zip(names, canonical, strict=True) if c in wanted}
        types = {n: _csv_type(wanted[c]) | ({"label": True} if c in _LABELS else {})
                 for n, c in keep.items()}
        import pyarrow.csv as pa_csv

        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                encoding="utf-8" if used == "utf-8-sig" else used,
                skip_rows=header_row, column_names=names, block_size=_CSV_BLOCK),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter,
                                              newlines_in_values=_may_quote(path, used),
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                include_columns=list(keep),
                column_types={n: _LABEL if t.get("label") else t["type"]
                              for n, t in types.items()},
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
                true_values=[], false_values=[]),
        )
        table = table.rename_columns([keep[n] for n in table.column_names])
        return table, used
    import pyarrow.dataset as ds

    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(
        dictionary_columns=[header_of.get(n, n) for n in _LABELS]))
    dataset = ds.dataset([str(f) for f in (files or (path,))], format=fmt)
    names = dataset.schema.names
    stripped = [n.strip() for n in names]
    canonical = [header_of.get(n, n) for n in stripped]
    _refuse(len(set(canonical)) != len(canonical)
            or any(h not in stripped for h in columns.values()))
    keep = [n for n, c in zip(names, canonical, strict=True) if c in wanted]
    labels = [n for n in keep if header_of.get(n.strip(), n.strip()) in _LABELS]
    # labels by pyarrow (dictionary-encoded as stored), the rest by DuckDB's faster reader
    table = dataset.to_table(columns=labels)
    rest = [n for n in keep if n not in labels]
    if rest:
        import duckdb

        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in (files or (path,)))
        chosen = ", ".join('"' + n.replace('"', '""') + '"' for n in rest)
        connection = duckdb.connect()
        try:
            others = connection.sql(
                f"SELECT {chosen} FROM read_parquet([{listed}])").to_arrow_table()
        finally:
            connection.close()
        _refuse(others.num_rows != table.num_rows and bool(labels))
        for name in rest:
            table = table.append_column(name, others.column(name))
    table = table.rename_columns([header_of.get(n.strip(), n.strip())
                                  for n in table.column_names])
    return table, None


_UNQUOTED_SCAN = ("utf-8", "utf-8-sig", "gb18030")
"""Encodings in which byte 0x22 is only ever a quotation mark (no multi-byte character holds
it), so a file without that byte has no quoted value, and no newline inside a value."""


def _may_quote(path: Path, encoding: str) -> bool:
    """Whether a value of the file may hold a newline (it has a quotation mark, or its encoding
    is not one we can scan bytewise): pyarrow then splits its blocks serially, which costs
    about a third of its speed; a file without quotes is read in parallel blocks."""
    if encoding not in _UNQUOTED_SCAN:
        return True
    import mmap

    with open(path, "rb") as handle:
        if handle.seek(0, 2) == 0:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as content:
            return content.find(b'"') >= 0


def _csv_type(column: Any) -> dict[str, Any]:
    if column.kind == "number":
        return {"type": pa.float64()}
    if column.kind == "date":
        return {"type": pa.date32()}
    return {"type": pa.string()}


def _text(values: pa.ChunkedArray, nullable: bool, label: bool) -> pa.ChunkedArray:
    """Text as the per-cell reader reads it (refused when any cell would differ: spaces around
    it, a blank where none is allowed)."""
    _refuse(not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
                 or (pa.types.is_dictionary(values.type)
                     and pa.types.is_string(values.type.value_type))))
    _refuse(not nullable and values.null_count > 0)
    chunks = []
    for chunk in values.chunks:
        plain = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
        trimmed = pc.utf8_trim_whitespace(plain)
        _refuse(not pc.all(pc.equal(trimmed, plain)).as_py() if len(plain) else False)
        if pa.types.is_dictionary(chunk.type):
            blank = pc.equal(chunk.dictionary, "")
            if pc.any(blank).as_py():
                _refuse(not nullable)
                at = pa.scalar(int(pc.index(blank, True).as_py()), pa.int32())
                indices = pc.if_else(pc.equal(chunk.indices, at), None, chunk.indices)
                chunk = pa.DictionaryArray.from_arrays(indices, chunk.dictionary)
            chunks.append(chunk.cast(_LABEL) if label else chunk.cast(pa.string()))
            continue
        if pc.any(pc.equal(chunk, "")).as_py():
            _refuse(not nullable)
            chunk = pc.if_else(pc.equal(chunk, ""), None, chunk)
        chunk = chunk.cast(pa.string())
        chunks.append(pc.dictionary_encode(chunk).cast(_LABEL) if label else chunk)
    return pa.chunked_array(chunks, _LABEL if label else pa.string())


def _cents(numbers: np.ndarray, nullable: bool) -> pa.Array:
    """Float yuan to int64 cents by the one rounding rule (as `kernel.frames.float_cents`)."""
    missing = np.isnan(numbers)
    values = np.where(missing, 0.0, numbers) if missing.any() else numbers
    _refuse(values.size > 0 and float(np.abs(values).max()) > _SAFE_YUAN)
    scaled = values * 100.0
    nearest = np.rint(scaled)
    if scaled.size == 0 or float(np.abs(scaled - nearest).max()) < _SURE:
        cents = nearest.astype(np.int64)
    else:
        from ..money import to_cents

        cents = np.asarray(to_cents(values), dtype=np.int64)
    return pa.array(cents, pa.int64(), mask=missing if nullable and missing.any() else None)


def _dates(values: pa.ChunkedArray) -> pa.ChunkedArray:
    _refuse(values.null_count > 0)
    if pa.types.is_timestamp(values.type) and values.type.tz is None:
        days = pc.cast(values, pa.date32(), safe=False)  # dates only when all at midnight
        _refuse(not pc.all(pc.equal(pc.cast(days, values.type), values)).as_py()
                if len(values) else False)
        values = days
    _refuse(not pa.types.is_date32(values.type))
    if len(values):
        low, high = pc.min_max(values).values()
        _refuse(not (low.cast(pa.int32()).as_py() >= _FIRST_DAY
                     and high.cast(pa.int32()).as_py() <= _LAST_DAY))
    return values


def _one_dictionary(table: pa.Table) -> pa.Table:
    """Each label column as one chunk over one dictionary (the readers give one per block), so
    a check looks each label up once."""
    table = table.unify_dictionaries()
    for index, column in enumerate(table.schema):
        if pa.types.is_dictionary(column.type) and table.column(index).num_chunks > 1:
            table = table.set_column(index, column.name,
                                     pa.chunked_array([table.column(index).combine_chunks()]))
    return table


def _unique(table: pa.Table, key: tuple[str, ...]) -> bool:
    """Whether the key's values are distinct: 64-bit hashes by DuckDB, sorted (a collision is
    only a false alarm: the per-cell reader then decides)."""
    import duckdb

    connection = duckdb.connect()
    try:
        keys = table.select(list(key))
        for index, column in enumerate(keys.schema):
            if pa.types.is_dictionary(column.type):  # hash the text, not per-chunk codes
                keys = keys.set_column(index, column.name,
                                       pc.cast(keys.column(index), pa.string()))
        connection.register("keys", keys)
        hashes = connection.sql(f"SELECT hash({', '.join(key)}) AS h FROM keys").to_arrow_table()
    finally:
        connection.close()
    return not repeats(hashes.column("h").to_numpy())


def repeats(hashes: npt.NDArray[np.uint64]) -> bool:
    """Whether a 64-bit hash occurs twice: sorted, a repeat sits beside its twin (faster than
    DuckDB's GROUP BY). The two halves of the hash range are sorted in two threads (numpy
    releases the GIL while sorting): the same answer, about 0.3 s sooner at 10M rows."""
    high = hashes >= np.uint64(1 << 63)
    halves = (hashes[~high], hashes[high])
    with ThreadPoolExecutor(2) as pool:
        ordered = list(pool.map(np.sort, halves))
    return any(bool((half[1:] == half[:-1]).any()) for half in ordered)


def _typed(name: str, raw: pa.Table, schema: Any) -> pa.Table:
    present = {c.name: c for c in schema.columns if c.name in raw.column_names}
    _refuse(any(c.required and c.name not in present for c in schema.columns))
    _refuse(raw.num_rows == 0)
    arrays: dict[str, Any] = {}
    numbers: dict[str, Any] = {}
    for column_name, column in present.items():
        values = raw.column(column_name)
        if column.kind in ("text", "choice"):
            _refuse(column.kind == "choice")
            arrays[column_name] = _text(values, column.nullable, column_name in _LABELS)
        elif column.kind == "date":
            arrays[column_name] = _dates(values)
        else:
            kind = values.type
            _refuse(not (pa.types.is_floating(kind) or pa.types.is_integer(kind)
                         or (pa.types.is_decimal(kind) and kind.scale <= 2)))
            _refuse(not column.nullable and values.null_count > 0)
            numbers[column_name] = column
    arrays.update(_numbers(raw, numbers))
    table = _one_dictionary(pa.table(arrays))
    _refuse(bool(schema.key) and not _unique(table, schema.key))
    return table


def _numbers(raw: pa.Table, columns: dict[str, Any]) -> dict[str, pa.ChunkedArray]:
    """Amounts to int64 cents, shares to int64 units, by DuckDB in two vectorised passes: the
    facts that make the float rounding exact (every x·100 within 0.49 of an integer: then the
    nearest integer is the cents `money.to_cents` gives; finite; in range), then the integers.
    When a fact fails the amounts are taken to cents by `money.to_cents` (typed decimals of
    more than two places) or the table is refused (the per-cell reader words it)."""
    import duckdb

    if not columns:
        return {}
    floats = pa.table({name: pc.cast(raw.column(name), pa.float64()) for name in columns})
    facts = []
    for name in columns:
        scale = "1000000000000.0" if name == "share" else "100.0"
        facts += [f"COUNT({name})", f"COUNT(*) FILTER (WHERE NOT isfinite({name}))",
                  f"MIN({name})", f"MAX({name})",
                  f"MAX(abs({name} * {scale} - round({name} * {scale})))",
                  f"MAX(abs({name}))", f"SUM(abs({name}))"]
    connection = duckdb.connect()
    try:
        connection.register("amounts", floats)
        found = connection.sql(f"SELECT {', '.join(facts)} FROM amounts").fetchall()[0]
        exact, out = [], {}
        for index, (name, column) in enumerate(columns.items()):
            count, infinite, low, high, deviation, largest, total = found[
                7 * index: 7 * index + 7]
            _refuse(bool(infinite))
            if count == 0:
                _refuse(not column.nullable)
                continue  # a supplied cost column left blank throughout: the rates apply
            if column.minimum is not None:
                _refuse(low <= column.minimum if column.minimum_exclusive
                        else low < column.minimum)
            if column.maximum is not None:
                _refuse(high > column.maximum)
            # a negative balance is the stage check's to word: the per-cell path reads it
            _refuse(name == "balance" and low < 0)
            _refuse(largest > _SAFE_YUAN)
            _refuse(name in _MONEY and total > MAX_TOTAL_YUAN)  # the per-cell reader words it
            if deviation < _SURE:
                scale = "1000000000000.0" if name == "share" else "100.0"
                exact.append(f"CAST(round({name} * {scale}) AS BIGINT) AS {name}")
            else:
                _refuse(name == "share")
                values = np.asarray(floats.column(name).to_numpy(zero_copy_only=False),
                                    dtype=np.float64)
                out[name] = pa.chunked_array([_cents(values, column.nullable)])
        if exact:
            converted = connection.sql(f"SELECT {', '.join(exact)} FROM amounts").to_arrow_table()
            out.update({name: converted.column(name) for name in converted.column_names})
    finally:
        connection.close()
    return {name: out[name] for name in columns if name in out}


def columnar_kind(path: Path, file_format: str, format_of: Callable[[Path, str], str],
                  files: tuple[Path, ...]) -> str | None:
    """'csv' or 'parquet' when the table can be read columnar, else None."""
    if files:
        return "parquet"
    if not path.is_file():
        return None
    kind = format_of(path, file_format)
    return kind if kind in ("csv", "parquet") else None


def _stored_kind(kind: pa.DataType, wanted: str) -> str | None:
    """How the in-place reader takes a stored column (None: it cannot vouch for it)."""
    if wanted == "text":
        plain = kind.value_type if pa.types.is_dictionary(kind) else kind
        return "text" if pa.types.is_string(plain) or pa.types.is_large_string(plain) else None
    if wanted == "date":
        if pa.types.is_date32(kind):
            return "date"
        return "timestamp" if pa.types.is_timestamp(kind) and kind.tz is None else None
    if pa.types.is_integer(kind) and not (pa.types.is_uint64(kind)):
        return "integer"
    if pa.types.is_decimal128(kind) and kind.scale <= 2 and kind.precision <= 18:
        return "decimal"
    if pa.types.is_float64(kind):  # float32 and float16 are refused (`readers._narrow_floats`)
        return "float"
    return None


def in_place_table(
    path: Path, files: tuple[Path, ...], *, columns: Mapping[str, str], shown: str,
    reread: Reread,
) -> pd.DataFrame | None:
    """A stand-in frame for a Parquet business table DuckDB reads in place (attrs[IN_PLACE]),
    or None when the files' schemas do not let it vouch for the table (the columnar reader
    reads it then). Only the schemas and row counts are read here."""
    import pyarrow.parquet as pq

    from .schemas import SCHEMAS

    schema = SCHEMAS["business"]
    header_of = {header: key for key, header in columns.items()}
    if set(columns) - set(schema.names):
        return None
    paths = tuple(str(f) for f in (files or (path,)))
    try:
        first = pq.read_schema(paths[0])
        rows = 0
        for stored in paths:
            metadata = pq.read_metadata(stored)
            if not metadata.schema.to_arrow_schema().equals(first):
                return None
            rows += metadata.num_rows
    except (pa.ArrowException, OSError, ValueError):
        return None  # the columnar or per-cell reader words it
    stripped = [n.strip() for n in first.names]
    canonical = [header_of.get(n, n) for n in stripped]
    if (len(set(canonical)) != len(canonical) or rows == 0
            or any(h not in stripped for h in columns.values())):
        return None
    wanted = {c.name: c for c in schema.columns}
    present = []
    for stored, name in zip(first.names, canonical, strict=True):
        if name not in wanted:
            continue
        kind = _stored_kind(first.field(stored).type, wanted[name].kind
                            if wanted[name].kind in ("text", "date") else "number")
        if kind is None:
            return None
        present.append((name, stored, kind))
    if any(c.required and c.name not in canonical for c in schema.columns):
        return None
    frame = pd.DataFrame()
    frame.attrs.update({"file": shown, IN_PLACE: InPlace(paths, tuple(present), rows),
                        ROWS: rows, "columns": [name for name, _, _ in present],
                        REREAD: reread, FIRST_ROW: 2})
    return frame
