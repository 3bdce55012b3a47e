"""Incentive balance in a fixed pool where caps and floors bind, and for years of service.

Fixed pool (`funding.mode: fixed_pool`): one manager's extra point re-shares the whole pool, and
can move who is capped or floored. The reported marginal is the manager's exact gross change
with the pool re-shared and the limits water-filled again (issue 17). Checked three ways:
- against the stage's own re-share for that one manager (`PoolTerms.gross`, the code path of
  `compute_bonus` before its rounding), for every manager × indicator, to 10⁻⁶ cent;
- by finite differences through the real pipeline (the input file edited, the whole run
  repeated): the re-run's exact gross (its own `PoolTerms.gross`) gives the same marginal to
  the cent, and the re-run's paid cents differ from it only by the stage's largest-remainder
  rounding of the re-shared pool (each rounded column moves a cent at most: ≤ 2 cents here,
  a component and the limited gross; docs/bonus.md "population paradox");
- what the manager gains, the others lose (`others_change` = −marginal; Σ gross = pool).
Years of service (`tenure_years`): one more year, by moving the hire date 4 × 365.25 days
earlier with a 4-year step.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import appraisal
from appraisal.analysis.incentive import (
    _cells,
    _declared,
    _new_card,
    incentive_balance,
    pool_marginals,
)
from appraisal.bonus import PoolTerms, pool_terms
from appraisal.config import load_config
from appraisal.money import to_cents
from appraisal.validate import validate_inputs
from tests.report_fixture import build_project

POOL = ["bonus.funding.mode=fixed_pool", "bonus.funding.pool_amount=360000",
        "bonus.components[1].factors=[composite]", "bonus.limits.cap=7500",
        "bonus.limits.floor=5000", "analysis.incentive_balance.step_percent=10"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("pool"))


@pytest.fixture(scope="module")
def pooled(project):
    loaded = load_config(project, POOL)
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    return result, validation, incentive_balance(result, validation).balance


def _terms(result, validation, card=None, rorac=None):
    return pool_terms(validation.frames["managers"],
                      result.stages.scorecard.managers if card is None else card,
                      result.stages.rorac.by_manager if rorac is None else rorac,
                      result.config.bonus, result.period)


def test_caps_and_floors_bind_in_the_scheme(pooled):
    """The scheme has capped, floored and rescaled managers, and the pool's terms give the
    stage's gross before its rounding: within a cent of what it pays, the same total."""
    result, validation, _ = pooled
    limits = set(result.managers["limit_applied"])
    assert {"cap", "floor", "rescaled"} <= limits
    terms = _terms(result, validation)
    paid = result.managers.set_index("manager_id")["bonus_gross"].reindex(terms.ids)
    exact = terms.gross()
    assert np.abs(paid.to_numpy(dtype="float64") - exact).max() < 1.0
    assert exact.sum() == pytest.approx(terms.pool, abs=1e-6)
    assert int(paid.sum()) == terms.pool


def test_closed_form_equals_the_stages_own_reshare_for_every_cell(pooled):
    """Every manager × indicator: the vectorised regime solution against the engine's
    water-filling re-run on that one manager's new points (tolerance 10⁻⁶ cent)."""
    result, validation, _ = pooled
    config = result.config
    base = _terms(result, validation)
    cells = _cells(result, _declared(config), 10.0, 1.0)
    checked = crossed = 0
    for _, rows in cells.groupby("indicator"):
        rorac = result.stages.rorac.by_manager
        if rows["source"].iloc[0] == "rorac_amount":
            step = rows.set_index("manager_id")["step"]
            rorac = rorac.assign(rorac=rorac["rorac"].to_numpy("int64") + to_cents(
                step.reindex(rorac["manager_id"].astype(str)).fillna(0.0).to_numpy()))
        moved = _terms(result, validation, _new_card(result, rows, config), rorac)
        found = pool_marginals(base, moved)
        now = base.gross()
        for m in range(len(base.ids)):
            points = {c: base.points[c].copy() for c in base.points}
            for c in points:
                points[c][m] = moved.points[c][m]
            again = base.gross(points)
            assert found.after[m] == pytest.approx(again[m], abs=1e-6)
            crossed += int(np.sum((again <= base.lower + 1e-6) != (now <= base.lower + 1e-6))
                           + np.sum((again >= base.upper - 1e-6) != (now >= base.upper - 1e-6)))
            checked += 1
    assert checked == len(cells)
    assert crossed > 0  # some steps move another manager onto or off a limit


def _copy(project, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(project.parent.parent, folder)
    return folder / "configs" / project.name


def _edit(config, table, manager, column, change, indicator=None):
    path = config.parent.parent / "input_samples" / f"{table}.csv"
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = frame["manager_id"] == manager
    if indicator is not None:
        row &= frame["indicator"] == indicator
    assert row.sum() >= 1
    frame.loc[row, column] = [change(v) for v in frame.loc[row, column]]
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def _rerun(config, overrides):
    loaded = load_config(config, overrides)
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    terms = _terms(result, validation)
    exact = pd.Series(terms.gross(), index=terms.ids)
    paid = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    return exact, paid


def _picked(balance, indicator):
    rows = balance[balance["indicator"] == indicator]
    return pd.concat([rows[rows["near_boundary"]].head(2),
                      rows[rows["capped_now"]].head(1),
                      rows[~rows["near_boundary"] & ~rows["capped_now"]].head(1)])


@pytest.mark.parametrize("indicator", ["deposit_plan", "npl_ratio", "training_hours"])
def test_fixed_pool_marginal_matches_a_finite_difference(project, pooled, tmp_path, indicator):
    result, validation, balance = pooled
    terms = _terms(result, validation)
    now = pd.Series(terms.gross(), index=terms.ids)
    paid_now = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    rows = _picked(balance, indicator)
    assert (rows["marginal_bonus"] != 0).any()
    for k, row in enumerate(rows.itertuples(index=False)):
        config = _copy(project, tmp_path / f"{k}")
        _edit(config, "indicators", row.manager_id, "actual",
              lambda v, s=row.step: repr(float(v) + s), indicator)
        exact, paid = _rerun(config, POOL)
        gained = float(exact[row.manager_id] - now[row.manager_id])
        assert int(to_cents(gained / 100.0)) == row.marginal_bonus, (indicator, row.manager_id)
        others = float((exact - now).drop(row.manager_id).sum())
        assert others == pytest.approx(-gained, abs=1e-5)
        assert row.others_change == -row.marginal_bonus
        rounding = int(paid[row.manager_id] - paid_now[row.manager_id]) - row.marginal_bonus
        assert abs(rounding) <= 2, (indicator, row.manager_id, rounding)
        assert int(paid.sum()) == int(paid_now.sum())  # the pool is fixed, to the cent


def test_fixed_pool_rorac_marginal_through_the_stages(pooled):
    """RORAC comes from the account data: the profit raised in the RORAC result, the scorecard
    and the pool's terms computed again."""
    from appraisal.scorecard import compute_scorecard

    result, validation, balance = pooled
    tables = validation.frames
    terms = _terms(result, validation)
    now = terms.gross()
    ids = list(terms.ids)
    for row in _picked(balance, "rorac").itertuples(index=False):
        rorac = result.stages.rorac.by_manager.copy()
        at = rorac["manager_id"].astype(str) == row.manager_id
        rorac.loc[at, "rorac"] = rorac.loc[at, "rorac"] + round(row.step * 100)
        card = compute_scorecard(
            tables["managers"], result.config.scorecard, result.period,
            indicators=tables["indicators"], ratings_360=tables["ratings_360"],
            satisfaction=tables["satisfaction"], rorac_by_manager=rorac,
            local_weights=result.weights.local_weights)
        after = _terms(result, validation, card.managers, rorac).gross()
        m = ids.index(row.manager_id)
        assert int(to_cents((after[m] - now[m]) / 100.0)) == row.marginal_bonus


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_closed_form_property_on_random_pools(data):
    """Random fixed pools with caps and floors: for a random manager's new points the closed
    form equals the engine's full re-share (10⁻⁶ cent); the pool total is kept."""
    size = data.draw(st.integers(3, 12))
    comps = data.draw(st.integers(1, 3))
    points = {f"c{k}": np.array(data.draw(st.lists(
        st.floats(0.0, 10.0, allow_nan=False), min_size=size, max_size=size))) + 0.01
        for k in range(comps)}
    shares = np.array(data.draw(st.lists(st.integers(1, 5), min_size=comps, max_size=comps)))
    shares = {f"c{k}": float(v) for k, v in enumerate(shares / shares.sum())}
    pool = 100_000 * size
    lower = np.array(data.draw(st.lists(st.floats(0, 60_000), min_size=size, max_size=size)))
    upper = lower + np.array(data.draw(st.lists(st.floats(20_000, 400_000), min_size=size,
                                                max_size=size)))
    if lower.sum() > pool or upper.sum() < pool:
        return
    terms = PoolTerms(pd.Index([f"M{k}" for k in range(size)]), points, shares, lower, upper,
                      np.ones(size, dtype=bool), pool, {})
    factor = np.array(data.draw(st.lists(st.floats(0.5, 1.5), min_size=size, max_size=size)))
    moved = PoolTerms(terms.ids, {c: p * factor for c, p in points.items()}, shares, lower,
                      upper, terms.active, pool, {})
    found = pool_marginals(terms, moved)
    for m in range(size):
        row = {c: p.copy() for c, p in points.items()}
        for c in row:
            row[c][m] = moved.points[c][m]
        again = terms.gross(row)
        assert found.after[m] == pytest.approx(again[m], abs=1e-6, rel=1e-9)
        assert again.sum() == pytest.approx(pool, rel=1e-9)


def test_years_of_service_is_in_the_balance_and_matches_a_finite_difference(project, tmp_path):
    """One more unit of years of service is one more year: here a 4-year step, checked by
    moving the hire date 1461 days (4 × 365.25) earlier and re-running the whole pipeline."""
    overrides = ["analysis.incentive_balance.unit_step=4"]
    loaded = load_config(project, overrides)
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    balance = incentive_balance(result, validation).balance
    rows = balance[balance["indicator"] == "years_of_service"]
    assert len(rows) == len(result.managers)
    assert np.allclose(rows["step"], 4.0)
    start = pd.Timestamp(result.period.start)
    hired = validation.frames["managers"].set_index("manager_id")["hire_date"]
    rows = rows[rows["manager_id"].map(lambda m: pd.Timestamp(hired[m]) < start)]
    picked = pd.concat([rows[rows["near_boundary"]].head(2),
                        rows[rows["score"] >= 5].head(1), rows.head(1)])
    assert (picked["marginal_bonus"] > 0).any()
    assert (picked.loc[picked["score"] >= 5, "marginal_bonus"] == 0).all()  # at its cap
    base = result.managers.set_index("manager_id")["bonus_gross"].astype("int64")
    for k, row in enumerate(picked.itertuples(index=False)):
        config = _copy(project, tmp_path / f"{k}")
        _edit(config, "managers", row.manager_id, "hire_date",
              lambda v: (pd.Timestamp(v) - pd.Timedelta(days=1461)).strftime("%Y-%m-%d"))
        after = appraisal.run(load_config(config, overrides)).managers.set_index(
            "manager_id")["bonus_gross"].astype("int64")
        assert int(after[row.manager_id] - base[row.manager_id]) == row.marginal_bonus


def test_the_worked_examples_of_the_docs():
    """docs/design-tools.md's incentive-balance figures on the bundled sample branch
    (configs/example.yaml as shipped): years of service, and the fixed pool."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "design-tools.md").read_text(encoding="utf-8")
    config = root / "configs" / "example.yaml"
    loaded = load_config(config)
    validation = validate_inputs(loaded)
    balance = incentive_balance(appraisal.run(loaded, validation=validation), validation).balance
    years = balance[(balance["indicator"] == "years_of_service") & (balance["marginal_bonus"] > 0)]
    assert years[["manager_id", "marginal_bonus"]].values.tolist() == [["M0046", 72000]]
    assert "pays M0046 (B, 109.66) the A\ngrade — 720 yuan" in doc
    loaded = load_config(config, POOL[:-1])
    validation = validate_inputs(loaded)
    result = appraisal.run(loaded, validation=validation)
    limits = result.managers["limit_applied"].value_counts().to_dict()
    assert limits == {"rescaled": 41, "cap": 12, "floor": 7}
    balance = incentive_balance(result, validation).balance
    deposit = balance[balance["indicator"] == "deposit_plan"]
    assert int(deposit["marginal_bonus"].median()) == 197 and "1.97 yuan" in doc
    assert int((deposit["marginal_bonus"] == 0).sum()) == 19
    row = balance[(balance["manager_id"] == "M0046") & (balance["indicator"] == "satisfaction")]
    assert row[["marginal_bonus", "others_change"]].values.tolist() == [[74127, -74127]]
    assert "M0046 (B, rescaled) gains 741.27 yuan" in doc
