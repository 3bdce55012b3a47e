"""Fault hunt on the history ledger, as a bank user would meet the faults: a ledger URL typed
wrong, a schema from another engine version, a ledger that cannot be written, a results
folder whose manifest was edited, a closed row rewritten with SQLite's REPLACE, an export of
names an old ledger holds that a spreadsheet would run as formulas. Each checks its message."""

from __future__ import annotations

import sqlalchemy as sa
import test_history_helpers as helpers
from click.testing import CliRunner
from test_history_helpers import Months

from appraisal.cli import main

ledger_url = helpers.ledger_url  # the fixtures every history test shares
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _sqlite(path) -> str:
    return f"sqlite:///{path}"


# ---------------------------------------------------------------- history export


def test_export_writes_formula_like_texts_of_an_old_ledger_with_a_quote(tmp_path, small_branch,
                                                                       ledger_url):
    months = Months(tmp_path, small_branch, ledger_url)
    months.close(months.run("2026-01"), by="alice")
    ledger = months.ledger()
    with ledger.engine.begin() as conn:  # what an engine before the formula check closed
        row = dict(conn.execute(sa.text("SELECT * FROM period_versions")).mappings().one())
        old = {k: v for k, v in row.items() if k != "id"} | {
            "period": "2025-12", "results_sha256": "0" * 64, "closed_by": "=cmd|' /C calc'!A0",
            "reason": "+1+1"}
        conn.execute(sa.text(f"INSERT INTO period_versions ({', '.join(old)}) VALUES "
                             f"({', '.join(':' + k for k in old)})"), old)
        new_id = conn.execute(sa.text("SELECT id FROM period_versions WHERE period = '2025-12'")
                              ).scalar()
        conn.execute(sa.text(
            "INSERT INTO manager_figures (version_id, manager_id, name, grade, bonus_gross, "
            "withheld, pool_allocation, pool_redistributed, retro_adjustment, bonus_final, "
            "row_json) VALUES (:v, '@SUM(1)', '=HYPERLINK(\"http://x\")', '-2+3', 100, 0, 0, 0, "
            "0, 100, '{}'), (:v, 'M7', '- note', 'A', 100, 0, 0, 0, 0, 100, '{}')"),
            {"v": new_id})
    ledger.dispose()
    out = tmp_path / "payroll.csv"
    url = ledger_url if "://" in ledger_url else _sqlite(ledger_url)
    done = _invoke("history", "export", "--ledger", url, "--out", out, "--period", "2025-12")
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8-sig")
    assert "'@SUM(1)" in text and "'=HYPERLINK(\"\"http://x\"\")" in text
    assert "'=cmd|' /C calc'!A0" in text and "'+1+1" in text and "'-2+3" in text
    assert ",- note," in text  # a dash a person may mean stays as typed
    assert "\n=" not in text and ",=" not in text and ",@" not in text and ",+" not in text
