"""RORAC stage: the hand-worked example of issue 4, conventions, and error messages.

Formulas (source 篇3, docs/rorac.md): RORAC = E − (Cd + Cm + Cf + Cr) − T per vintage;
k0 = max(floor, 1 − decay·n); RORAC_i = k0·RORAC_stock_i + RORAC_increment_i; total Σ_i w_i·RORAC_i.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from appraisal.config import AppraisalConfig, RoracConfig, parse_config
from appraisal.config.base import parse_period
from appraisal.errors import ConfigError, InputError, InternalError, IssueTable
from appraisal.rorac import RoracResult, check_rorac, compute_rorac
from appraisal.validate import check_roster

# Money leaves the stage in int64 cents: every expected amount below is the hand calculation in
# cents under the documented rounding (docs/rorac.md, "Cents"), compared exactly (tolerance 0).

PERIOD = parse_period("2026-10")  # 31 days, year start 2026-01-01, period end 2026-10-31

EXAMPLE_CONFIG = {
    "products": {
        "demand_deposit": {"category": "deposit", "ftp_rate": 0.01},
        "time_deposit": {"category": "deposit", "ftp_rate": 0.02},
        "working_capital_loan": {
            "category": "loan",
            "ftp_rate": 0.03,
            "provision_rate": 0.01,
            "capital_factor": 0.08,
        },
        "fixed_asset_loan": {
            "category": "loan",
            "ftp_rate": 0.03,
            "provision_rate": 0.02,
            "capital_factor": 0.10,
        },
    },
    "categories": [
        {"id": "deposit", "name_zh": "存款", "name_en": "Deposits", "tax_rate": 0.06},
        {"id": "loan", "name_zh": "贷款", "name_en": "Loans", "tax_rate": 0.06},
    ],
    "management_cost": {"source": "allocate", "total": 3000, "driver": "headcount"},
    "fixed_cost": {"source": "allocate", "total": 6000, "driver": "balance"},
    "cost_split": "balance",
}


def _config(**changes: object) -> RoracConfig:
    return RoracConfig.model_validate({**EXAMPLE_CONFIG, **changes})


def _managers() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "manager_id": ["M1", "M2", "M3", "M4"],
            "name": ["Li", "Wang", "Zhang", "Zhao"],
            "branch": ["B1", "B1", "B1", "B1"],
            "sub_branch": ["S1", "S1", "S1", "S2"],
            "team": ["T1", "T1", "T2", "T3"],
            "job_level": ["L1", "L1", "L2", "L2"],
            "hire_date": pd.to_datetime(["2010-01-01"] * 4),
            "_row": [2, 3, 4, 5],
        }
    )
    frame.attrs["file"] = "managers.csv"
    return frame


def _business() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "category": ["deposit", "loan", "loan", "deposit", "loan", "deposit"],
            "product": [
                "time_deposit",
                "working_capital_loan",
                "fixed_asset_loan",
                "demand_deposit",
                "working_capital_loan",
                "time_deposit",
            ],
            "balance": [3_650_000.0, 7_300_000.0, 3_650_000.0, 1_825_000.0, 1_460_000.0, 730_000.0],
            "revenue": [20_000.0, 40_000.0, 25_000.0, 5_000.0, 12_000.0, 1_500.0],
            "booking_date": pd.to_datetime(
                ["2016-10-31", "2026-03-15", "2024-10-31", "2026-10-10", "2025-10-31", "2026-06-01"]
            ),
            "manager_id": ["M1", "M1", None, "M2", "M3", "M3"],
            "_row": [2, 3, 4, 5, 6, 7],
        }
    )
    frame.attrs["file"] = "business.csv"
    return frame


def _splits() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "account_id": ["A3", "A3"],
            "manager_id": ["M1", "M2"],
            "share": [0.6, 0.4],
            "_row": [2, 3],
        }
    )
    frame.attrs["file"] = "credit_splits.csv"
    return frame


def _example() -> RoracResult:
    return compute_rorac(_business(), _managers(), _config(), PERIOD, credit_splits=_splits())


def _cell(result: RoracResult, manager: str, category: str) -> pd.Series:
    rows = result.by_category
    return rows[(rows["manager_id"] == manager) & (rows["category"] == category)].iloc[0]


def _manager(result: RoracResult, manager: str) -> pd.Series:
    return result.by_manager.set_index("manager_id").loc[manager]


# Hand calculation of the example (period 2026-10: 31 days, year fraction f = 31/365).
# Stock = booked before 2026-01-01: A1 (M1 deposit), A3 (split M1 0.6 / M2 0.4, loan), A5 (M3).
# Cd = ftp × balance × f:  A1 3,650,000×0.02×f = 6,200   A2 7,300,000×0.03×f = 18,600
#   A3 3,650,000×0.03×f = 9,300 (M1 5,580 / M2 3,720)   A4 1,825,000×0.01×f = 1,550
#   A5 1,460,000×0.03×f = 3,720                          A6 730,000×0.02×f = 1,240
# Cr = provision × balance × f (annual rate prorated): A2 6,200; A3 6,200 (M1 3,720 / M2 2,480);
#   A5 1,240.   T = 6% × E: A1 1,200; A2 2,400; A3 1,500 (900 / 600); A4 300; A5 720; A6 90.
# Cm: 3,000 by headcount over the 3 managers with business (M4 has none): 1,000 each.
# Cf: 6,000 by credited balance: M1 13,140,000 : M2 3,285,000 : M3 2,190,000 = 12 : 3 : 2
#   → M1 4,235.294118, M2 1,058.823529, M3 705.882353.
# Inside a manager Cm and Cf follow the cells' balances (cost_split: balance):
#   M1 dep-stock 3,650,000 : loan-stock 2,190,000 : loan-incr 7,300,000 = 5/18 : 3/18 : 10/18
#   M2 loan-stock 1,460,000 : dep-incr 1,825,000 = 4/9 : 5/9;  M3 loan-stock : dep-incr = 2/3 : 1/3
# M1 deposit stock  = 20,000 − 6,200 − 1,000×5/18 − 4,235.294118×5/18 − 0 − 1,200 = 11,145.751634
#    n = (2026-10-31 − 2016-10-31) = 3,652 days / 365.25 = 9.998631 y; 1 − 0.05n = 0.500068
#    → k0 = floor 0.8; RORAC_deposit = 0.8 × 11,145.751634 = 8,916.601307
# M1 loan stock (A3×0.6) = 15,000 − 5,580 − 166.666667 − 705.882353 − 3,720 − 900 = 3,927.450980
#    n = 730/365.25 = 1.998631 → k0 = 0.900068
# M1 loan increment (A2) = 40,000 − 18,600 − 555.555556 − 2,352.941176 − 6,200 − 2,400
#    = 9,891.503268;  RORAC_loan = 0.900068 × 3,927.450980 + 9,891.503268 = 13,426.477970
# M1 total = 22,343.079277; capital 0.08×7,300,000 + 0.10×2,190,000 = 803,000 → ratio 0.0278245
# M2 loan stock (A3×0.4) = 10,000 − 3,720 − 444.444444 − 470.588235 − 2,480 − 600 = 2,284.967320
#    × k0 0.900068 = 2,056.626986; deposit increment (A4) = 5,000 − 1,550 − 555.555556
#    − 588.235294 − 0 − 300 = 2,006.209150 (k0 of an increment-only category is 1, unused)
#    M2 total = 4,062.836136; capital 0.10 × 1,460,000 = 146,000 → ratio 0.0278276
# M3 loan stock (A5) = 12,000 − 3,720 − 666.666667 − 470.588235 − 1,240 − 720 = 5,182.745098
#    n = 365/365.25 = 0.999316 → k0 = 0.950034 → 4,923.785213; deposit increment (A6)
#    = 1,500 − 1,240 − 333.333333 − 235.294118 − 0 − 90 = −398.627451 (negative is allowed)
#    M3 total = 4,525.157762; capital 0.08 × 1,460,000 = 116,800 → ratio 0.0387428
# M4: no business → 0.  Branch B1 = 22,343.079277 + 4,062.836136 + 4,525.157762 = 30,931.073175
#
# The same in cents (docs/rorac.md, "Cents"): E, Cd, Cr, T rounded once per manager × category
# × vintage (all exact here); Cm and Cf split to the cent by largest remainder (ties: earlier cell),
# so they add up to the unit totals (a cent may move against rounding each part on its own):
#   Cm 300,000 by headcount: 100,000 each. M1 over 5/18 : 3/18 : 10/18 = 27,777.78 / 16,666.67 /
#     55,555.56 → floors, the 2 missing cents to the largest remainders → 27,778 / 16,667 / 55,555;
#     M2 4/9 : 5/9 → 44,444 / 55,556;  M3 2/3 : 1/3 → 66,667 / 33,333
#   Cf 600,000 by balance 12 : 3 : 2 = 423,529.41 / 105,882.35 / 70,588.24 → the missing cent to
#     M1: 423,530 / 105,882 / 70,588. M1 over its cells 117,647.22 / 70,588.33 / 235,294.44 →
#     117,647 / 70,588 / 235,295;  M2 47,058.67 / 58,823.33 → 47,059 / 58,823;  M3 → 47,059 / 23,529
# RORAC per vintage = E − Cd − Cm − Cf − Cr − T (integers):
#   M1 deposit stock 2,000,000 − 620,000 − 27,778 − 117,647 − 0 − 120,000 = 1,114,575
#   M1 loan stock    1,500,000 − 558,000 − 16,667 − 70,588 − 372,000 − 90,000 = 392,745
#   M1 loan incr     4,000,000 − 1,860,000 − 55,555 − 235,295 − 620,000 − 240,000 = 989,150
#   M2 loan stock    1,000,000 − 372,000 − 44,444 − 47,059 − 248,000 − 60,000 = 228,497
#   M2 deposit incr    500,000 − 155,000 − 55,556 − 58,823 − 0 − 30,000 = 200,621
#   M3 loan stock    1,200,000 − 372,000 − 66,667 − 47,059 − 124,000 − 72,000 = 518,274
#   M3 deposit incr    150,000 − 124,000 − 33,333 − 23,529 − 0 − 9,000 = −39,862
# RORAC_i = increment + round(k0 × stock): M1 deposit round(0.8 × 1,114,575) = 891,660;
#   M1 loan 989,150 + round(0.9000684 × 392,745 = 353,497.38) = 1,342,647;
#   M2 loan round(0.9000684 × 228,497 = 205,662.94) = 205,663;  M3 loan round(0.9500342 × 518,274
#   = 492,378.04) = 492,378
# Totals = Σ of the category cents: M1 2,234,307, M2 406,284, M3 452,516; T1 2,640,591;
#   B1 3,093,107 (the exact amounts above, each within 2 cents)


def test_hand_worked_example_components_to_the_cent() -> None:
    result = _example()
    m1_dep = _cell(result, "M1", "deposit")
    assert m1_dep["revenue_stock"] == 2_000_000
    assert m1_dep["direct_cost_stock"] == 620_000
    assert m1_dep["management_cost_stock"] == 27_778
    assert m1_dep["fixed_cost_stock"] == 117_647
    assert m1_dep["tax_stock"] == 120_000
    assert m1_dep["rorac_stock"] == 1_114_575
    assert m1_dep["stock_age_years"] == pytest.approx(9.998631, abs=1e-6)
    assert m1_dep["k0"] == 0.8
    assert m1_dep["rorac_category"] == 891_660

    m1_loan = _cell(result, "M1", "loan")
    assert m1_loan["revenue_stock"] == 1_500_000
    assert m1_loan["direct_cost_stock"] == 558_000
    assert m1_loan["risk_cost_stock"] == 372_000
    assert m1_loan["tax_stock"] == 90_000
    assert m1_loan["rorac_stock"] == 392_745
    assert m1_loan["k0"] == pytest.approx(0.900068, abs=1e-6)
    assert m1_loan["direct_cost_increment"] == 1_860_000
    assert m1_loan["risk_cost_increment"] == 620_000
    assert m1_loan["management_cost_increment"] == 55_555
    assert m1_loan["fixed_cost_increment"] == 235_295
    assert m1_loan["rorac_increment"] == 989_150
    assert m1_loan["rorac_category"] == 1_342_647
    assert m1_loan["economic_capital"] == 80_300_000

    assert _cell(result, "M2", "loan")["rorac_category"] == 205_663
    m2_dep = _cell(result, "M2", "deposit")
    assert m2_dep["rorac_increment"] == 200_621
    assert m2_dep["k0"] == 1.0 and m2_dep["stock_age_years"] == 0.0
    assert not m2_dep["has_capital"] and m2_dep["rorac_ratio"] == 0.0
    assert _cell(result, "M3", "loan")["k0"] == pytest.approx(0.950034, abs=1e-6)
    assert _cell(result, "M3", "deposit")["rorac_category"] == -39_862
    assert len(result.by_category) == 6  # M1..M3 × {deposit, loan}; M4 has no rows


def test_hand_worked_example_totals_ratio_and_rollups() -> None:
    result = _example()
    expected = {"M1": 2_234_307, "M2": 406_284, "M3": 452_516, "M4": 0}
    ratios = {"M1": 0.0278245, "M2": 0.0278276, "M3": 0.0387428, "M4": 0.0}
    assert list(result.by_manager["manager_id"]) == ["M1", "M2", "M3", "M4"]
    for manager, amount in expected.items():
        row = _manager(result, manager)
        assert row["rorac"] == amount
        assert row["rorac_ratio"] == pytest.approx(ratios[manager], abs=1e-7)
    assert not _manager(result, "M4")["has_business"]
    rollups = result.rollups.set_index(["level", "unit"])
    assert rollups.loc[("branch", "B1"), "rorac"] == 3_093_107
    assert rollups.loc[("branch", "B1"), "managers"] == 4
    assert rollups.loc[("sub_branch", "S1"), "rorac"] == 3_093_107
    assert rollups.loc[("team", "T1"), "rorac"] == 2_640_591
    assert rollups.loc[("team", "T3"), "rorac"] == 0.0
    assert rollups.loc[("branch", "B1"), "revenue_stock"] == 5_700_000


def test_allocated_costs_reconcile_exactly_to_the_unit_total() -> None:
    result = _example()
    cells = result.by_category
    management = [*cells["management_cost_stock"], *cells["management_cost_increment"]]
    fixed = [*cells["fixed_cost_stock"], *cells["fixed_cost_increment"]]
    assert sum(management) == 300_000
    assert sum(fixed) == 600_000


def test_both_measures_are_offered_to_the_scorecard() -> None:
    result = compute_rorac(_business(), _managers(), _config(), PERIOD, credit_splits=_splits())
    m1 = _manager(result, "M1")
    assert m1["rorac"] == 2_234_307
    assert m1["rorac_ratio"] == pytest.approx(0.0278245, abs=1e-7)


def test_category_weights_multiply_each_category() -> None:
    categories = [dict(c) for c in EXAMPLE_CONFIG["categories"]]  # type: ignore[union-attr]
    categories[1]["weight"] = 2.0
    result = compute_rorac(
        _business(), _managers(), _config(categories=categories), PERIOD, credit_splits=_splits()
    )
    # M1 = 8,916.601307 + 2 × 13,426.477970 = 35,769.557247; in cents (w_i × RORAC_i rounded
    # once, RORAC_i in cents as in the example): 891,660 + 2 × 1,342,647 = 3,576,954
    assert _manager(result, "M1")["rorac"] == 3_576_954
    assert _cell(result, "M1", "loan")["rorac_weighted"] == 2_685_294


def test_provision_per_period_basis_charges_the_rate_unprorated() -> None:
    result = compute_rorac(
        _business(),
        _managers(),
        _config(provision_basis="per_period"),
        PERIOD,
        credit_splits=_splits(),
    )
    # A2: 7,300,000 × 0.01 = 73,000 for the period (not × 31/365)
    assert _cell(result, "M1", "loan")["risk_cost_increment"] == 7_300_000


def test_supplied_cost_columns_win_and_blank_cells_fall_back_to_rates() -> None:
    business = _business().assign(
        ftp_cost=[100.0, np.nan, np.nan, np.nan, np.nan, np.nan],
        tax=[0.0, np.nan, np.nan, np.nan, np.nan, np.nan],
    )
    result = compute_rorac(business, _managers(), _config(), PERIOD, credit_splits=_splits())
    m1_dep = _cell(result, "M1", "deposit")
    assert m1_dep["direct_cost_stock"] == 10_000 and m1_dep["tax_stock"] == 0
    assert _cell(result, "M1", "loan")["direct_cost_increment"] == 1_860_000


def test_manager_costs_table_by_manager_and_by_category() -> None:
    costs = pd.DataFrame(
        {
            "manager_id": ["M1", "M4"],
            "category": [None, "loan"],
            "management_cost": [900.0, 50.0],
            "fixed_cost": [np.nan, 20.0],
            "_row": [2, 3],
        }
    )
    config = _config(management_cost={"source": "table"}, fixed_cost={"source": "table"})
    result = compute_rorac(
        _business(), _managers(), config, PERIOD, credit_splits=_splits(), manager_costs=costs
    )
    # M1's 900 follows its balances 5/18 : 3/18 : 10/18 → 250 / 150 / 500; blank Cf = 0
    assert _cell(result, "M1", "deposit")["management_cost_stock"] == 25_000
    assert _cell(result, "M1", "loan")["management_cost_increment"] == 50_000
    assert _cell(result, "M1", "loan")["fixed_cost_stock"] == 0
    # M4 has no business: its loan costs sit on the increment (full weight) → RORAC −70
    m4_loan = _cell(result, "M4", "loan")
    assert m4_loan["management_cost_increment"] == 5_000 and m4_loan["rorac_category"] == -7_000
    assert _manager(result, "M4")["rorac"] == -7_000


def test_reference_date_and_age_weighting_are_configurable() -> None:
    config = _config(stock={"reference_date": "period_start", "age_weight": "accounts"})
    result = compute_rorac(_business(), _managers(), config, PERIOD, credit_splits=_splits())
    # from 2026-10-01, A2 (2026-03-15) is stock too: M1 loan stock ages 730 d and 230 d,
    # by accounts (0.6 and 1): n = (0.6×730 + 1×230)/1.6/365.25 = 1.143053 y
    assert _cell(result, "M1", "loan")["stock_age_years"] == pytest.approx(1.143053, abs=1e-6)


def test_no_business_gives_every_manager_zero() -> None:
    empty = _business().iloc[0:0]
    result = compute_rorac(empty, _managers(), RoracConfig(), PERIOD)
    assert result.by_category.empty
    assert (result.by_manager["rorac"] == 0).all() and len(result.by_manager) == 4
    assert result.to_dict()["by_manager"][0]["manager_id"] == "M1"


def test_example_config_section_validates_inside_the_root_config() -> None:
    root = parse_config(
        {
            "period": "2026-10",
            "unit": {"id": "B1"},
            "inputs": {"managers": "managers.csv"},
            "rorac": EXAMPLE_CONFIG,
        }
    )
    assert root.rorac.stock.decay == 0.05 and root.rorac.stock.floor == 0.8
    assert RoracConfig().category_ids() == ("deposit", "loan", "intermediate", "other")


# ---- error messages --------------------------------------------------------------------------


def _root(config: RoracConfig) -> AppraisalConfig:
    root = parse_config({"period": "2026-10", "unit": {"id": "B1"},
                         "inputs": {"managers": "managers.csv"}})
    return root.model_copy(update={"rorac": config})


def _error(**kwargs: object) -> str:
    """The validation pass's message (the roster check and check_rorac) for these inputs; the
    stage itself then refuses the same inputs as an internal error."""
    inputs: dict[str, object] = {
        "business": _business(),
        "managers": _managers(),
        "config": _config(),
        "credit_splits": _splits(),
    }
    inputs.update(kwargs)
    config = inputs.pop("config")
    tables = {name: frame for name, frame in inputs.items() if frame is not None}
    issues = IssueTable.concat([check_roster(tables), check_rorac(tables, _root(config))])
    assert len(issues), "the inputs passed validation"
    with pytest.raises(InternalError):
        compute_rorac(tables["business"], tables["managers"], config, PERIOD,
                      credit_splits=tables.get("credit_splits"),
                      manager_costs=tables.get("manager_costs"))
    return str(InputError(issues))


def test_shares_not_summing_to_one_list_the_accounts() -> None:
    splits = _splits().assign(share=[0.6, 0.3])
    message = _error(credit_splits=splits)
    assert "credit_splits.csv, row 2, column 'share': shares of account A3 sum to 0.9" in message
    assert "tolerance 1e-09" in message


def test_unknown_product_is_listed_once_with_its_row_count() -> None:
    business = _business()
    business.loc[[0, 5], "product"] = "gold_bar"
    message = _error(business=business)
    assert "business.csv, row 2, column 'product': unknown product (2 rows" in message
    assert "'gold_bar'" in message and "rorac.products" in message


def test_credited_manager_must_be_in_the_roster() -> None:
    splits = _splits().assign(manager_id=["M1", "M9"])
    assert (
        "credit_splits.csv, row 3, column 'manager_id': manager not in the roster (got 'M9')"
        in _error(credit_splits=splits)
    )
    business = _business()
    business.loc[1, "manager_id"] = "X7"
    assert "business.csv, row 3, column 'manager_id': manager not in the roster" in _error(
        business=business
    )


def test_account_neither_split_nor_credited_is_an_error() -> None:
    message = _error(credit_splits=None)
    assert "business.csv, row 4, column 'manager_id': account is credited to no one" in message


def test_split_of_an_unknown_account_and_bad_share() -> None:
    splits = pd.DataFrame(
        {
            "account_id": ["A3", "A3", "ZZ"],
            "manager_id": ["M1", "M2", "M1"],
            "share": [0.6, 0.4, 1.5],
            "_row": [2, 3, 4],
        }
    )
    splits.attrs["file"] = "credit_splits.csv"
    message = _error(credit_splits=splits)
    assert "row 4, column 'account_id': split account not in the business table" in message
    assert "row 4, column 'share': share out of range" in message


def test_category_must_match_the_products_category() -> None:
    business = _business()
    business.loc[0, "category"] = "loan"
    assert "row 2, column 'category': category differs from the product's category" in _error(
        business=business
    )


def test_missing_dates_and_negative_balances_are_reported_together() -> None:
    business = _business()
    business.loc[2, "booking_date"] = pd.NaT
    business.loc[3, "balance"] = -1.0
    message = _error(business=business)
    assert message.startswith("2 problems in the input data:")
    assert "row 4, column 'booking_date': not a valid date" in message
    assert "row 5, column 'balance': negative balance" in message


def test_cost_without_category_for_a_manager_without_business_is_an_error() -> None:
    costs = pd.DataFrame({"manager_id": ["M4"], "management_cost": [10.0], "_row": [2]})
    costs.attrs["file"] = "manager_costs.csv"
    config = _config(management_cost={"source": "table"})
    message = _error(config=config, manager_costs=costs)
    assert (
        "manager_costs.csv, row 2, column 'management_cost': manager has no credited "
        "business to carry a cost without a category" in message
    )


def test_allocation_with_a_zero_driver_names_the_config_key() -> None:
    business = _business().assign(revenue=-1.0)
    config = _config(management_cost={"source": "allocate", "total": 10, "driver": "revenue"})
    with pytest.raises(ConfigError, match=r"rorac\.management_cost\.driver: cannot allocate 10"):
        compute_rorac(business, _managers(), config, PERIOD, credit_splits=_splits())


def test_config_rejects_a_product_of_an_unknown_category() -> None:
    with pytest.raises(ConfigError, match=r"products\.gold\.category = 'metals'"):
        parse_config(
            {
                "period": "2026-10",
                "unit": {"id": "B1"},
                "inputs": {"managers": "managers.csv"},
                "rorac": {"products": {"gold": {"category": "metals"}}},
            }
        )


def test_without_a_business_table_every_manager_has_zero() -> None:
    result = compute_rorac(
        None,
        _managers(),
        _config(management_cost={"source": "table"}, fixed_cost={"source": "table"}),
        PERIOD,
    )
    assert list(result.by_manager["rorac"]) == [0.0] * 4
    assert list(result.rollups["rorac"]) == [0.0] * len(result.rollups)


def test_infinite_supplied_cost_is_reported() -> None:
    business = _business().assign(risk_cost=[np.nan, np.inf, np.nan, np.nan, np.nan, np.nan])
    assert "business.csv, row 3, column 'risk_cost': not a finite number" in _error(
        business=business)
