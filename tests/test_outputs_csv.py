"""The columnar CSV writer writes the bytes the row-wise one did: each value as Python prints it
(floats by `repr`, money exact from the cents), fields quoted as Python's csv module quotes them.
Checked against that plain reference on generated frames and on the example run's tables."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from csv_reference import reference_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import appraisal
from appraisal import formatting
from appraisal.columns import Column, ColumnRegistry
from appraisal.report import writer
from appraisal.report.writer import write_csv

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
KINDS = {"id": "id", "note": "text", "amount": "money_cents", "score": "score",
         "managers": "count", "day": "date", "excluded": "flag", "weight": "weight"}
REGISTRY = ColumnRegistry({k: Column(k, kind, None, k, k) for k, kind in KINDS.items()})


def _written(frame: pd.DataFrame, tmp_path: Path, registry: ColumnRegistry = REGISTRY) -> bytes:
    path = tmp_path / "t.csv"
    write_csv(frame, path, registry)
    return path.read_bytes()


@given(st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True))
def test_float_text_is_pythons_repr(value):
    shown = formatting.float_text(np.array([value, 1.0, value])).to_pylist()
    expected = "" if math.isnan(value) else repr(value)
    assert shown == [expected, "1.0", expected]


@given(hnp.arrays(np.float64, st.integers(0, 60)))
def test_float_text_of_arrays_is_pythons_repr(values):
    expected = ["" if math.isnan(v) else repr(float(v)) for v in values]
    assert formatting.float_text(values).to_pylist() == expected


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40))
def test_cents_text_is_the_exact_decimal(cents):
    shown = formatting.cents_text(np.array(cents, dtype=np.int64)).to_pylist()
    assert [Decimal(s) for s in shown] == [Decimal(c).scaleb(-2) for c in cents]
    assert all(s.split(".")[1].isdigit() and len(s.split(".")[1]) == 2 for s in shown)


def test_notation_edges_are_pythons():
    values = [1.0, 0.0, -0.0, 1e16, 9999999999999998.0, 1e15, 123456789012345.6, 1e-4, 1e-5,
              1.5e-7, 1e21, math.inf, -math.inf, -3.0, 2.0**53, 5e-324, 0.1 + 0.2]
    assert formatting.float_text(np.array(values)).to_pylist() == [repr(v) for v in values]
    assert formatting.cents_text(np.array([-5, -100, -(2**63), 7])).to_pylist() == [
        "-0.05", "-1.00", "-92233720368547758.08", "0.07"]


_texts = st.text(alphabet=st.sampled_from(list('ab ,"\n\r中文经=-')), max_size=6)


@settings(max_examples=60)
@given(st.data())
def test_written_bytes_equal_the_row_wisereference_csv(tmp_path_factory, data):
    n = data.draw(st.integers(0, 12))
    floats = st.floats(allow_nan=True, allow_infinity=False, width=64)
    frame = pd.DataFrame({
        "id": data.draw(st.lists(_texts, min_size=n, max_size=n)),
        "note": pd.array(data.draw(st.lists(st.none() | _texts, min_size=n, max_size=n)),
                         dtype="str"),
        "amount": pd.array(data.draw(st.lists(st.none() | st.integers(-(10**15), 10**15),
                                              min_size=n, max_size=n)), dtype="Int64"),
        "score": np.array(data.draw(st.lists(floats, min_size=n, max_size=n)), dtype=float),
        "managers": np.array(data.draw(st.lists(st.integers(-(2**40), 2**40), min_size=n,
                                                max_size=n)), dtype=np.int64),
        "day": pd.to_datetime(data.draw(st.lists(
            st.none() | st.dates(min_value=pd.Timestamp("1900-01-01").date(),
                                 max_value=pd.Timestamp("2200-12-31").date()),
            min_size=n, max_size=n))),
        "excluded": np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                             dtype=bool),
    })
    folder = tmp_path_factory.mktemp("csv")
    assert _written(frame, folder) == reference_csv(frame, REGISTRY)


def test_rows_are_the_same_across_batches(tmp_path, monkeypatch):
    frame = pd.DataFrame({"id": [f"M{i}" for i in range(10)], "note": ["a,b"] * 10,
                          "score": np.linspace(0, 1, 10), "amount": np.arange(10) * 101})
    whole = _written(frame, tmp_path)
    monkeypatch.setattr(writer, "_BATCH_ROWS", 3)
    assert _written(frame, tmp_path) == whole == reference_csv(frame, REGISTRY)


def test_a_column_alone_quotes_its_empty_fields(tmp_path):
    frame = pd.DataFrame({"note": ["", "x", None, 'q"']}, dtype="str")
    assert _written(frame, tmp_path).decode("utf-8-sig") == 'note\n""\nx\n""\n"q"""\n'
    assert _written(frame, tmp_path) == reference_csv(frame, REGISTRY)


def test_object_and_nullable_columns(tmp_path):
    frame = pd.DataFrame({"id": pd.Series(["M1", 2, None], dtype=object),
                          "managers": pd.array([1, None, -3], dtype="Int64"),
                          "excluded": pd.array([True, None, False], dtype="boolean"),
                          "weight": pd.array([0.5, None, 1.0], dtype="Float64")})
    text = _written(frame, tmp_path).decode("utf-8-sig")
    assert text == "id,managers,excluded,weight\nM1,1,True,0.5\n2,,,\n,-3,False,1.0\n"


@pytest.fixture(scope="module")
def example():
    return appraisal.run(EXAMPLE)


def test_the_example_runs_tables_equal_thereference_csv(example, tmp_path):
    frames = {**example.frames(), "summary_ranks": example.summary.ranks,
              "summary_gaps": example.summary.gaps}
    for name, frame in frames.items():
        expected = reference_csv(frame, example.columns)
        assert _written(frame, tmp_path, example.columns) == expected, name
