"""`appraise compare` edge cases: a proposal for another period or unit is refused (its changes
would be the period's, not the scheme's), naming the key path and both values, exit 2; a
proposal that drops an indicator runs on the same input files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from appraisal.analysis.compare import compare_schemes
from appraisal.cli import main
from appraisal.errors import ConfigError
from tests.report_fixture import build_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("hunt_compare"))


def test_another_period_or_unit_is_refused_in_chinese_nothing_written(project, tmp_path):
    out = tmp_path / "cmp"
    done = CliRunner().invoke(main, ["compare", str(project), str(project), "--out", str(out),
                                     "--set", "period=2026-11", "--set", "unit.id=B02"])
    assert done.exit_code == 2, done.output
    assert done.output == (
        f"错误：{project}：配置中有 2 个问题：\n"
        f"  - period：2026-11 与原方案（{project}）的 period 2026-10 不同：方案对比须在同一"
        "考核期、同一单位上进行；请让两个配置的该项取值相同\n"
        f"  - unit.id：B02 与原方案（{project}）的 unit.id B01 不同：方案对比须在同一考核期、"
        "同一单位上进行；请让两个配置的该项取值相同\n")
    assert not out.exists()


def test_another_period_is_refused_in_english(project, tmp_path):
    out = tmp_path / "cmp"
    done = CliRunner().invoke(main, ["compare", str(project), str(project), "--out", str(out),
                                     "--set", "period=2026-11", "--set", "language=en"])
    assert done.exit_code == 2, done.output
    assert done.output == (
        f"error: {project}: period: 2026-11 differs from the base scheme's period 2026-10 "
        f"({project}): a comparison weighs two schemes on the same period and unit; give both "
        "configs the same value\n")
    assert not out.exists()
    with pytest.raises(ConfigError, match=r"unit\.id: B02 differs"):
        compare_schemes(project, project, overrides=["unit.id=B02"])


def _without_exam_score(config):
    for dimension in config["scorecard"]["dimensions"]:
        dimension["indicators"] = [i for i in dimension["indicators"]
                                   if i["id"] != "exam_score"]


def test_a_proposal_may_drop_an_indicator_on_the_same_input_files(project, tmp_path):
    """The indicators and judgments tables hold the base's exam_score rows: they used to be
    refused for the proposal (75 problems: indicator not declared, criterion not in matrix).
    The proposal's figures equal a plain run on files without those rows."""
    import shutil

    import pandas as pd
    import yaml

    import appraisal
    from appraisal.config import load_config

    config = yaml.safe_load(project.read_text(encoding="utf-8"))
    _without_exam_score(config)
    proposal = project.parent / "proposal_no_exam.yaml"
    proposal.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    comparison = compare_schemes(project, proposal)
    status = comparison.structure.set_index(["item_kind", "item"])["status"]
    assert status[("indicator", "exam_score")] == "base_only"
    assert "exam_score" not in set(comparison.proposal.scores["indicator"])
    # the same proposal alone, on copies of the files without exam_score's rows
    folder = tmp_path / "p"
    shutil.copytree(project.parent.parent, folder)
    inputs = folder / "input_samples"
    for name, keep in (("indicators", lambda t: t["indicator"] != "exam_score"),
                       ("judgments", lambda t: (t["criterion_a"] != "exam_score")
                        & (t["criterion_b"] != "exam_score"))):
        table = pd.read_csv(inputs / f"{name}.csv", encoding="utf-8-sig", dtype=str,
                            keep_default_na=False)
        table[keep(table)].to_csv(inputs / f"{name}.csv", index=False, encoding="utf-8-sig")
    alone = appraisal.run(load_config(folder / "configs" / proposal.name))
    ours = comparison.proposal.managers.set_index("manager_id")
    theirs = alone.managers.set_index("manager_id")
    assert ours["bonus_final"].astype("int64").equals(theirs["bonus_final"].astype("int64"))
    assert (ours["composite"] - theirs["composite"]).abs().max() < 1e-12
    delta = comparison.managers["bonus_final_delta"].astype("int64").sum()
    assert delta == comparison.summary["totals_cents"]["bonus_final"]["delta"]


def test_a_renamed_indicator_finds_no_rows_and_is_refused(project):
    """The base's loan_plan rows are the base's: the proposal's typo_plan has none of its own."""
    from appraisal.errors import InputError

    with pytest.raises(InputError, match="typo_plan"):
        compare_schemes(project, project, overrides=[
            "scorecard.dimensions[1].indicators[1].id=typo_plan"])
