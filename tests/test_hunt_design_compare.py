"""`appraise compare` edge cases: a proposal for another period or unit is refused (its changes
would be the period's, not the scheme's), naming the key path and both values, exit 2."""

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
