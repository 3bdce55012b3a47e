"""The account checks run in the engine find what the pandas checks find (file, row, column,
reason code), on business data with every kind of crediting problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from appraisal.config import AppraisalConfig
from appraisal.kernel import DuckDBEngine, product_rates
from appraisal.kernel.checks import check_accounts
from appraisal.kernel.frames import business_relation, splits_relation
from appraisal.rorac import check_rorac
from appraisal.validate import check_roster

CONFIG = AppraisalConfig.model_validate({
    "period": "2026-10", "unit": {"id": "U"}, "inputs": {"managers": "m.csv"},
    "rorac": {"categories": [{"id": "deposit"}, {"id": "loan"}],
              "products": {"time_deposit": {"category": "deposit"},
                           "loan": {"category": "loan", "ftp_rate": 0.02}}},
})


def bad_tables() -> dict[str, pd.DataFrame]:
    managers = pd.DataFrame({"manager_id": ["M1", "M2", "M3"], "team": "T", "sub_branch": "S",
                             "branch": "B", "_row": [2, 3, 4]})
    managers.attrs["file"] = "managers.csv"
    n = 12
    business = pd.DataFrame({
        "account_id": [f"A{i}" for i in range(n)],
        "category": ["deposit", "loan"] * (n // 2),
        "product": ["time_deposit", "loan"] * (n // 2),
        "balance": np.arange(n, dtype=np.float64) * 100.5,
        "revenue": np.arange(n, dtype=np.float64),
        "booking_date": pd.to_datetime(["2025-03-01"] * n),
        "manager_id": pd.array(["M1", "M2", "M3"] * (n // 3), dtype="str"),
        "_row": np.arange(2, n + 2),
    })
    business.loc[3, "product"] = "gold"  # unknown product
    business.loc[5, "product"] = "gold"
    business.loc[4, "category"] = "loan"  # category of another product
    business.loc[6, "manager_id"] = "M9"  # not in the roster
    business.loc[7, "manager_id"] = None  # no one, no split
    business.loc[8, "manager_id"] = None  # split below
    business.loc[10, "account_id"] = "A9"  # a split account twice
    business.attrs["file"] = "business.csv"
    splits = pd.DataFrame({
        "account_id": ["A8", "A8", "A9", "A9", "A9", "Z1"],
        "manager_id": ["M1", "M2", "M1", "M2", "M7", "M1"],
        "share": [0.5, 0.5, 0.3, 0.3, 0.3, 1.0],
        "_row": [2, 3, 4, 5, 6, 7],
    })
    splits.attrs["file"] = "credit_splits.csv"
    return {"managers": managers, "business": business, "credit_splits": splits}


def _located(table) -> set[tuple]:
    frame = table.frame
    return {(str(f), int(r), str(c), str(k))
            for f, r, c, k in zip(frame["file"], frame["row"], frame["column"], frame["code"],
                                  strict=True)}


def test_engine_checks_find_what_the_pandas_checks_find() -> None:
    tables = bad_tables()
    pandas_found = _located(check_rorac(tables, CONFIG)) | _located(check_roster(tables))
    relation, _ = business_relation(tables["business"], with_splits=True)
    roster = pa.table({"manager_id": pa.array(tables["managers"]["manager_id"], pa.string())})
    engine_found = _located(check_accounts(
        relation, product_rates(CONFIG.rorac), roster, DuckDBEngine(),
        credit_splits=splits_relation(tables["credit_splits"]), business_file="business.csv",
        splits_file="credit_splits.csv", roster_file="managers.csv",
        product_ids=tuple(CONFIG.rorac.products)))
    # the pandas check leaves categories alone while any product is unknown; the engine's
    # check reports the mismatch on row 6 as well
    assert pandas_found <= engine_found
    assert engine_found - pandas_found == {("business.csv", 6, "category", "inconsistent")}
    assert ("credit_splits.csv", 4, "share", "shares_not_one") in engine_found
