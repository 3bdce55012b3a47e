"""Cent rounding with largest remainder: hand examples and conservation properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.money import (
    allocate_cents,
    cents_to_text,
    cents_to_yuan,
    round_to_cents,
    to_cents,
    yuan_to_cents,
)


def test_thirds_of_a_yuan_hand_example():
    # 1.00 yuan in three equal parts: 33.33.. cents each; floors 33+33+33 = 99, the missing
    # cent goes to the first of the tied remainders.
    assert allocate_cents([1, 1, 1], 100).tolist() == [34, 33, 33]


def test_largest_remainder_gets_the_cent():
    # 0.114 + 0.226 + 0.660 = 1.000 yuan: floors 11, 22, 66 = 99 cents; remainders .4, .6, .0
    # so the cent goes to the second amount.
    assert round_to_cents([0.114, 0.226, 0.660]).tolist() == [11, 23, 66]


def test_negative_amounts_round_consistently():
    assert round_to_cents([-1.005, 2.0]).sum() == yuan_to_cents(-1.005 + 2.0)


def test_explicit_total_is_respected():
    assert round_to_cents([10.0, 10.0, 10.0], total_cents=3001).sum() == 3001


def test_yuan_to_cents_rounds_half_away_from_zero():
    assert yuan_to_cents(0.125) == 13
    assert yuan_to_cents(-0.125) == -13
    assert yuan_to_cents(1234.5) == 123450


def test_cents_to_yuan():
    assert cents_to_yuan([12345, -5]).tolist() == [123.45, -0.05]


def test_bad_weights_are_refused():
    with pytest.raises(ValueError, match="sum to zero"):
        allocate_cents([0, 0], 100)
    with pytest.raises(ValueError, match="non-negative"):
        allocate_cents([1, -1], 100)
    with pytest.raises(ValueError, match="finite"):
        round_to_cents([np.nan])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50).filter(
        lambda w: sum(w) > 0
    ),
    st.integers(0, 10**11),
)
def test_allocation_never_gains_or_loses_a_cent(weights, total):
    parts = allocate_cents(weights, total)
    assert parts.sum() == total
    exact = np.asarray(weights) / sum(weights) * total
    assert np.all(np.abs(parts - exact) < 1.0 + 1e-6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=0, max_size=50))
def test_rounded_parts_add_up_to_the_rounded_total(amounts):
    parts = round_to_cents(amounts)
    assert parts.sum() == yuan_to_cents(float(np.sum(amounts)))
    assert np.all(np.abs(parts - np.asarray(amounts, dtype=float) * 100) < 1.0 + 1e-6)


def test_to_cents_keeps_the_shape_of_a_grid_with_ties():
    grid = np.array([[1.005, 2.675], [-0.005, 3.0]])
    assert to_cents(grid).tolist() == [[101, 268], [-1, 300]]


def test_cents_to_text_is_exact_at_the_ends_of_int64():
    assert cents_to_text(-(2**63)) == "-92233720368547758.08"
    assert cents_to_text(2**63 - 1) == "92233720368547758.07"
