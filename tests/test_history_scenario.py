"""A year of one unit: twelve months closed in turn; in June the March roster is found wrong
(M0001's pay base was too low, M0002 was not eligible), March is re-run with the corrected
input and the revision closed; June pays M0001's difference and starts recovering M0002's
(never below zero), July recovers the rest; the pool's March difference flows into June.
Every invariant of docs/history.md is checked after every close."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import sqlalchemy as sa
import test_history_helpers as helpers
from openpyxl import load_workbook
from test_history_helpers import (
    Months,
    check_append_only,
    check_invariants,
    check_refuses_changes,
    scaled_pay_base,
    snapshot,
)

from appraisal.history.query import export_rows
from appraisal.pipeline import run
from appraisal.report.excel import write_bonus_sheet
from appraisal.report.writer import write_run

ledger_url = helpers.ledger_url
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def _managers(results) -> pd.DataFrame:
    frame = pd.read_csv(results / "managers.csv", dtype={"manager_id": "str"},
                        encoding="utf-8-sig").set_index("manager_id")
    return frame


def _cents(value: float) -> int:
    return round(value * 100)


def _workbook_shows_source(result, path, manager: str, shown: str) -> None:
    """In the zh workbook, the manager's retro adjustment source reads `shown`, and no sheet
    holds the ledger's English form of a source (`2026-03 v2: `)."""
    write_bonus_sheet(result, path, language="zh")
    book = load_workbook(path, read_only=True)
    found = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, ())
        if "追溯调整来源" not in header:
            continue
        at, who = header.index("追溯调整来源"), header.index("客户经理编号")
        found += [row[at] for row in rows if row[who] == manager]
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and re.search(r"\d v\d+: ", v) for v in row)
    assert found and set(found) == {shown}, found


def _pool(results) -> pd.Series:
    return pd.read_csv(results / "pool_ledger.csv", encoding="utf-8-sig").iloc[0]


def test_twelve_months_with_a_revised_march(tmp_path, small_branch, ledger_url):
    months = Months(tmp_path, small_branch, ledger_url)
    ledger = months.ledger()
    seen = snapshot(ledger)
    results = {}

    def close(period_results, **kwargs):
        nonlocal seen
        outcome = months.close(period_results, **kwargs)
        now = snapshot(ledger)
        check_append_only(seen, now)
        check_invariants(ledger)
        seen = now
        return outcome

    for month in range(1, 6):
        period = f"2026-{month:02d}"
        results[period] = months.run(period)
        close(results[period])
        if month > 1:
            previous = _pool(results[f"2026-{month - 1:02d}"])
            assert _pool(results[period])["carry_in"] == previous["carry_out"]

    corrected = scaled_pay_base(small_branch, tmp_path / "march-fixed",
                                {"M0001": 1.5, "M0002": 0.0})
    revised = months.run("2026-03", revision="March roster: M0001 base, M0002 not eligible",
                         inputs=corrected)
    table = pd.read_csv(revised / "revision.csv", dtype={"manager_id": "str"},
                        encoding="utf-8-sig").set_index("manager_id")
    assert table.loc["M0001", "bonus_final_delta"] > 0
    assert table.loc["M0002", "bonus_final_new"] == 0
    outcome = close(revised, by="finance")
    assert (outcome.version, outcome.revision_of) == (2, 1)

    march_old, march_new = _managers(results["2026-03"]), _managers(revised)
    delta = {m: _cents(march_new.loc[m, "bonus_final"]) - _cents(march_old.loc[m, "bonus_final"])
             for m in ("M0001", "M0002")}
    assert delta["M0001"] > 0 > delta["M0002"]
    pool_moved = (_cents(_pool(revised)["carry_out"])
                  - _cents(_pool(results["2026-03"])["carry_out"]))

    june_config = months.config("2026-06")
    june_result = run(june_config)
    june = write_run(june_result, june_config.parent / "results")
    results["2026-06"] = june
    paid = _managers(june)
    assert _cents(paid.loc["M0001", "retro_adjustment"]) == delta["M0001"]
    assert paid.loc["M0001", "retro_source"].startswith("2026-03 v2: March roster")
    # the workbook a person reads words the source in its language (the CSV keeps the ledger's)
    _workbook_shows_source(june_result, tmp_path / "june.xlsx", "M0001",
                           "2026-03 第 2 版：March roster: M0001 base, M0002 not eligible")
    earned = _cents(paid.loc["M0002", "bonus_final"] - paid.loc["M0002", "retro_adjustment"])
    recovered = -_cents(paid.loc["M0002", "retro_adjustment"])
    assert recovered == min(-delta["M0002"], earned) and paid.loc["M0002", "bonus_final"] >= 0
    carried = _cents(paid.loc["M0002", "retro_carried"])
    assert carried == delta["M0002"] + recovered
    assert _cents(_pool(june)["carry_in"]) == (
        _cents(_pool(results["2026-05"])["carry_out"]) + pool_moved)
    change = pd.read_csv(june / "period_change.csv", dtype={"manager_id": "str"},
                         encoding="utf-8-sig").set_index("manager_id")
    assert change.loc["M0001", "change_driver"] == "retro_adjustment"
    close(june)

    for month in range(7, 13):
        period = f"2026-{month:02d}"
        results[period] = months.run(period)
        if month == 7:
            july = _managers(results[period])
            assert _cents(july.loc["M0002", "retro_due"]) == carried
            assert _cents(july.loc["M0001", "retro_adjustment"]) == 0  # paid once
        close(results[period])

    with ledger.engine.connect() as conn:
        owed = conn.execute(sa.text(
            "SELECT COALESCE(SUM(amount), 0) FROM retro_adjustments")).scalar()
        applied = conn.execute(sa.text(
            "SELECT COALESCE(SUM(applied), 0) FROM retro_settlements")).scalar()
        versions = conn.execute(sa.text("SELECT COUNT(*) FROM period_versions")).scalar()
    assert versions == 13
    assert int(owed) == sum(delta.values()) + _other_deltas(march_old, march_new, delta)
    assert int(applied) == int(owed)  # everything owed was paid or recovered within the year

    payroll = export_rows(ledger, unit="BR01")
    payable = payroll[payroll["payable"]]
    assert len(payable) == 12 * len(march_old)
    assert payable.groupby("period").size().eq(len(march_old)).all()
    check_refuses_changes(ledger)
    ledger.dispose()


def _other_deltas(old: pd.DataFrame, new: pd.DataFrame, named: dict[str, int]) -> int:
    """Managers whose March changed only through the shared pool's rounding, if any."""
    everyone = sum(_cents(new.loc[m, "bonus_final"]) - _cents(old.loc[m, "bonus_final"])
                   for m in old.index)
    return everyone - sum(named.values())


@pytest.mark.parametrize(("before", "period"), [("2026-Q1", "2026-Q2"), ("2026-H1", "2026-H2")])
def test_quarters_and_halves_chain_like_months(tmp_path, small_branch, before, period):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    first = months.run(before)
    months.close(first)
    second = months.run(period)
    assert _pool(second)["carry_in"] == _pool(first)["carry_out"]
