"""Invariants of the ledger over random multi-month sequences (hypothesis): closes, revisions
of any earlier month with a corrected roster (higher or lower pay, down to nothing), retro
adjustments paid and recovered, the pool chained. Checked after every step: money conserved
per manager to the cent, the pool chain, nothing closed ever changed; at the end a raw UPDATE
or DELETE is refused by the database."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import test_history_helpers as helpers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_history_helpers import (
    Months,
    check_append_only,
    check_invariants,
    check_refuses_changes,
    scaled_pay_base,
    snapshot,
)

small_branch = helpers.small_branch
scratch_postgres = helpers.scratch_postgres

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
MANAGERS = [f"M{n:04d}" for n in range(1, 7)]

corrections = st.dictionaries(st.sampled_from(MANAGERS), st.sampled_from([0.0, 0.5, 1.25, 2.0]),
                              min_size=1, max_size=3)
steps = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=0, max_value=11), corrections),
    min_size=2, max_size=4,
)


def _play(folder: Path, inputs: Path, url: str, plan: list, negative: str) -> None:
    months = Months(folder, inputs, url, history={"negative_retro": negative})
    ledger = months.ledger()
    try:
        seen = snapshot(ledger)
        for index, (revise, which, factors) in enumerate(plan):
            months.close(months.run(MONTHS[index]))
            if revise:
                month = MONTHS[which % (index + 1)]
                fixed = scaled_pay_base(inputs, folder / f"fixed-{index}", factors)
                months.close(months.run(month, revision=f"correction {index}", inputs=fixed))
            now = snapshot(ledger)
            check_append_only(seen, now)
            check_invariants(ledger)
            seen = now
        check_refuses_changes(ledger)
    finally:
        ledger.dispose()


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=steps, negative=st.sampled_from(["not_below_zero", "allow_negative"]))
def test_money_is_conserved_and_nothing_closed_changes_on_sqlite(small_branch, plan, negative):
    folder = Path(tempfile.mkdtemp(prefix="appraise-history-"))
    try:
        _play(folder, small_branch, str(folder / "ledger.sqlite"), plan, negative)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("plan", [
    [(False, 0, {}), (True, 0, {"M0001": 2.0, "M0002": 0.0}), (True, 0, {"M0003": 0.5}),
     (False, 0, {})],
])
def test_money_is_conserved_and_nothing_closed_changes_on_postgresql(
        small_branch, scratch_postgres, plan, tmp_path):
    _play(tmp_path, small_branch, scratch_postgres,
          [(r, w, f or {"M0001": 1.0}) for r, w, f in plan], "not_below_zero")
