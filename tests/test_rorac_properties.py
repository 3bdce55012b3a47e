"""Invariants of the RORAC stage, checked on random small branches (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.config import RoracConfig
from appraisal.config.base import parse_period
from appraisal.rorac import COMPONENTS, VINTAGES, compute_rorac

PERIOD = parse_period("2026-10")
PRODUCTS = {
    "demand_deposit": {"category": "deposit", "ftp_rate": 0.01},
    "time_deposit": {"category": "deposit", "ftp_rate": 0.02},
    "working_capital_loan": {
        "category": "loan",
        "ftp_rate": 0.03,
        "provision_rate": 0.01,
        "capital_factor": 0.08,
    },
    "settlement_fee": {"category": "intermediate"},
}
CATEGORY_OF = {name: spec["category"] for name, spec in PRODUCTS.items()}
MANAGERS = ["M1", "M2", "M3"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _config(decay: float = 0.05, floor: float = 0.8) -> RoracConfig:
    return RoracConfig.model_validate(
        {
            "products": PRODUCTS,
            "categories": [
                {"id": "deposit", "tax_rate": 0.06},
                {"id": "loan", "tax_rate": 0.06},
                {"id": "intermediate", "tax_rate": 0.06},
            ],
            "stock": {"decay": decay, "floor": floor},
            "management_cost": {"source": "allocate", "total": 1000.0, "driver": "headcount"},
            "fixed_cost": {"source": "allocate", "total": 500.0, "driver": "headcount"},
        }
    )


def _managers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "manager_id": MANAGERS,
            "branch": ["B1"] * 3,
            "sub_branch": ["S1", "S1", "S2"],
            "team": ["T1", "T2", "T3"],
        }
    )


account = st.tuples(
    st.sampled_from(list(PRODUCTS)),
    st.integers(0, 10**9).map(lambda cents: cents / 100),  # balance, yuan with cents
    st.integers(-10**6, 10**7).map(lambda cents: cents / 100),  # revenue
    st.integers(-60, 6000),  # days before the period end it was booked (negative: after)
    st.sampled_from(MANAGERS),
)


def _business(accounts: list[tuple[str, float, float, int, str]]) -> pd.DataFrame:
    end = pd.Timestamp(PERIOD.end)
    return pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(len(accounts))],
            "category": [CATEGORY_OF[a[0]] for a in accounts],
            "product": [a[0] for a in accounts],
            "balance": [a[1] for a in accounts],
            "revenue": [a[2] for a in accounts],
            "booking_date": pd.to_datetime([end - pd.Timedelta(days=a[3]) for a in accounts]),
            "manager_id": [a[4] for a in accounts],
        }
    )


@SETTINGS
@given(st.lists(account, min_size=1, max_size=12), st.floats(0, 1), st.floats(0, 1))
def test_k0_stays_between_floor_and_one(accounts: list, decay: float, floor: float) -> None:
    result = compute_rorac(_business(accounts), _managers(), _config(decay, floor), PERIOD)
    k0 = result.by_category["k0"].to_numpy()
    assert np.all(k0 >= floor) and np.all(k0 <= 1.0)
    assert np.isfinite(result.by_category.select_dtypes("number").to_numpy()).all()


@SETTINGS
@given(account, st.integers(366, 6000), st.floats(0, 1), st.floats(0, 1))
def test_increment_never_weighs_less_than_stock(
    one: tuple,
    stock_days: int,
    decay: float,
    floor: float,
) -> None:
    """The same account booked as increment counts at least as much (in size) as as stock."""
    product, balance, revenue, _, manager = one
    config = _config(decay, floor).model_copy(
        update={
            "management_cost": _config().management_cost.model_copy(update={"total": 0.0}),
            "fixed_cost": _config().fixed_cost.model_copy(update={"total": 0.0}),
        }
    )
    as_stock = _business([(product, balance, revenue, stock_days, manager)])
    as_increment = _business([(product, balance, revenue, 10, manager)])
    stock = compute_rorac(as_stock, _managers(), config, PERIOD).by_manager["rorac"]
    increment = compute_rorac(as_increment, _managers(), config, PERIOD).by_manager["rorac"]
    assert np.all(np.abs(increment.to_numpy()) >= np.abs(stock.to_numpy()) - 1e-9)


@SETTINGS
@given(
    st.lists(account, min_size=2, max_size=10),
    st.floats(0.01, 0.99),
    st.sampled_from(MANAGERS),
    st.sampled_from(MANAGERS),
    st.floats(0, 0.99),
)
def test_moving_a_share_between_managers_conserves_the_branch_total(
    accounts: list,
    share: float,
    giver: str,
    taker: str,
    moved: float,
) -> None:
    """Account A0 is split giver/taker; moving part of the giver's share to the taker leaves
    every branch amount unchanged (k0 ≡ 1 here: k0 is per manager, so with decay a stock
    account moved between managers of different stock ages is legitimately re-weighted)."""
    business = _business(accounts).assign(
        manager_id=lambda f: f["manager_id"].where(f["account_id"] != "A0", None)
    )
    config = _config(decay=0.0)

    def branch(giver_share: float) -> pd.Series:
        splits = pd.DataFrame(
            {
                "account_id": ["A0", "A0"],
                "manager_id": [giver, taker],
                "share": [giver_share, 1.0 - giver_share],
            }
        )
        if giver == taker:
            splits = splits.iloc[:1].assign(share=1.0)
        result = compute_rorac(business, _managers(), config, PERIOD, credit_splits=splits)
        rollups = result.rollups
        cells.append(2 * len(result.by_category))  # manager × category × vintage cells
        return rollups[rollups["level"] == "branch"].iloc[0]

    cells: list[int] = []
    before, after = branch(share), branch(share * (1 - moved))
    # Exact in yuan; in cents each manager × category × vintage amount is rounded once (at most
    # half a cent each), so a branch amount moves by at most half a cent per rounded cell of
    # the two runs; Cm and Cf are allocated to the cent, their totals exactly. RORAC (k0 ≡ 1)
    # carries the rounding of its four rounded components E, Cd, Cr, T.
    one_each = 0.5 * sum(cells)
    assert abs(int(before["rorac"]) - int(after["rorac"])) <= 4 * one_each
    # each component in total; its stock/increment split follows the holders' cells
    for component in COMPONENTS:
        total = [int(row[f"{component}_stock"] + row[f"{component}_increment"])
                 for row in (before, after)]
        bound = 0 if component in ("management_cost", "fixed_cost") else one_each
        assert abs(total[0] - total[1]) <= bound, component
    for column in [f"{c}_{v}" for c in ("revenue", "direct_cost", "risk_cost", "tax")
                   for v in VINTAGES]:
        assert abs(int(before[column]) - int(after[column])) <= one_each, column


@SETTINGS
@given(st.lists(account, min_size=1, max_size=12))
def test_rollups_sum_the_managers(accounts: list) -> None:
    result = compute_rorac(_business(accounts), _managers(), _config(), PERIOD)
    rollups = result.rollups.set_index(["level", "unit"])
    # integer cents: every roll-up is the exact sum of the managers, Cm exactly the unit total
    assert rollups.loc[("branch", "B1"), "rorac"] == result.by_manager["rorac"].sum()
    by_sub_branch = rollups.loc["sub_branch"]["rorac"].sum()
    assert by_sub_branch == rollups.loc[("branch", "B1"), "rorac"]
    costs = result.by_category[["management_cost_stock", "management_cost_increment"]]
    assert costs.to_numpy().sum() == 100_000
    by_category = result.by_category.groupby("manager_id")["rorac_weighted"].sum()
    by_manager = result.by_manager.set_index("manager_id")["rorac"]
    assert (by_category.reindex(by_manager.index, fill_value=0) == by_manager).all()
    for frame in (result.by_category, result.by_manager, result.rollups):
        for column in ("rorac", "economic_capital", "revenue_stock", "tax_increment"):
            if column in frame.columns:
                assert frame[column].dtype == np.int64, column
