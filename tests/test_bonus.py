"""Bonus stage: hand-worked examples to the cent, limits, bad inputs, property tests.

The hand-worked team (period 2026-10, 31 days), used by every example below:

    id  team      base               profit    grade coef  composite  service
    M1  S1/T1     10000 (roster)     120000    A 1.5       110        1
    M2  S1/T1      6000 (junior)      45000    B 1.2        95        1
    M3  S1/T2      8000 (roster)      -5000    C 1.0        80        1
    M4  S2/T3      8000 (roster)      20000    B 1.2        90        15/31 (hired 2026-10-17)

Default step bands: lower 0 → 0.0, 10000 → 0.5, 30000 → 0.8, 60000 → 1.0, 100000 → 1.2,
200000 → 1.5. Tolerance: none, every money figure is compared exactly in cents.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from appraisal.bonus import (
    BonusResult,
    band_coefficients,
    check_bonus,
    compute_bonus,
    progressive_amounts,
)
from appraisal.config import AppraisalConfig, parse_config
from appraisal.config.base import parse_period
from appraisal.config.bonus import BonusConfig
from appraisal.errors import (
    AppraisalError,
    ConfigError,
    InputError,
    InputIssue,
    InternalError,
    IssueCode,
)
from appraisal.money import to_cents

PERIOD = parse_period("2026-10")


def team() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    managers = pd.DataFrame(
        {
            "manager_id": ["M1", "M2", "M3", "M4"],
            "name": ["甲", "乙", "丙", "丁"],
            "branch": ["B1"] * 4,
            "sub_branch": ["S1", "S1", "S1", "S2"],
            "team": ["T1", "T1", "T2", "T3"],
            "job_level": ["senior", "junior", "senior", "senior"],
            "hire_date": pd.to_datetime(["2020-01-01", "2021-05-01", "2019-03-01", "2026-10-17"]),
            "leave_date": pd.to_datetime([None, None, None, None]),
            "pay_base": [10000.0, np.nan, 8000.0, 8000.0],
            "_row": [2, 3, 4, 5],
        }
    )
    managers.attrs["file"] = "managers.csv"
    card = pd.DataFrame(
        {
            "manager_id": ["M1", "M2", "M3", "M4"],
            "composite": [110.0, 95.0, 80.0, 90.0],
            "grade": ["A", "B", "C", "B"],
            "grade_coefficient": [1.5, 1.2, 1.0, 1.2],
        }
    )
    rorac = pd.DataFrame(
        {
            "manager_id": ["M1", "M2", "M3", "M4"],
            "rorac": to_cents([120000.0, 45000.0, -5000.0, 20000.0]),
        }
    )
    return managers, card, rorac


def allocations() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "manager_id": ["M3", "M4"],
            "amount": [800.0, 300.0],
            "reason": ["diligence", "special_factor"],
            "approved_by": ["客户经理部负责人", "客户经理部负责人"],
            "note": [None, None],
            "_row": [2, 3],
        }
    )
    frame.attrs["file"] = "pool_allocations.csv"
    return frame


def config(**sections: object) -> BonusConfig:
    return BonusConfig.model_validate(sections)


def appraisal_config(**sections: object) -> AppraisalConfig:
    """A whole config for period 2026-10 with the given `bonus:` sections (for check_bonus)."""
    return parse_config(
        {"period": "2026-10", "unit": {"id": "B1"}, "inputs": {"managers": "m.csv"},
         "bonus": sections}
    )


def column(result: BonusResult, name: str) -> list[float]:
    return result.managers[name].tolist()


def test_step_bands_per_person_base_with_cap_allocation_and_carry_out() -> None:
    # profit part = 0.6 × base × band coefficient; grade part = 0.4 × base × grade coefficient
    # M1: 120000 in band 5 (1.2): 0.6×10000×1.2 = 7200; 0.4×10000×1.5 = 6000; 13200 > cap 12000
    # M2: base from job level 6000; 45000 in band 3 (0.8): 2880; 0.4×6000×1.2 = 2880 → 5760
    # M3: -5000 below the lowest band: 0; 0.4×8000×1.0 = 3200 → 3200
    # M4: 15/31 of the month: 0.6×8000×0.5×15/31 = 1161.290…→1161.29;
    #     0.4×8000×1.2×15/31 = 1858.064…→1858.06; gross 3019.35
    # withheld 10%: 1200, 576, 320, 301.935→301.94 (largest remainder, Σ exact 2397.935→2397.94)
    # pool: carry-in 500 + 2397.94 = 2897.94; allocated 800 (M3) + 300 (M4) = 1100;
    # carry-out 1797.94. Final: 10800, 5184, 3680, 3017.41
    managers, card, rorac = team()
    cfg = config(
        funding={"base_by_job_level": {"junior": 6000}},
        limits={"cap": 12000},
        shared_pool={"withhold_rate": 0.1, "carry_in": 500},
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD, pool_allocations=allocations())
    assert column(result, "base") == [1_000_000, 600_000, 800_000, 800_000]
    assert column(result, "profit_band") == ["档次5", "档次3", "below lowest band", "档次2"]
    assert column(result, "profit_band_coefficient") == [1.2, 0.8, 0.0, 0.5]
    assert column(result, "bonus_profit") == [720_000, 288_000, 0, 116_129]
    assert column(result, "bonus_grade") == [600_000, 288_000, 320_000, 185_806]
    assert column(result, "limit_applied") == ["cap", "none", "none", "none"]
    assert column(result, "limit_adjustment") == [-120_000, 0, 0, 0]
    assert column(result, "bonus_gross") == [1_200_000, 576_000, 320_000, 301_935]
    assert column(result, "withheld") == [120_000, 57_600, 32_000, 30_194]
    assert column(result, "pool_allocation") == [0, 0, 80_000, 30_000]
    assert column(result, "bonus_final") == [1_080_000, 518_400, 368_000, 301_741]
    ledger = result.ledger.iloc[0]
    assert (ledger["carry_in"], ledger["withheld"], ledger["allocated"]) == (
        50_000,
        239_794,
        110_000,
    )
    assert (ledger["redistributed"], ledger["carry_out"], ledger["mode"]) == (
        0,
        179_794,
        "carry_forward",
    )
    assert result.allocations["reason"].tolist() == ["diligence", "special_factor"]
    assert result.allocations["name"].tolist() == ["丙", "丁"]


def test_progressive_bands_pay_each_slice_at_its_rate() -> None:
    # bands 0 → 5%, 50000 → 8%, 100000 → 10%; profit part = 0.6 × Σ slice × rate (no base)
    # M1: 50000×5% + 50000×8% + 20000×10% = 8500; ×0.6 = 5100; + grade 6000 = 11100
    # M2: 45000×5% = 2250; ×0.6 = 1350; + 2880 = 4230
    # M3: negative profit earns nothing: 0 + 3200
    # M4: 20000×5% = 1000; ×0.6 = 600 (profit already reflects the half month, no proration)
    #     + 1858.06 = 2458.06
    managers, card, rorac = team()
    bands = [
        {"lower": 0, "coefficient": 0.05},
        {"lower": 50000, "coefficient": 0.08},
        {"lower": 100000, "coefficient": 0.10},
    ]
    cfg = config(
        funding={"base_by_job_level": {"junior": 6000}},
        components=[
            {
                "id": "profit",
                "kind": "profit_band",
                "share": 0.6,
                "method": "progressive",
                "bands": bands,
            },
            {"id": "grade", "kind": "grade", "share": 0.4},
        ],
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD)
    assert column(result, "bonus_profit") == [510_000, 135_000, 0, 60_000]
    assert column(result, "bonus_gross") == [1_110_000, 423_000, 320_000, 245_806]
    assert column(result, "profit_band_coefficient") == [0.10, 0.05, 0.0, 0.05]
    # no withholding configured: the pool is empty and final = gross
    assert column(result, "bonus_final") == column(result, "bonus_gross")


def test_fixed_pool_split_by_points_with_cap_and_redistribution() -> None:
    # pool 20000: profit sub-pool 0.6 → 12000, grade sub-pool 0.4 → 8000
    # profit points (band coefficient × service): 1.2, 0.8, 0, 0.5×15/31; Σ = 139/62
    #   12000 × points / Σ = 6423.0216, 4282.0144, 0, 1294.9640 → cents by largest remainder:
    #   6423.02, 4282.02 (largest remainder .0144 vs .0216? no: .014388…→ remainders in cents
    #   .158, .439, .403: M2 takes the missing cent), 0, 1294.96
    # grade points (coef × composite/100 × service): 1.65, 1.14, 0.8, 1.08×15/31; Σ = 12749/3100
    #   8000 × points / Σ = 3209.6635, 2217.5857, 1556.2005, 1016.5503 → 3209.66, 2217.59,
    #   1556.20, 1016.55
    # M1 uncapped 9632.685 > cap 9000: capped; the others scaled by λ = 11000 / 10367.315 =
    #   8860555/8350924 ≈ 1.0610269: 6896.2505→6896.25, 1651.1706→1651.17, 2452.5789→2452.58
    # Σ gross = 9000 + 6896.25 + 1651.17 + 2452.58 = 20000.00 exactly
    # withheld 10%: exact 900, 689.625, 165.117, 245.258; Σ 2000.00; floors miss 2 cents,
    #   largest remainders go to M4 (.8) and M3 (.7): 900, 689.62, 165.12, 245.26
    # pool 2000 − allocated 1100 = 900 redistributed pro rata to gross: 405, 310.33…, 74.30…,
    #   110.36… → 405.00, 310.33, 74.30, 110.37 (largest remainder)
    managers, card, rorac = team()
    cfg = config(
        funding={"mode": "fixed_pool", "pool_amount": 20000},
        components=[
            {"id": "profit", "kind": "profit_band", "share": 0.6},
            {
                "id": "grade",
                "kind": "grade",
                "share": 0.4,
                "factors": ["composite", "position_coefficient"],
            },
        ],
        limits={"cap": 9000},
        shared_pool={"withhold_rate": 0.1, "remainder": "redistribute"},
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD, pool_allocations=allocations())
    lam = Fraction(8860555, 8350924)
    assert float(lam) == pytest.approx(11000 / (20000 - 9632.685085753657), rel=1e-12)
    assert column(result, "bonus_profit") == [642_302, 428_202, 0, 129_496]
    assert column(result, "bonus_grade") == [320_966, 221_759, 155_620, 101_655]
    assert column(result, "limit_applied") == ["cap", "rescaled", "rescaled", "rescaled"]
    assert column(result, "bonus_gross") == [900_000, 689_625, 165_117, 245_258]
    assert column(result, "withheld") == [90_000, 68_962, 16_512, 24_526]
    assert column(result, "pool_redistributed") == [40_500, 31_033, 7430, 11_037]
    assert column(result, "bonus_final") == [850_500, 651_696, 236_035, 261_769]
    ledger = result.ledger.iloc[0]
    assert (ledger["withheld"], ledger["allocated"], ledger["redistributed"]) == (
        200_000,
        110_000,
        90_000,
    )
    assert (ledger["carry_out"], ledger["mode"]) == (0, "redistribute")
    assert sum(column(result, "bonus_gross")) == 2_000_000


def test_fixed_pool_without_limits_gross_is_the_sum_of_components() -> None:
    managers, card, rorac = team()
    cfg = config(
        funding={"mode": "fixed_pool", "pool_amount": 20000},
        components=[
            {"id": "profit", "kind": "profit_band", "share": 0.6},
            {"id": "grade", "kind": "grade", "share": 0.4, "factors": ["composite"]},
        ],
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD)
    # same split as above, no cap: gross = profit part + grade part
    assert column(result, "bonus_gross") == [963_268, 649_961, 155_620, 231_151]
    assert column(result, "limit_applied") == ["none"] * 4
    assert sum(column(result, "bonus_gross")) == 2_000_000


def test_rollups_add_up_per_team_sub_branch_branch() -> None:
    managers, card, rorac = team()
    cfg = config(
        funding={"base_by_job_level": {"junior": 6000}},
        limits={"cap": 12000},
        shared_pool={"withhold_rate": 0.1, "carry_in": 500},
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD, pool_allocations=allocations())
    rollups = result.rollups.set_index(["level", "unit"])
    assert rollups.loc[("team", "T1"), "bonus_gross"] == 1_776_000
    assert rollups.loc[("sub_branch", "S1"), "bonus_final"] == 1_966_400
    assert rollups.loc[("branch", "B1"), "bonus_final"] == 2_268_141
    assert rollups.loc[("total", "total"), "managers"] == 4
    for level in ("team", "sub_branch", "branch"):
        part = result.rollups[result.rollups["level"] == level]
        for name in result.money_columns:
            assert part[name].sum() == result.managers[name].sum()


def test_step_band_edges_are_inclusive_and_negative_profit_earns_zero() -> None:
    index, coefficient = band_coefficients(
        [-1.0, 0.0, 9999.99, 10000.0, 250000.0], [0.0, 10000.0, 200000.0], [0.2, 0.5, 1.5]
    )
    assert index.tolist() == [-1, 0, 0, 1, 2]
    assert coefficient.tolist() == [0.0, 0.2, 0.2, 0.5, 1.5]


def test_progressive_amount_is_like_tax_brackets() -> None:
    # 150000: 50000×1% + 50000×2% + 50000×3% = 500 + 1000 + 1500 = 3000
    index, amount = progressive_amounts(
        [150000.0, -10.0], [0.0, 50000.0, 100000.0], [0.01, 0.02, 0.03]
    )
    assert index.tolist() == [2, -1]
    assert amount.tolist() == pytest.approx([3000.0, 0.0], abs=1e-9)


def test_floor_and_minimum_guarantee_for_new_hires() -> None:
    # guarantee 4000 a month for managers within 3 months of hire, prorated: M4 gets
    # 4000 × 15/31 = 1935.4838… → 1935.48 instead of 0.6×8000×0 + … (profit 0 here)
    # floor 1000 for everyone: M3 (grade coef 0 → 0) is raised to 1000
    managers, card, rorac = team()
    card["grade_coefficient"] = [1.5, 1.2, 0.0, 0.0]
    rorac["rorac"] = to_cents([120000.0, 45000.0, -5000.0, 0.0])
    cfg = config(
        funding={"base_by_job_level": {"junior": 6000}},
        limits={"floor": 1000, "minimum_guarantee": {"amount": 4000, "within_months_of_hire": 3}},
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD)
    assert column(result, "limit_applied") == ["none", "none", "floor", "guarantee"]
    assert column(result, "bonus_gross")[2:] == [100_000, 193_548]
    assert column(result, "limit_adjustment")[2:] == [100_000, 193_548]


def test_excluded_manager_is_paid_by_the_excluded_pay_policy() -> None:
    managers, card, rorac = team()
    card["excluded"] = [False, None, True, False]
    cfg = config(funding={"base_by_job_level": {"junior": 6000}},
                 limits={"floor": 500, "minimum_guarantee": {"amount": 4000}})
    nothing = compute_bonus(managers, card, rorac, cfg, PERIOD, excluded_pay="none")
    assert column(nothing, "excluded") == [False, False, True, False]
    assert column(nothing, "bonus_gross")[2] == 0
    assert column(nothing, "bonus_gross")[1] == 576_000  # a missing flag means included
    # guarantee_only: the guarantee alone (400000 cents), not the floor nor the components
    guaranteed = compute_bonus(managers, card, rorac, cfg, PERIOD, excluded_pay="guarantee_only")
    assert column(guaranteed, "bonus_gross")[2] == 400_000
    assert column(guaranteed, "limit_applied")[2] == "guarantee"
    # standard: paid like an included manager with the same inputs
    standard = compute_bonus(managers, card, rorac, cfg, PERIOD, excluded_pay="standard")
    card_included = card.assign(excluded=[False, None, False, False])
    included = compute_bonus(managers, card_included, rorac, cfg, PERIOD)
    assert column(standard, "bonus_gross") == column(included, "bonus_gross")


@pytest.mark.parametrize(("tenure", "limits", "message"), [
    ({"excluded_pay": "none"}, {}, "has no effect unless joiners_leavers: exclude"),
    ({"excluded_coefficient": 0.8}, {}, "has no effect unless joiners_leavers: exclude"),
    ({"joiners_leavers": "exclude", "excluded_pay": "none", "excluded_coefficient": 0.8}, {},
     "excluded_coefficient has no effect with excluded_pay: none"),
    ({"joiners_leavers": "exclude", "excluded_pay": "guarantee_only"}, {},
     "bonus.limits.minimum_guarantee is not set"),
    ({"joiners_leavers": "exclude", "excluded_pay": "none"},
     {"minimum_guarantee": {"amount": 3000, "within_months_of_hire": 3}},
     "pays excluded joiners nothing, although bonus.limits.minimum_guarantee exists"),
])
def test_contradictory_joiner_settings_are_config_errors(tenure, limits, message) -> None:
    raw = {"period": "2026-10", "unit": {"id": "B1"}, "inputs": {"managers": "m.csv"},
           "scorecard": {"tenure": tenure}, "bonus": {"limits": limits}}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert message in str(caught.value)
    assert "scorecard.tenure" in str(caught.value)


def test_quarter_scales_monthly_config_amounts_not_the_roster_base() -> None:
    # 2026-Q4: 3 months. The roster's pay_base is for the period: M1 keeps 10000; the
    # job-level table is monthly: M2 3 × 6000 = 18000. Band bounds ×3: 60000 falls in band 2
    # (≥ 3 × 10000 = 30000, coefficient 0.5): profit part 0.6 × 10000 × 0.5 = 3000
    managers, card, rorac = team()
    rorac["rorac"] = to_cents([60000.0, 0.0, 0.0, 0.0])
    result = compute_bonus(
        managers,
        card,
        rorac,
        config(funding={"base_by_job_level": {"junior": 6000}}),
        parse_period("2026-Q4"),
    )
    assert column(result, "base")[:2] == [1_000_000, 1_800_000]
    assert column(result, "profit_band")[0] == "档次2"
    assert column(result, "profit_band_coefficient")[0] == 0.5
    assert column(result, "bonus_profit")[0] == 300_000


def test_missing_base_names_the_roster_file_row_and_column() -> None:
    managers, _, _ = team()
    message = str(InputError(check_bonus({"managers": managers}, appraisal_config())))
    assert "managers.csv, row 3, column 'job_level'" in message
    assert "base_by_job_level" in message


def test_scorecard_must_cover_the_roster() -> None:
    managers, card, rorac = team()
    # the scorecard grades every roster manager: a gap is a broken invariant, not user data
    with pytest.raises(InternalError, match=r"no row for roster manager.*M4"):
        compute_bonus(
            managers,
            card.iloc[:3],
            rorac,
            config(funding={"base_by_job_level": {"junior": 6000}}),
            PERIOD,
        )


def test_fixed_pool_too_small_for_the_guarantees_is_an_error() -> None:
    managers, card, rorac = team()
    cfg = config(funding={"mode": "fixed_pool", "pool_amount": 1000}, limits={"floor": 500})
    with pytest.raises(AppraisalError, match="does not cover the floors"):
        compute_bonus(managers, card, rorac, cfg, PERIOD)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"shared_pool": {"withhold_rate": 1.5}}, "bonus.shared_pool.withhold_rate: must be <= 1"),
        ({"shared_pool": {"withhold_rate": -0.1}}, "bonus.shared_pool.withhold_rate: must be >= 0"),
        ({"funding": {"mode": "fixed_pool"}}, "pool_amount is required"),
        (
            {
                "funding": {"mode": "fixed_pool", "pool_amount": 10},
                "components": [{"id": "grade", "kind": "grade", "share": 0.5}],
            },
            "shares must add up to 1",
        ),
        (
            {
                "components": [
                    {
                        "id": "p",
                        "kind": "profit_band",
                        "share": 1,
                        "bands": [{"lower": 5, "coefficient": 1}, {"lower": 1, "coefficient": 1}],
                    }
                ]
            },
            "bonus.components[0].bands: band lower bounds must increase strictly",
        ),
        ({"shared_pool": {"carry_in": 1.234}}, "bonus.shared_pool.carry_in: must be a whole"),
        ({"shared_pool": {"remainder": "keep"}}, "bonus.shared_pool.remainder"),
    ],
)
def test_bad_bonus_config_names_the_key(section: dict[str, object], message: str) -> None:
    raw = {
        "period": "2026-10",
        "unit": {"id": "B1"},
        "inputs": {"managers": "m.csv"},
        "bonus": section,
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert message in str(caught.value)


# ---------------------------------------------------------------- property tests


@st.composite
def random_unit(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 8))
    cents = st.integers(0, 3_000_000).map(lambda c: c / 100)
    managers = pd.DataFrame(
        {
            "manager_id": [f"K{i:02d}" for i in range(n)],
            "name": [f"经理{i}" for i in range(n)],
            "branch": ["B1"] * n,
            "sub_branch": [draw(st.sampled_from(["S1", "S2"])) for _ in range(n)],
            "team": [draw(st.sampled_from(["T1", "T2", "T3"])) for _ in range(n)],
            "job_level": ["senior"] * n,
            "hire_date": pd.to_datetime(
                [
                    draw(st.sampled_from(["2018-01-01", "2026-10-01", "2026-10-20"]))
                    for _ in range(n)
                ]
            ),
            "leave_date": pd.to_datetime([None] * n),
            "pay_base": [draw(cents) for _ in range(n)],
            "position_coefficient": [draw(st.sampled_from([0.8, 1.0, 1.3])) for _ in range(n)],
            "_row": list(range(2, n + 2)),
        }
    )
    card = pd.DataFrame(
        {
            "manager_id": managers["manager_id"],
            "composite": [draw(st.floats(1, 150)) for _ in range(n)],
            "grade": ["B"] * n,
            "grade_coefficient": [
                draw(st.sampled_from([0.5, 0.8, 1.0, 1.2, 1.5])) for _ in range(n)
            ],
        }
    )
    rorac = pd.DataFrame(
        {
            "manager_id": managers["manager_id"],
            "rorac": to_cents([draw(st.floats(-50_000, 400_000)) for _ in range(n)]),
        }
    )
    mode = draw(st.sampled_from(["per_person_base", "fixed_pool"]))
    method = draw(st.sampled_from(["step", "progressive"]))
    bands = (
        [
            {"lower": 0, "coefficient": 0.3},
            {"lower": 50000, "coefficient": 1.0},
            {"lower": 150000, "coefficient": 1.4},
        ]
        if method == "step"
        else [{"lower": 0, "coefficient": 0.02}, {"lower": 100000, "coefficient": 0.05}]
    )
    funding: dict[str, object] = {"mode": mode}
    if mode == "fixed_pool":
        funding["pool_amount"] = draw(st.integers(1, 10_000_000)) / 100
    cap = draw(st.one_of(st.none(), st.integers(100_000, 5_000_000).map(lambda c: c / 100)))
    cfg = BonusConfig.model_validate(
        {
            "funding": funding,
            "components": [
                {
                    "id": "profit",
                    "kind": "profit_band",
                    "share": 0.6,
                    "method": method,
                    "bands": bands,
                    "factors": ["position_coefficient"],
                },
                {"id": "grade", "kind": "grade", "share": 0.4, "factors": ["composite"]},
            ],
            "limits": {"cap": cap, "floor": draw(st.sampled_from([0.0, 100.0]))},
            "shared_pool": {
                "withhold_rate": draw(st.sampled_from([0.0, 0.05, 0.1, 0.333, 1.0])),
                "carry_in": draw(st.integers(0, 100_000)) / 100,
                "remainder": draw(st.sampled_from(["carry_forward", "redistribute"])),
            },
        }
    )
    return {
        "managers": managers,
        "card": card,
        "rorac": rorac,
        "config": cfg,
        "share": draw(st.floats(0, 1)),
    }


def run_unit(unit: dict[str, object], **kwargs: object) -> BonusResult:
    try:
        return compute_bonus(
            unit["managers"], unit["card"], unit["rorac"], unit["config"], PERIOD, **kwargs
        )
    except AppraisalError as error:
        # a fixed pool that the caps or floors cannot hold is refused by design
        assume("fixed pool" not in str(error))
        raise


def cents(values: pd.Series) -> int:
    assert values.dtype == "int64"
    return int(values.sum())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_unit())
def test_money_is_conserved_to_the_cent_in_every_mode(unit: dict[str, object]) -> None:
    first = run_unit(unit)
    holds = int(first.ledger.iloc[0]["carry_in"]) + cents(first.managers["withheld"])
    target = int(holds * unit["share"])
    allocation = pd.DataFrame(
        {
            "manager_id": ["K00"],
            "amount": [target / 100],
            "reason": ["diligence"],
            "approved_by": ["head"],
            "note": [""],
            "_row": [2],
        }
    )
    result = run_unit(unit, pool_allocations=allocation if target > 0 else None)
    m = result.managers
    cfg = unit["config"]
    # every money column is whole cents
    for name in result.money_columns:
        assert m[name].dtype == "int64"
    # components + limit adjustment = gross; gross − withheld + allocation + redistributed = final
    parts = sum(m[f"bonus_{c.id}"] for c in cfg.components)
    assert (parts + m["limit_adjustment"] == m["bonus_gross"]).all()
    assert cents(m["bonus_final"]) == (
        cents(m["bonus_gross"])
        - cents(m["withheld"])
        + cents(m["pool_allocation"])
        + cents(m["pool_redistributed"])
    )
    ledger = result.ledger.iloc[0]
    assert ledger["carry_in"] + ledger["withheld"] == (
        ledger["allocated"] + ledger["redistributed"] + ledger["carry_out"]
    )
    assert ledger["withheld"] == cents(m["withheld"])
    assert ledger["allocated"] == cents(m["pool_allocation"]) == target
    assert ledger["redistributed"] == cents(m["pool_redistributed"])
    if cfg.funding.mode == "fixed_pool":
        assert cents(m["bonus_gross"]) == round(cfg.funding.pool_amount * 100)
    # withholding never exceeds the gross; caps hold to the cent (prorated caps within 1 cent)
    assert (m["withheld"] <= m["bonus_gross"]).all()
    if cfg.limits.cap is not None:
        assert (m["bonus_gross"] <= round(cfg.limits.cap * 100) + 1).all()
    total = result.rollups[result.rollups["level"] == "total"].iloc[0]
    for name in result.money_columns:
        assert total[name] == cents(m[name])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_unit(), st.floats(0.5, 60))
def test_higher_composite_never_lowers_the_bonus(unit: dict[str, object], raise_by: float) -> None:
    before = run_unit(unit)
    card = unit["card"].copy()
    card.loc[0, "composite"] = card.loc[0, "composite"] + raise_by
    after = run_unit({**unit, "card": card})
    gross_before = before.managers["bonus_gross"].iloc[0]
    gross_after = after.managers["bonus_gross"].iloc[0]
    if unit["config"].funding.mode == "per_person_base":
        # each column rounds by largest remainder against the others' fixed remainders: a larger
        # exact amount can only keep or gain its cent, so gross is monotone to the cent
        assert gross_after >= gross_before
    else:
        # a fixed pool is re-split among everyone; Hamilton rounding may move one cent
        # (population paradox), never more
        assert gross_after >= gross_before - 1
    # withholding rounds per person: at most one cent of rounding noise on the final figure
    assert after.managers["bonus_final"].iloc[0] >= before.managers["bonus_final"].iloc[0] - 1


def test_fixed_pool_component_without_points_gives_its_share_to_the_others() -> None:
    # every profit is below the lowest band: the profit sub-pool (60%) has no points, so the
    # whole pool 20000 follows the grade points 1.5 : 1.2 : 1.0 : 1.2×15/31
    # (Σ = 3.7 + 18/31 = 132.7/31); M1: 20000 × 46.5/132.7 = 7008.2893… → 7008.29
    managers, card, rorac = team()
    rorac["rorac"] = to_cents([-1.0, -2.0, -3.0, -4.0])
    cfg = config(funding={"mode": "fixed_pool", "pool_amount": 20000})
    result = compute_bonus(managers, card, rorac, cfg, PERIOD)
    assert column(result, "bonus_profit") == [0] * 4
    assert column(result, "bonus_gross")[0] == 700_829
    assert sum(column(result, "bonus_gross")) == 2_000_000


def test_documented_yaml_section_is_valid() -> None:
    import re
    from pathlib import Path

    import yaml

    text = (Path(__file__).parent.parent / "docs" / "bonus.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    section = yaml.safe_load(block.group(1))["bonus"]
    assert BonusConfig.model_validate(section) == BonusConfig.model_validate(
        {"funding": {"base_by_job_level": {"junior": 6000, "senior": 8000}}}
    )


def test_fixed_pool_floor_is_paid_by_scaling_the_others_down() -> None:
    # same split as the fixed-pool example without a cap: uncapped 9632.685, 6499.600,
    # 1556.200, 2311.514; floor 3000 a month (M4: 3000 × 15/31 = 1451.61, not binding)
    # M3 is raised to 3000; the others share 17000: λ = 17000 / 18443.80 = 0.921719
    # → 8878.6286 → 8878.63, 5990.8047 → 5990.80, 2130.5666 → 2130.57; Σ = 20000.00
    managers, card, rorac = team()
    cfg = config(
        funding={"mode": "fixed_pool", "pool_amount": 20000},
        components=[
            {"id": "profit", "kind": "profit_band", "share": 0.6},
            {"id": "grade", "kind": "grade", "share": 0.4, "factors": ["composite"]},
        ],
        limits={"floor": 3000},
    )
    result = compute_bonus(managers, card, rorac, cfg, PERIOD)
    assert column(result, "limit_applied") == ["rescaled", "rescaled", "floor", "rescaled"]
    assert column(result, "bonus_gross") == [887_863, 599_080, 300_000, 213_057]
    assert column(result, "limit_adjustment") == [-75_405, -50_881, 144_380, -18_094]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_unit(), st.integers(1, 100_000))
def test_allocations_above_the_pool_are_refused(unit: dict[str, object], extra: int) -> None:
    first = run_unit(unit)
    holds = int(first.ledger.iloc[0]["carry_in"]) + cents(first.managers["withheld"])
    allocation = pd.DataFrame(
        {
            "manager_id": ["K00"],
            "amount": [(holds + extra) / 100],
            "reason": ["special_factor"],
            "approved_by": ["head"],
            "note": [""],
            "_row": [7],
        }
    )
    allocation.attrs["file"] = "alloc.csv"
    with pytest.raises(InputError) as caught:
        run_unit(unit, pool_allocations=allocation)
    assert "alloc.csv, column 'amount': allocations total more than the shared pool holds" in str(
        caught.value
    )


# ---------------------------------------------------------------- check_bonus


def issues_of(managers: pd.DataFrame, **sections: object) -> list[InputIssue]:
    return check_bonus({"managers": managers}, appraisal_config(**sections))


def test_check_bonus_names_every_bad_roster_value_with_its_code() -> None:
    managers, _, _ = team()
    managers["pay_base"] = [-1.0, np.nan, 8000.0, 8000.0]
    managers["position_coefficient"] = [1.0, -0.5, 1.0, 1.0]
    issues = issues_of(
        managers,
        funding={"base_source": "roster"},
        components=[{"id": "grade", "kind": "grade", "share": 1,
                     "factors": ["position_coefficient"]}],
    )
    found = {(i.row, i.column, i.code) for i in issues}
    assert found == {
        (2, "pay_base", IssueCode.NEGATIVE),
        (3, "pay_base", IssueCode.MISSING_VALUE),
        (3, "position_coefficient", IssueCode.NEGATIVE),
    }
    assert all(i.file == "managers.csv" for i in issues)


def test_check_bonus_counts_every_problem_exactly() -> None:
    n = 300
    managers = pd.DataFrame({
        "manager_id": [f"K{i:03d}" for i in range(n)],
        "job_level": ["senior"] * n,
        "hire_date": pd.to_datetime(["2020-01-01"] * n),
        "pay_base": [-5.0] * n,
        "_row": range(2, n + 2),
    })
    issues = issues_of(managers, funding={"base_by_job_level": {"senior": 8000}})
    assert len(issues) == n
    assert str(InputError(issues)).startswith("300 problems in the input data")


def test_check_bonus_needs_no_base_for_managers_the_scorecard_excludes() -> None:
    # M4 joined on 2026-10-17; with joiners_leavers: exclude, they are not paid: no base needed
    managers, _, _ = team()
    managers["pay_base"] = [10000.0, 6000.0, 8000.0, np.nan]
    raw = {"period": "2026-10", "unit": {"id": "B1"}, "inputs": {"managers": "m.csv"},
           "scorecard": {"tenure": {"joiners_leavers": "exclude", "excluded_pay": "none"}}}
    assert check_bonus({"managers": managers}, parse_config(raw)) == []
    assert [i.row for i in issues_of(managers)] == [5]
    # paid at excluded_coefficient (excluded_pay: standard, the default), M4 needs a base
    raw["scorecard"]["tenure"].pop("excluded_pay")
    assert [i.row for i in check_bonus({"managers": managers}, parse_config(raw))] == [5]


def test_check_bonus_covers_allocations_but_not_the_roster_check() -> None:
    managers, _, _ = team()
    frame = allocations()
    frame["manager_id"] = ["NOBODY", "M4"]
    frame["reason"] = ["other", "diligence"]
    issues = check_bonus(
        {"managers": managers, "pool_allocations": frame},
        appraisal_config(funding={"base_by_job_level": {"junior": 6000}}),
    )
    assert [(i.file, i.row, i.column, i.code) for i in issues] == [
        ("pool_allocations.csv", 2, "note", IssueCode.MISSING_VALUE)
    ]


def test_check_bonus_refuses_allocations_above_a_pool_known_in_advance() -> None:
    # fixed pool 20000 at 10%: Σ gross = 20000, so the pool holds 2000.00 + carry-in 0.50
    managers, _, _ = team()
    frame = allocations()
    frame["amount"] = [2000.0, 0.51]
    sections = {"funding": {"mode": "fixed_pool", "pool_amount": 20000},
                "shared_pool": {"withhold_rate": 0.1, "carry_in": 0.5}}
    issues = check_bonus({"managers": managers, "pool_allocations": frame},
                         appraisal_config(**sections))
    assert [(i.column, i.code, i.value) for i in issues] == [
        ("amount", IssueCode.OVER_LIMIT, "2000.51")
    ]
    assert "at most 2000.50" in issues[0].expected
    frame["amount"] = [2000.0, 0.5]
    assert check_bonus({"managers": managers, "pool_allocations": frame},
                       appraisal_config(**sections)) == []


def test_compute_bonus_on_unchecked_data_is_an_internal_error() -> None:
    managers, card, rorac = team()
    with pytest.raises(InternalError, match="no usable base"):
        compute_bonus(managers, card, rorac, config(), PERIOD)
    rorac["rorac"] = [1.5, 0.0, 0.0, 0.0]
    with pytest.raises(InternalError, match="whole number of cents"):
        compute_bonus(managers, card, rorac,
                      config(funding={"base_by_job_level": {"junior": 6000}}), PERIOD)


def test_equal_half_cent_withholdings_go_to_the_earlier_manager() -> None:
    # bases 0.75 and 1.75 yuan, grade part 0.4 × base × 1.0: gross 0.30 and 0.70 yuan;
    # 5% of them is exactly 1.5 and 3.5 cents, total 5 cents.
    # Largest remainder: floors 1 + 3, the tie at .5 goes to the earlier manager_id (M1).
    managers, card, rorac = team()
    managers = managers.iloc[:2].assign(pay_base=[0.75, 1.75])
    cfg = config(components=[{"id": "grade", "kind": "grade", "share": 0.4}],
                 shared_pool={"withhold_rate": 0.05})
    card = card.iloc[:2].assign(grade_coefficient=[1.0, 1.0])
    result = compute_bonus(managers, card, rorac.iloc[:2], cfg, PERIOD)
    assert column(result, "bonus_gross") == [30, 70]
    assert column(result, "withheld") == [2, 3]
