"""The CSV writer's fast path (issue 16: within 1.5x of pyarrow's writer) writes the bytes the
row-wise writer did. Frames whose fields need no quotes are joined by pyarrow's own CSV writer
(unquoted) from arrays it prints as our text: cents as decimal128, floats themselves where
Arrow's notation is Python's repr, few-valued columns as codes into texts formatted once.
Each of those renderings is checked against Python's own text, and the whole path, batch by
batch, against Python's csv module."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from csv_reference import reference_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from appraisal import formatting
from appraisal.columns import Column, ColumnRegistry
from appraisal.report import writer
from appraisal.report.writer import write_csv

KINDS = {"id": "id", "note": "text", "amount": "money_cents", "owed": "money_cents",
         "score": "score", "weight": "weight", "managers": "count", "day": "date",
         "excluded": "flag", "maybe": "flag", "level": "count"}
REGISTRY = ColumnRegistry({k: Column(k, kind, None, k, k) for k, kind in KINDS.items()})


def _reference(frame: pd.DataFrame) -> bytes:
    return reference_csv(frame, REGISTRY)


def _written(frame: pd.DataFrame, folder: Path) -> bytes:
    path = folder / "t.csv"
    write_csv(frame, path, REGISTRY)
    return path.read_bytes()


def _printed(array: pa.Array) -> list[str]:
    """What pyarrow's writer prints for each value: its text cast, null empty."""
    return pc.cast(array, pa.string()).fill_null("").to_pylist()


# Python and Arrow agree on the notation only inside these bounds (formatting._BOTH_FIXED_HIGH):
# if a pyarrow release moves Arrow's own thresholds, this fails before any file changes.
@pytest.mark.parametrize(("value", "arrow"), [
    (9999999999.5, "9999999999.5"), (1e10, "1e+10"), (12345678901.5, "1.23456789015e+10"),
    (0.0001, "0.0001"), (1.5e-6, "0.0000015"), (1e-7, "1e-7"), (3.0, "3"), (-0.0, "-0"),
])
def test_arrows_float_notation_is_the_one_the_writer_relies_on(value, arrow):
    assert _printed(pa.array([value])) == [arrow]


@given(st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True))
def test_float_field_prints_as_pythons_repr(value):
    values = np.array([value, 0.5, value])
    expected = "" if math.isnan(value) else repr(value)
    assert _printed(formatting.float_field(values)) == [expected, "0.5", expected]


@given(hnp.arrays(np.float64, st.integers(0, 80),
                  elements=st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1.0, 0.25]))))
def test_float_field_of_arrays_prints_as_pythons_repr(values):
    expected = ["" if math.isnan(v) else repr(float(v)) for v in values]
    assert _printed(formatting.float_field(values)) == expected


def test_fixed_range_floats_go_to_the_writer_as_they_are():
    values = np.array([0.5, 1e-4, 9999999999.5, np.nan, -2.25])
    field = formatting.float_field(values)
    assert field.type == pa.float64() and field.null_count == 1
    assert pa.types.is_dictionary(formatting.float_field(np.array([0.5, 2.0])).type)


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40), st.data())
def test_cents_decimal_prints_as_cents_text(cents, data):
    values = np.array(cents, dtype=np.int64)
    missing = np.array(data.draw(st.lists(st.booleans(), min_size=len(cents),
                                          max_size=len(cents))), dtype=bool)
    expected = formatting.cents_text(values, missing).to_pylist()
    assert _printed(formatting.cents_decimal(values, missing)) == expected


def test_cents_decimal_at_the_ends_of_int64():
    values = np.array([-(2**63), 2**63 - 1, -1, -100, 5, 0], dtype=np.int64)
    assert _printed(formatting.cents_decimal(values)) == [
        "-92233720368547758.08", "92233720368547758.07", "-0.01", "-1.00", "0.05", "0.00"]


def test_distinct_codes_tell_negative_zero_and_nans_apart():
    values = np.array([0.0, -0.0, np.nan, 0.0] * 16)
    codes, distinct = formatting.distinct_codes(values)
    assert [repr(float(v)) for v in distinct[codes.to_numpy()][:4]] == ["0.0", "-0.0", "nan", "0.0"]
    assert formatting.distinct_codes(np.arange(64, dtype=np.float64)) is None


_plain = st.text(alphabet=st.sampled_from(list("ab 中文经=-.;")), max_size=5)
_few_floats = st.sampled_from([0.0, -0.0, 1.0, 0.1, 1e-05, 1e16, 2.5, np.nan, 123456789012.5])
_few_cents = st.sampled_from([0, -5, 100, -(2**63), 2**63 - 1, 123456])


@settings(max_examples=60)
@given(st.data(), st.integers(1, 9))
def test_fast_path_bytes_equal_the_row_wise_reference(tmp_path_factory, data, batch):
    """Every kind the fast path renders, many-valued and few-valued (codes), across batches."""
    few = data.draw(st.booleans())  # at most 3 values per column: written through codes
    n = data.draw(st.integers(48, 160) if few else st.integers(0, 70))

    def draw(strategy, few_strategy):
        if few:
            strategy = st.sampled_from(data.draw(st.lists(few_strategy, min_size=1, max_size=3)))
        return data.draw(st.lists(strategy, min_size=n, max_size=n))

    frame = pd.DataFrame({
        "id": draw(_plain, st.sampled_from(["M1", "中文"])),
        "note": pd.array(draw(st.none() | _plain, st.sampled_from([None, "x"])), dtype="str"),
        "amount": np.array(draw(st.integers(-(2**63), 2**63 - 1), _few_cents), dtype=np.int64),
        "owed": pd.array(draw(st.none() | st.integers(-(10**15), 10**15),
                              st.sampled_from([None, 0, -7])), dtype="Int64"),
        "score": np.array(draw(st.floats(width=64), _few_floats), dtype=float),
        "weight": np.array(draw(st.floats(1e-4, 1e10, exclude_max=True), _few_floats),
                           dtype=float),
        "managers": np.array(draw(st.integers(-(2**40), 2**40), st.sampled_from([0, 3])),
                             dtype=np.int64),
        "level": pd.array(draw(st.none() | st.integers(-5, 5), st.none() | st.just(2)),
                          dtype="Int64"),
        "day": pd.to_datetime(draw(
            st.none() | st.dates(min_value=pd.Timestamp("1900-01-01").date(),
                                 max_value=pd.Timestamp("2200-12-31").date()),
            st.sampled_from([None, pd.Timestamp("2026-10-31").date()]))),
        "excluded": np.array(draw(st.booleans(), st.just(False)), dtype=bool),
        "maybe": pd.array(draw(st.none() | st.booleans(), st.none() | st.just(True)),
                          dtype="boolean"),
    })
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "_BATCH_ROWS", batch)
        patch.setattr(writer, "_write_joined", _refused)
        assert _written(frame, tmp_path_factory.mktemp("csv")) == _reference(frame)


def _refused(*args: object, **kwargs: object) -> None:
    raise AssertionError("a frame with no field needing quotes took the joined path")


@pytest.mark.parametrize("note", ["a,b", 'say "hi"', "two\nlines", "carriage\rreturn"])
def test_a_field_needing_quotes_or_a_carriage_return_takes_the_joined_path(tmp_path, note):
    frame = pd.DataFrame({"id": ["M1", "M2"], "note": pd.array([note, None], dtype="str"),
                          "score": [0.5, 3.0], "amount": [-5, 123456]})
    assert _written(frame, tmp_path) == _reference(frame)


def test_a_sliced_frame_is_checked_on_its_own_fields(tmp_path, monkeypatch):
    """The quote check reads the bytes the column's fields use, not its whole buffer."""
    whole = pd.DataFrame({"id": pd.array(["a,b", "M1", "M2"], dtype="str"), "score": [1, 2, 3]})
    frame = whole.iloc[1:]
    monkeypatch.setattr(writer, "_write_joined", _refused)
    assert _written(frame, tmp_path) == _reference(frame)
