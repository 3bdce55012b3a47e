"""Properties of the design tools on random schemes: every weight threshold is feasible and a
grade changes exactly there (bands, dimension and indicator level); compare's parts of the final
bonus always add up to its change."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.analysis.sensitivity import weight_sensitivity, with_weights
from appraisal.config import AppraisalConfig
from appraisal.scorecard import ScorecardResult, grade_by_bands

CONFIG = AppraisalConfig.model_validate(
    {"period": "2026-10", "unit": {"id": "U"}, "inputs": {"managers": "m.csv"}}).scorecard
BOUNDS = [float(g.min_score) for g in CONFIG.grading.grades[:-1]]


def _random_card(seed: int, n: int) -> tuple[ScorecardResult, dict, dict, np.ndarray]:
    rng = np.random.default_rng(seed)
    dims = [d.id for d in CONFIG.dimensions]
    dim_w = dict(zip(dims, rng.dirichlet(np.ones(len(dims))), strict=True))
    local = {d.id: dict(zip([i.id for i in d.indicators],
                            rng.dirichlet(np.ones(len(d.indicators))), strict=True))
             for d in CONFIG.dimensions}
    ids = np.array([f"M{k:04d}" for k in range(n)], dtype=object)
    scores = {i.id: rng.uniform(40, 150, n) for d in CONFIG.dimensions for i in d.indicators}
    points = rng.uniform(0, 10, n)
    return _card(ids, scores, dim_w, local, points), dim_w, local, points


def _card(ids, scores, dim_w, local, points) -> ScorecardResult:
    frame = pd.DataFrame({"manager_id": ids})
    weighted = np.zeros(len(ids))
    for d in CONFIG.dimensions:
        frame[f"{d.id}_score"] = sum(local[d.id][i.id] * scores[i.id] for i in d.indicators)
        weighted += dim_w[d.id] * frame[f"{d.id}_score"].to_numpy()
    composite = weighted + points
    grade_ids = np.array([g.id for g in CONFIG.grading.grades], dtype=object)
    frame = frame.assign(composite=composite, excluded=False, flags="", service_fraction=1.0,
                         grade=grade_ids[grade_by_bands(composite, BOUNDS)])
    long = pd.DataFrame([(m, i, s[k]) for i, s in scores.items() for k, m in enumerate(ids)],
                        columns=["manager_id", "indicator", "score"])
    return ScorecardResult(long, frame, dim_w, local)


def _grades(scores, dim_w, local, points, ids):
    return _card(ids, scores, dim_w, local, points).managers["grade"].to_numpy()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40))
def test_every_threshold_is_feasible_and_exact(seed, n):
    card, dim_w, local, points = _random_card(seed, n)
    ids = card.managers["manager_id"].to_numpy()
    scores = {i: card.scores.loc[card.scores["indicator"] == i, "score"].to_numpy()
              for i in card.scores["indicator"].unique()}
    roster = pd.DataFrame({"manager_id": ids})
    table = weight_sensitivity(card, roster, CONFIG).table
    base = card.managers["grade"].to_numpy()
    for row in table.itertuples(index=False):
        for delta in (row.delta_up, row.delta_down):
            if np.isnan(delta):
                continue
            assert -row.weight_current - 1e-12 <= delta <= 1 - row.weight_current + 1e-12
            grades = []
            for factor in (1 - 1e-7, 1 + 1e-7):
                if row.level == "dimension":
                    changed = with_weights(dim_w, row.criterion, delta * factor)
                    grades.append(_grades(scores, changed, local, points, ids))
                else:
                    level = dict(local)
                    level[row.dimension] = with_weights(local[row.dimension], row.criterion,
                                                        delta * factor)
                    grades.append(_grades(scores, dim_w, level, points, ids))
            assert (grades[0] == base).all()
            assert (grades[1] != base).any()


_PROJECT: list = []


def _project(tmp_path_factory):
    if not _PROJECT:
        from tests.report_fixture import build_project

        _PROJECT.append(build_project(tmp_path_factory.mktemp("properties")))
    return _PROJECT[0]


@settings(max_examples=4, deadline=None)
@given(rate=st.sampled_from([0.03, 0.05, 0.1, 0.25]), cut=st.integers(101, 115),
       coefficient=st.sampled_from([0.5, 0.9, 1.3]))
def test_compare_parts_add_up_to_the_change_of_the_final_bonus(tmp_path_factory, rate, cut,
                                                               coefficient):
    from appraisal.analysis.compare import compare_schemes

    project = _project(tmp_path_factory)
    comparison = compare_schemes(project, project, overrides=[
        f"bonus.shared_pool.withhold_rate={rate}",
        f"scorecard.grading.grades[0].min_score={cut}",
        f"bonus.components[0].bands[2].coefficient={coefficient}"])
    m = comparison.managers
    parts = (m["bonus_profit_delta"] + m["bonus_grade_delta"] + m["limit_adjustment_delta"]
             - m["withheld_delta"] + m["pool_allocation_delta"] + m["pool_redistributed_delta"])
    assert (parts == m["bonus_final_delta"]).all()
    total = comparison.summary["totals_cents"]["bonus_final"]["delta"]
    assert int(m["bonus_final_delta"].sum()) == total
    assert int(comparison.migration["count"].sum()) == int((m["side"] == "both").sum())


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 7), st.integers(2, 6))
def test_every_feasible_wsm_threshold_ties_its_pair(seed, alternatives, criteria):
    """The paper's δ'_k,i,j on random weighted sums: W*_k = W_k − δ' ties P_i and P_j; the
    critical criteria carry the smallest |δ'| and |δ'| / W_k of the feasible thresholds."""
    from appraisal.analysis.sensitivity import critical_criteria, wsm_thresholds

    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 1, (alternatives, criteria))
    w = rng.dirichlet(np.ones(criteria))
    table = wsm_thresholds(a, w)
    ranked = a[np.argsort(-(a @ w), kind="stable")]
    for row in table[table["feasible"]].itertuples(index=False):
        changed = w.copy()
        changed[row.criterion - 1] -= row.delta
        p = ranked @ changed
        assert abs(p[row.i - 1] - p[row.j - 1]) <= 1e-9
        assert -(1 - w[row.criterion - 1]) <= row.delta <= w[row.criterion - 1]
    found = critical_criteria(table)
    feasible = table[table["feasible"]]
    if feasible.empty:
        assert found["PA"] is None
    else:
        best = feasible.loc[feasible["relative"].abs().idxmin()]
        assert found["PA"] == best["criterion"]
        assert (feasible["relative"].abs() >= abs(best["relative"])).all()
