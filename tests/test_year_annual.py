"""Runs above the month with a ledger (issue 14): `pipeline.run` for a quarter over its
closed months, the annual actuals as `history.annual` aggregates them, the settlement of the
grade component (advances + true-up = due, to the cent), its close (recorded, immutable) and
the next open month paying the true-up as a retro adjustment, once; the config errors name
their key; the statement shows the settlement and the deferral block (zh: no English)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import sqlalchemy as sa
import test_history_helpers as helpers
from test_deferral_ledger import DeferralMonths, _cents, _csv
from test_history_helpers import check_append_only, check_invariants, scaled_pay_base, snapshot

from appraisal.errors import ConfigError
from appraisal.history.db import HistoryError
from appraisal.history.query import export_rows
from appraisal.pipeline import run
from appraisal.report.statements import build_statements

ledger_url = helpers.ledger_url
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch

ANNUAL = {"default": "sum", "aggregation": {"npl_ratio": "mean", "exam_score": "last",
                                            "approval_pass_rate": "mean",
                                            "file_completeness": "mean",
                                            "medical_balance_rate": "mean"}}


def _money(results, name="managers.csv", column="manager_id"):
    frame = _csv(results, name).set_index(column)
    return frame


def test_quarter_settles_the_grade_part_and_the_next_month_pays_it(tmp_path, small_branch,
                                                                   ledger_url):
    months = DeferralMonths(tmp_path, small_branch, ledger_url, history={"annual": ANNUAL})
    ledger = months.ledger()
    seen = snapshot(ledger)
    advances = 0
    try:
        for period in ("2026-01", "2026-02", "2026-03"):
            results = months.run(period)
            advances = advances + _cents(_money(results)["bonus_grade"].astype(str))
            months.close(results)
        quarter_inputs = scaled_pay_base(small_branch, tmp_path / "quarter",
                                         {**{m: 3.0 for m in advances.index},
                                          "M0001": 4.0, "M0002": 2.0})
        results = months.run("2026-Q1", inputs=quarter_inputs)
        table = _money(results, "annual_settlement.csv")
        due = _cents(table["annual_due"].astype(str))
        paid = _cents(table["annual_advances"].astype(str))
        true_up = _cents(table["annual_true_up"].astype(str))
        assert paid.equals(advances.reindex(paid.index).astype("int64").rename(paid.name))
        assert (paid + true_up == due).all()  # advances + true-up = due, to the cent
        managers = _money(results)
        assert (_cents(managers["bonus_grade"].astype(str)) == due).all()
        assert (_cents(managers["annual_true_up"].astype(str)) == true_up).all()
        actuals = _csv(results, "annual_actuals.csv")
        rorac = actuals[actuals["indicator"] == "rorac"]
        assert set(rorac["aggregation"]) == {"sum"}
        assert set(rorac["monthly_actuals"].astype(int)) == {3}
        assert set(actuals.loc[actuals["indicator"] == "satisfaction", "aggregation"]) == {
            "recompute"}
        outcome = months.close(results)
        assert outcome.period == "2026-Q1" and outcome.retro_adjustments == int(
            (true_up != 0).sum())
        now = snapshot(ledger)
        check_append_only(seen, now)
        check_invariants(ledger)
        with ledger.engine.connect() as conn:
            stored = pd.read_sql("SELECT manager_id, annual_due, annual_advances, "
                                 "annual_true_up FROM annual_settlements", conn)
        assert int(stored["annual_true_up"].sum()) == int(true_up.sum())
        assert (stored["annual_advances"] + stored["annual_true_up"]
                == stored["annual_due"]).all()
        with pytest.raises(sa.exc.DBAPIError, match="immutable"), ledger.engine.begin() as c:
            c.execute(sa.text("UPDATE annual_settlements SET annual_true_up = 0"))
        with pytest.raises(Exception, match="closed"):
            months.run("2026-Q1", inputs=quarter_inputs)

        april = months.run("2026-04")
        money = _money(april)
        assert (_cents(money["retro_due"].astype(str)) == true_up.reindex(money.index)).all()
        owed = true_up.reindex(money.index) != 0
        assert (true_up > 0).any() and (true_up < 0).any()
        assert money.loc[owed, "retro_source"].str.contains("annual settlement 2026-Q1").all()
        months.close(april)
        check_invariants(ledger)
        again = scaled_pay_base(small_branch, tmp_path / "quarter-2",
                                {**{m: 3.0 for m in advances.index}, "M0001": 5.0,
                                 "M0002": 2.0})
        revised = months.run("2026-Q1", revision="M0001's annual base corrected", inputs=again)
        change = (_cents(_money(revised, "annual_settlement.csv")["annual_true_up"].astype(str))
                  - true_up)
        assert change["M0001"] > 0 and (change.drop("M0001") == 0).all()
        assert months.close(revised).retro_adjustments == 1  # only the change is owed
        check_invariants(ledger)
        may = months.run("2026-05")  # paid once: only what April could not recover is left
        left = _cents(_money(may)["retro_due"].astype(str))
        applied = _cents(money["retro_adjustment"].astype(str))
        assert (left == true_up.reindex(left.index) - applied.reindex(left.index)
                + change.reindex(left.index)).all()
        export = export_rows(ledger, period="2026-Q1")
        assert not export["payable"].any()  # the quarter's own figures are never paid
    finally:
        ledger.dispose()


def test_annual_run_refuses_months_not_closed(tmp_path, small_branch):
    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                            history={"annual": ANNUAL})
    months.close(months.run("2026-01"))
    with pytest.raises(ConfigError) as caught:
        run(months.config("2026-Q1"))
    text = str(caught.value)
    assert "period:" in text and "not closed in the ledger: 2026-02, 2026-03" in text


def test_a_typed_annual_actual_that_differs_from_the_ledger_is_refused(tmp_path, small_branch):
    """The annual actual of an aggregated indicator comes from the closed months; a different
    figure typed in the annual indicators table is an input error naming its row, never a
    silent replacement (blank actuals, as `annual_inputs` leaves them, run)."""
    from appraisal.errors import InputError

    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                            history={"annual": ANNUAL})
    for period in ("2026-01", "2026-02", "2026-03"):
        months.close(months.run(period))
    typed = helpers.annual_inputs(small_branch, tmp_path / "typed")
    table = pd.read_csv(typed / "indicators.csv", dtype=str, keep_default_na=False)
    monthly = pd.read_csv(small_branch / "indicators.csv", dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
    summed = table["indicator"] == "deposit_plan"  # default rule: sum of the three months
    table.loc[summed, "actual"] = monthly.loc[summed, "actual"]  # one month's figure typed
    table.to_csv(typed / "indicators.csv", index=False)
    config = months.config("2026-Q1")
    config.write_text(config.read_text(encoding="utf-8").replace(
        str(config.parent / "annual-inputs"), str(typed)), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run(config)
    issue = caught.value.issues[0]
    first = int(summed.to_numpy().argmax()) + 2
    assert issue.column == "actual" and issue.row == first
    assert issue.rule == ("indicator 'deposit_plan': the annual actual comes from the closed "
                          "months (sum of 3 months)")
    assert "the ledger's figure for manager" in issue.expected and "recompute" in issue.expected
    assert run(months.config("2026-Q1")).managers["annual_due"].notna().all()


def test_annual_run_config_errors_name_the_key(tmp_path, small_branch):
    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                            history={"annual": {"aggregation": {"rorac": "sum",
                                                                "unknown_kpi": "sum",
                                                                "satisfaction": "mean"}}})
    with pytest.raises(ConfigError) as caught:
        run(months.config("2026-Q1"))
    text = str(caught.value)
    assert "history.annual.aggregation.unknown_kpi: no indicator unknown_kpi" in text
    assert re.search(r"history\.annual\.aggregation\.deposit_plan: indicator deposit_plan "
                     r"has no aggregation rule", text)
    assert "history.annual.aggregation.satisfaction: indicator satisfaction comes from " \
           "satisfaction" in text
    plain = DeferralMonths(tmp_path / "plain", small_branch, str(tmp_path / "p.sqlite"))
    plain.close(plain.run("2026-01"))
    with pytest.raises(HistoryError, match=r"not 2025, the period before 2026.*add "
                                           r"history\.annual"):
        run(plain.config("2026"))


def test_annual_run_with_pool_allocations_is_a_config_error(tmp_path, small_branch):
    """The shared pool is monthly: a settlement run takes no allocations, and says so by key
    (not as an allocation exceeding an empty pool)."""
    import yaml
    from example_config import ROOT

    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                            history={"annual": ANNUAL})
    config = months.config("2026-Q1")
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["inputs"]["pool_allocations"] = str(ROOT / "input_samples" / "pool_allocations.csv")
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        run(config)
    assert "inputs.pool_allocations: period 2026-Q1 settles the grade component" in str(
        caught.value)


def test_no_monthly_grade_part_is_refused_when_months_paid_one(tmp_path, small_branch):
    annual = {**ANNUAL, "grade_advances": "none"}
    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                            history={"annual": annual})
    for period in ("2026-01", "2026-02", "2026-03"):
        months.close(months.run(period))
    with pytest.raises(ConfigError, match=r"history\.annual\.grade_advances: none says .* "
                                          r"2026-01, 2026-02, 2026-03 paid one"):
        run(months.config("2026-Q1"))


def test_statement_shows_deferral_block_and_schedule(tmp_path, small_branch):
    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"))
    months.close(months.run("2026-01"))
    result = run(months.config("2026-02"))
    for language in ("zh", "en"):
        statements = {s.manager_id: s for s in build_statements(result, language=language)}
        texts = [c.shown for r in statements["M0001"].rows for c in r.cells]
        if language == "zh":
            assert "递延支付与追索扣回" in texts and "递延余额" in texts and "到期月份" in texts
            block = texts[texts.index("递延支付与追索扣回"):]
            english = [t for t in block if t and re.search(r"[A-Za-z]{2,}", t)]
            assert english == [], english
        else:
            assert "Deferred pay and clawback" in texts and "Deferred balance" in texts
        frame = result.managers.set_index("manager_id")
        balance = int(frame.loc["M0001", "deferral_balance"])
        schedule = next(t.frame for t in result.extra if t.key == "deferral_schedule")
        mine = schedule[(schedule["manager_id"] == "M0001")
                        & (schedule["tranche_status"] == "deferred")]
        assert balance == int(mine["unreleased"].sum()) > 0
        values = [c.value for r in statements["M0001"].rows for c in r.cells]
        assert balance in values and all(int(v) in values for v in mine["unreleased"])
    from appraisal.report.statements import write_statements

    written = write_statements(result, tmp_path / "statements", formats=("xlsx", "pdf"),
                               workers=1)
    assert {p.suffix for p in written} == {".xlsx", ".pdf"}


def test_minimum_guarantee_beyond_the_first_year_is_a_warning_in_the_manifest(tmp_path,
                                                                             small_branch):
    import json

    class Guaranteed(DeferralMonths):
        def raw(self, period, carry_in=None):
            raw = super().raw(period, carry_in)
            raw["bonus"].setdefault("limits", {})["minimum_guarantee"] = {
                "amount": 100, "within_months_of_hire": 24}
            return raw

    months = Guaranteed(tmp_path, small_branch, str(tmp_path / "l.sqlite"))
    results = months.run("2026-01")
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    warnings = manifest["audit"]["deferral"]["warnings"]
    assert any("bonus.limits.minimum_guarantee applies beyond a new hire's first year "
               "(within_months_of_hire: 24)" in w for w in warnings), warnings


def test_annual_run_writes_workbook_and_statements_with_the_settlement(tmp_path, small_branch):
    from openpyxl import load_workbook

    from appraisal.config.report import OUTPUT_FILES
    from appraisal.report.writer import write_run

    class Full(DeferralMonths):
        full = False

        def raw(self, period, carry_in=None):
            raw = super().raw(period, carry_in)
            if self.full:  # every output (pool_allocations.csv empty: no allocations here)
                raw["output"]["files"] = list(OUTPUT_FILES)
                raw["output"]["statements"] = "both"
            return raw

    recompute = {**ANNUAL, "aggregation": {**ANNUAL["aggregation"], "rorac": "recompute"}}
    months = Full(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                  history={"annual": recompute})
    for period in ("2026-01", "2026-02", "2026-03"):
        months.close(months.run(period))
    months.full = True
    result = run(months.config("2026-Q1"))
    out = write_run(result, tmp_path / "q1")
    book = load_workbook(out / "bonus_sheet.xlsx", read_only=True)
    assert "年度清算" in book.sheetnames and "年度指标汇总" in book.sheetnames
    assert (out / "statements" / "M0001.pdf").is_file() or any(out.rglob("M0001.pdf"))
    statements = {s.manager_id: s for s in build_statements(result)}
    texts = [c.shown for r in statements["M0001"].rows for c in r.cells]
    block = texts[texts.index("年度清算（等级奖金）"):]
    assert "年度清算补扣" in block and not any(re.search(r"[A-Za-z]{2,}", t or "")
                                             for t in block)
    frame = result.managers.set_index("manager_id")
    values = [c.value for r in statements["M0001"].rows for c in r.cells]
    assert int(frame.loc["M0001", "annual_true_up"]) in values
    # rorac: recompute — the RORAC stage over the quarter's own accounts, not the months' sum
    actuals = next(t.frame for t in result.extra if t.key == "annual_actuals")
    rorac = actuals[actuals["indicator"] == "rorac"].set_index("manager_id")
    assert set(rorac["aggregation"]) == {"recompute"}
    assert (rorac["monthly_actuals"] == 0).all()
    assert ((rorac["actual"] * 100).round().astype("int64")
            == frame.loc[rorac.index, "rorac"].astype("int64")).all()


def test_cli_run_of_a_year_names_the_months_not_closed_and_exits_2(tmp_path, small_branch):
    from click.testing import CliRunner

    from appraisal.cli import main

    months = DeferralMonths(tmp_path, small_branch, str(tmp_path / "l.sqlite"),
                            history={"annual": ANNUAL})
    months.close(months.run("2026-01"))
    outcome = CliRunner().invoke(main, ["run", str(months.config("2026")), "--quiet",
                                        "--set", "language=en"], catch_exceptions=False)
    assert outcome.exit_code == 2
    assert "not closed in the ledger: 2026-02, 2026-03" in outcome.output
    assert "Traceback" not in outcome.output
