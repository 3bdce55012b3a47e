"""Exact integers from the kernel (Arrow DECIMAL(38, 0)) and the one rounding of their ratios.

The kernel returns integer sums; the divisions happen here, after aggregation, in one code path
for every engine. `round_ratio` rounds Σ_k a_k·m_k / d half away from zero exactly (money.py's
rule on the exact value): a float estimate settles every value far from a half cent, and the few
within the estimate's error bound of a tie (or beyond float range) are settled with Python ints.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Exact", "half_away", "round_ratio", "to_decimal"]

_TWO64 = float(2**64)
_RELATIVE_ERROR = 2.0**-46  # generous bound on the float estimate's relative error
_FLOAT_EXACT = 2.0**50


class Exact:
    """A column of exact integers held as (hi, lo) 64-bit halves of the 128-bit values."""

    def __init__(self, hi: npt.NDArray[np.int64], lo: npt.NDArray[np.uint64]) -> None:
        self.hi, self.lo = hi, lo

    @classmethod
    def of(cls, column: pa.Array | pa.ChunkedArray) -> Exact:
        """From an Arrow decimal128 (scale 0) or integer column; nulls are 0."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks else pa.array(
                [], column.type)
        if pa.types.is_integer(column.type):
            values = np.asarray(column.fill_null(0).to_numpy(zero_copy_only=False),
                                dtype=np.int64)
            return cls(np.where(values < 0, -1, 0).astype(np.int64), values.view(np.uint64))
        if not pa.types.is_decimal128(column.type) or column.type.scale != 0:
            raise TypeError(f"kernel column of type {column.type}, expected decimal128(38, 0)")
        column = column.fill_null(pa.scalar(0, column.type))
        words = np.frombuffer(column.buffers()[1], dtype=np.uint64)
        words = words[2 * column.offset: 2 * (column.offset + len(column))]
        return cls(words[1::2].view(np.int64).copy(), words[0::2].copy())

    def __len__(self) -> int:
        return len(self.lo)

    def approx(self) -> npt.NDArray[np.float64]:
        """The nearest floats (within a few ulps; values that fit int64 exactly rounded)."""
        small = self.lo.view(np.int64)
        fits = self.hi == (small >> 63)  # the high word is only the sign of the low one
        wide = self.hi.astype(np.float64) * _TWO64 + self.lo.astype(np.float64)
        return np.where(fits, small.astype(np.float64), wide)

    def ints(self, at: npt.NDArray[np.intp] | None = None) -> list[int]:
        """Exact Python ints (all, or at the positions `at`)."""
        hi = self.hi if at is None else self.hi[at]
        lo = self.lo if at is None else self.lo[at]
        return [(int(h) << 64) | int(low) for h, low in zip(hi.tolist(), lo.tolist(), strict=True)]

    def take(self, at: npt.NDArray[np.intp]) -> Exact:
        return Exact(self.hi[at], self.lo[at])


def half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded half away from zero, exactly."""
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def round_ratio(terms: Sequence[tuple[Exact, int]], denominator: int) -> npt.NDArray[np.int64]:
    """round(Σ_k a_k·m_k / denominator) half away from zero, exactly, as int64.

    `terms`: (column, integer multiplier) pairs of equal length; denominator > 0.
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    size = len(terms[0][0])
    estimate = np.zeros(size)
    magnitude = np.zeros(size)
    for column, multiplier in terms:
        if multiplier:
            values = column.approx() * float(multiplier)
            estimate += values
            magnitude += np.abs(values)
    quotient = estimate / float(denominator)
    error = magnitude / float(denominator) * _RELATIVE_ERROR + 1e-300
    absolute = np.abs(quotient)
    whole = np.floor(absolute)
    fraction = absolute - whole
    cents = whole + (fraction >= 0.5)
    result = np.where(quotient < 0, -cents, cents)
    unsure = np.flatnonzero((np.abs(fraction - 0.5) <= error) | (absolute >= _FLOAT_EXACT))
    if np.any(np.abs(result) >= 2.0**63):
        raise OverflowError("a rounded kernel sum does not fit int64 cents")
    exact = result.astype(np.int64)
    if unsure.size:
        columns = [(column.ints(unsure), int(m)) for column, m in terms if m]
        for slot, position in enumerate(unsure.tolist()):
            total = sum(values[slot] * m for values, m in columns)
            exact[position] = half_away(total, denominator)
    return exact


def to_decimal(values: npt.ArrayLike) -> pa.Array:
    """int64 values as Arrow decimal128(38, 0) (for tests and inputs)."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.decimal128(38, 0))
