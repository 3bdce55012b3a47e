"""Thirty-six months of one unit with deferred pay: every month run and closed; the deferred
40% of three risk-relevant managers granted over three years, released a year, two and three
years later; in May 2027 M0002 is dismissed (tranches forfeited) and M0003 retires (tranches
kept, still released to her); in September 2027 a clawback event for M0001's March and April
2026 stops his unreleased tranches of those months and leaves a receivable recovered at most
half his pay a month. After each December the year is settled through the real run and close
(`period: 2026`, the annual grade over the year's actuals aggregated from the ledger): the
grade part the annual grade gives minus the twelve monthly advances, owed as a retro
adjustment and paid (or recovered) by the next month, once. After every close every invariant
is checked in the database:
granted = released + unreleased + forfeited + stopped (per manager and in total), tranches of
a grant add up to it and differ by at most a cent, never front-loaded, movements never exceed
their tranche, Σ recovered <= Σ receivables, final = … − deferred + released − recovered,
monthly advances + true-up = what the annual grade says is due (to the cent), and the history
ledger's own invariants (money conserved with the true-ups, pool chained, append-only)."""

from __future__ import annotations

import pandas as pd
import test_history_helpers as helpers
from test_deferral_ledger import DEFERRED, DeferralMonths, _cents, _check_final, _csv, _identity
from test_history_helpers import check_append_only, check_invariants, scaled_pay_base, snapshot
from test_year_annual import ANNUAL

ledger_url = helpers.ledger_url
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def _with_leavers(inputs, folder):
    folder.mkdir()
    for path in inputs.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    roster = pd.read_csv(folder / "managers.csv", dtype="str", keep_default_na=False)
    if "leave_date" not in roster.columns:
        roster["leave_date"] = ""
    roster["leave_reason"] = ""
    for manager, reason in (("M0002", "dismissed"), ("M0003", "retired")):
        roster.loc[roster["manager_id"] == manager, ["leave_date", "leave_reason"]] = [
            "2027-05-20", reason]
    roster.to_csv(folder / "managers.csv", index=False)
    return folder


def _totals(ledger) -> dict[str, int]:
    with ledger.engine.connect() as conn:
        frame = pd.read_sql(
            "SELECT (SELECT COALESCE(SUM(amount), 0) FROM deferral_grants) AS granted, "
            "(SELECT COALESCE(SUM(amount), 0) FROM deferral_movements WHERE kind = 'released')"
            " AS released, (SELECT COALESCE(SUM(amount), 0) FROM deferral_movements WHERE "
            "kind = 'forfeited') AS forfeited, (SELECT COALESCE(SUM(amount), 0) FROM "
            "deferral_movements WHERE kind = 'stopped') AS stopped, (SELECT COALESCE(SUM("
            "amount), 0) FROM clawback_receivables) AS receivable, (SELECT COALESCE(SUM("
            "amount), 0) FROM clawback_recoveries) AS recovered", conn)
    return {k: int(v) for k, v in frame.iloc[0].items()}


def _settle_year(months, year, inputs, advances, tmp_path, ledger) -> pd.Series:
    """Run and close the year over its twelve closed months; the true-up per manager (cents),
    with advances + true-up = due checked against the months' own bonus_grade."""
    factors = {m: 12.0 for m in advances.index} | {"M0001": 12.5, "M0004": 11.0}
    yearly = scaled_pay_base(inputs, tmp_path / f"year-{year}", factors)
    results = months.run(year, inputs=yearly)
    table = _csv(results, "annual_settlement.csv").set_index("manager_id")
    due, paid, true_up = (_cents(table[c].astype(str)) for c in (
        "annual_due", "annual_advances", "annual_true_up"))
    assert (paid == advances.reindex(paid.index, fill_value=0)).all()
    assert (paid + true_up == due).all()
    grade = _cents(_csv(results, "managers.csv").set_index("manager_id")["bonus_grade"]
                   .astype(str))
    assert (grade.reindex(due.index) == due).all()
    assert (true_up != 0).any()
    assert not _csv(results, "managers.csv").columns.isin(["deferred", "released"]).any()
    months.close(results)
    check_invariants(ledger)
    _identity(ledger)
    with ledger.engine.connect() as conn:
        stored = pd.read_sql(f"SELECT manager_id, annual_true_up FROM annual_settlements "
                             f"WHERE span = '{year}'", conn).set_index("manager_id")
    assert (stored["annual_true_up"].reindex(true_up.index) == true_up).all()
    return true_up


def test_thirty_six_months_of_deferral(tmp_path, small_branch, ledger_url):
    deferral = {"groups": [{"id": "risk", "managers": list(DEFERRED), "risk_relevant": True,
                            "share": 0.4, "years": 3}],
                "leavers": "by_reason", "leaver_reasons": {"dismissed": "forfeited"}}
    months = DeferralMonths(tmp_path, small_branch, ledger_url, deferral=deferral,
                            clawback={"cap_share_per_period": 0.5}, history={"annual": ANNUAL})
    leavers = _with_leavers(small_branch, tmp_path / "leavers")
    events = tmp_path / "clawback_events.csv"
    events.write_text("event_id,manager_id,periods,reason,approved_by,amount,share\n"
                      "CB-2027-09,M0001,2026-03;2026-04,loan losses surfaced,risk committee,,"
                      "1\n", encoding="utf-8")
    ledger = months.ledger()
    seen = snapshot(ledger)
    paid = {"deferred": 0, "released": 0, "clawback_recovered": 0}
    advances, owed, carried = 0, None, None
    try:
        for index in range(36):
            period = f"{2026 + index // 12}-{index % 12 + 1:02d}"
            if period == "2027-09":
                months.events = events
            results = months.run(period, inputs=leavers if period >= "2027-05" else None)
            money = _check_final(results)
            frame = _csv(results, "managers.csv").set_index("manager_id")
            advances = advances + _cents(frame["bonus_grade"].astype(str))
            if owed is not None:  # the month after a settlement pays its true-up, once
                due = _cents(frame["retro_due"].astype(str)).reindex(owed.index, fill_value=0)
                assert (due == owed + carried.reindex(owed.index, fill_value=0)).all()
                assert frame.loc[owed.index[owed != 0], "retro_source"].str.contains(
                    "annual settlement").all()
                owed = None
            for column in paid:
                paid[column] += int(money[column].sum())
            rows = _csv(results, "deferral_ledger.csv")
            if period == "2027-05":
                forfeits = rows[rows["entry"] == "forfeited"]
                assert set(forfeits["manager_id"]) == {"M0002"}
            if period == "2027-09":
                assert set(rows.loc[rows["entry"] == "stopped", "manager_id"]) == {"M0001"}
                assert (rows["entry"] == "receivable").sum() <= 1
            if period >= "2027-06":
                assert money.loc["M0002", "released"] == 0
                assert money.loc["M0002", "deferred"] == 0
            if period in ("2028-01", "2028-06"):
                assert money.loc["M0003", "released"] > 0  # kept: paid after retiring
            months.close(results)
            now = snapshot(ledger)
            check_append_only(seen, now)
            check_invariants(ledger)
            _identity(ledger)
            carried = _cents(frame["retro_carried"].astype(str))
            if period.endswith("-12"):
                owed = _settle_year(months, period[:4], small_branch if period < "2027-05"
                                    else leavers, advances, tmp_path, ledger)
                advances = 0
                now = snapshot(ledger)
            totals = _totals(ledger)
            assert totals["released"] == paid["released"]
            assert totals["granted"] == paid["deferred"]
            assert totals["recovered"] == paid["clawback_recovered"] <= totals["receivable"]
            seen = now
        reconciliation = _csv(results, "deferral_reconciliation.csv").set_index("manager_id")
        row = {c: int(_cents(pd.Series([reconciliation.loc["total", c]]))[0])
               for c in ("granted", "tranche_released", "unreleased", "forfeited", "stopped")}
        assert row["granted"] == totals["granted"]
        assert row["granted"] == (row["tranche_released"] + row["unreleased"]
                                  + row["forfeited"] + row["stopped"])
        assert row["forfeited"] == totals["forfeited"] > 0
        assert row["stopped"] == totals["stopped"] > 0
        assert totals["receivable"] >= 0
        schedule = _csv(results, "deferral_schedule.csv")
        due = schedule[(schedule["due_period"] <= "2028-12")
                       & (schedule["tranche_status"] == "deferred")]
        assert due.empty, due
    finally:
        ledger.dispose()
