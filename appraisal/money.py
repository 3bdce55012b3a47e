"""Money: full precision inside, rounded once to integer cents with largest-remainder rounding.

Largest remainder (Hamilton's method): floor every amount to the cent, then hand the cents still
missing to the amounts with the largest fractional remainders (ties: earlier position first), so
the rounded parts add up exactly to the rounded total. A pool never gains or loses a cent.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["allocate_cents", "cents_to_yuan", "round_to_cents", "yuan_to_cents"]

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
