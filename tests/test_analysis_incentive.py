"""Incentive balance: the marginal bonus of one more point, checked against finite differences
(raise one manager's actual by the step in the input file, re-run the whole pipeline, compare
the gross bonus to the cent), and the per-indicator summary."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import appraisal
from appraisal.analysis.incentive import incentive_balance
from appraisal.bonus import compute_bonus
from appraisal.config import load_config
from appraisal.scorecard import compute_scorecard
from appraisal.validate import validate_inputs
from tests.report_fixture import build_project

STEP = "analysis.incentive_balance.step_percent=10"  # big enough to cross boundaries


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("incentive"))


@pytest.fixture(scope="module")
def found(project):
    loaded = load_config(project, [STEP])
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    return result, incentive_balance(result, validation)


def _gross(config_path, overrides=()):
    result = appraisal.run(load_config(config_path, [STEP, *overrides]))
    return result.managers.set_index("manager_id")["bonus_gross"].astype("int64")


def _copy(project, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(project.parent.parent, folder)
    return folder / "configs" / project.name


def _raise_indicator(config, manager, indicator, step):
    path = config.parent.parent / "input_samples" / "indicators.csv"
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = (table["manager_id"] == manager) & (table["indicator"] == indicator)
    assert row.sum() == 1
    table.loc[row, "actual"] = repr(float(table.loc[row, "actual"].iloc[0]) + step)
    table.to_csv(path, index=False, encoding="utf-8-sig")


def _raise_ratings(config, table_name, manager, step):
    path = config.parent.parent / "input_samples" / f"{table_name}.csv"
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = table["manager_id"] == manager
    table.loc[row, "score"] = [repr(float(v) + step) for v in table.loc[row, "score"]]
    table.to_csv(path, index=False, encoding="utf-8-sig")


def _cases(balance, indicator, count=3):
    """Managers of one indicator: those a boundary is near first, then others."""
    rows = balance[balance["indicator"] == indicator]
    near = rows[rows["near_boundary"]]
    rest = rows[~rows["near_boundary"]]
    return pd.concat([near.head(count), rest.head(1)])


@pytest.mark.parametrize("indicator", ["deposit_plan", "npl_ratio", "training_hours",
                                       "exam_score", "research_output",
                                       "medical_balance_rate"])
def test_marginal_bonus_matches_a_finite_difference(project, found, tmp_path, indicator):
    result, balance = found[0], found[1].balance
    base = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    for k, row in enumerate(_cases(balance, indicator).itertuples(index=False)):
        config = _copy(project, tmp_path / f"{k}")
        _raise_indicator(config, row.manager_id, indicator, row.step)
        after = _gross(config)
        assert int(after[row.manager_id] - base[row.manager_id]) == row.marginal_bonus, (
            indicator, row.manager_id)


@pytest.mark.parametrize("table", ["satisfaction", "ratings_360"])
def test_survey_marginal_matches_raising_every_rating(project, found, tmp_path, table):
    result, balance = found[0], found[1].balance
    indicator = {"satisfaction": "satisfaction", "ratings_360": "feedback_360"}[table]
    rows = balance[(balance["indicator"] == indicator) & (balance["actual"] <= 4)]
    ratings = pd.read_csv(project.parent.parent / "input_samples" / f"{table}.csv",
                          encoding="utf-8-sig")
    highest = ratings.groupby("manager_id")["score"].max()
    rows = rows[rows["manager_id"].map(highest) <= 4]  # no rating beyond the scale's top
    picked = pd.concat([rows[rows["near_boundary"]].head(2), rows.head(1)])
    assert len(picked)
    base = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    for k, row in enumerate(picked.itertuples(index=False)):
        config = _copy(project, tmp_path / f"{k}")
        _raise_ratings(config, table, row.manager_id, 1.0)
        after = _gross(config)
        assert int(after[row.manager_id] - base[row.manager_id]) == row.marginal_bonus


def test_rorac_marginal_moves_profit_band_and_score_together(project, found):
    """RORAC comes from the account data: the finite difference re-runs the scorecard and bonus
    stages on the RORAC result with the manager's profit raised by the step (in cents)."""
    result, balance = found[0], found[1].balance
    loaded = load_config(project, [STEP])
    tables = validate_inputs(loaded).frames
    rorac = result.stages.rorac.by_manager
    base = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    rows = _cases(balance, "rorac", 4)
    assert rows["near_boundary"].any()
    for row in rows.itertuples(index=False):
        moved = rorac.copy()
        at = moved["manager_id"].astype(str) == row.manager_id
        moved.loc[at, "rorac"] = moved.loc[at, "rorac"] + round(row.step * 100)
        card = compute_scorecard(
            tables["managers"], result.config.scorecard, result.period,
            indicators=tables["indicators"], ratings_360=tables["ratings_360"],
            satisfaction=tables["satisfaction"], rorac_by_manager=moved,
            local_weights=result.weights.local_weights)
        bonus = compute_bonus(tables["managers"], card.managers, moved, result.config.bonus,
                              result.period, pool_allocations=tables["pool_allocations"])
        after = bonus.managers.set_index("manager_id")["bonus_gross"].astype("int64")
        assert int(after[row.manager_id] - base[row.manager_id]) == row.marginal_bonus


def test_summary_flags_out_of_line_indicators(found):
    summary = found[1].summary
    assert set(summary["indicator"]) >= {"rorac", "deposit_plan", "medical_balance_rate"}
    weighted = summary[summary["global_weight"].notna()]
    assert weighted["weight_share"].sum() == pytest.approx(1.0, abs=1e-9)
    assert weighted["pay_share"].sum() == pytest.approx(1.0, abs=1e-9)
    ratio = weighted["pay_share"] / weighted["weight_share"]
    assert np.allclose(ratio, weighted["balance_ratio"])
    assert (weighted["out_of_line"] == ((ratio > 2.0) | (ratio < 0.5))).all()
    assert summary.loc[summary["indicator"] == "medical_balance_rate", "out_of_line"].item() \
        is False or not summary.loc[summary["indicator"] == "medical_balance_rate",
                                    "out_of_line"].item()
    assert ((summary["share_capped"] >= 0) & (summary["share_capped"] <= 1)).all()


def test_a_linear_scheme_pays_in_line_with_the_weights(project):
    """Grade pay by composite (factor composite, one grade coefficient), no profit component,
    one base for everyone: every point of score pays base × global weight / 100, so every
    ratio is 1 (to the rounding of cents, tolerance 0.5 %)."""
    loaded = load_config(project, [
        "bonus.components=[{id: grade, kind: grade, share: 1.0, factors: [composite]}]",
        "scorecard.grading.grades=[{id: A, coefficient: 1.0, quota: 1.0}]",
        "bonus.funding.base_source=job_level", "bonus.prorate=false",
        "bonus.funding.base_by_job_level={L1: 8000, L2: 8000, L3: 8000, L4: 8000, L5: 8000}"])
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    summary = incentive_balance(result, validation).summary
    weighted = summary[summary["global_weight"].notna()]
    assert np.allclose(weighted["balance_ratio"], 1.0, atol=0.005)
    assert not weighted["out_of_line"].any()


def test_forced_distribution_marginal_reranks_one_manager_only(project, tmp_path):
    """Under a forced distribution the manager's new rank is among the others' unchanged
    composites: checked by a finite difference on the input file."""
    forced = ["scorecard.grading.method=forced", "scorecard.grading.unit=sub_branch"]
    loaded = load_config(project, [STEP, *forced])
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    balance = incentive_balance(result, validation).balance
    base = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    rows = _cases(balance, "deposit_plan", 2)
    assert rows["near_boundary"].any()
    for k, row in enumerate(rows.itertuples(index=False)):
        config = _copy(project, tmp_path / f"{k}")
        _raise_indicator(config, row.manager_id, "deposit_plan", row.step)
        after = _gross(config, forced)
        assert int(after[row.manager_id] - base[row.manager_id]) == row.marginal_bonus


def test_fixed_pool_marginal_is_the_share_with_the_others_unchanged(project, tmp_path):
    """A fixed pool is re-split when one manager moves: the marginal is the manager's new share
    of each sub-pool, S·p'/(P − p + p'). The pool's largest-remainder split can move one cent
    (the population paradox of docs/bonus.md), so the finite difference agrees within 1 cent."""
    pool = ["bonus.funding.mode=fixed_pool", "bonus.funding.pool_amount=360000",
            "bonus.components[1].factors=[composite]"]
    loaded = load_config(project, [STEP, *pool])
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    balance = incentive_balance(result, validation).balance
    base = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    rows = _cases(balance, "deposit_plan", 2)
    assert (rows["marginal_bonus"] != 0).any()
    for k, row in enumerate(rows.itertuples(index=False)):
        config = _copy(project, tmp_path / f"{k}")
        _raise_indicator(config, row.manager_id, "deposit_plan", row.step)
        after = _gross(config, pool)
        assert abs(int(after[row.manager_id] - base[row.manager_id]) - row.marginal_bonus) <= 1


def test_the_workbook_has_the_incentive_chart_when_the_run_adds_it(project, tmp_path):
    """`appraise run --analysis`: a native chart of pay share against weight share on the
    Summary sheet (its data on the chart data sheet) and the PNG in charts/; a plain run has
    neither."""
    import zipfile

    from click.testing import CliRunner

    from appraisal.cli import main

    def charts(folder):
        with zipfile.ZipFile(folder / "bonus_sheet.xlsx") as book:
            return [book.read(n).decode("utf-8") for n in book.namelist()
                    if n.startswith("xl/charts/chart")]

    runner = CliRunner()
    plain, extended = tmp_path / "plain", tmp_path / "extended"
    assert runner.invoke(main, ["run", str(project), "--out", str(plain), "--quiet"]
                         ).exit_code == 0
    done = runner.invoke(main, ["run", str(project), "--out", str(extended), "--quiet",
                                "--analysis"])
    assert done.exit_code == 0, done.output
    assert not any("边际激励占比与权重占比" in c for c in charts(plain))
    assert sum("边际激励占比与权重占比" in c for c in charts(extended)) == 1
    assert len(charts(extended)) == len(charts(plain)) + 1
    assert (extended / "charts" / "incentive_balance.png").is_file()
    assert not (plain / "charts" / "incentive_balance.png").exists()
