"""Weight robustness (Triantaphyllou & Sánchez 1997, adapted to grade cut-offs and forced
quotas): a hand-worked example of the paper's threshold, and brute force on the sample branch —
moving each weight by the reported threshold ± a small amount changes a grade exactly there."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import appraisal
from appraisal.analysis.sensitivity import (
    renormalised_delta,
    ts_threshold,
    weight_sensitivity,
    with_weights,
)
from appraisal.analysis.tables import with_sensitivity
from appraisal.cli import main
from appraisal.config import load_config
from appraisal.scorecard import compute_scorecard
from appraisal.validate import validate_inputs
from tests.report_fixture import build_project

EPS = 1e-6  # relative step either side of a threshold


def test_threshold_of_the_paper_on_a_hand_worked_example():
    """Two alternatives, two criteria, W = (0.6, 0.4); a_1 = (80, 100), a_2 = (100, 60):
    P_1 = 88, P_2 = 84. δ'_1,1,2 = (84 − 88)/(100 − 80) = −0.2, so W*_1 = 0.8 ties them
    (64 + 40 = 80 + 24 = 104); feasible since −(1 − 0.6) <= −0.2 <= 0.6. Renormalised:
    W_1 = 0.8 / 1.2 = 2/3, a change of +1/15 = −(−0.2)(0.4)/(1.2). Tolerance 1e-12."""
    a = np.array([[80.0, 100.0], [100.0, 60.0]])
    w = np.array([0.6, 0.4])
    p = a @ w
    assert p.tolist() == pytest.approx([88.0, 84.0], abs=1e-12)
    delta = ts_threshold(p[0], p[1], a[0, 0], a[1, 0])
    assert delta == pytest.approx(-0.2, abs=1e-12)
    assert -(1 - w[0]) <= delta <= w[0]
    changed = w.copy()
    changed[0] -= delta
    assert (a @ changed)[0] == pytest.approx((a @ changed)[1], abs=1e-12)
    renormalised = renormalised_delta(delta, w[0])
    assert renormalised == pytest.approx(1 / 15, abs=1e-12)
    level = with_weights({"c1": 0.6, "c2": 0.4}, "c1", renormalised)
    assert sum(level.values()) == pytest.approx(1.0, abs=1e-12)
    ranked = a @ np.array([level["c1"], level["c2"]])
    assert ranked[0] == pytest.approx(ranked[1], abs=1e-12)


def _grades(loaded, tables, result, local_weights):
    card = compute_scorecard(
        tables["managers"], result.config.scorecard, result.period,
        indicators=tables.get("indicators"), ratings_360=tables.get("ratings_360"),
        satisfaction=tables.get("satisfaction"),
        rorac_by_manager=result.stages.rorac.by_manager, local_weights=local_weights)
    return card.managers.set_index("manager_id")["grade"]


def _check_brute_force(config_path, overrides=()):
    loaded = load_config(config_path, overrides)
    tables = validate_inputs(loaded).frames
    result = appraisal.run(loaded)
    found = weight_sensitivity(result.stages.scorecard, result.managers,
                               result.config.scorecard)
    base = _grades(loaded, tables, result, result.weights.local_weights)
    checked = 0
    for row in found.table.itertuples(index=False):
        for delta, flips in ((row.delta_up, row.flips_up), (row.delta_down, row.flips_down)):
            if np.isnan(delta):
                continue
            local = {k: dict(v) for k, v in result.weights.local_weights.items()}
            original = dict(local[row.matrix])
            before = dict(local)
            before[row.matrix] = with_weights(original, row.criterion, delta * (1 - EPS))
            after = dict(local)
            after[row.matrix] = with_weights(original, row.criterion, delta * (1 + EPS))
            unchanged = _grades(loaded, tables, result, before)
            changed = _grades(loaded, tables, result, after)
            assert (unchanged == base).all(), (row.criterion, delta)
            moved = changed.index[changed != base].tolist()
            assert moved, (row.criterion, delta)
            named = [m for m in moved if m in flips]
            assert named, (row.criterion, flips, moved)
            checked += 1
    return found, checked


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("sensitivity"))


def test_band_thresholds_agree_with_brute_force(project):
    found, checked = _check_brute_force(project)
    assert checked >= 10
    table = found.table
    assert (table["delta_up"].dropna() > 0).all() and (table["delta_down"].dropna() < 0).all()
    assert (table["weight_current"] + table["delta_up"].fillna(0) <= 1).all()
    assert (table["weight_current"] + table["delta_down"].fillna(0) >= 0).all()
    relative = table["delta_up"] / table["weight_current"]
    assert np.allclose(relative.dropna(), table["delta_up_relative"].dropna())
    assert table.loc[table["critical_rank"] == 1].shape[0] >= 1
    assert set(table["level"]) == {"dimension", "indicator"}


def test_forced_distribution_thresholds_agree_with_brute_force(project):
    found, checked = _check_brute_force(
        project, ["scorecard.grading.method=forced", "scorecard.grading.unit=sub_branch"])
    assert checked >= 10
    assert found.table["flips_up"].str.contains("↔").any()


def test_sensitivity_is_in_weights_json_only_when_asked(project, tmp_path):
    plain = appraisal.run(project)
    assert "sensitivity" not in plain.weights.to_dict()
    extended = with_sensitivity(plain)
    data = json.loads(json.dumps(extended.weights.to_dict()))
    assert data["sensitivity"]["weights"][0]["level"] == "dimension"
    assert extended.extra_table("weight_sensitivity") is not None
    runner = CliRunner()
    out = tmp_path / "with"
    done = runner.invoke(main, ["run", str(project), "--out", str(out), "--quiet",
                                "--analysis"])
    assert done.exit_code == 0, done.output
    weights = json.loads((out / "weights.json").read_text(encoding="utf-8"))
    assert "sensitivity" in weights and (out / "weight_sensitivity.csv").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit"]["analysis"]["weight_sensitivity"] is True
    again = tmp_path / "again"
    assert runner.invoke(main, ["run", str(project), "--out", str(again), "--quiet",
                                "--analysis"]).exit_code == 0
    for path in sorted(out.rglob("*")):  # the analysis outputs are deterministic too
        if path.is_file() and path.name != "manifest.json":
            assert path.read_bytes() == (again / path.relative_to(out)).read_bytes(), path.name


def test_weights_command_shows_the_sensitivity(project):
    runner = CliRunner()
    shown = runner.invoke(main, ["weights", "--config", str(project), "--sensitivity"])
    assert shown.exit_code == 0, shown.output
    assert "财务" in shown.output and "B→A (110)" in shown.output
    as_json = runner.invoke(main, ["weights", "--config", str(project), "--sensitivity",
                                   "--json"])
    assert json.loads(as_json.output)["sensitivity"]["weights"]


def _tied_card(project):
    """The sample under a forced distribution by sub-branch, with the highest-ranked manager
    below the first quota boundary of a unit given exactly the composite of the lowest-ranked
    one above it (as if their additional points differed): an exact tie, decided by
    manager_id. Returns (result, card with the tie, the pair, the unit)."""
    import dataclasses

    from appraisal.scorecard import forced_distribution

    forced = ["scorecard.grading.method=forced", "scorecard.grading.unit=sub_branch"]
    result = appraisal.run(load_config(project, forced))
    card = result.stages.scorecard
    frame = card.managers.copy()
    unit = result.managers.set_index("manager_id")["sub_branch"].reindex(
        frame["manager_id"]).to_numpy(dtype=object)
    quotas = [g.quota for g in result.config.scorecard.grading.grades]
    grade, rank = forced_distribution(frame["composite"], frame["manager_id"], unit, quotas)
    ids = frame["manager_id"].astype(str).to_numpy()
    pairs = []
    for name in pd.unique(unit):
        members = np.flatnonzero(unit == name)
        order = members[np.argsort(rank[members])]
        for b in np.flatnonzero(np.diff(grade[order]) > 0):
            pairs.append((order[b], order[b + 1]))
    # on a tie the earlier manager_id ranks first: pick a pair where that keeps the order
    above, below = next((a, b) for a, b in pairs if ids[a] < ids[b])
    frame.loc[frame.index[below], "composite"] = frame["composite"].iloc[above]
    tied = dataclasses.replace(card, managers=frame)
    again, _ = forced_distribution(frame["composite"], frame["manager_id"], unit, quotas)
    assert (again == grade).all()  # the tie keeps every grade
    return result, tied, (ids[above], ids[below]), unit, quotas


def test_an_exact_tie_at_a_quota_boundary_has_threshold_zero(project):
    """Two managers with equal composites straddling a forced-distribution quota boundary: any
    change of a weight in the direction in which the one below gains swaps them, so the
    threshold is 0 with the pair named; checked by regrading at ±10⁻⁷ with the composites
    recomputed from the dimension scores at the changed weights."""
    from appraisal.scorecard import forced_distribution

    result, tied, (above, below), unit, quotas = _tied_card(project)
    found = weight_sensitivity(tied, result.managers, result.config.scorecard).table
    dims = found[found["level"] == "dimension"]
    pair = f"{above} ↔ {below}"
    zero = dims[((dims["delta_up"] == 0) & dims["flips_up"].str.startswith(pair))
                | ((dims["delta_down"] == 0) & dims["flips_down"].str.startswith(pair))]
    assert len(zero) >= 1
    assert (zero["critical_rank"] == 1).all()
    frame = tied.managers
    names = [d.id for d in result.config.scorecard.dimensions]
    scores = frame[[f"{d}_score" for d in names]].to_numpy(dtype="float64")
    weights = tied.dimension_weights
    fixed = frame["composite"].to_numpy() - scores @ np.array([weights[d] for d in names])
    base, _ = forced_distribution(frame["composite"], frame["manager_id"], unit, quotas)
    ids = frame["manager_id"].astype(str).to_numpy()
    for row in zero.itertuples(index=False):
        direction = 1.0 if row.delta_up == 0 else -1.0
        for sign, changes in ((direction, True), (-direction, False)):
            moved = with_weights(weights, row.criterion, sign * 1e-7)
            composite = scores @ np.array([moved[d] for d in names]) + fixed
            grade, _ = forced_distribution(composite, frame["manager_id"], unit, quotas)
            swapped = set(ids[grade != base])
            if changes:
                assert {above, below} <= swapped, row.criterion
            else:
                assert not ({above, below} & swapped), row.criterion


def test_the_papers_procedure_on_a_hand_worked_weighted_sum():
    """The paper's full procedure for a WSM (every pair, feasibility, relative thresholds, the
    AT/PT/AA/PA critical criteria) on a hand-worked example — the paper's own numeric example
    could not be read here (docs/design-tools.md). W = (0.5, 0.3, 0.2);
    A1 = (0.6, 0.2, 0.3): P = 0.42; A2 = (0.2, 0.7, 0.5): P = 0.41; A3 = (0.2, 0.2, 0.2): 0.20.
    A1/A2: δ'_1 = −0.01/−0.4 = 0.025 (5 %), δ'_2 = −0.01/0.5 = −0.02 (−6.67 %),
    δ'_3 = −0.01/0.2 = −0.05 (−25 %), all feasible; W*_1 = 0.475 ties them at 0.405,
    W*_2 = 0.32 at 0.424, W*_3 = 0.25 at 0.435. A1/A3: 0.55 > W_1, none, 2.2 > W_3: infeasible;
    A2/A3: none, 0.42 > W_2, 0.7 > W_3: infeasible. So the absolute-top critical criterion is
    C2 (|δ'| 0.02) but the percent-top one is C1 (5 %). Tolerance 1e-12."""
    from appraisal.analysis.sensitivity import critical_criteria, wsm_thresholds

    a = np.array([[0.6, 0.2, 0.3], [0.2, 0.7, 0.5], [0.2, 0.2, 0.2]])
    w = np.array([0.5, 0.3, 0.2])
    table = wsm_thresholds(a, w).set_index(["criterion", "i", "j"])
    expected = {(1, 1, 2): 0.025, (2, 1, 2): -0.02, (3, 1, 2): -0.05}
    for key, delta in expected.items():
        assert table.loc[key, "delta"] == pytest.approx(delta, abs=1e-12)
        assert bool(table.loc[key, "feasible"])
        assert table.loc[key, "relative"] == pytest.approx(delta / w[key[0] - 1], abs=1e-12)
        changed = w.copy()
        changed[key[0] - 1] -= delta
        p = a @ changed
        assert p[0] == pytest.approx(p[1], abs=1e-12)
    assert table["feasible"].sum() == 3
    assert table.loc[(1, 1, 3), "delta"] == pytest.approx(0.55, abs=1e-12)
    assert np.isinf(table.loc[(2, 1, 3), "delta"])
    assert critical_criteria(wsm_thresholds(a, w)) == {"AT": 2, "PT": 1, "AA": 2, "PA": 1}
    for key in expected:  # the paper's δ' and this module's renormalised δ swap them alike
        k = key[0] - 1
        renormalised = renormalised_delta(table.loc[key, "delta"], w[k])
        level = with_weights({"c1": 0.5, "c2": 0.3, "c3": 0.2}, f"c{k + 1}", renormalised)
        p = a @ np.array(list(level.values()))
        assert p[0] == pytest.approx(p[1], abs=1e-12)
