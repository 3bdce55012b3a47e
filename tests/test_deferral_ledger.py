"""The deferral ledger in the history database (SQLite; PostgreSQL when
APPRAISE_TEST_POSTGRES_URL is set): closing moves the deferred part into grants and tranches,
later runs pay the tranches due as `released`, leavers' tranches follow the config, clawback
events stop tranches and leave a receivable recovered from future pay within its cap; every
closed row is immutable."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import test_history_helpers as helpers
from example_config import example_raw, write_config
from test_history_helpers import Months

from appraisal.errors import InputError
from appraisal.pipeline import run
from appraisal.report.writer import write_run

ledger_url = helpers.ledger_url
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch

DEFERRED = ("M0001", "M0002", "M0003")


def deferral_section(**changes: object) -> dict:
    group = {"id": "risk", "managers": list(DEFERRED), "risk_relevant": True, "share": 0.4,
             "years": 3}
    section = {"groups": [group], "months_between_tranches": 2}
    section.update(changes)
    return section


class DeferralMonths(Months):
    """Months with a deferral: section (and optionally clawback events and a roster)."""

    def __init__(self, *args: object, deferral: dict | None = None,
                 clawback: dict | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.deferral = deferral or deferral_section()
        self.clawback = clawback
        self.events: Path | None = None

    def raw(self, period: str, carry_in: float | None = None) -> dict:
        raw = super().raw(period, carry_in)
        raw["deferral"] = copy.deepcopy(self.deferral)
        if self.clawback is not None:
            raw["clawback"] = dict(self.clawback)
        return raw

    def config(self, period: str, *, inputs: Path | None = None,
               carry_in: float | None = None) -> Path:
        path = super().config(period, inputs=inputs, carry_in=carry_in)
        if self.events is not None:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("inputs:\n", f"inputs:\n  clawback_events: "
                                                      f"{self.events}\n", 1), encoding="utf-8")
        return path


def _csv(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(results / name, dtype={"manager_id": "str", "event_id": "str"},
                       keep_default_na=False, encoding="utf-8-sig")


def _cents(values: pd.Series) -> pd.Series:
    return (pd.to_numeric(values.replace("", "0")) * 100).round().astype("int64")


def _check_final(results: Path) -> pd.DataFrame:
    """final = gross − withheld + allocation + redistributed + retro − deferred + released −
    clawback_recovered, to the cent, for every manager."""
    managers = _csv(results, "managers.csv").set_index("manager_id")
    money = {c: _cents(managers[c].astype(str)) for c in (
        "bonus_gross", "withheld", "pool_allocation", "pool_redistributed",
        "retro_adjustment", "deferred", "released", "clawback_recovered", "bonus_final")}
    expected = (money["bonus_gross"] - money["withheld"] + money["pool_allocation"]
                + money["pool_redistributed"] + money["retro_adjustment"] - money["deferred"]
                + money["released"] - money["clawback_recovered"])
    assert (expected == money["bonus_final"]).all()
    return pd.DataFrame(money)


def _identity(ledger) -> None:
    """granted = released + unreleased + forfeited + stopped in the database, per manager and
    in total (a revision's re-grants count as granted); the tranches of each grant (and of
    each re-grant) add up to it, differ by at most a cent and are never front-loaded."""
    with ledger.engine.connect() as conn:
        grants = pd.read_sql("SELECT manager_id, amount FROM deferral_grants UNION ALL "
                             "SELECT manager_id, amount FROM deferral_regrants", conn)
        tranches = pd.read_sql("SELECT t.id, t.grant_id, t.version_id, t.manager_id, "
                               "t.tranche, t.amount FROM deferral_tranches t", conn)
        issued = pd.read_sql("SELECT id AS grant_id, version_id, amount FROM deferral_grants "
                             "UNION ALL SELECT grant_id, version_id, amount FROM "
                             "deferral_regrants", conn)
        moved = pd.read_sql("SELECT tranche_id, kind, SUM(amount) AS amount FROM "
                            "deferral_movements GROUP BY tranche_id, kind", conn)
    granted = grants.groupby("manager_id")["amount"].sum()
    parts = tranches.groupby("manager_id")["amount"].sum()
    assert granted.equals(parts.reindex(granted.index)), (granted - parts).to_dict()
    wide = moved.pivot_table(index="tranche_id", columns="kind", values="amount",
                             aggfunc="sum").reindex(tranches["id"]).fillna(0)
    for kind in ("released", "forfeited", "stopped"):
        tranches[kind] = wide[kind].to_numpy() if kind in wide else 0
    tranches["unreleased"] = (tranches["amount"] - tranches["released"]
                              - tranches["forfeited"] - tranches["stopped"])
    assert (tranches["unreleased"] >= 0).all()  # no movement exceeds its tranche
    explained = tranches.groupby("manager_id")[["released", "unreleased", "forfeited",
                                                "stopped"]].sum().sum(axis=1)
    assert (explained.reindex(granted.index) == granted).all()
    assert int(granted.sum()) == int(explained.sum())
    groups = tranches.sort_values("tranche").groupby(["grant_id", "version_id"])
    sums = groups["amount"].sum()
    expected = issued.set_index(["grant_id", "version_id"])["amount"]
    assert (sums.reindex(expected.index) == expected).all()
    for _, group in groups:
        amounts = group["amount"].to_numpy()
        assert amounts.max() - amounts.min() <= 1  # equal within a cent
        assert (amounts[:-1] - amounts[1:] <= 1).all()  # never front-loaded


def test_close_grants_and_later_runs_release(tmp_path, small_branch, ledger_url):
    months = DeferralMonths(tmp_path, small_branch, ledger_url)
    first = months.run("2026-01")
    money = _check_final(first)
    assert (money.loc[list(DEFERRED), "deferred"] > 0).all()
    assert (money.drop(index=list(DEFERRED))["deferred"] == 0).all()
    ledger_rows = _csv(first, "deferral_ledger.csv")
    assert set(ledger_rows["entry"]) == {"grant", "tranche"}
    schedule = _csv(first, "deferral_schedule.csv")
    assert schedule["due_period"].drop_duplicates().tolist() == ["2026-03", "2026-05",
                                                                 "2026-07"]
    months.close(first)
    months.close(months.run("2026-02"))
    third = months.run("2026-03")
    money3 = _check_final(third)
    grant_jan = ledger_rows[ledger_rows["entry"] == "tranche"]
    first_tranche = grant_jan[grant_jan["tranche"].astype(str) == "1"].set_index("manager_id")
    assert (money3.loc[list(DEFERRED), "released"]
            == _cents(first_tranche["deferral_amount"].astype(str))).all()
    months.close(third)
    ledger = months.ledger()
    try:
        _identity(ledger)
        with ledger.engine.connect() as conn:
            kinds = conn.execute(sa.text("SELECT kind, COUNT(*) FROM deferral_movements "
                                         "GROUP BY kind")).all()
        assert dict(kinds) == {"released": 3}
        for statement in ("UPDATE deferral_tranches SET amount = 0",
                          "DELETE FROM deferral_movements", "DELETE FROM deferral_grants",
                          "UPDATE deferral_grants SET pay = 0"):
            with pytest.raises(sa.exc.DBAPIError, match="immutable"), \
                    ledger.engine.begin() as conn:
                conn.execute(sa.text(statement))
    finally:
        ledger.dispose()
    reconciliation = _csv(third, "deferral_reconciliation.csv").set_index("manager_id")
    total = reconciliation.loc["total"]
    parts = sum(_cents(pd.Series([total[c]]))[0] for c in
                ("tranche_released", "unreleased", "forfeited", "stopped"))
    assert parts == _cents(pd.Series([total["granted"]]))[0]


def test_clawback_stops_tranches_then_recovers_within_the_cap(tmp_path, small_branch,
                                                              ledger_url):
    months = DeferralMonths(tmp_path, small_branch, ledger_url,
                            clawback={"cap_share_per_period": 0.25})
    months.close(months.run("2026-01"))
    events = tmp_path / "clawback_events.csv"
    events.write_text("event_id,manager_id,periods,reason,approved_by,amount,share\n"
                      "CB-1,M0001,2026-01,loan losses surfaced,risk committee,,1\n",
                      encoding="utf-8")
    months.events = events
    second = months.run("2026-02")
    rows = _csv(second, "deferral_ledger.csv")
    claim = rows[rows["entry"] == "clawback"].iloc[0]
    stopped = _cents(rows.loc[rows["entry"] == "stopped", "deferral_amount"].astype(str)).sum()
    receivable = _cents(rows.loc[rows["entry"] == "receivable", "deferral_amount"].astype(str))
    assert stopped + receivable.sum() == _cents(pd.Series([claim["deferral_amount"]]))[0]
    money = _check_final(second)
    before = (money["bonus_gross"] - money["withheld"] + money["pool_allocation"]
              + money["pool_redistributed"] + money["retro_adjustment"] - money["deferred"]
              + money["released"])
    assert money.loc["M0001", "clawback_recovered"] == min(receivable.sum(),
                                                           before["M0001"] // 4)
    months.close(second)
    third = months.run("2026-03")  # the event is recorded: never applied twice
    assert "clawback" not in set(_csv(third, "deferral_ledger.csv")["entry"])
    ledger = months.ledger()
    try:
        _identity(ledger)
        with ledger.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM clawback_events")).scalar() == 1
    finally:
        ledger.dispose()


def test_leaver_forfeits_by_config(tmp_path, small_branch, ledger_url):
    months = DeferralMonths(tmp_path, small_branch, ledger_url,
                            deferral=deferral_section(leavers="forfeited"))
    months.close(months.run("2026-01"))
    left = tmp_path / "left"
    left.mkdir()
    for path in small_branch.iterdir():
        (left / path.name).write_bytes(path.read_bytes())
    roster = pd.read_csv(left / "managers.csv", dtype="str", keep_default_na=False)
    if "leave_date" not in roster.columns:
        roster["leave_date"] = ""
    roster.loc[roster["manager_id"] == "M0002", "leave_date"] = "2026-02-10"
    roster.to_csv(left / "managers.csv", index=False)
    second = months.run("2026-02", inputs=left)
    rows = _csv(second, "deferral_ledger.csv")
    forfeits = rows[rows["entry"] == "forfeited"]
    assert set(forfeits["manager_id"]) == {"M0002"} and len(forfeits) == 3


def test_roster_flag_column_missing_is_an_input_error(tmp_path, small_branch):
    raw = example_raw()
    raw["history"] = {"url": str(tmp_path / "l.sqlite")}
    raw["deferral"] = deferral_section(groups=[{"id": "risk", "roster_flag": "risk_relevant",
                                                "risk_relevant": True, "share": 0.4,
                                                "years": 3}])
    raw["inputs"].pop("pool_allocations")
    path = write_config(tmp_path, raw, inputs_from=small_branch)
    with pytest.raises(InputError, match="risk_relevant"):
        write_run(run(path), tmp_path / "out")
    flagged = tmp_path / "flagged"
    flagged.mkdir()
    for source in small_branch.iterdir():
        (flagged / source.name).write_bytes(source.read_bytes())
    roster = pd.read_csv(flagged / "managers.csv", dtype="str", keep_default_na=False)
    roster["risk_relevant"] = roster["manager_id"].map({"M0004": "是", "M0005": "否"}).fillna("")
    roster.to_csv(flagged / "managers.csv", index=False)
    (tmp_path / "second").mkdir()
    path = write_config(tmp_path / "second", raw, inputs_from=flagged)
    result = run(path)
    deferred = result.managers.set_index("manager_id")["deferred"]
    assert deferred["M0004"] > 0 and (deferred.drop("M0004") == 0).all()
