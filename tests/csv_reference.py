"""The row-wise CSV writer the columnar one replaced, as a test oracle: each value as Python
prints it (floats by `repr`, money exact from the cents), rows by Python's csv module."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd

from appraisal.columns import ColumnRegistry


def shown(value: object, kind: str) -> str:
    """One value as the row-wise writer printed it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if kind == "money_cents":
        cents = int(value)
        return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def reference_csv(frame: pd.DataFrame, registry: ColumnRegistry) -> bytes:
    """The plain way: Python's csv module (minimal quoting, "\\n") over each value's text."""
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow([str(c) for c in frame.columns])
    kinds = [registry.kind(str(c)) for c in frame.columns]
    for values in frame.astype(object).itertuples(index=False, name=None):
        rows.writerow([shown(v, k) for v, k in zip(values, kinds, strict=True)])
    return out.getvalue().encode("utf-8-sig")
