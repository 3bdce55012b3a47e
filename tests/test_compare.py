"""`appraise run --set` and `appraise compare`: overrides by key path, two schemes side by side
on inputs read once, deltas that reconcile to the cent, one-side-only structure."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

import appraisal.analysis.compare as compare_module
from appraisal.analysis.compare import compare_schemes
from appraisal.cli import main
from appraisal.config import apply_overrides, load_config
from appraisal.errors import ConfigError
from tests.report_fixture import build_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("compare"))


def _proposal(project, name, change):
    config = yaml.safe_load(project.read_text(encoding="utf-8"))
    change(config)
    path = project.parent / name
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_set_overrides_a_key_path_with_a_yaml_scalar(project):
    loaded = load_config(project, ["bonus.shared_pool.withhold_rate=0.1",
                                   "scorecard.grading.grades[0].min_score=105",
                                   "bonus.limits.cap=null", "output.charts=false"])
    assert loaded.config.bonus.shared_pool.withhold_rate == 0.1
    assert loaded.config.scorecard.grading.grades[0].min_score == 105
    assert loaded.config.output.charts is False
    assert loaded.overrides[0] == "bonus.shared_pool.withhold_rate=0.1"


@pytest.mark.parametrize(("override", "key", "message"), [
    ("bonus.shared_pool.withhold_rate=2", "bonus.shared_pool.withhold_rate", "must be <= 1"),
    ("bonus.shared_pool.withold_rate=0.1", "bonus.shared_pool.withold_rate", "did you mean"),
    ("scorecard.grading.grades[9].min_score=1", "scorecard.grading.grades[9]", "no list item"),
    ("period=2026-13", "period", "month must be 01..12"),
    ("nonsense", "nonsense", "expected KEY=VALUE"),
    ("bonus..cap=1", "bonus..cap", "expected KEY=VALUE"),
])
def test_bad_override_names_its_key_path(project, override, key, message):
    with pytest.raises(ConfigError) as caught:
        load_config(project, [override])
    text = str(caught.value)
    assert key in text and message in text


def test_override_through_a_value_is_refused():
    with pytest.raises(ConfigError, match=r"period\.month: --set: not a section"):
        apply_overrides({"period": "2026-10"}, ["period.month=1"])


def test_run_set_is_recorded_in_the_manifest_and_exit_2_on_bad_value(project, tmp_path):
    runner = CliRunner()
    out = tmp_path / "run"
    done = runner.invoke(main, ["run", str(project), "--out", str(out), "--quiet",
                                "--set", "bonus.shared_pool.withhold_rate=0.1"])
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit"]["overrides"] == ["bonus.shared_pool.withhold_rate=0.1"]
    assert manifest["config"]["resolved"]["bonus"]["shared_pool"]["withhold_rate"] == 0.1
    bad = runner.invoke(main, ["run", str(project), "--out", str(tmp_path / "bad"), "--quiet",
                               "--set", "bonus.shared_pool.withhold_rate=abc"])
    assert bad.exit_code == 2
    assert "bonus.shared_pool.withhold_rate" in bad.output
    assert "Traceback" not in bad.output and not (tmp_path / "bad").exists()


def test_the_same_scheme_changes_nothing(project):
    comparison = compare_schemes(project, project)
    both = comparison.managers
    assert (both["side"] == "both").all()
    assert (both["bonus_final_delta"] == 0).all() and not both["grade_changed"].any()
    assert comparison.structure.empty and comparison.movers.empty
    assert comparison.inputs["shared"].all()


def test_shared_inputs_are_read_once(project, monkeypatch):
    calls = []
    real = compare_module.read_source

    def counting(loaded, name, *args, **kwargs):
        calls.append(name)
        return real(loaded, name, *args, **kwargs)

    monkeypatch.setattr(compare_module, "read_source", counting)
    comparison = compare_schemes(project, project,
                                 overrides=["bonus.shared_pool.withhold_rate=0.1"])
    assert sorted(calls) == sorted(set(calls))  # every table once, for two runs
    assert len(calls) == len(comparison.inputs)


def test_deltas_reconcile_to_the_cent_and_name_their_driver(project):
    comparison = compare_schemes(project, project, overrides=[
        "bonus.shared_pool.withhold_rate=0.1", "scorecard.grading.grades[0].min_score=105"])
    m = comparison.managers
    parts = (m["bonus_profit_delta"] + m["bonus_grade_delta"] + m["limit_adjustment_delta"]
             - m["withheld_delta"] + m["pool_allocation_delta"] + m["pool_redistributed_delta"])
    assert (parts == m["bonus_final_delta"]).all()
    summary = comparison.summary
    total = summary["totals_cents"]["bonus_final"]
    assert int(m["bonus_final_delta"].sum()) == total["delta"]
    cost_total = comparison.cost[comparison.cost["level"] == "total"].iloc[0]
    assert int(cost_total["bonus_final_delta"]) == total["delta"]
    promoted = m[(m["grade_base"] == "B") & (m["grade_proposal"] == "A")]
    assert len(promoted) == summary["grades_up"] > 0
    assert (promoted["driver"] == "bonus_grade").all()
    assert (promoted["driver_detail"] == "B → A").all()
    migration = comparison.migration.set_index(["grade_from", "grade_to"])["count"]
    assert migration[("B", "A")] == len(promoted)
    assert comparison.migration_matrix.loc["B", "A"] == len(promoted)
    winners = comparison.movers[comparison.movers["direction"] == "winner"]
    assert winners["bonus_final_delta"].is_monotonic_decreasing


def test_structure_differences_are_shown_one_side_only(project):
    def change(config):
        # fixed weights everywhere (no AHP matrices, so no judgments) and no satisfaction
        card = config["scorecard"]
        card["dimension_weights"] = {"financial": 0.4, "customer": 0.3,
                                     "internal_process": 0.2, "learning_growth": 0.1}
        for dimension in card["dimensions"]:
            if dimension["id"] == "customer":
                dimension["indicators"] = [i for i in dimension["indicators"]
                                           if i["id"] != "satisfaction"]
            ids = [i["id"] for i in dimension["indicators"]]
            if len(ids) > 1:
                dimension["weights"] = {i: 1 / len(ids) for i in ids}
        del config["inputs"]["judgments"], config["inputs"]["satisfaction"]
        config["weights"]["accept"] = {}
        config["bonus"]["funding"] = {**config["bonus"]["funding"], "mode": "fixed_pool",
                                      "pool_amount": 350000}
        config["bonus"]["components"].append(
            {"id": "effort", "kind": "grade", "share": 0.2, "factors": ["composite"]})
        config["bonus"]["components"][0]["share"] = 0.5
        config["bonus"]["components"][1]["share"] = 0.3

    proposal = _proposal(project, "proposal_structure.yaml", change)
    comparison = compare_schemes(project, proposal)
    status = comparison.structure.set_index(["item_kind", "item"])["status"]
    assert status[("indicator", "satisfaction")] == "base_only"
    assert status[("indicator", "rorac")] == "changed"  # its global weight
    assert status[("component", "effort")] == "proposal_only"
    assert status[("funding", "mode")] == "changed"
    m = comparison.managers
    assert m["bonus_effort_base"].isna().all() and m["bonus_effort_proposal"].notna().all()
    assert comparison.summary["totals_cents"]["bonus_gross"]["proposal"] == 35_000_000


def test_structure_shows_config_values_as_written(project):
    def change(config):
        config["bonus"]["funding"] = {**config["bonus"]["funding"], "mode": "fixed_pool",
                                      "pool_amount": 1234567.89}
        config["bonus"]["shared_pool"]["withhold_rate"] = 0.0125

    comparison = compare_schemes(project, _proposal(project, "proposal_values.yaml", change))
    shown = comparison.structure.set_index(["item_kind", "item"])["proposal_value"]
    assert shown[("funding", "pool_amount")] == "1234567.89"  # was 1.23457e+06
    assert shown[("shared_pool", "withhold_rate")] == "0.0125"


def test_compare_command_writes_workbook_and_csvs_all_or_nothing(project, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cmp"
    done = runner.invoke(main, ["compare", str(project), str(project), "--out", str(out),
                                "--set", "scorecard.grading.grades[0].min_score=105"])
    assert done.exit_code == 0, done.output
    for name in ("compare.xlsx", "compare_managers.csv", "grade_migration.csv",
                 "cost_by_unit.csv", "winners_losers.csv", "structure.csv", "compare.json",
                 "manifest.json"):
        assert (out / name).is_file(), name
    book = load_workbook(out / "compare.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["方案对比摘要", "逐人对比", "等级迁移"]
    managers = pd.read_csv(out / "compare_managers.csv", dtype=str, encoding="utf-8-sig")
    assert "bonus_final_delta" in managers.columns
    again = runner.invoke(main, ["compare", str(project), str(project), "--out", str(out),
                                 "--set", "language=en"])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(main, ["compare", str(project), str(project), "--out",
                               str(tmp_path / "bad"), "--set", "bonus.funding.mode=lottery"])
    assert bad.exit_code == 2 and "bonus.funding.mode" in bad.output
    assert not (tmp_path / "bad").exists()


def test_compare_reads_each_input_with_its_settings(tmp_path):
    """A roster with a title row above the header (header_row: 2) compares as it runs."""
    path = build_project(tmp_path)
    roster = tmp_path / "input_samples" / "managers.csv"
    roster.write_text("城东支行客户经理名册\n" + roster.read_text(encoding="utf-8-sig"),
                      encoding="utf-8")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["inputs"]["managers"] = {"path": config["inputs"]["managers"]["path"],
                                    "header_row": 2}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    comparison = compare_schemes(path, path, overrides=["bonus.shared_pool.withhold_rate=0.1"])
    assert len(comparison.managers) == len(pd.read_csv(roster, skiprows=1))
