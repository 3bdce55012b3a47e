"""The annual true-up of the grade component over closed months (partial step of issue 14):
advances are the closed months' bonus_grade, true-up = due − advances, every month of the span
must be closed; property: advances + true-up = due, to the cent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import test_history_helpers as helpers
from hypothesis import given
from hypothesis import strategies as st
from test_deferral_ledger import DeferralMonths, _cents, _csv

from appraisal.history.db import HistoryError
from appraisal.history.deferral import annual_settlement

ledger_url = helpers.ledger_url
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def test_quarter_true_up_from_closed_months(tmp_path, small_branch, ledger_url):
    months = DeferralMonths(tmp_path, small_branch, ledger_url)
    paid = {}
    for period in ("2026-01", "2026-02", "2026-03"):
        results = months.run(period)
        frame = _csv(results, "managers.csv").set_index("manager_id")
        paid[period] = _cents(frame["bonus_grade"].astype(str))
        months.close(results)
    advances = sum(paid.values())
    due = pd.Series(np.arange(len(advances), dtype=np.int64) * 12_345, index=advances.index)
    ledger = months.ledger()
    try:
        with ledger.engine.connect() as conn:
            table = annual_settlement(conn, "BR01", "2026-Q1", due).set_index("manager_id")
            with pytest.raises(HistoryError, match="not closed: 2026-04, 2026-05"):
                annual_settlement(conn, "BR01", "2026", due)
    finally:
        ledger.dispose()
    assert table["annual_advances"].equals(advances.rename("annual_advances").astype("int64"))
    assert (table["annual_advances"] + table["annual_true_up"] == table["annual_due"]).all()
    assert (table["annual_due"] == due).all()


@given(st.lists(st.tuples(st.integers(-10**12, 10**12), st.integers(-10**12, 10**12)),
                min_size=1, max_size=40))
def test_advances_plus_true_up_is_due_for_any_amounts(pairs):
    from appraisal.deferral import true_up

    due = np.array([d for d, _ in pairs], dtype=np.int64)
    advances = np.array([a for _, a in pairs], dtype=np.int64)
    assert (advances + true_up(due, advances) == due).all()
