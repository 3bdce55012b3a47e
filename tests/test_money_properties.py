"""money.py, the one converter: exact half-away-from-zero cents, exact largest-remainder splits.

Reference for every conversion: Decimal(repr(x)).quantize(Decimal("0.01"), ROUND_HALF_UP), the
typed decimal rounded half away from zero. Splits are compared with Fraction arithmetic. No
tolerance anywhere: all figures are integers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.money import (
    MAX_YUAN,
    allocate_cents,
    apply_rate,
    cents_to_text,
    cents_to_yuan,
    round_cents,
    to_cents,
    yuan_to_cents,
)


def typed_cents(x: float) -> int:
    return int(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


@pytest.mark.parametrize(
    ("yuan", "cents"),
    [
        (1.005, 101),  # the float is 1.00499999999999989..., the person typed 1.005
        (2.675, 268),
        (-0.005, -1),
        (-2.675, -268),
        (0.125, 13),
        (1234.5, 123_450),
        (1e13 + 0.005, typed_cents(1e13 + 0.005)),
        (12_345_678.905, 1_234_567_891),  # above a million yuan, where the old rule failed
        (0.0, 0),
        (-0.0, 0),
    ],
)
def test_to_cents_rounds_the_typed_decimal_half_away_from_zero(yuan: float, cents: int) -> None:
    assert to_cents(yuan) == cents
    assert yuan_to_cents(yuan) == cents
    assert to_cents(np.array([yuan])).tolist() == [cents]


def test_to_cents_types_scalar_int_array_int64() -> None:
    assert isinstance(to_cents(1.5), int)
    assert to_cents(7) == 700
    array = to_cents([1.005, 2.675])
    assert array.dtype == np.int64 and array.tolist() == [101, 268]
    assert to_cents(np.array([3, -4])).tolist() == [300, -400]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 2 * MAX_YUAN])
def test_to_cents_refuses_what_has_no_cents(bad: float) -> None:
    with pytest.raises(ValueError):
        to_cents(bad)
    with pytest.raises(ValueError):
        to_cents([1.0, bad])


finite_yuan = st.floats(-MAX_YUAN, MAX_YUAN, allow_nan=False, allow_infinity=False)
typed_amounts = st.builds(
    lambda whole, mils: float(f"{whole}.{mils:03d}"), st.integers(-10**13, 10**13),
    st.integers(0, 999),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(finite_yuan, typed_amounts), min_size=1, max_size=40))
def test_to_cents_matches_the_decimal_reference_for_any_finite_float(values: list[float]) -> None:
    expected = [typed_cents(v) for v in values]
    assert to_cents(np.array(values)).tolist() == expected
    assert [to_cents(v) for v in values] == expected


def test_a_million_conversions_agree_with_the_typed_decimal() -> None:
    """Vectorised over a million values, a quarter of them on a half cent (speed is measured in
    benchmarks/, never in a test)."""
    rng = np.random.default_rng(11)
    values = np.round(rng.uniform(-1e6, 1e6, 1_000_000), 3)
    cents = to_cents(values)
    sample = rng.choice(len(values), 2_000, replace=False)
    assert cents[sample].tolist() == [typed_cents(v) for v in values[sample]]


def test_cents_to_text_is_the_exact_decimal() -> None:
    assert cents_to_text([-123_456, 5, -5, 0, 100, 2**62]).tolist() == [
        "-1234.56", "0.05", "-0.05", "0.00", "1.00", "46116860184273879.04",
    ]
    assert cents_to_text(-1) == "-0.01"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=30))
def test_cents_to_text_round_trips_through_decimal(cents: list[int]) -> None:
    text = cents_to_text(cents).tolist()
    assert [int(Decimal(t) * 100) for t in text] == cents


def test_cents_to_yuan_gives_floats_for_cells() -> None:
    assert cents_to_yuan(12_345) == 123.45
    assert cents_to_yuan([12_345, -5]).tolist() == [123.45, -0.05]


# ---------------------------------------------------------------- largest remainder


def exact_split(weights: list[int], total: int) -> list[Fraction]:
    return [Fraction(total * w, sum(weights)) for w in weights]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10**12), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
    st.integers(-(10**13), 10**13),
)
def test_integer_allocation_is_exact_to_the_cent(weights: list[int], total: int) -> None:
    parts = allocate_cents(np.array(weights, dtype=np.int64), total)
    exact = exact_split(weights, total)
    assert int(parts.sum()) == total
    assert all(p - e > -1 and p - e < 1 for p, e in zip(parts.tolist(), exact, strict=True))
    # whoever got the extra cent has a remainder at least as large as anyone who did not,
    # and among equal remainders the extra cents went to the earlier positions
    remainder = [e - (e.numerator // e.denominator) for e in exact]
    extra = [p > (e.numerator // e.denominator) for p, e in zip(parts.tolist(), exact, strict=True)]
    for i in range(len(weights)):
        for j in range(len(weights)):
            if extra[j] and not extra[i]:
                assert remainder[j] > remainder[i] or (remainder[j] == remainder[i] and j < i)


def test_equal_remainders_go_to_the_earlier_position() -> None:
    # 5 cents in four equal parts: 1.25 each, floors 4, the missing cent to the first
    assert allocate_cents([7, 7, 7, 7], 5).tolist() == [2, 1, 1, 1]
    # weights 1 : 3 of 2 cents: exact 0.5 and 1.5, a tie at .5: the first gets it
    assert allocate_cents([1, 3], 2).tolist() == [1, 1]


def test_huge_products_use_exact_python_integers() -> None:
    weights = [2**61, 2**61 + 1, 3]
    parts = allocate_cents(np.array(weights, dtype=np.int64), 10**15 + 1)
    assert int(parts.sum()) == 10**15 + 1
    exact = exact_split(weights, 10**15 + 1)
    assert all(abs(p - e) < 1 for p, e in zip(parts.tolist(), exact, strict=True))


def test_fraction_weights_split_exactly() -> None:
    # shares 0.6 : 0.4 of 1 cent as decimals: exact 0.6 and 0.4 → the first
    assert allocate_cents([Fraction("0.6"), Fraction("0.4")], 1).tolist() == [1, 0]
    # 0.1 : 0.2 : 0.7 of 10 cents are exactly 1, 2, 7 (as floats they are not)
    assert allocate_cents([Fraction("0.1"), Fraction("0.2"), Fraction("0.7")], 10).tolist() == [
        1, 2, 7,
    ]


def test_rate_split_breaks_exact_ties_by_position() -> None:
    # 5% of 0.30 and 0.70 yuan: exactly 1.5 and 3.5 cents, total 5.0 → floors 1 + 3, the one
    # missing cent goes to the earlier position. The float computation 0.05 × 30 / 100 gave
    # remainders .4999… and .5000…1 and handed it to the second.
    assert apply_rate([30, 70], 0.05).tolist() == [2, 3]
    # same at realistic sizes: 278844.5, 731182.5, 922941.5 cents; total 1932968.5 → 1932969
    gross = [5_576_890, 14_623_650, 18_458_830]
    assert apply_rate(gross, 0.05).tolist() == [278_845, 731_183, 922_941]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10**11), min_size=0, max_size=30),
    st.sampled_from(["0", "0.05", "0.1", "0.333", "0.125", "1", "0.0001"]),
)
def test_rate_parts_add_up_to_the_rounded_exact_total(gross: list[int], rate: str) -> None:
    parts = apply_rate(gross, float(rate)).tolist()
    exact = [Fraction(rate) * g for g in gross]
    total = sum(exact, Fraction(0))
    assert sum(parts) == int(total + Fraction(1, 2)) if gross else parts == []
    assert all(p in (e.numerator // e.denominator, -(-e.numerator // e.denominator))
               for p, e in zip(parts, exact, strict=True))
    assert all(0 <= p <= g for p, g in zip(parts, gross, strict=True))


def test_round_cents_absorbs_float_noise_so_equal_amounts_tie() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floats; both amounts are 0.3 cents and tie:
    # total 1 cent (0.6 rounds to 1), the cent goes to the first
    assert round_cents([0.1 + 0.2, 0.3], None).tolist() == [1, 0]
    assert round_cents([0.3, 0.1 + 0.2], None).tolist() == [1, 0]
