"""Generated edge cases for the account kernel and a plain-Python reference of its sums.

Edge cases: negative balances and revenues, three-way splits of 1/3, leap days, month ends,
a category without business, accounts booked on the reference date and on the period end, huge
balances, supplied cost columns with blanks.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from appraisal.config.rorac import RoracConfig
from appraisal.kernel import RATE_SCALE, SHARE_SCALE, product_rates

CONFIG = RoracConfig.model_validate({
    "categories": [
        {"id": "deposit", "tax_rate": 0.06}, {"id": "loan", "tax_rate": 0.06},
        {"id": "intermediate", "tax_rate": 0.05}, {"id": "other", "tax_rate": 0.0},
    ],
    "products": {
        "demand_deposit": {"category": "deposit", "ftp_rate": -0.0015},
        "time_deposit": {"category": "deposit", "ftp_rate": 0.013},
        "loan": {"category": "loan", "ftp_rate": 0.021, "provision_rate": 0.0123456789,
                 "capital_factor": 0.08},
        "fee": {"category": "intermediate"},
        "unused": {"category": "other", "ftp_rate": 0.004},  # a category without business
    },
})
REFERENCE = date(2026, 1, 1)
PERIOD_END = date(2026, 10, 31)
SPECIAL_DATES = [date(2024, 2, 29), date(2026, 1, 1), date(2025, 12, 31), date(2026, 10, 31),
                 date(2026, 2, 28), date(2000, 2, 29), date(1999, 12, 31), date(2026, 9, 30)]


def generate(rows: int = 400, managers: int = 7, seed: int = 16) -> tuple[pa.Table, pa.Table]:
    """(business, credit_splits) as the kernel reads them: cents, share units, dates."""
    rng = np.random.default_rng(seed)
    products = ["demand_deposit", "time_deposit", "loan", "fee"]
    product = rng.choice(products, size=rows)
    balance = rng.integers(-5_000_000, 900_000_000_000, size=rows)
    balance[::17] = 987_654_321_012_345  # about 10 trillion yuan
    balance[product == "fee"] = 0
    revenue = rng.integers(-2_000_000, 80_000_000, size=rows)
    days = rng.integers(0, 9000, size=rows)
    booked = [PERIOD_END - timedelta(days=int(d)) for d in days]
    for position, special in enumerate(SPECIAL_DATES * (rows // 40)):
        booked[position * 5 % rows] = special
    ftp_cost = pa.array([None if i % 3 else int(revenue[i] // 7) for i in range(rows)],
                        pa.int64())
    tax = pa.array([None if i % 5 else int(revenue[i] // 20) for i in range(rows)], pa.int64())
    ids = [f"A{i:05d}" for i in range(rows)]
    manager = [f"M{int(m)}" for m in rng.integers(0, managers, size=rows)]
    business = pa.table({
        "account_id": ids, "manager_id": manager, "product": product.tolist(),
        "booking_date": pa.array(booked, pa.date32()),
        "balance": pa.array(balance, pa.int64()), "revenue": pa.array(revenue, pa.int64()),
        "ftp_cost": ftp_cost, "tax": tax,
    })
    third = SHARE_SCALE // 3
    split_ids, split_managers, shares = [], [], []
    for i in range(0, rows, 11):  # every 11th account split three ways (1/3 each, rounded)
        for k, share in enumerate((third, third, SHARE_SCALE - 2 * third)):
            split_ids.append(ids[i])
            split_managers.append(f"M{(i + k) % managers}")
            shares.append(share)
    for i in range(5, rows, 23):  # and some in two: 0.6 / 0.4
        if i % 11 == 0:
            continue
        for k, share in enumerate((6 * SHARE_SCALE // 10, 4 * SHARE_SCALE // 10)):
            split_ids.append(ids[i])
            split_managers.append(f"M{(i + 3 * k) % managers}")
            shares.append(share)
    splits = pa.table({"account_id": split_ids, "manager_id": split_managers,
                       "share": pa.array(shares, pa.int64())})
    return business, splits


def reference_sums(business: pa.Table, splits: pa.Table | None) -> dict[tuple, dict[str, int]]:
    """The kernel's sums computed row by row in Python ints (the definition, slowly)."""
    rates = product_rates(CONFIG).to_pylist()
    by_product = {r["product"]: r for r in rates}
    credited: dict[str, list[tuple[str, int]]] = defaultdict(list)
    scale = 1
    if splits is not None:
        scale = SHARE_SCALE
        for line in splits.to_pylist():
            credited[line["account_id"]].append((line["manager_id"], line["share"]))
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in business.to_pylist():
        lines = credited.get(row.get("account_id")) or [(row["manager_id"], scale)]
        rate = by_product[row["product"]]
        increment = int(row["booking_date"] >= REFERENCE)
        age = max(0, (PERIOD_END - row["booking_date"]).days)
        for manager, share in lines:
            cell = cells[(manager, rate["category"], increment)]
            balance, revenue = row["balance"] * share, row["revenue"] * share
            cell["accounts"] += share
            cell["balance"] += balance
            cell["revenue"] += revenue
            for name, column, base in (("direct", "ftp_cost", balance),
                                       ("risk", "risk_cost", balance), ("tax", "tax", revenue)):
                given = row.get(column)
                rate_units = rate[{"direct": "ftp_rate", "risk": "provision_rate",
                                   "tax": "tax_rate"}[name]]
                if given is None:
                    cell[f"{name}_derived"] += base * rate_units
                else:
                    cell[f"{name}_given"] += given * share
            cell["capital"] += balance * rate["capital_factor"]
            cell["age_balance"] += age * balance
            cell["age_accounts"] += age * share
    assert RATE_SCALE == 10**10
    return cells


def as_cells(table: pa.Table) -> dict[tuple, dict[str, int]]:
    """The kernel's result keyed like `reference_sums` (values as Python ints)."""
    out = {}
    for row in table.to_pylist():
        key = (row.pop("manager_id"), row.pop("category"), int(row.pop("increment")))
        out[key] = {name: int(value) for name, value in row.items()}
    return out
