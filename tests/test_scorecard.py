"""Scorecard stage: a hand-worked example of three managers through every rule, tenure modes,
grades, invariants (hypothesis) and the messages of bad config and input.

Hand calculations are in the comments; tolerance 1e-9 unless stated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.config import parse_config
from appraisal.config.base import parse_period
from appraisal.config.scorecard import ScorecardConfig
from appraisal.errors import AppraisalError, ConfigError, InputError, InternalError
from appraisal.scorecard import (
    check_scorecard,
    combine_360,
    compute_scorecard,
    forced_distribution,
    grade_by_bands,
    resolve_weights,
)

TOL = 1e-9
PERIOD = parse_period("2026-10")
PROPERTY = settings(max_examples=25, deadline=None)

# A small scheme with every rule: ratio (RORAC, incl. a negative target), lower_better (NPL),
# piecewise (approval pass rate, relative to target; years of service, absolute), scale (360 and
# satisfaction, 1–5), percentile (research output within the team), direct (exam score, medical).
HAND_CONFIG = yaml.safe_load("""
matrix: dimensions
dimensions:
  - id: financial
    indicators:
      - {id: rorac, source: rorac_amount, rule: {kind: ratio}, cap: 150, floor: 0}
  - id: customer
    indicators:
      - {id: deposit_plan, rule: {kind: ratio}, cap: 150}
      - {id: satisfaction, source: satisfaction, rule: {kind: scale, low: 1, high: 5}, cap: 100,
         missing_actual: zero}
  - id: internal_process
    weights: {npl_ratio: 0.5, approval_pass_rate: 0.2, feedback_360: 0.3}
    indicators:
      - {id: npl_ratio, rule: {kind: lower_better}, cap: 150}
      - id: approval_pass_rate
        rule:
          kind: piecewise
          extrapolate: false
          points: [{x: -20, score: 60}, {x: 0, score: 100}, {x: 5, score: 110}]
      - {id: feedback_360, source: ratings_360, rule: {kind: scale, low: 1, high: 5}, cap: 100}
  - id: learning_growth
    weights: {exam_score: 0.5, research_output: 0.5}
    indicators:
      - {id: exam_score, rule: {kind: direct}, cap: 100}
      - {id: research_output, rule: {kind: percentile, group_by: team}}
additional:
  cap: 6
  indicators:
    - id: years_of_service
      source: tenure_years
      rule:
        kind: piecewise
        extrapolate: false
        points: [{x: 0, score: 0, basis: absolute}, {x: 10, score: 5, basis: absolute}]
    - {id: medical_balance_rate, rule: {kind: direct}}
feedback_360:
  min_raters: {peer: 2}
""")
HAND_WEIGHTS = {
    "dimensions": {"financial": 0.4, "customer": 0.3, "internal_process": 0.2,
                   "learning_growth": 0.1},
    "customer": {"deposit_plan": 0.6, "satisfaction": 0.4},
}


def roster(hire=("2014-10-31", "2018-10-31", "2022-10-31"), leave=(None, None, None),
           teams=("T1", "T1", "T1")) -> pd.DataFrame:
    ids = [f"M{i + 1}" for i in range(len(hire))]
    frame = pd.DataFrame({
        "manager_id": ids, "name": ids, "branch": "B1", "sub_branch": "S1", "team": list(teams),
        "job_level": "L1", "hire_date": pd.to_datetime(list(hire)),
        "leave_date": pd.to_datetime(list(leave)), "_row": range(2, 2 + len(hire)),
    })
    frame.attrs["file"] = "managers.csv"
    return frame


def table(rows: list[tuple], columns: list[str], file: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    frame["_row"] = range(2, 2 + len(frame))
    frame.attrs["file"] = file
    return frame


def hand_inputs() -> dict[str, pd.DataFrame]:
    indicators = table([
        ("M1", "rorac", None, 100_000.0), ("M2", "rorac", None, -20_000.0),
        ("M3", "rorac", None, 50_000.0),
        ("M1", "deposit_plan", 120.0, 100.0), ("M2", "deposit_plan", 80.0, 100.0),
        ("M3", "deposit_plan", 200.0, 100.0),
        ("M1", "npl_ratio", 1.0, 2.0), ("M2", "npl_ratio", 2.5, 2.0),
        ("M3", "npl_ratio", 0.0, 2.0),
        ("M1", "approval_pass_rate", 90.0, 95.0), ("M2", "approval_pass_rate", 97.0, 95.0),
        ("M3", "approval_pass_rate", 60.0, 90.0),
        ("M1", "exam_score", 90.0, None), ("M2", "exam_score", 75.0, None),
        ("M3", "exam_score", 60.0, None),
        ("M1", "research_output", 2.0, None), ("M2", "research_output", 5.0, None),
        ("M3", "research_output", 2.0, None),
        ("M1", "medical_balance_rate", 3.0, None), ("M2", "medical_balance_rate", 1.5, None),
        ("M3", "medical_balance_rate", 0.0, None),
    ], ["manager_id", "indicator", "actual", "target"], "indicators.csv")
    ratings = table([
        ("M1", "self", 5.0), ("M1", "superior", 4.0), ("M1", "peer", 4.0), ("M1", "peer", 3.0),
        ("M1", "subordinate", 4.0),
        ("M2", "superior", 5.0), ("M2", "peer", 3.0),
        ("M3", "self", 3.0), ("M3", "superior", 3.0),
    ], ["manager_id", "rater_type", "score"], "ratings_360.csv")
    satisfaction = table([("M1", 4.0), ("M1", 5.0), ("M2", 3.0)], ["manager_id", "score"],
                         "satisfaction.csv")
    rorac = pd.DataFrame({"manager_id": ["M1", "M2", "M3"],
                          "rorac": [130_000.0, -15_000.0, -10_000.0],
                          "rorac_ratio": [0.1, 0.1, 0.1]})
    return {"indicators": indicators, "ratings_360": ratings, "satisfaction": satisfaction,
            "rorac_by_manager": rorac}


ROOT = {"period": "2026-10", "unit": {"id": "B1"}, "inputs": {"managers": "m.csv"}}


def check_hand(config: dict, managers: pd.DataFrame, inputs: dict) -> list:
    """check_scorecard on the hand inputs as validation sees them (tables by name)."""
    tables = {"managers": managers} | {
        name: frame for name, frame in inputs.items()
        if name != "rorac_by_manager" and frame is not None
    }
    return check_scorecard(tables, parse_config(ROOT | {"scorecard": config}))


def run_hand(config: dict | None = None, managers: pd.DataFrame | None = None, **changes):
    """Check first (bad input raises InputError, as a run does), then compute."""
    inputs = hand_inputs() | changes
    managers = roster() if managers is None else managers
    InputError.collect(check_hand(config or HAND_CONFIG, managers, inputs))
    return compute_scorecard(
        managers, ScorecardConfig.model_validate(config or HAND_CONFIG), PERIOD,
        local_weights=HAND_WEIGHTS, **inputs,
    )


def score_of(result, manager: str, indicator: str) -> pd.Series:
    scores = result.scores
    return scores[(scores["manager_id"] == manager) & (scores["indicator"] == indicator)].iloc[0]


# Indicator scores, by hand:
# rorac      M1 100·130 000/100 000 = 130; M2 target −20 000: 100 + 100·(−15 000 + 20 000)/20 000
#            = 125; M3 100·(−10 000)/50 000 = −20 → floor 0
# deposit    M1 120; M2 80; M3 200 → cap 150
# satisf.    M1 mean(4, 5) = 4.5 → 100·(4.5 − 1)/4 = 87.5; M2 3 → 50; M3 no answers → 0 (flagged)
# npl        M1 100·2/1 = 200 → cap 150; M2 100·2/2.5 = 80; M3 actual 0 → the cap, 150
# approval   M1 90 − 95 = −5 → 100 − 5·(40/20) = 90; M2 +2 → 100 + 2·(10/5) = 104;
#            M3 60 − 90 = −30, below the first point, held → 60
# 360        M1 0.1·5 + 0.4·4 + 0.3·mean(4, 3) + 0.2·4 = 3.95 → 100·2.95/4 = 73.75;
#            M2 superior only (peer has 1 rater < 2) → 5 → 100; M3 (0.1·3 + 0.4·3)/0.5 = 3 → 50
# exam       90, 75, 60
# research   team T1: 2, 5, 2 → average ranks 1.5, 3, 1.5 → 25, 100, 25
# years      12 y (2014-10-31..2026-10-31 = 4383 d = 12·365.25) → 5 (held); 8 y → 4; 4 y → 2
# medical    3, 1.5, 0
HAND_SCORES = {
    "M1": [130.0, 120.0, 87.5, 150.0, 90.0, 73.75, 90.0, 25.0, 5.0, 3.0],
    "M2": [125.0, 80.0, 50.0, 80.0, 104.0, 100.0, 75.0, 100.0, 4.0, 1.5],
    "M3": [0.0, 150.0, 0.0, 150.0, 60.0, 50.0, 60.0, 25.0, 2.0, 0.0],
}
ORDER = ["rorac", "deposit_plan", "satisfaction", "npl_ratio", "approval_pass_rate",
         "feedback_360", "exam_score", "research_output", "years_of_service",
         "medical_balance_rate"]


def test_hand_worked_indicator_scores():
    result = run_hand()
    for manager, expected in HAND_SCORES.items():
        got = [score_of(result, manager, i)["score"] for i in ORDER]
        np.testing.assert_allclose(got, expected, atol=TOL, err_msg=manager)


def test_hand_worked_dimension_scores_composite_and_grades():
    # M1: financial 130; customer .6·120 + .4·87.5 = 107; internal .5·150 + .2·90 + .3·73.75
    #     = 115.125; learning .5·90 + .5·25 = 57.5; weighted .4·130 + .3·107 + .2·115.125
    #     + .1·57.5 = 112.875; additional 5 + 3 = 8 → cap 6; composite 118.875 → A (>= 110)
    # M2: 125; .6·80 + .4·50 = 68; .5·80 + .2·104 + .3·100 = 90.8; .5·75 + .5·100 = 87.5;
    #     weighted 50 + 20.4 + 18.16 + 8.75 = 97.31; additional 4 + 1.5 = 5.5; 102.81 → B
    # M3: 0; .6·150 = 90; .5·150 + .2·60 + .3·50 = 102; .5·60 + .5·25 = 42.5;
    #     weighted 0 + 27 + 20.4 + 4.25 = 51.65; additional 2; 53.65 → E
    m = run_hand().managers.set_index("manager_id")
    np.testing.assert_allclose(m["financial_score"], [130.0, 125.0, 0.0], atol=TOL)
    np.testing.assert_allclose(m["customer_score"], [107.0, 68.0, 90.0], atol=TOL)
    np.testing.assert_allclose(m["internal_process_score"], [115.125, 90.8, 102.0], atol=TOL)
    np.testing.assert_allclose(m["learning_growth_score"], [57.5, 87.5, 42.5], atol=TOL)
    np.testing.assert_allclose(m["additional_points_raw"], [8.0, 5.5, 2.0], atol=TOL)
    np.testing.assert_allclose(m["additional_points"], [6.0, 5.5, 2.0], atol=TOL)
    np.testing.assert_allclose(m["composite"], [118.875, 102.81, 53.65], atol=TOL)
    assert m["grade"].tolist() == ["A", "B", "E"]
    np.testing.assert_allclose(m["grade_coefficient"], [1.5, 1.2, 0.5])
    assert "additional_capped" in m.loc["M1", "flags"]


def test_hand_worked_flags_and_weights():
    result = run_hand()
    assert "floored" in score_of(result, "M3", "rorac")["flags"]
    assert "target_negative" in score_of(result, "M2", "rorac")["flags"]
    assert "capped" in score_of(result, "M1", "npl_ratio")["flags"]
    assert "actual_zero" in score_of(result, "M3", "npl_ratio")["flags"]
    assert "actual_missing" in score_of(result, "M3", "satisfaction")["flags"]
    m2_360 = score_of(result, "M2", "feedback_360")["flags"]
    assert "feedback_360_missing:self+peer+subordinate" in m2_360
    assert "feedback_360_below_min:peer" in m2_360
    # global weight = dimension weight · local weight: deposit .3·.6 = .18; npl .2·.5 = .1
    assert score_of(result, "M1", "deposit_plan")["global_weight"] == pytest.approx(0.18)
    assert score_of(result, "M1", "npl_ratio")["global_weight"] == pytest.approx(0.1)
    # the RORAC target is read from the indicators table, row 2
    assert score_of(result, "M1", "rorac")["input_row"] == 2
    # targets the rule does not read are blank
    assert pd.isna(score_of(result, "M1", "exam_score")["target"])


def test_forced_distribution_hand_worked():
    # 3 managers, quotas .1/.2/.4/.2/.1: n·q = .3, .6, 1.2, .6, .3 → floors 0, 0, 1, 0, 0, two
    # places left → largest remainders .6 (B) and .6 (D), B first on the tie → B, C, D
    config = HAND_CONFIG | {"grading": {"method": "forced", "unit": "team"}}
    m = run_hand(config).managers.set_index("manager_id")
    assert m["grade"].tolist() == ["B", "C", "D"]
    assert m["rank_in_unit"].tolist() == [1, 2, 3]


def test_forced_distribution_ties_break_on_manager_id():
    grade, rank = forced_distribution([90.0, 90.0, 80.0, 100.0], ["M2", "M1", "M3", "M4"],
                                      ["T"] * 4, [0.25, 0.25, 0.25, 0.25])
    # order: M4 (100), M1 (90, id first), M2 (90), M3 (80)
    assert rank.tolist() == [3, 2, 4, 1]
    assert grade.tolist() == [2, 1, 3, 0]


def test_bands_tolerate_float_noise_at_a_bound():
    # 99.99999999999999 is 100 up to float noise of weights summing to 1: band B (>= 100)
    assert grade_by_bands([99.99999999999999, 99.9, 110.0], [110.0, 100.0]).tolist() == [1, 2, 0]


def test_combine_360_renormalises_present_types():
    ratings = table([("M1", "superior", 4.0), ("M1", "peer", 2.0)],
                    ["manager_id", "rater_type", "score"], "r.csv")
    got = combine_360(ratings, ScorecardConfig().feedback_360, ["M1", "M9"])
    # (0.4·4 + 0.3·2)/0.7 = 2.2/0.7; M9 has no ratings at all → NaN and every type missing
    assert got.loc["M1", "rating"] == pytest.approx(2.2 / 0.7)
    assert got.loc["M1", "types_missing"] == "self+subordinate"
    assert np.isnan(got.loc["M9", "rating"])
    assert got.loc["M9", "types_missing"] == "self+superior+peer+subordinate"


# ----------------------------------------------------------------------------- tenure

def joiner_roster() -> pd.DataFrame:
    # M3 joined 2026-10-16: 16 of 31 days; M2 left 2026-09-30, before the period
    return roster(hire=("2014-10-31", "2018-10-31", "2026-10-16"),
                  leave=(None, "2026-09-30", None))


@pytest.mark.parametrize("mode", ["include", "exclude", "prorate"])
def test_joiners_and_leavers(mode):
    tenure = {"joiners_leavers": mode} | ({"excluded_coefficient": 0.9} if mode == "exclude"
                                          else {})
    config = HAND_CONFIG | {"tenure": tenure}
    result = run_hand(config, managers=joiner_roster())
    m = result.managers.set_index("manager_id")
    assert "M2" not in set(result.scores["manager_id"])
    assert m.loc["M2", "grade"] == "" and m.loc["M2", "grade_coefficient"] == 0.0
    assert "not_employed" in m.loc["M2", "flags"] and m.loc["M2", "composite"] == 0.0
    assert m.loc["M3", "joined_during_period"]
    assert m.loc["M3", "service_fraction"] == pytest.approx(16 / 31)
    before = m.loc["M3", "composite_before_proration"]
    if mode == "include":
        assert m.loc["M3", "composite"] == before and m.loc["M3", "grade"] != ""
    elif mode == "exclude":
        assert m.loc["M3", "excluded"] and m.loc["M3", "grade"] == ""
        assert m.loc["M3", "grade_coefficient"] == 0.9
    else:
        assert m.loc["M3", "composite"] == pytest.approx(before * 16 / 31)
        assert "prorated" in m.loc["M3", "flags"]


# ----------------------------------------------------------------------------- properties

@st.composite
def random_inputs(draw):
    n = draw(st.integers(1, 6))
    values = st.floats(-50, 300, allow_nan=False)
    ids = [f"M{i + 1}" for i in range(n)]
    teams = draw(st.lists(st.sampled_from(["T1", "T2"]), min_size=n, max_size=n))
    rows = []
    for i in ids:
        rows += [
            (i, "rorac", None, draw(st.floats(1, 1e5) | st.floats(-1e5, -1))),
            (i, "deposit_plan", draw(values), draw(st.floats(1, 200))),
            (i, "npl_ratio", draw(st.floats(0, 10)), draw(st.floats(0, 5))),
            (i, "approval_pass_rate", draw(values), draw(st.floats(50, 100))),
            (i, "exam_score", draw(st.floats(0, 100)), None),
            (i, "research_output", draw(st.floats(0, 10)), None),
            (i, "medical_balance_rate", draw(st.floats(0, 5)), None),
        ]
    indicators = table(rows, ["manager_id", "indicator", "actual", "target"], "indicators.csv")
    ratings = table([(i, t, draw(st.floats(1, 5))) for i in ids
                     for t in ("self", "superior", "peer", "peer")],
                    ["manager_id", "rater_type", "score"], "ratings_360.csv")
    satisfaction = table([(i, draw(st.floats(1, 5))) for i in ids], ["manager_id", "score"],
                         "satisfaction.csv")
    rorac = pd.DataFrame({"manager_id": ids,
                          "rorac": draw(st.lists(st.floats(-2e5, 2e5), min_size=n, max_size=n)),
                          "rorac_ratio": 0.0})
    hires = draw(st.lists(st.dates(pd.Timestamp("2000-01-01").date(),
                                   pd.Timestamp("2026-10-31").date()), min_size=n, max_size=n))
    managers = roster(hire=tuple(str(h) for h in hires), leave=(None,) * n, teams=tuple(teams))
    raw = draw(st.lists(st.floats(0.05, 1), min_size=4, max_size=4))
    weights = {"dimensions": dict(zip(["financial", "customer", "internal_process",
                                       "learning_growth"], np.array(raw) / sum(raw),
                                      strict=True)),
               "customer": {"deposit_plan": 0.5, "satisfaction": 0.5}}
    return managers, {"indicators": indicators, "ratings_360": ratings,
                      "satisfaction": satisfaction, "rorac_by_manager": rorac}, weights


@PROPERTY
@given(data=random_inputs())
def test_composite_is_sum_of_contributions_and_weights_sum_to_one(data):
    managers, inputs, weights = data
    result = compute_scorecard(managers, ScorecardConfig.model_validate(HAND_CONFIG), PERIOD,
                               local_weights=weights, **inputs)
    scores, m = result.scores, result.managers.set_index("manager_id")
    weighted = scores[scores["dimension"] != "additional"]
    total = weighted.groupby("manager_id")["contribution"].sum()
    np.testing.assert_allclose(m["composite"], total.reindex(m.index) + m["additional_points"],
                               atol=1e-9)
    # Σ_d W_d · D_d equals the sum of contributions too
    dims = ["financial", "customer", "internal_process", "learning_growth"]
    by_dims = sum(result.dimension_weights[d] * m[f"{d}_score"] for d in dims)
    np.testing.assert_allclose(by_dims, total.reindex(m.index), rtol=1e-12, atol=1e-9)
    assert sum(result.dimension_weights.values()) == pytest.approx(1.0)
    for level in result.indicator_weights.values():
        assert sum(level.values()) == pytest.approx(1.0)
    np.testing.assert_allclose(weighted.groupby("manager_id")["global_weight"].sum(), 1.0)
    # caps and floors hold, and no score is NaN
    assert scores["score"].notna().all()
    assert (weighted["score"] <= 150.0).all() and (weighted["score"] >= 0.0).all()
    assert (m["additional_points"] <= 6.0).all()


@PROPERTY
@given(composite=st.lists(st.floats(0, 150), min_size=1, max_size=40),
       seed=st.integers(0, 1000))
def test_forced_distribution_quotas_hold(composite, seed):
    rng = np.random.default_rng(seed)
    units = rng.choice(["U1", "U2", "U3"], size=len(composite))
    ids = [f"M{i:03d}" for i in range(len(composite))]
    quotas = [0.1, 0.2, 0.4, 0.2, 0.1]
    grade, _ = forced_distribution(composite, ids, units, quotas)
    for unit in set(units):
        mine = units == unit
        n = mine.sum()
        counts = np.bincount(grade[mine], minlength=5)
        assert counts.sum() == n
        assert (np.abs(counts - n * np.array(quotas)) < 1.0 + 1e-9).all()
        # a better grade never holds a lower composite than a worse grade in the same unit
        c = np.asarray(composite)[mine]
        g = grade[mine]
        for better in range(4):
            if (g == better).any() and (g > better).any():
                assert c[g == better].min() >= c[g > better].max() - 1e-9


# ----------------------------------------------------------------------------- bad inputs

def test_unknown_indicator_names_file_and_row():
    inputs = hand_inputs()
    bad = pd.concat([inputs["indicators"].drop(columns="_row"),
                     pd.DataFrame([("M1", "deposit_pln", 1.0, 1.0)],
                                  columns=["manager_id", "indicator", "actual", "target"])],
                    ignore_index=True)
    bad["_row"] = range(2, 2 + len(bad))
    bad.attrs["file"] = "indicators.csv"
    with pytest.raises(InputError) as caught:
        run_hand(indicators=bad)
    text = str(caught.value)
    assert "indicators.csv, row 23, column 'indicator'" in text and "deposit_pln" in text


def test_missing_actual_as_error_names_row_and_manager():
    config = yaml.safe_load(yaml.safe_dump(HAND_CONFIG))
    config["dimensions"][3]["indicators"][0]["missing_actual"] = "error"
    inputs = hand_inputs()
    frame = inputs["indicators"].copy()
    frame.loc[frame["indicator"].eq("exam_score") & frame["manager_id"].eq("M2"), "actual"] = None
    frame.attrs["file"] = "indicators.csv"
    with pytest.raises(InputError) as caught:
        run_hand(config, indicators=frame)
    text = str(caught.value)
    assert "indicators.csv, row 15, column 'actual'" in text
    assert "indicator 'exam_score', manager 'M2': actual is missing" in text


def test_zero_target_error_names_row():
    frame = hand_inputs()["indicators"].copy()
    frame.loc[frame["indicator"].eq("deposit_plan") & frame["manager_id"].eq("M1"), "target"] = 0.0
    frame.attrs["file"] = "indicators.csv"
    with pytest.raises(InputError) as caught:
        run_hand(indicators=frame)
    assert "indicators.csv, row 5, column 'target'" in str(caught.value)
    assert "target is 0" in str(caught.value)


def test_zero_target_can_score_the_cap():
    config = yaml.safe_load(yaml.safe_dump(HAND_CONFIG))
    config["dimensions"][1]["indicators"][0]["rule"]["zero_target"] = "cap_if_exceeded"
    frame = hand_inputs()["indicators"].copy()
    frame.loc[frame["indicator"].eq("deposit_plan") & frame["manager_id"].eq("M1"), "target"] = 0.0
    result = run_hand(config, indicators=frame)
    row = score_of(result, "M1", "deposit_plan")
    assert row["score"] == 150.0 and "target_zero" in row["flags"]


def test_missing_target_names_row():
    frame = hand_inputs()["indicators"].copy()
    frame.loc[frame["indicator"].eq("npl_ratio") & frame["manager_id"].eq("M3"), "target"] = None
    frame.attrs["file"] = "indicators.csv"
    with pytest.raises(InputError, match=r"indicators.csv, row 10, column 'target'.*npl_ratio"):
        run_hand(indicators=frame)


def test_rating_outside_scale_names_file_and_row():
    ratings = hand_inputs()["ratings_360"].copy()
    ratings.loc[0, "score"] = 7.0
    ratings.attrs["file"] = "ratings_360.csv"
    with pytest.raises(InputError, match=r"ratings_360.csv, row 2, column 'score'.*1 to 5"):
        run_hand(ratings_360=ratings)


def test_actual_for_rorac_in_indicators_table_is_rejected():
    frame = hand_inputs()["indicators"].copy()
    frame.loc[0, "actual"] = 1.0
    frame.attrs["file"] = "indicators.csv"
    with pytest.raises(InputError, match=r"row 2, column 'actual'.*comes from rorac_amount"):
        run_hand(indicators=frame)


def test_missing_table_names_the_input_key():
    with pytest.raises(InputError, match=r"satisfaction.*inputs.satisfaction"):
        run_hand(satisfaction=None)


def test_missing_ahp_weights_name_the_matrix():
    config = ScorecardConfig.model_validate(HAND_CONFIG)
    with pytest.raises(AppraisalError, match="matrix 'customer'"):
        resolve_weights(config, {"dimensions": HAND_WEIGHTS["dimensions"]})
    wrong = HAND_WEIGHTS | {"customer": {"deposit_plan": 0.6, "satisfaction": 0.5}}
    with pytest.raises(AppraisalError, match="sum to 1"):
        resolve_weights(config, wrong)


# ----------------------------------------------------------------------------- config


def config_error(scorecard: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(ROOT | {"scorecard": scorecard})
    return str(caught.value)


def test_default_section_is_the_source_scheme():
    config = parse_config(ROOT).scorecard
    assert config.ahp_matrices() == {
        "dimensions": ["financial", "customer", "internal_process", "learning_growth"],
        "customer": ["deposit_plan", "loan_plan", "intermediate_plan", "other_plan",
                     "satisfaction"],
        "internal_process": ["npl_ratio", "approval_pass_rate", "file_completeness",
                             "feedback_360"],
        "learning_growth": ["training_hours", "exam_score", "research_output"],
    }
    assert [i.id for i in config.additional.indicators] == ["years_of_service",
                                                            "medical_balance_rate"]


def test_fixed_weights_replace_the_matrix():
    config = ScorecardConfig.model_validate(HAND_CONFIG)
    assert "internal_process" not in config.ahp_matrices()
    assert "financial" not in config.ahp_matrices()  # one indicator: local weight 1


def test_unknown_rule_kind_names_the_key():
    text = config_error({"dimensions": [{"id": "d", "indicators": [
        {"id": "x", "rule": {"kind": "ratio_to_plan"}}]}]})
    assert "scorecard.dimensions[0].indicators[0].rule" in text and "ratio_to_plan" in text


def test_fixed_weights_must_sum_to_one():
    text = config_error({"dimension_weights": {"financial": 0.5, "customer": 0.2,
                                               "internal_process": 0.2, "learning_growth": 0.2}})
    assert "scorecard" in text and "dimension_weights: weights must sum to 1" in text


def test_piecewise_scores_must_follow_better():
    text = config_error({"dimensions": [{"id": "d", "indicators": [{"id": "x", "rule": {
        "kind": "piecewise", "better": "lower",
        "points": [{"x": 0, "score": 100}, {"x": 1, "score": 110}]}}]}]})
    assert "scorecard.dimensions[0].indicators[0].rule" in text
    assert "better: lower" in text


def test_duplicate_indicator_ids_are_named():
    text = config_error({"dimensions": [
        {"id": "a", "indicators": [{"id": "x"}]}, {"id": "b", "indicators": [{"id": "x"}]}]})
    assert "indicator ids must be unique, repeated: x" in text


def test_band_grades_need_falling_bounds():
    text = config_error({"grading": {"grades": [
        {"id": "A", "min_score": 90, "coefficient": 1.2},
        {"id": "B", "min_score": 100, "coefficient": 1.0},
        {"id": "C", "coefficient": 0.8}]}})
    assert "scorecard.grading" in text and "fall strictly" in text


def test_forced_quotas_must_sum_to_one():
    text = config_error({"grading": {"method": "forced", "grades": [
        {"id": "A", "quota": 0.5, "coefficient": 1.2},
        {"id": "B", "quota": 0.4, "coefficient": 1.0}]}})
    assert "quotas must sum to 1" in text


def test_documented_yaml_is_the_default_section():
    text = (Path(__file__).parents[1] / "docs" / "scorecard.md").read_text(encoding="utf-8")
    snippet = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    documented = parse_config(ROOT | yaml.safe_load(snippet)).scorecard
    assert documented == ScorecardConfig()


def test_repeated_roster_manager_is_left_to_validation_and_breaks_compute():
    # The roster check ("managers.csv, row 4, column 'manager_id': duplicate key") is done once,
    # for all tables, by validation; the scorecard check does not repeat it and never raises,
    # and compute refuses the impossible roster as an internal error.
    managers = roster(hire=("2014-10-31", "2018-10-31", "2022-10-31"))
    managers.loc[2, "manager_id"] = "M1"
    issues = check_hand(HAND_CONFIG, managers, hand_inputs())
    assert not [i for i in issues if i.file == "managers.csv"]
    with pytest.raises(InternalError, match="twice in the roster"):
        compute_scorecard(managers, ScorecardConfig.model_validate(HAND_CONFIG), PERIOD,
                          local_weights=HAND_WEIGHTS, **hand_inputs())
