"""Property: one bad cell (or a repeated or dropped line, or a bad header) anywhere in the bundled
sample's input tables, in any of the encodings the readers detect, is either read and run, or
refused as bad input (exit 2, `InputError`/`ConfigError`): never an internal error, never a
traceback. The values are the habits and accidents of real exports and the edges of the
engine's ranges (amounts around money.MAX_AMOUNT_YUAN, pandas' date range, Excel serials...).
A wider fuzz of the same kind (300 runs through the CLI) found the amount limits of
tests/test_amount_limits.py."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.errors import AppraisalError
from appraisal.pipeline import run

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("business", "credit_splits", "managers", "indicators", "ratings_360", "satisfaction",
          "judgments", "pool_allocations")
NASTY = ("", " ", "nan", "inf", "-inf", "-0", "1e400", "１２３", "1,234.5", "95%",
         "2026年10月5日", "=1+1", "NULL", "x" * 3000, "\x00", "😀", "-5", "1e13", "1.0000001e13",
         "9.99e12", "1e17", "2026-02-30", "20261301", "1677-09-21", "2262-04-12", "9999-12-31",
         "0.1234567890123", "1/3", "  12 ", "'12", "TRUE", "是", "M0001", "A000001", "deposit",
         "loan", "2026-10-31", "2026-11-01", "5e-324", "123456789012345678901234567890",
         "-1e13", ".5", "+7", "\u3000", "12\n3", "a,b", "0", "46000", "M9999")


@st.composite
def edits(draw: st.DrawFn) -> tuple:
    return (draw(st.sampled_from(TABLES)), draw(st.sampled_from(("cell", "cell", "line", "drop",
                                                                 "header"))),
            draw(st.integers(1, 400)), draw(st.integers(0, 20)), draw(st.sampled_from(NASTY)),
            draw(st.sampled_from(("utf-8", "utf-8-sig", "gbk"))))


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(edits(), min_size=1, max_size=2))
def test_a_bad_cell_anywhere_is_bad_input_never_an_internal_error(tmp_path_factory, changes
                                                                  ) -> None:
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copytree(ROOT / "input_samples", folder, dirs_exist_ok=True)
    tables: dict[str, tuple[list[list[str]], str]] = {}
    for table, action, row, column, value, encoding in changes:
        rows = tables.get(table, (None,))[0] or list(csv.reader(io.StringIO(
            (folder / f"{table}.csv").read_text(encoding="utf-8-sig"))))
        if len(rows) < 2:  # every data line dropped already
            continue
        row = 1 + (row - 1) % (len(rows) - 1)
        column = column % len(rows[row])
        if action == "cell":
            rows[row][column] = value
        elif action == "line":
            rows.insert(row, list(rows[row]))
        elif action == "drop":
            rows.pop(row)
        else:
            rows[0][column] = value or rows[0][column] + " "
        tables[table] = (rows, encoding)
    for table, (rows, encoding) in tables.items():
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        try:
            (folder / f"{table}.csv").write_bytes(text.getvalue().encode(encoding))
        except UnicodeEncodeError:  # a value GBK cannot hold: the file stays UTF-8
            (folder / f"{table}.csv").write_text(text.getvalue(), encoding="utf-8")
    config = folder / "config.yaml"
    config.write_text((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8")
                      .replace("../input_samples/", f"{folder.as_posix()}/")
                      .replace("../results/", "results/")
                      .replace("charts: true", "charts: false"), encoding="utf-8")
    try:
        run(config)
    except AppraisalError as refused:
        assert refused.exit_code == 2, refused
