"""A profit band without a label is shown by its exact lower bound for the period, in yuan.

Before: `f"≥{lower × months:g}"`, six significant digits: a band from 12,345.67 yuan read
"≥12345.7" and 100,000 a month over a year "≥1.2e+06" in managers.csv and the workbook.
"""

from __future__ import annotations

import pytest
from test_bonus import config, team

from appraisal.bonus import compute_bonus
from appraisal.config.base import parse_period

BASES = {"base_by_job_level": {"junior": 6000, "senior": 8000}}


def _labels(period: str, bands: list[dict[str, float]], m1_profit: int | None = None
            ) -> list[str]:
    managers, card, rorac = team()
    if m1_profit is not None:
        rorac.loc[rorac["manager_id"] == "M1", "rorac"] = m1_profit
    cfg = config(funding=BASES, components=[
        {"id": "profit", "kind": "profit_band", "share": 0.6, "method": "step", "bands": bands},
        {"id": "grade", "kind": "grade", "share": 0.4}])
    result = compute_bonus(managers, card, rorac, cfg, parse_period(period))
    return result.managers["profit_band"].tolist()


def test_a_bound_with_cents_is_shown_exactly() -> None:
    # profits (yuan): M1 120000, M2 45000, M3 -5000, M4 20000
    bands = [{"lower": 0, "coefficient": 0.0}, {"lower": 12345.67, "coefficient": 0.5},
             {"lower": 100000, "coefficient": 1.0}]
    assert _labels("2026-10", bands) == ["≥100000", "≥12345.67", "below lowest band",
                                         "≥12345.67"]


@pytest.mark.parametrize(("period", "expected"), [
    ("2026-10", ["≥100000", "≥10000", "below lowest band", "≥10000"]),
    ("2026-Q4", ["≥30000", "≥30000", "below lowest band", "≥0"]),
    ("2026", ["≥120000", "≥0", "below lowest band", "≥0"]),
])
def test_monthly_bounds_are_scaled_without_exponents(period: str, expected: list[str]) -> None:
    bands = [{"lower": 0, "coefficient": 0.0}, {"lower": 10000, "coefficient": 0.5},
             {"lower": 100000, "coefficient": 1.0}]
    assert _labels(period, bands) == expected


def test_large_and_negative_bounds_over_a_year() -> None:
    bands = [{"lower": -1000.5, "coefficient": 0.1}, {"lower": 100_000, "coefficient": 1.0}]
    # M1 earned 1,500,000.00 over the year: at or above 12 × 100,000 (was "≥1.2e+06")
    labels = _labels("2026", bands, m1_profit=150_000_000)
    assert labels == ["≥1200000", "≥-12006", "≥-12006", "≥-12006"]
