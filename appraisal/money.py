"""Money: full precision inside, rounded once to integer cents with largest-remainder rounding.

Largest remainder (Hamilton's method): floor every amount to the cent, then hand the cents still
missing to the amounts with the largest fractional remainders (ties: earlier position first), so
the rounded parts add up exactly to the rounded total. A pool never gains or loses a cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import overload

import numpy as np
import numpy.typing as npt

__all__ = ["allocate_cents", "cents_to_yuan", "round_to_cents", "to_cents", "yuan_to_cents"]

_CENTS_PER_YUAN = 100
_EXACT_BELOW = 2.0**43
"""Below this many yuan a double is closer than 0.001 to its neighbours: the half-cent test
of `to_cents` is exact on floats; above it each value goes through `decimal`."""
_INT64_YUAN = 9.0e16
"""Amounts in yuan whose cents fit an int64 stay below this."""


def _decimal_cents(value: float) -> int:
    """The shortest decimal of `value`, rounded half away from zero to the cent."""
    return int(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
               * _CENTS_PER_YUAN)


@overload
def to_cents(yuan: float) -> int: ...
@overload
def to_cents(yuan: npt.ArrayLike) -> npt.NDArray[np.int64]: ...
def to_cents(yuan: npt.ArrayLike) -> int | npt.NDArray[np.int64]:
    """Yuan to integer cents: the float's shortest decimal (`repr`) rounded half away from zero.

    Vectorised and exact at any magnitude (1.005 -> 101, 2.675 -> 268, -0.005 -> -1): with
    H(j) the double nearest to (j + 0.5) / 100, |x| rounds to the number of j >= 0 with
    H(j) <= |x|. A scalar gives an int, an array an int64 array; not finite or beyond
    ±9e16 yuan is a ValueError.
    """
    values = np.asarray(yuan, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("amounts must be finite to convert to cents")
    if values.size and np.abs(values).max() >= _INT64_YUAN:
        raise ValueError(f"amounts of {_INT64_YUAN:g} yuan or more do not fit int64 cents")
    if values.ndim == 0:
        return _decimal_cents(float(values))
    size = np.abs(values)
    fast = size < _EXACT_BELOW
    magnitude = np.where(fast, size, 0.0)
    half = np.floor(magnitude * _CENTS_PER_YUAN - 0.5)
    half = np.where((2 * (half + 1) + 1) / 200 <= magnitude, half + 1, half)
    half = np.where((half >= 0) & ((2 * half + 1) / 200 > magnitude), half - 1, half)
    cents = np.maximum(half + 1, 0).astype(np.int64)
    for position in np.flatnonzero(~fast):
        cents.flat[position] = abs(_decimal_cents(float(values.flat[position])))
    return np.where(values < 0, -cents, cents)


def yuan_to_cents(amount: float) -> int:
    """Round one amount in yuan to integer cents (half away from zero)."""
    scaled = abs(float(amount)) * _CENTS_PER_YUAN
    cents = int(np.floor(scaled + 0.5 + 1e-9))
    return cents if amount >= 0 else -cents


def _distribute(exact_cents: npt.NDArray[np.float64], total_cents: int) -> npt.NDArray[np.int64]:
    floors = np.floor(exact_cents)
    remainders = exact_cents - floors
    result = floors.astype(np.int64)
    missing = int(total_cents - result.sum())
    n = result.size
    if n == 0:
        if total_cents != 0:
            raise ValueError("cannot distribute a non-zero total over no amounts")
        return result
    if missing:
        # Largest remainder first; ties go to the earlier position (stable, deterministic).
        order = np.lexsort((np.arange(n), -remainders))
        full_rounds, rest = divmod(missing, n)
        result += full_rounds
        result[order[:rest]] += 1
    return result


def round_to_cents(
    amounts: npt.ArrayLike, total_cents: int | None = None
) -> npt.NDArray[np.int64]:
    """Round amounts in yuan to integer cents whose sum is exactly `total_cents`.

    Without `total_cents`, the target is the exact sum of the amounts rounded to the cent.
    """
    values = np.asarray(amounts, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("amounts must be finite to round to cents")
    exact = values * _CENTS_PER_YUAN
    if total_cents is None:
        total_cents = yuan_to_cents(float(np.sum(values, dtype=np.float64)))
    return _distribute(exact, int(total_cents))


def allocate_cents(weights: npt.ArrayLike, total_cents: int) -> npt.NDArray[np.int64]:
    """Split `total_cents` in proportion to non-negative `weights`, exactly to the cent."""
    shares = np.asarray(weights, dtype=np.float64)
    if shares.size == 0:
        return _distribute(shares, int(total_cents))
    if not np.all(np.isfinite(shares)) or np.any(shares < 0):
        raise ValueError("allocation weights must be finite and non-negative")
    weight_sum = shares.sum()
    if weight_sum <= 0:
        raise ValueError("allocation weights sum to zero")
    return _distribute(shares / weight_sum * int(total_cents), int(total_cents))


def cents_to_yuan(cents: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Integer cents back to yuan for presentation (two decimals are exact for display)."""
    return np.asarray(cents, dtype=np.int64) / _CENTS_PER_YUAN
