"""Scorecard keys that were read wrong or worded in English only: the additional dimension's
floor above its cap (points were clipped to the cap, silently), a rule without its kind."""

from __future__ import annotations

from example_config import refused_run

KINDS = "'ratio', 'lower_better', 'piecewise', 'scale', 'percentile', 'direct'"


def _run(tmp_path, language, change):
    return refused_run(tmp_path / language, language, lambda raw: change(raw["scorecard"]))


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
