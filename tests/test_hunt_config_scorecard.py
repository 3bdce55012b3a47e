"""Scorecard keys that were read wrong or worded in English only: the additional dimension's
floor above its cap (points were clipped to the cap, silently), a rule without its kind."""

from __future__ import annotations

from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main

KINDS = "'ratio', 'lower_better', 'piecewise', 'scale', 'percentile', 'direct'"


def _run(tmp_path, language, change):
    raw = example_raw()
    raw["language"] = language
    change(raw["scorecard"])
    folder = tmp_path / language
    folder.mkdir()
    config = write_config(folder, raw)
    out = folder / "out"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert not out.exists()
    return ran.exit_code, ran.output.replace(str(config), "CONFIG")


def test_additional_points_floor_above_cap_is_refused(tmp_path):
    def change(card):
        card["additional"]["floor"] = 20

    assert _run(tmp_path, "en", change) == (
        2, "error: CONFIG: scorecard.additional: floor (20.0) is above cap (10.0)\n")
    assert _run(tmp_path, "zh", change) == (
        2, "错误：CONFIG：scorecard.additional：保底（20.0）高于封顶（10.0）\n")


def test_a_rule_without_its_kind_names_the_kinds(tmp_path):
    def change(card):
        card["dimensions"][1]["indicators"][0]["rule"] = {"zero_target": "error"}

    key = "scorecard.dimensions[1].indicators[0].rule"
    assert _run(tmp_path, "en", change) == (
        2, f"error: CONFIG: {key}: the key 'kind' is missing: give one of {KINDS}\n")
    assert _run(tmp_path, "zh", change) == (
        2, f"错误：CONFIG：{key}：缺少键 'kind'：请给出以下之一：{KINDS}\n")
