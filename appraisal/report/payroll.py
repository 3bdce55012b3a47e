"""payroll.csv: the run's bonuses for the bank's payroll system, one row per manager.

Columns, order and headers come from `output.payroll.columns` (default 工号, 姓名, 部门, 应发,
留存, 池分配, 实发, 期间: manager_id, name, sub_branch, bonus_gross, withheld, pool_allocation,
bonus_final and the period). Money is yuan text with two decimals made exactly from the int
cents (`money.cents_to_text`: "7618.00", "-12.50", no thousands separator, never a float);
dates YYYY-MM-DD; UTF-8 with BOM, so Excel opens the Chinese headers correctly. A source that
is not a column of the managers table is a config error naming its key path. Nothing is
computed here.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..money import cents_to_text

if TYPE_CHECKING:
    from ..result import RunResult

__all__ = ["PAYROLL_ENCODING", "PERIOD_SOURCE", "check_payroll", "payroll_frame", "write_payroll"]

PAYROLL_ENCODING = "utf-8-sig"
PERIOD_SOURCE = "period"  # the run's period label, the same on every row


def _config_file(result: RunResult) -> str:
    return str(result.config_path) if result.config_path is not None else "<config>"


def check_payroll(result: RunResult) -> None:
    """Every `output.payroll.columns[i].source` names a managers column or `period`; raises a
    ConfigError naming each wrong key path, the value and what is expected."""
    known = [str(c) for c in result.managers.columns]
    allowed = {*known, PERIOD_SOURCE}
    problems = []
    for index, column in enumerate(result.config.output.payroll.columns):
        if column.source in allowed:
            continue
        close = difflib.get_close_matches(column.source, sorted(allowed), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append((
            f"output.payroll.columns[{index}].source",
            f"unknown column {column.source!r}; expected a column of managers.csv "
            f"({', '.join(known[:12])}, ...) or '{PERIOD_SOURCE}'{hint}",
        ))
    if problems:
        raise ConfigError(_config_file(result), problems)


def _text(result: RunResult, source: str) -> list[str]:
    """One payroll column as text, formatted by the column's kind in the registry."""
    managers = result.managers
    if source == PERIOD_SOURCE and source not in managers.columns:
        return [result.period.label] * len(managers)
    values = managers[source]
    missing = values.isna().to_numpy()
    kind = result.columns.kind(source) if source in result.columns else "text"
    if kind == "money_cents":
        cents = values.astype("Int64").fillna(0).to_numpy(dtype=np.int64)
        shown = cents_to_text(cents).tolist() if len(cents) else []
    elif kind == "date" or pd.api.types.is_datetime64_any_dtype(values):
        shown = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("").tolist()
    elif pd.api.types.is_bool_dtype(values):
        shown = ["true" if v else "false" for v in values.fillna(False).tolist()]
    else:
        shown = [str(v) for v in values.astype(object).tolist()]
    return ["" if gap else text for text, gap in zip(shown, missing.tolist(), strict=True)]


def payroll_frame(result: RunResult) -> pd.DataFrame:
    """payroll.csv as a frame of text columns, under the configured headers and order."""
    check_payroll(result)
    columns = result.config.output.payroll.columns
    return pd.DataFrame({column.header: _text(result, column.source) for column in columns},
                        columns=[column.header for column in columns], dtype=object)


def write_payroll(result: RunResult, path: str | Path) -> Path:
    """Write payroll.csv (UTF-8 with BOM, "\\n" line ends, fields quoted only when needed)."""
    frame = payroll_frame(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    target = Path(path)
    target.write_text(buffer.getvalue(), encoding=PAYROLL_ENCODING)
    return target
