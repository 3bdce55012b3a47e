"""Revising a closed month that has deferral rows (issue 14): the revision keeps what its
version released and recovered, defers its share of the revised pay, and closing it records
stop + re-grant as new immutable rows (the month's unreleased tranches stopped, what the
revision defers beyond what is settled re-granted on their due months), so granted =
released + unreleased + forfeited + stopped still holds to the cent, per manager and in total;
the next month pays the difference of earned pay (net of the deferral change) as retro."""

from __future__ import annotations

import numpy as np
import pandas as pd
import test_history_helpers as helpers
from hypothesis import given, settings
from hypothesis import strategies as st
from test_deferral_ledger import DeferralMonths, _cents, _check_final, _csv, _identity
from test_history_helpers import check_append_only, check_invariants, scaled_pay_base, snapshot

ledger_url = helpers.ledger_url
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def test_revision_of_a_deferred_month_stops_and_regrants(tmp_path, small_branch, ledger_url):
    months = DeferralMonths(tmp_path, small_branch, ledger_url)
    ledger = months.ledger()
    seen = snapshot(ledger)
    try:
        first = {}
        for period in ("2026-01", "2026-02", "2026-03"):
            first[period] = months.run(period)
            months.close(first[period])  # March releases January's first tranche
        corrected = scaled_pay_base(small_branch, tmp_path / "jan-fixed",
                                    {"M0001": 1.5, "M0002": 0.8})
        revised = months.run("2026-01", revision="January base corrected", inputs=corrected)
        old, new = _check_final(first["2026-01"]), _check_final(revised)
        assert (new["released"] == old["released"]).all()
        assert (new["clawback_recovered"] == old["clawback_recovered"]).all()
        assert new.loc["M0001", "deferred"] > old.loc["M0001", "deferred"]
        assert new.loc["M0002", "deferred"] < old.loc["M0002", "deferred"]
        rows = _csv(revised, "deferral_ledger.csv")
        assert set(rows["entry"]) == {"stopped", "regrant", "regrant_tranche"}
        assert set(rows.loc[rows["entry"] == "regrant", "manager_id"]) == {"M0001", "M0002"}
        months.close(revised, by="finance")
        now = snapshot(ledger)
        check_append_only(seen, now)
        check_invariants(ledger)
        _identity(ledger)
        with ledger.engine.connect() as conn:
            januar = pd.read_sql(
                "SELECT manager_id, SUM(amount) AS amount FROM (SELECT manager_id, amount "
                "FROM deferral_grants WHERE grant_period = '2026-01' UNION ALL SELECT "
                "manager_id, amount FROM deferral_regrants) x GROUP BY manager_id",
                conn).set_index("manager_id")["amount"]
            stops = pd.read_sql("SELECT manager_id, SUM(amount) AS amount FROM "
                                "deferral_movements WHERE kind = 'stopped' GROUP BY manager_id",
                                conn).set_index("manager_id")["amount"]
        for manager in ("M0001", "M0002"):  # net deferral of January = what the revision defers
            assert januar[manager] - stops[manager] == new.loc[manager, "deferred"]
        april = months.run("2026-04")
        _check_final(april)
        due = _cents(_csv(april, "managers.csv").set_index("manager_id")["retro_due"]
                     .astype(str))
        earned = {m: (new.loc[m, "bonus_final"] - new.loc[m, "retro_adjustment"])
                  - (old.loc[m, "bonus_final"] - old.loc[m, "retro_adjustment"])
                  for m in ("M0001", "M0002")}
        delta_pay = {m: (new.loc[m, "bonus_gross"] - new.loc[m, "withheld"])
                     - (old.loc[m, "bonus_gross"] - old.loc[m, "withheld"])
                     for m in ("M0001", "M0002")}
        for manager in ("M0001", "M0002"):
            assert earned[manager] == delta_pay[manager] - (new.loc[manager, "deferred"]
                                                           - old.loc[manager, "deferred"])
            assert due[manager] == earned[manager]
        months.close(april)
        may = months.run("2026-05")  # January's tranche 2 due: the re-granted one is paid
        released = _check_final(may)
        months.close(may)
        schedule = _csv(may, "deferral_schedule.csv")
        jan = schedule[(schedule["grant_period"] == "2026-01")
                       & (schedule["due_period"] <= "2026-05")]
        assert set(jan["tranche_status"]) <= {"released", "stopped"}
        assert (released.loc[["M0001", "M0002"], "released"] > 0).all()
        _identity(ledger)
        check_invariants(ledger)
    finally:
        ledger.dispose()


@settings(max_examples=150, deadline=None)
@given(amount=st.integers(0, 10**9), years=st.integers(1, 5), released=st.integers(0, 5),
       wanted=st.integers(0, 2 * 10**9))
def test_regrant_keeps_the_identity_and_equal_tranches(amount, years, released, wanted):
    """Stop + re-grant of a month's grant: granted (grant + re-grant) = released + unreleased
    + forfeited + stopped; the month's net deferral is what the revision defers; the new
    tranches add up, are equal within a cent and never front-loaded, on open due months."""
    from appraisal.config.deferral import DeferralConfig
    from appraisal.deferral import check_identity, grant_tranches, regrant, unreleased

    config = DeferralConfig(groups=[{"id": "g", "managers": ["M1"], "share": 0.5,
                                     "years": years}])
    grant = pd.DataFrame({"manager_id": ["M1"], "grant_period": ["2026-01"], "group": ["g"],
                          "amount": [amount]})
    state = grant_tranches(grant, config)
    done = min(released, years)
    state.loc[state.index[:done], "released"] = state.loc[state.index[:done], "amount"]
    stops, new, extra = regrant(state, wanted, config.groups[0].weights)
    settled = int(state["released"].sum())
    assert extra == wanted - settled
    assert int(stops["amount"].sum()) == int(unreleased(state).sum())
    if extra <= 0:
        assert new.empty
        return
    assert int(new["amount"].sum()) == extra
    assert new["amount"].max() - new["amount"].min() <= 1
    assert (np.diff(new["amount"].to_numpy()) >= -1).all()
    open_dues = set(state.loc[unreleased(state) > 0, "due_period"]) or {
        state["due_period"].max()}
    assert set(new["due_period"]) <= open_dues
    after = state.copy()
    after["stopped"] = after["stopped"] + unreleased(after)
    both = pd.concat([after, new], ignore_index=True)
    grants = pd.concat([grant, grant.assign(amount=extra)], ignore_index=True)
    table = check_identity(grants, both)
    assert int(table["granted"].sum()) == amount + extra
    net = int(table["granted"].sum()) - int(table["stopped"].sum())
    assert net == wanted  # what the month now defers, net of the stops
