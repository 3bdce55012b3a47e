"""An active manager with no actual for an indicator: an error by default, listing every case;
under the policy `missing_actual: zero` scored 0 and listed by validate, CSV and workbook."""

from __future__ import annotations

import shutil

import pandas as pd
from click.testing import CliRunner
from openpyxl import load_workbook

from appraisal.cli import main
from tests.example_config import SAMPLES, example_raw, write_config


def _inputs_without(tmp_path, drop):
    folder = tmp_path / "inputs"
    shutil.copytree(SAMPLES, folder)
    path = folder / "indicators.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    keep = ~frame.set_index(["manager_id", "indicator"]).index.isin(drop)
    frame[keep].to_csv(path, index=False, encoding="utf-8-sig")
    return folder


DROPPED = [("M0002", "deposit_plan"), ("M0007", "deposit_plan"), ("M0003", "exam_score")]


def test_no_row_for_an_indicator_stops_the_run_listing_every_manager(tmp_path):
    config = write_config(tmp_path, example_raw(), inputs_from=_inputs_without(tmp_path, DROPPED))
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(tmp_path / "out"),
                                       "--set", "language=en"])
    assert result.exit_code == 2, result.output
    for manager, indicator in DROPPED:
        assert (f"indicator '{indicator}', manager '{manager}': no row for this manager and "
                "indicator") in result.output
    assert "missing_actual: zero" in result.output
    assert not (tmp_path / "out").exists()


def test_under_the_zero_policy_every_case_is_listed(tmp_path):
    raw = example_raw()
    for dimension in raw["scorecard"]["dimensions"]:
        for indicator in dimension["indicators"]:
            if indicator["id"] in ("deposit_plan", "exam_score"):
                indicator["missing_actual"] = "zero"
    config = write_config(tmp_path, raw, inputs_from=_inputs_without(tmp_path, DROPPED))
    checked = CliRunner().invoke(main, ["validate", str(config), "--set", "language=en"])
    assert checked.exit_code == 0, checked.output
    assert "3 missing actuals scored 0" in checked.output
    for manager, indicator in DROPPED:
        assert any(manager in line and line.endswith(indicator)
                   for line in checked.output.splitlines())
    out = tmp_path / "out"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert ran.exit_code == 0, ran.output
    listed = pd.read_csv(out / "missing_actuals.csv", dtype=str, encoding="utf-8-sig")
    assert sorted(zip(listed["manager_id"], listed["indicator"], strict=True)) == sorted(DROPPED)
    book = load_workbook(out / "bonus_sheet.xlsx", read_only=True)
    assert "缺失实际值" in book.sheetnames
