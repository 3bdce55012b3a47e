"""Money: full precision inside, rounded once to integer cents with largest-remainder rounding.

Largest remainder (Hamilton's method): floor every amount to the cent, then hand the cents still
missing to the amounts with the largest fractional remainders (ties: earlier position first), so
the rounded parts add up exactly to the rounded total. A pool never gains or loses a cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt

__all__ = [
    "allocate_cents",
    "cents_to_text",
    "cents_to_yuan",
    "round_to_cents",
    "to_cents",
    "yuan_to_cents",
]

_CENTS_PER_YUAN = 100


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


# Above this many cents a float's cents are no longer all representable: take the exact path.
_EXACT_LIMIT = float(2**52)
_INT64_LIMIT = float(2**63)


def _exact_cents(amount: float) -> int:
    """Half away from zero of the amount's shortest decimal representation (repr)."""
    return int(Decimal(repr(float(amount))).scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))


def to_cents(amounts: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Yuan to integer cents, half away from zero of each amount's shortest decimal form.

    Exact at any magnitude: 0.125 -> 13, 1.005 -> 101 (its repr is "1.005"), -2.675 -> -268.
    Vectorised; only amounts whose scaled value lies near a half cent (or beyond 2**52 cents)
    are decided on their exact decimal digits. NaN or infinite amounts are a ValueError.
    """
    given = np.asarray(amounts, dtype=np.float64)
    values = given.reshape(-1)
    if not np.all(np.isfinite(values)):
        raise ValueError("amounts must be finite to convert to cents")
    scaled = np.abs(values) * _CENTS_PER_YUAN
    if np.any(scaled >= _INT64_LIMIT):
        raise ValueError("amounts beyond 9.2e16 yuan do not fit in int64 cents")
    cents = np.floor(scaled + 0.5)
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    doubtful = near_half | (scaled >= _EXACT_LIMIT)
    result = np.copysign(np.where(doubtful, 0.0, cents), values).astype(np.int64)
    for index in np.flatnonzero(doubtful):
        result[index] = _exact_cents(values[index])
    return result.reshape(given.shape)


def cents_to_text(cents: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Integer cents as exact decimal text: 123456 -> "1234.56", -5 -> "-0.05" (no float)."""
    values = np.asarray(cents, dtype=np.int64)
    magnitude = np.abs(values)
    whole = (magnitude // _CENTS_PER_YUAN).astype(str)
    fraction = np.char.zfill((magnitude % _CENTS_PER_YUAN).astype(str), 2)
    sign = np.where(values < 0, "-", "")
    return np.char.add(np.char.add(np.char.add(sign, whole), "."), fraction)
