"""Column text for the CSV writer: whole columns to Arrow string arrays, no Python per value.

The text is what the writer has always written (pandas' `to_csv` forms), made by Arrow compute
and numpy instead of one Python `str()` per cell:

- money (int64 cents): exact yuan text from the integer, `-1234.56`, `0.05`: the cents' own
  digits with the decimal point put before the last two (never a float), so every cent is exact
  at any magnitude (the whole int64 range);
- floats: the shortest text that reads back as the same float, in Python's `repr` form
  (`1.0`, `0.1`, `1e-05`, `1e+16`, `inf`); missing (NaN) empty. Arrow's cast gives the same
  shortest digits but its own notation (`1`, `0.00001`, `1e+15`): integral values get `.0`, and
  the few values whose notation differs (an exponent on either side: |x| < 1e-4 or ≥ 1e16, or
  an exponent in Arrow's text) are written by numpy's `repr`-equal formatter;
- ints as `str(int)`, booleans `True` / `False`, dates `YYYY-MM-DD`, text as it is.

Every `*_text` function returns a `pa.StringArray` (or `LargeStringArray`) without nulls: a
missing value is the empty string, as the writer prints it. `cents_decimal` and `float_field`
give arrays for pyarrow's CSV writer instead, whose own rendering is that same text (a missing
value null, which it prints empty): the writer then formats them a batch at a time, as it
does its own tables.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "as_array",
    "bool_text",
    "cents_decimal",
    "cents_text",
    "date_text",
    "distinct_codes",
    "float_field",
    "float_text",
    "has_structural",
    "int_text",
    "needs_quotes",
    "quoted",
]

_EMPTY = pa.scalar("", pa.string())
# Python's repr writes |x| < 1e-4 and |x| >= 1e16 with an exponent, everything else fixed.
_REPR_FIXED_LOW, _REPR_FIXED_HIGH = 1e-4, 1e16
# Arrow's float text (double-conversion's shortest with decimal_in_shortest_low -6 and _high 10,
# arrow/util/formatting.cc) is fixed for 1e-6 <= |x| < 1e10, an exponent beyond: within
# Python's fixed range, both write the same shortest digits the same way below 1e10.
_BOTH_FIXED_HIGH = 1e10
# int64 cents as decimal128 of the same unscaled integer: 19 digits hold the whole int64 range
CENTS_DECIMAL = pa.decimal128(19, 2)


def as_array(values: object, type: pa.DataType | None = None) -> pa.Array:
    """`pa.array` of a column as one contiguous array (pandas' Arrow-backed columns and numpy
    text may arrive as chunks)."""
    array = pa.array(values, type)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _without_nulls(text: pa.Array, missing: npt.NDArray[np.bool_] | None) -> pa.Array:
    if missing is not None and missing.any():
        text = pc.if_else(pa.array(missing), _EMPTY.cast(text.type), text)
    return text.fill_null("") if text.null_count else text


def _assembled(n: int, parts: list[tuple[npt.NDArray[np.bool_], pa.Array]], *,
               gather: bool = True) -> pa.Array:
    """One array of n texts from disjoint parts, each a mask and either the texts of its
    positions in order or one text for all of them: one gather (with `gather` False, the
    dictionary array that gathers them when read)."""
    kind = np.int32 if n < 2**31 else np.int64
    index = np.empty(n, dtype=kind)
    start = 0
    for mask, text in parts:
        if len(text) == 1:
            index[mask] = start
        else:
            index[mask] = np.arange(start, start + len(text), dtype=kind)
        start += len(text)
    texts = pa.concat_arrays([text for _, text in parts])
    if gather:
        return texts.take(pa.array(index))
    return pa.DictionaryArray.from_arrays(pa.array(index), texts)


def cents_text(cents: npt.NDArray[np.int64],
               missing: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """Int64 cents as exact yuan text with two decimals ("-1234.56"); `missing` ones empty.

    The integer's own text ("-123456") with the decimal point put before its last two digits,
    amounts under one yuan padded with zeros ("-5" -> "-0.05"): no division, no float. One pass
    over the bytes: every output position is the integer's next byte, a point or a zero."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    text = pc.cast(pa.array(cents), pa.string())
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset: text.offset + n + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]] \
        if n else np.zeros(0, dtype=np.uint8)
    sign = (cents < 0).astype(np.int64)
    lengths = np.diff(offsets).astype(np.int64)
    pad = np.maximum(0, 3 - (lengths - sign))  # "5" -> "005", "42" -> "042"
    moved = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths + pad + 1, out=moved[1:])
    out = np.full(int(moved[-1]), ord("0"), dtype=np.uint8)
    keep = np.ones(len(out), dtype=bool)
    points = moved[1:] - 3
    keep[points] = False
    first = moved[:-1] + sign  # the first digit; under one yuan the point follows it
    keep[first[pad >= 1]] = False
    keep[first[pad >= 2] + 2] = False
    out[keep] = data
    out[points] = ord(".")
    if moved[-1] < 2**31:
        shown = pa.StringArray.from_buffers(n, pa.py_buffer(moved.astype(np.int32)),
                                            pa.py_buffer(out))
    else:
        shown = pa.LargeStringArray.from_buffers(n, pa.py_buffer(moved), pa.py_buffer(out))
    return _without_nulls(shown, missing)


def cents_decimal(cents: npt.NDArray[np.int64],
                  missing: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """Int64 cents as Arrow decimal128(19, 2) with the same unscaled integers, no arithmetic:
    Arrow's text of it is `cents_text`'s ("-1234.56", "-0.05", "0.00"); `missing` ones null.
    Each value is the cents' two's complement widened to 128 bits (low word, sign word)."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    np.right_shift(cents, 63, out=words[:, 1])
    validity = None
    if missing is not None and missing.any():
        validity = pa.array(~np.asarray(missing, dtype=bool)).buffers()[1]
    return pa.Array.from_buffers(CENTS_DECIMAL, len(cents), [validity, pa.py_buffer(words)])


def distinct_codes(values: npt.NDArray[np.int64] | npt.NDArray[np.float64], *,
                   sample: int = 4096) -> tuple[pa.Array, np.ndarray] | None:
    """Each value's code into the column's distinct values and those values (compared bit for
    bit: -0.0 is not 0.0), when the first `sample` values hold few distinct ones (at most one
    in 16): the texts of a few values then serve every row. None otherwise."""
    values = np.ascontiguousarray(values)
    bits = values.view(np.int64)
    head = bits[:sample]
    if not len(head) or len(np.unique(head)) * 16 > len(head):
        return None
    encoded = pc.dictionary_encode(pa.array(bits))
    return encoded.indices, encoded.dictionary.to_numpy().view(values.dtype)


def float_field(values: npt.NDArray[np.float64]) -> pa.Array:
    """Floats for pyarrow's CSV writer: the float64 array itself (NaN as null) when Arrow's
    text of every value is Python's repr (none integral, all 1e-4 <= |x| < 1e10), else their
    texts as a dictionary array (`float_text` without its final gather: the writer gathers a
    batch at a time)."""
    return _float_text(values, field=True)


def float_text(values: npt.NDArray[np.float64]) -> pa.Array:
    """Floats in their shortest round-trip text as Python's `repr` writes it; NaN empty."""
    return _float_text(values, field=False)


def _float_text(values: npt.NDArray[np.float64], *, field: bool) -> pa.Array:
    """Where Python and Arrow both write fixed notation (1e-4 <= |x| < 1e10, see
    `_BOTH_FIXED_HIGH`), Arrow's cast, which has the same shortest digits; integral values
    (Arrow: "3") as the integer's text and ".0"; zeros, NaN and the rest (exponents in either
    notation, inf) apart, the rest by numpy's repr-equal formatter."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        size = np.abs(values)
        fixed = (size < _REPR_FIXED_HIGH) & (size >= _REPR_FIXED_LOW)
        integral = fixed & (np.floor(values) == values)
        plain = fixed & ~integral & (size < _BOTH_FIXED_HIGH)
    nan = np.isnan(values)
    if field and (plain | nan).all():
        return pa.array(values, mask=nan if nan.any() else None)
    if plain.all():
        return pc.cast(pa.array(values), pa.string())
    parts = [(plain, pc.cast(pa.array(values[plain]), pa.string()))]
    if integral.any():  # Arrow writes 3.0 as "3": the integer's text and ".0"
        whole = pc.cast(pa.array(values[integral].astype(np.int64)), pa.string())
        parts.append((integral, pc.binary_join_element_wise(whole, ".0", "")))
    zero = values == 0
    other = ~plain & ~integral & ~nan & ~zero  # exponents in either notation, inf
    if other.any():
        parts.append((other, _numpy_repr(values[other])))
    negative_zero = zero & np.signbit(values)
    for mask, shown in ((zero & ~negative_zero, "0.0"), (negative_zero, "-0.0"), (nan, "")):
        if mask.any():
            parts.append((mask, pa.array([shown], pa.string())))
    return _assembled(len(values), parts, gather=not field)


def _numpy_repr(values: npt.NDArray[np.float64]) -> pa.Array:
    """numpy's float text, equal to Python's repr (`1e-05`, `1e+16`, `inf`)."""
    return as_array(values.astype(str), pa.string())


def int_text(values: pa.Array | npt.NDArray[np.integer]) -> pa.Array:
    """Integers as `str(int)`; missing (null) ones empty."""
    array = values if isinstance(values, pa.Array) else as_array(values)
    return _without_nulls(pc.cast(array, pa.string()), None)


def bool_text(values: pa.Array | npt.NDArray[np.bool_]) -> pa.Array:
    """Booleans as `True` / `False`; missing ones empty."""
    array = values if isinstance(values, pa.Array) else as_array(values)
    return _without_nulls(pc.if_else(array, "True", "False"), None)


def date_text(days: npt.NDArray[np.datetime64]) -> pa.Array:
    """Days (datetime64[D], NaT for missing) as `YYYY-MM-DD`; missing ones empty. Years must
    have four digits (1000-9999), as the caller checks."""
    array = as_array(days.astype("datetime64[D]"), pa.date32())
    return _without_nulls(pc.cast(array, pa.string()), None)


def needs_quotes(text: pa.Array, *, alone: bool) -> bool:
    """Whether any field of `text` needs quotes (a comma, quote or newline; an empty field
    alone on its line): one scan of the column's bytes."""
    if alone and len(text) and pc.min(pc.binary_length(text)).as_py() == 0:
        return True
    data = text.buffers()[2]
    if data is None:
        return False
    raw = data.to_pybytes()
    return b"," in raw or b'"' in raw or b"\n" in raw


def has_structural(text: pa.Array) -> bool:
    """Whether any field of `text` holds a comma, a quote, a newline or a carriage return (what
    pyarrow's unquoted CSV writer refuses): one scan of the bytes the fields use."""
    data = text.buffers()[2]
    if data is None or not len(text):
        return False
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64 if pa.types.is_large_string(
        text.type) else np.int32)[text.offset: text.offset + len(text) + 1]
    raw = data[int(offsets[0]): int(offsets[-1])].to_pybytes()
    return b"," in raw or b'"' in raw or b"\n" in raw or b"\r" in raw


def quoted(text: pa.Array, *, alone: bool) -> pa.Array:
    """Fields quoted as Python's csv QUOTE_MINIMAL does with a "\\n" line end: those holding a
    comma, a quote or a newline (quotes doubled); an empty field alone on its line as ""."""
    if not needs_quotes(text, alone=alone):
        return text
    needs = pc.match_substring_regex(text, '[,"\n]')
    if alone:
        needs = pc.or_(needs, pc.equal(pc.binary_length(text), 0))
    quote, empty = pa.scalar('"', text.type), pa.scalar("", text.type)
    wrapped = pc.binary_join_element_wise(quote, pc.replace_substring(text, '"', '""'), quote,
                                          empty)
    return pc.if_else(needs, wrapped, text)
