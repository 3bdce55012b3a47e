"""Incentive balance on a target of 0 (`zero_target: cap_if_exceeded`): one percent of 0 is no
step at all, so the marginal point used to be 0 for a manager one unit away from the cap."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import appraisal
from appraisal.analysis.incentive import incentive_balance
from appraisal.config import load_config
from appraisal.validate import validate_inputs
from tests.report_fixture import build_project

ZERO = "scorecard.dimensions[1].indicators[0].rule.zero_target=cap_if_exceeded"  # deposit_plan


def _set_indicator(folder, manager, indicator, actual, target):
    path = folder / "input_samples" / "indicators.csv"
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = (table["manager_id"] == manager) & (table["indicator"] == indicator)
    assert row.sum() == 1
    table.loc[row, ["actual", "target"]] = [actual, target]
    table.to_csv(path, index=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    config = build_project(tmp_path_factory.mktemp("hunt_zero_target"))
    _set_indicator(config.parent.parent, "M0022", "deposit_plan", "0", "0")
    return config


def test_a_zero_target_steps_by_unit_step_and_matches_the_rerun(project, tmp_path):
    loaded = load_config(project, [ZERO])
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    balance = incentive_balance(result, validation).balance
    cell = balance[(balance["manager_id"] == "M0022")
                   & (balance["indicator"] == "deposit_plan")].iloc[0]
    assert cell["step"] == 1.0  # unit_step, not 1 % of 0
    assert cell["score"] == 100.0  # actual 0 at target 0
    assert cell["score_change"] == 50.0  # actual 1 > 0: the cap, 150
    assert (cell["grade"], cell["grade_after"]) == ("B", "A")  # 108.24 + 4.61 crosses 110
    assert cell["marginal_bonus"] == 72_000  # 720.00 yuan, the A grade's component
    # the same step through the whole pipeline: the input file edited, the run repeated
    folder = tmp_path / "p"
    shutil.copytree(project.parent.parent, folder)
    _set_indicator(folder, "M0022", "deposit_plan", "1", "0")
    rerun = appraisal.run(load_config(folder / "configs" / project.name, [ZERO]))
    before = result.managers.set_index("manager_id").loc["M0022"]
    after = rerun.managers.set_index("manager_id").loc["M0022"]
    assert after["composite"] - before["composite"] == pytest.approx(cell["composite_change"],
                                                                     abs=1e-9)
    assert int(after["bonus_gross"]) - int(before["bonus_gross"]) == cell["marginal_bonus"]
