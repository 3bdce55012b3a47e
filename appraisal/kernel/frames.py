"""The kernel's relations from the readers' pandas frames: amounts to integer cents, shares to
integer units, dates to dates (every conversion here, once, in Python: none in the SQL)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..money import to_cents
from .sql import SHARE_SCALE, SUPPLIED

__all__ = ["business_relation", "float_cents", "splits_relation"]


def _text(values: pd.Series) -> pa.Array:
    """Text as Arrow strings; a categorical stays dictionary-encoded (no copy of the values)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = pa.array(values.cat.categories.astype("str"), type=pa.string())
        return pa.DictionaryArray.from_arrays(
            pa.array(codes, mask=codes < 0), categories)
    return pa.array(values, type=pa.string(), from_pandas=True)


_SURE = 0.49  # |x·100 − nearest integer| below this: no half cent is near, rint is exact


def _cents(values: pd.Series, *, nullable: bool) -> pa.Array:
    """Yuan to int64 cents, half away from zero on the typed decimal (`money.to_cents`; amounts
    typed to the cent take a one-pass path: their x·100 is within float noise of an integer)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return float_cents(numbers, nullable=nullable)


def float_cents(numbers: np.ndarray, *, nullable: bool) -> pa.Array:
    """Float yuan (NaN = blank) to an int64 cents array by the one rounding rule."""
    missing = ~np.isfinite(numbers)
    if missing.any():
        numbers = np.where(missing, 0.0, numbers)
    scaled = numbers * 100.0
    nearest = np.rint(scaled)
    if (scaled.size == 0 or (np.abs(scaled - nearest).max() < _SURE
                             and np.abs(nearest).max() < 2.0**53)):
        cents = nearest.astype(np.int64)
    else:
        cents = to_cents(numbers)
    return pa.array(cents, type=pa.int64(), mask=missing if nullable and missing.any() else None)


def _dates(values: pd.Series) -> pa.Array:
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce")
    days = values.to_numpy().astype("datetime64[D]")
    return pa.array(days, type=pa.date32())


def business_relation(
    business: pd.DataFrame, *, with_splits: bool
) -> tuple[pa.Table, tuple[str, ...]]:
    """The business table as the kernel reads it, and which supplied cost columns it has."""
    n = len(business)
    manager = (_text(business["manager_id"]) if "manager_id" in business.columns
               else pa.nulls(n, pa.string()))
    columns: dict[str, pa.Array] = {
        "manager_id": manager,
        "product": _text(business["product"]),
        "booking_date": _dates(business["booking_date"]),
        "balance": _cents(business["balance"], nullable=False),
        "revenue": _cents(business["revenue"], nullable=False),
    }
    if with_splits or "account_id" in business.columns:
        columns["account_id"] = _text(business["account_id"])
    if "category" in business.columns:  # for the checks (kernel.checks)
        columns["category"] = _text(business["category"])
    columns["_row"] = pa.array(_rows(business), pa.int64())
    supplied = []
    for name in SUPPLIED:
        if name in business.columns:
            column = _cents(business[name], nullable=True)
            if column.null_count < n:
                columns[name] = column
                supplied.append(name)
    return pa.table(columns), tuple(supplied)


def _rows(frame: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row numbers: the reader's `_row`, else from 2 (row 1 is the header)."""
    if "_row" in frame.columns:
        return frame["_row"].to_numpy(dtype=np.int64)
    return np.arange(2, len(frame) + 2, dtype=np.int64)


def splits_relation(splits: pd.DataFrame) -> pa.Table:
    """Credit splits with shares as integers in units of 1/SHARE_SCALE (nearest unit)."""
    share = pd.to_numeric(splits["share"], errors="coerce").to_numpy(dtype=np.float64)
    units = np.rint(np.where(np.isfinite(share), share, 0.0) * SHARE_SCALE).astype(np.int64)
    return pa.table({
        "account_id": _text(splits["account_id"]),
        "manager_id": _text(splits["manager_id"]),
        "share": pa.array(units, pa.int64()),
        "_row": pa.array(_rows(splits), pa.int64()),
    })
