"""Business tables stored as Parquet files (one file, a folder or a glob: a partitioned table)
streamed to the kernel in record batches, amounts converted to cents on the way: nothing is
loaded whole, nothing goes through pandas.

Money columns typed as integers are yuan (× 100 exactly), decimals are exact (scale ≤ 2 only
is accepted as cents), floats go through `money.to_cents` (half away from zero on the typed
decimal), batch by batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from ..errors import InputError, InputIssue, IssueCode
from ..io.readers import parquet_files
from .frames import float_cents
from .sql import SUPPLIED

__all__ = ["parquet_business", "parquet_paths"]

_BATCH_ROWS = 1 << 20
_MONEY = ("balance", "revenue", *SUPPLIED)


def parquet_paths(location: str | Path) -> tuple[str, ...]:
    """The Parquet files of a file, a folder (every *.parquet below it) or a glob, sorted."""
    path = Path(location)
    found = [str(p) for p in parquet_files(path)] or ([str(path)] if path.is_file() else [])
    if not found:
        raise InputError([InputIssue(str(location), None, None, "no Parquet files found", None,
                                     "a Parquet file, a folder of them or a glob such as "
                                     "business/*.parquet", code=IssueCode.FILE_NOT_FOUND)])
    return tuple(found)


def _money(column: pa.ChunkedArray | pa.Array, name: str, shown: str) -> pa.Array:
    kind = column.type
    if pa.types.is_integer(kind):
        return pc.multiply_checked(pc.cast(column, pa.int64()), 100)
    if pa.types.is_decimal(kind) and kind.scale <= 2:
        return pc.cast(pc.multiply(column, pa.scalar(100, pa.int64())), pa.int64())
    if pa.types.is_floating(kind):
        values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
        return float_cents(values, nullable=True)
    raise InputError([InputIssue(shown, None, name, f"column of type {kind}", None,
                                 "amounts in yuan as numbers (decimal with at most 2 decimals, "
                                 "integer or float)", code=IssueCode.NOT_A_NUMBER)])


def _date(column: pa.Array, shown: str) -> pa.Array:
    if pa.types.is_date32(column.type):
        return column
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return pc.cast(column, pa.date32())
    raise InputError([InputIssue(shown, None, "booking_date", f"column of type {column.type}",
                                 None, "a date column", code=IssueCode.NOT_A_DATE)])


def _label(column: pa.Array, label: pa.DataType) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        return pc.cast(column, label)
    return pc.dictionary_encode(pc.cast(column, pa.string())).cast(label)


def parquet_business(
    location: str | Path, *, with_splits: bool, batch_rows: int = _BATCH_ROWS,
) -> tuple[pa.RecordBatchReader, tuple[str, ...]]:
    """The business table as the kernel reads it, streamed: (batches, supplied cost columns)."""
    paths = parquet_paths(location)
    shown = str(location)
    dataset = ds.dataset(list(paths), format="parquet")
    names = set(dataset.schema.names)
    needed = ["manager_id", "product", "booking_date", "balance", "revenue"]
    if with_splits:
        needed.append("account_id")
    missing = [n for n in needed if n not in names]
    if missing:
        raise InputError([InputIssue(shown, 1, n, "required column is missing", None,
                                     f"a column named '{n}'", code=IssueCode.MISSING_COLUMN)
                          for n in missing])
    supplied = tuple(n for n in SUPPLIED if n in names)
    columns = needed + list(supplied)
    text = [n for n in ("manager_id", "product") if n in columns]
    ids = ["account_id"] if with_splits else []
    label = pa.dictionary(pa.int32(), pa.string())  # few distinct: stay dictionary-encoded
    schema = pa.schema([(n, label) for n in text] + [(n, pa.string()) for n in ids]
                       + [("booking_date", pa.date32())]
                       + [(n, pa.int64()) for n in columns if n in _MONEY])

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in dataset.to_batches(columns=columns, batch_size=batch_rows):
            arrays = [_label(batch.column(n), label) for n in text]
            arrays += [pc.cast(batch.column(n), pa.string()) for n in ids]
            arrays.append(_date(batch.column("booking_date"), shown))
            arrays += [_money(batch.column(n), n, shown) for n in columns if n in _MONEY]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches()), supplied
