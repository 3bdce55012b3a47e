"""w_i × RORAC_i and k0 × RORAC_stock at an exact half cent round half away from zero.

docs/rorac.md ("Cents", steps 4 and 5) rounds them once, half away from zero. The engine
multiplied floats: 0.7 × 0.05 yuan is 0.034999… in floats, so a category weight of 0.7 on
5 cents gave 3 cents (exactly 3.5: 4), and 0.7 × 199.95 yuan = 139.965 gave 139.96 (Excel's
ROUND gives 139.97). Same for a stock floor k0 = 0.7 or 0.5. Tolerance: none, cents exactly.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from appraisal.config import RoracConfig
from appraisal.config.base import parse_period
from appraisal.money import scale_cents
from appraisal.rorac import compute_rorac

PERIOD = parse_period("2026-10")


def _half_away(value: Fraction) -> int:
    magnitude = int(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def _rorac(revenue: list[float], booked: list[str], **stock: float) -> pd.DataFrame:
    weight = stock.pop("weight", 1.0)
    config = RoracConfig.model_validate({
        "products": {"fee": {"category": "intermediate"}},
        "categories": [{"id": "intermediate", "name_zh": "中间业务", "name_en": "Fee",
                        "tax_rate": 0.0, "weight": weight}],
        "stock": stock,
    })
    managers = pd.DataFrame({
        "manager_id": ["M1", "M2"], "name": ["甲", "乙"], "branch": ["B"] * 2,
        "sub_branch": ["S"] * 2, "team": ["T"] * 2, "job_level": ["L"] * 2,
        "hire_date": pd.to_datetime(["2010-01-01"] * 2), "_row": [2, 3]})
    business = pd.DataFrame({
        "account_id": ["A1", "A2"], "category": ["intermediate"] * 2, "product": ["fee"] * 2,
        "balance": [0.0, 0.0], "revenue": revenue, "booking_date": pd.to_datetime(booked),
        "manager_id": ["M1", "M2"], "_row": [2, 3]})
    return compute_rorac(business, managers, config, PERIOD).by_category.set_index("manager_id")


def test_category_weight_on_an_exact_half_cent() -> None:
    # new business (increment): RORAC_i = revenue, no cost, no tax
    cells = _rorac([0.05, 199.95], ["2026-10-05", "2026-10-05"], weight=0.7)
    assert cells.loc["M1", "rorac_category"] == 5
    assert cells.loc["M1", "rorac_weighted"] == 4          # 0.7 × 5 = 3.5 (was 3)
    assert cells.loc["M2", "rorac_weighted"] == 13_997     # 0.7 × 19,995 = 13,996.5 (was 13,996)


@pytest.mark.parametrize(("floor", "expected"), [(0.7, [4, -13_997]), (0.5, [3, -9_998])])
def test_stock_at_the_floor_on_an_exact_half_cent(floor: float, expected: list[int]) -> None:
    # stock ten and sixteen years old: k0 = max(floor, 1 − 0.05 n) = the floor
    cells = _rorac([0.05, -199.95], ["2016-10-05", "2010-10-05"], floor=floor)
    assert cells["k0"].tolist() == [floor, floor]
    assert cells["rorac_stock"].tolist() == [5, -19_995]
    assert cells["rorac_category"].tolist() == expected


def test_weight_one_and_the_default_floor_are_unchanged() -> None:
    cells = _rorac([0.05, -199.95], ["2016-10-05", "2026-10-05"])
    assert cells["rorac_category"].tolist() == [4, -19_995]  # 0.8 × 5 = 4 exactly
    assert cells["rorac_weighted"].tolist() == [4, -19_995]


@given(st.lists(st.integers(-(10**15), 10**15), min_size=1, max_size=40),
       st.sampled_from(["0.7", "0.3", "0.05", "1.5", "0.125", "2", "0", "0.333333", "7.25"]))
def test_scale_cents_is_the_exact_decimal_product_rounded_half_away(
    cents: list[int], factor: str
) -> None:
    got = scale_cents(np.array(cents, dtype=np.int64), float(factor))
    assert got.dtype == np.int64
    assert got.tolist() == [_half_away(Fraction(factor) * c) for c in cents]


def test_scale_cents_of_huge_amounts_uses_exact_integers() -> None:
    big = 9 * 10**18
    assert scale_cents([big, -big], "0.5").tolist() == [big // 2, -(big // 2)]
    assert scale_cents([], 0.7).tolist() == []
