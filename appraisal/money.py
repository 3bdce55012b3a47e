"""Money: integer cents from the stages to the writer; every rounding happens here, once.

Converting yuan to cents (`to_cents`): the float's shortest decimal representation (what a
person typed, `repr(x)`) is rounded half away from zero to the cent, at any magnitude:
1.005 -> 101, 2.675 -> 268, -0.005 -> -1. Vectorised: the float product x × 100 decides every
value far from a half cent; only the few near a tie are settled exactly with `decimal`.

Splitting cents (largest remainder, Hamilton's method): floor every exact share to the cent, then
hand the cents still missing to the shares with the largest remainders. Remainders are exact
integers (numerators over a common denominator), so equal shares really tie, and ties go to the
earlier position (the stages sort by manager_id first: earlier manager_id). A pool never gains
or loses a cent.

    allocate_cents(weights, total):  share_i = total × w_i / W,  remainder_i = total × w_i mod W
    apply_rate(cents, rate):         rate = p / q (its decimal), remainder_i = cents_i × p mod q
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import overload

import numpy as np
import numpy.typing as npt

from .formatting import cents_text

__all__ = [
    "MAX_AMOUNT_YUAN",
    "MAX_TOTAL_YUAN",
    "MAX_YUAN",
    "allocate_cents",
    "apply_rate",
    "cents_to_text",
    "cents_to_yuan",
    "decimal_text",
    "exact_fraction",
    "round_cents",
    "round_to_cents",
    "scale_cents",
    "to_cents",
    "yuan_to_cents",
]

_CENTS_PER_YUAN = 100
_ONE_CENT = Decimal("0.01")
MAX_YUAN = 90_000_000_000_000_000.0
"""Largest amount in yuan whose cents fit an int64 (9 × 10¹⁶ yuan)."""
MAX_AMOUNT_YUAN = 10**13
"""Largest magnitude of one amount cell of an input table (ten trillion yuan, beyond any single
account or pay base): within it every product of the account kernel (cents × share units × rate
units) stays inside 38 digits. A larger cell is refused, naming its file, row and column."""
MAX_TOTAL_YUAN = 10**15
"""Largest sum of magnitudes of one amount column of an input table (a thousand trillion yuan,
twenty times the balance sheet of the largest bank): within it every figure, total and roll-up
stays in int64 cents, also after the capital factor (at most 10). A larger total is refused,
naming its file and column."""
_INT64_SAFE = 2**62
# x × 100 in floats is within this relative distance of (shortest decimal of x) × 100.
_TIE_MARGIN = 2.0**-48


def _decimal_cents(value: float | int) -> int:
    """Exact: the shortest decimal of `value` rounded half away from zero to the cent."""
    text = repr(float(value)) if isinstance(value, float | np.floating) else str(int(value))
    return int(Decimal(text).quantize(_ONE_CENT, rounding=ROUND_HALF_UP) * _CENTS_PER_YUAN)


def _array_cents(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    scaled = np.abs(values) * _CENTS_PER_YUAN
    whole = np.floor(scaled)
    fraction = scaled - whole
    cents = (whole + (fraction >= 0.5)).astype(np.int64)
    cents = np.where(values < 0, -cents, cents)
    near_tie = np.abs(fraction - 0.5) <= scaled * _TIE_MARGIN + 1e-12
    for position in np.flatnonzero(near_tie):
        cents[position] = _decimal_cents(float(values[position]))
    return cents


@overload
def to_cents(yuan: float | int) -> int: ...
@overload
def to_cents(yuan: npt.ArrayLike) -> npt.NDArray[np.int64]: ...
def to_cents(yuan: npt.ArrayLike) -> int | npt.NDArray[np.int64]:
    """Yuan (a number or an array) to integer cents, half away from zero on the typed decimal.

    A scalar gives an int, anything else an int64 array. Raises ValueError for a value that is
    not finite or beyond ±`MAX_YUAN`.
    """
    values = np.asarray(yuan)
    if values.dtype.kind in "iu":
        if values.size and np.abs(values).max() > MAX_YUAN:
            raise ValueError(f"amounts beyond {MAX_YUAN:g} yuan do not fit int64 cents")
        whole = values.astype(np.int64) * _CENTS_PER_YUAN
        return int(whole) if values.ndim == 0 else whole
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("amounts must be finite to convert to cents")
    if values.size and np.abs(values).max() > MAX_YUAN:
        raise ValueError(f"amounts beyond {MAX_YUAN:g} yuan do not fit int64 cents")
    if values.ndim == 0:
        return _decimal_cents(float(values))
    return _array_cents(values.ravel()).reshape(values.shape)


def yuan_to_cents(amount: float) -> int:
    """One amount in yuan to integer cents: `to_cents` of a scalar."""
    return int(to_cents(float(amount)))


@overload
def cents_to_yuan(cents: int) -> float: ...
@overload
def cents_to_yuan(cents: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
def cents_to_yuan(cents: npt.ArrayLike) -> float | npt.NDArray[np.float64]:
    """Integer cents to float yuan for a workbook cell (the nearest float to the two decimals)."""
    values = np.asarray(cents, dtype=np.int64)
    yuan = values / _CENTS_PER_YUAN
    return float(yuan) if values.ndim == 0 else yuan


@overload
def cents_to_text(cents: int) -> str: ...
@overload
def cents_to_text(cents: npt.ArrayLike) -> npt.NDArray[np.str_]: ...
def cents_to_text(cents: npt.ArrayLike) -> str | npt.NDArray[np.str_]:
    """Integer cents as exact decimal text in yuan ("-1234.56", "0.05"), vectorised: the text
    the CSV writer prints (`formatting.cents_text`), exact over the whole int64 range."""
    values = np.asarray(cents, dtype=np.int64)
    text = np.asarray(cents_text(values.reshape(-1)).to_pylist(), dtype=np.str_)
    return str(text[0]) if values.ndim == 0 else text.reshape(values.shape)


def decimal_text(value: float) -> str:
    """A config number as written: the shortest decimal that reads back as the float, without
    an exponent (1234567.89, 0.05, 100), for messages and tables a person reads."""
    return format(Decimal(repr(float(value))).normalize(), "f")


def exact_fraction(value: float | str | Fraction) -> Fraction:
    """A config number as the exact fraction of its decimal (0.05 -> 1/20, not the float)."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


def _hand_out(
    floors: npt.NDArray[np.int64] | npt.NDArray[np.object_],
    remainders: npt.NDArray[np.int64] | npt.NDArray[np.object_] | npt.NDArray[np.float64],
    total_cents: int,
) -> npt.NDArray[np.int64]:
    """Floors plus the missing cents, largest remainder first, ties to the earlier position."""
    n = len(floors)
    if n == 0:
        if total_cents != 0:
            raise ValueError("cannot distribute a non-zero total over no amounts")
        return np.zeros(0, dtype=np.int64)
    missing = int(total_cents) - int(floors.sum())
    result = floors.astype(np.int64)
    if missing:
        order = np.lexsort((np.arange(n), _descending_key(remainders)))
        full_rounds, rest = divmod(missing, n)
        result += full_rounds
        result[order[:rest]] += 1
    return result


def _descending_key(
    remainders: npt.NDArray[np.int64] | npt.NDArray[np.object_] | npt.NDArray[np.float64],
) -> npt.NDArray[np.int64] | npt.NDArray[np.float64]:
    """A sort key putting the largest remainder first (exact, whatever the integers' size)."""
    if remainders.dtype == object:
        ranks = np.unique(remainders, return_inverse=True)[1].reshape(-1)
        return -ranks.astype(np.int64)
    return -remainders


_FLOAT_INTEGERS = 2.0**53
"""Below this a whole float is exactly an int64."""


def _as_exact_weights(weights: npt.ArrayLike) -> npt.NDArray[np.int64] | npt.NDArray[np.object_]:
    """Weights as exact integers: ints as they are; fractions and floats (at their exact
    binary value) over their common denominator."""
    values = np.asarray(weights)
    if values.dtype.kind in "iu":
        ints = values.astype(np.int64)
    elif values.dtype == object and all(type(v) is int for v in values.tolist()):
        ints = values  # exact Python ints already (the kernel's sums): no Fraction per weight
    elif values.dtype.kind == "f" and np.all(np.isfinite(values)) and np.all(
            (values == np.floor(values)) & (np.abs(values) < _FLOAT_INTEGERS)):
        ints = values.astype(np.int64)  # whole floats (a headcount, say) are their own integer
    elif values.dtype == object or values.dtype.kind == "f":
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            raise ValueError("allocation weights must be finite and non-negative")
        ratios = [Fraction(v) for v in values.tolist()]
        denominator = math.lcm(1, *(ratio.denominator for ratio in ratios))
        ints = np.array([int(r * denominator) for r in ratios], dtype=object)
    else:
        raise ValueError("allocation weights must be numbers")
    if np.any(ints < 0):
        raise ValueError("allocation weights must be finite and non-negative")
    return ints


def allocate_cents(weights: npt.ArrayLike, total_cents: int) -> npt.NDArray[np.int64]:
    """Split `total_cents` in proportion to non-negative `weights`, exactly to the cent.

    share_i = total × w_i / W with W = Σ w; floor_i = total × w_i // W and the exact integer
    remainder total × w_i mod W decides who gets the missing cents (ties: earlier position).
    Integer weights (e.g. cents) are used as they are; Fractions (a config's decimals via
    `exact_fraction`) and floats at their exact value.
    """
    exact = _as_exact_weights(weights)
    total = int(total_cents)
    if exact.size == 0:
        return _hand_out(exact.astype(np.int64), exact.astype(np.int64), total)
    weight_sum = int(exact.sum())
    if weight_sum <= 0:
        raise ValueError("allocation weights sum to zero")
    big = exact.dtype == object or abs(total) * int(exact.max()) >= _INT64_SAFE
    products = exact.astype(object) * total if big else exact * total
    return _hand_out(products // weight_sum, products % weight_sum, total)


def _half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded half away from zero, exactly."""
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def apply_rate(cents: npt.ArrayLike, rate: float | str | Fraction) -> npt.NDArray[np.int64]:
    """rate × cents per amount, to the cent, the parts adding up to the rounded exact total.

    The rate is the exact fraction p / q of its decimal; floor_i = cents_i × p // q, remainder_i
    = cents_i × p mod q (exact integers), total = round(Σ cents × p / q) half away from zero.
    Each part is the floor or the ceiling of its exact share.
    """
    amounts = np.asarray(cents, dtype=np.int64)
    fraction = exact_fraction(rate)
    p, q = fraction.numerator, fraction.denominator
    big = amounts.size and int(np.abs(amounts).max()) * abs(p) >= _INT64_SAFE
    products = amounts.astype(object) * p if big else amounts * p
    floors, remainders = products // q, products % q
    total = _half_away(int(amounts.astype(object).sum()) * p, q) if amounts.size else 0
    return _hand_out(floors, remainders, total)


def scale_cents(cents: npt.ArrayLike, factor: float | str | Fraction) -> npt.NDArray[np.int64]:
    """factor × cents for each amount on its own, rounded half away from zero, exactly.

    The factor is the exact fraction p / q of its decimal (a config weight 0.7 is 7/10, not the
    float 0.69999…), so a product that is exactly a half cent (0.7 × 5 = 3.5) rounds away from
    zero (4), never by float noise. Unlike `apply_rate`, the parts are not forced to a total.
    """
    amounts = np.asarray(cents, dtype=np.int64)
    fraction = exact_fraction(factor)
    p, q = fraction.numerator, fraction.denominator
    if amounts.size == 0:
        return amounts.astype(np.int64)
    big = (int(np.abs(amounts).max()) * abs(p) >= _INT64_SAFE // 2) or q >= _INT64_SAFE // 4
    products = amounts.astype(object) * p if big else amounts * p
    magnitude = (2 * abs(products) + q) // (2 * q)
    return np.where(products >= 0, magnitude, -magnitude).astype(np.int64)


_MICRO_DIGITS = 6


def _fixed_point(
    cents: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], int]:
    """Float cents on a fixed grid (10⁻⁶ cent, coarser for huge amounts): (units, per cent)."""
    largest = float(np.abs(cents).max()) if cents.size else 0.0
    digits = _MICRO_DIGITS
    while digits > 0 and largest * 10.0**digits >= 2.0**52:
        digits -= 1
    scale = 10**digits
    return np.rint(cents * scale).astype(np.int64), scale


def round_cents(
    exact_cents: npt.ArrayLike, total_cents: int | None = None
) -> npt.NDArray[np.int64]:
    """Round amounts in cents computed in floats to integer cents adding up to `total_cents`.

    The floats are first fixed to a grid of 10⁻⁶ cent (coarser only above 4.5 × 10⁹ cents),
    which absorbs floating-point noise; the largest-remainder split then runs on exact integers,
    so amounts equal up to that noise tie (earlier position first). Without `total_cents`, the
    target is the grid sum rounded half away from zero.
    """
    values = np.asarray(exact_cents, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("amounts must be finite to round to cents")
    units, scale = _fixed_point(values)
    if total_cents is None:
        total_cents = _half_away(int(units.astype(object).sum()), scale) if units.size else 0
    floors, remainders = np.divmod(units, scale)
    return _hand_out(floors, remainders, int(total_cents))


def round_to_cents(
    amounts: npt.ArrayLike, total_cents: int | None = None
) -> npt.NDArray[np.int64]:
    """Round amounts in yuan computed in floats to integer cents adding up to `total_cents`.

    Without `total_cents`, the target is `to_cents` of their float sum; see `round_cents`.
    """
    values = np.asarray(amounts, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("amounts must be finite to round to cents")
    if total_cents is None:
        total_cents = int(to_cents(float(np.sum(values, dtype=np.float64))))
    return round_cents(values * _CENTS_PER_YUAN, total_cents)
